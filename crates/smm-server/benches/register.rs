//! How fast the public register answers with 100,000 attestations on record: `GET
//! /api/register` through the HTTP router, as anyone calls it, searching by vendor, by product
//! prefix, by issuer, all three combined, with a status filter (a common one and a rare one),
//! and a page deep in the results.
//!
//! The attestations are rows inserted with SQL in one transaction (certificates, and the
//! register's columns and products exactly as `Store::store_certificate` fills them, the
//! supersession key from the store's own `RegisterFields::subject_key`), not issued one by one:
//! 1,000 vendors (20 under test) with a product each, re-attested over time (so older ones are superseded), by
//! 20 certification bodies or the vendors themselves; 2 % revoked, a fifth expired.
//! Under `cargo test --benches` (CI runs every bench once) the register holds 2,000.
//!
//! Run with `cargo bench -p smm-server --bench register`; see docs/performance.md.

use std::hint::black_box;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use http_body_util::BodyExt;
use serde_json::Value;
use sqlx::Connection;
use tower::ServiceExt;

use smm_server::{AppState, Config};
use smm_store::register::fold;
use smm_store::{OrganizationId, RegisterFields};

const ATTESTATIONS: usize = 100_000;
const ATTESTATIONS_UNDER_TEST: usize = 2_000;
const BODIES: usize = 20;
const WORDS: [&str; 10] = [
    "Thermo", "Gateway", "Camera", "Meter", "Valve", "Router", "Sensor", "Lock", "Pump", "Relay",
];

struct Seeded {
    _dir: tempfile::TempDir,
    state: AppState,
    /// A serial in the middle of the register, for a deep page.
    middle: String,
}

async fn seed(count: usize, vendor_count: usize) -> Seeded {
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
    let mut vendors = Vec::new();
    for v in 0..vendor_count {
        let name = format!("Vendor {v:04} {}", WORDS[v % WORDS.len()]);
        let org = store
            .create_organization("bench", &name)
            .await
            .expect("org");
        let system = store
            .create_system("bench", org, &format!("{} {v}", WORDS[v % 10]))
            .await
            .expect("system");
        vendors.push((org, system.0, name));
    }
    let mut bodies = Vec::new();
    for b in 0..BODIES {
        let name = format!("Lab {b:02} Certification");
        let org = store
            .create_organization("bench", &name)
            .await
            .expect("lab");
        bodies.push((org, name));
    }

    let mut raw = sqlx::SqliteConnection::connect(&url).await.expect("sqlite");
    let mut tx = raw.begin().await.expect("begin");
    let mut middle = String::new();
    let batch = 200;
    let mut n = 0;
    while n < count {
        let end = (n + batch).min(count);
        let mut certificates = Vec::new();
        let mut entries = Vec::new();
        let mut products = Vec::new();
        for i in n..end {
            let id = i64::try_from(i + 1).expect("id");
            let (org, system, vendor) = &vendors[i % vendor_count];
            let declaration = i % 5 == 0;
            let (issuer, issuer_name) = if declaration {
                (*org, vendor.clone())
            } else {
                let (b, name) = &bodies[i % BODIES];
                (*b, name.clone())
            };
            let kind = if declaration {
                "declaration"
            } else {
                "certificate"
            };
            let serial = format!("{:032x}", (i as u128 + 1) * 0x9E37_79B9_7F4A_7C15);
            if i == count / 2 {
                middle = serial.clone();
            }
            let round = i / vendor_count;
            let line = (i % 7 == 0).then(|| format!("{} Line {}", WORDS[i % 10], i % 13));
            let fields = RegisterFields {
                issuer: issuer_name,
                product_line: line,
                products: vec![(
                    format!("{} {}", WORDS[(i % vendor_count) % 10], i % vendor_count),
                    format!("{}.{}", round / 10 + 1, round % 10),
                )],
                issued: "2026-01-10".to_string(),
                valid_until: if i % 5 == 1 {
                    "2026-06-30"
                } else {
                    "2099-12-31"
                }
                .to_string(),
            };
            let created = format!("2026-01-10T00:00:00.{:03}Z", i % 1000);
            let revoked = (i % 50 == 3).then(|| "2026-02-01T00:00:00.000Z".to_string());
            let q = |s: &str| format!("'{}'", s.replace('\'', "''"));
            let opt = |s: &Option<String>| s.as_deref().map_or("NULL".to_string(), q);
            certificates.push(format!(
                "({id}, {}, {system}, 'x', '{{}}', 'bench', {}, {}, {}, {}, 'k', '{{}}')",
                org.0,
                q(&created),
                q(&serial),
                q(kind),
                issuer.0
            ));
            entries.push(format!(
                "({id}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
                q(&serial),
                q(kind),
                q(vendor),
                q(&fold(vendor)),
                q(&fields.issuer),
                q(&fold(&fields.issuer)),
                opt(&fields.product_line),
                opt(&fields.product_line.as_deref().map(fold)),
                q(&serde_json::to_string(&fields.products).expect("json")),
                q(&fields.subject_key(kind, OrganizationId(issuer.0), &serial)),
                q(&fields.issued),
                q(&fields.valid_until),
                q(&created),
                opt(&revoked)
            ));
            for (position, (name, _)) in fields.products.iter().enumerate() {
                products.push(format!("({id}, {position}, {})", q(&fold(name))));
            }
        }
        for (table, columns, rows) in [
            (
                "certificates",
                "id, organization_id, system_id, sha256, envelope, issued_by, created_at, serial, \
                 kind, issuer_organization_id, keyid, profile",
                &certificates,
            ),
            (
                "register_entries",
                "certificate_id, serial, kind, vendor, vendor_key, issuer, issuer_key, \
                 product_line, line_key, products, subject_key, issued, valid_until, created_at, \
                 revoked_at",
                &entries,
            ),
            (
                "register_products",
                "certificate_id, position, name_key",
                &products,
            ),
        ] {
            sqlx::query(&format!(
                "INSERT INTO {table} ({columns}) VALUES {}",
                rows.join(", ")
            ))
            .execute(&mut *tx)
            .await
            .expect("insert");
        }
        n = end;
    }
    tx.commit().await.expect("commit");
    sqlx::query("ANALYZE")
        .execute(&mut raw)
        .await
        .expect("analyze");
    Seeded {
        _dir: dir,
        state,
        middle,
    }
}

async fn search(router: &axum::Router, path: &str) -> usize {
    let request = Request::get(path).body(Body::empty()).expect("request");
    let response = router.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    assert_eq!(
        status,
        StatusCode::OK,
        "{path}: {}",
        String::from_utf8_lossy(&bytes)
    );
    let page: Value = serde_json::from_slice(&bytes).expect("json");
    page["items"].as_array().map_or(0, Vec::len)
}

fn register(c: &mut Criterion) {
    // Criterion runs each benchmark once under `cargo test --benches` (CI; no `--bench`
    // argument) and under `cargo bench -- --test`: a small register keeps that fast.
    let benchmarking = std::env::args().any(|a| a == "--bench");
    let quick = !benchmarking || std::env::args().any(|a| a == "--test");
    let count = if quick {
        ATTESTATIONS_UNDER_TEST
    } else {
        ATTESTATIONS
    };
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let started = Instant::now();
    // 100 attestations per vendor either way: a vendor's search finds as many.
    let seeded = runtime.block_on(seed(count, count / 100));
    eprintln!(
        "seeded {count} attestations in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let router = smm_server::router(seeded.state.clone());
    let searches = [
        ("vendor", "/api/register?vendor=vendor%200012".to_string()),
        ("product_prefix", "/api/register?product=therm".to_string()),
        ("issuer", "/api/register?issuer=lab%2007".to_string()),
        (
            "combined",
            "/api/register?vendor=vendor%200&product=gateway&issuer=lab".to_string(),
        ),
        (
            "status_valid",
            "/api/register?status=valid&limit=50".to_string(),
        ),
        (
            "status_revoked",
            "/api/register?status=revoked&limit=50".to_string(),
        ),
        (
            "deep_page",
            format!("/api/register?limit=50&after={}", seeded.middle),
        ),
        ("everything", "/api/register?limit=100".to_string()),
    ];
    for (name, path) in &searches {
        let found = runtime.block_on(search(&router, path));
        assert!(found > 0, "{name} finds something");
    }

    // The tail, which criterion's mean does not show: p50 and p99 over 1,000 calls each.
    let rounds = if quick { 20 } else { 1_000 };
    for (name, path) in &searches {
        let mut times: Vec<Duration> = (0..rounds)
            .map(|_| {
                let t = Instant::now();
                runtime.block_on(search(&router, path));
                t.elapsed()
            })
            .collect();
        times.sort();
        let p99 = times[(times.len() * 99 / 100).min(times.len() - 1)];
        eprintln!(
            "register {name} with {count} attestations: p50 {:.2} ms, p99 {:.2} ms over {rounds} calls",
            times[times.len() / 2].as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3
        );
    }

    let mut group = c.benchmark_group(format!("register-{count}"));
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(30)
        .measurement_time(Duration::from_secs(3));
    for (name, path) in &searches {
        group.bench_function(*name, |b| {
            b.iter(|| runtime.block_on(search(&router, black_box(path))))
        });
    }
    group.finish();
}

criterion_group!(benches, register);
criterion_main!(benches);
