//! The SQLite half: `VACUUM INTO` from a connection of its own, then the facts read from the
//! copy, which nothing else writes.

use std::path::Path;

use sqlx::{AnyConnection, Connection};

use super::{facts, BackupError, Snapshot};
use crate::Backend;

/// Copies the live database at `url` into `into`, then reads the copy's facts and keys.
///
/// `VACUUM INTO` runs in one read transaction: in WAL mode writers go on committing while it
/// copies, and the copy is the database as of the transaction's start, complete and
/// self-contained (no `-wal` file to go with it). The live schema is never migrated.
pub(super) async fn snapshot(url: &str, into: &Path) -> Result<Snapshot, BackupError> {
    let database = crate::sqlite_file(url)
        .ok_or_else(|| BackupError::Refused(format!("`{url}` names no SQLite file")))?;
    if !database.is_file() {
        return Err(BackupError::Refused(format!(
            "{}: no such database (give the data directory or database URL the server uses)",
            database.display()
        )));
    }
    if into.exists() {
        return Err(BackupError::Refused(format!(
            "{}: already exists",
            into.display()
        )));
    }
    sqlx::any::install_default_drivers();
    let taken_at = crate::store::now();
    let mut live = AnyConnection::connect(url).await?;
    // The server may hold the write lock for a moment; a reader only waits on a checkpoint.
    sqlx::query("PRAGMA busy_timeout = 10000")
        .execute(&mut live)
        .await?;
    let target = into
        .to_str()
        .ok_or_else(|| BackupError::Refused(format!("{}: not a UTF-8 path", into.display())))?;
    sqlx::query("VACUUM INTO $1")
        .bind(target)
        .execute(&mut live)
        .await?;
    live.close().await?;
    let mut copy = open_read_only(into, true).await?;
    let facts = facts::read(&mut copy, Backend::Sqlite).await?;
    let keys = facts::public_keys(&mut copy).await?;
    copy.close().await?;
    Ok(Snapshot {
        taken_at,
        backend: Backend::Sqlite,
        facts,
        keys,
    })
}

/// The facts of an SQLite file, opened read only: a live one too (its WAL is read, unlike a
/// snapshot's, which has none).
pub(super) async fn read_file_facts(file: &Path) -> Result<facts::StoreFacts, BackupError> {
    if !file.is_file() {
        return Err(BackupError::Refused(format!(
            "{}: no such database",
            file.display()
        )));
    }
    let mut conn = open_read_only(file, false).await?;
    let facts = facts::read(&mut conn, Backend::Sqlite).await?;
    conn.close().await?;
    Ok(facts)
}

/// A read-only connection to a database file. `immutable`, for a snapshot nobody else can
/// write, makes SQLite take no lock and create no `-wal` or `-shm` beside it; it must not be used
/// on a live database, whose latest commits may be in its WAL, which `immutable` ignores.
async fn open_read_only(file: &Path, immutable: bool) -> Result<AnyConnection, BackupError> {
    sqlx::any::install_default_drivers();
    let url = format!(
        "sqlite://{}?mode=ro{}",
        file.display(),
        if immutable { "&immutable=true" } else { "" }
    );
    Ok(AnyConnection::connect(&url).await?)
}
