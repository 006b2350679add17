//! Group commit: document writes that arrive while another transaction holds the write lock share
//! the next transaction, and each keeps its own outcome. On SQLite and on PostgreSQL.

use std::sync::Arc;
use std::time::Duration;

use crate::support::{
    assessment, organization_with_system, postgres, sqlite, target, ASSESSMENT, TARGET,
};
use smm_store::{Backend, Page, PortfolioRow, Store, StoreError};

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

    let outcomes = outcomes_of(tasks).await;
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

/// An assessment naming the target `text`.
fn naming(text: &str) -> String {
    let digest = target(text).digest().to_string();
    ASSESSMENT.replacen(
        "eadfa5c57d3e11f1d7d9bf52b65213f3268aa834ba38fa6115f31fc1accb3bc8",
        &digest,
        1,
    )
}

/// A batch stores its versions with one statement per table, so the database keeps the systems'
/// standings (the portfolio's rows) for several versions at once. They must equal what the
/// documents say, as after writes made one at a time: here an assessment queued before the target
/// it names, a target then an assessment naming it, a new version of a target, and a refused
/// write among them, all in one transaction.
async fn a_batch_keeps_the_standings_single_writes_keep(store: &Arc<Store>) {
    let (org, a) = organization_with_system(store, "a", "Org", "Line A").await;
    let b = store
        .create_system("a", org, "Line B")
        .await
        .expect("system");
    let c = store
        .create_system("a", org, "Line C")
        .await
        .expect("system");
    let existing = store
        .create_document("a", org, b, &target(TARGET))
        .await
        .expect("target");
    let before = store.grouped_writes();

    let blocker = hold_the_write_lock(store).await;
    let writes = [
        // The first write may take a batch of its own (on SQLite it leads one and waits for the
        // database's lock): the writes after it share the next.
        (c, None, target(&version(6))),
        (a, None, assessment(&naming(&version(7)))),
        (a, None, target(&version(7))),
        (b, None, assessment(&naming(&version(8)))),
        (b, Some(1), target(&version(8))),
        (b, Some(1), target(&version(9))),
        (a, None, target(&version(10))),
    ];
    let mut tasks = Vec::new();
    for (system, update, text) in writes {
        let store = Arc::clone(store);
        tasks.push(tokio::spawn(async move {
            match update {
                Some(based_on) => {
                    store
                        .update_document("a", org, existing.id, based_on, &text)
                        .await
                }
                None => store.create_document("a", org, system, &text).await,
            }
        }));
        // Each write joins the queue before the next: the batch holds them in this order.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    blocker.commit().await.expect("release the lock");
    let outcomes = outcomes_of(tasks).await;
    assert!(
        matches!(
            outcomes[5],
            Err(StoreError::Conflict {
                current: 2,
                expected: 1
            })
        ),
        "{:?}",
        outcomes[5]
    );
    for (i, outcome) in outcomes.iter().enumerate().filter(|(i, _)| *i != 5) {
        assert!(outcome.is_ok(), "write {i}: {outcome:?}");
    }
    let after = store.grouped_writes();
    assert!(after.transactions - before.transactions <= 2);

    let kept = store.portfolio(org).await.expect("portfolio");
    store.refresh_standings().await.expect("refresh");
    let found: Vec<PortfolioRow> = store.portfolio(org).await.expect("portfolio");
    assert_eq!(kept, found);
    // Line A is measured against the target its assessment names, stored after it in the batch;
    // line B against the new version of its target, which its assessment names.
    let id = |i: usize| outcomes[i].as_ref().expect("stored").id;
    let row = |system| {
        kept.iter()
            .find(|r| r.system.id == system)
            .expect("the system's row")
    };
    assert_eq!(row(a).assessment.as_ref().map(|(d, _)| *d), Some(id(1)));
    assert_eq!(row(a).target.as_ref().map(|(d, _)| *d), Some(id(2)));
    assert_eq!(row(b).assessment.as_ref().map(|(d, _)| *d), Some(id(3)));
    assert_eq!(row(b).target.as_ref().map(|(d, _)| *d), Some(existing.id));
    let report = store.verify_audit().await.expect("verify");
    assert!(report.intact(), "{:?}", report.problems);
}

/// Each task's outcome, in the order the tasks were spawned.
async fn outcomes_of<T>(tasks: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut outcomes = Vec::with_capacity(tasks.len());
    for task in tasks {
        outcomes.push(task.await.expect("task"));
    }
    outcomes
}

on_both!(
    a_batch_keeps_the_standings_single_writes_keep_on_both,
    a_batch_keeps_the_standings_single_writes_keep
);

/// On PostgreSQL a version's text and prepared form are compressed with lz4 (migration 0021):
/// pglz's compression was a third of the database's CPU in a load of creates.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn versions_are_compressed_with_lz4_on_postgres() {
    let Some(store) = postgres().await else {
        return;
    };
    let methods: Vec<(String, String)> = sqlx::query_as(
        "SELECT attname::TEXT, attcompression::TEXT FROM pg_attribute \
         WHERE attrelid = 'document_versions'::regclass AND attname IN ('body', 'prepared') \
         ORDER BY attname",
    )
    .fetch_all(store.pool())
    .await
    .expect("the columns' compression");
    assert_eq!(
        methods,
        [
            ("body".to_string(), "l".to_string()),
            ("prepared".to_string(), "l".to_string())
        ]
    );
    // A version written now is stored compressed that way.
    let (org, sys) = organization_with_system(&store, "a", "Org", "Line").await;
    let doc = store
        .create_document("a", org, sys, &target(TARGET))
        .await
        .expect("create");
    let method: Option<String> = sqlx::query_scalar(
        "SELECT pg_column_compression(body) FROM document_versions WHERE document_id = $1",
    )
    .bind(doc.id.0)
    .fetch_one(store.pool())
    .await
    .expect("the body's compression");
    assert_eq!(method.as_deref(), Some("lz4"));
}
