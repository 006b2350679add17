//! Issuers in the store, on SQLite and on PostgreSQL: designated certification bodies, and
//! organizations' signing keys with their life. The store keeps a private key only as the server
//! sealed it, so these tests hand it opaque bytes (the sealing is the server's, tested there).

use std::sync::Arc;

use crate::support::{postgres, sqlite};
use smm_store::{KeyLife, KeyOrigin, NewSigningKey, OrganizationId, Store, StoreError};

/// A key id as the server makes them (64 hex digits), different for each `n`.
fn keyid(n: u32) -> String {
    smm_core::digest::sha256_hex(format!("key {n}").as_bytes())
}

fn new_key<'a>(id: &'a str, sealed: &'a [u8], valid_from: &'a str) -> NewSigningKey<'a> {
    NewSigningKey {
        keyid: id,
        public_key: "-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----\n",
        sealed_private: sealed,
        origin: KeyOrigin::Created,
        valid_from,
    }
}

async fn actions(store: &Store) -> Vec<String> {
    store
        .audit_entries()
        .await
        .expect("log")
        .into_iter()
        .map(|e| e.action)
        .collect()
}

async fn only_a_designation_makes_a_certification_body(store: &Arc<Store>) {
    let lab = store
        .create_organization("admin", "Lab")
        .await
        .expect("org");
    let (v0, _) = store.issuers_version().await.expect("version");
    assert!(
        !store
            .organization(lab)
            .await
            .expect("org")
            .certification_body
    );
    assert!(store
        .set_certification_body("admin-cli", lab, true)
        .await
        .expect("designate"));
    let info = store.organization(lab).await.expect("org");
    assert!(info.certification_body);
    assert_eq!(info.name, "Lab");
    // Designating again changes nothing and is not logged twice.
    assert!(!store
        .set_certification_body("admin-cli", lab, true)
        .await
        .expect("again"));
    let (v1, _) = store.issuers_version().await.expect("version");
    assert_eq!(v1, v0 + 1);
    assert!(store
        .set_certification_body("admin-cli", lab, false)
        .await
        .expect("undesignate"));
    assert!(
        !store
            .organization(lab)
            .await
            .expect("org")
            .certification_body
    );
    assert_eq!(store.issuers_version().await.expect("version").0, v0 + 2);
    assert!(matches!(
        store
            .set_certification_body("admin-cli", OrganizationId(999), true)
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.organization(OrganizationId(999)).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(
        actions(store).await,
        [
            "organization.create",
            "organization.designate-body",
            "organization.undesignate-body"
        ]
    );
    let entries = store.audit_entries().await.expect("log");
    assert_eq!(entries[1].actor, "admin-cli");
    assert_eq!(entries[1].organization, Some(lab.0));
}

async fn keys_rotate_retire_and_revoke_and_belong_to_one_organization(store: &Arc<Store>) {
    let lab = store.create_organization("a", "Lab").await.expect("org");
    let maker = store.create_organization("b", "Maker").await.expect("org");
    assert!(store.active_signing_key(lab).await.expect("none").is_none());
    let (first, second) = (keyid(1), keyid(2));
    let kept = store
        .add_signing_key("alice", lab, &new_key(&first, b"sealed one", "2026-01-10"))
        .await
        .expect("first key");
    assert_eq!(kept.life(), KeyLife::Active);
    // Rotation overlaps: a second active key beside the first; the newest signs.
    store
        .add_signing_key("alice", lab, &new_key(&second, b"sealed two", "2026-03-01"))
        .await
        .expect("second key");
    let signing = store
        .active_signing_key(lab)
        .await
        .expect("read")
        .expect("one");
    assert_eq!(signing.record.keyid, second);
    assert_eq!(signing.sealed_private, b"sealed two");
    let listed = store.signing_keys(lab).await.expect("list");
    assert_eq!(
        listed.iter().map(|k| k.keyid.as_str()).collect::<Vec<_>>(),
        [second.as_str(), first.as_str()],
        "newest first"
    );
    assert!(listed.iter().all(|k| k.life() == KeyLife::Active));
    // A key id belongs to one organization: neither another nor the same one keeps it twice.
    for org in [maker, lab] {
        assert!(matches!(
            store
                .add_signing_key("mallory", org, &new_key(&first, b"x", "2026-01-01"))
                .await,
            Err(StoreError::Exists(_))
        ));
    }
    // Another organization's key is not found, whatever is asked of it.
    assert!(matches!(
        store
            .retire_signing_key("mallory", maker, &first, "2026-04-01")
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store
            .revoke_signing_key("mallory", maker, &first, "2026-01-01", "mine now")
            .await,
        Err(StoreError::NotFound(_))
    ));
    // Retiring the newest leaves the older one signing.
    let retired = store
        .retire_signing_key("alice", lab, &second, "2026-04-01")
        .await
        .expect("retire");
    assert_eq!(retired.life(), KeyLife::Retired);
    assert_eq!(retired.valid_until.as_deref(), Some("2026-04-01"));
    let signing = store
        .active_signing_key(lab)
        .await
        .expect("read")
        .expect("one");
    assert_eq!(signing.record.keyid, first);
    assert!(matches!(
        store
            .retire_signing_key("alice", lab, &second, "2026-04-02")
            .await,
        Err(StoreError::Exists(_))
    ));
    // A retired key found compromised is revoked from a day in the past.
    let revoked = store
        .revoke_signing_key("alice", lab, &second, "2026-03-15", "laptop stolen")
        .await
        .expect("revoke");
    assert_eq!(revoked.life(), KeyLife::Revoked);
    assert_eq!(revoked.revoked_from.as_deref(), Some("2026-03-15"));
    assert_eq!(revoked.revocation_reason.as_deref(), Some("laptop stolen"));
    assert_eq!(revoked.valid_until.as_deref(), Some("2026-04-01"));
    assert!(matches!(
        store
            .revoke_signing_key("alice", lab, &second, "2026-03-01", "again")
            .await,
        Err(StoreError::Exists(_))
    ));
    assert!(matches!(
        store
            .retire_signing_key("alice", lab, &second, "2026-04-02")
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        store
            .revoke_signing_key("alice", lab, &first, "2026-03-15", "  ")
            .await,
        Err(StoreError::Invalid(_))
    ));
    // The database refuses a revocation without its reason, whoever writes it.
    assert!(
        sqlx::query("UPDATE signing_keys SET revoked_from = '2026-01-01' WHERE keyid = $1")
            .bind(&first)
            .execute(store.pool())
            .await
            .is_err()
    );

    // The issuers, as the published document is built from them.
    store
        .set_certification_body("admin-cli", lab, true)
        .await
        .expect("designate");
    let maker_key = keyid(3);
    store
        .add_signing_key(
            "bob",
            maker,
            &new_key(&maker_key, b"sealed three", "2026-02-01"),
        )
        .await
        .expect("maker's key");
    let (version, changed_at, issuers) = store.issuers().await.expect("issuers");
    assert_eq!(version, store.issuers_version().await.expect("version").0);
    assert_eq!(
        changed_at,
        store.issuers_version().await.expect("version").1
    );
    assert_eq!(issuers.len(), 2);
    assert_eq!(issuers[0].organization.name, "Lab");
    assert!(issuers[0].organization.certification_body);
    assert_eq!(
        issuers[0]
            .keys
            .iter()
            .map(|k| (k.keyid.as_str(), k.life()))
            .collect::<Vec<_>>(),
        [
            (second.as_str(), KeyLife::Revoked),
            (first.as_str(), KeyLife::Active)
        ]
    );
    assert_eq!(issuers[1].organization.name, "Maker");
    assert!(!issuers[1].organization.certification_body);
    let sealed = store.sealed_signing_keys().await.expect("sealed");
    assert_eq!(sealed.len(), 3);
    assert_eq!(sealed[2].sealed_private, b"sealed three");
    assert_eq!(
        actions(store).await,
        [
            "organization.create",
            "organization.create",
            "key.create",
            "key.create",
            "key.retire",
            "key.revoke",
            "organization.designate-body",
            "key.create"
        ]
    );
    let report = store.verify_audit().await.expect("verify");
    assert!(report.intact(), "{:?}", report.problems);
}

async fn two_first_signatures_at_once_make_one_key(store: &Arc<Store>) {
    let org = store.create_organization("a", "Maker").await.expect("org");
    let mut tasks = Vec::new();
    for n in 0..8 {
        let store = Arc::clone(store);
        tasks.push(tokio::spawn(async move {
            let id = keyid(100 + n);
            let sealed = format!("sealed {n}").into_bytes();
            store
                .ensure_signing_key("issuer", org, &new_key(&id, &sealed, "2026-05-01"))
                .await
                .map(|(found, kept)| (found.record.keyid, kept))
        }));
    }
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.expect("task").expect("every call gets a key"));
    }
    assert_eq!(
        answers.iter().filter(|(_, kept)| *kept).count(),
        1,
        "{answers:?}"
    );
    assert!(answers.iter().all(|(id, _)| *id == answers[0].0));
    assert_eq!(store.signing_keys(org).await.expect("keys").len(), 1);
    // With a key active, a further call keeps nothing.
    let (found, kept) = store
        .ensure_signing_key("issuer", org, &new_key(&keyid(200), b"x", "2026-05-02"))
        .await
        .expect("found");
    assert!(!kept);
    assert_eq!(found.record.keyid, answers[0].0);
    let report = store.verify_audit().await.expect("verify");
    assert!(report.intact(), "{:?}", report.problems);
    assert_eq!(report.entries, 2);
}

on_both!(
    designation_on_both,
    only_a_designation_makes_a_certification_body
);
on_both!(
    key_life_on_both,
    keys_rotate_retire_and_revoke_and_belong_to_one_organization
);
on_both!(
    first_key_race_on_both,
    two_first_signatures_at_once_make_one_key
);
