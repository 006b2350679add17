//! `smm_store::backup` on SQLite: a snapshot taken while writers keep writing holds every write
//! finished before it began, and its facts are those of the copy, read again from it; a broken
//! audit chain is recorded in the facts, not hidden. (The PostgreSQL half runs through the real
//! binary in smm-cli's `serve` tests, `backup`.)

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::support::{assessment, organization_with_system, sqlite, ASSESSMENT};
use smm_store::backup;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_under_writes_holds_every_finished_write_and_its_facts_are_the_copys() {
    let (store, dir) = sqlite().await;
    let url = format!("sqlite://{}", dir.path().join("smm.db").display());
    let (org, sys) = organization_with_system(&store, "claire", "Integrator A", "BL-2").await;
    let done = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for writer in 0..3 {
        let (store, done, stop) = (store.clone(), done.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                let text = ASSESSMENT.replacen(
                    "version: \"2026.1\"",
                    &format!("version: \"2026.1-{writer}-{n}\""),
                    1,
                );
                let stored = store
                    .create_document("claire", org, sys, &assessment(&text))
                    .await
                    .expect("a write during the snapshot");
                done.lock().expect("done").push(stored.id);
                n += 1;
            }
        }));
    }
    while done.lock().expect("done").len() < 20 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let before = done.lock().expect("done").clone();
    let copy = dir.path().join("copy.db");
    let snapshot = backup::snapshot(&url, &copy).await.expect("snapshot");
    stop.store(true, Ordering::SeqCst);
    for writer in writers {
        writer.await.expect("writer");
    }
    let total = done.lock().expect("done").len();

    let documents = snapshot.facts.tables["documents"];
    assert!(
        documents >= before.len() as i64 && documents <= total as i64,
        "{documents} documents in the copy; {} written before it, {total} in all",
        before.len()
    );
    assert!(snapshot.facts.audit.intact(), "{:?}", snapshot.facts.audit);
    assert_eq!(
        snapshot.facts.audit.entries,
        snapshot.facts.audit.last_seq as u64
    );
    let copy_url = format!("sqlite://{}", copy.display());
    assert_eq!(
        backup::read_facts(&copy_url)
            .await
            .expect("facts of the copy"),
        snapshot.facts,
        "the facts are not the copy's"
    );
    let opened = smm_store::Store::open(&copy_url)
        .await
        .expect("the copy opens");
    for id in &before {
        opened
            .document(org, *id, None)
            .await
            .expect("a finished write is in the copy");
    }
    opened.close().await;
    // The live store was not changed by the backup (same migration), and went on growing.
    let live = backup::read_facts(&url).await.expect("live facts");
    assert_eq!(live.migration, snapshot.facts.migration);
    assert_eq!(live.tables["documents"], total as i64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_audit_chain_is_recorded_in_the_snapshot() {
    let (store, dir) = sqlite().await;
    let url = format!("sqlite://{}", dir.path().join("smm.db").display());
    organization_with_system(&store, "claire", "Integrator A", "BL-2").await;
    // An attacker with the file: the guard dropped, an entry rewritten.
    sqlx::query("DROP TRIGGER audit_log_no_update")
        .execute(store.pool())
        .await
        .expect("drop trigger");
    sqlx::query("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1")
        .execute(store.pool())
        .await
        .expect("tamper");
    let snapshot = backup::snapshot(&url, &dir.path().join("copy.db"))
        .await
        .expect("a damaged store is still copied");
    assert!(!snapshot.facts.audit.intact());
    assert!(
        snapshot
            .facts
            .audit
            .problems
            .iter()
            .any(|p| p.contains('1')),
        "{:?}",
        snapshot.facts.audit.problems
    );
}

#[tokio::test]
async fn a_snapshot_of_a_missing_database_or_into_an_existing_file_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let missing = format!("sqlite://{}", dir.path().join("none.db").display());
    let err = backup::snapshot(&missing, &dir.path().join("copy.db"))
        .await
        .expect_err("no database");
    assert!(err.to_string().contains("no such database"), "{err}");
    assert!(
        !dir.path().join("none.db").exists(),
        "the backup created a database"
    );

    let (_store, live) = sqlite().await;
    let url = format!("sqlite://{}", live.path().join("smm.db").display());
    let existing = live.path().join("kept.db");
    std::fs::write(&existing, "keep me").expect("write");
    let err = backup::snapshot(&url, &existing).await.expect_err("exists");
    assert!(err.to_string().contains("already exists"), "{err}");
    assert_eq!(std::fs::read_to_string(&existing).expect("read"), "keep me");
}
