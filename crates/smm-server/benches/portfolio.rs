//! How long the portfolio roll-up takes over a large store: 100,000 stored assessments (10,000
//! systems with a target and 10 assessments each) in SQLite, read with `Store::portfolio` and
//! rolled up with `portfolio::roll_up`, then once more through the HTTP router
//! (`GET /api/organizations/{org}/portfolio`, with an API token, as a client calls it).
//!
//! The rows are inserted with SQL in one transaction (this measures the read side; storing
//! 100,000 documents through the API would take minutes). The `documents` rows and one version
//! each are written, with empty bodies: the portfolio never reads a body, only what is kept beside
//! each version (its level summary and, for an assessment, the digest of the target it names).
//! The summaries are real ones (`summary::encode`) of varied levels, so systems are met, under and
//! over their targets; each assessment names its system's target by digest.
//!
//! Under `cargo test --benches` (CI runs every bench once) the store holds 1,000 assessments
//! instead.
//!
//! Run with `cargo bench -p smm-server --bench portfolio`; see docs/performance.md.

use std::hint::black_box;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use http_body_util::BodyExt;
use tower::ServiceExt;

use smm_core::{Comprehensiveness, Level, Scope};
use smm_server::app::portfolio::{roll_up, Filter, Portfolio};
use smm_server::{AppState, Config};
use smm_store::summary::encode;
use smm_store::{OrganizationId, Role};

const SYSTEMS: usize = 10_000;
const SYSTEMS_UNDER_TEST: usize = 100;
const ASSESSMENTS_PER_SYSTEM: usize = 10;
/// Systems listed in the answer, as the API does by default.
const LISTED: usize = 100;

/// A small deterministic generator (xorshift64*), so every run stores the same levels.
struct Levels(u64);

impl Levels {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % below
    }

    fn level(&mut self, lowest: u64, highest: u64) -> Level {
        let c = lowest + self.next(highest - lowest + 1);
        Level::new(
            Comprehensiveness::from_value(c).unwrap_or(Comprehensiveness::None),
            Scope::ALL[self.next(3) as usize],
        )
    }

    /// An assessment of a target: each practice a step below, at or above it. Every third system
    /// never falls below, so some systems meet their target and the others do not.
    fn assessment(&mut self, target: &[Level], never_under: bool) -> Vec<Level> {
        target
            .iter()
            .map(|t| {
                let c = t.comprehensiveness.value() as i64;
                let step = if never_under {
                    self.next(2) as i64
                } else {
                    self.next(3) as i64 - 1
                };
                let c = (c + step).clamp(0, 4) as u64;
                let scope = if step > 0 {
                    Scope::ALL[self.next(3) as usize].max(t.scope)
                } else {
                    t.scope
                };
                Level::new(
                    Comprehensiveness::from_value(c).unwrap_or(t.comprehensiveness),
                    scope,
                )
            })
            .collect()
    }
}

struct Seeded {
    _dir: tempfile::TempDir,
    state: AppState,
    org: OrganizationId,
    token: String,
    assessments: usize,
}

/// A store with `systems` systems, each with a target and ten assessments.
async fn seed(systems: usize) -> Seeded {
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
    let org = state
        .store
        .create_organization("bench", "Bench Co")
        .await
        .expect("organization");
    let (_, token) = state
        .store
        .create_api_token("bench", org, Role::Viewer, "bench", i64::MAX, None)
        .await
        .expect("token");

    let practices = state.catalog.practices().len();
    let mut levels = Levels(0x5eed_cafe_f00d_beef);
    let pool = sqlx::AnyPool::connect(&url).await.expect("seed connection");
    let mut tx = pool.begin().await.expect("transaction");
    let created = "2026-11-23T00:00:00Z";
    let mut document = 0i64;
    for s in 0..systems {
        let system = i64::try_from(s).expect("small") + 1;
        sqlx::query(
            "INSERT INTO systems (id, organization_id, name, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(system)
        .bind(org.0)
        .bind(format!("line {system:05}"))
        .bind(created)
        .execute(&mut *tx)
        .await
        .expect("system");
        let target: Vec<Level> = (0..practices).map(|_| levels.level(1, 3)).collect();
        // Digests only need to be distinct here: nothing checks them against a body.
        let target_digest = format!("{:064x}", system);
        let mut documents = vec![(
            "TargetProfile",
            encode(&target),
            target_digest.clone(),
            None,
        )];
        for a in 0..ASSESSMENTS_PER_SYSTEM {
            let current = levels.assessment(&target, s % 3 == 0);
            let digest = format!("{:032x}{:032x}", system, a + 1);
            documents.push(("Assessment", encode(&current), digest, Some(&target_digest)));
        }
        for (kind, summary, digest, named) in documents {
            document += 1;
            sqlx::query(
                "INSERT INTO documents (id, organization_id, system_id, kind, created_at, summary) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(document)
            .bind(org.0)
            .bind(system)
            .bind(kind)
            .bind(created)
            .bind(&summary)
            .execute(&mut *tx)
            .await
            .expect("document");
            sqlx::query(
                "INSERT INTO document_versions (document_id, version, sha256, body, author, \
                 created_at, summary, target_sha256) VALUES ($1, 1, $2, '', 'bench', $3, $4, $5)",
            )
            .bind(document)
            .bind(digest)
            .bind(created)
            .bind(&summary)
            .bind(named.map(String::as_str))
            .execute(&mut *tx)
            .await
            .expect("version");
        }
    }
    tx.commit().await.expect("commit");
    // Move the rows from the write-ahead log into the database file, as SQLite does on its own
    // over time, so every run reads the same layout.
    for pragma in ["PRAGMA wal_checkpoint(TRUNCATE)", "PRAGMA optimize"] {
        sqlx::query(pragma).execute(&pool).await.expect(pragma);
    }
    pool.close().await;
    Seeded {
        _dir: dir,
        state,
        org,
        token,
        assessments: systems * ASSESSMENTS_PER_SYSTEM,
    }
}

async fn rolled_up(seeded: &Seeded) -> Portfolio {
    let rows = seeded
        .state
        .store
        .portfolio(seeded.org)
        .await
        .expect("portfolio rows");
    roll_up(&seeded.state.catalog, &rows, &listed())
}

/// What the API lists by default.
fn listed() -> Filter {
    Filter {
        limit: LISTED,
        ..Filter::default()
    }
}

async fn over_http(router: &axum::Router, seeded: &Seeded) -> usize {
    let request = Request::get(format!("/api/organizations/{}/portfolio", seeded.org.0))
        .header("authorization", format!("Bearer {}", seeded.token))
        .body(Body::empty())
        .expect("request");
    let response = router.clone().oneshot(request).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.into_body().collect().await.expect("body");
    body.to_bytes().len()
}

fn portfolio(c: &mut Criterion) {
    // Criterion runs each benchmark once under `cargo test --benches` (CI; no `--bench`
    // argument) and under `cargo bench -- --test`: a small store keeps that fast.
    let benchmarking = std::env::args().any(|a| a == "--bench");
    let quick = !benchmarking || std::env::args().any(|a| a == "--test");
    let systems = if quick { SYSTEMS_UNDER_TEST } else { SYSTEMS };
    let runtime = tokio::runtime::Runtime::new().expect("runtime");

    let started = Instant::now();
    let seeded = runtime.block_on(seed(systems));
    eprintln!(
        "seeded {systems} systems, {} assessments in {:.1} s",
        seeded.assessments,
        started.elapsed().as_secs_f64()
    );
    let check = runtime.block_on(rolled_up(&seeded));
    assert_eq!(check.systems, systems);
    assert!(check.met > 0 && check.under > 0, "statuses vary");
    assert_eq!(check.met + check.under, systems, "every system has both");
    assert_eq!(check.items.len(), LISTED.min(systems));
    assert!(check.domains.iter().all(|d| d.under > 0 && d.met > 0));

    let mut group = c.benchmark_group(format!("portfolio-{}", seeded.assessments));
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(20)
        .measurement_time(Duration::from_secs(8));
    group.bench_function("store.portfolio", |b| {
        b.iter(|| runtime.block_on(seeded.state.store.portfolio(black_box(seeded.org))))
    });
    let rows = runtime
        .block_on(seeded.state.store.portfolio(seeded.org))
        .expect("rows");
    group.bench_function("roll_up", |b| {
        b.iter(|| roll_up(&seeded.state.catalog, black_box(&rows), &listed()))
    });
    group.bench_function("end_to_end", |b| {
        b.iter(|| runtime.block_on(rolled_up(black_box(&seeded))))
    });
    let router = smm_server::router(seeded.state.clone());
    group.bench_function("http_get", |b| {
        b.iter(|| runtime.block_on(over_http(&router, black_box(&seeded))))
    });
    group.finish();
}

criterion_group!(benches, portfolio);
criterion_main!(benches);
