//! Liveness, readiness and request ids, as a load balancer and an operator see them.
//!
//! `/api/health` says the process answers; `/api/ready` says it can also reach its database, so a
//! balancer stops sending traffic to a server whose database is gone and resumes when it is
//! back, without a restart. Every answer carries an `x-request-id` that the server's log lines
//! also carry, so a user's error report leads to the log of that one request.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::server::{
    bootstrap, client, content_type, serve_args, sqlite_data, strs, Server, OWNER,
};
use crate::support::{admin_sql, fresh_postgres_database, workspace};

fn request_id(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("x-request-id on every answer")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_readiness_answer_and_every_answer_has_its_own_request_id() {
    let (_dir, data, url) = sqlite_data();
    bootstrap(&url);
    let mut server = Server::start(&strs(&serve_args(&data, &url)), &[]);
    let http = client();

    let mut ids = HashSet::new();
    for path in [
        "/api/health",
        "/api/ready",
        "/api/no-such-thing",
        "/api/health",
    ] {
        let response = http.get(server.url(path)).send().await.expect("GET");
        let expected = if path == "/api/no-such-thing" {
            404
        } else {
            200
        };
        assert_eq!(response.status(), expected, "{path}");
        assert!(ids.insert(request_id(&response)), "request id reused");
        if expected == 200 {
            let body: Value = response.json().await.expect("JSON");
            assert_eq!(body["status"], "ok", "{path}");
        }
    }

    // A request id given by a proxy in front is kept, so one id follows the request through.
    let response = http
        .get(server.url("/api/health"))
        .header("x-request-id", "proxy-7f3a")
        .send()
        .await
        .expect("GET");
    assert_eq!(request_id(&response), "proxy-7f3a");

    // The log line of a request carries the id its answer carried.
    let response = http
        .post(server.url("/api/session"))
        .json(&json!({ "name": OWNER, "password": "not-the-password" }))
        .send()
        .await
        .expect("POST /api/session");
    assert_eq!(response.status(), 401);
    let id = request_id(&response);
    let lines = server
        .log_lines(1, |l| l.contains("failed login"), Duration::from_secs(5))
        .await;
    assert!(
        lines[0].contains(&format!("request_id={id}")),
        "the log line of request {id} does not name it: {}",
        lines[0]
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_can_write_a_line_or_a_field_into_the_log() {
    let (_dir, data, url) = sqlite_data();
    bootstrap(&url);
    let mut server = Server::start(&strs(&serve_args(&data, &url)), &[]);
    let http = client();

    // A name with a line break and a forged line after it.
    let forged = "INFO smm_server: admin signed in user=root";
    let response = http
        .post(server.url("/api/session"))
        .json(&json!({ "name": format!("eve\n{forged}"), "password": "not-the-password" }))
        .send()
        .await
        .expect("POST /api/session");
    assert_eq!(response.status(), 401);
    server
        .log_lines(1, |l| l.contains("failed login"), Duration::from_secs(5))
        .await;
    let log = server.log();
    assert!(
        !log.lines()
            .any(|l| l.starts_with(forged) || l.trim_start().starts_with("INFO smm_server: admin")),
        "a forged line in the log:\n{log}"
    );
    assert!(
        log.contains("eve\\nINFO"),
        "the name, escaped, on one line:\n{log}"
    );

    // A request id that carries more fields is replaced by the server's own.
    let odd = "x method=DELETE path=/api/organizations/1";
    let response = http
        .get(server.url("/api/no-such-thing"))
        .header("x-request-id", odd)
        .send()
        .await
        .expect("GET");
    let id = request_id(&response);
    assert_ne!(id, odd);
    assert!(!id.contains(' '), "{id}");
    let lines = server
        .log_lines(1, |l| l.contains(&id), Duration::from_secs(5))
        .await;
    assert!(!lines[0].contains("method=DELETE"), "{}", lines[0]);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_follows_the_postgres_database_down_and_back_up() {
    let Some((name, url)) = fresh_postgres_database().await else {
        return;
    };
    let dir = workspace();
    let mut server = Server::start(&strs(&serve_args(dir.path(), &url)), &[]);
    let http = client();
    assert_eq!(status(&http, &server, "/api/ready").await.0, 200);

    // The database refuses connections and the server's open ones are cut, as in a failover.
    admin_sql(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false")).await;
    admin_sql(&format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
    ))
    .await;
    let (ready, kind) = status(&http, &server, "/api/ready").await;
    assert_eq!(ready, 503, "ready while the database is gone");
    assert_eq!(kind, "application/problem+json");
    let body = http
        .get(server.url("/api/ready"))
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(
        !body.contains(&name) && !body.contains("postgres") && !body.contains("error returned"),
        "the public readiness answer tells the database's insides: {body}"
    );
    assert_eq!(
        status(&http, &server, "/api/health").await.0,
        200,
        "liveness must not depend on the database, or the orchestrator restarts a sound process"
    );

    admin_sql(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true")).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while status(&http, &server, "/api/ready").await.0 != 200 {
        assert!(
            Instant::now() < deadline,
            "not ready 10 s after the database came back:\n{}",
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    server.stop().await;
}

/// The status and content type of a GET.
async fn status(http: &reqwest::Client, server: &Server, path: &str) -> (u16, String) {
    let response = http.get(server.url(path)).send().await.expect("GET");
    let kind = content_type(&response);
    (response.status().as_u16(), kind)
}
