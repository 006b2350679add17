//! Signed checkpoints of the audit log: the server signs one when the log holds and grew (on
//! demand and periodically), anyone can fetch the newest and check it with the key `GET /api/log`
//! publishes, and a log rewritten whole after a checkpoint no longer passes the server's check.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use serde_json::Value;

use smm_cert::tlog::{Checkpoint, NoteVerifier};
use smm_store::{audit::GENESIS, AuditEntry, Role};

use crate::common::{App, Backend};

async fn public(app: &App, path: &str) -> (StatusCode, String) {
    let answer = app.send(Method::GET, path, None, None, &[]).await;
    (answer.status, answer.text())
}

/// The published key of the audit checkpoints, and the newest checkpoint opened with it.
async fn newest(app: &App) -> Checkpoint {
    let (status, info) = public(app, "/api/log").await;
    assert_eq!(status, StatusCode::OK, "{info}");
    let info: Value = serde_json::from_str(&info).expect("json");
    let key = NoteVerifier::decode(info["audit_verifier_key"].as_str().expect("key")).expect("key");
    assert_eq!(
        key.name,
        format!("{}/audit", info["origin"].as_str().expect("origin"))
    );
    // The log's own key, under the log's own name, does not open an audit checkpoint.
    let log_key = NoteVerifier::decode(info["verifier_key"].as_str().expect("key")).expect("key");
    let (status, note) = public(app, "/api/log/audit-checkpoint").await;
    assert_eq!(status, StatusCode::OK, "{note}");
    assert!(Checkpoint::open(&note, &log_key).is_err());
    Checkpoint::open(&note, &key)
        .expect("signed with the published key")
        .0
}

async fn check(app: &App) -> smm_server::audit_watch::ChainStatus {
    let state = &app.state;
    state
        .audit
        .status(&state.store, &state.log, true)
        .await
        .expect("the store answers")
}

async fn audit_entries(app: &App) -> usize {
    app.store().verify_audit().await.expect("read").entries
}

async fn checkpoints_of(backend: Backend) {
    let Some(app) = App::start(backend).await else {
        return;
    };
    let (owner, system, _) = app.vendor().await;
    let first = newest(&app).await;
    assert_eq!(first.size, audit_entries(&app).await as u64);
    assert!(first.size > 0);
    // More happens; the next full check signs the grown log and matches the first checkpoint.
    let org = app.organization("vendor").await.0;
    assert_ne!(app.system(&owner, org, "GW-8").await, system);
    let status = check(&app).await;
    assert!(status.intact);
    assert_eq!(status.checkpoints, 1);
    let grown = audit_entries(&app).await as u64;
    assert!(grown > first.size);
    assert_eq!(status.signed_size, Some(grown));
    assert_eq!(
        app.store().audit_checkpoints().await.expect("kept").len(),
        2
    );
    // Nothing new: no new checkpoint.
    check(&app).await;
    assert_eq!(
        app.store().audit_checkpoints().await.expect("kept").len(),
        2
    );
    // The audit page says what it checked against.
    let password = app.user("claire", "vendor", Role::Owner).await;
    let (cookie, _) = app.sign_in("claire", &password, "/").await;
    let path = format!("/orgs/{org}/audit");
    let audit_page = || app.page(&cookie, &path);
    let page = audit_page().await.text();
    assert!(page.contains("hash chain holds"), "{page}");
    assert!(page.contains("matches all 2 checkpoints"), "{page}");

    // Someone with the database rewrites an early entry and recomputes every hash after it: the
    // chain holds, the checkpoints signed before do not.
    let mut entries = Vec::new();
    let report = app
        .store()
        .check_audit(smm_store::ChainCheck::default())
        .await
        .expect("read");
    assert!(report.intact());
    for seq in 1..=report.entries as i64 {
        entries.push(entry(&app, seq).await);
    }
    let pool = app.store().pool();
    let drop = match backend {
        Backend::Sqlite => "DROP TRIGGER audit_log_no_update",
        Backend::Postgres => "DROP TRIGGER IF EXISTS audit_log_no_update ON audit_log",
    };
    sqlx::query(drop)
        .execute(pool)
        .await
        .expect("drop the guard");
    let mut prev = GENESIS.to_string();
    for mut e in entries {
        if e.seq == 1 {
            e.actor = "mallory".to_string();
        }
        e.prev_hash = prev;
        e.hash = e.expected_hash();
        prev = e.hash.clone();
        sqlx::query("UPDATE audit_log SET actor = $1, prev_hash = $2, hash = $3 WHERE seq = $4")
            .bind(&e.actor)
            .bind(&e.prev_hash)
            .bind(&e.hash)
            .bind(e.seq)
            .execute(pool)
            .await
            .expect("rewrite");
    }
    assert!(app.store().verify_audit().await.expect("read").intact());
    let status = check(&app).await;
    assert!(!status.intact, "a rewritten log passed its checkpoints");
    let page = audit_page().await.text();
    assert!(page.contains("no longer matches a checkpoint"), "{page}");
    // A log that does not hold is never signed.
    assert_eq!(
        app.store().audit_checkpoints().await.expect("kept").len(),
        2
    );
}

/// One stored entry, as the attacker reads it.
async fn entry(app: &App, seq: i64) -> AuditEntry {
    use sqlx::Row;
    let r = sqlx::query(
        "SELECT seq, at, actor, action, object, before_hash, after_hash, prev_hash, hash, \
         organization_id FROM audit_log WHERE seq = $1",
    )
    .bind(seq)
    .fetch_one(app.store().pool())
    .await
    .expect("entry");
    AuditEntry {
        seq: r.get(0),
        at: r.get(1),
        actor: r.get(2),
        action: r.get(3),
        object: r.get(4),
        before_hash: r.get(5),
        after_hash: r.get(6),
        prev_hash: r.get(7),
        hash: r.get(8),
        organization: r.get(9),
    }
}

#[tokio::test]
async fn the_server_signs_audit_checkpoints_and_a_rewrite_fails_them_on_sqlite() {
    checkpoints_of(Backend::Sqlite).await;
}

#[tokio::test]
async fn the_server_signs_audit_checkpoints_and_a_rewrite_fails_them_on_postgres() {
    checkpoints_of(Backend::Postgres).await;
}

#[tokio::test]
async fn checkpoints_are_signed_periodically_without_anyone_asking() {
    let app = App::start(Backend::Sqlite).await.expect("app");
    app.user("claire", "acme", Role::Owner).await;
    let (watch, store, log) = (
        app.state.audit.clone(),
        app.state.store.clone(),
        app.state.log.clone(),
    );
    let signer = tokio::spawn(async move {
        watch
            .keep_signing(&store, &log, Duration::from_millis(50))
            .await
    });
    let mut kept = Vec::new();
    for _ in 0..100 {
        kept = app.store().audit_checkpoints().await.expect("kept");
        if !kept.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(kept.len(), 1, "no checkpoint was signed");
    assert_eq!(kept[0].size, audit_entries(&app).await as u64);
    // The log grows; the next tick signs it.
    app.user("bob", "acme", Role::Viewer).await;
    let grown = audit_entries(&app).await as u64;
    for _ in 0..100 {
        kept = app.store().audit_checkpoints().await.expect("kept");
        if kept.last().is_some_and(|k| k.size == grown) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    signer.abort();
    assert_eq!(kept.last().map(|k| k.size), Some(grown));
}
