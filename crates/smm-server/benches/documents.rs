//! What storing a document costs: the bottling-line assessment (10 kB) created again and again
//! in one system, on SQLite with durable commits (`synchronous = FULL`), as the embedded
//! default server runs.
//!
//! - `check`: the one check a submitted text gets (`CheckedDocument::check`: parse, check
//!   against the catalog, digest, level summary), and `old_path_checks` — the same work as the
//!   server did it before the write path was typed (the handler parsed and checked, then the
//!   store parsed again, digested and checked again against its own built-in catalog), kept as
//!   the baseline.
//! - `store_write`: the store's part alone (a checked document written: one transaction with the
//!   document, its version and the audit entry, committed).
//! - `app_create`: the application layer's use case (check, then write).
//! - `http_post`: `POST /api/systems/{id}/assessments` through the router with an API token
//!   (authentication, access check, check, write, JSON answer).
//!
//! Run with `cargo bench -p smm-server --bench documents`; see docs/performance.md. Under
//! `cargo test --benches` (CI runs every bench once) each is run once.

use std::hint::black_box;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use criterion::{criterion_group, criterion_main, Criterion};
use http_body_util::BodyExt;
use tower::ServiceExt;

use smm_core::{
    content_digest, current_profile, level::summary, parse_document, Catalog, CheckedDocument,
    CheckedKind, Document, Level,
};
use smm_server::app::documents;
use smm_server::{AppState, Config};
use smm_store::{DocumentKind, OrganizationId, Role, SystemId};

/// The allocator the `smm` binary uses, so the numbers are the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ASSESSMENT: &str = include_str!("../../../examples/bottling-line/assessment.yaml");

struct Seeded {
    _dir: tempfile::TempDir,
    state: AppState,
    router: axum::Router,
    token: String,
    org: OrganizationId,
    system: SystemId,
}

async fn seed() -> Seeded {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config {
        listen: "127.0.0.1:0".parse().expect("address"),
        database_url: format!("sqlite://{}", dir.path().join("smm.db").display()),
        keys_secret: dir.path().join("keys.secret"),
        secure_cookies: false,
        trusted_proxies: Vec::new(),
        schemes: Vec::new(),
        catalog: smm_core::Catalog::builtin(),
        mappings: Vec::new(),
        connections: smm_server::ConnectionLimits::default(),
        log_origin: None,
        audit_checkpoint_every: None,
        oidc: None,
    };
    let state: AppState = smm_server::serve::state(&config).await.expect("state");
    let org = state
        .store
        .create_organization("bench", "Bench Co")
        .await
        .expect("organization");
    let (_, token) = state
        .store
        .create_api_token("bench", org, Role::Editor, "bench", i64::MAX, None)
        .await
        .expect("token");
    let system = state
        .store
        .create_system("bench", org, "Bottling line BL-2")
        .await
        .expect("system");
    let router = smm_server::router(state.clone());
    Seeded {
        _dir: dir,
        state,
        router,
        token,
        org,
        system,
    }
}

/// The checks the server made before the write path was typed, for one create: the handler
/// parsed the document (its header, then the whole) and checked it against the server's
/// catalog; the store parsed it again the same way, took its digest, and checked it against the
/// built-in catalog for the summary.
fn old_path_checks(server_catalog: &Catalog, builtin: &Catalog, text: &str) -> (String, String) {
    let Ok(Document::Assessment(first)) = parse_document(text) else {
        panic!("an assessment");
    };
    current_profile(server_catalog, &first).expect("checks");
    let Ok(Document::Assessment(again)) = parse_document(text) else {
        panic!("an assessment");
    };
    let digest = content_digest(again.as_ref());
    let levels: Vec<Level> = current_profile(builtin, &again)
        .expect("checks")
        .practices
        .iter()
        .map(|p| p.level)
        .collect();
    (digest, summary::encode(&levels))
}

async fn http_post(seeded: &Seeded) -> usize {
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/systems/{}/assessments", seeded.system.0))
        .header(header::AUTHORIZATION, format!("Bearer {}", seeded.token))
        .header(header::CONTENT_TYPE, "application/yaml")
        .body(Body::from(ASSESSMENT))
        .expect("request");
    let response = seeded
        .router
        .clone()
        .oneshot(request)
        .await
        .expect("infallible");
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    assert_eq!(
        status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&body)
    );
    body.len()
}

fn documents(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let seeded = runtime.block_on(seed());
    let catalog = seeded.state.catalog.clone();
    let builtin = Catalog::builtin();

    // The baseline computes what the one check computes.
    let checked = CheckedDocument::check(&catalog, CheckedKind::Assessment, ASSESSMENT)
        .expect("the bottling-line assessment is valid");
    let (digest, levels) = old_path_checks(&catalog, &builtin, ASSESSMENT);
    assert_eq!(checked.digest(), digest);
    assert_eq!(checked.summary(), levels);

    let mut group = c.benchmark_group("create_assessment");
    group
        .sample_size(50)
        .measurement_time(Duration::from_secs(5));
    group.bench_function("check", |b| {
        b.iter(|| {
            CheckedDocument::check(&catalog, CheckedKind::Assessment, black_box(ASSESSMENT))
                .expect("valid")
        })
    });
    group.bench_function("old_path_checks", |b| {
        b.iter(|| old_path_checks(&catalog, &builtin, black_box(ASSESSMENT)))
    });
    group.bench_function("store_write", |b| {
        b.iter(|| {
            runtime
                .block_on(seeded.state.store.create_document(
                    "bench",
                    seeded.org,
                    seeded.system,
                    black_box(&checked),
                ))
                .expect("stored")
        })
    });
    group.bench_function("app_create", |b| {
        b.iter(|| {
            runtime
                .block_on(documents::create(
                    &seeded.state,
                    "bench",
                    seeded.org,
                    seeded.system,
                    DocumentKind::Assessment,
                    black_box(ASSESSMENT),
                ))
                .expect("stored")
        })
    });
    group.bench_function("http_post", |b| {
        b.iter(|| runtime.block_on(http_post(black_box(&seeded))))
    });
    group.finish();
}

criterion_group!(benches, documents);
criterion_main!(benches);
