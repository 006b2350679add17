//! SQLite on the caller's thread, for the statements every request makes.
//!
//! sqlx runs each SQLite connection on a thread of its own, so every statement is a hand-off to
//! that thread and a wake-up back. On a virtual machine where waking a sleeping thread costs
//! tens of microseconds, those wake-ups cost more than the statements (docs/performance.md, "Why
//! the machine is sometimes four times slower"). So the store also keeps connections of its own
//! to the same file:
//!
//! - **Readers**, used on the request's own thread: a lookup by key in WAL mode reads pages
//!   already in memory and never waits for a writer, so it takes microseconds, less than the
//!   hand-off it replaces.
//! - **One writer**, for the group commit's transactions, used on a blocking thread: a group's
//!   statements and its fsync run there one after the other, with no hand-off between them.
//!
//! Both are plain SQLite connections on the same database, with the settings sqlx's connections
//! get (WAL, foreign keys, `synchronous = FULL`, the busy timeout), so what they read and write is
//! what the rest of the store reads and writes.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::StoreError;

/// Readers kept open between uses (more are opened when more run at once, and closed after).
const IDLE_READERS: usize = 8;

/// Prepared statements kept per connection: more than the store's hot statements.
const STATEMENT_CACHE: usize = 64;

/// How long a connection waits for SQLite's lock, as sqlx's connections do.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The store's own connections to its SQLite file.
pub(crate) struct Direct {
    path: PathBuf,
    readers: Mutex<Vec<Connection>>,
    /// The writer, opened with the store; `None` once closed.
    writer: Mutex<Option<Connection>>,
    closed: AtomicBool,
}

impl Direct {
    /// Connections to the database file at `path` (already made and migrated by sqlx).
    pub(crate) fn open(path: &Path) -> Result<Direct, StoreError> {
        let mut direct = Direct {
            path: path.to_path_buf(),
            readers: Mutex::new(Vec::new()),
            writer: Mutex::new(None),
            closed: AtomicBool::new(false),
        };
        // One of each now, so a file that cannot be opened fails the store's open, not a request.
        let reader = direct.connect(false)?;
        let writer = direct.connect(true)?;
        direct.readers = Mutex::new(vec![reader]);
        direct.writer = Mutex::new(Some(writer));
        Ok(direct)
    }

    fn connect(&self, write: bool) -> Result<Connection, StoreError> {
        if self.is_closed() {
            return Err(StoreError::Unavailable(sqlx::Error::PoolClosed));
        }
        // No mutex in SQLite: a connection is used by one thread at a time, under ours.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&self.path, flags)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        conn.pragma_update(None, "foreign_keys", "ON")?;
        if write {
            conn.pragma_update(None, "synchronous", "FULL")?;
        } else {
            // A reader cannot write, whatever it is asked.
            conn.pragma_update(None, "query_only", "ON")?;
        }
        Ok(conn)
    }

    /// Runs `f` on a reader, on this thread.
    pub(crate) fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let kept = self.lock_readers().pop();
        let conn = match kept {
            Some(conn) => conn,
            None => self.connect(false)?,
        };
        let out = f(&conn);
        let mut readers = self.lock_readers();
        if readers.len() < IDLE_READERS && !self.is_closed() {
            readers.push(conn);
        }
        out
    }

    /// Runs `f` on the writer, on this thread (a blocking one: a commit waits for the disk).
    /// The caller holds the store's write lock.
    pub(crate) fn write<T>(&self, f: impl FnOnce(&mut Connection) -> T) -> Result<T, StoreError> {
        let mut writer = self.lock_writer();
        let conn = writer
            .as_mut()
            .ok_or(StoreError::Unavailable(sqlx::Error::PoolClosed))?;
        Ok(f(conn))
    }

    /// Closes every connection; later uses fail as unavailable.
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::Release);
        self.lock_readers().clear();
        self.lock_writer().take();
    }

    fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    // A panic while a connection was out cannot leave these lists half changed (a connection is
    // taken or put back whole), so a poisoned lock is still a good one.
    fn lock_readers(&self) -> std::sync::MutexGuard<'_, Vec<Connection>> {
        self.readers.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn lock_writer(&self) -> std::sync::MutexGuard<'_, Option<Connection>> {
        self.writer.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A transaction on the writer: `BEGIN IMMEDIATE` when made, rolled back when dropped unless
/// committed.
pub(crate) struct DirectTx<'c> {
    conn: &'c mut Connection,
    open: bool,
}

impl<'c> DirectTx<'c> {
    /// Begins; IMMEDIATE takes SQLite's write lock now (see `begin_write_on`).
    pub(crate) fn begin(conn: &'c mut Connection) -> Result<DirectTx<'c>, StoreError> {
        conn.execute_batch("BEGIN IMMEDIATE")?;
        Ok(DirectTx { conn, open: true })
    }

    /// Commits (with `synchronous = FULL`, on disk when this returns).
    pub(crate) fn commit(mut self) -> Result<(), StoreError> {
        self.open = false;
        if let Err(e) = self.conn.execute_batch("COMMIT") {
            // A commit that failed (the disk, a busy lock) leaves the transaction open.
            if !self.conn.is_autocommit() {
                let _ = self.conn.execute_batch("ROLLBACK");
            }
            return Err(e.into());
        }
        Ok(())
    }

    /// The connection, inside the transaction.
    pub(crate) fn conn(&mut self) -> &mut Connection {
        self.conn
    }
}

impl Drop for DirectTx<'_> {
    fn drop(&mut self) {
        if self.open && !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}
