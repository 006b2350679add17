//! The memory a sign-in takes goes back to the system soon: argon2 checks a password in 19 MiB
//! on a thread of tokio's blocking pool, and the allocator gives that memory back when the
//! thread ends, which `smm serve` makes two seconds after its last task instead of ten
//! (`src/commands/serve.rs`, `BLOCKING_THREAD_KEEP_ALIVE`; issue 23, item 4).

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_leaves_no_password_hashing_memory_behind() {
    let (_dir, data, url) = sqlite_data();
    bootstrap(&url);
    let mut server = Server::start(&strs(&serve_args(&data, &url)), &[]);
    let pid = server.pid();
    let http = client();
    let ready = http
        .get(server.url("/api/ready"))
        .send()
        .await
        .expect("GET");
    assert_eq!(ready.status(), 200);
    // The tables read once the server listens (mappings, actions) are read, and the thread that
    // read them has ended, before the measure starts.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let before = status_kb(pid, "RssAnon");

    for _ in 0..2 {
        sign_in(&http, &server).await;
    }
    // Given back when the hashing thread ends, two seconds after its last hash.
    let deadline = Instant::now() + Duration::from_secs(6);
    let mut after = status_kb(pid, "RssAnon");
    while after > before + 8 * 1024 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
        after = status_kb(pid, "RssAnon");
    }
    assert!(
        after <= before + 8 * 1024,
        "anonymous memory {before} kB before two sign-ins, {after} kB after them: argon2's \
         19 MiB stayed with the server"
    );
    server.stop().await;
}
