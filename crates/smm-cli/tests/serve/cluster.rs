//! Two `smm serve` processes on one PostgreSQL database behave as one server: what one writes
//! the other reads, concurrent writes through both keep one unbroken audit chain, and a session
//! opened on one works on the other.
//!
//! This is how the server is meant to scale (docs/store.md): no state in the process, a
//! transaction-scoped advisory lock to serialize writers across processes. An in-process mutex
//! alone would let the two servers append audit entries with the same sequence number.

use std::time::Instant;

use serde_json::Value;

use crate::server::{
    assert_stored, assessment, audit_verify, bootstrap, client, count, post_document, serve_args,
    sign_in, strs, system, token, Acknowledged, Server, OWNER,
};
use crate::support::{fresh_postgres_database, workspace};

/// Writers per server.
const WRITERS: usize = 6;
/// Writes per writer.
const WRITES: usize = 15;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_postgres_database_act_as_one() {
    let Some((_, url)) = fresh_postgres_database().await else {
        return;
    };
    let started = Instant::now();
    let dir = workspace();
    bootstrap(&url);
    let start = |name: &str| {
        let mut args = serve_args(&dir.path().join(name), &url);
        // The keys secret that seals organizations' signing keys in the database: the first
        // to start makes it, the other reads it.
        args.extend([
            "--keys-secret".to_string(),
            dir.path().join("keys.secret").display().to_string(),
        ]);
        Server::start(&strs(&args), &[])
    };
    let (mut a, mut b) = (start("a"), start("b"));
    let http = client();

    let issuers_a = text(&http, &a, "/api/issuers").await;
    let issuers_b = text(&http, &b, "/api/issuers").await;
    assert_eq!(
        issuers_a, issuers_b,
        "the two servers publish different issuers"
    );

    // A session opened on A is known to B, CSRF token included: B creates a token with it.
    let session = sign_in(&http, &a).await;
    let who = http
        .get(b.url("/api/session"))
        .header("cookie", &session.cookie)
        .send()
        .await
        .expect("GET /api/session on B");
    assert_eq!(who.status(), 200, "A's session on B");
    let who: Value = who.json().await.expect("session JSON");
    assert_eq!(who["user"], OWNER);
    let token = token(&http, &b, &session, "editor").await;

    let system = system(&http, &a, &token, session.organization, "BL-2").await;
    let first = post_document(
        &http,
        &a,
        &token,
        system,
        "assessments",
        assessment("2026.1-a"),
    )
    .await
    .expect("write on A");
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.expect("JSON");
    let first = Acknowledged {
        id: first["id"].as_i64().expect("id"),
        sha256: first["sha256"].as_str().expect("sha256").to_string(),
    };
    assert_stored(&http, &b, &token, &first).await;

    // Writers on both servers at once; each write is then read through the other server.
    let mut writers = Vec::new();
    for writer in 0..2 * WRITERS {
        let (http, token) = (http.clone(), token.clone());
        let (own, other) = if writer % 2 == 0 {
            (a.base.clone(), b.base.clone())
        } else {
            (b.base.clone(), a.base.clone())
        };
        writers.push(tokio::spawn(async move {
            let mut written = Vec::new();
            for n in 0..WRITES {
                let response = http
                    .post(format!("{own}/api/systems/{system}/assessments"))
                    .bearer_auth(&token)
                    .header("content-type", "application/yaml")
                    .body(assessment(&format!("2026.1-w{writer}-{n}")))
                    .send()
                    .await
                    .expect("POST assessment");
                let status = response.status();
                let body: Value = response.json().await.expect("JSON");
                assert_eq!(status, 201, "writer {writer} on {own}: {body}");
                written.push((
                    other.clone(),
                    Acknowledged {
                        id: body["id"].as_i64().expect("id"),
                        sha256: body["sha256"].as_str().expect("sha256").to_string(),
                    },
                ));
            }
            written
        }));
    }
    let mut written = Vec::new();
    for writer in writers {
        written.extend(writer.await.expect("writer"));
    }
    for (other, write) in &written {
        let server = if *other == a.base { &a } else { &b };
        assert_stored(&http, server, &token, write).await;
    }
    let expected = i64::try_from(2 * WRITERS * WRITES + 1).expect("count");
    assert_eq!(
        count(&url, "SELECT COUNT(*) FROM documents").await,
        expected
    );
    assert_eq!(
        count(
            &url,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'document.create'"
        )
        .await,
        expected
    );

    a.stop().await;
    b.stop().await;
    let (intact, report) = audit_verify(&url);
    assert!(intact, "audit chain after two writers: {report}");
    eprintln!("two servers, {expected} writes, in {:?}", started.elapsed());
}

async fn text(http: &reqwest::Client, server: &Server, path: &str) -> String {
    let response = http.get(server.url(path)).send().await.expect("GET");
    assert_eq!(response.status(), 200, "GET {path}");
    response.text().await.expect("text")
}
