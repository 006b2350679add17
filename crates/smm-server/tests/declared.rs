//! Each endpoint is declared once: the router and the OpenAPI document come from the same
//! annotations, so an endpoint cannot be served undocumented or documented unserved. And the
//! error spine: answers the server cannot give say so without its insides, and races on a
//! constraint end as the caller's conflict, never as a server error.

mod common;

use axum::http::{Method, StatusCode};
use serde_json::Value;

use common::{App, Backend};

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
