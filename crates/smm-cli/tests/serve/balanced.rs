//! Three `smm serve` processes on one PostgreSQL database behind a real HAProxy, laid out as
//! docs/deploy.md lays out production, lose nothing and mislead no client when one server is
//! killed (SIGKILL: a crash, the OOM killer) and another stopped (SIGTERM: a deploy) in the
//! middle of mixed reads and writes.
//!
//! What the operators of a service that certification bodies depend on need to know before they
//! run it this way, and what is checked here:
//! - every write a client was told succeeded (2xx) is there afterwards, with the same digest,
//!   read through the proxy; every other answer a client saw is one it may retry (a refused or
//!   reset connection, 502/503/504, 429 with `Retry-After`), and writes whose answer was lost
//!   are stored whole or not at all;
//! - a session opened through the proxy works on every server, and failed sign-ins made on
//!   different servers add up to one lockout; the throttle counts the client's own address,
//!   forwarded by the proxy, not the proxy's and not one a client claims;
//! - the audit log stays one chain with no gap or duplicate and verifies, a checkpoint of it
//!   taken before the failures included; the transparency log only grew, and holds exactly the
//!   attestations issued, each once;
//! - the proxy's health checks take a failed server out, and bring a restarted one back.

use std::collections::{BTreeSet, HashMap};
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::haproxy::{self, Haproxy, BACKEND_HEADER, SOURCE};
use crate::server::{
    assert_stored, assessment, audit_verify, bootstrap, client, count, serve_args, sign_in, smm,
    strs, system, token, Acknowledged, Endpoint, Server, Session, OWNER,
};
use crate::support::{fresh_postgres_database, repository_text, workspace};

/// Writers with an API token; one more writes with a browser session, and one signs
/// supplier's declarations.
const TOKEN_WRITERS: usize = 3;
/// How long each phase of the run lasts: all three servers, after the SIGKILL, after the
/// SIGTERM.
const PHASE: Duration = Duration::from_secs(4);
/// The fewest writes each phase must acknowledge for the run to mean something.
const AT_LEAST: usize = 5;
/// A second user, whose sign-ins are throttled.
const LAB: &str = "lab";
const LAB_PASSWORD: &str = "another-long-enough-password";
/// Failed sign-ins allowed per name (`smm_server::app::session::MAX_FAILURES_PER_NAME`).
const MAX_FAILURES_PER_NAME: usize = 5;
/// The gateway example: declarations are signed on its assessment, one product each.
const GATEWAY_TARGET: &str = "examples/ota-gateway/target.yaml";
const GATEWAY_ASSESSMENT: &str = "examples/ota-gateway/certification/assessment-final.yaml";
const GATEWAY_PRODUCT: &str = "GW-7 central gateway";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_servers_behind_haproxy_keep_every_acknowledged_write_through_sigkill_and_sigterm() {
    let Some(haproxy_binary) = haproxy::binary() else {
        return;
    };
    let Some((_, url)) = fresh_postgres_database().await else {
        return;
    };
    let started = Instant::now();
    let dir = workspace();
    bootstrap(&url);
    create_user(&url, LAB, LAB_PASSWORD, "Lab");
    let args = |n: usize| {
        let mut args = serve_args(&dir.path().join(format!("s{n}")), &url);
        // Every server opens the signing keys the others sealed: one keys secret for all.
        args.extend([
            "--keys-secret".to_string(),
            dir.path().join("keys.secret").display().to_string(),
            "--trusted-proxy".to_string(),
            SOURCE.to_string(),
        ]);
        args
    };
    let mut servers: Vec<Server> = (1..=3)
        .map(|n| Server::start(&strs(&args(n)), &[]))
        .collect();
    let addresses: Vec<SocketAddr> = servers.iter().map(|s| s.address).collect();
    let mut proxy = Haproxy::start(&haproxy_binary, &addresses).await;
    let http = client();

    // A session opened through the proxy is every server's: each knows it, and each takes a
    // change made with it (cookie and CSRF token), here a token each.
    let session = sign_in(&http, &proxy).await;
    for server in &servers {
        let who = http
            .get(server.url("/api/session"))
            .header("cookie", &session.cookie)
            .send()
            .await
            .expect("GET /api/session");
        assert_eq!(who.status(), 200, "the session on {}", server.base);
        let who: Value = who.json().await.expect("session JSON");
        assert_eq!(who["user"], OWNER);
    }
    let editor = token(&http, &servers[1], &session, "editor").await;
    let owner = token(&http, &servers[2], &session, "owner").await;
    let bottling = system(&http, &proxy, &editor, session.organization, "BL-2").await;
    let gateway = system(&http, &proxy, &owner, session.organization, "GW").await;
    let target = send(
        &http,
        &proxy,
        &Credential::Token(owner.clone()),
        &format!("/api/systems/{gateway}/targets"),
        Body::Yaml(repository_text(GATEWAY_TARGET)),
        201,
    )
    .await;
    assert!(matches!(target, Seen::Answered { .. }), "{target:?}");

    failed_sign_ins_add_up_across_servers(&servers, &proxy, &url).await;

    // The transparency log before the run, as a monitor pins it.
    let mut setup = Tally::default();
    declare(&http, &proxy, &owner, gateway, "setup", &mut setup).await;
    assert_eq!(setup.declarations.len(), 1, "{setup:?}");
    let log: Value = get_json(&http, &proxy.url("/api/log")).await;
    let log_key = log["verifier_key"].as_str().expect("verifier_key");
    let audit_key = log["audit_verifier_key"]
        .as_str()
        .expect("audit_verifier_key");
    let monitor = dir.path().join("monitor");
    let (code, before, text) = follow(&proxy.base, &monitor, &["--log-key", log_key]);
    assert_eq!(code, 0, "smm log follow before the run: {text}");
    assert_eq!(before["size"], 1, "{text}");

    // The run: writers through the proxy, with a SIGKILL and a SIGTERM in the middle.
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    let mut credentials: Vec<Credential> = (0..TOKEN_WRITERS)
        .map(|_| Credential::Token(editor.clone()))
        .collect();
    credentials.push(Credential::Session(session.clone()));
    for (n, credential) in credentials.into_iter().enumerate() {
        let (http, base, stop) = (http.clone(), proxy.base.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            write_documents(format!("w{n}"), &http, &base, credential, bottling, &stop).await
        }));
    }
    {
        let (http, base, owner, stop) = (
            http.clone(),
            proxy.base.clone(),
            owner.clone(),
            stop.clone(),
        );
        writers.push(tokio::spawn(async move {
            let mut tally = Tally::default();
            let proxy = Base(base);
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                n += 1;
                declare(&http, &proxy, &owner, gateway, &n.to_string(), &mut tally).await;
            }
            tally
        }));
    }
    let run_started = Instant::now();
    tokio::time::sleep(PHASE / 2).await;
    // A copy of the audit log's checkpoint kept outside the database, as an operator keeps one.
    let checkpoint = dir.path().join("audit.checkpoint");
    let note = http
        .get(proxy.url("/api/log/audit-checkpoint"))
        .send()
        .await
        .expect("GET audit checkpoint");
    assert_eq!(note.status(), 200, "audit checkpoint");
    std::fs::write(&checkpoint, note.text().await.expect("checkpoint")).expect("write");
    tokio::time::sleep_until((run_started + PHASE).into()).await;

    let killed = Instant::now();
    servers[0].kill();
    let s1_down = proxy.await_state("s1", "DOWN", PHASE).await;
    tokio::time::sleep_until((killed + PHASE).into()).await;

    let terminated = Instant::now();
    servers[1].terminate();
    let status = servers[1].exit(Duration::from_secs(15)).await;
    assert!(
        status.success(),
        "s2 exited with {status} after SIGTERM; its log:\n{}",
        servers[1].log()
    );
    let s2_down = proxy.await_state("s2", "DOWN", PHASE).await;
    tokio::time::sleep_until((terminated + PHASE).into()).await;
    stop.store(true, Ordering::SeqCst);
    let mut tally = setup;
    for writer in writers {
        tally.merge(writer.await.expect("writer task"));
    }
    let run = run_started.elapsed();

    assert!(
        tally.other.is_empty(),
        "clients saw {} answers that are neither success nor retriable:\n{}\nHAProxy's log:\n{}",
        tally.other.len(),
        tally.other.join("\n"),
        proxy.log()
    );
    let phases = [
        ("with three servers", run_started, killed),
        ("after the SIGKILL", killed, terminated),
        ("after the SIGTERM", terminated, Instant::now()),
    ];
    for (phase, from, to) in phases {
        let acknowledged = tally
            .answers
            .iter()
            .filter(|(at, _)| *at >= from && *at < to)
            .count();
        assert!(
            acknowledged >= AT_LEAST,
            "only {acknowledged} writes acknowledged {phase}"
        );
    }
    let served: BTreeSet<&str> = tally
        .answers
        .iter()
        .filter(|(at, _)| *at < killed)
        .map(|(_, backend)| backend.as_str())
        .collect();
    assert_eq!(
        served,
        BTreeSet::from(["s1", "s2", "s3"]),
        "the proxy did not spread the writes over the three servers"
    );

    // Every acknowledged write is there, with its digest, read through the proxy.
    for write in &tally.documents {
        assert_stored(&http, &proxy, &editor, write).await;
    }
    for serial in &tally.declarations {
        let entry = http
            .get(proxy.url(&format!("/api/log/attestations/{serial}")))
            .send()
            .await
            .expect("GET attestation entry");
        assert_eq!(
            entry.status(),
            200,
            "declaration {serial} is not in the log"
        );
    }
    // A write in doubt is stored whole or not at all: never a document without its audit
    // entry, an attestation without its log entry, or more than the clients sent.
    let documents = count(&url, "SELECT COUNT(*) FROM documents").await;
    assert_eq!(
        documents,
        count(
            &url,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'document.create'"
        )
        .await,
        "documents and their audit entries differ"
    );
    let (acknowledged, in_doubt) = (
        as_i64(tally.documents.len() + 1),
        as_i64(tally.documents_in_doubt),
    );
    assert!(
        (acknowledged..=acknowledged + in_doubt).contains(&documents),
        "{documents} documents stored, {acknowledged} acknowledged and {in_doubt} in doubt"
    );
    let attestations = count(&url, "SELECT COUNT(*) FROM certificates").await;
    assert_eq!(
        attestations,
        count(&url, "SELECT COUNT(*) FROM tlog_entries").await,
        "attestations and transparency log entries differ"
    );
    let (acknowledged, in_doubt) = (
        as_i64(tally.declarations.len()),
        as_i64(tally.declarations_in_doubt),
    );
    assert!(
        (acknowledged..=acknowledged + in_doubt).contains(&attestations),
        "{attestations} attestations stored, {acknowledged} acknowledged and {in_doubt} in doubt"
    );
    // One audit chain: sequence numbers 1..=n, none twice, none missing.
    let entries = count(&url, "SELECT COUNT(*) FROM audit_log").await;
    assert_eq!(
        count(&url, "SELECT COUNT(DISTINCT seq) FROM audit_log").await,
        entries
    );
    assert_eq!(count(&url, "SELECT MIN(seq) FROM audit_log").await, 1);
    assert_eq!(
        count(&url, "SELECT MAX(seq) FROM audit_log").await,
        entries,
        "a gap in the audit log's sequence"
    );

    // The killed server, started again on its address, is taken back by the proxy once its
    // health checks pass, and knows the session opened before it died.
    servers[0] = Server::start_on(&addresses[0].to_string(), &strs(&args(1)), &[]);
    let s1_up = proxy.await_state("s1", "UP", Duration::from_secs(10)).await;
    let who = http
        .get(servers[0].url("/api/session"))
        .header("cookie", &session.cookie)
        .send()
        .await
        .expect("GET /api/session");
    assert_eq!(who.status(), 200, "the session on the restarted s1");
    let mut backends = BTreeSet::new();
    for _ in 0..6 {
        let answer = http
            .get(proxy.url("/api/session"))
            .header("cookie", &session.cookie)
            .header("x-request-id", "chosen-by-the-client")
            .send()
            .await
            .expect("GET /api/session");
        assert_eq!(answer.status(), 200);
        backends.insert(backend(&answer));
        // The proxy's request id, not one a client chose, is the one the server logs.
        let id = answer
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert!(
            id.len() == 36 && id.matches('-').count() == 4,
            "not the proxy's request id: {id:?}"
        );
    }
    assert_eq!(
        backends,
        BTreeSet::from(["s1".to_string(), "s3".to_string()]),
        "the proxy does not send requests to the restarted server"
    );

    // The transparency log only grew, and holds exactly the attestations issued, each once.
    let (code, after, text) = follow(&proxy.base, &monitor, &[]);
    assert_eq!(code, 0, "smm log follow after the run: {text}");
    assert_eq!(after["old_size"], 1, "{text}");
    assert_eq!(after["size"], attestations, "{text}");
    let reported: Vec<&str> = after["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["serial"].as_str().expect("serial"))
        .collect();
    let distinct: BTreeSet<&str> = reported.iter().copied().collect();
    assert_eq!(distinct.len(), reported.len(), "an entry reported twice");
    for serial in &tally.declarations[1..] {
        assert!(
            distinct.contains(serial.as_str()),
            "acknowledged declaration {serial} is not in the log"
        );
    }

    servers[0].stop().await;
    servers[2].stop().await;
    drop(proxy);
    let (intact, report) = audit_verify_with(&url, audit_key, &checkpoint);
    assert!(intact, "audit log after the run: {report}");
    assert!(
        report.contains("1 given"),
        "the checkpoint kept outside was not checked: {report}"
    );
    let (intact, report) = audit_verify(&url);
    assert!(intact, "{report}");
    eprintln!(
        "three servers behind HAProxy: {} documents and {} declarations acknowledged in {run:?}, \
         {} in doubt, {} retriable answers ({}); s1 marked down {s1_down:?} after SIGKILL, s2 \
         {s2_down:?} after its exit, s1 up again {s1_up:?} after restart; {:?} in all",
        tally.documents.len(),
        tally.declarations.len(),
        tally.documents_in_doubt + tally.declarations_in_doubt,
        tally.retriable.len(),
        summary(&tally.retriable),
        started.elapsed()
    );
}

/// Failed sign-ins made on different servers add up to one lockout, and the count is kept per
/// client address as the proxy forwards it.
async fn failed_sign_ins_add_up_across_servers(servers: &[Server], proxy: &Haproxy, url: &str) {
    let http = client();
    for n in 0..MAX_FAILURES_PER_NAME {
        let server = &servers[n % servers.len()];
        let status = sign_in_status(&http, &server.url("/api/session"), LAB, "wrong").await;
        assert_eq!(status.0, 401, "wrong password {n} on {}", server.base);
    }
    // The right password now, on each server and through the proxy: the name is locked out
    // everywhere, since every server counted into the same place.
    for place in servers
        .iter()
        .map(|s| s.url("/api/session"))
        .chain([proxy.url("/api/session")])
    {
        let (status, retry_after) = sign_in_status(&http, &place, LAB, LAB_PASSWORD).await;
        assert_eq!(
            status, 429,
            "sign-in after five failures on three servers: {place}"
        );
        assert!(retry_after.is_some(), "429 without Retry-After at {place}");
    }

    // A client on its own address, claiming another in X-Forwarded-For: the proxy appends the
    // address it saw, the server believes only the proxy, so the failure counts for the client.
    let elsewhere: IpAddr = "127.0.0.5".parse().expect("address");
    let guesser = reqwest::Client::builder()
        .local_address(elsewhere)
        .timeout(Duration::from_secs(20))
        .build()
        .expect("HTTP client");
    let answer = guesser
        .post(proxy.url("/api/session"))
        .header("x-forwarded-for", "10.6.6.6")
        .json(&json!({ "name": "nobody", "password": "a guess" }))
        .send()
        .await
        .expect("POST /api/session");
    assert_eq!(answer.status(), 401);
    let counted = |address: &str| {
        format!(
            "SELECT COALESCE(MAX(attempts), 0) FROM login_attempts \
             WHERE scope = 'address' AND subject = '{address}'"
        )
    };
    assert_eq!(count(url, &counted("127.0.0.5")).await, 1, "the client");
    assert_eq!(count(url, &counted(SOURCE)).await, 0, "the proxy");
    assert_eq!(count(url, &counted("10.6.6.6")).await, 0, "a claimed one");
}

/// The status of a sign-in and its `Retry-After`.
async fn sign_in_status(
    http: &reqwest::Client,
    url: &str,
    name: &str,
    password: &str,
) -> (u16, Option<String>) {
    let answer = http
        .post(url)
        .json(&json!({ "name": name, "password": password }))
        .send()
        .await
        .expect("POST /api/session");
    let retry_after = answer
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    (answer.status().as_u16(), retry_after)
}

/// How a writer proves who it is.
#[derive(Clone, Debug)]
enum Credential {
    Token(String),
    Session(Session),
}

/// A request's body.
enum Body {
    None,
    Yaml(String),
    Json(Value),
}

/// What a client saw of one request.
#[derive(Debug)]
enum Seen {
    /// The status it expected, with the answer and the server that gave it.
    Answered { body: Value, backend: String },
    /// An answer a client may try again later: a refused or reset connection, 502, 503 or 504
    /// (the proxy's answers when a server failed), or 429 with `Retry-After`.
    Retriable(String),
    /// Anything else.
    Other(String),
}

/// A base URL, for tasks that cannot borrow the proxy.
struct Base(String);

impl Endpoint for Base {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }
}

/// Sends a request and sorts what came back.
async fn send(
    http: &reqwest::Client,
    to: &impl Endpoint,
    credential: &Credential,
    path: &str,
    body: Body,
    expected: u16,
) -> Seen {
    let request = match &body {
        Body::None => http.get(to.url(path)),
        Body::Yaml(_) | Body::Json(_) => http.post(to.url(path)),
    };
    let request = match credential {
        Credential::Token(token) => request.bearer_auth(token),
        Credential::Session(s) => request
            .header("cookie", &s.cookie)
            .header("x-csrf-token", &s.csrf),
    };
    let request = match body {
        Body::None => request,
        Body::Yaml(yaml) => request
            .header("content-type", "application/yaml")
            .body(yaml),
        Body::Json(json) => request.json(&json),
    };
    let answer = match request.send().await {
        Ok(answer) => answer,
        Err(e) if e.is_timeout() => return Seen::Other(format!("{path}: no answer in time: {e}")),
        Err(e) => return Seen::Retriable(format!("{path}: connection: {e}")),
    };
    let status = answer.status().as_u16();
    let retry_after = answer.headers().contains_key("retry-after");
    let backend = backend(&answer);
    let text = match answer.text().await {
        Ok(text) => text,
        Err(e) => return Seen::Retriable(format!("{path}: {status}, body cut: {e}")),
    };
    match status {
        s if s == expected => match serde_json::from_str(&text) {
            Ok(body) => Seen::Answered { body, backend },
            Err(e) => Seen::Other(format!(
                "{path}: {status} with a body that is not JSON: {e}"
            )),
        },
        502..=504 => Seen::Retriable(format!("{path}: {status}")),
        429 if retry_after => Seen::Retriable(format!("{path}: 429")),
        _ => Seen::Other(format!("{path}: {status} from {backend}: {text}")),
    }
}

/// The server that answered, as the proxy names it.
fn backend(answer: &reqwest::Response) -> String {
    answer
        .headers()
        .get(BACKEND_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("none")
        .to_string()
}

/// What one writer saw.
#[derive(Debug, Default)]
struct Tally {
    /// Acknowledged documents.
    documents: Vec<Acknowledged>,
    /// Serials of acknowledged declarations.
    declarations: Vec<String>,
    /// Writes whose answer was lost: the connection failed, or the proxy answered 502/503/504
    /// when the request may have reached a server. Each may or may not be stored.
    documents_in_doubt: usize,
    declarations_in_doubt: usize,
    /// When each acknowledged write was answered, and by which server.
    answers: Vec<(Instant, String)>,
    retriable: Vec<String>,
    other: Vec<String>,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        self.documents.extend(other.documents);
        self.declarations.extend(other.declarations);
        self.documents_in_doubt += other.documents_in_doubt;
        self.declarations_in_doubt += other.declarations_in_doubt;
        self.answers.extend(other.answers);
        self.retriable.extend(other.retriable);
        self.other.extend(other.other);
    }

    /// Notes a read's outcome; `check` judges the answer's body.
    fn read(&mut self, seen: Seen, check: impl FnOnce(&Value) -> Result<(), String>) {
        match seen {
            Seen::Answered { body, .. } => {
                if let Err(e) = check(&body) {
                    self.other.push(e);
                }
            }
            Seen::Retriable(e) => self.retriable.push(e),
            Seen::Other(e) => self.other.push(e),
        }
    }
}

/// One writer: assessments, each with its own product version, each read back at once (the
/// proxy sends the read to another server), and now and then the system's list, until told
/// to stop.
async fn write_documents(
    name: String,
    http: &reqwest::Client,
    base: &str,
    credential: Credential,
    system: i64,
    stop: &AtomicBool,
) -> Tally {
    let proxy = Base(base.to_string());
    let mut tally = Tally::default();
    let mut n = 0;
    while !stop.load(Ordering::SeqCst) {
        n += 1;
        let yaml = assessment(&format!("2026.1-{name}-{n}"));
        let path = format!("/api/systems/{system}/assessments");
        let Some(write) = write_document(http, &proxy, &credential, &path, yaml, &mut tally).await
        else {
            continue;
        };
        let seen = send(
            http,
            &proxy,
            &credential,
            &format!("/api/documents/{}", write.id),
            Body::None,
            200,
        )
        .await;
        tally.read(seen, |body| {
            if body["sha256"].as_str() == Some(write.sha256.as_str()) {
                Ok(())
            } else {
                Err(format!("document {} read back changed: {body}", write.id))
            }
        });
        if n % 5 == 0 {
            let seen = send(http, &proxy, &credential, &path, Body::None, 200).await;
            tally.read(seen, |_| Ok(()));
        }
    }
    tally
}

/// Stores a document and notes the outcome: the write, if acknowledged.
async fn write_document(
    http: &reqwest::Client,
    proxy: &Base,
    credential: &Credential,
    path: &str,
    yaml: String,
    tally: &mut Tally,
) -> Option<Acknowledged> {
    match send(http, proxy, credential, path, Body::Yaml(yaml), 201).await {
        Seen::Answered { body, backend } => {
            tally.answers.push((Instant::now(), backend));
            let write = Acknowledged {
                id: body["id"].as_i64().expect("id"),
                sha256: body["sha256"].as_str().expect("sha256").to_string(),
            };
            tally.documents.push(write.clone());
            Some(write)
        }
        Seen::Retriable(e) => {
            tally.documents_in_doubt += 1;
            tally.retriable.push(e);
            // As a client should: wait a little before the next try.
            tokio::time::sleep(Duration::from_millis(100)).await;
            None
        }
        Seen::Other(e) => {
            tally.other.push(e);
            None
        }
    }
}

/// Signs a supplier's declaration of a product of its own: its assessment, the declaration,
/// then the declaration's entry in the transparency log, read back.
async fn declare(
    http: &reqwest::Client,
    proxy: &impl Endpoint,
    owner: &str,
    system: i64,
    unit: &str,
    tally: &mut Tally,
) {
    let proxy = Base(proxy.url(""));
    let credential = Credential::Token(owner.to_string());
    let yaml = repository_text(GATEWAY_ASSESSMENT).replacen(
        GATEWAY_PRODUCT,
        &format!("{GATEWAY_PRODUCT} unit {unit}"),
        1,
    );
    let path = format!("/api/systems/{system}/assessments");
    let Some(assessment) = write_document(http, &proxy, &credential, &path, yaml, tally).await
    else {
        return;
    };
    let body = Body::Json(json!({ "kind": "declaration", "assessments": [assessment.id] }));
    let path = format!("/api/systems/{system}/certificates");
    let serial = match send(http, &proxy, &credential, &path, body, 201).await {
        Seen::Answered { body, backend } => {
            tally.answers.push((Instant::now(), backend));
            let serial = body["serial"].as_str().expect("serial").to_string();
            tally.declarations.push(serial.clone());
            serial
        }
        Seen::Retriable(e) => {
            tally.declarations_in_doubt += 1;
            tally.retriable.push(e);
            tokio::time::sleep(Duration::from_millis(100)).await;
            return;
        }
        Seen::Other(e) => return tally.other.push(e),
    };
    let path = format!("/api/log/attestations/{serial}");
    let seen = send(http, &proxy, &credential, &path, Body::None, 200).await;
    tally.read(seen, |_| Ok(()));
}

/// Creates a user who owns an organization of their own.
fn create_user(database_url: &str, name: &str, password: &str, organization: &str) {
    let out = smm()
        .args(["admin", "create-user", "--name", name, "--organization"])
        .arg(organization)
        .args(["--role", "owner", "--database-url", database_url])
        .env("SMM_PASSWORD", password)
        .output()
        .expect("run smm admin create-user");
    assert!(out.status.success(), "create-user: {out:?}");
}

async fn get_json(http: &reqwest::Client, url: &str) -> Value {
    let answer = http.get(url).send().await.expect("GET");
    assert_eq!(answer.status(), 200, "GET {url}");
    answer.json().await.expect("JSON")
}

/// `smm log follow --format json` through the proxy: (exit code, the document, all it printed).
fn follow(base: &str, state: &Path, more: &[&str]) -> (i32, Value, String) {
    let out = smm()
        .args([
            "log", "follow", "--url", base, "--format", "json", "--state",
        ])
        .arg(state)
        .args(more)
        .output()
        .expect("run smm log follow");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let doc = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    let text = format!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), doc, text)
}

/// `smm audit verify` with the audit checkpoints' key and a checkpoint kept outside.
fn audit_verify_with(database_url: &str, key: &str, checkpoint: &Path) -> (bool, String) {
    let out = smm()
        .args(["audit", "verify", "--database-url", database_url])
        .args(["--log-key", key, "--checkpoint"])
        .arg(checkpoint)
        .output()
        .expect("run smm audit verify");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// The retriable answers, or how many of each kind when there are many.
fn summary(retriable: &[String]) -> String {
    if retriable.len() <= 5 {
        return retriable.join("; ");
    }
    let mut kinds: HashMap<String, usize> = HashMap::new();
    for e in retriable {
        let kind = e.split(": ").nth(1).unwrap_or(e).to_string();
        *kinds.entry(kind).or_default() += 1;
    }
    let mut kinds: Vec<String> = kinds
        .into_iter()
        .map(|(k, n)| format!("{n}× {k}"))
        .collect();
    kinds.sort();
    kinds.join(", ")
}

fn as_i64(n: usize) -> i64 {
    i64::try_from(n).expect("a count")
}
