//! `smm audit verify` finds an edited or deleted audit entry, even when the attacker bypasses
//! the database's append-only triggers.

use std::path::Path;

use crate::support::{smm, workspace, BOTTLING_TARGET_TEXT as TARGET};
use predicates::prelude::*;
use smm_cert::tlog::{Checkpoint, NoteVerifier};
use smm_cert::SigningKey;
use smm_store::{AuditEntry, Store};
use sqlx::Row;

/// A database with a few changes, and its URL.
fn database(dir: &Path) -> String {
    let url = format!("sqlite://{}", dir.join("smm.db").display());
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let store = Store::open(&url).await.expect("store");
        let org = store
            .create_organization("claire", "Org")
            .await
            .expect("org");
        let sys = store
            .create_system("claire", org, "Line")
            .await
            .expect("system");
        let catalog = smm_core::Catalog::builtin();
        let target = |text: &str| {
            smm_core::CheckedDocument::check(&catalog, smm_core::CheckedKind::TargetProfile, text)
                .expect("a valid target")
        };
        let doc = store
            .create_document("claire", org, sys, &target(TARGET))
            .await
            .expect("doc");
        let v2 = TARGET.replacen("version: \"1.0\"", "version: \"1.1\"", 1);
        store
            .update_document("yusuf", org, doc.id, 1, &target(&v2))
            .await
            .expect("update");
    });
    url
}

/// Runs SQL on the database behind smm's back, as an attacker with file access would.
fn tamper(url: &str, sql: &[&str]) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(crate::support::execute(url, sql));
}

/// `smm admin create-user NAME --organization "Integrator A"` with `password` in the
/// environment.
fn create_user(url: &str, name: &str, password: &str) -> assert_cmd::assert::Assert {
    smm()
        .env("SMM_PASSWORD", password)
        .args(["admin", "create-user", "--name", name])
        .args(["--organization", "Integrator A", "--database-url", url])
        .assert()
}

#[test]
fn an_intact_log_verifies_and_an_edited_entry_is_named() {
    let dir = workspace();
    let url = database(dir.path());
    smm()
        .args(["audit", "verify", "--database-url", &url])
        .assert()
        .success()
        .stdout(predicate::str::contains("audit log intact: 4 entries"));
    tamper(
        &url,
        &[
            "DROP TRIGGER audit_log_no_update",
            "UPDATE audit_log SET actor = 'mallory' WHERE seq = 3",
        ],
    );
    smm()
        .args(["audit", "verify", "--database-url", &url])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "entry 3 was changed after it was written",
        ));
}

#[test]
fn deleted_entries_are_found_in_the_middle_and_at_the_end() {
    let dir = workspace();
    let url = database(dir.path());
    let out = smm()
        .args(["audit", "verify", "--database-url", &url])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let first = text.lines().next().expect("a first line");
    let head = first.trim().rsplit(' ').next().expect("head").to_string();
    tamper(
        &url,
        &[
            "DROP TRIGGER audit_log_no_delete",
            "DELETE FROM audit_log WHERE seq = 4",
        ],
    );
    // The chain that is left is consistent; only the recorded head reveals the loss.
    smm()
        .args(["audit", "verify", "--database-url", &url])
        .assert()
        .success();
    smm()
        .args(["audit", "verify", "--database-url", &url, "--head", &head])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("no longer in the log"));
    tamper(&url, &["DELETE FROM audit_log WHERE seq = 2"]);
    smm()
        .args(["audit", "verify", "--database-url", &url])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("entry 2 is missing"));
}

/// The name audit checkpoints are signed under in these tests.
const AUDIT_LOG: &str = "audit.test/log/audit";

/// A checkpoint of the audit log as it is now, signed by `key` (as the server signs one), and
/// the key's verifier string.
fn sign_checkpoint(url: &str, key: &SigningKey) -> (String, String) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let report = runtime.block_on(async {
        let store = Store::open(url).await.expect("store");
        let report = store.verify_audit().await.expect("read");
        store.close().await;
        report
    });
    assert!(report.intact(), "{:?}", report.problems);
    let note = Checkpoint {
        origin: AUDIT_LOG.to_string(),
        size: report.entries as u64,
        root: report.root,
        extensions: Vec::new(),
    }
    .sign(key)
    .expect("sign")
    .encode();
    let verifier = NoteVerifier::ed25519(AUDIT_LOG, key.verifying_key())
        .expect("verifier")
        .encode();
    (note, verifier)
}

/// Edits entry `seq` and recomputes every hash after it, as an attacker with write access to
/// the database and the source code would: the chain holds again.
fn rewrite_log(url: &str, seq: i64) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let entries: Vec<AuditEntry> = runtime.block_on(async {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(url).await.expect("connect");
        let rows = sqlx::query(
            "SELECT seq, at, actor, action, object, before_hash, after_hash, prev_hash, hash, \
             organization_id FROM audit_log ORDER BY seq",
        )
        .fetch_all(&pool)
        .await
        .expect("read the log");
        pool.close().await;
        rows.iter()
            .map(|r| AuditEntry {
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
            })
            .collect()
    });
    let mut statements = vec!["DROP TRIGGER IF EXISTS audit_log_no_update".to_string()];
    let mut prev = smm_store::audit::GENESIS.to_string();
    for mut e in entries {
        if e.seq == seq {
            e.actor = "mallory".to_string();
        }
        e.prev_hash = prev;
        e.hash = e.expected_hash();
        prev = e.hash.clone();
        statements.push(format!(
            "UPDATE audit_log SET actor = '{}', prev_hash = '{}', hash = '{}' WHERE seq = {}",
            e.actor, e.prev_hash, e.hash, e.seq
        ));
    }
    let statements: Vec<&str> = statements.iter().map(String::as_str).collect();
    tamper(url, &statements);
}

fn verify_with(url: &str, args: &[&str]) -> assert_cmd::assert::Assert {
    smm()
        .args(["audit", "verify", "--database-url", url])
        .args(args)
        .assert()
}

#[test]
fn a_checkpoint_kept_elsewhere_finds_a_log_rewritten_whole() {
    let dir = workspace();
    let url = database(dir.path());
    let key = smm_cert::keys::generate();
    let (note, verifier) = sign_checkpoint(&url, &key);
    let file = dir.path().join("audit.checkpoint");
    std::fs::write(&file, &note).expect("write");
    let file = file.to_str().expect("utf-8");
    verify_with(&url, &["--checkpoint", file, "--log-key", &verifier])
        .success()
        .stdout(predicate::str::contains("audit log intact: 4 entries"))
        .stdout(predicate::str::contains(
            "against 1 signed checkpoints (0 kept in the database, 1 given, 0 kept in the state directory)",
        ))
        .stdout(predicate::str::contains("2 document versions"));
    // A checkpoint is only worth its signature.
    verify_with(&url, &["--checkpoint", file])
        .code(2)
        .stderr(predicate::str::contains("--log-key"));
    rewrite_log(&url, 2);
    // The chain alone cannot tell.
    verify_with(&url, &[]).success();
    verify_with(&url, &["--checkpoint", file, "--log-key", &verifier])
        .code(1)
        .stdout(predicate::str::contains(
            "the first 4 entries are not those the checkpoint from",
        ));
}

#[test]
fn a_log_cut_below_a_checkpoint_is_found_and_a_foreign_checkpoint_refused() {
    let dir = workspace();
    let url = database(dir.path());
    let key = smm_cert::keys::generate();
    let (note, verifier) = sign_checkpoint(&url, &key);
    let file = dir.path().join("audit.checkpoint");
    std::fs::write(&file, &note).expect("write");
    let file = file.to_str().expect("utf-8");
    // Signed by another key: refused as input, nothing is claimed from it.
    let (_, other) = sign_checkpoint(&url, &smm_cert::keys::generate());
    verify_with(&url, &["--checkpoint", file, "--log-key", &other])
        .code(2)
        .stderr(predicate::str::contains(
            "not a checkpoint signed by the log's key",
        ));
    tamper(
        &url,
        &[
            "DROP TRIGGER audit_log_no_delete",
            "DELETE FROM audit_log WHERE seq = 4",
        ],
    );
    verify_with(&url, &[]).success();
    verify_with(&url, &["--checkpoint", file, "--log-key", &verifier])
        .code(1)
        .stdout(predicate::str::contains(
            "signed 4 entries, but the log has 3",
        ));
}

#[test]
fn checkpoints_kept_in_the_database_and_in_a_state_directory_are_checked() {
    let dir = workspace();
    let url = database(dir.path());
    let key = smm_cert::keys::generate();
    let (note, verifier) = sign_checkpoint(&url, &key);
    let keep = |note: &str| {
        format!(
            "INSERT INTO audit_checkpoints (size, note, created_at) VALUES (4, '{note}', '2026-12-05T00:00:00Z')"
        )
    };
    tamper(&url, &[&keep(&note)]);
    // Without the key, a kept checkpoint is not evidence of anything, and the output says so.
    verify_with(&url, &[])
        .success()
        .stdout(predicate::str::contains(
            "not checked: 1 checkpoints kept in the database",
        ));
    let state = dir.path().join("state");
    let state = state.to_str().expect("utf-8");
    verify_with(&url, &["--log-key", &verifier, "--state", state])
        .success()
        .stdout(predicate::str::contains(
            "(1 kept in the database, 0 given, 0 kept",
        ));
    assert!(dir.path().join("state/audit-key").exists());
    // The second run checks the copy it kept, with the key it pinned.
    verify_with(&url, &["--state", state])
        .success()
        .stdout(predicate::str::contains(
            "(1 kept in the database, 0 given, 1 kept",
        ));
    // Another key for the same state directory is refused.
    let (_, other) = sign_checkpoint(&url, &smm_cert::keys::generate());
    verify_with(&url, &["--log-key", &other, "--state", state])
        .code(2)
        .stderr(predicate::str::contains("differs from the key kept here"));
    // The attacker rewrites the log and removes the checkpoint kept beside it: the copy in the
    // state directory still finds it, and the state is left as it was.
    rewrite_log(&url, 3);
    tamper(
        &url,
        &[
            "DROP TRIGGER audit_checkpoints_no_delete",
            "DELETE FROM audit_checkpoints",
        ],
    );
    verify_with(&url, &["--state", state])
        .code(1)
        .stdout(predicate::str::contains(
            "(0 kept in the database, 0 given, 1 kept",
        ))
        .stdout(predicate::str::contains(
            "the first 4 entries are not those",
        ))
        .stdout(predicate::str::contains("unchanged"));
    // A checkpoint forged into the database (signed by another key) is named.
    let (forged, _) = sign_checkpoint(&url, &smm_cert::keys::generate());
    tamper(&url, &[&keep(&forged)]);
    verify_with(&url, &["--log-key", &verifier])
        .code(1)
        .stdout(predicate::str::contains(
            "checkpoint of size 4 that the log's key did not sign",
        ));
}

#[test]
fn a_document_changed_behind_the_store_no_longer_matches_its_digest() {
    let dir = workspace();
    let url = database(dir.path());
    verify_with(&url, &[]).success();
    tamper(
        &url,
        &["UPDATE document_versions SET body = replace(body, 'Smart beverage', 'Plain beverage') \
           WHERE version = 2"],
    );
    verify_with(&url, &[])
        .code(1)
        .stdout(predicate::str::contains(
            "version 2: its text does not match the digest recorded for it",
        ));
}

#[test]
fn a_missing_database_is_bad_input_not_an_empty_log() {
    smm()
        .args([
            "audit",
            "verify",
            "--database-url",
            "sqlite:///nonexistent/smm.db",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such database"));
}

#[test]
fn the_first_owner_is_created_and_can_log_in() {
    let dir = workspace();
    let url = format!("sqlite://{}", dir.path().join("data/smm.db").display());
    create_user(&url, "claire", "a long enough password")
        .success()
        .stdout(predicate::str::contains("is owner of `Integrator A`"));
    // Too short, and a name taken: bad input, nothing changed.
    create_user(&url, "bob", "short")
        .code(2)
        .stderr(predicate::str::contains("at least 12 characters"));
    // Long enough but trivial: refused with the reason, by the same rule as the server's doors.
    create_user(&url, "bob", "aaaaaaaaaaaa")
        .code(2)
        .stderr(predicate::str::contains("too easy to guess"));
    create_user(&url, "claire", "another long password")
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let store = Store::open(&url).await.expect("store");
        let user = store
            .check_password("claire", "a long enough password")
            .await
            .expect("check")
            .expect("the password works");
        let org = store
            .organization_by_name("Integrator A")
            .await
            .expect("org")
            .expect("exists");
        assert_eq!(
            store.memberships(user).await.expect("m"),
            vec![(org, smm_store::Role::Owner)]
        );
        assert!(store.verify_audit().await.expect("audit").intact());
    });
    smm()
        .args(["audit", "verify", "--database-url", &url])
        .assert()
        .success();
}

/// `smm admin ACTION --organization "Integrator A"` on the database.
fn admin(url: &str, action: &str, organization: &str) -> assert_cmd::assert::Assert {
    smm()
        .args(["admin", action, "--organization", organization])
        .args(["--database-url", url])
        .assert()
}

#[test]
fn certification_bodies_are_designated_by_the_administrator_and_the_issuers_written() {
    let dir = workspace();
    let url = format!("sqlite://{}", dir.path().join("data/smm.db").display());
    create_user(&url, "claire", "a long enough password").success();
    admin(&url, "designate-body", "Integrator A")
        .success()
        .stdout(predicate::str::contains(
            "`Integrator A` is now a certification body",
        ));
    admin(&url, "designate-body", "Integrator A")
        .success()
        .stdout(predicate::str::contains("was already a certification body"));
    admin(&url, "designate-body", "Nobody")
        .code(2)
        .stderr(predicate::str::contains("organization `Nobody` not found"));
    // A key of the organization, as the server keeps it (its private part sealed: opaque here).
    let key = smm_cert::keys::generate();
    let keyid = smm_cert::keys::key_id(&key.verifying_key()).expect("id");
    let public = smm_cert::keys::public_pem(&key.verifying_key()).expect("pem");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let store = Store::open(&url).await.expect("store");
        let org = store
            .organization_by_name("Integrator A")
            .await
            .expect("org")
            .expect("exists");
        assert!(
            store
                .organization(org)
                .await
                .expect("org")
                .certification_body
        );
        store
            .add_signing_key(
                "claire",
                org,
                &smm_store::NewSigningKey {
                    keyid: &keyid,
                    public_key: &public,
                    sealed_private: b"sealed by the server",
                    origin: smm_store::KeyOrigin::Created,
                    valid_from: "2026-12-01",
                },
            )
            .await
            .expect("key");
        let actions: Vec<String> = store
            .audit_entries()
            .await
            .expect("log")
            .into_iter()
            .filter(|e| e.actor == "admin-cli")
            .map(|e| e.action)
            .collect();
        assert!(actions.contains(&"organization.designate-body".to_string()));
    });
    let file = dir.path().join("issuers.json");
    smm()
        .args(["admin", "issuers", "--output"])
        .arg(&file)
        .args(["--database-url", &url])
        .assert()
        .success()
        .stdout(predicate::str::contains("1 issuers, 1 keys"));
    let text = std::fs::read_to_string(&file).expect("written");
    let document = smm_cert::issuers::IssuersDocument::from_json(&text).expect("a document");
    let found = document.key(&keyid).expect("the key is published");
    assert_eq!(found.issuer.name, "Integrator A");
    assert!(found.issuer.certification_body);
    assert_eq!(found.key.status, smm_cert::issuers::KeyStatus::Active);
    assert!(!text.contains("sealed"), "never the private part");
    admin(&url, "undesignate-body", "Integrator A")
        .success()
        .stdout(predicate::str::contains(
            "is no longer a certification body",
        ));
    smm()
        .args(["admin", "issuers", "--output"])
        .arg(&file)
        .args(["--database-url", &url])
        .assert()
        .success();
    let text = std::fs::read_to_string(&file).expect("written");
    let document = smm_cert::issuers::IssuersDocument::from_json(&text).expect("a document");
    assert!(!document.issuers[0].certification_body);
    smm()
        .args(["audit", "verify", "--database-url", &url])
        .assert()
        .success();
}
