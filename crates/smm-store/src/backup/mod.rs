//! Backups that restore: a consistent snapshot of a live store, the facts that describe it, and
//! the way back into an empty store.
//!
//! - [`snapshot`] copies the store while the server keeps writing: SQLite through `VACUUM INTO`
//!   from a connection of its own (a read transaction, so writers never wait), PostgreSQL through
//!   `pg_dump` reading a snapshot this module exported and holds open.
//! - Its [`StoreFacts`] (latest migration, row counts, the audit chain's head and whether it
//!   verifies, the transparency log's size and root) and [`PublicKeys`] are read *in that same
//!   snapshot*, so they describe exactly what the copy holds, not the store a moment later.
//! - [`read_facts`] reads the same facts from a restored store, for the comparison that proves a
//!   restore complete; [`restore_dump`] loads a PostgreSQL dump into an empty database.
//!
//! The archive around the copy, and the keys secret, are the CLI's business (`smm admin
//! backup`): the store only knows its database.

mod facts;
mod postgres;
mod sqlite;

use std::path::{Path, PathBuf};

pub use facts::{AuditHead, LogHead, PublicKeys, PublicLogKey, PublicSigningKey, StoreFacts};

use crate::{Backend, StoreError};

/// What can go wrong making or restoring a backup.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The store.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// A program the PostgreSQL half needs (`pg_dump`, `pg_restore`) is missing or failed.
    #[error("{program}: {message}")]
    Tool {
        /// The program.
        program: &'static str,
        /// What happened, with what it printed.
        message: String,
    },
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The target is not one a backup may be restored into (it holds data, or is of the other
    /// back end).
    #[error("{0}")]
    Refused(String),
}

impl From<sqlx::Error> for BackupError {
    fn from(e: sqlx::Error) -> Self {
        BackupError::Store(StoreError::from(e))
    }
}

/// A consistent copy of a store and what it holds.
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// When the snapshot was taken (RFC 3339, UTC): every write acknowledged before it is in.
    pub taken_at: String,
    /// Which back end it came from (and so what the file is: an SQLite database or a
    /// `pg_dump --format=custom` archive).
    pub backend: Backend,
    /// The facts, read in the snapshot.
    pub facts: StoreFacts,
    /// Every signing key's and log key's public part, read in the snapshot.
    pub keys: PublicKeys,
}

/// Copies the live store at `url` into the file `into` (which must not exist), consistently,
/// while others keep writing; the schema is never migrated or otherwise changed.
pub async fn snapshot(url: &str, into: &Path) -> Result<Snapshot, BackupError> {
    match backend_of(url)? {
        Backend::Sqlite => sqlite::snapshot(url, into).await,
        Backend::Postgres => postgres::snapshot(url, into).await,
    }
}

/// The facts of the store at `url`, read without migrating it (an SQLite file is opened read
/// only and must exist).
pub async fn read_facts(url: &str) -> Result<StoreFacts, BackupError> {
    match backend_of(url)? {
        Backend::Sqlite => {
            let file = crate::sqlite_file(url)
                .ok_or_else(|| BackupError::Refused(format!("`{url}` names no SQLite file")))?;
            sqlite::read_file_facts(&file).await
        }
        Backend::Postgres => postgres::read_facts(url).await,
    }
}

/// Fails unless the PostgreSQL database at `url` holds no table: a restore never mixes a
/// backup with data already there.
pub async fn ensure_empty_postgres(url: &str) -> Result<(), BackupError> {
    postgres::ensure_empty(url).await
}

/// Loads a `pg_dump --format=custom` file into the empty PostgreSQL database at `url`, in one
/// transaction: a failure leaves the database as empty as it was.
pub async fn restore_dump(dump: &Path, url: &str) -> Result<(), BackupError> {
    postgres::restore(dump, url).await
}

/// The latest migration this build knows for a back end: a backup made by a newer smm (whose
/// schema this build cannot read) is refused before anything is restored.
pub fn latest_known_migration(backend: Backend) -> i64 {
    crate::migrations::latest(backend)
}

/// The back end a database URL names.
pub fn backend_of(url: &str) -> Result<Backend, BackupError> {
    if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Ok(Backend::Postgres)
    } else {
        Err(BackupError::Refused(format!(
            "unsupported database URL `{url}`: use sqlite://FILE or postgres://…"
        )))
    }
}
