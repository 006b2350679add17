//! What each document version says about levels, kept beside it (migration 0008): its level
//! summary ([`crate::summary`]) and, for an assessment, the content digest of the target it
//! names. With these a portfolio finds, for every system in one query, the target version its
//! latest assessment was made against (as the gap does, by digest) and both sets of levels,
//! without reading a document body.
//!
//! Written with each version; versions stored before the columns existed are filled in when the
//! store opens.

use sqlx::{AnyPool, Row};

use smm_core::Document;

use crate::summary::summarize;
use crate::StoreError;

/// The derived data of one version.
pub(crate) struct VersionLevels {
    /// Its levels, if it resolves against the built-in catalog.
    pub summary: Option<String>,
    /// For an assessment, the digest of the target it names.
    pub target_sha256: Option<String>,
}

impl VersionLevels {
    /// What a parsed document says.
    pub fn of(document: &Document) -> VersionLevels {
        VersionLevels {
            summary: summarize(document),
            target_sha256: match document {
                Document::Assessment(a) => Some(a.target.sha256.value.clone()),
                _ => None,
            },
        }
    }
}

/// Records a version's derived data.
pub(crate) async fn record<'c, E>(
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

/// Versions read per batch while filling in.
const BATCH: i64 = 200;

/// Fills in the derived data of versions stored without it, a batch at a time. A version whose
/// body no longer parses keeps none (the portfolio then counts its system as without a target
/// or not assessed, as the gap would refuse it).
pub(crate) async fn fill_in(pool: &AnyPool) -> Result<(), StoreError> {
    let (mut document, mut version) = (0i64, 0i64);
    loop {
        let rows = sqlx::query(
            "SELECT document_id, version, body FROM document_versions \
             WHERE summary IS NULL AND target_sha256 IS NULL \
               AND (document_id > $1 OR (document_id = $2 AND version > $3)) \
             ORDER BY document_id, version LIMIT $4",
        )
        .bind(document)
        .bind(document)
        .bind(version)
        .bind(BATCH)
        .fetch_all(pool)
        .await?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        (document, version) = (last.try_get(0)?, last.try_get(1)?);
        let mut tx = pool.begin().await?;
        for row in &rows {
            let body: String = row.try_get(2)?;
            if let Ok(parsed) = smm_core::parse_document(&body) {
                let levels = VersionLevels::of(&parsed);
                record(&mut *tx, row.try_get(0)?, row.try_get(1)?, &levels).await?;
            }
        }
        tx.commit().await?;
    }
}
