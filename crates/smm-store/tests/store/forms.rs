//! Versions without a prepared form this release reads are found, newest first, and given one;
//! nothing else about them changes. On SQLite and on PostgreSQL.

use std::sync::Arc;

use smm_core::document::prepared;
use smm_core::{parse_assessment, parse_target, Assessment, CheckedDocument, TargetProfile};
use smm_store::{DocumentId, DocumentKind, FormsCursor, PreparedForm, Store, StoreError};

use crate::support::{
    assessment, organization_with_system, postgres, scenarios, sqlite, target, ASSESSMENT, CATALOG,
    SCENARIOS, TARGET,
};

on_both!(
    versions_without_a_readable_form_are_found_and_given_one,
    forms_are_found_and_kept
);

/// Sets a version's form to `form` (`None`: no form) without its key in the row, as a release
/// before migration 0022 stored it.
async fn set_form(store: &Store, document: DocumentId, version: i64, form: Option<&[u8]>) {
    sqlx::query(
        "UPDATE document_versions SET prepared = $1, prepared_key = NULL \
         WHERE document_id = $2 AND version = $3",
    )
    .bind(form)
    .bind(document.0)
    .bind(version)
    .execute(store.pool())
    .await
    .expect("set the form");
}

/// Each version's key as kept in its row.
async fn keys(store: &Store) -> std::collections::HashMap<(i64, i64), Option<Vec<u8>>> {
    use sqlx::Row;
    sqlx::query("SELECT document_id, version, prepared_key FROM document_versions")
        .fetch_all(store.pool())
        .await
        .expect("keys")
        .iter()
        .map(|r| ((r.get(0), r.get(1)), r.get::<Option<Vec<u8>>, _>(2)))
        .collect()
}

/// A stored version: document, version, digest, levels and form.
type Version = (i64, i64, String, Option<String>, Option<Vec<u8>>);

/// Every stored version, in order.
async fn versions(store: &Store) -> Vec<Version> {
    use sqlx::Row;
    sqlx::query(
        "SELECT document_id, version, sha256, summary, prepared FROM document_versions \
         ORDER BY document_id, version",
    )
    .fetch_all(store.pool())
    .await
    .expect("versions")
    .iter()
    .map(|r| {
        (
            r.get(0),
            r.get(1),
            r.get(2),
            r.get(3),
            r.get::<Option<Vec<u8>>, _>(4),
        )
    })
    .collect()
}

async fn forms_are_found_and_kept(store: &Arc<Store>) {
    let (org, line) = organization_with_system(store, "o", "Client", "line").await;
    let first = store
        .create_document("o", org, line, &target(TARGET))
        .await
        .expect("target");
    let second_text = TARGET.replacen("version: \"1.0\"", "version: \"1.1\"", 1);
    let second = store
        .update_document("o", org, first.id, 1, &target(&second_text))
        .await
        .expect("target v2");
    let assessed = store
        .create_document("o", org, line, &assessment(ASSESSMENT))
        .await
        .expect("assessment");
    // Saved from the web editor: built as values, stored without a form.
    let values = parse_assessment(ASSESSMENT).expect("parses");
    let edited = store
        .create_document(
            "o",
            org,
            line,
            &CheckedDocument::assessment(&CATALOG, &values).expect("checks"),
        )
        .await
        .expect("edited");
    assert!(edited.prepared.is_none());
    // Loss scenarios have no form, and are never listed.
    store
        .create_document("o", org, line, &scenarios(SCENARIOS))
        .await
        .expect("scenarios");

    let none_missing = store
        .versions_to_prepare(FormsCursor::START, 10)
        .await
        .expect("list");
    assert_eq!(
        none_missing
            .iter()
            .map(|v| (v.document, v.version))
            .collect::<Vec<_>>(),
        vec![(edited.id, 1)],
        "only the editor's version lacks a form"
    );

    // An older release's form (another key), a damaged one shorter than a key, and a current
    // one, all three stored without their key in the row.
    let mut foreign = prepared::prepare(&parse_target(TARGET).expect("parses"));
    foreign[4] ^= 0xff;
    set_form(store, first.id, 1, Some(&foreign)).await;
    set_form(store, assessed.id, 1, Some(b"smm")).await;
    let current = second.prepared.clone().expect("a form");
    set_form(store, second.id, 2, Some(&current)).await;
    let before = versions(store).await;
    let audit_before = store.audit_entries().await.expect("audit").len();
    let portfolio_before = store.portfolio(org).await.expect("portfolio");

    let found = store
        .versions_to_prepare(FormsCursor::START, 10)
        .await
        .expect("list");
    let listed: Vec<(DocumentId, i64, DocumentKind)> = found
        .iter()
        .map(|v| (v.document, v.version, v.kind))
        .collect();
    assert_eq!(
        listed,
        vec![
            (edited.id, 1, DocumentKind::Assessment),
            (assessed.id, 1, DocumentKind::Assessment),
            (first.id, 1, DocumentKind::TargetProfile),
        ],
        "newest document first, and the target's current second version is not listed"
    );
    assert_eq!(found[2].body, TARGET, "the text comes as stored");

    // One at a time, the cursor walks the same versions and then ends.
    let mut cursor = FormsCursor::START;
    let mut walked = Vec::new();
    loop {
        let page = store.versions_to_prepare(cursor, 1).await.expect("page");
        let Some(v) = page.last() else { break };
        cursor = FormsCursor {
            document: v.document,
            version: v.version,
        };
        walked.push((v.document, v.version, v.kind));
    }
    assert_eq!(walked, listed);

    // The keys are copied from the forms into the rows, one version at a time here, newest
    // first; the same versions are listed afterwards, now from the rows alone.
    let mut cursor = FormsCursor::START;
    let mut filled = Vec::new();
    while let Some(next) = store
        .fill_in_prepared_keys(cursor, 1)
        .await
        .expect("fill in")
    {
        assert_eq!(next.1, 1);
        filled.push((next.0.document, next.0.version));
        cursor = next.0;
    }
    assert_eq!(
        filled,
        vec![(assessed.id, 1), (second.id, 2), (first.id, 1)],
        "every form without its key in the row, and only those"
    );
    let keys = keys(store).await;
    assert_eq!(keys[&(first.id.0, 1)].as_deref(), Some(&foreign[..12]));
    assert_eq!(keys[&(assessed.id.0, 1)].as_deref(), Some(&b"smm"[..]));
    assert_eq!(
        keys[&(second.id.0, 2)].as_deref(),
        Some(&prepared::key()[..])
    );
    assert_eq!(keys[&(edited.id.0, 1)], None);
    let again: Vec<_> = store
        .versions_to_prepare(FormsCursor::START, 10)
        .await
        .expect("list")
        .iter()
        .map(|v| (v.document, v.version, v.kind))
        .collect();
    assert_eq!(again, listed);

    // A form of another key is refused, and nothing is written.
    let forms: Vec<PreparedForm> = found
        .iter()
        .map(|v| PreparedForm {
            document: v.document,
            version: v.version,
            form: match v.kind {
                DocumentKind::TargetProfile => {
                    prepared::prepare(&parse_target(&v.body).expect("parses"))
                }
                _ => prepared::prepare(&parse_assessment(&v.body).expect("parses")),
            },
        })
        .collect();
    let mut with_foreign = forms.clone();
    with_foreign[1].form = foreign.clone();
    assert!(matches!(
        store.keep_prepared(&with_foreign).await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(versions(store).await, before);

    assert_eq!(store.keep_prepared(&forms).await.expect("keep"), 3);
    let keys = self::keys(store).await;
    assert!(
        keys.values()
            .all(|k| k.as_deref() == Some(&prepared::key()[..]) || k.is_none()),
        "every form written keeps its key: {keys:?}"
    );
    // A second pass with the same forms finds them kept: nothing is written twice.
    assert_eq!(store.keep_prepared(&forms).await.expect("again"), 0);
    assert!(store
        .versions_to_prepare(FormsCursor::START, 10)
        .await
        .expect("list")
        .is_empty());

    // Each form reads back as the text parses; only the forms changed.
    let after = versions(store).await;
    let read = |document: DocumentId, version: i64| {
        after
            .iter()
            .find(|v| v.0 == document.0 && v.1 == version)
            .and_then(|v| v.4.clone())
            .expect("a form")
    };
    let without_forms = |all: &[Version]| -> Vec<_> {
        all.iter()
            .map(|(d, v, sha256, summary, _)| (*d, *v, sha256.clone(), summary.clone()))
            .collect()
    };
    assert_eq!(without_forms(&after), without_forms(&before));
    assert_eq!(
        read(second.id, 2),
        before[1].4.clone().expect("a form"),
        "a current form is left as it was"
    );
    assert_eq!(
        prepared::read::<TargetProfile>(&read(first.id, 1)),
        Some(parse_target(TARGET).expect("parses"))
    );
    for id in [assessed.id, edited.id] {
        let stored = store.document(org, id, Some(1)).await.expect("stored");
        assert_eq!(
            prepared::read::<Assessment>(&read(id, 1)),
            Some(parse_assessment(&stored.body).expect("parses"))
        );
    }
    assert_eq!(
        store.audit_entries().await.expect("audit").len(),
        audit_before,
        "nothing anyone wrote changed, so nothing is audited"
    );
    assert_eq!(
        store.portfolio(org).await.expect("portfolio"),
        portfolio_before
    );

    // The indexes are rebuilt on PostgreSQL (SQLite updates rows in place), and every read
    // goes on as before.
    assert_eq!(
        store.reindex_versions().await.expect("reindex"),
        store.backend() == smm_store::Backend::Postgres
    );
    assert_eq!(versions(store).await, after);
    assert_eq!(
        store.portfolio(org).await.expect("portfolio"),
        portfolio_before
    );
    assert_eq!(store.count_versions().await.expect("count"), 5);
}
