//! What the store's tests share: documents checked as the server checks them, and a fresh store
//! on each back end: SQLite in a temporary folder, PostgreSQL in a new database of its own on the
//! server `SMM_TEST_POSTGRES_URL` names (skipped without it, except under `CI=true`).
//!
//! Every test file declares `mod support;` and uses part of it: an item one file does not use
//! is not a warning.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use smm_core::{Catalog, CheckedDocument, CheckedKind};
use smm_store::{OrganizationId, Store, SystemId};

/// The bottling line's target profile.
pub const TARGET: &str = include_str!("../../../../../examples/bottling-line/target.yaml");
/// The bottling line's assessment, which names [`TARGET`] by digest.
pub const ASSESSMENT: &str = include_str!("../../../../../examples/bottling-line/assessment.yaml");

/// The bottling line's loss scenarios.
pub const SCENARIOS: &str = include_str!("../../../../../examples/bottling-line/risk.yaml");

/// Runs `check` on SQLite and on PostgreSQL (a module using it imports `sqlite` and `postgres`).
macro_rules! on_both {
    ($name:ident, $check:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            let (store, _dir) = sqlite().await;
            $check(&store).await;
            if let Some(store) = postgres().await {
                $check(&store).await;
            }
        }
    };
}

static NEXT: AtomicU32 = AtomicU32::new(0);

/// The built-in catalog, parsed once.
pub static CATALOG: std::sync::LazyLock<Catalog> = std::sync::LazyLock::new(Catalog::builtin);

/// A target profile's text, checked as the server checks it before storing.
pub fn target(text: &str) -> CheckedDocument {
    CheckedDocument::check(&CATALOG, CheckedKind::TargetProfile, text).expect("a valid target")
}

/// An assessment's text, checked as the server checks it before storing.
pub fn assessment(text: &str) -> CheckedDocument {
    CheckedDocument::check(&CATALOG, CheckedKind::Assessment, text).expect("a valid assessment")
}

/// Loss scenarios' text, checked as the server checks it before storing.
pub fn scenarios(text: &str) -> CheckedDocument {
    CheckedDocument::check(&CATALOG, CheckedKind::RiskScenarios, text).expect("valid scenarios")
}

/// A fresh SQLite store in a temp dir (kept alive by the returned guard).
pub async fn sqlite() -> (Arc<Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("smm.db").display());
    (
        Arc::new(Store::open(&url).await.expect("sqlite store")),
        dir,
    )
}

/// A fresh PostgreSQL database, or `None` outside CI when no server was given.
pub async fn postgres() -> Option<Arc<Store>> {
    let Ok(base) = std::env::var("SMM_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var("CI").map(|v| v != "true").unwrap_or(true),
            "CI=true but SMM_TEST_POSTGRES_URL is not set: scripts/test provisions PostgreSQL"
        );
        eprintln!("note: SMM_TEST_POSTGRES_URL not set; run scripts/test for the PostgreSQL half");
        return None;
    };
    sqlx::any::install_default_drivers();
    let name = format!(
        "smm_test_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    );
    let admin = sqlx::AnyPool::connect(&base)
        .await
        .expect("connect to PostgreSQL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .expect("create test database");
    let (prefix, _) = base.rsplit_once('/').expect("URL with a database name");
    let url = format!("{prefix}/{name}");
    Some(Arc::new(Store::open(&url).await.expect("postgres store")))
}

/// A new organization created by `actor`, who owns it, with one system in it.
pub async fn organization_with_system(
    store: &Store,
    actor: &str,
    organization: &str,
    system: &str,
) -> (OrganizationId, SystemId) {
    let org = store
        .create_organization(actor, organization)
        .await
        .expect("organization");
    let sys = store
        .create_system(actor, org, system)
        .await
        .expect("system");
    (org, sys)
}
