//! Versions whose prepared form this release cannot read, found and given a new one.
//!
//! A version's prepared form ([`smm_core::document::prepared`]) is written when the version is
//! stored, and only then. Versions stored before the form existed, assessments saved from the
//! web editor (built as values, stored without one) and versions whose form an older release
//! wrote (another key) are parsed from their text at every read, and the gap's one-statement
//! read takes a second statement for them. `smm admin prepare-forms` finds them here, parses each
//! text (the store never parses) and keeps the new forms with [`Store::keep_prepared`].
//!
//! Each version keeps its form's key (`prepared_key`, migration 0022) in its row, so finding
//! them reads the rows alone: the form itself is stored out of line, and reading its first bytes
//! for each of a million versions was a million random reads. Versions stored before the column
//! existed (or by a server of the previous release during a rolling upgrade) get their key from
//! their form first, once ([`Store::fill_in_prepared_keys`]).
//!
//! Only the `prepared` and `prepared_key` columns change: a version's text, digest and levels
//! stay as they are, no trigger runs on it, and nothing is audited, since nothing anyone wrote
//! changes. On PostgreSQL the updates do not take the writers' lock, so the server's writes never
//! wait behind them.

use sqlx::Row;

use smm_core::document::prepared;

use crate::store::{Backend, DocumentId, DocumentKind, Store};
use crate::StoreError;

/// A version of a target profile or an assessment without a form this release reads.
#[derive(Clone, Debug)]
pub struct VersionToPrepare {
    /// The document.
    pub document: DocumentId,
    /// The version.
    pub version: i64,
    /// The document's kind ([`DocumentKind::TargetProfile`] or [`DocumentKind::Assessment`]).
    pub kind: DocumentKind,
    /// The text as stored.
    pub body: String,
}

/// A new form for a version, made from its text by whoever holds the parser.
#[derive(Clone, Debug)]
pub struct PreparedForm {
    /// The document.
    pub document: DocumentId,
    /// The version.
    pub version: i64,
    /// The form, starting with [`prepared::key`].
    pub form: Vec<u8>,
}

/// Where a walk through the versions stands: it goes from the newest document down, since the
/// newest versions are the ones read most.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormsCursor {
    /// The last document looked at.
    pub document: DocumentId,
    /// Its last version looked at.
    pub version: i64,
}

impl FormsCursor {
    /// Before every version.
    pub const START: FormsCursor = FormsCursor {
        document: DocumentId(i64::MAX),
        version: i64::MAX,
    };
}

impl Store {
    /// Copies the key of up to `limit` versions' forms into their rows, after `cursor` (newest
    /// document first), for versions stored without it; answers the last version filled in and
    /// how many were, or `None` when there are none left. Each such form's first bytes are read
    /// once, here.
    pub async fn fill_in_prepared_keys(
        &self,
        cursor: FormsCursor,
        limit: i64,
    ) -> Result<Option<(FormsCursor, u64)>, StoreError> {
        let mut tx = self.begin_upkeep().await?;
        let sql = format!(
            "UPDATE document_versions SET prepared_key = substr(prepared, 1, {KEY_LEN}) \
             WHERE (document_id, version) IN (\
                 SELECT document_id, version FROM document_versions \
                 WHERE prepared_key IS NULL AND prepared IS NOT NULL \
                   AND (document_id < $1 OR (document_id = $2 AND version < $3)) \
                 ORDER BY document_id DESC, version DESC LIMIT $4) \
             RETURNING document_id, version",
            KEY_LEN = prepared::key().len()
        );
        let rows = sqlx::query(&sql)
            .bind(cursor.document.0)
            .bind(cursor.document.0)
            .bind(cursor.version)
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        let mut last: Option<(i64, i64)> = None;
        for r in &rows {
            let at: (i64, i64) = (r.try_get(0)?, r.try_get(1)?);
            last = Some(last.map_or(at, |l| l.min(at)));
        }
        Ok(last.map(|(document, version)| {
            let cursor = FormsCursor {
                document: DocumentId(document),
                version,
            };
            (cursor, rows.len() as u64)
        }))
    }

    /// How many versions are stored, all kinds together.
    pub async fn count_versions(&self) -> Result<u64, StoreError> {
        let row = sqlx::query("SELECT count(*) FROM document_versions")
            .fetch_one(self.pool())
            .await?;
        Ok(u64::try_from(row.try_get::<i64, _>(0)?).unwrap_or(0))
    }

    /// Rebuilds the indexes of the versions' table without blocking its readers or writers,
    /// after a pass that rewrote many of its rows; answers whether it did. On PostgreSQL each
    /// rewritten row leaves an entry in the primary key's index that vacuum empties but never
    /// gives back: a pass over 1.1 million versions doubled that index, and the gap's read
    /// answered a third fewer requests a second until it was rebuilt (docs/performance.md).
    /// SQLite rewrites a row in place, under the same key: nothing to do there.
    pub async fn reindex_versions(&self) -> Result<bool, StoreError> {
        if self.backend() != Backend::Postgres {
            return Ok(false);
        }
        // CONCURRENTLY cannot run in a transaction: on a connection of its own, as it is.
        sqlx::query("REINDEX TABLE CONCURRENTLY document_versions")
            .execute(self.pool())
            .await?;
        Ok(true)
    }

    /// Up to `limit` versions of target profiles and assessments, after `cursor` (newest
    /// document first), whose form is missing or was not written by this release; loss
    /// scenarios have none. An empty answer means the walk is over. A version without its key
    /// in its row has its form's first bytes read (run [`Store::fill_in_prepared_keys`] first
    /// to read each only once).
    pub async fn versions_to_prepare(
        &self,
        cursor: FormsCursor,
        limit: i64,
    ) -> Result<Vec<VersionToPrepare>, StoreError> {
        let sql = format!(
            "SELECT v.document_id, v.version, d.kind, v.body FROM document_versions v \
             JOIN documents d ON d.id = v.document_id \
             WHERE d.kind IN ('TargetProfile', 'Assessment') AND {} IS DISTINCT FROM $1 \
               AND (v.document_id < $2 OR (v.document_id = $3 AND v.version < $4)) \
             ORDER BY v.document_id DESC, v.version DESC LIMIT $5",
            key_of("v.")
        );
        let rows = sqlx::query(&sql)
            .bind(prepared::key().as_slice())
            .bind(cursor.document.0)
            .bind(cursor.document.0)
            .bind(cursor.version)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(VersionToPrepare {
                    document: DocumentId(r.try_get(0)?),
                    version: r.try_get(1)?,
                    kind: r.try_get::<String, _>(2)?.parse()?,
                    body: r.try_get(3)?,
                })
            })
            .collect()
    }

    /// Keeps new prepared forms, in one transaction, each only if its version still has none
    /// this release wrote (a pass running beside this one may have been first). Answers how
    /// many were written. A form that does not start with this release's key is refused, and
    /// nothing is written.
    pub async fn keep_prepared(&self, forms: &[PreparedForm]) -> Result<u64, StoreError> {
        let key = prepared::key().as_slice();
        if let Some(foreign) = forms.iter().find(|f| !f.form.starts_with(key)) {
            return Err(StoreError::Invalid(format!(
                "the form for document {} version {} was not prepared by this release",
                foreign.document.0, foreign.version
            )));
        }
        if forms.is_empty() {
            return Ok(0);
        }
        let mut tx = self.begin_upkeep().await?;
        let sql = format!(
            "UPDATE document_versions SET prepared = $1, prepared_key = $2 \
             WHERE document_id = $3 AND version = $4 AND {} IS DISTINCT FROM $5",
            key_of("")
        );
        let mut written = 0;
        for f in forms {
            written += sqlx::query(&sql)
                .bind(f.form.as_slice())
                .bind(key)
                .bind(f.document.0)
                .bind(f.version)
                .bind(key)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        tx.commit().await?;
        Ok(written)
    }

    /// A transaction for upkeep of derived columns of versions.
    async fn begin_upkeep(&self) -> Result<sqlx::Transaction<'_, sqlx::Any>, StoreError> {
        Ok(match self.backend() {
            // SQLite has one writer: take its lock now and wait for it (see `begin_write_on`).
            Backend::Sqlite => self.pool().begin_with("BEGIN IMMEDIATE").await?,
            // Row locks are enough: no other writer touches these columns, and a version's row
            // is never updated otherwise, so the server's writers are not held up.
            Backend::Postgres => self.pool().begin().await?,
        })
    }
}

/// A version's form's key: the one kept in its row, or else the form's first bytes (`NULL`
/// without a form); `prefix` names the table (`v.`) when the statement has several.
fn key_of(prefix: &str) -> String {
    format!(
        "COALESCE({prefix}prepared_key, substr({prefix}prepared, 1, {}))",
        prepared::key().len()
    )
}
