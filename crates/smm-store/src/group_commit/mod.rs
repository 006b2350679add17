//! Group commit: document writes that arrive together share one transaction, so one fsync makes
//! them all durable.
//!
//! Every write waits for the store's write lock. The first to take it becomes the leader: it
//! takes every document write queued so far (its own among them), runs them in one transaction
//! and answers each. A writer that takes the lock and finds its write already answered returns
//! at once. Nothing is acknowledged before the commit that holds it has returned, and with
//! SQLite's `synchronous = FULL` (or PostgreSQL's defaults) that commit is on disk.
//!
//! Each write keeps its own outcome: a refused one (a system not found, a version conflict)
//! writes nothing and does not affect the others. The audit log's head is read once per batch
//! and each entry chained onto the one before in memory. A database failure in the middle of a
//! batch rolls it back and runs its writes again, one transaction each, so the failure reaches
//! only the write that caused it.
//!
//! The batch runs in a task of its own, holding the lock: a request whose client goes away while
//! its write is committing does not roll back the others' writes. A write whose client went away
//! before its batch started is dropped unwritten, as if it had never been sent. On SQLite with a
//! file, that task is a blocking thread running the batch on the store's own writer connection
//! ([`crate::direct`]): the batch's statements and its commit run there without a hand-off
//! between them.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex as StdMutex};

mod batch;

use smm_core::CheckedDocument;
use sqlx::AnyPool;
use tokio::sync::{oneshot, Mutex};

use crate::direct::{Direct, DirectTx};

use crate::store::{
    begin_write_on, Backend, DocumentId, DocumentKind, OrganizationId, StoredDocument, SystemId,
};
use crate::version_levels::VersionLevels;
use crate::StoreError;

/// At most this many writes share a transaction (a longer queue is split into several).
const MAX_BATCH: usize = 256;

/// The checked content of a version, owned so that another task can write it.
pub(crate) struct Content {
    pub kind: DocumentKind,
    pub sha256: String,
    pub body: String,
    /// The document's level summary (kept on the document as on the version).
    pub summary: String,
    pub levels: VersionLevels,
    /// The document as parsed, for readers that would parse `body` again.
    pub prepared: Option<Vec<u8>>,
}

impl Content {
    /// What a checked document gives the store (the store never parses a document).
    pub(crate) fn of(document: &CheckedDocument) -> Content {
        Content {
            kind: DocumentKind::from(document.kind()),
            sha256: document.digest().to_string(),
            body: document.text().to_string(),
            summary: document.summary().to_string(),
            levels: VersionLevels::of(document),
            prepared: document.prepared().map(<[u8]>::to_vec),
        }
    }
}

/// A document write waiting for a transaction.
pub(crate) enum DocumentWrite {
    /// Version 1 of a new document in a system of the organization.
    Create {
        actor: String,
        org: OrganizationId,
        system: SystemId,
        content: Content,
    },
    /// A new version of a document of the organization, if `if_version` is still its latest.
    Update {
        actor: String,
        org: OrganizationId,
        id: DocumentId,
        if_version: i64,
        content: Content,
    },
}

type Answer = Result<StoredDocument, StoreError>;

struct Pending {
    write: DocumentWrite,
    reply: oneshot::Sender<Answer>,
}

/// The queue of document writes and the lock every writer of the store takes.
pub(crate) struct GroupCommit {
    queue: StdMutex<Vec<Pending>>,
    /// Serializes writes within this process (every write of the store takes it, not only
    /// documents); PostgreSQL writes also take a transaction-scoped advisory lock, so several
    /// servers on one database serialize too.
    mutex: Arc<Mutex<()>>,
    counts: Arc<Counts>,
}

/// How many document writes were committed, in how many transactions, since the store opened.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct GroupedWrites {
    /// Document writes committed (refused ones included: their transaction committed too).
    pub writes: u64,
    /// Transactions that committed them.
    pub transactions: u64,
}

#[derive(Default)]
struct Counts {
    writes: AtomicU64,
    transactions: AtomicU64,
}

impl GroupCommit {
    pub(crate) fn new() -> GroupCommit {
        GroupCommit {
            queue: StdMutex::new(Vec::new()),
            mutex: Arc::new(Mutex::new(())),
            counts: Arc::default(),
        }
    }

    /// The counts so far.
    pub(crate) fn counts(&self) -> GroupedWrites {
        GroupedWrites {
            writes: self.counts.writes.load(Ordering::Relaxed),
            transactions: self.counts.transactions.load(Ordering::Relaxed),
        }
    }

    /// The write lock, for writes that are not grouped (one transaction each).
    pub(crate) async fn lock(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.mutex.lock().await
    }

    /// Queues a write and returns its outcome once the transaction holding it has committed.
    pub(crate) async fn write(&self, target: Target, write: DocumentWrite) -> Answer {
        let (reply, mut answer) = oneshot::channel();
        self.queue().push(Pending { write, reply });
        // Tokio's mutex is fair: writers take the lock in the order they asked for it.
        let guard = self.mutex.clone().lock_owned().await;
        match answer.try_recv() {
            // A leader before us wrote it (it held the lock until every answer was sent).
            Ok(outcome) => return outcome,
            Err(oneshot::error::TryRecvError::Closed) => return Err(abandoned()),
            Err(oneshot::error::TryRecvError::Empty) => {}
        }
        let batch = std::mem::take(&mut *self.queue());
        let counts = Arc::clone(&self.counts);
        match target {
            // The whole batch on the writer's blocking thread: no hand-off between statements.
            Target::Direct(direct) => {
                tokio::task::spawn_blocking(move || {
                    let _guard = guard;
                    let done = at_once(run(&mut DirectCommitter(&direct), batch, &counts));
                    debug_assert!(done.is_some(), "direct statements never wait");
                });
            }
            Target::Pool { pool, backend } => {
                tokio::spawn(async move {
                    let _guard = guard;
                    run(&mut PoolCommitter { pool, backend }, batch, &counts).await;
                });
            }
        }
        answer.await.unwrap_or_else(|_| Err(abandoned()))
    }

    fn queue(&self) -> std::sync::MutexGuard<'_, Vec<Pending>> {
        // The queue is only pushed to and taken whole: a panic elsewhere cannot leave it half
        // changed, so a poisoned lock is still a good one.
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The batch's task ended without answering (it panicked): nothing is known to be written.
fn abandoned() -> StoreError {
    StoreError::Unavailable(sqlx::Error::WorkerCrashed)
}

/// Where a batch is written: through sqlx's pool, or on the store's own SQLite writer.
pub(crate) enum Target {
    /// sqlx (PostgreSQL; SQLite without a file of its own, in memory).
    Pool {
        /// The pool.
        pool: AnyPool,
        /// Its database.
        backend: Backend,
    },
    /// The store's SQLite writer ([`Direct`]).
    Direct(Arc<Direct>),
}

/// Runs one transaction of writes and commits it.
trait Committer: Send {
    fn together(
        &mut self,
        writes: &[&DocumentWrite],
    ) -> impl Future<Output = Result<Vec<Answer>, Failure>> + Send;
}

struct PoolCommitter {
    pool: AnyPool,
    backend: Backend,
}

impl Committer for PoolCommitter {
    async fn together(&mut self, writes: &[&DocumentWrite]) -> Result<Vec<Answer>, Failure> {
        let mut tx = begin_write_on(&self.pool, self.backend)
            .await
            .map_err(Failure::BeforeCommit)?;
        let outcomes = batch::statements(&mut *tx, self.backend, writes)
            .await
            .map_err(Failure::BeforeCommit)?;
        tx.commit().await.map_err(|e| Failure::AtCommit(e.into()))?;
        Ok(outcomes)
    }
}

struct DirectCommitter<'a>(&'a Direct);

impl Committer for DirectCommitter<'_> {
    async fn together(&mut self, writes: &[&DocumentWrite]) -> Result<Vec<Answer>, Failure> {
        self.0
            .write(|conn| {
                let mut tx = DirectTx::begin(conn).map_err(Failure::BeforeCommit)?;
                let outcomes = at_once(batch::statements(tx.conn(), Backend::Sqlite, writes))
                    .unwrap_or_else(|| Err(waited()))
                    .map_err(Failure::BeforeCommit)?;
                tx.commit().map_err(Failure::AtCommit)?;
                Ok(outcomes)
            })
            .map_err(Failure::BeforeCommit)?
    }
}

/// The output of a future that is ready when first polled (statements on a direct connection
/// never wait), or `None` if it was not.
fn at_once<F: Future>(future: F) -> Option<F::Output> {
    let mut future = std::pin::pin!(future);
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    match future.as_mut().poll(&mut context) {
        std::task::Poll::Ready(output) => Some(output),
        std::task::Poll::Pending => None,
    }
}

fn waited() -> StoreError {
    StoreError::Database(sqlx::Error::Protocol(
        "a statement on the direct connection waited".to_string(),
    ))
}

/// Runs the queued writes, at most [`MAX_BATCH`] to a transaction, and answers each.
async fn run(committer: &mut impl Committer, batch: Vec<Pending>, counts: &Counts) {
    let mut live: Vec<Pending> = batch.into_iter().filter(|p| !p.reply.is_closed()).collect();
    while !live.is_empty() {
        let rest = live.split_off(live.len().min(MAX_BATCH));
        let chunk = std::mem::replace(&mut live, rest);
        run_chunk(committer, chunk, counts).await;
    }
}

async fn run_chunk(committer: &mut impl Committer, chunk: Vec<Pending>, counts: &Counts) {
    let writes: Vec<&DocumentWrite> = chunk.iter().map(|p| &p.write).collect();
    let outcomes = match committed(committer, &writes, counts).await {
        Ok(outcomes) => outcomes,
        Err(Failure::BeforeCommit(_)) if chunk.len() > 1 => {
            // Rolled back: each write again on its own, so only the one at fault fails.
            let mut outcomes = Vec::with_capacity(chunk.len());
            for write in &writes {
                outcomes.push(match committed(committer, &[write], counts).await {
                    Ok(mut one) => one.pop().unwrap_or_else(|| Err(abandoned())),
                    Err(Failure::BeforeCommit(e) | Failure::AtCommit(e)) => Err(e),
                });
            }
            outcomes
        }
        Err(Failure::BeforeCommit(e) | Failure::AtCommit(e)) => {
            // A failed commit may or may not have reached the disk (a PostgreSQL connection lost
            // while committing): every write of the batch is told so, and none is tried again.
            let mut outcomes: Vec<Answer> = (1..chunk.len()).map(|_| Err(copy(&e))).collect();
            outcomes.push(Err(e));
            outcomes
        }
    };
    for (pending, outcome) in chunk.into_iter().zip(outcomes) {
        // The client may have gone away meanwhile: the write stands, unanswered.
        let _ = pending.reply.send(outcome);
    }
}

/// Why a batch failed as a whole.
enum Failure {
    /// Before its commit: rolled back, nothing written.
    BeforeCommit(StoreError),
    /// At its commit.
    AtCommit(StoreError),
}

/// A copy of a failure for each write of a failed batch (driver errors cannot be cloned: the
/// copy keeps the kind and the message).
fn copy(e: &StoreError) -> StoreError {
    let text = || sqlx::Error::Protocol(e.to_string());
    match e {
        StoreError::Unavailable(_) => StoreError::Unavailable(text()),
        _ => StoreError::Database(text()),
    }
}

/// Runs the writes in one transaction, counted once committed: each one's outcome.
async fn committed(
    committer: &mut impl Committer,
    writes: &[&DocumentWrite],
    counts: &Counts,
) -> Result<Vec<Answer>, Failure> {
    let outcomes = committer.together(writes).await?;
    counts.transactions.fetch_add(1, Ordering::Relaxed);
    counts
        .writes
        .fetch_add(writes.len() as u64, Ordering::Relaxed);
    Ok(outcomes)
}
