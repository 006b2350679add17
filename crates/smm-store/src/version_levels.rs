//! What each document version says about levels, kept beside it (migration 0008): its level
//! summary ([`crate::summary`]) and, for an assessment, the content digest of the target it
//! names. With these a portfolio finds, for every system in one query, the target version its
//! latest assessment was made against (as the gap does, by digest) and both sets of levels,
//! without reading a document body.
//!
//! Written with each version; versions stored before the columns existed are filled in when the
//! store opens.

use sqlx::Row;

use smm_core::CheckedDocument;

use crate::store::{DocumentId, DocumentKind, Store};
use crate::StoreError;

/// The derived data of one version.
pub struct VersionLevels {
    /// Its levels, if known.
    pub summary: Option<String>,
    /// For an assessment, the digest of the target it names.
    pub target_sha256: Option<String>,
}

impl VersionLevels {
    /// What a checked document says.
    pub fn of(document: &CheckedDocument) -> VersionLevels {
        VersionLevels {
            summary: Some(document.summary().to_string()),
            target_sha256: document.named_target().map(str::to_string),
        }
    }
}

/// A version stored before its derived data was kept, to be checked and filled in.
pub struct VersionToFill {
    /// The document.
    pub document: DocumentId,
    /// The version.
    pub version: i64,
    /// The document's kind.
    pub kind: DocumentKind,
    /// The text as stored.
    pub body: String,
}

impl Store {
    /// Up to `limit` versions stored without their derived data, after (`document`, `version`)
    /// in that order. The store does not read documents: whoever holds the catalog checks each
    /// and gives back what it says with [`Store::fill_in_levels`].
    pub async fn versions_to_fill(
        &self,
        after: (DocumentId, i64),
        limit: i64,
    ) -> Result<Vec<VersionToFill>, StoreError> {
        let rows = sqlx::query(
            "SELECT v.document_id, v.version, d.kind, v.body FROM document_versions v \
             JOIN documents d ON d.id = v.document_id \
             WHERE v.summary IS NULL AND v.target_sha256 IS NULL \
               AND (v.document_id > $1 OR (v.document_id = $2 AND v.version > $3)) \
             ORDER BY v.document_id, v.version LIMIT $4",
        )
        .bind(after.0 .0)
        .bind(after.0 .0)
        .bind(after.1)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(VersionToFill {
                    document: DocumentId(r.try_get(0)?),
                    version: r.try_get(1)?,
                    kind: r.try_get::<String, _>(2)?.parse()?,
                    body: r.try_get(3)?,
                })
            })
            .collect()
    }

    /// Keeps the derived data of a version stored without it.
    pub async fn fill_in_levels(
        &self,
        document: DocumentId,
        version: i64,
        levels: &VersionLevels,
    ) -> Result<(), StoreError> {
        let _guard = self.writes.lock().await;
        let mut tx = self.begin_write().await?;
        record(&mut *tx, document.0, version, levels).await?;
        // The levels may be those the system's standing reads.
        crate::standing::refresh(&mut tx, crate::standing::Systems::OfDocument(document.0)).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Records a version's derived data.
async fn record<'c, E>(
    executor: E,
    document: i64,
    version: i64,
    levels: &VersionLevels,
) -> Result<(), StoreError>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query(
        "UPDATE document_versions SET summary = $1, target_sha256 = $2 \
         WHERE document_id = $3 AND version = $4",
    )
    .bind(levels.summary.as_deref())
    .bind(levels.target_sha256.as_deref())
    .bind(document)
    .bind(version)
    .execute(executor)
    .await?;
    Ok(())
}
