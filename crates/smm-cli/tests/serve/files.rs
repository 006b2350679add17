//! What `smm serve` leaves on disk: a data directory and database private to its user, and one
//! server per SQLite file, while the CLI's own commands still work beside it.

use crate::server::{bootstrap, client, serve_args, smm, sqlite_data, strs, Server};

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
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_data_directory_and_everything_in_it_are_private_to_the_server_user() {
    let (_dir, data, _) = sqlite_data();
    let mut server = Server::start(&["--data-dir", &data.display().to_string()], &[]);
    let health = client()
        .get(server.url("/api/health"))
        .send()
        .await
        .expect("GET /api/health");
    assert_eq!(health.status(), 200);
    assert_eq!(mode(&data), 0o700, "the data directory is open to others");
    for name in [
        "smm.db",
        "smm.db-wal",
        "smm.db-shm",
        "smm.db.lock",
        "keys.secret",
    ] {
        assert_eq!(
            mode(&data.join(name)),
            0o600,
            "{name} is readable by others"
        );
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_server_on_the_same_sqlite_file_is_refused_but_cli_commands_are_not() {
    let (_dir, data, url) = sqlite_data();
    bootstrap(&url);
    let args = serve_args(&data, &url);
    let mut first = Server::start(&strs(&args), &[]);

    let second = smm()
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(&args)
        .output()
        .expect("run a second smm serve");
    let said = String::from_utf8_lossy(&second.stderr);
    assert!(!second.status.success(), "the second server ran: {said}");
    assert!(
        said.contains(&format!("another smm server (process {})", first.pid())),
        "{said}"
    );
    assert!(
        said.contains(&data.join("smm.db").display().to_string()),
        "{said}"
    );

    // A short-lived command on the same database is not a server: it works beside the first.
    let audit = smm()
        .args(["audit", "verify", "--database-url", &url])
        .output()
        .expect("run smm audit verify");
    assert!(audit.status.success(), "{audit:?}");

    let health = client()
        .get(first.url("/api/health"))
        .send()
        .await
        .expect("GET /api/health");
    assert_eq!(health.status(), 200);
    first.stop().await;

    // Once the first has stopped, the lock is free again.
    let mut next = Server::start(&strs(&args), &[]);
    assert!(next.running());
    next.stop().await;
}
