//! `smm admin prepare-forms`, run as the real binary on a store whose versions lack forms this
//! release reads (stored before forms, by an older release, or from the web editor).
//!
//! Every such version gets the form its text parses to and nothing else about it changes; a
//! text this release does not parse is named and makes the command exit 1; a dry run writes
//! nothing; and two passes run at once while documents keep being stored write each form once,
//! lose no write and fail nothing. On SQLite and on PostgreSQL.

use std::process::Output;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde_json::Value;
use smm_core::document::prepared;
use smm_core::{parse_assessment, parse_target, Assessment, Catalog, CheckedDocument, CheckedKind};
use smm_store::{DocumentKind, OrganizationId, Store, SystemId};
use sqlx::Row;

use crate::server::{
    assessment, bootstrap, client, post_document, serve_args, sign_in, smm, sqlite_data, strs,
    system, token, Server, ASSESSMENT, TARGET,
};
use crate::support::{assert_output_schema, fresh_postgres_database};

/// Assessments stored before a pass.
const ASSESSMENTS: usize = 40;
/// Assessments stored before two passes run at once: enough batches that they overlap.
const RACED_ASSESSMENTS: usize = 400;

/// A text an older release stored that this one refuses (a field it does not know).
fn unparsed() -> String {
    format!("{}no_such_field: true\n", assessment("2024.1"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_versions_get_the_forms_their_texts_parse_to() {
    let (_dir, data, url) = sqlite_data();
    std::fs::create_dir_all(&data).expect("data dir");
    the_forms_their_texts_parse_to(&url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_versions_get_the_forms_their_texts_parse_to() {
    let Some((_, url)) = fresh_postgres_database().await else {
        return;
    };
    the_forms_their_texts_parse_to(&url).await;
}

/// A server that reads a version whose form an older release wrote answers as before, and says
/// once in its log what the operator should run; after the run, every form is current.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_meets_an_older_form_says_once_what_to_run() {
    let (_dir, data, url) = sqlite_data();
    bootstrap(&url);
    let mut server = Server::start(&strs(&serve_args(&data, &url)), &[]);
    let http = client();
    let session = sign_in(&http, &server).await;
    let token = token(&http, &server, &session, "editor").await;
    let system = system(&http, &server, &token, session.organization, "BL-2").await;
    for (collection, text) in [("targets", TARGET), ("assessments", ASSESSMENT)] {
        let response = post_document(&http, &server, &token, system, collection, text.to_string())
            .await
            .expect("POST");
        assert_eq!(response.status(), 201, "store {collection}");
    }
    let assessment: i64 = {
        let store = Store::open(&url).await.expect("store");
        let mut older = prepared::prepare(&parse_target(TARGET).expect("parses"));
        older[3] = older[3].wrapping_add(1);
        sqlx::query("UPDATE document_versions SET prepared = $1, prepared_key = $2")
            .bind(&older)
            .bind(&older[..prepared::key().len()])
            .execute(store.pool())
            .await
            .expect("older forms");
        let id = sqlx::query("SELECT max(document_id) FROM document_versions")
            .fetch_one(store.pool())
            .await
            .expect("id")
            .get(0);
        store.close().await;
        id
    };
    let gap = || async {
        let response = http
            .get(server.url(&format!("/api/documents/{assessment}/gap")))
            .bearer_auth(&token)
            .send()
            .await
            .expect("GET gap");
        assert_eq!(response.status(), 200, "the gap reads the versions' texts");
    };
    gap().await;
    // A roadmap reads both versions again, both unreadable forms again.
    let roadmap = || async {
        let response = http
            .get(server.url(&format!("/api/documents/{assessment}/roadmap")))
            .bearer_auth(&token)
            .send()
            .await
            .expect("GET roadmap");
        assert_eq!(response.status(), 200);
        response.json::<Value>().await.expect("roadmap JSON")
    };
    let planned = roadmap().await;
    let hint = "run `smm admin prepare-forms`";
    server
        .log_lines(1, |l| l.contains(hint), std::time::Duration::from_secs(5))
        .await;
    let log = server.log();
    assert_eq!(log.matches(hint).count(), 1, "said once: {log}");

    let (out, report) = prepare_forms(&url, &[]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(report["found"], 2);
    let store = Store::open(&url).await.expect("store");
    assert_every_form_current(&store, None).await;
    store.close().await;
    assert_eq!(
        roadmap().await,
        planned,
        "the same answer from the new forms"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_two_passes_beside_writers_write_each_form_once() {
    let (_dir, data, url) = sqlite_data();
    std::fs::create_dir_all(&data).expect("data dir");
    two_passes_beside_writers(&url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_two_passes_beside_writers_write_each_form_once() {
    let Some((_, url)) = fresh_postgres_database().await else {
        return;
    };
    two_passes_beside_writers(&url).await;
}

/// A store with a target and `assessments` assessments of it in one system: the store, the
/// organization and the system.
async fn seeded(url: &str, assessments: usize) -> (Store, OrganizationId, SystemId) {
    let catalog = Catalog::builtin();
    let store = Store::open(url).await.expect("store");
    let org = store
        .create_organization("test", "Maker")
        .await
        .expect("org");
    let line = store
        .create_system("test", org, "line")
        .await
        .expect("system");
    let target = CheckedDocument::check(&catalog, CheckedKind::TargetProfile, TARGET).expect("ok");
    store
        .create_document("test", org, line, &target)
        .await
        .expect("target");
    for i in 0..assessments {
        let text = assessment(&format!("2025.{i}"));
        let checked = CheckedDocument::check(&catalog, CheckedKind::Assessment, text).expect("ok");
        store
            .create_document("test", org, line, &checked)
            .await
            .expect("assessment");
    }
    (store, org, line)
}

/// Leaves the versions as releases before this one left them, by document: an older release's
/// form with its key in the row (0), the same without it (1, stored before migration 0022), no
/// form (2), and this release's form without its key in the row (3: current, not to be
/// prepared again). Answers how many versions lack a form this release reads.
async fn forget_forms(store: &Store) -> u64 {
    let mut older = prepared::prepare(&parse_target(TARGET).expect("parses"));
    older[3] = older[3].wrapping_add(1);
    let older_key = older[..prepared::key().len()].to_vec();
    for (sql, form, key) in [
        ("WHERE document_id % 4 = 0", Some(&older), Some(&older_key)),
        ("WHERE document_id % 4 = 1", Some(&older), None),
        ("WHERE document_id % 4 = 2", None, None),
    ] {
        sqlx::query(&format!(
            "UPDATE document_versions SET prepared = $1, prepared_key = $2 {sql}"
        ))
        .bind(form)
        .bind(key)
        .execute(store.pool())
        .await
        .expect("older forms");
    }
    sqlx::query("UPDATE document_versions SET prepared_key = NULL WHERE document_id % 4 = 3")
        .execute(store.pool())
        .await
        .expect("current forms without their key");
    let stale: i64 =
        sqlx::query("SELECT count(*) FROM document_versions WHERE document_id % 4 <> 3")
            .fetch_one(store.pool())
            .await
            .expect("count")
            .get(0);
    stale as u64
}

/// How many versions keep no key in their row.
async fn without_keys(store: &Store) -> i64 {
    sqlx::query("SELECT count(*) FROM document_versions WHERE prepared_key IS NULL")
        .fetch_one(store.pool())
        .await
        .expect("count")
        .get(0)
}

/// A stored version: (document, version, kind, digest, text, form, the form's key in its row).
type Version = (
    i64,
    i64,
    String,
    String,
    String,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
);

/// Every stored version, in order.
async fn versions(store: &Store) -> Vec<Version> {
    sqlx::query(
        "SELECT v.document_id, v.version, d.kind, v.sha256, v.body, v.prepared, v.prepared_key \
         FROM document_versions v JOIN documents d ON d.id = v.document_id \
         ORDER BY v.document_id, v.version",
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
            r.get(4),
            r.get::<Option<Vec<u8>>, _>(5),
            r.get::<Option<Vec<u8>>, _>(6),
        )
    })
    .collect()
}

/// Fails unless every version with a text that parses has the form it parses to.
async fn assert_every_form_current(store: &Store, except: Option<i64>) {
    for (document, version, kind, _, body, form, key) in versions(store).await {
        if Some(document) == except {
            assert!(
                form.and_then(|f| prepared::read::<Assessment>(&f))
                    .is_none(),
                "a text that does not parse is given no form"
            );
            continue;
        }
        assert_eq!(
            key.as_deref(),
            Some(&prepared::key()[..]),
            "document {document}"
        );
        let form = form.unwrap_or_else(|| panic!("document {document} v{version} has no form"));
        match kind.parse::<DocumentKind>().expect("kind") {
            DocumentKind::TargetProfile => assert_eq!(
                prepared::read(&form),
                Some(parse_target(&body).expect("parses")),
                "document {document}"
            ),
            _ => assert_eq!(
                prepared::read::<Assessment>(&form),
                Some(parse_assessment(&body).expect("parses")),
                "document {document}"
            ),
        }
    }
}

fn prepare_forms(url: &str, extra: &[&str]) -> (Output, Value) {
    let out = smm()
        .args(["admin", "prepare-forms", "--database-url", url, "--json"])
        .args(extra)
        .output()
        .expect("run smm admin prepare-forms");
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("JSON from prepare-forms ({e}): {out:?}"));
    assert_output_schema("prepared-forms", &json);
    (out, json)
}

async fn the_forms_their_texts_parse_to(url: &str) {
    let (store, _, _) = seeded(url, ASSESSMENTS).await;
    let stale = forget_forms(&store).await;
    // One stored text this release refuses: it is named, keeps no form, and fails the run.
    let last: i64 = sqlx::query("SELECT max(document_id) FROM document_versions")
        .fetch_one(store.pool())
        .await
        .expect("last")
        .get(0);
    sqlx::query(
        "UPDATE document_versions SET body = $1, prepared = NULL, prepared_key = NULL \
         WHERE document_id = $2",
    )
    .bind(unparsed())
    .bind(last)
    .execute(store.pool())
    .await
    .expect("an old text");
    let stale = stale + u64::from(last % 4 == 3);
    let keyless: i64 = sqlx::query(
        "SELECT count(*) FROM document_versions WHERE prepared_key IS NULL AND prepared IS NOT NULL",
    )
    .fetch_one(store.pool())
    .await
    .expect("count")
    .get(0);
    let before = versions(&store).await;

    // A dry run finds and parses, and writes nothing.
    let (out, dry) = prepare_forms(url, &["--dry-run"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["found"], stale);
    assert!(
        stale < ASSESSMENTS as u64,
        "current forms without their key are not counted"
    );
    assert_eq!(versions(&store).await, before, "a dry run writes nothing");

    let (out, report) = prepare_forms(url, &[]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(report["kind"], "PreparedForms");
    assert_eq!(report["found"], stale);
    assert_eq!(report["targets"], 1);
    assert_eq!(report["assessments"], stale - 2);
    assert_eq!(report["raced"], 0);
    assert_eq!(report["keys_copied"], keyless);
    assert_eq!(dry["keys_copied"], 0, "a dry run copies no key");
    // Every version was rewritten: on PostgreSQL the indexes are rebuilt.
    let postgres = url.starts_with("postgres");
    assert_eq!(report["reindexed"], postgres);
    assert_eq!(dry["reindexed"], false);
    assert_eq!(report["unparsed_count"], 1);
    assert_eq!(report["unparsed"][0]["document"], last);
    assert_eq!(report["unparsed"][0]["version"], 1);
    let problem = report["unparsed"][0]["problem"].as_str().expect("problem");
    assert!(problem.contains("no_such_field"), "{problem}");
    assert_every_form_current(&store, Some(last)).await;
    assert_eq!(
        without_keys(&store).await,
        1,
        "only the text that does not parse"
    );
    // Only the forms and their keys changed.
    let strip = |all: &[Version]| -> Vec<_> {
        all.iter()
            .map(|(d, v, k, s, b, _, _)| (*d, *v, k.clone(), s.clone(), b.clone()))
            .collect()
    };
    assert_eq!(strip(&versions(&store).await), strip(&before));

    // No thread to parse on is a mistake in the command line, not in the store.
    let out = smm()
        .args([
            "admin",
            "prepare-forms",
            "--database-url",
            url,
            "--jobs",
            "0",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--jobs"),
        "{out:?}"
    );

    // A second run finds only the text that does not parse.
    let (out, again) = prepare_forms(url, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(again["found"], 1);
    assert_eq!(again["keys_copied"], 0);
    assert_eq!(
        again["reindexed"], false,
        "nothing rewritten, nothing rebuilt"
    );
    assert_eq!(again["targets"].as_u64(), Some(0));
    assert_eq!(again["assessments"].as_u64(), Some(0));
    let out = smm()
        .args(["admin", "prepare-forms", "--database-url", url])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("1 version this release does not parse")
            && text.contains(&format!("document {last} version 1: line "))
            && !text.contains("gave"),
        "{text}"
    );

    // Once that version is gone from view (its text restored), the run is clean; the text
    // output says so.
    sqlx::query("UPDATE document_versions SET body = $1 WHERE document_id = $2")
        .bind(assessment("2026.restored"))
        .bind(last)
        .execute(store.pool())
        .await
        .expect("restore the text");
    let out = smm()
        .args(["admin", "prepare-forms", "--database-url", url])
        .output()
        .expect("run");
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("gave 1 version a prepared form"), "{text}");
    let out = smm()
        .args(["admin", "prepare-forms", "--database-url", url])
        .output()
        .expect("run");
    assert!(out.status.success(), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("has a form this release reads"),
        "{out:?}"
    );
    assert_every_form_current(&store, None).await;
    store.close().await;
}

async fn two_passes_beside_writers(url: &str) {
    let (store, org, line) = seeded(url, RACED_ASSESSMENTS).await;
    let store = Arc::new(store);
    let stale = forget_forms(&store).await;
    let stored = versions(&store).await.len() as u64;

    // Writers keep storing assessments (with their forms) while the passes run.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (store, stop) = (Arc::clone(&store), Arc::clone(&stop));
        tokio::spawn(async move {
            let catalog = Catalog::builtin();
            let mut written = 0;
            while !stop.load(Ordering::Relaxed) {
                let text = assessment(&format!("2027.{written}"));
                let checked =
                    CheckedDocument::check(&catalog, CheckedKind::Assessment, text).expect("ok");
                store
                    .create_document("test", org, line, &checked)
                    .await
                    .expect("a write beside the passes");
                written += 1;
            }
            written
        })
    };
    let run = |url: String, jobs: &'static str| {
        tokio::task::spawn_blocking(move || prepare_forms(&url, &["--jobs", jobs]))
    };
    let (a, b) = (run(url.to_string(), "1"), run(url.to_string(), "2"));
    let ((out_a, a), (out_b, b)) = (a.await.expect("pass a"), b.await.expect("pass b"));
    stop.store(true, Ordering::Relaxed);
    let written = writer.await.expect("writer");
    assert!(out_a.status.success(), "{out_a:?}");
    assert!(out_b.status.success(), "{out_b:?}");

    let kept = |r: &Value| {
        r["targets"].as_u64().expect("n") + r["assessments"].as_u64().expect("n")
            - r["raced"].as_u64().expect("n")
    };
    assert_eq!(
        kept(&a) + kept(&b),
        stale,
        "each stale version's form written once: {a} {b}"
    );
    assert_eq!(
        versions(&store).await.len() as u64,
        stored + written,
        "no write beside the passes was lost"
    );
    assert_every_form_current(&store, None).await;
    store.close().await;
}
