//! One server per SQLite file.
//!
//! Two servers on one SQLite file would each keep their own caches (the gap cache, the issuers
//! document, the revocation list) and believe them, and would race on the file's single writer.
//! A server therefore holds an exclusive advisory lock on `FILE.lock` beside the database for
//! its whole life; the operating system drops it when the process ends, however it ends, so a
//! crash leaves no lock behind. The CLI's short-lived commands (`smm admin`, `smm audit`) do not
//! take it: they work beside a running server, as SQLite allows.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use crate::serve::ServeError;

/// The held lock; dropping it (or the process ending) releases it.
#[derive(Debug)]
pub struct DatabaseLock {
    _file: File,
}

impl DatabaseLock {
    /// Takes the lock of the SQLite database `database`, and writes this process's id in the
    /// lock file so that a second server can say which process holds it.
    pub fn acquire(database: &Path) -> Result<DatabaseLock, ServeError> {
        let path = lock_path(database);
        let failed = |source: std::io::Error| ServeError::Lock {
            path: path.clone(),
            source,
        };
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&path).map_err(failed)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                return Err(ServeError::AlreadyServed {
                    database: database.to_path_buf(),
                    lock: path.clone(),
                    pid: holder.trim().parse().ok(),
                });
            }
            Err(TryLockError::Error(e)) => return Err(failed(e)),
        }
        file.set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| writeln!(file, "{}", std::process::id()))
            .map_err(failed)?;
        Ok(DatabaseLock { _file: file })
    }
}

/// `FILE.lock` beside the database `FILE`.
fn lock_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_os_string();
    name.push(".lock");
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_database_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().expect("temp dir");
        let database = dir.path().join("smm.db");
        let first = DatabaseLock::acquire(&database).expect("first lock");
        match DatabaseLock::acquire(&database) {
            Err(ServeError::AlreadyServed { pid, lock, .. }) => {
                assert_eq!(pid, Some(std::process::id()));
                assert_eq!(lock, dir.path().join("smm.db.lock"));
            }
            other => panic!("a second lock was not refused: {other:?}"),
        }
        drop(first);
        DatabaseLock::acquire(&database).expect("the lock once released");
    }
}
