//! The transparency log, as a customer, a monitor and an attacker see it through the public API:
//! every attestation and revocation is in it, the signed checkpoints verify with the published
//! key, inclusion and consistency proofs check out with smm-cert's verifier (the same checks
//! `tests/independent/tlog_verify.py` makes without smm), and bad questions get clear refusals.

use axum::http::{Method, StatusCode};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};

use smm_cert::tlog::merkle::{leaf_hash, verify_consistency, verify_inclusion, Hash};
use smm_cert::tlog::{Checkpoint, LogEntry, NoteVerifier};

use crate::common::{App, Backend};

async fn public(app: &App, path: &str) -> (StatusCode, String) {
    let answer = app.send(Method::GET, path, None, None, &[]).await;
    (answer.status, answer.text())
}

async fn public_json(app: &App, path: &str) -> Value {
    let (status, text) = public(app, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {text}");
    serde_json::from_str(&text).expect("json")
}

fn hashes(value: &Value) -> Vec<Hash> {
    value
        .as_array()
        .expect("array")
        .iter()
        .map(|h| {
            STANDARD
                .decode(h.as_str().expect("base64"))
                .expect("base64")
                .try_into()
                .expect("32 bytes")
        })
        .collect()
}

/// Issues a supplier's declaration of the vendor's system: (certificate id, serial, envelope).
async fn declare(app: &App, owner: &str, system: i64, assessment: i64) -> (i64, String, Value) {
    let answer = app
        .post_json(
            &format!("/api/systems/{system}/certificates"),
            owner,
            json!({"kind": "declaration", "assessments": [assessment]}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text());
    let body = answer.json();
    let envelope = match &body["envelope"] {
        Value::String(text) => serde_json::from_str(text).expect("envelope"),
        other => other.clone(),
    };
    (
        body["id"].as_i64().expect("id"),
        body["serial"].as_str().expect("serial").to_string(),
        envelope,
    )
}

async fn the_log_holds_every_attestation_and_proves_it(backend: Backend) {
    let Some(app) = App::start(backend).await else {
        return;
    };
    // An empty log has a checkpoint too, of size 0.
    let empty = public_json(&app, "/api/log").await;
    assert_eq!(empty["size"], 0);
    let verifier = NoteVerifier::decode(empty["verifier_key"].as_str().expect("key")).expect("key");
    assert_eq!(verifier.name, empty["origin"].as_str().expect("origin"));

    let (owner, system, assessment) = app.vendor().await;
    let (_, serial, envelope) = declare(&app, &owner, system, assessment).await;
    let first = public_json(&app, "/api/log").await;
    assert_eq!(first["size"], 1);
    let (first_checkpoint, _) =
        Checkpoint::open(first["checkpoint"].as_str().expect("note"), &verifier)
            .expect("the checkpoint verifies with the published key");

    let (revoked_id, revoked_serial, _) = declare(&app, &owner, system, assessment).await;
    let revoke = app
        .post_json(
            &format!("/api/certificates/{revoked_id}/revoke"),
            &owner,
            json!({"reason": "superseded by a corrected declaration"}),
        )
        .await;
    assert_eq!(revoke.status, StatusCode::OK, "{}", revoke.text());

    // The holder's proof: the entry is the envelope it holds, and the path leads to a checkpoint
    // signed with the log's key.
    let logged = public_json(&app, &format!("/api/log/attestations/{serial}")).await;
    let (checkpoint, _) = Checkpoint::open(logged["checkpoint"].as_str().expect("note"), &verifier)
        .expect("signed checkpoint");
    assert_eq!(checkpoint.size, 3);
    let held = LogEntry::Attestation {
        envelope: serde_json::from_value(envelope).expect("envelope"),
    };
    let index = logged["inclusion"]["index"].as_u64().expect("index");
    verify_inclusion(
        &held.leaf_hash(),
        index,
        checkpoint.size,
        &hashes(&logged["inclusion"]["proof"]),
        &checkpoint.root,
    )
    .expect("the attestation is in the log");
    // A forged envelope is not.
    let forged = LogEntry::Revocation {
        serial: serial.clone(),
        issuer: "anyone".into(),
        reason: "made up".into(),
        revoked_at: "2026-01-01T00:00:00Z".into(),
    };
    assert!(verify_inclusion(
        &forged.leaf_hash(),
        index,
        checkpoint.size,
        &hashes(&logged["inclusion"]["proof"]),
        &checkpoint.root,
    )
    .is_err());

    // The revocation is logged after the attestation it revokes.
    let revoked = public_json(&app, &format!("/api/log/attestations/{revoked_serial}")).await;
    let kinds: Vec<&str> = revoked["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["kind"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(kinds, ["attestation", "revocation"]);

    // A monitor reads every entry, rebuilds each leaf hash, and checks that the log grew from
    // the checkpoint it saw before without rewriting it.
    let entries = public_json(&app, "/api/log/entries?start=0&limit=10").await;
    let entries = entries.as_array().expect("entries");
    assert_eq!(entries.len(), 3);
    for (i, e) in entries.iter().enumerate() {
        assert_eq!(e["index"], i);
        let data = e["data"].as_str().expect("data");
        assert_eq!(
            e["leaf_hash"].as_str().expect("hash"),
            STANDARD.encode(leaf_hash(data.as_bytes()))
        );
    }
    let proof = public_json(&app, "/api/log/proofs/consistency?old=1&new=3").await;
    verify_consistency(
        1,
        3,
        &first_checkpoint.root,
        &checkpoint.root,
        &hashes(&proof["proof"]),
    )
    .expect("the log only grew");
    let inclusion = public_json(&app, "/api/log/proofs/inclusion?index=2&size=3").await;
    let last = entries[2]["data"].as_str().expect("data");
    verify_inclusion(
        &leaf_hash(last.as_bytes()),
        2,
        3,
        &hashes(&inclusion["proof"]),
        &checkpoint.root,
    )
    .expect("the revocation is in the log");

    // The plain checkpoint, for tools that read C2SP checkpoints.
    let (status, note) = public(&app, "/api/log/checkpoint").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(note, logged["checkpoint"].as_str().expect("note"));

    // Bad questions: clear refusals, no server errors, nothing about other data.
    for (path, status) in [
        (
            "/api/log/proofs/inclusion?index=3&size=3",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/log/proofs/inclusion?index=0&size=4",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/log/proofs/inclusion?index=-1",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/log/proofs/inclusion?index=0&evil=1",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/log/proofs/consistency?old=3&new=1",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/log/proofs/consistency?old=1&new=99",
            StatusCode::BAD_REQUEST,
        ),
        ("/api/log/entries?limit=0", StatusCode::BAD_REQUEST),
        ("/api/log/entries?limit=100000", StatusCode::BAD_REQUEST),
        ("/api/log/attestations/NOPE-1", StatusCode::NOT_FOUND),
    ] {
        let (got, text) = public(&app, path).await;
        assert_eq!(got, status, "{path}: {text}");
    }
    let beyond = public_json(&app, "/api/log/entries?start=99").await;
    assert_eq!(beyond, json!([]));
    for path in [
        "/api/log/entries?start=-1",
        "/api/log/entries?start=9223372036854775808",
        "/api/log/proofs/consistency?old=-1&new=1",
    ] {
        let (got, text) = public(&app, path).await;
        assert_eq!(got, StatusCode::BAD_REQUEST, "{path}: {text}");
    }

    // A second server on the same database keeps the same log: same key, same checkpoint.
    let other = app.beside(|_| {}).await.expect("second server");
    let seen = public_json(&other, "/api/log").await;
    assert_eq!(seen["verifier_key"], empty["verifier_key"]);
    assert_eq!(seen["checkpoint"], logged["checkpoint"]);
}

#[tokio::test]
async fn the_log_holds_every_attestation_and_proves_it_on_sqlite() {
    the_log_holds_every_attestation_and_proves_it(Backend::Sqlite).await;
}

#[tokio::test]
async fn the_log_holds_every_attestation_and_proves_it_on_postgres() {
    the_log_holds_every_attestation_and_proves_it(Backend::Postgres).await;
}

#[tokio::test]
async fn a_configured_origin_names_the_log_and_it_cannot_change() {
    let app = App::start(Backend::Sqlite).await.expect("server");
    let default = public_json(&app, "/api/log").await;
    assert!(default["origin"]
        .as_str()
        .expect("origin")
        .starts_with("smm.invalid/log-"));
    // Started again, it keeps its name; named otherwise, it refuses to start.
    let again = app.beside(|_| {}).await.expect("same log");
    assert_eq!(
        public_json(&again, "/api/log").await["origin"],
        default["origin"]
    );
    let renamed = app
        .beside(|c| c.log_origin = Some("smm.example.com/log".into()))
        .await;
    let Err(refused) = renamed else {
        panic!("a log was renamed");
    };
    assert!(refused.to_string().contains("cannot change"), "{refused}");

    let named = App::start_with(Backend::Sqlite, |c| {
        c.log_origin = Some("smm.example.com/log".into());
    })
    .await
    .expect("named log");
    let info = public_json(&named, "/api/log").await;
    assert_eq!(info["origin"], "smm.example.com/log");
    assert!(info["checkpoint"]
        .as_str()
        .expect("note")
        .starts_with("smm.example.com/log\n0\n"));
    for bad in ["has space", "plus+sign", ""] {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = crate::common::sqlite_config(dir.path());
        config.log_origin = Some(bad.into());
        assert!(
            smm_server::serve::state(&config).await.is_err(),
            "{bad:?} accepted"
        );
    }
}
