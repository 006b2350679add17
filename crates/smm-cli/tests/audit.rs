//! `smm audit verify` finds an edited or deleted audit entry, even when the attacker bypasses
//! the database's append-only triggers.

mod support;

use std::path::Path;

use predicates::prelude::*;
use smm_store::Store;
use support::{smm, workspace, BOTTLING_TARGET_TEXT as TARGET};

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
    runtime.block_on(support::execute(url, sql));
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
    let head = text.trim().rsplit(' ').next().expect("head").to_string();
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
