//! The store's behaviour, on SQLite and on PostgreSQL: every test runs against both.
//!
//! PostgreSQL comes from `SMM_TEST_POSTGRES_URL` (scripts/test starts a private server and sets
//! it); each test gets a fresh database of its own. Under CI (`CI=true`) a missing server fails.

use std::path::Path;
use std::sync::Arc;

use crate::support::{
    assessment, organization_with_system, postgres, scenarios, sqlite, target, ASSESSMENT,
    SCENARIOS, TARGET,
};
use smm_core::CheckedDocument;
use smm_store::{DocumentId, DocumentKind, Role, Store, StoreError};

async fn documents_round_trip_and_every_change_is_a_version(store: &Arc<Store>) {
    let (org, sys) =
        organization_with_system(store, "claire", "Integrator A", "Bottling line BL-2").await;
    let doc = store
        .create_document("claire", org, sys, &target(TARGET))
        .await
        .expect("create");
    assert_eq!(doc.version, 1);
    // Lossless: the YAML comes back byte for byte, with the digest the CLI computes.
    let back = store.document(org, doc.id, None).await.expect("read");
    assert_eq!(back.body, TARGET);
    let parsed = smm_core::parse_target(TARGET).expect("target");
    assert_eq!(back.sha256, smm_core::content_digest(&parsed));
    let changed = TARGET.replacen("version: \"1.0\"", "version: \"1.1\"", 1);
    let v2 = store
        .update_document("yusuf", org, doc.id, 1, &target(&changed))
        .await
        .expect("update");
    assert_eq!(v2.version, 2);
    assert_ne!(v2.sha256, doc.sha256);
    // The old version is still there.
    let v1 = store.document(org, doc.id, Some(1)).await.expect("v1");
    assert_eq!(v1.body, TARGET);
    let versions = store.versions(org, doc.id).await.expect("versions");
    assert_eq!(
        versions.iter().map(|v| v.version).collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(versions[1].author, "yusuf");
}

async fn a_stale_update_is_refused_and_nothing_is_lost(store: &Arc<Store>) {
    let (org, sys) = organization_with_system(store, "a", "Org", "S").await;
    let doc = store
        .create_document("a", org, sys, &assessment(ASSESSMENT))
        .await
        .expect("create");
    let first = ASSESSMENT.replacen("date: 2026-04-22", "date: 2026-04-23", 1);
    store
        .update_document("a", org, doc.id, 1, &assessment(&first))
        .await
        .expect("first editor");
    // The second editor read version 1 too: 412-like conflict.
    let second = ASSESSMENT.replacen("date: 2026-04-22", "date: 2026-04-24", 1);
    match store
        .update_document("b", org, doc.id, 1, &assessment(&second))
        .await
    {
        Err(StoreError::Conflict {
            current: 2,
            expected: 1,
        }) => {}
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(
        store
            .document(org, doc.id, None)
            .await
            .expect("latest")
            .body,
        first
    );
    // A new version must keep the kind.
    assert!(matches!(
        store
            .update_document("a", org, doc.id, 2, &target(TARGET))
            .await,
        Err(StoreError::Invalid(_))
    ));
}

async fn another_organization_sees_nothing(store: &Arc<Store>) {
    let mine = store.create_organization("a", "Mine").await.expect("org");
    let theirs = store.create_organization("b", "Theirs").await.expect("org");
    let sys = store.create_system("a", mine, "S").await.expect("system");
    let doc = store
        .create_document("a", mine, sys, &target(TARGET))
        .await
        .expect("doc");
    assert!(matches!(
        store.document(theirs, doc.id, None).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.versions(theirs, doc.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store
            .update_document("b", theirs, doc.id, 1, &target(TARGET))
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store
            .create_document("b", theirs, sys, &target(TARGET))
            .await,
        Err(StoreError::NotFound(_))
    ));
    let sha = store
        .put_evidence("a", mine, sys, "text/plain", b"policy v2")
        .await
        .expect("evidence");
    assert!(matches!(
        store.evidence(theirs, sys, &sha).await,
        Err(StoreError::NotFound(_))
    ));
    // Nor can another organization upload through a system that is not its own.
    assert!(matches!(
        store
            .put_evidence("b", theirs, sys, "text/plain", b"planted")
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.document(mine, DocumentId(9_999), None).await,
        Err(StoreError::NotFound(_))
    ));
}

async fn evidence_is_content_addressed_and_checked(store: &Arc<Store>) {
    let (org, sys) = organization_with_system(store, "a", "Org", "S").await;
    let other = store.create_system("a", org, "T").await.expect("system");
    let pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n";
    let sha = store
        .put_evidence("a", org, sys, "application/pdf", pdf)
        .await
        .expect("pdf");
    assert_eq!(sha, smm_core::digest::sha256_hex(pdf));
    // The same content again is the same object.
    assert_eq!(
        store
            .put_evidence("a", org, sys, "application/pdf", pdf)
            .await
            .expect("again"),
        sha
    );
    let (media, bytes) = store.evidence(org, sys, &sha).await.expect("read");
    assert_eq!(media, "application/pdf");
    assert_eq!(bytes, pdf);
    // Served only through the systems it was uploaded to; uploading it there links it.
    assert!(matches!(
        store.evidence(org, other, &sha).await,
        Err(StoreError::NotFound(_))
    ));
    let uploads = |entries: &[smm_store::AuditEntry]| {
        entries
            .iter()
            .filter(|e| e.action == "evidence.upload")
            .count()
    };
    let before = uploads(&store.audit_entries().await.expect("audit"));
    store
        .put_evidence("a", org, other, "application/pdf", pdf)
        .await
        .expect("link");
    assert_eq!(store.evidence(org, other, &sha).await.expect("read").1, pdf);
    assert_eq!(
        uploads(&store.audit_entries().await.expect("audit")),
        before + 1,
        "the new link is audited"
    );
    assert!(matches!(
        store
            .put_evidence("a", org, sys, "application/pdf", b"MZ\x90\x00 not a pdf")
            .await,
        Err(StoreError::Invalid(_))
    ));
}

async fn the_audit_log_chains_every_change_and_refuses_edits(store: &Arc<Store>) {
    let (org, sys) = organization_with_system(store, "claire", "Org", "S").await;
    let doc = store
        .create_document("claire", org, sys, &target(TARGET))
        .await
        .expect("doc");
    let changed = TARGET.replacen("version: \"1.0\"", "version: \"1.1\"", 1);
    store
        .update_document("claire", org, doc.id, 1, &target(&changed))
        .await
        .expect("update");
    let entries = store.audit_entries().await.expect("log");
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "organization.create",
            "system.create",
            "document.create",
            "document.update"
        ]
    );
    assert_eq!(entries[3].before_hash.as_deref(), Some(doc.sha256.as_str()));
    let report = store.verify_audit().await.expect("verify");
    assert!(report.intact(), "{:?}", report.problems);
    assert_eq!(report.entries, 4);
    // The database itself refuses to rewrite or delete history.
    assert!(
        sqlx::query("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
            .execute(store.pool())
            .await
            .is_err()
    );
    assert!(sqlx::query("DELETE FROM audit_log WHERE seq = 4")
        .execute(store.pool())
        .await
        .is_err());
}

async fn concurrent_writers_keep_every_version_and_the_chain(store: &Arc<Store>) {
    let (org, sys) = organization_with_system(store, "a", "Org", "S").await;
    let mut tasks = Vec::new();
    for i in 0..16 {
        let store = Arc::clone(store);
        tasks.push(tokio::spawn(async move {
            let body = TARGET.replacen("version: \"1.0\"", &format!("version: \"1.0.{i}\""), 1);
            store
                .create_document(&format!("writer-{i}"), org, sys, &target(&body))
                .await
        }));
    }
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(
            task.await
                .expect("task")
                .expect("every concurrent write succeeds")
                .id,
        );
    }
    for id in &ids {
        assert_eq!(store.versions(org, *id).await.expect("versions").len(), 1);
    }
    let report = store.verify_audit().await.expect("verify");
    assert!(report.intact(), "{:?}", report.problems);
    assert_eq!(report.entries, 2 + 16);
}

async fn users_roles_and_tokens_keep_only_hashes(store: &Arc<Store>) {
    let org = store
        .create_organization("admin", "Assessor Org")
        .await
        .expect("org");
    let other = store
        .create_organization("admin", "Client Org")
        .await
        .expect("org");
    let user = store
        .create_user("admin", "claire", "correct horse battery tundra")
        .await
        .expect("user");
    assert!(matches!(
        store
            .create_user("admin", "claire", "another quite long passphrase")
            .await,
        Err(StoreError::Exists(_))
    ));
    assert!(matches!(
        store.create_user("admin", "bob", "short").await,
        Err(StoreError::Invalid(_))
    ));
    // Long enough but trivial to guess: refused, with zxcvbn's reason.
    match store.create_user("admin", "bob", "aaaaaaaaaaaa").await {
        Err(StoreError::Invalid(reason)) => {
            assert!(reason.contains("too easy to guess"), "{reason}")
        }
        other => panic!("a trivial password was not refused: {other:?}"),
    }
    assert!(matches!(
        store
            .set_password("claire", user, "password1234", None)
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(
        store
            .check_password("claire", "correct horse battery tundra")
            .await
            .expect("check"),
        Some(user)
    );
    assert_eq!(
        store
            .check_password("claire", "wrong horse battery tundra")
            .await
            .expect("check"),
        None
    );
    assert_eq!(
        store
            .check_password("nobody", "correct horse battery tundra")
            .await
            .expect("check"),
        None
    );
    // The password is not in the database, only an argon2id hash.
    let row = sqlx::query("SELECT password_hash FROM users WHERE name = 'claire'")
        .fetch_one(store.pool())
        .await
        .expect("row");
    let stored: String = sqlx::Row::try_get(&row, 0).expect("hash");
    assert!(stored.starts_with("$argon2id$"), "{stored}");
    assert!(!stored.contains("correct horse"));

    store
        .set_membership("admin", user, org, Role::Assessor)
        .await
        .expect("member");
    store
        .set_membership("admin", user, other, Role::Viewer)
        .await
        .expect("member");
    store
        .set_membership("admin", user, other, Role::Auditor)
        .await
        .expect("role changed");
    assert_eq!(
        store.memberships(user).await.expect("memberships"),
        vec![(org, Role::Assessor), (other, Role::Auditor)]
    );

    let (grant, secret) = store
        .create_api_token("claire", org, Role::Editor, "CI pipeline", i64::MAX, None)
        .await
        .expect("token");
    assert!(secret.starts_with("smm_") && secret.len() == 68);
    assert_eq!(
        store.check_api_token(&secret, 0).await.expect("check"),
        Some(grant.clone())
    );
    assert_eq!(grant.organization, org);
    assert_eq!(
        store.check_api_token("smm_0000", 0).await.expect("check"),
        None
    );
    let rows = sqlx::query("SELECT token_hash FROM api_tokens")
        .fetch_all(store.pool())
        .await
        .expect("rows");
    let kept: String = sqlx::Row::try_get(&rows[0], 0).expect("hash");
    assert_ne!(kept, secret);
    assert!(store.verify_audit().await.expect("audit").intact());
}

/// The documents of several systems in one query: only theirs, targets first, by id.
async fn documents_of_several_systems(store: &Arc<Store>) {
    let (org, one) = organization_with_system(store, "a", "Org", "One").await;
    let two = store.create_system("a", org, "Two").await.expect("system");
    let three = store
        .create_system("a", org, "Three")
        .await
        .expect("system");
    let a1 = store
        .create_document("a", org, one, &assessment(ASSESSMENT))
        .await
        .expect("assessment");
    let t1 = store
        .create_document("a", org, one, &target(TARGET))
        .await
        .expect("target");
    let t2 = store
        .create_document("a", org, two, &target(TARGET))
        .await
        .expect("target");
    store
        .create_document("a", org, three, &target(TARGET))
        .await
        .expect("target elsewhere");
    let listed = store.documents_of(&[two, one]).await.expect("list");
    assert_eq!(
        listed,
        vec![
            (t1.id, one, DocumentKind::TargetProfile),
            (a1.id, one, DocumentKind::Assessment),
            (t2.id, two, DocumentKind::TargetProfile),
        ]
    );
    assert!(store.documents_of(&[]).await.expect("none").is_empty());
}

/// The summary column of a document, read directly.
async fn stored_summary(store: &Store, id: DocumentId) -> Option<String> {
    use sqlx::Row;
    sqlx::query("SELECT summary FROM documents WHERE id = $1")
        .bind(id.0)
        .fetch_one(store.pool())
        .await
        .expect("document row")
        .try_get(0)
        .expect("summary column")
}

async fn the_store_keeps_exactly_the_checked_text_digest_and_summary(store: &Arc<Store>) {
    let (org, sys) = organization_with_system(store, "a", "Org", "S").await;
    // A comment and odd spacing: the text is kept as written, never re-serialized.
    let text = format!("# kept as written\n{ASSESSMENT}\n\n");
    let checked = assessment(&text);
    let created = store
        .create_document("a", org, sys, &checked)
        .await
        .expect("create");
    assert_eq!(created.kind, DocumentKind::Assessment);
    assert_eq!(created.body, checked.text());
    assert_eq!(created.sha256, checked.digest());
    let back = store.document(org, created.id, None).await.expect("read");
    assert_eq!(back.body, text);
    assert_eq!(back.sha256, checked.digest());
    assert_eq!(
        stored_summary(store, created.id).await.as_deref(),
        Some(checked.summary())
    );
    // A new version replaces the summary with its own.
    let raised = ASSESSMENT.replacen(
        "  program-management:\n    comprehensiveness: 2",
        "  program-management:\n    comprehensiveness: 3",
        1,
    );
    let v2 = assessment(&raised);
    assert_ne!(v2.summary(), checked.summary());
    let updated = store
        .update_document("a", org, created.id, 1, &v2)
        .await
        .expect("update");
    assert_eq!(updated.sha256, v2.digest());
    assert_eq!(
        stored_summary(store, created.id).await.as_deref(),
        Some(v2.summary())
    );
    let versions = store.versions(org, created.id).await.expect("versions");
    assert_eq!(versions[0].sha256, checked.digest());
    assert_eq!(versions[1].sha256, v2.digest());
}

/// Each version keeps the prepared form its checked document came with, and gives it back with
/// its text, by id and by digest; one without (an assessment built as values) has none.
async fn each_version_keeps_its_prepared_form(store: &Arc<Store>) {
    let (org, sys) = organization_with_system(store, "a", "Org", "S").await;
    let checked_target = target(TARGET);
    let stored_target = store
        .create_document("a", org, sys, &checked_target)
        .await
        .expect("create the target");
    assert_eq!(stored_target.prepared.as_deref(), checked_target.prepared());
    let checked = assessment(ASSESSMENT);
    let created = store
        .create_document("a", org, sys, &checked)
        .await
        .expect("create");
    let back = store.document(org, created.id, None).await.expect("read");
    let form = back.prepared.as_deref().expect("a prepared form");
    assert_eq!(Some(form), checked.prepared());
    assert_eq!(
        smm_core::document::prepared::read::<smm_core::Assessment>(form),
        Some(smm_core::parse_assessment(ASSESSMENT).expect("parses"))
    );
    let by_digest = store
        .document_by_digest(
            org,
            sys,
            DocumentKind::TargetProfile,
            checked_target.digest(),
        )
        .await
        .expect("read by digest")
        .expect("the target");
    assert_eq!(by_digest.prepared.as_deref(), checked_target.prepared());
    // A new version built as values has no form, and the earlier version keeps its own.
    let typed = CheckedDocument::assessment(
        &crate::support::CATALOG,
        &smm_core::parse_assessment(ASSESSMENT).expect("parses"),
    )
    .expect("checks");
    store
        .update_document("a", org, created.id, 1, &typed)
        .await
        .expect("update");
    let latest = store.document(org, created.id, None).await.expect("v2");
    assert_eq!((latest.version, latest.prepared), (2, None));
    let first = store.document(org, created.id, Some(1)).await.expect("v1");
    assert_eq!(first.prepared.as_deref(), checked.prepared());
}

on_both!(
    each_version_keeps_its_prepared_form_on_both,
    each_version_keeps_its_prepared_form
);

/// The gap's one read gives what its two reads give: the assessment's latest version, and the
/// target version of its system that has the digest it names, the newest such.
async fn an_assessment_comes_with_the_target_it_names(store: &Arc<Store>) {
    let (org, sys) = organization_with_system(store, "a", "Org", "S").await;
    let first = store
        .create_document("a", org, sys, &target(TARGET))
        .await
        .expect("target");
    let created = store
        .create_document("a", org, sys, &assessment(ASSESSMENT))
        .await
        .expect("assessment");
    let two_reads = |id: DocumentId, digest: String| {
        let store = store.clone();
        async move {
            (
                store.document(org, id, None).await.expect("read"),
                store
                    .document_by_digest(org, sys, DocumentKind::TargetProfile, &digest)
                    .await
                    .expect("by digest"),
            )
        }
    };
    let named = assessment(ASSESSMENT)
        .named_target()
        .expect("names")
        .to_string();
    let (home, document, found) = store
        .document_with_named_target(&[org], created.id)
        .await
        .expect("one read");
    assert_eq!(found.as_ref().map(|t| t.id), Some(first.id));
    // Where it lives, as the access check reads it.
    let checked = store.document_home(created.id).await.expect("home");
    assert_eq!(
        (
            home.organization,
            home.kind,
            &home.system,
            &home.latest_sha256
        ),
        (
            checked.organization,
            checked.kind,
            &checked.system,
            &checked.latest_sha256
        )
    );
    // Both come without their texts, which their prepared forms stand in for; the rest is
    // what the two reads give.
    let without_text = |mut d: smm_store::StoredDocument| {
        d.body.clear();
        d
    };
    assert!(document.body.is_empty() && found.as_ref().is_some_and(|t| t.body.is_empty()));
    let (whole, whole_target) = two_reads(created.id, named.clone()).await;
    assert!(whole.prepared.is_some() && !whole.body.is_empty());
    assert_eq!(
        (document, found),
        (without_text(whole), whole_target.map(without_text))
    );
    // A second target document with the same text: the newest is the one found.
    let second = store
        .create_document("a", org, sys, &target(TARGET))
        .await
        .expect("the same target again");
    let (_, _, found) = store
        .document_with_named_target(&[org], created.id)
        .await
        .expect("one read");
    assert_eq!(found.map(|t| t.id), Some(second.id));
    // A new version naming a target that is not stored: none, as by digest.
    let other = TARGET.replacen("version: \"1.0\"", "version: \"9.9\"", 1);
    let elsewhere = ASSESSMENT.replacen(&named, target(&other).digest(), 1);
    store
        .update_document("a", org, created.id, 1, &assessment(&elsewhere))
        .await
        .expect("update");
    let (home, document, found) = store
        .document_with_named_target(&[org], created.id)
        .await
        .expect("one read");
    assert_eq!((document.version, &found), (2, &None));
    assert_eq!(home.latest_sha256, document.sha256);
    // A version without a prepared form, or with a form this build did not write, comes with
    // its text.
    let typed = CheckedDocument::assessment(
        &crate::support::CATALOG,
        &smm_core::parse_assessment(ASSESSMENT).expect("parses"),
    )
    .expect("checks");
    store
        .update_document("a", org, created.id, 2, &typed)
        .await
        .expect("a version without a form");
    let (_, document, found) = store
        .document_with_named_target(&[org], created.id)
        .await
        .expect("one read");
    assert_eq!((document.version, document.prepared.is_none()), (3, true));
    assert_eq!(
        document.body,
        store
            .document(org, created.id, None)
            .await
            .expect("v3")
            .body
    );
    assert!(
        found.as_ref().is_some_and(|t| t.body.is_empty()),
        "the target's form is read"
    );
    let mut foreign = b"smm\x00".to_vec();
    foreign.extend_from_slice(&[0; 64]);
    sqlx::query("UPDATE document_versions SET prepared = $1 WHERE document_id = $2")
        .bind(foreign)
        .bind(second.id.0)
        .execute(store.pool())
        .await
        .expect("a form of another build");
    // The form is sent as it is and the text left out: the reader checks the key, and reads
    // the version again whole for a form it cannot read.
    let (_, _, found) = store
        .document_with_named_target(&[org], created.id)
        .await
        .expect("one read");
    let found = found.expect("the target");
    assert!(found.body.is_empty(), "the text is left out");
    assert!(
        found
            .prepared
            .as_deref()
            .is_some_and(|form| form.starts_with(b"smm\x00")),
        "the other build's form"
    );
    assert!(!store
        .document(org, second.id, None)
        .await
        .expect("target")
        .body
        .is_empty());
    // A target is no assessment: it comes alone. Another organization finds nothing.
    let (home, alone, none) = store
        .document_with_named_target(&[org], first.id)
        .await
        .expect("a target");
    assert_eq!((alone.id, none), (first.id, None));
    assert_eq!(home.kind, DocumentKind::TargetProfile);
    let stranger = store
        .create_organization("b", "Stranger")
        .await
        .expect("organization");
    for orgs in [&[stranger][..], &[]] {
        assert!(matches!(
            store.document_with_named_target(orgs, created.id).await,
            Err(StoreError::NotFound(_))
        ));
    }
    // Among several organizations, the one that owns it; the target of that organization only.
    let (home, document, found) = store
        .document_with_named_target(&[stranger, org], created.id)
        .await
        .expect("one of them");
    assert_eq!((home.organization, document.id), (org, created.id));
    assert_eq!(found.map(|t| t.id), Some(second.id));
    // The same target text stored by the stranger, in a system of its own, is never the one
    // found for another organization's assessment.
    let theirs = store
        .create_system("b", stranger, "Theirs")
        .await
        .expect("system");
    store
        .create_document("b", stranger, theirs, &target(TARGET))
        .await
        .expect("their copy");
    let (_, _, found) = store
        .document_with_named_target(&[org, stranger], created.id)
        .await
        .expect("ours");
    assert_eq!(found.map(|t| t.id), Some(second.id));
}

on_both!(
    an_assessment_comes_with_the_target_it_names_on_both,
    an_assessment_comes_with_the_target_it_names
);

/// Loss scenarios are kept and versioned like targets and assessments, listed apart from them,
/// never turn into another kind, and change nothing that rolls up levels.
async fn loss_scenarios_are_a_third_kind_of_document(store: &Arc<Store>) {
    use smm_store::Page;
    let (org, sys) = organization_with_system(store, "a", "Org", "Line").await;
    store
        .create_document("a", org, sys, &target(TARGET))
        .await
        .expect("target");
    let stored_assessment = store
        .create_document("a", org, sys, &assessment(ASSESSMENT))
        .await
        .expect("assessment");
    let portfolio = store.portfolio(org).await.expect("portfolio");
    let checked = scenarios(SCENARIOS);
    let created = store
        .create_document("a", org, sys, &checked)
        .await
        .expect("scenarios");
    assert_eq!(created.kind, DocumentKind::RiskScenarios);
    let back = store.document(org, created.id, None).await.expect("read");
    assert_eq!(back.kind, DocumentKind::RiskScenarios);
    assert_eq!(back.body, SCENARIOS);
    assert_eq!(back.sha256, checked.digest());
    // A second version, and the latest of the kind is this document.
    let more = SCENARIOS.replacen("seed: 20260422", "seed: 7", 1);
    let v2 = store
        .update_document("a", org, created.id, 1, &scenarios(&more))
        .await
        .expect("version 2");
    assert_eq!(v2.version, 2);
    assert_eq!(
        store
            .latest_document(sys, DocumentKind::RiskScenarios)
            .await
            .expect("latest"),
        Some(created.id)
    );
    let listed = store
        .documents(sys, DocumentKind::RiskScenarios, Page::new(0, 50))
        .await
        .expect("list");
    assert_eq!(
        listed.iter().map(|d| d.id).collect::<Vec<_>>(),
        [created.id]
    );
    let assessments = store
        .documents(sys, DocumentKind::Assessment, Page::new(0, 50))
        .await
        .expect("list");
    assert_eq!(
        assessments.iter().map(|d| d.id).collect::<Vec<_>>(),
        [stored_assessment.id]
    );
    // Neither way round does a version change the kind.
    assert!(matches!(
        store
            .update_document("a", org, created.id, 2, &assessment(ASSESSMENT))
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        store
            .update_document("a", org, stored_assessment.id, 1, &checked)
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(store.portfolio(org).await.expect("portfolio"), portfolio);
}

on_both!(
    loss_scenarios_are_a_third_kind_of_document_on_both,
    loss_scenarios_are_a_third_kind_of_document
);

/// A database made before loss scenarios were a kind (migrations up to 0015) opens, keeps every
/// document and version, and then takes scenarios; foreign keys are enforced throughout, as the
/// store enforces them.
#[tokio::test]
async fn a_database_from_before_loss_scenarios_opens_with_its_documents() {
    use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
    use std::str::FromStr;
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("smm.db").display());
    let options = SqliteConnectOptions::from_str(&url)
        .expect("url")
        .create_if_missing(true)
        .foreign_keys(true);
    let pool = SqlitePoolOptions::new()
        .connect_with(options)
        .await
        .expect("pool");
    let mut before = sqlx::migrate::Migrator::new(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations/sqlite")
            .as_path(),
    )
    .await
    .expect("the migrations' files");
    before.migrations = before
        .migrations
        .iter()
        .filter(|m| m.version < 16)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    before.run(&pool).await.expect("the schema before 0016");
    for statement in [
        "INSERT INTO organizations (id, name, created_at) VALUES (1, 'Org', 'then')",
        "INSERT INTO systems (id, organization_id, name, created_at) VALUES (1, 1, 'Line', 'then')",
        "INSERT INTO documents (id, organization_id, system_id, kind, created_at, summary) \
         VALUES (7, 1, 1, 'TargetProfile', 'then', NULL)",
        "INSERT INTO document_versions (document_id, version, sha256, body, author, created_at) \
         VALUES (7, 1, 'aa', 'old text 1', 'o', 'then'), (7, 2, 'bb', 'old text 2', 'o', 'then')",
    ] {
        sqlx::query(statement)
            .execute(&pool)
            .await
            .expect(statement);
    }
    let refused = sqlx::query(
        "INSERT INTO documents (organization_id, system_id, kind, created_at) \
         VALUES (1, 1, 'RiskScenarios', 'then')",
    )
    .execute(&pool)
    .await;
    assert!(refused.is_err(), "the old schema refuses the kind");
    pool.close().await;

    let store = Store::open(&url).await.expect("opens and migrates");
    let org = smm_store::OrganizationId(1);
    let kept = store
        .document(org, DocumentId(7), None)
        .await
        .expect("kept");
    assert_eq!(kept.kind, DocumentKind::TargetProfile);
    assert_eq!((kept.version, kept.body.as_str()), (2, "old text 2"));
    assert_eq!(
        store
            .versions(org, DocumentId(7))
            .await
            .expect("versions")
            .len(),
        2
    );
    let added = store
        .create_document("o", org, smm_store::SystemId(1), &scenarios(SCENARIOS))
        .await
        .expect("scenarios");
    assert!(added.id.0 > 7, "ids go on after the kept ones");
    // Versions still need their document.
    let orphan = sqlx::query(
        "INSERT INTO document_versions (document_id, version, sha256, body, author, created_at) \
         VALUES (999, 1, 'cc', 'x', 'o', 'now')",
    )
    .execute(store.pool())
    .await;
    assert!(orphan.is_err(), "the foreign key holds after the migration");
}

on_both!(
    the_store_keeps_exactly_the_checked_text_digest_and_summary_on_both,
    the_store_keeps_exactly_the_checked_text_digest_and_summary
);
on_both!(
    documents_of_several_systems_on_both,
    documents_of_several_systems
);
on_both!(
    documents_round_trip_and_every_change_is_a_version_on_both,
    documents_round_trip_and_every_change_is_a_version
);
on_both!(
    a_stale_update_is_refused_and_nothing_is_lost_on_both,
    a_stale_update_is_refused_and_nothing_is_lost
);
on_both!(
    another_organization_sees_nothing_on_both,
    another_organization_sees_nothing
);
on_both!(
    evidence_is_content_addressed_and_checked_on_both,
    evidence_is_content_addressed_and_checked
);
on_both!(
    the_audit_log_chains_every_change_and_refuses_edits_on_both,
    the_audit_log_chains_every_change_and_refuses_edits
);
on_both!(
    concurrent_writers_keep_every_version_and_the_chain_on_both,
    concurrent_writers_keep_every_version_and_the_chain
);
on_both!(
    users_roles_and_tokens_keep_only_hashes_on_both,
    users_roles_and_tokens_keep_only_hashes
);

async fn grants_products_and_listings(store: &Arc<Store>) {
    use smm_store::{Page, SystemKind};
    let client = store.create_organization("a", "Client").await.expect("org");
    let lab = store.create_organization("a", "Lab").await.expect("org");
    let line = store
        .create_system_of_kind(
            "a",
            client,
            "GW-7",
            SystemKind::Product,
            Some("GW platform"),
        )
        .await
        .expect("product");
    let plant = store
        .create_system("a", client, "Plant")
        .await
        .expect("system");
    assert!(matches!(
        store
            .create_system_of_kind("a", client, "Pump", SystemKind::System, Some("line"))
            .await,
        Err(StoreError::Invalid(_))
    ));
    // Before a grant the lab sees nothing; after, exactly the granted system.
    let all = Page::new(0, 50);
    assert!(store
        .systems(lab, None, None, all)
        .await
        .expect("list")
        .is_empty());
    store
        .grant("owner", line, lab, Role::Assessor)
        .await
        .expect("grant");
    assert!(matches!(
        store.grant("owner", line, lab, Role::Owner).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        store.grant("owner", line, client, Role::Viewer).await,
        Err(StoreError::Invalid(_))
    ));
    let seen = store.systems(lab, None, None, all).await.expect("list");
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].line.as_deref(), Some("GW platform"));
    assert_eq!(
        store.grant_for(line, lab).await.expect("grant"),
        Some(Role::Assessor)
    );
    assert_eq!(store.grant_for(plant, lab).await.expect("grant"), None);
    assert_eq!(
        store.grants(line).await.expect("grants")[0].organization_name,
        "Lab"
    );
    // Filters and pages.
    let products = store
        .systems(client, Some(SystemKind::Product), None, all)
        .await
        .expect("list");
    assert_eq!(products.len(), 1);
    let named = store
        .systems(client, None, Some("pla"), all)
        .await
        .expect("list");
    assert_eq!(named[0].id, plant);
    let wild = store
        .systems(client, None, Some("%"), all)
        .await
        .expect("list");
    assert!(wild.is_empty(), "LIKE wildcards in a filter are literal");
    let first = store
        .systems(client, None, None, Page::new(0, 1))
        .await
        .expect("page");
    let second = store
        .systems(client, None, None, Page::new(first[0].id.0, 1))
        .await
        .expect("page");
    assert_ne!(first[0].id, second[0].id);
    store
        .revoke_grant("owner", line, lab)
        .await
        .expect("revoke");
    assert!(store
        .systems(lab, None, None, all)
        .await
        .expect("list")
        .is_empty());
    assert!(matches!(
        store.revoke_grant("owner", line, lab).await,
        Err(StoreError::NotFound(_))
    ));
    // Documents: listed with their latest version, found by digest, summarized.
    let target = store
        .create_document("a", client, plant, &target(TARGET))
        .await
        .expect("target");
    let assessment = store
        .create_document("a", client, plant, &assessment(ASSESSMENT))
        .await
        .expect("assessment");
    let listed = store
        .documents(plant, smm_store::DocumentKind::Assessment, all)
        .await
        .expect("documents");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].sha256, assessment.sha256);
    assert_eq!(
        store
            .document_by_digest(
                client,
                plant,
                smm_store::DocumentKind::TargetProfile,
                &target.sha256
            )
            .await
            .expect("lookup")
            .map(|d| (d.id, d.version, d.body == target.body)),
        Some((target.id, 1, true))
    );
    // Only in the organization's own systems.
    let other = store
        .create_organization("a", "Another")
        .await
        .expect("organization");
    assert_eq!(
        store
            .document_by_digest(
                other,
                plant,
                smm_store::DocumentKind::TargetProfile,
                &target.sha256
            )
            .await
            .expect("lookup"),
        None
    );
    let portfolio = store.portfolio(client).await.expect("portfolio");
    assert_eq!(portfolio.len(), 2);
    let row = portfolio
        .iter()
        .find(|r| r.system.id == plant)
        .expect("plant");
    let summary = row
        .assessment
        .as_ref()
        .and_then(|(_, s)| s.clone())
        .expect("summary");
    let levels = smm_store::summary::decode(&summary).expect("levels");
    assert_eq!(levels.len(), 18);
    assert!(row
        .target
        .as_ref()
        .is_some_and(|(id, s)| *id == target.id && s.is_some()));
    // The organization's own audit page holds its changes only, and the chain holds.
    let audit = store
        .audit_page(client, Page::new(0, 500))
        .await
        .expect("audit");
    assert!(audit.iter().all(|e| e.organization == Some(client.0)));
    assert!(audit.iter().any(|e| e.action == "grant.revoke"));
    let lab_audit = store.audit_page(lab, all).await.expect("audit");
    assert_eq!(lab_audit.len(), 1, "only its own creation: {lab_audit:?}");
    assert_eq!(lab_audit[0].action, "organization.create");
    assert!(store.verify_audit().await.expect("verify").intact());
}

async fn sessions_expire_and_login_attempts_count(store: &Arc<Store>) {
    let user = store
        .create_user("admin", "nadia", "velvet compass under harbor lights")
        .await
        .expect("user");
    let (secret, session) = store.create_session(user, 2_000).await.expect("session");
    assert_eq!(session.name, "nadia");
    assert_eq!(session.csrf_token.len(), 64);
    let found = store
        .session(&secret, 1_000)
        .await
        .expect("lookup")
        .expect("live");
    assert_eq!(found.csrf_token, session.csrf_token);
    assert!(
        store
            .session(&secret, 2_000)
            .await
            .expect("lookup")
            .is_none(),
        "expired"
    );
    assert!(store
        .session("not-a-session", 1_000)
        .await
        .expect("lookup")
        .is_none());
    // Only the hash of the secret is stored.
    let raw: Vec<String> = sqlx::query_scalar("SELECT id_hash FROM sessions")
        .fetch_all(store.pool())
        .await
        .expect("rows");
    assert!(!raw.contains(&secret));
    store.end_session(&secret, 1_000).await.expect("end");
    assert!(store
        .session(&secret, 1_000)
        .await
        .expect("lookup")
        .is_none());
    // Attempts count per name and per address within a window that starts with the first.
    let reserve = |name: &'static str, remote: &'static str, at: i64| {
        let store = store.clone();
        async move {
            let counts = store
                .reserve_login_attempt(name, remote, at, 100)
                .await
                .expect("reserve");
            (counts.by_name, counts.by_address)
        }
    };
    assert_eq!(reserve("nadia", "10.0.0.1", 100).await, (1, 1));
    assert_eq!(reserve("nadia", "10.0.0.1", 150).await, (2, 2));
    assert_eq!(reserve("other", "10.0.0.1", 160).await, (1, 3));
    // A refused attempt gives its reservation back.
    store
        .release_login_attempt("nadia", "10.0.0.1")
        .await
        .expect("release");
    assert_eq!(reserve("nadia", "10.0.0.9", 170).await, (2, 1));
    // A success resets the name and gives back the address's reservation.
    store
        .login_succeeded("nadia", "10.0.0.1", 0)
        .await
        .expect("success");
    assert_eq!(reserve("nadia", "10.0.0.1", 180).await, (1, 2));
    // Once its window has passed, a counter starts again at one; a younger one goes on.
    assert_eq!(reserve("other", "10.0.0.1", 200).await, (2, 1));
}

/// Concurrent reservations each get their own count: a check-then-record throttle let many
/// guesses read the same count under the limit.
async fn concurrent_login_attempts_each_get_their_own_count(store: &Arc<Store>) {
    let mut tasks = Vec::new();
    for _ in 0..40 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .reserve_login_attempt("target", "203.0.113.9", 1_000, 900)
                .await
                .expect("reserve")
        }));
    }
    let (mut by_name, mut by_address) = (Vec::new(), Vec::new());
    for task in tasks {
        let counts = task.await.expect("task");
        by_name.push(counts.by_name);
        by_address.push(counts.by_address);
    }
    by_name.sort_unstable();
    by_address.sort_unstable();
    assert_eq!(by_name, (1..=40).collect::<Vec<i64>>());
    assert_eq!(by_address, (1..=40).collect::<Vec<i64>>());
}

/// What the register keeps of a stored attestation whose envelope is a stand-in.
fn register_fields() -> smm_store::RegisterFields {
    smm_store::RegisterFields {
        issuer: "Lab".to_string(),
        product_line: None,
        products: vec![("GW".to_string(), "1.0".to_string())],
        issued: "2026-01-01".to_string(),
        valid_until: "2099-12-31".to_string(),
    }
}

async fn certificates_are_kept_and_revoked_once(store: &Arc<Store>) {
    let (org, system) = organization_with_system(store, "a", "Vendor", "GW").await;
    let lab = store
        .create_organization("admin", "Lab")
        .await
        .expect("lab");
    let fields = register_fields();
    let new = |serial: &'static str| smm_store::NewAttestation {
        organization: org,
        system,
        kind: "certificate",
        issuer: lab,
        keyid: "k1",
        serial,
        envelope: "{\"envelope\": true}",
        profile: "{\"practices\": []}",
        log_entry: serial,
        register: &fields,
    };
    let record = store
        .store_certificate("lab", &new("SMM-1"))
        .await
        .expect("store");
    assert_eq!(record.serial, "SMM-1");
    assert_eq!(record.issuer, Some(lab));
    let (again, envelope) = store.certificate(record.id).await.expect("get");
    assert_eq!(envelope, "{\"envelope\": true}");
    assert_eq!(again.revoked, None);
    assert_eq!(again.kind, "certificate");
    assert_eq!(again.keyid.as_deref(), Some("k1"));
    // A serial names one attestation.
    assert!(store.store_certificate("lab", &new("SMM-1")).await.is_err());
    let (by_serial, _, profile) = store
        .attestation_by_serial("SMM-1")
        .await
        .expect("query")
        .expect("found");
    assert_eq!(by_serial.id, record.id);
    assert_eq!(profile.as_deref(), Some("{\"practices\": []}"));
    assert!(store
        .attestation_by_serial("nope")
        .await
        .expect("query")
        .is_none());
    assert!(store.revocations_by(lab).await.expect("list").is_empty());
    assert_eq!(store.revocation_count(lab).await.expect("count"), 0);
    let revoked = store
        .revoke_certificate("lab", record.id, "withdrawn", "revoked SMM-1")
        .await
        .expect("revoke");
    assert_eq!(
        revoked.revoked.map(|(r, _)| r).as_deref(),
        Some("withdrawn")
    );
    assert!(matches!(
        store
            .revoke_certificate("lab", record.id, "again", "again")
            .await,
        Err(StoreError::Exists(_))
    ));
    assert_eq!(store.revocations_by(lab).await.expect("list")[0].0, "SMM-1");
    assert_eq!(store.revocation_count(lab).await.expect("count"), 1);
    assert!(store.revocations_by(org).await.expect("list").is_empty());
    assert_eq!(
        store
            .certificates(system, smm_store::Page::new(0, 10))
            .await
            .expect("list")
            .len(),
        1
    );
}

on_both!(
    grants_products_and_listings_on_both,
    grants_products_and_listings
);
on_both!(
    sessions_and_login_attempts_on_both,
    sessions_expire_and_login_attempts_count
);
on_both!(
    concurrent_login_attempts_on_both,
    concurrent_login_attempts_each_get_their_own_count
);
on_both!(certificates_on_both, certificates_are_kept_and_revoked_once);

async fn a_draft_save_based_on_an_old_revision_is_refused(store: &Arc<Store>) {
    let (org, sys) = organization_with_system(store, "claire", "Acme", "GW-7").await;
    let draft = store
        .create_draft("claire", org, sys, "step: background\n")
        .await
        .expect("draft");
    assert_eq!(draft.revision, 0);

    // Two saves read revision 0; the first lands, the second is refused and changes nothing.
    let first = store
        .save_draft(draft.id, "step: factors\n", Some(0))
        .await
        .expect("first save");
    assert_eq!(first, 1);
    match store.save_draft(draft.id, "step: goals\n", Some(0)).await {
        Err(StoreError::Conflict { current, expected }) => {
            assert_eq!((current, expected), (1, 0));
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    let kept = store.draft(draft.id).await.expect("draft");
    assert_eq!((kept.body.as_str(), kept.revision), ("step: factors\n", 1));

    // A save that names no revision always lands, and counts.
    let third = store
        .save_draft(draft.id, "step: goals\n", None)
        .await
        .expect("unconditional save");
    assert_eq!(third, 2);
    assert_eq!(
        store.draft(draft.id).await.expect("draft").body,
        "step: goals\n"
    );

    // An unknown draft is not found, with or without a revision.
    for based_on in [None, Some(0)] {
        assert!(matches!(
            store.save_draft(draft.id + 100, "x", based_on).await,
            Err(StoreError::NotFound(_))
        ));
    }
}

on_both!(
    drafts_on_both,
    a_draft_save_based_on_an_old_revision_is_refused
);

/// The bottling-line target with the enablement goal raised: a newer version with other levels.
fn raised_target() -> String {
    // The first level after the enablement goal's statement is the goal's own.
    let at = TARGET.find("\n  enablement:\n").unwrap_or(TARGET.len());
    let (before, after) = TARGET.split_at(at);
    let raised = before.to_string()
        + &after.replacen(
            "    comprehensiveness: 2\n",
            "    comprehensiveness: 3\n",
            1,
        );
    assert_ne!(
        raised, TARGET,
        "the example still has the enablement goal at 2"
    );
    raised
}

fn summary_of(document: &CheckedDocument) -> Option<String> {
    Some(document.summary().to_string())
}

async fn the_portfolio_measures_each_assessment_against_the_target_it_names(store: &Arc<Store>) {
    let client = store.create_organization("o", "Client").await.expect("org");
    let lab = store.create_organization("o", "Lab").await.expect("org");
    // A target updated after the assessment was made against its first version.
    let line = store
        .create_system("o", client, "line")
        .await
        .expect("system");
    let stored_target = store
        .create_document("o", client, line, &target(TARGET))
        .await
        .expect("target");
    let stored_assessment = store
        .create_document("o", client, line, &assessment(ASSESSMENT))
        .await
        .expect("assessment");
    store
        .update_document("o", client, stored_target.id, 1, &target(&raised_target()))
        .await
        .expect("newer target version");
    // A target of its own in a second document, newer still: not the one named either.
    store
        .create_document(
            "o",
            client,
            line,
            &target(&raised_target().replace("\"1.0\"", "\"2.0\"")),
        )
        .await
        .expect("another target");
    // An assessment whose target was never stored, and a system with a target only.
    let orphan = store
        .create_system("o", client, "orphan")
        .await
        .expect("system");
    let orphan_assessment = store
        .create_document("o", client, orphan, &assessment(ASSESSMENT))
        .await
        .expect("assessment");
    let planned = store
        .create_system("o", client, "planned")
        .await
        .expect("system");
    let planned_target = store
        .create_document("o", client, planned, &target(TARGET))
        .await
        .expect("target");

    let rows = store.portfolio(client).await.expect("portfolio");
    let ids: Vec<_> = rows.iter().map(|r| r.system.id).collect();
    assert_eq!(ids, [line, orphan, planned]);
    let named = summary_of(&target(TARGET));
    assert!(named.is_some() && named != summary_of(&target(&raised_target())));
    assert_eq!(rows[0].target, Some((stored_target.id, named)));
    assert_eq!(
        rows[0].assessment,
        Some((stored_assessment.id, summary_of(&assessment(ASSESSMENT))))
    );
    assert_eq!(rows[1].target, None, "no stored target has the digest");
    assert_eq!(
        rows[1].assessment.as_ref().map(|a| a.0),
        Some(orphan_assessment.id)
    );
    assert_eq!(
        rows[2].target,
        Some((planned_target.id, summary_of(&target(TARGET))))
    );
    assert_eq!(rows[2].assessment, None);
    assert!(rows.iter().all(|r| r.granted.is_none()));

    // A granted system joins the grantee's portfolio, with its owner and the role, until revoked.
    assert!(store.portfolio(lab).await.expect("portfolio").is_empty());
    store
        .grant("o", line, lab, Role::Viewer)
        .await
        .expect("grant");
    let rows = store.portfolio(lab).await.expect("portfolio");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].system.id, line);
    assert_eq!(
        rows[0].granted,
        Some(smm_store::GrantedSystem {
            owner_name: "Client".to_string(),
            role: Role::Viewer
        })
    );
    assert_eq!(rows[0].target.as_ref().map(|t| t.0), Some(stored_target.id));
    store.revoke_grant("o", line, lab).await.expect("revoke");
    assert!(store.portfolio(lab).await.expect("portfolio").is_empty());
}

on_both!(
    portfolio_on_both,
    the_portfolio_measures_each_assessment_against_the_target_it_names
);

/// Versions stored before their levels were kept beside them are listed, with their kind and
/// text, for whoever holds the catalog to check and fill in (the server does when it starts).
#[tokio::test]
async fn versions_stored_without_their_levels_can_be_filled_in() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("smm.db").display());
    let store = Store::open(&url).await.expect("store");
    let org = store.create_organization("o", "Client").await.expect("org");
    let line = store.create_system("o", org, "line").await.expect("system");
    let stored_target = store
        .create_document("o", org, line, &target(TARGET))
        .await
        .expect("target");
    store
        .create_document("o", org, line, &assessment(ASSESSMENT))
        .await
        .expect("assessment");
    let before = store.portfolio(org).await.expect("portfolio");
    assert_eq!(
        before[0].target.as_ref().map(|t| t.0),
        Some(stored_target.id)
    );
    let none = store
        .versions_to_fill((smm_store::DocumentId(0), 0), 10)
        .await
        .expect("list");
    assert!(none.is_empty(), "new versions keep their levels");

    sqlx::query("UPDATE document_versions SET summary = NULL, target_sha256 = NULL")
        .execute(store.pool())
        .await
        .expect("forget");
    // As such a store opens: its systems' standings are found from versions without levels.
    store.refresh_standings().await.expect("standings");
    assert_ne!(store.portfolio(org).await.expect("portfolio"), before);
    let missing = store
        .versions_to_fill((smm_store::DocumentId(0), 0), 10)
        .await
        .expect("list");
    assert_eq!(missing.len(), 2);
    for v in &missing {
        let checked = match v.kind {
            smm_store::DocumentKind::TargetProfile => target(&v.body),
            smm_store::DocumentKind::Assessment => assessment(&v.body),
            smm_store::DocumentKind::RiskScenarios => scenarios(&v.body),
        };
        store
            .fill_in_levels(
                v.document,
                v.version,
                &smm_store::VersionLevels::of(&checked),
            )
            .await
            .expect("fill in");
    }
    assert_eq!(store.portfolio(org).await.expect("portfolio"), before);
    // Paging: after the last one listed there is nothing left.
    let last = missing.last().expect("last");
    let rest = store
        .versions_to_fill((last.document, last.version), 10)
        .await
        .expect("list");
    assert!(rest.is_empty());
}

/// The transparency log: each attestation and revocation is appended once, in its own
/// transaction, concurrently or not; the stored hashes give the root and proofs of the entries
/// as recomputed from their data alone; and stored log rows cannot be changed.
async fn the_transparency_log_sequences_every_attestation_and_revocation_once(store: &Arc<Store>) {
    use smm_cert::tlog::merkle::{
        consistency_nodes, consistency_proof, inclusion_nodes, inclusion_proof, leaf_hash, root,
        root_nodes, verify_consistency, verify_inclusion,
    };
    use smm_cert::tlog::Levels;
    use smm_store::NewLogEntry;

    let (org, system) = organization_with_system(store, "a", "Vendor", "GW").await;
    let lab = store
        .create_organization("admin", "Lab")
        .await
        .expect("lab");
    assert_eq!(store.log_size().await.expect("size"), 0);
    let mut tasks = Vec::new();
    for n in 0..23 {
        let store = Arc::clone(store);
        tasks.push(tokio::spawn(async move {
            let serial = format!("TL-{n}");
            let entry = format!("{{\"attestation\":\"{serial}\"}}");
            let fields = register_fields();
            store
                .store_certificate(
                    "lab",
                    &smm_store::NewAttestation {
                        organization: org,
                        system,
                        kind: "certificate",
                        issuer: lab,
                        keyid: "k1",
                        serial: &serial,
                        envelope: "{}",
                        profile: "{}",
                        log_entry: &entry,
                        register: &fields,
                    },
                )
                .await
                .expect("store")
        }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(t.await.expect("task").id);
    }
    store
        .revoke_certificate("lab", ids[4], "key lost", "{\"revoked\":\"TL-4\"}")
        .await
        .expect("revoke");
    // A refused revocation (the second) appends nothing.
    assert!(store
        .revoke_certificate("lab", ids[4], "again", "{\"revoked\":\"again\"}")
        .await
        .is_err());
    let size = store.log_size().await.expect("size");
    assert_eq!(size, 24);
    let entries = store.log_entries(0, 100).await.expect("entries");
    assert_eq!(
        entries.iter().map(|e| e.index).collect::<Vec<_>>(),
        (0..24).collect::<Vec<_>>()
    );
    let mut serials: Vec<&str> = entries[..23].iter().map(|e| e.serial.as_str()).collect();
    serials.sort_unstable();
    serials.dedup();
    assert_eq!(serials.len(), 23, "each attestation once");
    assert_eq!(entries[23].kind, "revocation");
    let about = store.log_entries_for("TL-4").await.expect("for serial");
    assert_eq!(
        about.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(),
        ["attestation", "revocation"]
    );

    // Rebuilt from the entries' data alone, the tree has the same root and proofs.
    let mut rebuilt = Levels::new();
    for e in &entries {
        rebuilt.push(leaf_hash(e.data.as_bytes()));
    }
    for (index, size) in [(0, 24), (5, 24), (23, 24), (16, 17), (3, 5)] {
        let stored = store
            .log_hashes(&inclusion_nodes(index, size).expect("ids"))
            .await
            .expect("hashes");
        let proof = inclusion_proof(&stored, index, size).expect("proof");
        assert_eq!(
            proof,
            inclusion_proof(&rebuilt, index, size).expect("rebuilt")
        );
        let root = rebuilt.root(size).expect("root");
        let leaf = leaf_hash(entries[index as usize].data.as_bytes());
        verify_inclusion(&leaf, index, size, &proof, &root).expect("verifies");
    }
    let stored = store
        .log_hashes(&consistency_nodes(7, 24).expect("ids"))
        .await
        .expect("hashes");
    let proof = consistency_proof(&stored, 7, 24).expect("proof");
    verify_consistency(
        7,
        24,
        &rebuilt.root(7).expect("old"),
        &rebuilt.root(24).expect("new"),
        &proof,
    )
    .expect("consistent");

    // Bulk appends (batches of 1, 5 and 40 on top of the 24) hash exactly as single ones: every
    // root and proof equals the tree rebuilt from all the entries.
    let mut bulk = Vec::new();
    for (first, n) in [(24u64, 1usize), (25, 5), (30, 40)] {
        let data: Vec<String> = (0..n)
            .map(|i| format!("{{\"bulk\":{}}}", first as usize + i))
            .collect();
        let batch: Vec<NewLogEntry> = data
            .iter()
            .map(|d| NewLogEntry {
                kind: "attestation",
                serial: "bulk",
                data: d,
            })
            .collect();
        assert_eq!(store.append_log_entries(&batch).await.expect("bulk"), first);
        bulk.extend(data);
    }
    for d in &bulk {
        rebuilt.push(leaf_hash(d.as_bytes()));
    }
    assert_eq!(store.log_size().await.expect("size"), 70);
    for size in [25, 30, 31, 64, 70] {
        let stored = store.log_hashes(&root_nodes(size)).await.expect("hashes");
        assert_eq!(
            root(&stored, size).expect("root"),
            rebuilt.root(size).expect("rebuilt")
        );
        for index in [0, 23, 24, size - 1] {
            let stored = store
                .log_hashes(&inclusion_nodes(index, size).expect("ids"))
                .await
                .expect("hashes");
            assert_eq!(
                inclusion_proof(&stored, index, size).expect("proof"),
                inclusion_proof(&rebuilt, index, size).expect("rebuilt"),
                "proof of {index} in {size}"
            );
        }
    }

    // Checkpoints: one per size, the first kept.
    assert_eq!(store.latest_checkpoint().await.expect("latest"), None);
    assert_eq!(
        store.put_checkpoint(24, "first\n").await.expect("put"),
        "first\n"
    );
    assert_eq!(
        store.put_checkpoint(24, "second\n").await.expect("put"),
        "first\n"
    );
    assert_eq!(
        store.latest_checkpoint().await.expect("latest"),
        Some((24, "first\n".to_string()))
    );
    // The log's key: the first kept for its origin.
    let kept = store
        .put_log_key("smm.example/log", "aa", b"sealed-1")
        .await
        .expect("key");
    let again = store
        .put_log_key("smm.example/log", "bb", b"sealed-2")
        .await
        .expect("key");
    assert_eq!(kept, again);
    assert_eq!(kept, ("aa".to_string(), b"sealed-1".to_vec()));

    // Nothing in the log can be changed or removed, even with SQL.
    for sql in [
        "UPDATE tlog_entries SET data = 'rewritten' WHERE idx = 3",
        "DELETE FROM tlog_entries WHERE idx = 23",
        "UPDATE tlog_hashes SET hash = 'ff' WHERE level = 0 AND idx = 0",
        "DELETE FROM tlog_hashes WHERE level = 0 AND idx = 23",
        "DELETE FROM tlog_checkpoints WHERE size = 24",
    ] {
        assert!(
            sqlx::query(sql).execute(store.pool()).await.is_err(),
            "{sql} was allowed"
        );
    }
}

on_both!(
    transparency_log,
    the_transparency_log_sequences_every_attestation_and_revocation_once
);

/// The public register: attestations are found by the prefix of their vendor's, issuer's,
/// line's or product's name, whatever the case, with `%` and `_` as plain characters; newest
/// first, a page at a time; and each stands by one rule (revoked, expired, not yet valid,
/// superseded by a newer one of the same kind, issuer and product or line, else valid).
async fn the_register_finds_attestations_by_name_and_tells_how_each_stands(store: &Arc<Store>) {
    use smm_store::{RegisterFields, RegisterQuery, RegisterStatus};

    let (acme, gateway) = organization_with_system(store, "a", "ACME Sensors", "GW").await;
    let (other, meter) = organization_with_system(store, "b", "Zeta 100% Metering", "M").await;
    let lab = store
        .create_organization("admin", "TÜV Lab")
        .await
        .expect("lab");
    let fields = |product: &str, version: &str, line: Option<&str>, issuer: &str, until: &str| {
        RegisterFields {
            issuer: issuer.to_string(),
            product_line: line.map(str::to_string),
            products: vec![(product.to_string(), version.to_string())],
            issued: "2026-01-10".to_string(),
            valid_until: until.to_string(),
        }
    };
    let store_one = |org, system, kind: &'static str, issuer, serial: &'static str, f| {
        let store = Arc::clone(store);
        async move {
            store
                .store_certificate(
                    "t",
                    &smm_store::NewAttestation {
                        organization: org,
                        system,
                        kind,
                        issuer,
                        keyid: "k",
                        serial,
                        envelope: "{}",
                        profile: "{}",
                        log_entry: serial,
                        register: &f,
                    },
                )
                .await
                .expect("store")
        }
    };
    let old = store_one(
        acme,
        gateway,
        "certificate",
        lab,
        "S1",
        fields("Gateway G1", "1.0", None, "TÜV Lab", "2027-12-31"),
    )
    .await;
    let declared = store_one(
        acme,
        gateway,
        "declaration",
        acme,
        "S2",
        fields("Gateway G1", "1.0", None, "ACME Sensors", "2027-12-31"),
    )
    .await;
    let newer = store_one(
        acme,
        gateway,
        "certificate",
        lab,
        "S3",
        fields("gateway g1", "2.0", None, "TÜV Lab", "2028-12-31"),
    )
    .await;
    let expired = store_one(
        other,
        meter,
        "certificate",
        lab,
        "S4",
        fields("Meter_X", "3", Some("Meters"), "TÜV Lab", "2026-06-30"),
    )
    .await;
    let lined = store_one(
        other,
        meter,
        "declaration",
        other,
        "S5",
        fields(
            "Meter_Y",
            "1",
            Some("Meters"),
            "Zeta 100% Metering",
            "2027-12-31",
        ),
    )
    .await;
    let today = "2026-12-06";
    // Every search gives the same answer whatever the window its first step walks: windows
    // of 1 to 6 entries cross these five attestations at every place.
    let search = |query: RegisterQuery| {
        let store = Arc::clone(store);
        async move {
            let query = RegisterQuery { limit: 50, ..query };
            let found = store
                .register_search(&query, today)
                .await
                .expect("search")
                .into_iter()
                .map(|e| (e.serial, e.status))
                .collect::<Vec<_>>();
            for (window, max_keys) in (1..=6).flat_map(|w| [(w, 0), (w, 1), (w, 16)]) {
                for limit in 1..=3 {
                    let query = RegisterQuery {
                        limit,
                        ..query.clone()
                    };
                    let walked = store
                        .register_search_walking(&query, today, window, max_keys)
                        .await
                        .expect("search")
                        .into_iter()
                        .map(|e| (e.serial, e.status))
                        .collect::<Vec<_>>();
                    assert_eq!(
                        walked,
                        found[..found.len().min(limit as usize)],
                        "{query:?} walking {window}, at most {max_keys} names"
                    );
                }
            }
            found
        }
    };
    use RegisterStatus::*;
    // Everything, newest first, each with its standing.
    assert_eq!(
        search(RegisterQuery::default()).await,
        [
            ("S5".to_string(), Valid),
            ("S4".to_string(), Expired),
            ("S3".to_string(), Valid),
            ("S2".to_string(), Valid),
            ("S1".to_string(), Superseded),
        ]
    );
    let serials = |found: Vec<(String, RegisterStatus)>| {
        found.into_iter().map(|(s, _)| s).collect::<Vec<_>>()
    };
    let by =
        |vendor: Option<&str>, product: Option<&str>, line: Option<&str>, issuer: Option<&str>| {
            RegisterQuery {
                vendor: vendor.map(str::to_string),
                product: product.map(str::to_string),
                line: line.map(str::to_string),
                issuer: issuer.map(str::to_string),
                ..RegisterQuery::default()
            }
        };
    // Prefixes, in any case, Unicode included.
    assert_eq!(
        serials(search(by(Some("acme"), None, None, None)).await),
        ["S3", "S2", "S1"]
    );
    assert_eq!(
        serials(search(by(None, Some("GATEWAY"), None, None)).await),
        ["S3", "S2", "S1"]
    );
    assert_eq!(
        serials(search(by(None, None, Some("met"), None)).await),
        ["S5", "S4"]
    );
    assert_eq!(
        serials(search(by(None, None, None, Some("tüv"))).await),
        ["S4", "S3", "S1"]
    );
    // An empty prefix matches every name: several names to walk, one after the other.
    for every in [
        by(Some(""), None, None, None),
        by(None, None, None, Some("")),
        by(Some(""), None, None, Some("")),
    ] {
        assert_eq!(serials(search(every).await), ["S5", "S4", "S3", "S2", "S1"]);
    }
    // Not a substring search: a name's middle does not match.
    assert!(search(by(Some("sensors"), None, None, None))
        .await
        .is_empty());
    // Combined: every filter must hold.
    assert_eq!(
        serials(search(by(Some("acme"), Some("gate"), None, Some("tüv"))).await),
        ["S3", "S1"]
    );
    // `%` and `_` are characters, not wildcards.
    assert!(search(by(Some("%"), None, None, None)).await.is_empty());
    assert!(search(by(None, Some("_"), None, None)).await.is_empty());
    assert!(search(by(None, Some("meter%"), None, None))
        .await
        .is_empty());
    assert_eq!(
        serials(search(by(None, Some("meter_"), None, None)).await),
        ["S5", "S4"]
    );
    assert_eq!(
        serials(search(by(Some("zeta 100%"), None, None, None)).await),
        ["S5", "S4"]
    );
    // Kind and status filters follow the same rule as the status shown.
    let kind = |k: &str| RegisterQuery {
        kind: Some(k.to_string()),
        ..RegisterQuery::default()
    };
    assert_eq!(serials(search(kind("declaration")).await), ["S5", "S2"]);
    for (status, expected) in [
        (Valid, vec!["S5", "S3", "S2"]),
        (Expired, vec!["S4"]),
        (Superseded, vec!["S1"]),
        (Revoked, vec![]),
        (NotYetValid, vec![]),
    ] {
        let query = RegisterQuery {
            status: Some(status),
            ..RegisterQuery::default()
        };
        assert_eq!(serials(search(query).await), expected, "{status:?}");
    }
    // Pages: keyset, newest first, no overlap.
    let page = |before| RegisterQuery {
        before,
        limit: 2,
        ..RegisterQuery::default()
    };
    let first = store
        .register_search(&page(None), today)
        .await
        .expect("page");
    assert_eq!(
        first.iter().map(|e| e.serial.as_str()).collect::<Vec<_>>(),
        ["S5", "S4"]
    );
    let second = store
        .register_search(&page(Some(first[1].id)), today)
        .await
        .expect("page");
    assert_eq!(
        second.iter().map(|e| e.serial.as_str()).collect::<Vec<_>>(),
        ["S3", "S2"]
    );
    // Pages of a search by name, one entry each, with a window of one: the second step
    // continues from each page's start, and the pages join up to the whole answer.
    for (window, max_keys) in [(1, 0), (1, 16), (2, 16), (50, 16)] {
        let mut before = None;
        let mut walked = Vec::new();
        loop {
            let query = RegisterQuery {
                before,
                limit: 1,
                ..by(None, None, None, Some("tüv"))
            };
            let found = store
                .register_search_walking(&query, today, window, max_keys)
                .await
                .expect("page");
            let Some(last) = found.last() else { break };
            before = Some(last.id);
            walked.extend(found.into_iter().map(|e| e.serial));
        }
        assert_eq!(
            walked,
            ["S4", "S3", "S1"],
            "walking {window}, {max_keys} names"
        );
    }
    assert_eq!(
        store.register_position("S4").await.expect("position"),
        Some(first[1].id)
    );
    assert_eq!(
        store.register_position("nope").await.expect("position"),
        None
    );
    // The entry says what supersedes it and carries what the register shows.
    let entry = store
        .register_entry("S1", today)
        .await
        .expect("entry")
        .expect("S1");
    assert_eq!(entry.superseded_by.as_deref(), Some("S3"));
    assert_eq!(entry.vendor, "ACME Sensors");
    assert_eq!(
        entry.products,
        [("Gateway G1".to_string(), "1.0".to_string())]
    );
    // Revoking the newer one brings the older one back: only a standing attestation supersedes.
    store
        .revoke_certificate("lab", newer.id, "withdrawn", "{}")
        .await
        .expect("revoke");
    let now = search(RegisterQuery::default()).await;
    assert!(now.contains(&("S3".to_string(), Revoked)), "{now:?}");
    assert!(now.contains(&("S1".to_string(), Valid)), "{now:?}");
    let revoked = store
        .register_revocations(&by(Some("acme"), None, None, None).with_limit(10), today)
        .await
        .expect("revocations");
    assert_eq!(
        revoked
            .iter()
            .map(|e| e.serial.as_str())
            .collect::<Vec<_>>(),
        ["S3"]
    );
    assert!(revoked[0].revoked_at.is_some());
    // A declaration is never superseded by a certificate (nor by another line's attestation).
    assert_eq!(
        store
            .register_entry("S2", today)
            .await
            .expect("e")
            .expect("S2")
            .status,
        Valid
    );
    let _ = (old, declared, expired, lined);
}
on_both!(
    register_on_both,
    the_register_finds_attestations_by_name_and_tells_how_each_stands
);

/// The store's PostgreSQL connections never start parallel workers: every statement is a lookup
/// of a few rows, and starting workers costs more than the query (docs/performance.md). Each
/// pooled connection carries the setting, the first and those opened later alike.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_connections_plan_no_parallel_workers() {
    let Some(store) = postgres().await else {
        return;
    };
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut conn = store.pool().acquire().await.expect("connection");
        let workers: String = sqlx::query_scalar("SHOW max_parallel_workers_per_gather")
            .fetch_one(&mut *conn)
            .await
            .expect("show");
        assert_eq!(workers, "0");
        held.push(conn);
    }
}
