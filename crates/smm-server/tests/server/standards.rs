//! Standards on the server: the mappings listed publicly, a stored profile read in a standard's
//! terms exactly as the core reads the same files for `smm map`, in every format, behind the
//! same access rule as the gap; a mapping given at start; and the page.

use axum::http::{Method, StatusCode};
use serde_json::Value;
use smm_core::mapping::{coverage, parse_mapping, Mapping};
use smm_core::{Catalog, ProfileView};
use smm_store::Role;

use crate::common::{example, App, Backend};

/// What `smm map STANDARD target assessment --json` computes from the files, without its header.
fn from_files(standard: &str, target: &str, assessment: &str) -> Value {
    let catalog = Catalog::builtin();
    let mapping = smm_core::mapping::builtin_mapping(&catalog, standard)
        .expect("known")
        .expect("checks");
    let target = smm_core::parse_target(&example(target)).expect("target");
    let resolved = smm_core::resolve(&catalog, &target).expect("resolves");
    let assessment = smm_core::parse_assessment(&example(assessment)).expect("assessment");
    let current = smm_core::current_profile(&catalog, &assessment).expect("checks");
    let planned = ProfileView::of_target(&resolved);
    let today = ProfileView::of_current(&catalog, &current);
    serde_json::to_value(coverage(&catalog, &mapping, Some(&planned), Some(&today))).expect("json")
}

#[tokio::test]
async fn a_stored_assessment_is_read_in_a_standard_as_the_cli_reads_its_files() {
    let app = App::start(Backend::Sqlite).await.expect("server");
    let (owner, _system, assessment) = app.vendor().await;

    // The list and the mappings are public reference data.
    let listed = app
        .send(Method::GET, "/api/standards", None, None, &[])
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text());
    let ids: Vec<String> = listed.json()["standards"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|s| s["id"].as_str().map(str::to_string))
        .collect();
    assert_eq!(ids.len(), smm_core::mapping::BUILTIN_MAPPINGS.len());
    assert!(ids.iter().any(|i| i == "etsi-en-303-645"));
    let mapping = app
        .send(
            Method::GET,
            "/api/standards/eu-cra-annex-i",
            None,
            None,
            &[],
        )
        .await;
    assert_eq!(mapping.status, StatusCode::OK);
    assert_eq!(mapping.json()["kind"], "Mapping");
    assert_eq!(mapping.json()["clauses"].as_array().map(Vec::len), Some(22));
    let unknown = app
        .send(Method::GET, "/api/standards/iso-9999", None, None, &[])
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(
        unknown.text().contains("etsi-en-303-645"),
        "{}",
        unknown.text()
    );

    // The API's reading equals the core's on the same documents: one rule, every door.
    for standard in ["etsi-en-303-645", "iec-62443-4-2", "nist-csf-2.0"] {
        let path = format!("/api/documents/{assessment}/coverage/{standard}");
        let answer = app.get(&path, &owner).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
        assert_eq!(
            answer.json(),
            from_files(
                standard,
                "ota-gateway/target.yaml",
                "ota-gateway/certification/assessment-final.yaml"
            ),
            "{standard}"
        );
    }

    // Every format, with its type; an unknown one is refused on its field.
    let base = format!("/api/documents/{assessment}/coverage/iec-62443-3-3");
    for (format, media, start) in [
        ("csv", "text/csv; charset=utf-8", &b"standard,version"[..]),
        (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &b"PK"[..],
        ),
        ("svg", "image/svg+xml", &b"<svg"[..]),
    ] {
        let answer = app.get(&format!("{base}?format={format}"), &owner).await;
        assert_eq!(answer.status, StatusCode::OK, "{format}");
        assert_eq!(answer.header("content-type").as_deref(), Some(media));
        assert!(answer.body.starts_with(start), "{format}");
    }
    // The report gets the standard's section; an unknown standard is refused.
    let report = app
        .get(
            &format!("/api/documents/{assessment}/report?format=html&standard=eu-cra-annex-i"),
            &owner,
        )
        .await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(report.text().contains("id=\"standard-eu-cra-annex-i\""));
    let report = app
        .get(
            &format!("/api/documents/{assessment}/report?format=html&standard=nope"),
            &owner,
        )
        .await;
    assert_eq!(report.status, StatusCode::NOT_FOUND);
    let bad = app.get(&format!("{base}?format=docx"), &owner).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text().contains("format"));
}

#[tokio::test]
async fn another_organization_cannot_tell_a_document_or_a_standard_exists() {
    let app = App::start(Backend::Sqlite).await.expect("server");
    let (_owner, _system, assessment) = app.vendor().await;
    let stranger = app.token("stranger", Role::Owner).await;
    let known = app
        .get(
            &format!("/api/documents/{assessment}/coverage/etsi-en-303-645"),
            &stranger,
        )
        .await;
    let unknown_standard = app
        .get(
            &format!("/api/documents/{assessment}/coverage/no-such"),
            &stranger,
        )
        .await;
    let unknown_document = app
        .get("/api/documents/999999/coverage/etsi-en-303-645", &stranger)
        .await;
    for answer in [&known, &unknown_standard, &unknown_document] {
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{}", answer.text());
    }
    // The same words whatever was absent: nothing to enumerate by.
    assert_eq!(known.text(), unknown_standard.text());
    let anonymous = app
        .send(
            Method::GET,
            &format!("/api/documents/{assessment}/coverage/etsi-en-303-645"),
            None,
            None,
            &[],
        )
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

const OWN: &str = r#"smm: 1
kind: Mapping
standard: {id: etsi-en-303-645, title: Our reading of EN 303 645, version: "house-1", publisher: Us}
catalog: {id: iot-smm, version: "1.2"}
method: Our own reading, stricter on updates.
clauses:
  - id: U-1
    title: Updates within a week
    relations:
      - {practice: monitoring, relationship: subset-of, comprehensiveness: 4, scope: system, rationale: A week needs formalized monitoring of every device.}
"#;

#[tokio::test]
async fn a_mapping_given_at_start_replaces_the_built_in_one_of_its_id_and_the_page_shows_it() {
    let first = App::start(Backend::Sqlite).await.expect("server");
    let catalog = Catalog::builtin();
    let own: Mapping = parse_mapping(&catalog, OWN).expect("mapping");
    let app = first
        .beside(|c| c.mappings = vec![own])
        .await
        .expect("server with a mapping");
    let listed = app
        .send(Method::GET, "/api/standards", None, None, &[])
        .await
        .json();
    let standards = listed["standards"].as_array().expect("list");
    assert_eq!(standards[0]["version"], "house-1");
    assert_eq!(
        standards
            .iter()
            .filter(|s| s["id"] == "etsi-en-303-645")
            .count(),
        1
    );
    let (owner, _system, assessment) = app.vendor().await;
    let c = app
        .get(
            &format!("/api/documents/{assessment}/coverage/etsi-en-303-645"),
            &owner,
        )
        .await
        .json();
    assert_eq!(c["clauses"].as_array().map(Vec::len), Some(1));
    assert_eq!(c["clauses"][0]["planned"], "not-addressed");

    // The page: the standard chosen, its clause, its status and the downloads.
    app.user("vera", "vendor", Role::Viewer).await;
    let cookie = app.session_of("vera").await;
    let page = app
        .page(
            &cookie,
            &format!("/documents/{assessment}/standards?standard=etsi-en-303-645"),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let html = page.text();
    assert!(html.contains("U-1 Updates within a week"), "{html}");
    assert!(html.contains("▼ not addressed"));
    assert!(html.contains("coverage/etsi-en-303-645?format=xlsx"));
    let missing = app
        .page(
            &cookie,
            &format!("/documents/{assessment}/standards?standard=nope"),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}
