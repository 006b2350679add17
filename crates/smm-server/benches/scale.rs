//! smm at a certification body's scale, on PostgreSQL (issue 23, item 2): 100,000 systems in
//! 10 organizations of 10,000, each with a target profile and 10 assessments (1,000,000
//! assessments), and an attestation of each system in the public register. A real `smm serve`
//! (`serve::run`, on loopback) answers HTTP clients that share the machine with it, as `wrk` does
//! in `scripts/load-test`. It measures:
//!
//! - the portfolio roll-up of an organization of 10,000 systems
//!   (`GET /api/organizations/{id}/portfolio`), one request at a time;
//! - the gap of stored assessments picked at random among the million
//!   (`GET /api/documents/{id}/gap`) under load: 16 clients, each its organization's token,
//!   first as fast as they are answered (the machine saturated), then at a fixed 200 requests a
//!   second, each request timed from when it was due;
//! - register searches (by vendor, by product prefix, by issuer, combined, with a status) under
//!   the same two loads, the fixed one at 100 searches a second;
//!
//! and prints p50, p99 and the slowest answer of each, which `docs/performance.md` keeps.
//!
//! Documents are real: 8 target profiles and 256 assessments made from the bottling line's, each
//! with its own levels (so systems are met, under and over their targets), checked by the core as
//! the server checks a submitted text, and copied into the database with `COPY` (storing a million
//! documents through the API would take hours; this measures the reads). Each system's
//! assessments name its target by digest, as the gap requires.
//!
//! The database is PostgreSQL at `SMM_BENCH_POSTGRES_URL` (or `SMM_TEST_POSTGRES_URL`, which
//! `scripts/test` sets): a database of its own, `smm_scale_<size>` (its keys secret beside it in
//! the temporary directory), seeded once and reused by
//! later runs (seeding the full size takes minutes); `SMM_SCALE_RESEED=1` starts it again.
//! Under `cargo test --benches` (CI runs every bench once) the size is 2 organizations of 40
//! systems with 3 assessments each, in a fresh database dropped at the end, and the answers are
//! checked; under CI a missing PostgreSQL fails the run.
//!
//! Run with `cargo bench -p smm-server --bench scale`; see docs/performance.md.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use sqlx::postgres::{PgConnection, PgPoolCopyExt};
use sqlx::{Connection, Executor, PgPool, Row};

use smm_core::{Catalog, CheckedDocument, CheckedKind, Comprehensiveness, Scope};
use smm_server::{Config, ConnectionLimits};
use smm_store::register::fold;
use smm_store::{OrganizationId, RegisterFields, Role};

/// The allocator the `smm` binary uses, so the numbers are the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TARGET: &str = include_str!("../../../examples/bottling-line/target.yaml");
const ASSESSMENT: &str = include_str!("../../../examples/bottling-line/assessment.yaml");

/// Distinct target profiles, and distinct assessments of each.
const TARGETS: usize = 8;
const ASSESSMENTS_PER_TARGET: usize = 32;
/// Certification bodies issuing the register's certificates.
const LABS: usize = 20;
/// Concurrent clients of the loads.
const CLIENTS: usize = 16;
/// The fixed rate of the second gap load: about half of what the machine answers saturated.
const GAP_RATE: f64 = 200.0;
/// The fixed rate of the second register load.
const REGISTER_RATE: f64 = 100.0;

/// How big a store to build.
#[derive(Clone, Copy)]
struct Size {
    organizations: usize,
    systems_per_organization: usize,
    assessments_per_system: usize,
}

impl Size {
    fn systems(self) -> usize {
        self.organizations * self.systems_per_organization
    }

    fn name(self) -> String {
        format!(
            "smm_scale_{}x{}x{}",
            self.organizations, self.systems_per_organization, self.assessments_per_system
        )
    }
}

const FULL: Size = Size {
    organizations: 10,
    systems_per_organization: 10_000,
    assessments_per_system: 10,
};
const UNDER_TEST: Size = Size {
    organizations: 2,
    systems_per_organization: 40,
    assessments_per_system: 3,
};

/// A document ready to store: its text and what the check said of it.
struct Ready {
    text: String,
    digest: String,
    summary: String,
    named_target: Option<String>,
    /// Its prepared form as COPY's text format writes a `bytea` (`\x` and hex digits).
    prepared: Option<String>,
}

impl From<CheckedDocument> for Ready {
    fn from(checked: CheckedDocument) -> Ready {
        Ready {
            digest: checked.digest().to_string(),
            summary: checked.summary().to_string(),
            named_target: checked.named_target().map(str::to_string),
            text: checked.text().to_string(),
            prepared: checked.prepared().map(|bytes| {
                let mut hex = String::with_capacity(2 + 2 * bytes.len());
                hex.push_str("\\x");
                for b in bytes {
                    hex.push_str(&format!("{b:02x}"));
                }
                hex
            }),
        }
    }
}

/// A small deterministic generator (xorshift64*), so every run stores the same levels.
struct Random(u64);

impl Random {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n as u64) as usize
    }
}

/// The target profiles, and for each the assessments that name it.
fn documents(catalog: &Catalog) -> (Vec<Ready>, Vec<Vec<Ready>>) {
    let mut random = Random(0x5eed_0000_2023_0002);
    let base = smm_core::parse_assessment(ASSESSMENT).expect("the example assessment");
    let mut targets = Vec::new();
    let mut assessments = Vec::new();
    for t in 0..TARGETS {
        let text = TARGET.replacen("version: \"1.0\"", &format!("version: \"1.0.{t}\""), 1);
        let required: HashMap<String, (Comprehensiveness, Scope)> = {
            let parsed = smm_core::parse_target(&text).expect("the example target");
            let resolved = smm_core::resolve(catalog, &parsed).expect("it resolves");
            resolved
                .practices
                .iter()
                .map(|p| (p.id.to_string(), (p.comprehensiveness, p.scope)))
                .collect()
        };
        let target = CheckedDocument::check(catalog, CheckedKind::TargetProfile, text)
            .expect("a valid target");
        let mut of_target = Vec::new();
        for a in 0..ASSESSMENTS_PER_TARGET {
            let mut assessment = base.clone();
            assessment.target.sha256.value = target.digest().to_string();
            assessment.product.version = format!("2026.{t}.{a}");
            // One in four meets its target everywhere; the others are a step below, at or
            // above the example's level, practice by practice.
            let meets = a % 4 == 0;
            for (id, practice) in &mut assessment.practices.0 {
                let c = practice.comprehensiveness.value.value() as usize;
                let c = if meets {
                    let (c, scope) = required[&id.value];
                    practice.scope.value = scope;
                    c.value() as usize
                } else {
                    (c + random.below(3)).saturating_sub(1).min(4)
                };
                practice.comprehensiveness.value =
                    Comprehensiveness::from_value(c as u64).expect("0 to 4");
            }
            // Written out as values, then checked as its text, as the server checks a
            // submitted one (and so with the prepared form the server keeps).
            let written =
                CheckedDocument::assessment(catalog, &assessment).expect("a valid assessment");
            let checked = CheckedDocument::check(catalog, CheckedKind::Assessment, written.text())
                .expect("its text checks");
            of_target.push(Ready::from(checked));
        }
        targets.push(Ready::from(target));
        assessments.push(of_target);
    }
    (targets, assessments)
}

/// One field of a `COPY … FROM STDIN` text row: tabs, newlines and backslashes escaped.
fn field(out: &mut String, value: Option<&str>) {
    match value {
        None => out.push_str("\\N"),
        Some(v) => {
            for c in v.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    c => out.push(c),
                }
            }
        }
    }
}

/// Rows of a COPY, sent a few megabytes at a time.
struct CopyIn {
    rows: String,
    statement: String,
}

impl CopyIn {
    fn new(table: &str, columns: &str) -> CopyIn {
        CopyIn {
            rows: String::new(),
            statement: format!("COPY {table} ({columns}) FROM STDIN"),
        }
    }

    fn row(&mut self, fields: &[Option<&str>]) {
        for (i, value) in fields.iter().enumerate() {
            if i > 0 {
                self.rows.push('\t');
            }
            field(&mut self.rows, *value);
        }
        self.rows.push('\n');
    }

    async fn flush(&mut self, pool: &PgPool) {
        if self.rows.is_empty() {
            return;
        }
        let mut copy = pool.copy_in_raw(&self.statement).await.expect("COPY");
        copy.send(std::mem::take(&mut self.rows).into_bytes())
            .await
            .expect("COPY data");
        copy.finish().await.expect("COPY end");
    }
}

/// The COPY of each table the seed fills.
struct Tables {
    systems: CopyIn,
    documents: CopyIn,
    versions: CopyIn,
    certificates: CopyIn,
    entries: CopyIn,
    products: CopyIn,
}

impl Tables {
    fn new() -> Tables {
        Tables {
            systems: CopyIn::new("systems", "id, organization_id, name, created_at"),
            documents: CopyIn::new(
                "documents",
                "id, organization_id, system_id, kind, created_at, summary",
            ),
            versions: CopyIn::new(
                "document_versions",
                "document_id, version, sha256, body, author, created_at, summary, target_sha256, \
                 prepared",
            ),
            certificates: CopyIn::new(
                "certificates",
                "id, organization_id, system_id, sha256, envelope, issued_by, created_at, serial, \
                 kind, issuer_organization_id, keyid, profile",
            ),
            entries: CopyIn::new(
                "register_entries",
                "certificate_id, serial, kind, vendor, vendor_key, issuer, issuer_key, \
                 product_line, line_key, products, subject_key, issued, valid_until, created_at, \
                 revoked_at",
            ),
            products: CopyIn::new("register_products", "certificate_id, position, name_key"),
        }
    }

    /// Sends the rows of every table, parents before children: each COPY is a statement of its
    /// own, its foreign keys checked at once.
    async fn flush(&mut self, pool: &PgPool) {
        for copy in [
            &mut self.systems,
            &mut self.documents,
            &mut self.versions,
            &mut self.certificates,
            &mut self.entries,
            &mut self.products,
        ] {
            copy.flush(pool).await;
        }
    }
}

/// What the loads need to know of the seeded store.
struct Seeded {
    /// Each organization's id, and a token that reads it.
    organizations: Vec<(OrganizationId, String)>,
    /// Assessment ids: organization `o` has those from `first + o * per_org` on.
    first_assessment: i64,
    assessments_per_organization: i64,
}

/// Fills the empty database (its schema made by the store) with `size`, or finds it filled.
async fn seed(state: &smm_server::AppState, pool: &PgPool, size: Size) -> Seeded {
    let store = &state.store;
    let count: i64 = sqlx::query("SELECT COUNT(*) FROM systems")
        .fetch_one(pool)
        .await
        .expect("count")
        .get(0);
    let filled = count == size.systems() as i64;
    let mut organizations = Vec::new();
    for o in 0..size.organizations {
        let name = format!("Scale {o:02}");
        let org = if filled {
            let id: i64 = sqlx::query("SELECT id FROM organizations WHERE name = $1")
                .bind(&name)
                .fetch_one(pool)
                .await
                .expect("organization")
                .get(0);
            OrganizationId(id)
        } else {
            store
                .create_organization("bench", &name)
                .await
                .expect("organization")
        };
        let (_, token) = store
            .create_api_token("bench", org, Role::Viewer, "scale", i64::MAX, None)
            .await
            .expect("token");
        organizations.push((org, token));
    }
    let seeded = |first: i64| Seeded {
        organizations: organizations.clone(),
        first_assessment: first,
        assessments_per_organization: (size.systems_per_organization * size.assessments_per_system)
            as i64,
    };
    // Documents are numbered organization by organization, each system's target first: the
    // assessments of organization `o` are every id from its first but the targets'.
    if filled {
        let first: i64 = sqlx::query("SELECT MIN(id) FROM documents WHERE kind = 'Assessment'")
            .fetch_one(pool)
            .await
            .expect("first")
            .get(0);
        return seeded(first);
    }
    assert_eq!(
        count, 0,
        "the database holds another size: SMM_SCALE_RESEED=1"
    );

    let catalog = &state.catalog;
    let (targets, assessments) = documents(catalog);
    let labs: Vec<(OrganizationId, String)> = {
        let mut labs = Vec::new();
        for l in 0..LABS {
            let name = format!("Lab {l:02} Certification");
            labs.push((
                store
                    .create_organization("bench", &name)
                    .await
                    .expect("lab"),
                name,
            ));
        }
        labs
    };
    let created = "2026-11-23T00:00:00.000Z";
    let mut tables = Tables::new();
    let mut random = Random(0x5eed_5ca1_e000_0001);
    let mut document = 0i64;
    let mut first_assessment = 0i64;
    for (o, (org, _)) in organizations.iter().enumerate() {
        let org_text = org.0.to_string();
        let vendor = format!("Scale {o:02}");
        for s in 0..size.systems_per_organization {
            let system = (o * size.systems_per_organization + s + 1) as i64;
            let system_text = system.to_string();
            let name = format!("Line {o:02}-{s:05}");
            tables.systems.row(&[
                Some(&system_text),
                Some(&org_text),
                Some(&name),
                Some(created),
            ]);
            let t = random.below(TARGETS);
            let mut rows = vec![("TargetProfile", &targets[t])];
            for _ in 0..size.assessments_per_system {
                rows.push((
                    "Assessment",
                    &assessments[t][random.below(ASSESSMENTS_PER_TARGET)],
                ));
            }
            for (kind, prepared) in rows {
                document += 1;
                if kind == "Assessment" && first_assessment == 0 {
                    first_assessment = document;
                }
                let id = document.to_string();
                tables.documents.row(&[
                    Some(&id),
                    Some(&org_text),
                    Some(&system_text),
                    Some(kind),
                    Some(created),
                    Some(&prepared.summary),
                ]);
                tables.versions.row(&[
                    Some(&id),
                    Some("1"),
                    Some(&prepared.digest),
                    Some(&prepared.text),
                    Some("bench"),
                    Some(created),
                    Some(&prepared.summary),
                    prepared.named_target.as_deref(),
                    prepared.prepared.as_deref(),
                ]);
            }
            // The system's attestation: a certificate by one of the labs, or (one in five) the
            // vendor's own declaration; one in fifty revoked, one in five expired.
            let declaration = system % 5 == 0;
            let (issuer, issuer_name) = if declaration {
                (*org, vendor.clone())
            } else {
                labs[(system as usize / 5) % LABS].clone()
            };
            let kind = if declaration {
                "declaration"
            } else {
                "certificate"
            };
            let serial = format!("{:032x}", (system as u128) * 0x9E37_79B9_7F4A_7C15);
            let fields = RegisterFields {
                issuer: issuer_name,
                product_line: (system % 7 == 0).then(|| format!("Series {}", system % 13)),
                products: vec![(name.clone(), "2026.1".to_string())],
                issued: "2026-01-10".to_string(),
                valid_until: if system % 5 == 1 {
                    "2026-06-30"
                } else {
                    "2099-12-31"
                }
                .to_string(),
            };
            let issuer_text = issuer.0.to_string();
            tables.certificates.row(&[
                Some(&system_text),
                Some(&org_text),
                Some(&system_text),
                Some("x"),
                Some("{}"),
                Some("bench"),
                Some(created),
                Some(&serial),
                Some(kind),
                Some(&issuer_text),
                Some("k"),
                Some("{}"),
            ]);
            let line_key = fields.product_line.as_deref().map(fold);
            tables.entries.row(&[
                Some(&system_text),
                Some(&serial),
                Some(kind),
                Some(&vendor),
                Some(&fold(&vendor)),
                Some(&fields.issuer),
                Some(&fold(&fields.issuer)),
                fields.product_line.as_deref(),
                line_key.as_deref(),
                Some(&serde_json::to_string(&fields.products).expect("json")),
                Some(&fields.subject_key(kind, issuer, &serial)),
                Some(&fields.issued),
                Some(&fields.valid_until),
                Some(created),
                (system % 50 == 3).then_some("2026-02-01T00:00:00.000Z"),
            ]);
            tables
                .products
                .row(&[Some(&system_text), Some("0"), Some(&fold(&name))]);
            if tables.versions.rows.len() > 16 << 20 {
                tables.flush(pool).await;
            }
        }
        eprintln!("seeded organization {o}: {document} documents so far");
    }
    tables.flush(pool).await;
    for table in ["systems", "documents", "certificates"] {
        sqlx::query(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
        ))
        .execute(pool)
        .await
        .expect("sequence");
    }
    pool.execute("VACUUM ANALYZE").await.expect("vacuum");
    seeded(first_assessment)
}

/// Latencies of one kind of request.
struct Timings {
    name: String,
    times: Vec<Duration>,
}

impl Timings {
    fn report(&mut self, seconds: f64) -> String {
        self.times.sort();
        let n = self.times.len();
        let at = |q: f64| self.times[((n as f64 * q) as usize).min(n - 1)].as_secs_f64() * 1e3;
        format!(
            "{:<28} {n:>7} requests, {:>7.0}/s, p50 {:>6.2} ms, p99 {:>6.2} ms, slowest {:>7.2} ms",
            self.name,
            n as f64 / seconds,
            at(0.5),
            at(0.99),
            at(1.0)
        )
    }
}

/// A GET that must answer 200 with JSON.
async fn get(client: &reqwest::Client, url: &str, token: Option<&str>) -> Value {
    let mut request = client.get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    let text = response.text().await.expect("body");
    assert_eq!(status, 200, "GET {url}: {text}");
    serde_json::from_str(&text).expect("JSON")
}

/// `CLIENTS` clients for `seconds`, each sending the request `pick` makes, one after the other.
///
/// With a `rate` (requests a second, shared by the clients), each client sends on a fixed
/// schedule instead, and a request's time counts from when it was due, not from when it was
/// sent: a slow answer delays the requests behind it, and their wait is counted (an open-loop
/// load, without the coordinated omission of clients that wait for each answer).
async fn load(
    base: &str,
    seconds: f64,
    rate: Option<f64>,
    pick: impl Fn(&mut Random) -> (String, String, Option<String>) + Send + Sync + 'static,
) -> Vec<Timings> {
    let pick = Arc::new(pick);
    let until = Instant::now() + Duration::from_secs_f64(seconds);
    let mut tasks = Vec::new();
    for c in 0..CLIENTS {
        let (pick, base) = (Arc::clone(&pick), base.to_string());
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut random = Random(0x10ad_0000_0000_0001 + c as u64);
            let mut times: HashMap<String, Vec<Duration>> = HashMap::new();
            let mut schedule = rate.map(|rate| {
                let period = Duration::from_secs_f64(CLIENTS as f64 / rate);
                let first = tokio::time::Instant::now() + period.mul_f64(c as f64 / CLIENTS as f64);
                let mut ticks = tokio::time::interval_at(first, period);
                ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
                ticks
            });
            while Instant::now() < until {
                let (name, path, token) = pick(&mut random);
                let started = match &mut schedule {
                    Some(ticks) => ticks.tick().await.into_std(),
                    None => Instant::now(),
                };
                get(&client, &format!("{base}{path}"), token.as_deref()).await;
                times.entry(name).or_default().push(started.elapsed());
            }
            times
        }));
    }
    let mut all: HashMap<String, Vec<Duration>> = HashMap::new();
    for task in tasks {
        for (name, times) in task.await.expect("client") {
            all.entry(name).or_default().extend(times);
        }
    }
    let mut timings: Vec<Timings> = all
        .into_iter()
        .map(|(name, times)| Timings { name, times })
        .collect();
    timings.sort_by(|a, b| a.name.cmp(&b.name));
    timings
}

/// The register's searches, for vendor (organization) `o`.
fn register_searches(o: usize) -> [(&'static str, String); 6] {
    [
        (
            "register: vendor",
            format!("/api/register?vendor=scale%20{o:02}"),
        ),
        (
            "register: product prefix",
            format!("/api/register?product=line%20{o:02}-00"),
        ),
        (
            "register: issuer",
            format!("/api/register?issuer=lab%20{:02}", o % LABS),
        ),
        (
            "register: combined",
            format!("/api/register?vendor=scale%20{o:02}&product=line&issuer=lab"),
        ),
        (
            "register: revoked",
            "/api/register?status=revoked&limit=50".to_string(),
        ),
        (
            "register: valid",
            "/api/register?status=valid&limit=50".to_string(),
        ),
    ]
}

/// The PostgreSQL server to use, or `None` (outside CI) to skip.
fn postgres() -> Option<String> {
    let url = std::env::var("SMM_BENCH_POSTGRES_URL")
        .or_else(|_| std::env::var("SMM_TEST_POSTGRES_URL"))
        .ok();
    if url.is_none() {
        assert!(
            std::env::var("CI").map(|v| v != "true").unwrap_or(true),
            "CI=true but no PostgreSQL: scripts/test provisions one"
        );
        eprintln!("scale: no SMM_BENCH_POSTGRES_URL or SMM_TEST_POSTGRES_URL, skipped");
    }
    url
}

fn main() {
    // Under `cargo test --benches` there is no `--bench` argument: the small size.
    let benchmarking = std::env::args().any(|a| a == "--bench");
    let quick = !benchmarking || std::env::args().any(|a| a == "--test");
    let Some(base) = postgres() else { return };
    let size = if quick { UNDER_TEST } else { FULL };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run(&base, size, quick));
}

async fn run(base: &str, size: Size, quick: bool) {
    let (prefix, _) = base.rsplit_once('/').expect("a URL with a database name");
    let name = if quick {
        format!("{}_{}", size.name(), std::process::id())
    } else {
        size.name()
    };
    let url = format!("{prefix}/{name}");
    let mut admin = PgConnection::connect(base)
        .await
        .expect("connect to PostgreSQL");
    let exists = sqlx::query("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind(&name)
        .fetch_optional(&mut admin)
        .await
        .expect("pg_database")
        .is_some();
    let reseed = std::env::var("SMM_SCALE_RESEED").is_ok_and(|v| v == "1");
    if exists && (quick || reseed) {
        admin
            .execute(format!("DROP DATABASE {name}").as_str())
            .await
            .expect("drop");
    }
    if !exists || quick || reseed {
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("create database");
    }

    // The keys secret lives as long as the database: it seals the transparency log's key that
    // the store keeps.
    let keys_secret = std::env::temp_dir().join(format!("{name}.keys.secret"));
    if !exists || quick || reseed {
        let _ = std::fs::remove_file(&keys_secret);
    }
    let config = Config {
        listen: "127.0.0.1:0".parse().expect("address"),
        database_url: url.clone(),
        keys_secret: keys_secret.clone(),
        secure_cookies: false,
        trusted_proxies: Vec::new(),
        schemes: Vec::new(),
        catalog: Catalog::builtin(),
        mappings: Vec::new(),
        connections: ConnectionLimits::default(),
        log_origin: None,
        audit_checkpoint_every: None,
        oidc: None,
    };
    let started = Instant::now();
    let state = smm_server::serve::state(&config).await.expect("state");
    let pool = PgPool::connect(&url).await.expect("seed connection");
    let seeded = seed(&state, &pool, size).await;
    state.store.close().await;
    drop(state);
    eprintln!(
        "scale: {} systems, {} assessments ready in {:.1} s",
        size.systems(),
        size.systems() * size.assessments_per_system,
        started.elapsed().as_secs_f64()
    );

    let (ready, address) = tokio::sync::oneshot::channel::<SocketAddr>();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(smm_server::serve::run(
        config,
        move |a| {
            let _ = ready.send(a);
        },
        async move {
            let _ = stopped.await;
        },
    ));
    let http = format!("http://{}", address.await.expect("listening"));
    let client = reqwest::Client::new();

    // The portfolio of the first organization, one request at a time.
    let (org, token) = &seeded.organizations[0];
    let path = format!("{http}/api/organizations/{}/portfolio", org.0);
    let answer = get(&client, &path, Some(token)).await;
    assert_eq!(
        answer["systems"].as_u64(),
        Some(size.systems_per_organization as u64),
        "{answer}"
    );
    let (met, under) = (answer["met"].as_u64(), answer["under"].as_u64());
    assert!(met > Some(0) && under > Some(0), "statuses vary: {answer}");
    let rounds = if quick { 3 } else { 30 };
    let mut portfolio = Timings {
        name: format!("portfolio of {} systems", size.systems_per_organization),
        times: Vec::new(),
    };
    let whole = Instant::now();
    for _ in 0..rounds {
        let t = Instant::now();
        get(&client, &path, Some(token)).await;
        portfolio.times.push(t.elapsed());
    }
    let portfolio_report = portfolio.report(whole.elapsed().as_secs_f64());

    // Gaps of random assessments, and register searches, under load.
    let seconds = if quick { 1.0 } else { 20.0 };
    let organizations = seeded.organizations.clone();
    let (first, per_org) = (seeded.first_assessment, seeded.assessments_per_organization);
    let per_system = size.assessments_per_system as i64;
    let gap = move |random: &mut Random| {
        let o = random.below(organizations.len());
        let n = random.below(per_org as usize) as i64;
        // Skip each system's target: ids run target, its assessments, next target, …
        let id = first + o as i64 * (per_org + per_org / per_system) + n + n / per_system;
        (
            "gap of a random assessment".to_string(),
            format!("/api/documents/{id}/gap"),
            Some(organizations[o].1.clone()),
        )
    };
    let (_, probe, probe_token) = gap(&mut Random(7));
    let gap_answer = get(&client, &format!("{http}{probe}"), probe_token.as_deref()).await;
    assert!(
        gap_answer["practices"]
            .as_array()
            .is_some_and(|p| !p.is_empty()),
        "{gap_answer}"
    );
    // Saturated (clients as fast as they are answered), then at a fixed rate below capacity.
    let gap_rate = if quick { 20.0 } else { GAP_RATE };
    let mut gaps = load(&http, seconds, None, gap.clone()).await;
    for timings in load(&http, seconds, Some(gap_rate), gap).await {
        gaps.push(Timings {
            name: format!("{} at {gap_rate}/s", timings.name),
            times: timings.times,
        });
    }

    for (name, path) in register_searches(0) {
        let found = get(&client, &format!("{http}{path}"), None).await;
        assert!(
            found["items"]
                .as_array()
                .is_some_and(|items| !items.is_empty()),
            "{name} finds something: {found}"
        );
    }
    let vendors = size.organizations;
    let register = move |random: &mut Random| {
        let searches = register_searches(random.below(vendors));
        let (name, path) = searches[random.below(searches.len())].clone();
        (name.to_string(), path, None)
    };
    let mut searches = load(&http, seconds, None, register).await;
    let register_rate = if quick { 20.0 } else { REGISTER_RATE };
    for timings in load(&http, seconds, Some(register_rate), register).await {
        searches.push(Timings {
            name: format!("{} at {register_rate}/s", timings.name),
            times: timings.times,
        });
    }

    let _ = stop.send(());
    server.await.expect("server task").expect("server");

    println!(
        "\nscale: {} systems in {} organizations, {} assessments, {} attestations on PostgreSQL",
        size.systems(),
        size.organizations,
        size.systems() * size.assessments_per_system,
        size.systems()
    );
    println!("{portfolio_report}");
    for mut timings in gaps.into_iter().chain(searches) {
        println!("{}", timings.report(seconds));
    }
    if quick {
        let _ = std::fs::remove_file(&keys_secret);
        pool.close().await;
        admin
            .execute(format!("DROP DATABASE {name} WITH (FORCE)").as_str())
            .await
            .expect("drop");
    }
}
