//! The SQLite database on disk: which file a URL names, and who may read it.
//!
//! The database holds password hashes, session and token digests and sealed signing keys, so it
//! and everything SQLite writes beside it are kept to the server's own user.

use std::io;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use sqlx::sqlite::SqliteConnectOptions;

/// The file an `sqlite:` URL names; `None` for another scheme or an in-memory database.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    if !url.starts_with("sqlite:") {
        return None;
    }
    let rest = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let (database, params) = rest.split_once('?').unwrap_or((rest, ""));
    if database == ":memory:" || params.split('&').any(|p| p == "mode=memory") {
        return None;
    }
    // sqlx's own reading of the URL (percent-decoding included), so this is the file it opens.
    let options = SqliteConnectOptions::from_str(url).ok()?;
    Some(options.get_filename().to_path_buf())
}

/// Creates `dir` and its missing parents, readable by this user only (0700 on Unix). An existing
/// directory is left as it is: its owner chose its mode.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Creates the database file, empty and readable by this user only (0600 on Unix), unless it
/// exists.
///
/// Creating it here, with its mode given to `open(2)` itself, leaves no moment at which the file
/// exists with looser permissions, and needs no change to the process-wide umask (which would
/// race with every other thread creating files). SQLite's Unix VFS then creates the `-wal`,
/// `-shm` and `-journal` files with the database file's own permission bits, each time it
/// recreates them, so they are private too; fixing modes after connecting would miss those
/// later files and leave a window on each.
pub(crate) fn create_private_file(path: &Path) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_of_an_sqlite_url_is_found_and_memory_has_none() {
        assert_eq!(
            sqlite_file("sqlite:///var/lib/smm/smm.db"),
            Some(PathBuf::from("/var/lib/smm/smm.db"))
        );
        assert_eq!(
            sqlite_file("sqlite://data/smm.db?mode=rwc"),
            Some(PathBuf::from("data/smm.db"))
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("sqlite://x.db?mode=memory"), None);
        assert_eq!(sqlite_file("postgres://u@h/db"), None);
    }
}
