//! The PostgreSQL half: `pg_dump` and `pg_restore`, the tools made for it, run as child
//! processes; the dump reads a snapshot this process exported, so the facts read here describe
//! exactly what the dump holds.

use std::path::Path;
use std::process::Stdio;

use sqlx::{AnyConnection, Connection, Row};

use super::{facts, BackupError, Snapshot};
use crate::Backend;

/// Dumps the live database at `url` into `into` (`pg_dump --format=custom`), consistently.
///
/// A repeatable-read, read-only transaction exports its snapshot; `pg_dump --snapshot` dumps that
/// same snapshot while the transaction stays open, and the facts and keys are read in it too.
/// Writers are never blocked.
pub(super) async fn snapshot(url: &str, into: &Path) -> Result<Snapshot, BackupError> {
    if into.exists() {
        return Err(BackupError::Refused(format!(
            "{}: already exists",
            into.display()
        )));
    }
    sqlx::any::install_default_drivers();
    let taken_at = crate::store::now();
    let mut conn = AnyConnection::connect(url).await?;
    let mut tx = conn
        .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .await?;
    let name: String = sqlx::query("SELECT pg_export_snapshot()")
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
    let file = into.to_string_lossy().into_owned();
    run_tool(
        "pg_dump",
        &[
            "--format=custom",
            "--no-password",
            &format!("--snapshot={name}"),
            &format!("--file={file}"),
        ],
        url,
    )
    .await?;
    let facts = facts::read(&mut tx, Backend::Postgres).await?;
    let keys = facts::public_keys(&mut tx).await?;
    tx.rollback().await?;
    conn.close().await?;
    Ok(Snapshot {
        taken_at,
        backend: Backend::Postgres,
        facts,
        keys,
    })
}

/// The facts of the database at `url`, read in one snapshot.
pub(super) async fn read_facts(url: &str) -> Result<facts::StoreFacts, BackupError> {
    sqlx::any::install_default_drivers();
    let mut conn = AnyConnection::connect(url).await?;
    let mut tx = conn
        .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .await?;
    let facts = facts::read(&mut tx, Backend::Postgres).await?;
    tx.rollback().await?;
    conn.close().await?;
    Ok(facts)
}

/// Fails unless the database at `url` has no table in any schema but the system's.
pub(super) async fn ensure_empty(url: &str) -> Result<(), BackupError> {
    sqlx::any::install_default_drivers();
    let mut conn = AnyConnection::connect(url).await?;
    let tables: i64 = sqlx::query(
        "SELECT COUNT(*) FROM pg_catalog.pg_tables \
         WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
    )
    .fetch_one(&mut conn)
    .await?
    .try_get(0)?;
    conn.close().await?;
    if tables > 0 {
        return Err(BackupError::Refused(format!(
            "the database holds {tables} table(s): a backup is restored only into an empty \
             database (createdb a new one), never over data"
        )));
    }
    Ok(())
}

/// `pg_restore` of `dump` into the database at `url`, all or nothing. Ownership and grants are
/// left out: the restoring user owns what it creates, as the server expects of its database.
pub(super) async fn restore(dump: &Path, url: &str) -> Result<(), BackupError> {
    let file = dump.to_string_lossy().into_owned();
    run_tool(
        "pg_restore",
        &[
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            "--no-password",
            &file,
        ],
        url,
    )
    .await
}

/// Runs `program` with `args` against the database at `url`. The password, if the URL has one,
/// goes in the child's environment (`PGPASSWORD`), not on its command line where `ps` shows it.
async fn run_tool(program: &'static str, args: &[&str], url: &str) -> Result<(), BackupError> {
    let (url, password) = without_password(url);
    let mut command = tokio::process::Command::new(program);
    command
        .args(args)
        .arg(format!("--dbname={url}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let output = command.output().await.map_err(|e| BackupError::Tool {
        program,
        message: if e.kind() == std::io::ErrorKind::NotFound {
            format!(
                "not found: install PostgreSQL's client programs (the version of the server \
                 or newer) and make sure `{program}` is on PATH"
            )
        } else {
            format!("cannot run: {e}")
        },
    })?;
    if output.status.success() {
        return Ok(());
    }
    Err(BackupError::Tool {
        program,
        message: format!(
            "failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ),
    })
}

/// The URL without its password, and the password (percent-decoded, as libpq reads it).
fn without_password(url: &str) -> (String, Option<String>) {
    let Some((scheme, rest)) = url.split_once("://") else {
        return (url.to_string(), None);
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return (url.to_string(), None);
    };
    let Some((user, password)) = userinfo.split_once(':') else {
        return (url.to_string(), None);
    };
    (
        format!("{scheme}://{user}@{host}{path}"),
        Some(percent_decode(password)),
    )
}

/// `%XX` sequences decoded; anything else kept as it is.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = text
            .get(i + 1..i + 3)
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url_for_the_environment() {
        assert_eq!(
            without_password("postgres://smm:p%40ss:w@db.example:5432/smm?sslmode=require"),
            (
                "postgres://smm@db.example:5432/smm?sslmode=require".to_string(),
                Some("p@ss:w".to_string())
            )
        );
        assert_eq!(
            without_password("postgres://smm@localhost/smm"),
            ("postgres://smm@localhost/smm".to_string(), None)
        );
        assert_eq!(
            without_password("postgresql://localhost:5433/x"),
            ("postgresql://localhost:5433/x".to_string(), None)
        );
    }
}
