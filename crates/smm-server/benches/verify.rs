//! How long public verification takes with a large revocation record: a certification body with
//! 100,000 revoked attestations on record, and `POST /api/certificates/verify` of one of its
//! valid certificates through the HTTP router, as anyone calls it. Verification looks the serial
//! up and reads the cached issuers document: it never rebuilds or re-signs a list per request.
//! The issuer's signed revocation list is timed too (served from its cache while the
//! revocation count stays).
//!
//! The certificate is issued for real (system, target, assessment, grant, designated body);
//! the 100,000 revoked attestations are rows inserted with SQL in one transaction.
//! Under `cargo test --benches` (CI runs every bench once) the record holds 1,000.
//!
//! Run with `cargo bench -p smm-server --bench verify`; see docs/performance.md.

use std::hint::black_box;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

use smm_server::{AppState, Config};
use smm_store::Role;

const REVOKED: usize = 100_000;
const REVOKED_UNDER_TEST: usize = 1_000;

struct Seeded {
    _dir: tempfile::TempDir,
    state: AppState,
    envelope: Value,
    issuer: String,
}

fn example(path: &str) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    std::fs::read_to_string(root.join(path)).expect("example")
}

async fn call(router: &axum::Router, request: Request<Body>) -> (StatusCode, Vec<u8>) {
    let response = router.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let body = response.into_body().collect().await.expect("body");
    (status, body.to_bytes().to_vec())
}

async fn send(
    router: &axum::Router,
    method: &str,
    path: &str,
    token: &str,
    body: (&str, String),
) -> Value {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", body.0)
        .body(Body::from(body.1))
        .expect("request");
    let (status, bytes) = call(router, request).await;
    assert!(
        status.is_success(),
        "{method} {path}: {status} {}",
        String::from_utf8_lossy(&bytes)
    );
    serde_json::from_slice(&bytes).unwrap_or(Value::Null)
}

async fn seed(revoked: usize) -> Seeded {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("smm.db").display());
    let config = Config {
        listen: "127.0.0.1:0".parse().expect("address"),
        database_url: url.clone(),
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
    let state = smm_server::serve::state(&config).await.expect("state");
    let store = &state.store;
    let vendor = store
        .create_organization("bench", "Vendor")
        .await
        .expect("vendor");
    let lab = store
        .create_organization("bench", "Lab")
        .await
        .expect("lab");
    store
        .set_certification_body("admin", lab, true)
        .await
        .expect("designate");
    let (_, owner) = store
        .create_api_token("bench", vendor, Role::Owner, "owner", i64::MAX, None)
        .await
        .expect("token");
    let (_, assessor) = store
        .create_api_token("bench", lab, Role::Assessor, "lab", i64::MAX, None)
        .await
        .expect("token");
    let router = smm_server::router(state.clone());
    let system = send(
        &router,
        "POST",
        &format!("/api/organizations/{}/systems", vendor.0),
        &owner,
        ("application/json", json!({"name": "GW-7"}).to_string()),
    )
    .await["id"]
        .as_i64()
        .expect("system");
    send(
        &router,
        "POST",
        &format!("/api/systems/{system}/targets"),
        &owner,
        ("application/yaml", example("ota-gateway/target.yaml")),
    )
    .await;
    let assessment = send(
        &router,
        "POST",
        &format!("/api/systems/{system}/assessments"),
        &owner,
        (
            "application/yaml",
            example("ota-gateway/certification/assessment-final.yaml"),
        ),
    )
    .await["id"]
        .as_i64()
        .expect("assessment");
    // Granting and accepting are a person's decisions (tokens may not): the bench's seed is
    // an administrator's, straight on the store.
    store
        .grant("bench", smm_store::SystemId(system), lab, Role::Assessor)
        .await
        .expect("grant");
    let issued = send(
        &router,
        "POST",
        &format!("/api/systems/{system}/certificates"),
        &assessor,
        (
            "application/json",
            json!({"assessments": [assessment]}).to_string(),
        ),
    )
    .await;
    let envelope = issued["envelope"].clone();

    let pool = sqlx::AnyPool::connect(&url).await.expect("seed connection");
    let mut tx = pool.begin().await.expect("transaction");
    let created = "2026-11-23T00:00:00Z";
    for n in 0..revoked {
        let id = 1_000_000 + i64::try_from(n).expect("small");
        sqlx::query(
            "INSERT INTO certificates (id, organization_id, system_id, serial, sha256, envelope, \
             issued_by, created_at, kind, issuer_organization_id, keyid, profile) \
             VALUES ($1, $2, $3, $4, $5, '{}', 'bench', $6, 'certificate', $7, 'k', '{}')",
        )
        .bind(id)
        .bind(vendor.0)
        .bind(system)
        .bind(format!("{id:032x}"))
        .bind(format!("{id:064x}"))
        .bind(created)
        .bind(lab.0)
        .execute(&mut *tx)
        .await
        .expect("certificate");
        sqlx::query(
            "INSERT INTO revocations (certificate_id, reason, revoked_by, created_at) VALUES ($1, 'withdrawn', 'bench', $2)",
        )
        .bind(id)
        .bind(created)
        .execute(&mut *tx)
        .await
        .expect("revocation");
    }
    tx.commit().await.expect("commit");
    for pragma in ["PRAGMA wal_checkpoint(TRUNCATE)", "PRAGMA optimize"] {
        sqlx::query(pragma).execute(&pool).await.expect(pragma);
    }
    pool.close().await;
    Seeded {
        _dir: dir,
        state,
        envelope,
        issuer: format!("org-{}", lab.0),
    }
}

async fn verify(router: &axum::Router, body: &str) -> bool {
    let request = Request::post("/api/certificates/verify")
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    let (status, bytes) = call(router, request).await;
    assert_eq!(status, StatusCode::OK);
    let answer: Value = serde_json::from_slice(&bytes).expect("json");
    answer["passed"] == true
}

async fn revocations(router: &axum::Router, issuer: &str) -> usize {
    let request = Request::get(format!("/api/issuers/{issuer}/revocations"))
        .body(Body::empty())
        .expect("request");
    let (status, bytes) = call(router, request).await;
    assert_eq!(status, StatusCode::OK);
    bytes.len()
}

fn verification(c: &mut Criterion) {
    let benchmarking = std::env::args().any(|a| a == "--bench");
    let quick = !benchmarking || std::env::args().any(|a| a == "--test");
    let revoked = if quick { REVOKED_UNDER_TEST } else { REVOKED };
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let started = Instant::now();
    let seeded = runtime.block_on(seed(revoked));
    eprintln!(
        "seeded {revoked} revoked attestations in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let router = smm_server::router(seeded.state.clone());
    let body = json!({ "certificate": seeded.envelope }).to_string();
    assert!(
        runtime.block_on(verify(&router, &body)),
        "the certificate verifies"
    );

    // The tail, which criterion's mean does not show: p99 over 2,000 sequential calls.
    let rounds = if quick { 50 } else { 2_000 };
    let mut times: Vec<Duration> = (0..rounds)
        .map(|_| {
            let t = Instant::now();
            runtime.block_on(verify(&router, &body));
            t.elapsed()
        })
        .collect();
    times.sort();
    let p99 = times[(times.len() * 99 / 100).min(times.len() - 1)];
    eprintln!(
        "verify with {revoked} revocations on record: p50 {:.2} ms, p99 {:.2} ms over {rounds} calls",
        times[times.len() / 2].as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3
    );

    let mut group = c.benchmark_group(format!("verify-{revoked}-revoked"));
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(50)
        .measurement_time(Duration::from_secs(5));
    group.bench_function("http_verify", |b| {
        b.iter(|| runtime.block_on(verify(&router, black_box(&body))))
    });
    // The first call builds and signs the list once; every later one is served from the cache.
    let size = runtime.block_on(revocations(&router, &seeded.issuer));
    eprintln!("revocation list: {size} bytes");
    group.bench_function("http_revocation_list", |b| {
        b.iter(|| runtime.block_on(revocations(&router, black_box(&seeded.issuer))))
    });
    group.finish();
}

criterion_group!(benches, verification);
criterion_main!(benches);
