//! Group commit: document writes that arrive while another transaction holds the write lock share
//! the next transaction, and each keeps its own outcome. On SQLite and on PostgreSQL.

use std::sync::Arc;
use std::time::Duration;

use crate::support::{organization_with_system, postgres, sqlite, target, TARGET};
use smm_store::{Backend, Page, Store, StoreError};

/// The advisory lock key the store's writers take on PostgreSQL.
const WRITE_LOCK: i64 = 0x534d_4d57;

/// A transaction of another connection that holds the database's write lock until committed:
/// the store's writers queue behind it as they would behind another server's batch.
async fn hold_the_write_lock(store: &Store) -> sqlx::Transaction<'static, sqlx::Any> {
    match store.backend() {
        Backend::Sqlite => store
            .pool()
            .begin_with("BEGIN IMMEDIATE")
            .await
            .expect("take SQLite's write lock"),
        Backend::Postgres => {
            let mut tx = store.pool().begin().await.expect("begin");
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(WRITE_LOCK)
                .execute(&mut *tx)
                .await
                .expect("take the advisory lock");
            tx
        }
    }
}

fn version(i: usize) -> String {
    TARGET.replacen("version: \"1.0\"", &format!("version: \"1.0.{i}\""), 1)
}

async fn writes_queued_behind_a_commit_share_the_next_one(store: &Arc<Store>) {
    let (org, sys) = organization_with_system(store, "a", "Org", "Line").await;
    let (_, other_sys) = organization_with_system(store, "b", "Other", "Press").await;
    let doc = store
        .create_document("a", org, sys, &target(TARGET))
        .await
        .expect("create");
    let before = store.grouped_writes();
    let audit_before = store.verify_audit().await.expect("verify").entries;

    let blocker = hold_the_write_lock(store).await;
    let mut tasks = Vec::new();
    // 24 creates, 8 updates all based on version 1 (one wins), and 4 creates naming a system of
    // another organization: all queued while the lock is held.
    for i in 0..36 {
        let store = Arc::clone(store);
        tasks.push(tokio::spawn(async move {
            let body = target(&version(i));
            match i {
                0..24 => {
                    store
                        .create_document(&format!("w{i}"), org, sys, &body)
                        .await
                }
                24..32 => {
                    store
                        .update_document(&format!("u{i}"), org, doc.id, 1, &body)
                        .await
                }
                _ => {
                    store
                        .create_document("mallory", org, other_sys, &body)
                        .await
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    blocker.commit().await.expect("release the lock");

    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.expect("task"));
    }
    let created: Vec<_> = outcomes[..24]
        .iter()
        .map(|o| o.as_ref().expect("created"))
        .collect();
    let mut ids: Vec<_> = created.iter().map(|d| d.id.0).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 24, "every create has a document of its own");
    for (i, stored) in created.iter().enumerate() {
        let back = store
            .document(org, stored.id, None)
            .await
            .expect("read back");
        assert_eq!(back.body, version(i));
        assert_eq!(back.sha256, stored.sha256);
    }
    let updated: Vec<_> = outcomes[24..32].iter().filter(|o| o.is_ok()).collect();
    assert_eq!(updated.len(), 1, "one update based on version 1 wins");
    for refused in outcomes[24..32].iter().filter(|o| o.is_err()) {
        assert!(
            matches!(
                refused,
                Err(StoreError::Conflict {
                    current: 2,
                    expected: 1
                })
            ),
            "{refused:?}"
        );
    }
    assert_eq!(
        store.versions(org, doc.id).await.expect("versions").len(),
        2
    );
    for refused in &outcomes[32..] {
        assert!(
            matches!(refused, Err(StoreError::NotFound(_))),
            "{refused:?}"
        );
    }
    assert!(store
        .documents(
            other_sys,
            smm_store::DocumentKind::TargetProfile,
            Page::new(0, 10)
        )
        .await
        .expect("list")
        .is_empty());

    // The chain holds exactly the 25 writes that were made, in one order, intact.
    let report = store.verify_audit().await.expect("verify");
    assert!(report.intact(), "{:?}", report.problems);
    assert_eq!(report.entries, audit_before + 25);
    let after = store.grouped_writes();
    assert_eq!(after.writes - before.writes, 36);
    let transactions = after.transactions - before.transactions;
    assert!(
        transactions <= 4,
        "36 writes queued behind one lock took {transactions} transactions"
    );
}

on_both!(
    writes_queued_behind_a_commit_share_the_next_one_on_both,
    writes_queued_behind_a_commit_share_the_next_one
);

async fn a_write_whose_client_left_before_its_turn_is_not_made(store: &Arc<Store>) {
    let (org, sys) = organization_with_system(store, "a", "Org", "Line").await;
    let audit_before = store.verify_audit().await.expect("verify").entries;
    let blocker = hold_the_write_lock(store).await;
    let first = {
        let store = Arc::clone(store);
        tokio::spawn(async move {
            store
                .create_document("a", org, sys, &target(&version(1)))
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    // This one queues behind the first, then its caller gives up.
    let left = tokio::time::timeout(
        Duration::from_millis(100),
        store.create_document("a", org, sys, &target(&version(2))),
    )
    .await;
    assert!(
        left.is_err(),
        "the write could not have been made with the lock held"
    );
    blocker.commit().await.expect("release");
    first.await.expect("task").expect("the first write is made");
    // A later write runs the queue; the abandoned write is not among what it writes.
    store
        .create_document("a", org, sys, &target(&version(3)))
        .await
        .expect("a later write");
    let report = store.verify_audit().await.expect("verify");
    assert!(report.intact(), "{:?}", report.problems);
    assert_eq!(report.entries, audit_before + 2);
}

on_both!(
    a_write_whose_client_left_before_its_turn_is_not_made_on_both,
    a_write_whose_client_left_before_its_turn_is_not_made
);

/// A database failure in the middle of a batch (here a trigger that refuses one author's
/// versions) rolls the batch back; its writes run again one at a time, so only the write that
/// caused it fails, and the others are stored with an intact audit chain.
async fn a_database_failure_reaches_only_the_write_that_caused_it(store: &Arc<Store>) {
    let (org, sys) = organization_with_system(store, "a", "Org", "Line").await;
    let refuse: &[&str] = match store.backend() {
        Backend::Sqlite => &[
            "CREATE TRIGGER refuse_boom BEFORE INSERT ON document_versions \
             WHEN NEW.author = 'boom' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END",
        ],
        Backend::Postgres => &[
            "CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
             IF NEW.author = 'boom' THEN RAISE EXCEPTION 'refused by the test'; END IF; \
             RETURN NEW; END $$",
            "CREATE TRIGGER refuse_boom BEFORE INSERT ON document_versions \
             FOR EACH ROW EXECUTE FUNCTION refuse_boom()",
        ],
    };
    for sql in refuse {
        sqlx::raw_sql(sql)
            .execute(store.pool())
            .await
            .expect("the refusing trigger");
    }
    let audit_before = store.verify_audit().await.expect("verify").entries;
    let before = store.grouped_writes();

    let blocker = hold_the_write_lock(store).await;
    let mut tasks = Vec::new();
    for i in 0..6 {
        let store = Arc::clone(store);
        let author = if i == 3 {
            "boom".to_string()
        } else {
            format!("w{i}")
        };
        tasks.push(tokio::spawn(async move {
            store
                .create_document(&author, org, sys, &target(&version(i)))
                .await
        }));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    blocker.commit().await.expect("release the lock");

    for (i, task) in tasks.into_iter().enumerate() {
        let outcome = task.await.expect("task");
        if i == 3 {
            assert!(
                matches!(outcome, Err(StoreError::Database(_))),
                "the refused write fails as a database failure: {outcome:?}"
            );
        } else {
            let stored = outcome.expect("the other writes are stored");
            let back = store
                .document(org, stored.id, None)
                .await
                .expect("read back");
            assert_eq!(back.body, version(i));
        }
    }
    let after = store.grouped_writes();
    assert_eq!(after.writes - before.writes, 5, "five writes committed");
    let report = store.verify_audit().await.expect("verify");
    assert!(report.intact(), "{:?}", report.problems);
    assert_eq!(report.entries, audit_before + 5);
}

on_both!(
    a_database_failure_reaches_only_the_write_that_caused_it_on_both,
    a_database_failure_reaches_only_the_write_that_caused_it
);
