//! Whether the whole audit log's chain holds, for the audit page, without reading the whole log on
//! every view: a full check runs at most once a minute and every viewer shares its result. A page
//! that finds one of its own entries altered asks for a new check at once.

use std::time::{Duration, Instant};

use smm_store::Store;
use tokio::sync::Mutex;

use crate::state::unix_now;

/// How long a full check's result is shown before a view runs a new one.
pub const FRESH_FOR: Duration = Duration::from_secs(60);

/// The result of the last full check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainStatus {
    /// Whether no entry was changed or removed.
    pub intact: bool,
    /// Entries read.
    pub entries: usize,
    /// When the check ran, seconds since the Unix epoch.
    pub checked_at: i64,
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
    pub async fn status(&self, store: &Store, recheck: bool) -> Option<ChainStatus> {
        let mut last = self.last.lock().await;
        if let Some((at, status)) = *last {
            if !recheck && at.elapsed() < FRESH_FOR {
                return Some(status);
            }
        }
        let report = store.verify_audit().await.ok()?;
        let status = ChainStatus {
            intact: report.intact(),
            entries: report.entries,
            checked_at: unix_now(),
        };
        *last = Some((Instant::now(), status));
        Some(status)
    }
}
