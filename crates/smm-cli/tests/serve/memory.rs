//! The memory a sign-in takes goes back to the system: argon2 checks a password in 19 MiB, and
//! an idle server must not keep them (issue 23, item 4). `smm` starts the server with mimalloc's
//! purge delay at 0 (`src/full.rs`, `PURGE_DELAY`); by default mimalloc gives freed memory back
//! only when it next allocates, which an idle server does not do.

use std::time::{Duration, Instant};

use crate::server::{bootstrap, client, serve_args, sign_in, sqlite_data, strs, Server};

/// A line of `/proc/PID/status` in kB (`VmRSS`, `RssAnon`).
fn status_kb(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/{pid}/status"))
}

/// The server process's environment variable, as the kernel recorded it at its `exec`.
fn environment(pid: u32, name: &str) -> Option<String> {
    let environ = std::fs::read(format!("/proc/{pid}/environ")).expect("/proc environ");
    environ
        .split(|b| *b == 0)
        .filter_map(|entry| std::str::from_utf8(entry).ok())
        .find_map(|entry| entry.strip_prefix(name)?.strip_prefix('='))
        .map(str::to_string)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_leaves_no_password_hashing_memory_behind() {
    let (_dir, data, url) = sqlite_data();
    bootstrap(&url);
    let mut server = Server::start(&strs(&serve_args(&data, &url)), &[]);
    let pid = server.pid();
    assert_eq!(
        environment(pid, "MIMALLOC_PURGE_DELAY").as_deref(),
        Some("0"),
        "smm hands the server over with the purge delay set"
    );
    let http = client();
    let ready = http
        .get(server.url("/api/ready"))
        .send()
        .await
        .expect("GET");
    assert_eq!(ready.status(), 200);
    let before = status_kb(pid, "RssAnon");

    sign_in(&http, &server).await;
    // Given back as it is freed; a moment for the hashing thread to finish its frees.
    let deadline = Instant::now() + Duration::from_secs(3);
    let mut after = status_kb(pid, "RssAnon");
    while after > before + 8 * 1024 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
        after = status_kb(pid, "RssAnon");
    }
    assert!(
        after <= before + 8 * 1024,
        "anonymous memory {before} kB before the sign-in, {after} kB after it: argon2's 19 MiB \
         stayed with the server"
    );
    server.stop().await;
}

/// An operator's own setting wins over ours.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operators_purge_delay_is_kept() {
    let (_dir, data, url) = sqlite_data();
    bootstrap(&url);
    let mut server = Server::start(
        &strs(&serve_args(&data, &url)),
        &[("MIMALLOC_PURGE_DELAY", "250")],
    );
    assert_eq!(
        environment(server.pid(), "MIMALLOC_PURGE_DELAY").as_deref(),
        Some("250")
    );
    server.stop().await;
}
