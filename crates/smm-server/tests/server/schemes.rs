//! A certification body's own schemes on the server: given at start, listed publicly, named at
//! issue time and enforced with every unmet requirement, as the CLI does; and a stored
//! attestation is verified again before its document is handed over.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};
use smm_core::scheme::{parse_scheme, Scheme};
use smm_store::Role;

use crate::common::{App, Backend};

/// A scheme from YAML text, as `smm serve --scheme` loads it.
fn scheme(yaml: &str) -> Scheme {
    parse_scheme(yaml).unwrap_or_else(|e| panic!("scheme: {e}"))
}

/// Asks for a penetration test, which the example assessment did not do, and only declarations.
const STRICT: &str = "smm: 1\nkind: Scheme\nid: strict-lab\nversion: \"2\"\ntitle: Strict lab\n\
attestations: [declaration]\nrequirements:\n  practices-at-target: true\n  methods: [penetration-test]\n";

/// Lets anything at target through, for half a year.
const SHORT: &str = "smm: 1\nkind: Scheme\nid: short-run\nversion: \"1\"\ntitle: Short run\n\
attestations: [certificate, declaration]\nrequirements:\n  practices-at-target: true\n  validity-max-months: 6\n";

fn declaration(assessment: i64, scheme: Option<&str>) -> Value {
    match scheme {
        Some(s) => json!({"kind": "declaration", "assessments": [assessment], "scheme": s}),
        None => json!({"kind": "declaration", "assessments": [assessment]}),
    }
}

#[tokio::test]
async fn the_server_issues_under_the_schemes_it_was_given_and_refuses_with_every_reason() {
    let first = App::start(Backend::Sqlite).await.expect("server");
    let app = first
        .beside(|c| c.schemes = vec![scheme(STRICT), scheme(SHORT)])
        .await
        .expect("server with schemes");
    let (owner, system, assessment) = app.vendor().await;
    let path = format!("/api/systems/{system}/certificates");

    // Anyone may read the schemes, the default (the first given) first, the built-in one last.
    let listed = app.send(Method::GET, "/api/schemes", None, None, &[]).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text());
    let listed = listed.json();
    let ids: Vec<&str> = listed
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert_eq!(ids, ["strict-lab", "short-run", "smm-baseline"], "{listed}");
    assert_eq!(listed[0]["default"], true);
    assert_eq!(listed[1]["default"], false);
    assert_eq!(
        listed[0]["document"]["requirements"]["methods"][0],
        "penetration-test"
    );

    // Named by nobody, the default applies: refused, naming the scheme and what it misses.
    let refused = app
        .post_json(&path, &owner, declaration(assessment, None))
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text()
    );
    let text = refused.text();
    assert!(text.contains("strict-lab"), "{text}");
    assert!(text.contains("penetration test"), "{text}");

    // An unknown scheme is refused on its field, with the ones there are.
    let unknown = app
        .post_json(
            &path,
            &owner,
            declaration(assessment, Some("no-such-scheme")),
        )
        .await;
    assert_eq!(
        unknown.status,
        StatusCode::BAD_REQUEST,
        "{}",
        unknown.text()
    );
    let text = unknown.text();
    assert!(
        text.contains("short-run") && text.contains("smm-baseline"),
        "{text}"
    );

    // Named, a scheme the assessment meets: signed under it, with its digest, and a default
    // validity of six months less a day.
    let signed = app
        .post_json(&path, &owner, declaration(assessment, Some("short-run")))
        .await;
    assert_eq!(signed.status, StatusCode::CREATED, "{}", signed.text());
    let envelope = signed.json()["envelope"].clone();
    let checked = app
        .send(
            Method::POST,
            "/api/certificates/verify",
            None,
            Some((
                "application/json",
                json!({ "certificate": envelope }).to_string().into_bytes(),
            )),
            &[],
        )
        .await
        .json();
    assert_eq!(checked["passed"], true, "{checked}");
    let statement = &checked["certificate"];
    assert_eq!(statement["scheme"]["id"], "short-run", "{checked}");
    assert_eq!(statement["scheme"]["sha256"], listed[1]["sha256"]);
    let issued = smm_core::document::Date::parse(statement["issued"].as_str().expect("issued"))
        .expect("date");
    let expected = issued
        .plus_months(6)
        .and_then(|d| d.plus_days(-1))
        .expect("date");
    assert_eq!(statement["valid_until"], expected.to_string());
}

#[tokio::test]
async fn two_schemes_with_one_id_stop_the_server() {
    let first = App::start(Backend::Sqlite).await.expect("server");
    let twice = first
        .beside(|c| c.schemes = vec![scheme(SHORT), scheme(SHORT)])
        .await;
    let error = twice.err().expect("refused").to_string();
    assert!(error.contains("short-run"), "{error}");
}

#[tokio::test]
async fn a_document_is_handed_over_only_for_an_attestation_that_verifies_today() {
    let app = App::start(Backend::Sqlite).await.expect("server");
    let (owner, system, assessment) = app.vendor().await;
    app.user("ada", "vendor", Role::Owner).await;
    let cookie = app.session_of("ada").await;
    let signed = app
        .post_json(
            &format!("/api/systems/{system}/certificates"),
            &owner,
            declaration(assessment, None),
        )
        .await;
    assert_eq!(signed.status, StatusCode::CREATED, "{}", signed.text());
    let id = signed.json()["id"].as_i64().expect("id");
    let serial = signed.json()["serial"]
        .as_str()
        .expect("serial")
        .to_string();
    let pdf = format!("/certificates/{id}/cert.pdf");
    let html = format!("/certificates/{id}/cert.html");
    let download = |path: String| {
        let cookie = cookie.clone();
        let app = &app;
        async move {
            app.send(
                Method::GET,
                &path,
                None,
                None,
                &[("cookie", &cookie), ("host", "smm.example")],
            )
            .await
        }
    };
    assert_eq!(download(pdf.clone()).await.status, StatusCode::OK);
    assert_eq!(download(html.clone()).await.status, StatusCode::OK);

    // The vendor's key is revoked from the first day: what it signed no longer verifies, and the
    // record in the database does not make it so. No document is handed over.
    let org = app.organization("vendor").await.0;
    let keys = app
        .get(&format!("/api/organizations/{org}/keys"), &owner)
        .await
        .json();
    let key = if keys["items"].is_array() {
        &keys["items"][0]
    } else {
        &keys[0]
    };
    let keyid = key["keyid"].as_str().expect("key id").to_string();
    let from = key["valid_from"].as_str().expect("valid from").to_string();
    let revoked = app
        .post_json(
            &format!("/api/organizations/{org}/keys/{keyid}/revoke"),
            &owner,
            json!({"from": from, "reason": "key compromise"}),
        )
        .await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.text());
    for path in [&pdf, &html] {
        let refused = download(path.clone()).await;
        assert_eq!(refused.status, StatusCode::CONFLICT, "{path}");
        let text = refused.text();
        assert!(text.contains("does not verify"), "{text}");
    }
    // Its public page says so too, with the reason, instead of showing the signed content.
    let public = app
        .send(
            Method::GET,
            &format!("/attestations/{serial}"),
            None,
            None,
            &[],
        )
        .await;
    assert_eq!(public.status, StatusCode::CONFLICT);
    let text = public.text();
    assert!(text.contains("does not verify"), "{text}");
    assert!(text.contains("revoked"), "{text}");
}
