//! Requests generated from the OpenAPI document, valid and not: every path and method with
//! odd ids, odd query values and hostile bodies (malformed and deeply nested JSON and YAML,
//! alias bombs, invalid UTF-8, wrong types). The server must answer each with a status below
//! 500, and every 4xx with a problem-details body. Deterministic (a fixed seed), bounded.

use axum::http::{Method, StatusCode};
use serde_json::Value;
use smm_store::Role;

use crate::common::{example, App, Backend};

/// A small deterministic generator (xorshift64*), so a failure is reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

const IDS: &[&str] = &[
    "1",
    "2",
    "3",
    "0",
    "-1",
    "999999",
    "99999999999999999999",
    "abc",
    "1.5",
    "%00",
    "%2e%2e",
    "acme",
    "lab",
    "owner",
];

const VALUES: &[&str] = &[
    "",
    "0",
    "-1",
    "1",
    "500",
    "501",
    "abc",
    "9999999999999999999999",
    "2026-13-45",
    "2026-02",
    "money",
    "days",
    "month",
    "pdf",
    "html",
    "md",
    "under",
    "%FF%FE",
    "%E2%80%AE",
];

fn bodies() -> Vec<(&'static str, Vec<u8>)> {
    let deep_json = "[".repeat(100_000);
    let deep_yaml = format!("a: {}", "[".repeat(100_000));
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        bomb.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    vec![
        ("application/json", Vec::new()),
        ("application/json", b"{}".to_vec()),
        ("application/json", b"{\"name\": \"fuzzed\"}".to_vec()),
        ("application/json", b"null".to_vec()),
        ("application/json", b"[]".to_vec()),
        (
            "application/json",
            b"{\"name\": 5, \"role\": [], \"assessments\": \"x\"}".to_vec(),
        ),
        (
            "application/json",
            b"{\"name\": \"x\", \"role\": \"emperor\"}".to_vec(),
        ),
        (
            "application/json",
            b"{\"assessments\": [1, 2, -5], \"valid_until\": \"tomorrow\"}".to_vec(),
        ),
        (
            "application/json",
            b"{\"certificate\": {\"payloadType\": \"x\", \"payload\": \"!!\", \"signatures\": []}}"
                .to_vec(),
        ),
        ("application/json", deep_json.into_bytes()),
        ("application/json", vec![0xff, 0xfe, 0x00, 0x7b]),
        ("application/yaml", b"smm: 1\nkind: Assessment\n".to_vec()),
        (
            "application/yaml",
            b"smm: 1\nkind: TargetProfile\ngoals: 7\n".to_vec(),
        ),
        ("application/yaml", b"kind: [unclosed\n".to_vec()),
        ("application/yaml", deep_yaml.into_bytes()),
        ("application/yaml", bomb.into_bytes()),
        ("text/plain", b"just text".to_vec()),
        ("image/png", b"\x89PNG\r\n\x1a\nnot really".to_vec()),
        ("application/pdf", b"%PDF-1.4 tiny".to_vec()),
    ]
}

fn method(name: &str) -> Method {
    match name {
        "get" => Method::GET,
        "post" => Method::POST,
        "put" => Method::PUT,
        "delete" => Method::DELETE,
        "patch" => Method::PATCH,
        _ => Method::OPTIONS,
    }
}

/// Every operation: method, path template, path parameter names, query parameter names.
fn operations(doc: &Value) -> Vec<(String, String, Vec<String>, Vec<String>)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (name, op) in item.as_object().expect("path item") {
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let names = |place: &str| {
                params
                    .iter()
                    .filter(|p| p["in"] == place)
                    .filter_map(|p| p["name"].as_str().map(str::to_string))
                    .collect::<Vec<_>>()
            };
            out.push((name.clone(), path.clone(), names("path"), names("query")));
        }
    }
    out
}

async fn generated_requests_never_get_a_server_error(app: App) {
    // Tokens with small ids exist to be revoked by the fuzzer; the ones it uses come later.
    for _ in 0..5 {
        app.token("acme", Role::Editor).await;
    }
    let owner = app.token("acme", Role::Owner).await;
    let viewer = app.token("acme", Role::Viewer).await;
    let org = app.organization("acme").await.0;
    let system = app
        .post_json(
            &format!("/api/organizations/{org}/systems"),
            &owner,
            serde_json::json!({"name": "Line"}),
        )
        .await
        .json()["id"]
        .as_i64()
        .expect("system");
    for (kind, file) in [
        ("targets", "target.yaml"),
        ("assessments", "assessment.yaml"),
    ] {
        let made = app
            .post_yaml(
                &format!("/api/systems/{system}/{kind}"),
                &owner,
                &example(&format!("bottling-line/{file}")),
            )
            .await;
        assert_eq!(made.status, StatusCode::CREATED);
    }
    // Every hostile body straight at the document endpoints, with access: refused, not crashed.
    for (content_type, bytes) in bodies() {
        for path in [
            format!("/api/systems/{system}/targets"),
            format!("/api/systems/{system}/assessments"),
        ] {
            let answer = app
                .send(
                    Method::POST,
                    &path,
                    Some(&owner),
                    Some((content_type, bytes.clone())),
                    &[],
                )
                .await;
            assert!(
                answer.status.is_client_error(),
                "{path} with {content_type} ({} bytes) -> {}: {}",
                bytes.len(),
                answer.status,
                answer.text()
            );
        }
    }
    let doc: Value = serde_json::from_str(&smm_server::openapi::document()).expect("OpenAPI JSON");
    assert_eq!(doc["openapi"], "3.1.0");
    let operations = operations(&doc);
    assert!(operations.len() >= 30, "{} operations", operations.len());
    let bodies = bodies();
    let mut rng = Rng(0x5EED_0F5A_17AB);
    let mut sent = 0;
    let mut statuses = std::collections::BTreeMap::new();
    for (name, template, path_params, query_params) in &operations {
        for round in 0u32..40 {
            let mut path = template.clone();
            for p in path_params {
                let value = if round.is_multiple_of(2) {
                    "1"
                } else {
                    rng.pick(IDS)
                };
                path = path.replace(&format!("{{{p}}}"), value);
            }
            let mut query = Vec::new();
            for q in query_params {
                if rng.next().is_multiple_of(2) {
                    query.push(format!("{q}={}", rng.pick(VALUES)));
                }
            }
            if rng.next().is_multiple_of(8) {
                query.push("unknown=1".to_string());
            }
            if !query.is_empty() {
                path = format!("{path}?{}", query.join("&"));
            }
            let takes_document = template.ends_with("/targets")
                || template.ends_with("/assessments")
                || template == "/api/documents/{id}";
            let body = (name != "get").then(|| {
                if takes_document && !rng.next().is_multiple_of(4) {
                    rng.pick(&bodies[bodies.len() - 8..]).clone()
                } else {
                    rng.pick(&bodies).clone()
                }
            });
            let token = match rng.next() % 8 {
                0 => None,
                1 => Some(viewer.as_str()),
                _ => Some(owner.as_str()),
            };
            let extra: &[(&str, &str)] = match rng.next() % 6 {
                0 => &[("if-match", "\"1\"")],
                1 => &[("if-match", "garbage")],
                2 => &[("accept", "application/yaml")],
                _ => &[],
            };
            let answer = app.send(method(name), &path, token, body, extra).await;
            sent += 1;
            *statuses.entry(answer.status.as_u16()).or_insert(0) += 1;
            assert!(
                answer.status.as_u16() < 500,
                "{} {path} -> {}: {}",
                name.to_uppercase(),
                answer.status,
                answer.text()
            );
            if answer.status.is_client_error() {
                assert_eq!(
                    answer.header("content-type").as_deref(),
                    Some("application/problem+json"),
                    "{} {path} -> {} without a problem body",
                    name.to_uppercase(),
                    answer.status
                );
                let problem = answer.json();
                assert_eq!(problem["status"], answer.status.as_u16());
            }
        }
    }
    assert!(sent > 1000);
    eprintln!("statuses: {statuses:?}");
    // The generated requests reach the handlers, not only the router's rejections.
    for expected in [200, 201, 400, 401, 403, 404, 422] {
        assert!(
            statuses.contains_key(&expected),
            "no {expected} in {statuses:?}"
        );
    }
    assert!(app.store().verify_audit().await.expect("audit").intact());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fuzz_sqlite() {
    let app = App::start(Backend::Sqlite).await.expect("sqlite");
    generated_requests_never_get_a_server_error(app).await;
}
