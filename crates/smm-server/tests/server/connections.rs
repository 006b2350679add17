//! Connections are bounded: a real server on loopback, with short limits, against clients that
//! open too many connections, send half a head or half a body, or go quiet between requests.
//! Each of them, left alone, would hold a file descriptor for as long as the client liked.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common::{sqlite_config, Listening};
use smm_server::ConnectionLimits;

/// A server on a fresh SQLite database with these limits (the folder keeps the database).
async fn serving(limits: ConnectionLimits) -> (tempfile::TempDir, Listening) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = sqlite_config(dir.path());
    config.connections = limits;
    let server = Listening::run(config).await.expect("the server starts");
    (dir, server)
}

fn limits(max_connections: usize, header: u64, body: u64, idle: u64) -> ConnectionLimits {
    ConnectionLimits {
        max_connections,
        header_timeout: Duration::from_millis(header),
        body_timeout: Duration::from_millis(body),
        idle_timeout: Duration::from_millis(idle),
    }
}

/// Whether the server closes `stream` within `within`, reading (and discarding) whatever it
/// sends meanwhile; if it does, after how long.
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

/// The status of `GET /api/health` on a connection of its own.
async fn health(address: SocketAddr) -> u16 {
    let mut stream = TcpStream::connect(address).await.expect("connect");
    stream
        .write_all(b"GET /api/health HTTP/1.1\r\nHost: smm\r\nConnection: close\r\n\r\n")
        .await
        .expect("send the request");
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer))
        .await
        .expect("an answer within 5 s")
        .expect("read the answer");
    let answer = String::from_utf8_lossy(&answer);
    answer
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|status| status.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {answer:?}"))
}

/// Reads one answer whose body has a `Content-Length`, leaving the connection open.
async fn read_answer(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let text = String::from_utf8_lossy(&answer).to_string();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length: usize = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse().expect("a length"))
                })
                .expect("a Content-Length");
            if body.len() >= length {
                return text;
            }
        }
        let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf))
            .await
            .expect("an answer within 5 s")
            .expect("read the answer");
        assert!(n > 0, "the connection closed mid-answer: {text:?}");
        answer.extend_from_slice(&buf[..n]);
    }
}

#[tokio::test]
async fn connections_over_the_cap_are_closed_at_once_and_health_answers_when_slots_free() {
    let (_dir, server) = serving(limits(3, 2_000, 10_000, 10_000)).await;
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(TcpStream::connect(server.address).await.expect("connect"));
    }
    // Let the server accept the three before the others arrive.
    tokio::time::sleep(Duration::from_millis(200)).await;

    for extra in 0..5 {
        let mut stream = TcpStream::connect(server.address).await.expect("connect");
        assert!(
            closed_within(&mut stream, Duration::from_secs(1))
                .await
                .is_some(),
            "connection {extra} over the cap of 3 was kept open"
        );
    }
    for stream in &mut held {
        assert_eq!(
            closed_within(stream, Duration::from_millis(200)).await,
            None,
            "a connection within the cap was closed early"
        );
    }

    // A client that lets one go frees its slot at once.
    drop(held.remove(0));
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(health(server.address).await, 200);

    // Those that never send a request are closed after the header timeout, freeing theirs.
    for stream in &mut held {
        let closed = closed_within(stream, Duration::from_secs(4)).await;
        assert!(
            closed.is_some(),
            "a silent connection outlived the header timeout"
        );
    }
    let answers = futures_statuses(server.address, 3).await;
    assert_eq!(answers, vec![200, 200, 200]);
    server.stop().await.expect("a clean stop");
}

/// `count` health checks at once, each on its own connection.
async fn futures_statuses(address: SocketAddr, count: usize) -> Vec<u16> {
    let checks: Vec<_> = (0..count).map(|_| tokio::spawn(health(address))).collect();
    let mut statuses = Vec::new();
    for check in checks {
        statuses.push(check.await.expect("health check"));
    }
    statuses
}

/// Sends `start`, then one more byte of `trickle` every 200 ms (as a slow-loris client does, to
/// look alive), until the server closes the connection or 6 seconds pass; how long it took.
async fn trickle_until_closed(address: SocketAddr, start: &[u8], trickle: u8) -> Option<Duration> {
    let mut stream = TcpStream::connect(address).await.expect("connect");
    stream.write_all(start).await.expect("send the start");
    let begun = Instant::now();
    while begun.elapsed() < Duration::from_secs(6) {
        if closed_within(&mut stream, Duration::from_millis(200))
            .await
            .is_some()
        {
            return Some(begun.elapsed());
        }
        // Once closed, a write may fail: the read above then reports it.
        let _ = stream.write_all(&[trickle]).await;
    }
    None
}

#[tokio::test]
async fn a_connection_that_sends_half_a_head_is_closed_after_the_header_timeout() {
    let (_dir, server) = serving(limits(8, 1_000, 10_000, 10_000)).await;
    let closed = trickle_until_closed(
        server.address,
        b"GET /api/health HTTP/1.1\r\nHost: smm\r\nX-Slow: a",
        b'a',
    )
    .await
    .expect("a head sent a byte at a time was never cut off");
    assert!(
        closed >= Duration::from_millis(800) && closed < Duration::from_secs(4),
        "closed after {closed:?}, expected about the header timeout of 1 s"
    );
    assert_eq!(health(server.address).await, 200);
    server.stop().await.expect("a clean stop");
}

#[tokio::test]
async fn a_connection_that_sends_half_a_body_is_closed_after_the_body_timeout() {
    let (_dir, server) = serving(limits(8, 10_000, 1_000, 10_000)).await;
    // Public, and reads its whole JSON body before answering.
    let closed = trickle_until_closed(
        server.address,
        b"POST /api/certificates/verify HTTP/1.1\r\nHost: smm\r\n\
          Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"certificate\": \"",
        b'a',
    )
    .await
    .expect("a body sent a byte at a time was never cut off");
    assert!(
        closed >= Duration::from_millis(800) && closed < Duration::from_secs(4),
        "closed after {closed:?}, expected about the body timeout of 1 s"
    );
    assert_eq!(health(server.address).await, 200);
    server.stop().await.expect("a clean stop");
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed_after_the_idle_timeout() {
    let (_dir, server) = serving(limits(8, 10_000, 10_000, 1_000)).await;
    let mut stream = TcpStream::connect(server.address).await.expect("connect");
    let request = b"GET /api/health HTTP/1.1\r\nHost: smm\r\n\r\n";
    stream.write_all(request).await.expect("send");
    assert!(read_answer(&mut stream).await.starts_with("HTTP/1.1 200"));

    // Within the idle timeout the connection serves another request, and the wait starts over.
    tokio::time::sleep(Duration::from_millis(600)).await;
    stream.write_all(request).await.expect("send again");
    assert!(read_answer(&mut stream).await.starts_with("HTTP/1.1 200"));

    let closed = closed_within(&mut stream, Duration::from_secs(5))
        .await
        .expect("an idle connection was kept open");
    assert!(
        closed >= Duration::from_millis(800) && closed < Duration::from_secs(4),
        "closed after {closed:?}, expected about the idle timeout of 1 s"
    );
    server.stop().await.expect("a clean stop");
}

#[tokio::test]
async fn a_stop_closes_idle_connections_and_finishes_at_once() {
    let (_dir, server) = serving(limits(8, 30_000, 30_000, 30_000)).await;
    let mut idle = TcpStream::connect(server.address).await.expect("connect");
    idle.write_all(b"GET /api/health HTTP/1.1\r\nHost: smm\r\n\r\n")
        .await
        .expect("send");
    assert!(read_answer(&mut idle).await.starts_with("HTTP/1.1 200"));
    let asked = Instant::now();
    tokio::time::timeout(Duration::from_secs(5), server.stop())
        .await
        .expect("the stop waited for an idle connection")
        .expect("a clean stop");
    assert!(asked.elapsed() < Duration::from_secs(5));
    assert!(closed_within(&mut idle, Duration::from_secs(1))
        .await
        .is_some());
}

/// The answer's headers to `GET /api/ready` sent with `X-Forwarded-Proto: https`.
async fn ready_claiming_https(address: SocketAddr) -> reqwest::header::HeaderMap {
    reqwest::Client::new()
        .get(format!("http://{address}/api/ready"))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .expect("an answer")
        .headers()
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claim_of_https_is_believed_only_from_a_trusted_proxy() {
    // A client talking to the server directly cannot make it answer as if over HTTPS (HSTS,
    // Secure cookies): only a proxy named with --trusted-proxy may say so.
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Listening::run(sqlite_config(dir.path()))
        .await
        .expect("the server starts");
    let headers = ready_claiming_https(server.address).await;
    assert!(
        headers.get("strict-transport-security").is_none(),
        "{headers:?}"
    );
    server.stop().await.expect("stops");

    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = sqlite_config(dir.path());
    config.trusted_proxies = vec!["127.0.0.1/32".parse().expect("network")];
    let proxied = Listening::run(config).await.expect("the server starts");
    let headers = ready_claiming_https(proxied.address).await;
    assert_eq!(
        headers
            .get("strict-transport-security")
            .and_then(|v| v.to_str().ok()),
        Some("max-age=31536000"),
        "{headers:?}"
    );
    proxied.stop().await.expect("stops");
}
