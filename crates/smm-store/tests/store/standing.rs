//! Each system's standing (what the portfolio reads) is kept on its row at every document write.
//! What the writes keep must equal what the documents say: after every step of a random
//! sequence of creates and new versions of targets and assessments, the portfolio read from the
//! kept rows equals the one read after recomputing every standing from the documents. On
//! SQLite and on PostgreSQL.

use std::sync::Arc;

use crate::support::{
    assessment, organization_with_system, postgres, sqlite, target, ASSESSMENT, TARGET,
};
use smm_store::{DocumentId, OrganizationId, PortfolioRow, Store, SystemId};

/// A target's text in one of five variants: each has its own digest, and odd ones their own
/// levels, so a standing that read the wrong version would show.
fn target_text(variant: usize) -> String {
    let text = TARGET.replacen("version: \"1.0\"", &format!("version: \"1.{variant}\""), 1);
    if variant % 2 == 1 {
        text.replacen("comprehensiveness: 2", "comprehensiveness: 1", 1)
    } else {
        text
    }
}

/// An assessment naming target variant `names`, in one of three variants of its own.
fn assessment_text(names: usize, variant: usize) -> String {
    let digest = target(&target_text(names)).digest().to_string();
    let text = ASSESSMENT.replacen(
        "eadfa5c57d3e11f1d7d9bf52b65213f3268aa834ba38fa6115f31fc1accb3bc8",
        &digest,
        1,
    );
    match variant {
        0 => text,
        1 => text.replacen("comprehensiveness: 2", "comprehensiveness: 1", 1),
        _ => text.replacen("comprehensiveness: 2", "comprehensiveness: 4", 1),
    }
}

/// xorshift64: a fixed sequence, so a failure is found again.
struct Random(u64);

impl Random {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

async fn rows(store: &Store, org: OrganizationId) -> Vec<PortfolioRow> {
    store.portfolio(org).await.expect("portfolio")
}

async fn kept_standings_equal_what_the_documents_say(store: &Arc<Store>) {
    let (org, first) = organization_with_system(store, "a", "Org", "Line 0").await;
    let mut systems = vec![first];
    for n in 1..4 {
        systems.push(
            store
                .create_system("a", org, &format!("Line {n}"))
                .await
                .expect("system"),
        );
    }
    // Each document written: (system, id, latest version, is a target).
    let mut documents: Vec<(SystemId, DocumentId, i64, bool)> = Vec::new();
    let mut random = Random(0x5eed_0000_0000_0019);
    let mut steps = 0;
    while steps < 80 {
        let system = systems[random.below(systems.len())];
        let is_target = random.below(2) == 0;
        let text = if is_target {
            target(&target_text(random.below(5)))
        } else {
            assessment(&assessment_text(random.below(5), random.below(3)))
        };
        let mine: Vec<usize> = (0..documents.len())
            .filter(|&i| documents[i].0 == system && documents[i].3 == is_target)
            .collect();
        if mine.is_empty() || random.below(3) == 0 {
            let stored = store
                .create_document("a", org, system, &text)
                .await
                .expect("create");
            documents.push((system, stored.id, 1, is_target));
        } else {
            let i = mine[random.below(mine.len())];
            let (_, id, version, _) = documents[i];
            let stored = store
                .update_document("a", org, id, version, &text)
                .await
                .expect("update");
            documents[i].2 = stored.version;
        }
        steps += 1;
        let kept = rows(store, org).await;
        store.refresh_standings().await.expect("refresh");
        let found = rows(store, org).await;
        assert_eq!(kept, found, "after step {steps}");
    }
    // The sequence reached the states that matter: measured against a target, an assessment
    // whose target is not stored, and targets without an assessment.
    store.refresh_standings().await.expect("refresh");
    let end = rows(store, org).await;
    assert!(
        end.iter()
            .any(|r| r.assessment.is_some() && r.target.is_some()),
        "{end:?}"
    );
    let before_any_assessment = {
        let (org, sys) = organization_with_system(store, "b", "Fresh", "Press").await;
        for variant in [1, 2] {
            store
                .create_document("b", org, sys, &target(&target_text(variant)))
                .await
                .expect("target");
        }
        let unmatched = store
            .create_system("b", org, "Unmatched")
            .await
            .expect("system");
        store
            .create_document("b", org, unmatched, &assessment(&assessment_text(4, 0)))
            .await
            .expect("assessment");
        rows(store, org).await
    };
    // Without an assessment, the latest target (the second) and its levels.
    let press = &before_any_assessment[0];
    assert!(press.assessment.is_none());
    let expected = target(&target_text(2));
    assert_eq!(
        press.target.as_ref().map(|(_, s)| s.as_deref()),
        Some(Some(expected.summary()))
    );
    // An assessment naming a target not stored: no target.
    let unmatched = &before_any_assessment[1];
    assert!(unmatched.assessment.is_some() && unmatched.target.is_none());
}

on_both!(
    kept_standings_equal_what_the_documents_say_on_both,
    kept_standings_equal_what_the_documents_say
);

/// A writer that knows nothing of standings (a server of the previous release, still running
/// during a rolling upgrade) keeps them all the same: the database keeps them as it stores a
/// version. Here the rows are written with plain SQL, as that server writes them.
async fn a_writer_of_the_previous_release_keeps_standings_too(store: &Arc<Store>) {
    let (org, sys) = organization_with_system(store, "a", "Old", "Line").await;
    let target = store
        .create_document("a", org, sys, &target(&target_text(1)))
        .await
        .expect("target");
    let checked = assessment(&assessment_text(1, 2));
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO documents (organization_id, system_id, kind, created_at, summary) \
         VALUES ($1, $2, 'Assessment', '2026-12-06T00:00:00Z', $3) RETURNING id",
    )
    .bind(org.0)
    .bind(sys.0)
    .bind(checked.summary())
    .fetch_one(store.pool())
    .await
    .expect("document");
    sqlx::query(
        "INSERT INTO document_versions (document_id, version, sha256, body, author, created_at, \
         summary, target_sha256) VALUES ($1, 1, $2, $3, 'old', '2026-12-06T00:00:00Z', $4, $5)",
    )
    .bind(id)
    .bind(checked.digest())
    .bind(checked.text())
    .bind(checked.summary())
    .bind(checked.named_target())
    .execute(store.pool())
    .await
    .expect("version");
    let row = rows(store, org).await.remove(0);
    assert_eq!(
        row.assessment,
        Some((DocumentId(id), Some(checked.summary().to_string())))
    );
    assert_eq!(row.target.map(|(t, _)| t), Some(target.id));
    let kept = rows(store, org).await;
    store.refresh_standings().await.expect("refresh");
    assert_eq!(rows(store, org).await, kept);
}

on_both!(
    a_writer_of_the_previous_release_keeps_standings_too_on_both,
    a_writer_of_the_previous_release_keeps_standings_too
);

/// A store made before standings were kept gets them when it opens: here the kept columns are
/// emptied and the upkeep record removed, as a store from before migration 0019 would be.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_from_before_standings_fills_them_in_when_it_opens() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("smm.db").display());
    let store = Store::open(&url).await.expect("open");
    let (org, sys) = organization_with_system(&store, "a", "Org", "Line").await;
    store
        .create_document("a", org, sys, &target(&target_text(0)))
        .await
        .expect("target");
    store
        .create_document("a", org, sys, &assessment(&assessment_text(0, 1)))
        .await
        .expect("assessment");
    let kept = rows(&store, org).await;
    assert!(kept[0].assessment.is_some() && kept[0].target.is_some());
    sqlx::query(
        "UPDATE systems SET latest_assessment = NULL, latest_assessment_summary = NULL, \
         latest_assessment_names = NULL, measured_against = NULL, measured_against_summary = NULL",
    )
    .execute(store.pool())
    .await
    .expect("empty the standings");
    sqlx::query("DELETE FROM store_upkeep WHERE task = 'standings'")
        .execute(store.pool())
        .await
        .expect("forget the upkeep");
    assert_ne!(rows(&store, org).await, kept, "the standings are emptied");
    store.close().await;
    let reopened = Store::open(&url).await.expect("reopen");
    assert_eq!(rows(&reopened, org).await, kept);
}
