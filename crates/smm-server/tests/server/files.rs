//! What the server leaves on disk, and who may read it: the SQLite database and the files SQLite
//! keeps beside it are private to the server's user, and one SQLite file has one server.

use crate::common::{sqlite_config, Listening};
use smm_server::ServeError;

/// The permission bits of `path`.
#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

#[cfg(unix)]
#[tokio::test]
async fn the_database_and_the_files_sqlite_keeps_beside_it_are_private() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Listening::run(sqlite_config(dir.path()))
        .await
        .expect("the server starts");
    // The migrations have written, so SQLite keeps its write-ahead log and shared-memory index
    // open beside the database while the server runs.
    for name in [
        "smm.db",
        "smm.db-wal",
        "smm.db-shm",
        "smm.db.lock",
        "keys.secret",
    ] {
        assert_eq!(
            mode(&dir.path().join(name)),
            0o600,
            "{name} is readable by others"
        );
    }
    server.stop().await.expect("a clean stop");
}

#[tokio::test]
async fn a_second_server_on_the_same_sqlite_file_refuses_to_start_and_names_the_first() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = sqlite_config(dir.path());
    let first = Listening::run(config.clone())
        .await
        .expect("the first server starts");

    let refused = match Listening::run(config.clone()).await {
        Ok(_) => panic!("a second server started on the same SQLite file"),
        Err(e) => e,
    };
    assert!(
        matches!(refused, ServeError::AlreadyServed { .. }),
        "{refused:?}"
    );
    let message = refused.to_string();
    let database = dir.path().join("smm.db").display().to_string();
    assert!(message.contains(&database), "{message}");
    assert!(
        message.contains(&format!("(process {})", std::process::id())),
        "{message}"
    );

    // The lock lives as long as the server: once it stops, another may start.
    first.stop().await.expect("a clean stop");
    let next = Listening::run(config)
        .await
        .expect("a server starts once the first has stopped");
    next.stop().await.expect("a clean stop");
}
