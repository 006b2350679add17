//! The connection limits reach the server from `smm serve`'s flags and environment, and a
//! nonsensical one is refused before the server starts.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::server::{smm, sqlite_data, Server};

/// Whether the server closes `stream` within `within`; if so, after how long.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> Option<Duration> {
    let start = Instant::now();
    let mut buf = [0u8; 4096];
    loop {
        let left = within.checked_sub(start.elapsed())?;
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(start.elapsed()),
            Ok(Ok(_)) => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connection_flags_and_variables_reach_the_server() {
    let (_dir, data, _) = sqlite_data();
    let data = data.display().to_string();
    let mut server = Server::start(
        &[
            "--data-dir",
            &data,
            "--max-connections",
            "2",
            "--header-timeout",
            "1",
        ],
        &[("SMM_IDLE_TIMEOUT", "1")],
    );

    // --max-connections 2: a third connection is closed at once.
    let mut silent = TcpStream::connect(server.address).await.expect("connect");
    let mut kept = TcpStream::connect(server.address).await.expect("connect");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut third = TcpStream::connect(server.address).await.expect("connect");
    assert!(
        closed_within(&mut third, Duration::from_millis(500))
            .await
            .is_some(),
        "a connection over --max-connections 2 was kept"
    );

    // SMM_IDLE_TIMEOUT=1: after an answer, a quiet connection is closed after about a second.
    kept.write_all(b"GET /api/health HTTP/1.1\r\nHost: smm\r\n\r\n")
        .await
        .expect("send");
    let mut answer = [0u8; 1024];
    let n = tokio::time::timeout(Duration::from_secs(5), kept.read(&mut answer))
        .await
        .expect("an answer")
        .expect("read");
    assert!(answer[..n].starts_with(b"HTTP/1.1 200"));
    let idle = closed_within(&mut kept, Duration::from_secs(5))
        .await
        .expect("SMM_IDLE_TIMEOUT=1 did not close an idle connection");
    assert!(idle < Duration::from_secs(4), "closed after {idle:?}");

    // --header-timeout 1: a connection that never sends a request is closed too.
    assert!(
        closed_within(&mut silent, Duration::from_secs(4))
            .await
            .is_some(),
        "--header-timeout 1 did not close a silent connection"
    );
    server.stop().await;
}

#[test]
fn a_cap_of_no_connections_is_refused() {
    let (_dir, data, _) = sqlite_data();
    let out = smm()
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(&data)
        .args(["--max-connections", "0"])
        .output()
        .expect("run smm serve");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("--max-connections"), "{said}");
}
