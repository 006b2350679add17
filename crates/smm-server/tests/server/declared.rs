//! Each endpoint is declared once: the router and the OpenAPI document come from the same
//! annotations, so an endpoint cannot be served undocumented or documented unserved. And the
//! error spine: answers the server cannot give say so without its insides, and races on a
//! constraint end as the caller's conflict, never as a server error.

use axum::http::{Method, StatusCode};
use serde_json::Value;

use crate::common::{App, Backend};

fn methods(item: &Value) -> Vec<Method> {
    ["get", "put", "post", "delete", "patch"]
        .into_iter()
        .filter(|m| item.get(*m).is_some())
        .map(|m| m.to_uppercase().parse().expect("method"))
        .collect()
}

/// `/api/systems/{id}/grants/{organization}` with each parameter filled in.
fn concrete(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').expect("closing brace") + open;
        out.push_str(
            if rest[open + 1..close] == *"organization" || rest[open + 1..close] == *"name" {
                "someone"
            } else if rest[open + 1..close] == *"sha256" {
                "00"
            } else {
                "1"
            },
        );
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

#[tokio::test]
async fn every_documented_endpoint_is_served() {
    let app = App::start(Backend::Sqlite).await.expect("server");
    let doc: Value = serde_json::from_str(&smm_server::openapi::document()).expect("OpenAPI JSON");
    let paths = doc["paths"].as_object().expect("paths");
    assert!(
        paths.len() > 30,
        "the document lists the API: {}",
        paths.len()
    );
    for (path, item) in paths {
        let methods = methods(item);
        assert!(!methods.is_empty(), "{path} has no operation");
        for method in methods {
            let answer = app
                .send(method.clone(), &concrete(path), None, None, &[])
                .await;
            let body = answer.text();
            // The fallbacks name the document; a handler's own 404 names what is missing.
            assert!(
                !body.contains("no such endpoint") && !body.contains("does not take that method"),
                "{method} {path} is documented but not served: {} {body}",
                answer.status
            );
        }
    }
}

#[test]
fn no_api_route_is_declared_outside_the_documented_routers() {
    // Routes of the API are added only through `routes!` (route and document together); the
    // document itself is the one exception.
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut stack = vec![src];
    let mut offenders = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("source dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("source");
                let compact: String = text.split_whitespace().collect();
                for (i, _) in compact.match_indices(".route(\"/api") {
                    let call = &compact[i..compact.len().min(i + 40)];
                    if !call.starts_with(".route(\"/api/openapi.json\"") {
                        offenders.push(format!("{}: {call}", path.display()));
                    }
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "API routes declared without their description: {offenders:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_creations_of_one_name_end_in_conflicts_not_server_errors() {
    let app = std::sync::Arc::new(App::start(Backend::Sqlite).await.expect("server"));
    let owner = app.token("Racers", smm_store::Role::Owner).await;
    let org = app.organization("Racers").await;
    let path = format!("/api/organizations/{}/systems", org.0);
    let tasks: Vec<_> = (0..12)
        .map(|_| {
            let (app, path, owner) = (app.clone(), path.clone(), owner.clone());
            tokio::spawn(async move {
                app.post_json(&path, &owner, serde_json::json!({"name": "Line 7"}))
                    .await
                    .status
            })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.expect("task"));
    }
    let created = answers
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    assert_eq!(created, 1, "exactly one creation wins: {answers:?}");
    assert!(
        answers
            .iter()
            .all(|s| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT),
        "the others are told the name is taken: {answers:?}"
    );
}

/// Every operation of the document, as (method, path, operation).
fn operations(doc: &Value) -> Vec<(Method, String, Value)> {
    let paths = doc["paths"].as_object().expect("paths");
    let mut all = Vec::new();
    for (path, item) in paths {
        for method in methods(item) {
            let operation = item[method.as_str().to_lowercase()].clone();
            all.push((method, path.clone(), operation));
        }
    }
    all
}

fn documented_statuses(operation: &Value) -> Vec<String> {
    operation["responses"]
        .as_object()
        .map(|r| r.keys().cloned().collect())
        .unwrap_or_default()
}

/// Each `$ref` in `value`, anywhere.
fn references(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => references(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, out)),
        _ => {}
    }
}

#[test]
fn every_problem_is_declared_as_problem_json_and_every_reference_resolves() {
    // Clients and the fuzz run (scripts/fuzz-api) check answers against the document: a problem
    // declared as `application/json`, or a schema that names a missing one, fails every check.
    let doc: Value = serde_json::from_str(&smm_server::openapi::document()).expect("OpenAPI JSON");
    let mut refs = Vec::new();
    references(&doc, &mut refs);
    for r in &refs {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("a reference outside the schemas: {r}"));
        assert!(
            doc["components"]["schemas"].get(name).is_some(),
            "{r} does not resolve"
        );
    }
    assert!(refs.iter().any(|r| r.ends_with("/FieldError")), "{refs:?}");
    for (method, path, operation) in operations(&doc) {
        for (status, response) in operation["responses"].as_object().expect("responses") {
            for (media_type, content) in response["content"].as_object().into_iter().flatten() {
                let problem = content["schema"]["$ref"] == "#/components/schemas/Problem";
                assert_eq!(
                    problem,
                    media_type == "application/problem+json",
                    "{method} {path} {status}: a problem is sent as application/problem+json, \
                     and only a problem: {media_type}"
                );
            }
        }
    }
}

#[tokio::test]
async fn every_operation_says_whether_it_needs_credentials_and_refuses_401_without_them() {
    let app = App::start(Backend::Sqlite).await.expect("server");
    let doc: Value = serde_json::from_str(&smm_server::openapi::document()).expect("OpenAPI JSON");
    let schemes = &doc["components"]["securitySchemes"];
    let mut public = Vec::new();
    for (method, path, operation) in operations(&doc) {
        let body = operation
            .get("requestBody")
            .map(|_| ("application/json", b"{}".to_vec()));
        let answer = app
            .send(method.clone(), &concrete(&path), None, body, &[])
            .await;
        match operation["security"].as_array() {
            Some(requirements) => {
                assert_eq!(
                    answer.status,
                    StatusCode::UNAUTHORIZED,
                    "{method} {path} declares credentials but answered without them: {}",
                    answer.text()
                );
                assert!(
                    documented_statuses(&operation).contains(&"401".to_string()),
                    "{method} {path} can answer 401 but does not say so"
                );
                for requirement in requirements {
                    for scheme in requirement.as_object().expect("requirement").keys() {
                        assert!(schemes.get(scheme).is_some(), "no scheme {scheme}");
                    }
                }
            }
            None => {
                assert_ne!(
                    answer.status,
                    StatusCode::UNAUTHORIZED,
                    "{method} {path} needs credentials but does not declare them"
                );
                public.push(format!("{method} {path}"));
            }
        }
    }
    // The public ones are the few that are public by design.
    public.sort();
    assert_eq!(
        public,
        [
            "GET /api/health",
            "GET /api/issuers",
            "GET /api/issuers/{issuer}/revocations",
            "GET /api/log",
            "GET /api/log/attestations/{serial}",
            "GET /api/log/attestations/{serial}/proof",
            "GET /api/log/audit-checkpoint",
            "GET /api/log/checkpoint",
            "GET /api/log/entries",
            "GET /api/log/proofs/consistency",
            "GET /api/log/proofs/inclusion",
            "GET /api/oscal/catalog",
            "GET /api/ready",
            "GET /api/register",
            "GET /api/schemes",
            "GET /api/standards",
            "GET /api/standards/{standard}",
            "POST /api/certificates/verify",
            "POST /api/session",
        ]
    );
}

#[tokio::test]
async fn what_the_shared_extractors_refuse_is_answered_with_a_documented_status() {
    // An unknown query parameter, a malformed body, an id that is not a number: each operation
    // refuses them before its own logic, and the document must list the status it gives.
    let app = App::start(Backend::Sqlite).await.expect("server");
    let token = app.token("Acme", smm_store::Role::Owner).await;
    let doc: Value = serde_json::from_str(&smm_server::openapi::document()).expect("OpenAPI JSON");
    for (method, path, operation) in operations(&doc) {
        let documented = documented_statuses(&operation);
        let takes_query = operation["parameters"]
            .as_array()
            .is_some_and(|p| p.iter().any(|p| p["in"] == "query"));
        let json_body = operation["requestBody"]["content"]
            .get("application/json")
            .is_some();
        let mut requests = vec![(concrete(&path), None)];
        if takes_query {
            requests.push((format!("{}?unknown=1", concrete(&path)), None));
        }
        if json_body {
            requests.push((concrete(&path), Some(b"{\"name\": ".to_vec())));
        }
        if path.contains('{') {
            let odd = concrete(&path).replace("/1", "/99999999999999999999");
            requests.push((odd, None));
        }
        for (uri, body) in requests {
            let sent = body.clone().map(|b| ("application/json", b));
            let answer = app
                .send(method.clone(), &uri, Some(&token), sent, &[])
                .await;
            let status = answer.status.as_u16().to_string();
            assert!(
                documented.contains(&status),
                "{method} {uri} answered {status}, the document lists {documented:?}: {}",
                answer.text()
            );
            let media_type = answer
                .header("content-type")
                .unwrap_or_default()
                .split(';')
                .next()
                .unwrap_or_default()
                .to_string();
            let declared = &operation["responses"][&status]["content"];
            assert!(
                declared.get(&media_type).is_some()
                    || (declared.is_null() && answer.body.is_empty()),
                "{method} {uri} {status} sent {media_type}, the document declares {declared}"
            );
        }
    }
}
