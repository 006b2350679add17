//! How long the web pages take to render on the server: each main page requested through the
//! router with a signed-in session cookie, as a browser asks for it (session lookup, access
//! check, the documents read and parsed, the pipeline, the template), on SQLite.
//!
//! The store holds the bottling line (its target, the two historical assessments and the
//! current one, so the system page has a trend) and 50 more systems with a target and an
//! assessment each, so the portfolio page lists 51 systems. A wizard draft is open at its
//! practices step. Every page is checked once (200 and a whole HTML document) before it is
//! timed.
//!
//! Run with `cargo bench -p smm-server --bench pages`; see docs/performance.md. Under
//! `cargo test --benches` (CI runs every bench once) each page is rendered once.

use std::hint::black_box;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use criterion::{criterion_group, criterion_main, Criterion};
use http_body_util::BodyExt;
use tower::ServiceExt;

use smm_server::{AppState, Config};
use smm_store::Role;

/// Systems besides the bottling line.
const OTHER_SYSTEMS: usize = 50;

struct Seeded {
    _dir: tempfile::TempDir,
    router: axum::Router,
    cookie: String,
    pages: Vec<(&'static str, String)>,
}

fn example(path: &str) -> Vec<u8> {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(path);
    std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// Sends a request and returns its status, `Location` and body.
async fn send(
    router: &axum::Router,
    method: Method,
    path: &str,
    headers: &[(header::HeaderName, String)],
    body: Option<(&str, Vec<u8>)>,
) -> (StatusCode, Option<String>, Vec<u8>) {
    let mut request = Request::builder().method(method).uri(path);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let request = match body {
        Some((content_type, bytes)) => request
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(bytes)),
        None => request.body(Body::empty()),
    }
    .expect("request");
    let response = router.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let location = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = response.into_body().collect().await.expect("body");
    (status, location, body.to_bytes().to_vec())
}

/// Stores a document through the API and returns its id.
async fn put_document(router: &axum::Router, token: &str, path: &str, yaml: Vec<u8>) -> i64 {
    let auth = [(header::AUTHORIZATION, format!("Bearer {token}"))];
    let (status, _, body) = send(
        router,
        Method::POST,
        path,
        &auth,
        Some(("application/yaml", yaml)),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "{path}: {}",
        String::from_utf8_lossy(&body)
    );
    let answer: serde_json::Value = serde_json::from_slice(&body).expect("json");
    answer["id"].as_i64().expect("id")
}

async fn create_system(router: &axum::Router, token: &str, org: i64, name: &str) -> i64 {
    let auth = [(header::AUTHORIZATION, format!("Bearer {token}"))];
    let body = serde_json::json!({ "name": name }).to_string().into_bytes();
    let (status, _, body) = send(
        router,
        Method::POST,
        &format!("/api/organizations/{org}/systems"),
        &auth,
        Some(("application/json", body)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let answer: serde_json::Value = serde_json::from_slice(&body).expect("json");
    answer["id"].as_i64().expect("id")
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
    let store = &state.store;
    let org = store
        .create_organization("bench", "Bench Co")
        .await
        .expect("organization");
    let user = store
        .create_user("bench", "claire", "a long bench password")
        .await
        .expect("user");
    store
        .set_membership("bench", user, org, Role::Owner)
        .await
        .expect("membership");
    let (_, token) = store
        .create_api_token("bench", org, Role::Owner, "seed", i64::MAX, None)
        .await
        .expect("token");
    let far = 4_102_444_800; // 2100-01-01
    let (secret, session) = store.create_session(user, far).await.expect("session");
    let cookie = format!("{}={secret}", smm_server::auth::SESSION_COOKIE);
    let router = smm_server::router(state.clone());

    let line = create_system(&router, &token, org.0, "Bottling line BL-2").await;
    let target = put_document(
        &router,
        &token,
        &format!("/api/systems/{line}/targets"),
        example("bottling-line/target.yaml"),
    )
    .await;
    let mut assessment = 0;
    for file in [
        "bottling-line/history/2026-03-site-acceptance.yaml",
        "bottling-line/history/2026-10-reassessment.yaml",
        "bottling-line/assessment.yaml",
    ] {
        assessment = put_document(
            &router,
            &token,
            &format!("/api/systems/{line}/assessments"),
            example(file),
        )
        .await;
    }
    for n in 0..OTHER_SYSTEMS {
        let other = create_system(&router, &token, org.0, &format!("Line {n:02}")).await;
        put_document(
            &router,
            &token,
            &format!("/api/systems/{other}/targets"),
            example("bottling-line/target.yaml"),
        )
        .await;
        put_document(
            &router,
            &token,
            &format!("/api/systems/{other}/assessments"),
            example("bottling-line/assessment.yaml"),
        )
        .await;
    }
    // A wizard draft, opened as the form does.
    let (status, location, _) = send(
        &router,
        Method::POST,
        &format!("/systems/{line}/drafts"),
        &[(header::COOKIE, cookie.clone())],
        Some((
            "application/x-www-form-urlencoded",
            format!("csrf={}&template=", session.csrf_token).into_bytes(),
        )),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "draft");
    let draft = location
        .expect("draft location")
        .trim_end_matches("/background")
        .to_string();

    let org = org.0;
    let pages = vec![
        ("portfolio", format!("/orgs/{org}")),
        ("system", format!("/systems/{line}")),
        ("gap", format!("/documents/{assessment}/gap")),
        (
            "gap_bar_chart_svg",
            format!("/documents/{assessment}/chart.svg?kind=bar&level=subdomain"),
        ),
        ("assessment_editor", format!("/documents/{assessment}/edit")),
        ("wizard_practices", format!("{draft}/practices")),
        (
            "roadmap_with_budget",
            format!("/documents/{assessment}/roadmap?budget=20000&period=quarter"),
        ),
        (
            "compare",
            format!("/orgs/{org}/compare?left={target}&right={assessment}"),
        ),
        ("audit_log", format!("/orgs/{org}/audit")),
        ("verify_form", "/verify".to_string()),
    ];
    Seeded {
        _dir: dir,
        router,
        cookie,
        pages,
    }
}

/// One page, as a browser asks for it: its size in bytes.
async fn page(seeded: &Seeded, path: &str) -> usize {
    let (status, _, body) = send(
        &seeded.router,
        Method::GET,
        path,
        &[(header::COOKIE, seeded.cookie.clone())],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{path}");
    body.len()
}

fn pages(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let seeded = runtime.block_on(seed());
    for (name, path) in &seeded.pages {
        let (status, _, body) = runtime.block_on(send(
            &seeded.router,
            Method::GET,
            path,
            &[(header::COOKIE, seeded.cookie.clone())],
            None,
        ));
        let text = String::from_utf8_lossy(&body);
        assert_eq!(status, StatusCode::OK, "{name} ({path}): {text}");
        assert!(
            text.contains("</html>") || text.contains("</svg>"),
            "{name} ({path}) is a whole document"
        );
        eprintln!("{name:>20}: {path} ({} bytes)", body.len());
    }
    let mut group = c.benchmark_group("pages");
    group
        .sample_size(50)
        .measurement_time(Duration::from_secs(4));
    for (name, path) in &seeded.pages {
        group.bench_function(*name, |b| {
            b.iter(|| runtime.block_on(page(&seeded, black_box(path))))
        });
    }
    group.finish();
}

criterion_group!(benches, pages);
criterion_main!(benches);
