//! Each system's standing as the portfolio reads it, kept on the system's row: its latest
//! assessment (with its levels and the digest of the target it names) and the target it is
//! measured against (the newest stored target with a version of that digest, or the latest
//! target when nothing is assessed yet), with that target's levels.
//!
//! Found at read time, these cost four index lookups per system, too many for an organization
//! of 10,000 systems among a million documents (docs/performance.md). They are kept at write
//! time by the database itself: a trigger on `document_versions` (migration 0019, one per back
//! end) updates the system's row in the statement that stores a version, so every writer keeps
//! them, a server of the previous release during a rolling upgrade included, without a round
//! trip. [`refresh`] finds the same values from the documents: it fills them in once for a store
//! made before they were kept, and after levels are filled in for old versions, and the tests
//! check that what the triggers kept equals what it finds after any sequence of writes.

use sqlx::Any;

use crate::StoreError;

/// The columns of `systems` this module keeps, in the order [`crate::access`] reads them.
pub(crate) const COLUMNS: &str = "s.latest_assessment, s.latest_assessment_summary, \
    s.measured_against, s.measured_against_summary";

/// Which systems [`refresh`] recomputes.
#[derive(Clone, Copy)]
pub(crate) enum Systems {
    /// Every system.
    All,
    /// The system of this document.
    OfDocument(i64),
}

/// Recomputes the standing of `systems` from their documents, in four steps that each read
/// what the one before wrote.
pub(crate) async fn refresh(
    tx: &mut sqlx::Transaction<'_, Any>,
    systems: Systems,
) -> Result<(), StoreError> {
    let (scope, document) = match systems {
        Systems::All => ("", None),
        Systems::OfDocument(id) => (
            " WHERE id = (SELECT system_id FROM documents WHERE id = $1)",
            Some(id),
        ),
    };
    let latest_version = |column: &str| {
        format!(
            "(SELECT v.{column} FROM document_versions v \
             WHERE v.document_id = systems.latest_assessment ORDER BY v.version DESC LIMIT 1)"
        )
    };
    let steps = [
        "UPDATE systems SET latest_assessment = (SELECT MAX(d.id) FROM documents d \
         WHERE d.system_id = systems.id AND d.kind = 'Assessment')"
            .to_string(),
        format!(
            "UPDATE systems SET latest_assessment_summary = {}, latest_assessment_names = {}",
            latest_version("summary"),
            latest_version("target_sha256"),
        ),
        // The newest target of the system with a version of the digest the assessment names.
        "UPDATE systems SET measured_against = CASE WHEN latest_assessment IS NULL \
         THEN (SELECT MAX(d.id) FROM documents d \
             WHERE d.system_id = systems.id AND d.kind = 'TargetProfile') \
         ELSE (SELECT td.id FROM documents td \
             JOIN document_versions tv ON tv.document_id = td.id \
             WHERE td.system_id = systems.id AND td.kind = 'TargetProfile' \
               AND tv.sha256 = systems.latest_assessment_names \
             ORDER BY td.id DESC LIMIT 1) END"
            .to_string(),
        "UPDATE systems SET measured_against_summary = CASE WHEN latest_assessment IS NULL \
         THEN (SELECT d.summary FROM documents d WHERE d.id = systems.measured_against) \
         ELSE (SELECT v.summary FROM document_versions v \
             WHERE v.document_id = systems.measured_against \
               AND v.sha256 = systems.latest_assessment_names \
             ORDER BY v.version DESC LIMIT 1) END"
            .to_string(),
    ];
    for step in steps {
        let sql = format!("{step}{scope}");
        let mut q = sqlx::query(&sql);
        if let Some(id) = document {
            q = q.bind(id);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

impl crate::Store {
    /// Fills in every system's standing once, for a store made before standings were kept
    /// (migration 0019); afterwards each write keeps its system's, and this finds the task done.
    pub(crate) async fn fill_standings(&self) -> Result<(), StoreError> {
        const DONE: &str = "SELECT 1 FROM store_upkeep WHERE task = 'standings'";
        if sqlx::query(DONE)
            .fetch_optional(self.pool())
            .await?
            .is_some()
        {
            return Ok(());
        }
        let _guard = self.writes.lock().await;
        let mut tx = self.begin_write().await?;
        // Read again under the write lock: another server may have done it meanwhile.
        if sqlx::query(DONE).fetch_optional(&mut *tx).await?.is_some() {
            return Ok(());
        }
        refresh(&mut tx, Systems::All).await?;
        sqlx::query("INSERT INTO store_upkeep (task, done_at) VALUES ('standings', $1)")
            .bind(crate::store::now())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Recomputes every system's standing from its documents. The triggers keep them current
    /// as versions are written, so this is for rows loaded out of their written order (a
    /// PostgreSQL restore), and for tests that compare what the triggers kept with what the
    /// documents say.
    pub async fn refresh_standings(&self) -> Result<(), StoreError> {
        let _guard = self.writes.lock().await;
        let mut tx = self.begin_write().await?;
        refresh(&mut tx, Systems::All).await?;
        tx.commit().await?;
        Ok(())
    }
}
