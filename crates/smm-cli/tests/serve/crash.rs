//! A server killed with SIGKILL in the middle of many concurrent writes loses none it
//! acknowledged, leaves the audit chain intact and (SQLite) the database file sound.
//!
//! A 201 is a promise: the client may delete its copy. So every write the server answered 201
//! must be readable after a crash, byte for byte the same digest; writes in flight at the kill
//! may or may not be there, but never half there (a document without its audit entry, or the
//! reverse).

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::server::{
    assert_stored, assessment, audit_verify, bootstrap, client, count, post_document, serve_args,
    sign_in, sqlite_data, strs, system, token, Acknowledged, Server,
};
use crate::support::{fresh_postgres_database, workspace};

/// Concurrent writers.
const WRITERS: usize = 16;
/// Acknowledged writes to wait for before the kill.
const BEFORE_KILL: usize = 200;
/// The fewest acknowledged writes that still make the test mean something on a slow machine.
const AT_LEAST: usize = 100;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_keeps_every_acknowledged_write_through_sigkill() {
    let (_dir, data, url) = sqlite_data();
    acknowledged_writes_survive_sigkill(&data, &url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_keeps_every_acknowledged_write_through_sigkill() {
    let Some((_, url)) = fresh_postgres_database().await else {
        return;
    };
    let dir = workspace();
    acknowledged_writes_survive_sigkill(dir.path(), &url).await;
}

async fn acknowledged_writes_survive_sigkill(data: &Path, url: &str) {
    let started = Instant::now();
    bootstrap(url);
    let args = serve_args(data, url);
    let mut server = Server::start(&strs(&args), &[]);
    let http = client();
    let session = sign_in(&http, &server).await;
    let token = token(&http, &server, &session, "editor").await;
    let system = system(&http, &server, &token, session.organization, "BL-2").await;

    let acknowledged = Arc::new(Mutex::new(Vec::<Acknowledged>::new()));
    let killed = Arc::new(AtomicBool::new(false));
    let base = Arc::new(server.base.clone());
    let mut writers = Vec::new();
    for writer in 0..WRITERS {
        let (http, token, base) = (http.clone(), token.clone(), base.clone());
        let (acknowledged, killed) = (acknowledged.clone(), killed.clone());
        writers.push(tokio::spawn(async move {
            write_until_killed(writer, &http, &base, &token, system, &acknowledged, &killed).await
        }));
    }

    let deadline = Instant::now() + Duration::from_secs(15);
    while acknowledged.lock().expect("acks").len() < BEFORE_KILL && Instant::now() < deadline {
        assert!(
            !writers.iter().all(|w| w.is_finished()),
            "every writer stopped before the kill; the log:\n{}",
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    killed.store(true, Ordering::SeqCst);
    server.kill();
    for writer in writers {
        writer.await.expect("writer task").unwrap_or_else(|e| {
            panic!("a write failed while the server ran: {e}\n{}", server.log())
        });
    }
    let acknowledged = acknowledged.lock().expect("acks").clone();
    assert!(
        acknowledged.len() >= AT_LEAST,
        "only {} writes acknowledged before the kill",
        acknowledged.len()
    );
    let mut ids: Vec<i64> = acknowledged.iter().map(|w| w.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(
        ids.len(),
        acknowledged.len(),
        "an id was acknowledged twice"
    );

    if url.starts_with("sqlite:") {
        // Before anything else opens it: the file as the crash left it (plus the WAL).
        let sound = integrity_check(url).await;
        assert_eq!(sound, "ok", "PRAGMA integrity_check after SIGKILL");
    }

    let mut server = Server::start(&strs(&args), &[]);
    for write in &acknowledged {
        assert_stored(&http, &server, &token, write).await;
    }
    // A write is its document and its audit entry, or neither.
    let documents = count(url, "SELECT COUNT(*) FROM documents").await;
    let logged = count(
        url,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'document.create'",
    )
    .await;
    assert_eq!(
        documents, logged,
        "documents and their audit entries differ"
    );
    assert!(documents >= i64::try_from(acknowledged.len()).expect("count"));
    // The server still takes writes on the recovered database.
    let after = post_document(
        &http,
        &server,
        &token,
        system,
        "assessments",
        assessment("2026.2"),
    )
    .await
    .expect("write after restart");
    assert_eq!(after.status(), 201);
    server.stop().await;

    let (intact, report) = audit_verify(url);
    assert!(intact, "audit chain after SIGKILL: {report}");
    eprintln!(
        "{} acknowledged writes of {documents} stored survived SIGKILL ({url_kind}) in {:?}",
        acknowledged.len(),
        started.elapsed(),
        url_kind = url.split(':').next().unwrap_or("?"),
    );
}

/// One writer: assessments, each with its own product version, until the server is killed.
/// Any answer but 201 while the server runs is a failure (the server must not shed writes with
/// 5xx under load); a dropped connection is expected only once the kill is under way.
async fn write_until_killed(
    writer: usize,
    http: &reqwest::Client,
    base: &str,
    token: &str,
    system: i64,
    acknowledged: &Mutex<Vec<Acknowledged>>,
    killed: &AtomicBool,
) -> Result<(), String> {
    for n in 0.. {
        let yaml = assessment(&format!("2026.1-w{writer}-{n}"));
        let sent = http
            .post(format!("{base}/api/systems/{system}/assessments"))
            .bearer_auth(token)
            .header("content-type", "application/yaml")
            .body(yaml)
            .send()
            .await;
        let response = match sent {
            Ok(r) => r,
            Err(_) if killed.load(Ordering::SeqCst) => return Ok(()),
            Err(e) => return Err(format!("writer {writer}: {e}")),
        };
        let status = response.status();
        let body = match response.bytes().await {
            Ok(b) => b,
            Err(_) if killed.load(Ordering::SeqCst) => return Ok(()),
            Err(e) => return Err(format!("writer {writer}: body: {e}")),
        };
        if status != 201 {
            return Err(format!(
                "writer {writer}: {status} {}",
                String::from_utf8_lossy(&body)
            ));
        }
        let json: Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
        let write = Acknowledged {
            id: json["id"].as_i64().ok_or("no id")?,
            sha256: json["sha256"].as_str().ok_or("no sha256")?.to_string(),
        };
        acknowledged.lock().map_err(|e| e.to_string())?.push(write);
    }
    Ok(())
}

/// SQLite's own check of every page and index of the file.
async fn integrity_check(url: &str) -> String {
    use sqlx::Row;
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url)
        .await
        .expect("open the database");
    let row = sqlx::query("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .expect("integrity_check");
    let verdict: String = row.try_get(0).expect("verdict");
    pool.close().await;
    verdict
}
