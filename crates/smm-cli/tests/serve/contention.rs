//! Writes that do not go through the store's write lock (sessions, failed-login counts) mixed
//! with writes that do (documents): neither side may fail for the other.
//!
//! On SQLite a transaction that first reads and then writes cannot wait for a lock another
//! connection took in between: unless the store begins it as a writer, a sign-in landing in
//! that gap turns a document write into a 500.

use std::time::Instant;

use serde_json::{json, Value};

use crate::server::{
    assessment, bootstrap, client, serve_args, sign_in, sqlite_data, strs, system, token, Server,
    OWNER, PASSWORD,
};
use crate::support::{fresh_postgres_database, workspace};

/// Concurrent document writers, and the writes each makes.
const WRITERS: usize = 6;
const WRITES: usize = 20;
/// Concurrent sign-in loops, and the sign-ins (and failed ones) each makes.
const SIGNERS: usize = 3;
const SIGN_INS: usize = 10;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_sign_ins_during_document_writes_fail_neither() {
    let (_dir, data, url) = sqlite_data();
    sign_ins_during_document_writes_fail_neither(&data, &url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_sign_ins_during_document_writes_fail_neither() {
    let Some((_, url)) = fresh_postgres_database().await else {
        return;
    };
    let dir = workspace();
    sign_ins_during_document_writes_fail_neither(dir.path(), &url).await;
}

async fn sign_ins_during_document_writes_fail_neither(data: &std::path::Path, url: &str) {
    let started = Instant::now();
    bootstrap(url);
    let mut server = Server::start(&strs(&serve_args(data, url)), &[]);
    let http = client();
    let session = sign_in(&http, &server).await;
    let token = token(&http, &server, &session, "editor").await;
    let system = system(&http, &server, &token, session.organization, "BL-2").await;
    let mut tasks = Vec::new();
    for writer in 0..WRITERS {
        let (http, token, base) = (http.clone(), token.clone(), server.base.clone());
        tasks.push(tokio::spawn(async move {
            for n in 0..WRITES {
                let response = http
                    .post(format!("{base}/api/systems/{system}/assessments"))
                    .bearer_auth(&token)
                    .header("content-type", "application/yaml")
                    .body(assessment(&format!("2026.1-w{writer}-{n}")))
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                let status = response.status();
                if status != 201 {
                    let body = response.text().await.unwrap_or_default();
                    return Err(format!("document write: {status} {body}"));
                }
            }
            Ok::<(), String>(())
        }));
    }
    for signer in 0..SIGNERS {
        let (http, base) = (http.clone(), server.base.clone());
        tasks.push(tokio::spawn(async move {
            for n in 0..SIGN_INS {
                // A wrong password now and then, from one loop only: recording it is a write
                // too. Few enough never to reach the throttle, which counts attempts in flight:
                // had every loop failed at once, three failures and the three attempts after
                // them would make six, over the name's five.
                let (password, expected) = if signer == 0 && n % 5 == 4 {
                    ("wrong-password-here", 401)
                } else {
                    (PASSWORD, 200)
                };
                let response = http
                    .post(format!("{base}/api/session"))
                    .json(&json!({ "name": OWNER, "password": password }))
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                let status = response.status();
                if status != expected {
                    let body: Value = response.json().await.unwrap_or_default();
                    return Err(format!("sign-in {signer}/{n}: {status} {body}"));
                }
            }
            Ok::<(), String>(())
        }));
    }
    let mut failures = Vec::new();
    for task in tasks {
        if let Err(e) = task.await.expect("task") {
            failures.push(e);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} loops failed: {failures:#?}\n{}",
        failures.len(),
        WRITERS + SIGNERS,
        server.log()
    );
    server.stop().await;
    eprintln!("mixed writes on {url} in {:?}", started.elapsed());
}
