//! SIGTERM stops the server gracefully: requests already running finish with their answer, no
//! new connection is taken, and the process exits 0 within seconds.
//!
//! Orchestrators (systemd, Kubernetes) send SIGTERM on every deploy; a server that dropped the
//! reports being rendered, or lingered until the SIGKILL that follows, would turn each deploy
//! into user-visible errors.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::server::{
    bootstrap, client, content_type, post_document, serve_args, sign_in, sqlite_data, strs, system,
    token, Server, ASSESSMENT, TARGET,
};

/// Reports rendered at once when the stop comes.
const IN_FLIGHT: usize = 2;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_requests_in_flight_refuses_new_ones_and_exits_0() {
    let (_dir, data, url) = sqlite_data();
    bootstrap(&url);
    // Debug logs for tower_http: its "started processing request" line tells the test that a
    // request reached the server, so the stop comes while it is in flight, not before.
    let mut server = Server::start(
        &strs(&serve_args(&data, &url)),
        &[("SMM_LOG", "info,tower_http=debug")],
    );
    let http = client();
    let session = sign_in(&http, &server).await;
    let token = token(&http, &server, &session, "editor").await;
    let system = system(&http, &server, &token, session.organization, "BL-2").await;
    let target = post_document(&http, &server, &token, system, "targets", TARGET.into())
        .await
        .expect("store target");
    assert_eq!(target.status(), 201);
    let assessment = post_document(
        &http,
        &server,
        &token,
        system,
        "assessments",
        ASSESSMENT.into(),
    )
    .await
    .expect("store assessment");
    assert_eq!(assessment.status(), 201);
    let assessment: Value = assessment.json().await.expect("JSON");
    let report = format!(
        "/api/documents/{}/report?format=pdf",
        assessment["id"].as_i64().expect("id")
    );

    let mut reports = Vec::new();
    for _ in 0..IN_FLIGHT {
        // A client each: one connection per report, so each is a request in flight of its own.
        let (http, url, token) = (client(), server.url(&report), token.clone());
        reports.push(tokio::spawn(async move {
            let response = http
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            let status = response.status();
            let kind = content_type(&response);
            let body = response.bytes().await.map_err(|e| e.to_string())?;
            Ok::<_, String>((status, kind, body, Instant::now()))
        }));
    }
    let path = report.split('?').next().unwrap_or(&report).to_string();
    server
        .log_lines(
            IN_FLIGHT,
            |l| l.contains("started processing request") && l.contains(&path),
            Duration::from_secs(10),
        )
        .await;

    server.terminate();
    let stopping = Instant::now();
    server
        .log_lines(
            1,
            |l| l.contains("stopping: finishing requests in flight"),
            Duration::from_secs(5),
        )
        .await;
    // The listener closes as soon as the stop is taken: a new client is refused at once, even
    // while the reports are still being rendered. A connection attempt that meets the listener
    // as it closes is reset rather than refused: the same answer, no service.
    let refused = loop {
        match tokio::net::TcpStream::connect(server.address).await {
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::ConnectionRefused | std::io::ErrorKind::ConnectionReset
                ) =>
            {
                break Instant::now()
            }
            Err(e) => panic!("connecting after SIGTERM: {e}"),
            Ok(_) => {
                assert!(
                    stopping.elapsed() < Duration::from_secs(2),
                    "still accepting connections 2 s after SIGTERM"
                );
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    };

    let mut finished = Vec::new();
    for report in reports {
        let (status, kind, body, at) = report
            .await
            .expect("report task")
            .unwrap_or_else(|e| panic!("a report in flight was cut off: {e}\n{}", server.log()));
        assert_eq!(status, 200, "report in flight");
        assert_eq!(kind, "application/pdf");
        assert!(body.starts_with(b"%PDF"), "not a PDF");
        finished.push(at);
    }
    let first = finished.iter().min().copied().unwrap_or(refused);
    assert!(
        refused < first,
        "new connections were still taken until the reports in flight had finished"
    );
    let status = server.exit(Duration::from_secs(10)).await;
    assert!(status.success(), "smm serve exited with {status}");
    let last = finished.iter().max().copied().unwrap_or(stopping);
    eprintln!(
        "refused new connections {:?} after SIGTERM; reports in flight finished {:?} after it; \
         exited {:?} after it",
        refused.duration_since(stopping),
        last.duration_since(stopping),
        stopping.elapsed()
    );
    assert!(
        server.log().contains("stopped"),
        "no closing log line:\n{}",
        server.log()
    );
}
