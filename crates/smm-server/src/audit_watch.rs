//! Whether the whole audit log holds, for the audit page, and the signed checkpoints that make
//! the answer worth something.
//!
//! A full check reads the whole log, so it runs at most once a minute and every viewer shares
//! its result; a page that finds one of its own entries altered asks for a new check at once.
//! Each full check compares the log with every checkpoint the server kept (their signatures
//! checked with the log's key first), and when the log is intact and has grown since the last
//! checkpoint, signs and keeps a new one: on demand (a view, `GET /api/log/audit-checkpoint`)
//! and periodically (`smm serve --audit-checkpoint-every`). Someone who can write to the
//! database can still rewrite the log and the checkpoints kept beside it; a copy of a checkpoint
//! kept elsewhere (`smm audit verify --checkpoint`, `--state`) is what they cannot reach.

use std::time::{Duration, Instant};

use smm_store::{AuditCheckpoint, ChainCheck, Store, StoreError};
use tokio::sync::Mutex;

use crate::app::transparency::TransparencyLog;
use crate::state::unix_now;

/// How long a full check's result is shown before a view runs a new one.
pub const FRESH_FOR: Duration = Duration::from_secs(60);

/// How often a server checks the log and signs a checkpoint when nobody asks, by default.
pub const CHECKPOINT_EVERY: Duration = Duration::from_secs(600);

/// The result of the last full check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainStatus {
    /// Whether no entry was changed or removed, and every kept checkpoint matched.
    pub intact: bool,
    /// Entries read.
    pub entries: usize,
    /// When the check ran, seconds since the Unix epoch.
    pub checked_at: i64,
    /// Signed checkpoints the log was compared with (a kept one with a bad signature counts,
    /// as a failure).
    pub checkpoints: usize,
    /// The size the newest checkpoint signs, after this check (which may have signed it).
    pub signed_size: Option<u64>,
}

/// The last full check, shared by every request of this server.
#[derive(Default)]
pub struct AuditWatch {
    last: Mutex<Option<(Instant, ChainStatus)>>,
}

impl AuditWatch {
    /// The chain's status: the last result while it is fresh and `recheck` is false, else a new
    /// full check. Concurrent callers wait for one check instead of each running their own.
    /// `None` when the store cannot be read.
    pub async fn status(
        &self,
        store: &Store,
        log: &TransparencyLog,
        recheck: bool,
    ) -> Option<ChainStatus> {
        let mut last = self.last.lock().await;
        if let Some((at, status)) = *last {
            if !recheck && at.elapsed() < FRESH_FOR {
                return Some(status);
            }
        }
        let status = match check_and_sign(store, log).await {
            Ok(status) => status,
            Err(e) => {
                tracing::warn!(error = %e, "the audit log could not be checked");
                return None;
            }
        };
        if !status.intact {
            tracing::error!(
                entries = status.entries,
                "the audit log does not hold: run `smm audit verify` for the details"
            );
        }
        *last = Some((Instant::now(), status));
        Some(status)
    }

    /// Checks (and signs) every `every`, for as long as the server runs.
    pub async fn keep_signing(&self, store: &Store, log: &TransparencyLog, every: Duration) {
        let mut ticks = tokio::time::interval(every);
        loop {
            ticks.tick().await;
            self.status(store, log, true).await;
        }
    }
}

/// One full check against the kept checkpoints; a new checkpoint when it holds and grew.
async fn check_and_sign(store: &Store, log: &TransparencyLog) -> Result<ChainStatus, StoreError> {
    let kept = store.checked_audit_checkpoints(&log.audit_verifier).await?;
    let forged = kept.unsigned.len();
    let signed: Vec<AuditCheckpoint> = kept.signed.into_iter().map(|(c, _)| c).collect();
    let mut signed_size = signed.iter().map(|c| c.size).max();
    let report = store
        .check_audit(ChainCheck::default().against(signed))
        .await?;
    let intact = report.intact() && forged == 0;
    let size = report.entries as u64;
    if intact && signed_size.is_none_or(|s| s < size) {
        match log.sign_audit(size, report.root) {
            Ok(note) => {
                store.put_audit_checkpoint(size, &note).await?;
                signed_size = Some(size);
            }
            Err(e) => tracing::error!(error = %e, "the audit checkpoint could not be signed"),
        }
    }
    Ok(ChainStatus {
        intact,
        entries: report.entries,
        checked_at: unix_now(),
        checkpoints: report.checkpoints + forged,
        signed_size,
    })
}
