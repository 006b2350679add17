//! OSCAL on the server: the catalog is public, a stored document comes out as `smm oscal export`
//! writes the same file, and the served assessment results import back with nothing lost.

use axum::http::{Method, StatusCode};
use smm_core::{content_digest, Catalog};
use smm_store::Role;

use crate::common::{example, App, Backend};

const TARGET: &str = "ota-gateway/target.yaml";
const ASSESSMENT: &str = "ota-gateway/certification/assessment-final.yaml";

#[tokio::test]
async fn stored_documents_come_out_as_the_cli_exports_them_and_import_back_whole() {
    let app = App::start(Backend::Sqlite).await.expect("server");
    let catalog = Catalog::builtin();

    // The catalog: public, and byte for byte what `smm oscal export catalog` writes.
    let served = app
        .send(Method::GET, "/api/oscal/catalog", None, None, &[])
        .await;
    assert_eq!(served.status, StatusCode::OK, "{}", served.text());
    assert_eq!(
        served.text(),
        smm_oscal::render(
            &smm_oscal::catalog::catalog(&catalog),
            smm_oscal::Format::Json
        )
    );
    let yaml = app
        .send(
            Method::GET,
            "/api/oscal/catalog?format=yaml",
            None,
            None,
            &[],
        )
        .await;
    assert_eq!(
        yaml.header("content-type").as_deref(),
        Some("application/yaml")
    );
    assert!(
        yaml.text().starts_with("catalog:"),
        "{}",
        &yaml.text()[..80]
    );

    let owner = app.token("vendor", Role::Owner).await;
    let org = app.organization("vendor").await.0;
    let system = app.system(&owner, org, "GW-7").await;
    let target = app
        .document(&owner, system, "targets", &example(TARGET))
        .await;
    let assessment = app
        .document(&owner, system, "assessments", &example(ASSESSMENT))
        .await;

    // The assessment results: those the core makes of the same files.
    let t = smm_core::parse_target(&example(TARGET)).expect("target");
    let resolved = smm_core::resolve(&catalog, &t).expect("resolves");
    let a = smm_core::parse_assessment(&example(ASSESSMENT)).expect("assessment");
    let current = smm_core::current_profile(&catalog, &a).expect("checks");
    let gap = smm_core::gap(&resolved, &current).expect("gap");
    let results = app
        .get(&format!("/api/documents/{assessment}/oscal"), &owner)
        .await;
    assert_eq!(results.status, StatusCode::OK, "{}", results.text());
    assert_eq!(
        results.json(),
        smm_oscal::results::assessment_results(&a, &gap)
    );
    // ... and they import back into the very assessment stored.
    let imported = smm_oscal::import_results(&catalog, &results.text()).expect("imports");
    assert!(imported.report.is_empty(), "{:?}", imported.report);
    assert_eq!(content_digest(&imported.assessment), content_digest(&a));

    // The target as a profile importing this server's catalog.
    let profile = app
        .get(&format!("/api/documents/{target}/oscal"), &owner)
        .await
        .json();
    assert_eq!(
        profile["profile"]["imports"][0]["href"]
            .as_str()
            .map(|h| h.ends_with("/api/oscal/catalog") || h.starts_with('#')),
        Some(true),
        "{}",
        profile["profile"]["imports"]
    );
    assert_eq!(
        profile,
        smm_oscal::profile::profile(&t, &resolved, "/api/oscal/catalog")
    );

    // The roadmap as a POA&M, with the roadmap's budget words.
    let poam = app
        .get(
            &format!("/api/documents/{assessment}/oscal?model=poam&budget=40000&start=2027-01"),
            &owner,
        )
        .await;
    assert_eq!(poam.status, StatusCode::OK, "{}", poam.text());
    assert!(poam.json()["plan-of-action-and-milestones"].is_object());

    // Mistakes are refused on their field; another organization learns nothing.
    for (query, field) in [
        ("model=profile", "model"),
        ("model=ssp", "model"),
        ("format=xml", "format"),
        ("model=poam&unit=coins&budget=5", "unit"),
    ] {
        let answer = app
            .get(
                &format!("/api/documents/{assessment}/oscal?{query}"),
                &owner,
            )
            .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(answer.text().contains(field), "{query}: {}", answer.text());
    }
    let stranger = app.token("stranger", Role::Owner).await;
    let hidden = app
        .get(&format!("/api/documents/{assessment}/oscal"), &stranger)
        .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
}
