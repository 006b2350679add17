//! What the audit log's guarantee rests on besides its chain: the signed checkpoints of the audit
//! log the server keeps, and the stored texts whose digests the log records (documents and
//! evidence), read in batches so a check of a large store never holds it whole.

use smm_cert::tlog::{Checkpoint, NoteVerifier};
use sqlx::Row;

use crate::audit::AuditCheckpoint;
use crate::store::now;
use crate::{Store, StoreError};

/// The kept checkpoints of the audit log, split by whether `key` signed them.
#[derive(Clone, Debug, Default)]
pub struct SortedAuditCheckpoints {
    /// Signed by the key, with the note each came from.
    pub signed: Vec<(AuditCheckpoint, String)>,
    /// The sizes of those it did not sign (forged or altered).
    pub unsigned: Vec<u64>,
}

/// A kept checkpoint of the audit log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeptAuditCheckpoint {
    /// Entries it covers.
    pub size: u64,
    /// The signed note, as signed.
    pub note: String,
    /// When it was kept.
    pub created_at: String,
}

/// A stored version of a document with the digest recorded when it was stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedVersion {
    /// The document.
    pub document: i64,
    /// The version.
    pub version: i64,
    /// `TargetProfile` or `Assessment`.
    pub kind: String,
    /// The content digest recorded with it.
    pub sha256: String,
    /// The text as stored.
    pub body: String,
}

/// A stored evidence file with the digest it is filed under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedEvidence {
    /// Whose.
    pub organization: i64,
    /// The SHA-256 it is filed under, in hex.
    pub sha256: String,
    /// The bytes as stored.
    pub content: Vec<u8>,
}

fn to_i64(n: u64) -> Result<i64, StoreError> {
    i64::try_from(n).map_err(|_| StoreError::Invalid(format!("size {n} is too large")))
}

impl Store {
    /// Keeps a signed checkpoint of the audit log at `size`, unless one of that size is kept
    /// already (another server signed the same size first); returns whether this one was kept.
    pub async fn put_audit_checkpoint(&self, size: u64, note: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO audit_checkpoints (size, note, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (size) DO NOTHING",
        )
        .bind(to_i64(size)?)
        .bind(note)
        .bind(now())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The kept checkpoint of the audit log with the largest size.
    pub async fn latest_audit_checkpoint(&self) -> Result<Option<KeptAuditCheckpoint>, StoreError> {
        Ok(self
            .audit_checkpoints_where("ORDER BY size DESC LIMIT 1")
            .await?
            .pop())
    }

    /// Every kept checkpoint of the audit log, its signature checked with `key` (the log's
    /// verifier under its audit name) and its size checked against the row it was kept in.
    pub async fn checked_audit_checkpoints(
        &self,
        key: &NoteVerifier,
    ) -> Result<SortedAuditCheckpoints, StoreError> {
        let mut sorted = SortedAuditCheckpoints::default();
        for kept in self.audit_checkpoints().await? {
            match Checkpoint::open(&kept.note, key) {
                Ok((c, _)) if c.size == kept.size => sorted.signed.push((
                    AuditCheckpoint {
                        size: c.size,
                        root: c.root,
                        source: format!("{} (kept in the database)", kept.created_at),
                    },
                    kept.note,
                )),
                _ => sorted.unsigned.push(kept.size),
            }
        }
        Ok(sorted)
    }

    /// Every kept checkpoint of the audit log, smallest size first.
    pub async fn audit_checkpoints(&self) -> Result<Vec<KeptAuditCheckpoint>, StoreError> {
        self.audit_checkpoints_where("ORDER BY size").await
    }

    async fn audit_checkpoints_where(
        &self,
        order: &'static str,
    ) -> Result<Vec<KeptAuditCheckpoint>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT size, note, created_at FROM audit_checkpoints {order}"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let size: i64 = r.try_get(0)?;
                Ok(KeptAuditCheckpoint {
                    size: u64::try_from(size).map_err(|_| {
                        StoreError::Corrupt(format!("audit checkpoint of size {size}"))
                    })?,
                    note: r.try_get(1)?,
                    created_at: r.try_get(2)?,
                })
            })
            .collect()
    }

    /// Up to `limit` document versions after `(document, version)`, in that order: the texts
    /// and the digests recorded for them, for a check that recomputes each digest.
    pub async fn recorded_versions(
        &self,
        after: (i64, i64),
        limit: i64,
    ) -> Result<Vec<RecordedVersion>, StoreError> {
        let rows = sqlx::query(
            "SELECT v.document_id, v.version, d.kind, v.sha256, v.body \
             FROM document_versions v JOIN documents d ON d.id = v.document_id \
             WHERE v.document_id > $1 OR (v.document_id = $2 AND v.version > $3) \
             ORDER BY v.document_id, v.version LIMIT $4",
        )
        .bind(after.0)
        .bind(after.0)
        .bind(after.1)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(RecordedVersion {
                    document: r.try_get(0)?,
                    version: r.try_get(1)?,
                    kind: r.try_get(2)?,
                    sha256: r.try_get(3)?,
                    body: r.try_get(4)?,
                })
            })
            .collect()
    }

    /// Up to `limit` evidence files after `(organization, sha256)`, in that order.
    pub async fn recorded_evidence(
        &self,
        after: (i64, &str),
        limit: i64,
    ) -> Result<Vec<RecordedEvidence>, StoreError> {
        let rows = sqlx::query(
            "SELECT organization_id, sha256, content FROM evidence \
             WHERE organization_id > $1 OR (organization_id = $2 AND sha256 > $3) \
             ORDER BY organization_id, sha256 LIMIT $4",
        )
        .bind(after.0)
        .bind(after.0)
        .bind(after.1)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(RecordedEvidence {
                    organization: r.try_get(0)?,
                    sha256: r.try_get(1)?,
                    content: r.try_get(2)?,
                })
            })
            .collect()
    }
}
