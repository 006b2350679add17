//! Risk in money on the server: loss scenarios stored and versioned as a third kind of document,
//! an assessment's risk computed by the core's one `outlook` exactly as for the files, behind the
//! gap's access rule, with a bounded number of simulations at once; and the page.

use axum::http::{Method, StatusCode};
use smm_core::risk::{
    outlook, parse_risk_scenarios, RiskEffects, RiskOutlook, RiskResult, SimulationOptions,
};
use smm_core::Catalog;
use smm_store::Role;

use crate::common::{example, App, Backend};

const TARGET: &str = "bottling-line/target.yaml";
const ASSESSMENT: &str = "bottling-line/assessment.yaml";
const SCENARIOS: &str = "bottling-line/risk.yaml";

/// What `smm risk risk.yaml assessment.yaml target.yaml` computes from the files, with the
/// document's settings unless told otherwise.
fn from_files(scenarios: &str, iterations: Option<u32>, seed: Option<u64>) -> RiskOutlook {
    let catalog = Catalog::builtin();
    let scenarios = parse_risk_scenarios(&catalog, scenarios).expect("scenarios");
    let target = smm_core::parse_target(&example(TARGET)).expect("target");
    let resolved = smm_core::resolve(&catalog, &target).expect("resolves");
    let assessment = smm_core::parse_assessment(&example(ASSESSMENT)).expect("assessment");
    let current = smm_core::current_profile(&catalog, &assessment).expect("checks");
    let mut options = SimulationOptions::of(&scenarios);
    if let Some(n) = iterations {
        options.iterations = n;
    }
    if let Some(s) = seed {
        options.seed = s;
    }
    outlook(
        &catalog,
        &RiskEffects::builtin(&catalog),
        &scenarios,
        &current,
        Some(&resolved),
        &options,
    )
    .expect("outlook")
}

/// The figures as JSON text read back, as the answer is read: serde_json's number parser may
/// land a digit-long decimal one step away from the double it was written from, so the two are
/// compared after the same trip through text.
fn as_read(figures: &RiskOutlook) -> serde_json::Value {
    serde_json::from_slice(&serde_json::to_vec(figures).expect("json")).expect("read back")
}

/// An organization `org` with the bottling line's target and assessment: (owner token, system,
/// assessment).
async fn bottling_line(app: &App, org: &str) -> (String, i64, i64) {
    let owner = app.token(org, Role::Owner).await;
    let id = app.organization(org).await.0;
    let system = app.system(&owner, id, "Bottling line BL-2").await;
    app.document(&owner, system, "targets", &example(TARGET))
        .await;
    let assessment = app
        .document(&owner, system, "assessments", &example(ASSESSMENT))
        .await;
    (owner, system, assessment)
}

/// Stores the example's scenarios in a system: the new document's id.
async fn store_scenarios(app: &App, token: &str, system: i64, text: &str) -> i64 {
    let stored = app
        .post_yaml(
            &format!("/api/systems/{system}/risk-scenarios"),
            token,
            text,
        )
        .await;
    assert_eq!(stored.status, StatusCode::CREATED, "{}", stored.text());
    assert_eq!(stored.json()["kind"], "RiskScenarios");
    stored.json()["id"].as_i64().expect("id")
}

#[tokio::test]
async fn the_api_gives_the_cores_figures_for_the_stored_documents() {
    let app = App::start(Backend::Sqlite).await.expect("server");
    let (owner, system, assessment) = bottling_line(&app, "Acme").await;
    let text = example(SCENARIOS);
    let scenarios = store_scenarios(&app, &owner, system, &text).await;
    let listed = app
        .get(&format!("/api/systems/{system}/risk-scenarios"), &owner)
        .await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(listed.json()["items"][0]["id"], scenarios);
    // Scenarios are not targets or assessments: their lists do not show them.
    let assessments = app
        .get(&format!("/api/systems/{system}/assessments"), &owner)
        .await
        .json();
    assert_eq!(assessments["items"].as_array().map(Vec::len), Some(1));

    // The document's own settings, then the caller's: the figures are the core's on the files.
    let path = format!("/api/documents/{assessment}/risk");
    let answer = app.get(&path, &owner).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(
        answer.header("content-type").as_deref(),
        Some("application/json")
    );
    let expected = from_files(&text, None, None);
    assert_eq!(answer.json(), as_read(&expected));
    assert!(expected.mean_reduction.is_some_and(|r| r > 0.0));
    let answer = app
        .get(&format!("{path}?iterations=2000&seed=7"), &owner)
        .await;
    let expected = from_files(&text, Some(2000), Some(7));
    assert_eq!(answer.json(), as_read(&expected));
    // Any unsigned 64-bit seed, as `smm risk` takes it, and as the API document declares it.
    let high = 1u64 << 63;
    let answer = app
        .get(&format!("{path}?iterations=1000&seed={high}"), &owner)
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(
        answer.json(),
        as_read(&from_files(&text, Some(1000), Some(high)))
    );
    let api: serde_json::Value = app.get("/api/openapi.json", &owner).await.json();
    let seed = api["paths"]["/api/documents/{id}/risk"]["get"]["parameters"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == "seed"))
        .map(|p| p["schema"].clone())
        .unwrap_or_default();
    assert_eq!(seed["minimum"], 0, "{seed}");
    assert!(seed["maximum"].as_f64() >= Some(u64::MAX as f64), "{seed}");
    assert!(seed.get("format").is_none(), "{seed}");
    let chart = app
        .get(&format!("{path}?iterations=2000&seed=7&format=svg"), &owner)
        .await;
    assert_eq!(chart.status, StatusCode::OK);
    assert_eq!(
        chart.header("content-type").as_deref(),
        Some("image/svg+xml")
    );
    let refs: Vec<&RiskResult> = expected.profiles.iter().collect();
    assert_eq!(chart.text(), smm_report::chart::exceedance(&refs));
    // The spreadsheets are the CLI's (`smm risk -o risk.csv|xlsx`) for the same figures.
    for (format, bytes, kind) in [
        (
            "csv",
            smm_report::risk::csv(&expected.profiles).expect("csv"),
            "text/csv; charset=utf-8",
        ),
        (
            "xlsx",
            smm_report::risk::xlsx(&expected.profiles).expect("xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ] {
        let sheet = app
            .get(
                &format!("{path}?iterations=2000&seed=7&format={format}"),
                &owner,
            )
            .await;
        assert_eq!(sheet.status, StatusCode::OK, "{format}");
        assert_eq!(sheet.header("content-type").as_deref(), Some(kind));
        assert_eq!(sheet.body, bytes, "{format}");
        assert!(sheet
            .header("content-disposition")
            .is_some_and(|d| d.contains(&format!("smm-risk-{assessment}.{format}"))));
    }

    // A new version of the scenarios is what the next answer simulates.
    let changed = text.replacen("seed: 20260422", "seed: 11", 1);
    let updated = app
        .send(
            Method::PUT,
            &format!("/api/documents/{scenarios}"),
            Some(&owner),
            Some(("application/yaml", changed.clone().into_bytes())),
            &[("if-match", "\"1\"")],
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.text());
    let answer = app.get(&format!("{path}?iterations=2000"), &owner).await;
    assert_eq!(
        answer.json(),
        as_read(&from_files(&changed, Some(2000), None))
    );
    assert_eq!(answer.json()["profiles"][0]["seed"], 11);
}

#[tokio::test]
async fn scenarios_are_refused_where_a_target_or_an_assessment_is_meant() {
    let app = App::start(Backend::Sqlite).await.expect("server");
    let (owner, system, assessment) = bottling_line(&app, "Acme").await;
    let scenarios = store_scenarios(&app, &owner, system, &example(SCENARIOS)).await;
    let target = app
        .get(&format!("/api/systems/{system}/targets"), &owner)
        .await
        .json()["items"][0]["id"]
        .as_i64()
        .expect("target");
    for path in [
        format!("/api/documents/{scenarios}/gap"),
        format!("/api/documents/{scenarios}/roadmap"),
        format!("/api/documents/{scenarios}/report?format=html"),
        format!("/api/documents/{scenarios}/coverage/etsi-en-303-645"),
        format!("/api/documents/{scenarios}/oscal"),
        format!("/api/documents/{scenarios}/oscal?model=profile"),
        format!("/api/documents/{scenarios}/risk"),
        format!("/api/compare?left={target}&right={scenarios}"),
        format!("/api/documents/{assessment}/risk?scenarios={target}"),
    ] {
        let answer = app.get(&path, &owner).await;
        assert!(
            answer.status.is_client_error(),
            "{path}: {} {}",
            answer.status,
            answer.text()
        );
        assert!(
            answer.text().contains("loss scenarios"),
            "{path}: {}",
            answer.text()
        );
    }
    // The pages too, without failing the server.
    app.user("claire", "Acme", Role::Owner).await;
    let cookie = app.session_of("claire").await;
    for path in [
        format!("/documents/{scenarios}/gap"),
        format!("/documents/{scenarios}/standards"),
        format!("/documents/{scenarios}/roadmap"),
        format!("/documents/{scenarios}/edit"),
        format!("/documents/{scenarios}/risk"),
    ] {
        let page = app.page(&cookie, &path).await;
        assert!(page.status.is_client_error(), "{path}: {}", page.status);
    }
    // A new version cannot change its kind.
    let swapped = app
        .send(
            Method::PUT,
            &format!("/api/documents/{scenarios}"),
            Some(&owner),
            Some(("application/yaml", example(ASSESSMENT).into_bytes())),
            &[("if-match", "\"1\"")],
        )
        .await;
    assert_eq!(swapped.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(swapped.json()["field"], "kind");
}

#[tokio::test]
async fn invalid_scenarios_are_refused_naming_line_and_field() {
    let app = App::start(Backend::Sqlite).await.expect("server");
    let (owner, system, _) = bottling_line(&app, "Acme").await;
    let text = example(SCENARIOS);
    let line = text
        .lines()
        .position(|l| l.trim() == "iterations: 100000")
        .expect("the example sets its years")
        + 1;
    let broken = text.replacen("iterations: 100000", "iterations: 5", 1);
    let path = format!("/api/systems/{system}/risk-scenarios");
    let refused = app.post_yaml(&path, &owner, &broken).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let problem = refused.json();
    assert_eq!(problem["field"], "simulation.iterations");
    let pointer = problem["errors"][0]["pointer"].as_str().expect("pointer");
    assert!(
        pointer.starts_with(&format!("{line}:")) && pointer.ends_with("simulation.iterations"),
        "{pointer}"
    );
    // A document of another kind is named as such.
    let target = app.post_yaml(&path, &owner, &example(TARGET)).await;
    assert_eq!(target.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(target.json()["field"], "kind");
    let listed = app.get(&path, &owner).await.json();
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(0));
    // Those who may not write targets may not write scenarios.
    let viewer = app.token("Acme", Role::Viewer).await;
    let assessor = app.token("Acme", Role::Assessor).await;
    for token in [viewer, assessor] {
        let answer = app.post_yaml(&path, &token, &text).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.text());
    }
}

#[tokio::test]
async fn another_organization_gets_the_answer_of_a_missing_id() {
    let app = App::start(Backend::Sqlite).await.expect("server");
    let (owner, system, assessment) = bottling_line(&app, "Acme").await;
    let scenarios = store_scenarios(&app, &owner, system, &example(SCENARIOS)).await;
    let (stranger, other_system, other_assessment) = bottling_line(&app, "Stranger").await;
    let missing = 999_999;
    let same = |answer: &crate::common::Answer, id: i64, missing_answer: &crate::common::Answer| {
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{}", answer.text());
        assert_eq!(
            answer.text().replace(&id.to_string(), "ID"),
            missing_answer.text().replace(&missing.to_string(), "ID")
        );
    };
    let theirs = app
        .get(&format!("/api/documents/{assessment}/risk"), &stranger)
        .await;
    let absent = app
        .get(&format!("/api/documents/{missing}/risk"), &stranger)
        .await;
    same(&theirs, assessment, &absent);
    let svg = app
        .get(
            &format!("/api/documents/{assessment}/risk?format=svg"),
            &stranger,
        )
        .await;
    same(&svg, assessment, &absent);
    // Someone else's scenarios named for one's own assessment: as if there were none.
    let borrowed = app
        .get(
            &format!("/api/documents/{other_assessment}/risk?scenarios={scenarios}"),
            &stranger,
        )
        .await;
    let nothing = app
        .get(
            &format!("/api/documents/{other_assessment}/risk?scenarios={missing}"),
            &stranger,
        )
        .await;
    same(&borrowed, scenarios, &nothing);
    assert_eq!(borrowed.json()["field"], "scenarios");
    // Their list of scenarios, and writing into their system.
    let list = app
        .get(&format!("/api/systems/{system}/risk-scenarios"), &stranger)
        .await;
    let no_list = app
        .get(&format!("/api/systems/{missing}/risk-scenarios"), &stranger)
        .await;
    same(&list, system, &no_list);
    let write = app
        .post_yaml(
            &format!("/api/systems/{system}/risk-scenarios"),
            &stranger,
            &example(SCENARIOS),
        )
        .await;
    assert_eq!(write.status, StatusCode::NOT_FOUND);
    // The page answers alike.
    app.user("mallory", "Stranger", Role::Owner).await;
    let cookie = app.session_of("mallory").await;
    let page = app
        .page(&cookie, &format!("/documents/{assessment}/risk"))
        .await;
    let no_page = app
        .page(&cookie, &format!("/documents/{missing}/risk"))
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(no_page.status, StatusCode::NOT_FOUND);
    let alert = |html: &str| {
        html.lines()
            .find(|l| l.contains("role=\"alert\""))
            .expect("the page says what is missing")
            .to_string()
    };
    assert_eq!(
        alert(&page.text()).replace(&assessment.to_string(), "ID"),
        alert(&no_page.text()).replace(&missing.to_string(), "ID")
    );
    // Their own system has no scenarios: told so, with where to store them.
    let none = app
        .get(
            &format!("/api/documents/{other_assessment}/risk"),
            &stranger,
        )
        .await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(none.json()["field"], "scenarios");
    assert!(none
        .text()
        .contains(&format!("/api/systems/{other_system}/risk-scenarios")));
}

#[tokio::test]
async fn a_removed_member_loses_the_risk_at_once() {
    let app = App::start(Backend::Sqlite).await.expect("server");
    let (owner, system, assessment) = bottling_line(&app, "Acme").await;
    store_scenarios(&app, &owner, system, &example(SCENARIOS)).await;
    app.user("vera", "Acme", Role::Viewer).await;
    let cookie = app.session_of("vera").await;
    let api = format!("/api/documents/{assessment}/risk?iterations=1000");
    let page = format!("/documents/{assessment}/risk?iterations=1000");
    let read = |path: String| {
        let cookie = cookie.clone();
        let app = &app;
        async move {
            app.send(Method::GET, &path, None, None, &[("cookie", &cookie)])
                .await
                .status
        }
    };
    assert_eq!(read(api.clone()).await, StatusCode::OK);
    assert_eq!(read(page.clone()).await, StatusCode::OK);
    let acme = app.organization("Acme").await;
    app.store()
        .remove_member("test", acme, "vera")
        .await
        .expect("removed");
    // The figures are kept, but not for her: access is checked before they are looked up.
    assert_eq!(read(api).await, StatusCode::NOT_FOUND);
    assert_eq!(read(page).await, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn simulations_beyond_the_bound_are_turned_away_with_retry_after() {
    let app = App::start(Backend::Sqlite).await.expect("server");
    let (owner, system, assessment) = bottling_line(&app, "Acme").await;
    store_scenarios(&app, &owner, system, &example(SCENARIOS)).await;
    let path = format!("/api/documents/{assessment}/risk?iterations=1000");
    let computed = app.get(&format!("{path}&seed=1"), &owner).await;
    assert_eq!(computed.status, StatusCode::OK);
    // Every place taken, as by long simulations of other callers.
    let mut held = Vec::new();
    while let Some(place) = app.state.simulations.try_start() {
        held.push(place);
    }
    assert!(!held.is_empty());
    let turned = app.get(&format!("{path}&seed=2"), &owner).await;
    assert_eq!(turned.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(turned.header("retry-after").as_deref(), Some("2"));
    // Figures computed before are kept and cost no place.
    let again = app.get(&format!("{path}&seed=1"), &owner).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.body, computed.body);
    drop(held);
    let later = app.get(&format!("{path}&seed=2"), &owner).await;
    assert_eq!(later.status, StatusCode::OK);
    // The years are bounded whoever asks.
    for years in ["999", "1000001"] {
        let answer = app
            .get(
                &format!("/api/documents/{assessment}/risk?iterations={years}"),
                &owner,
            )
            .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{years}");
        assert_eq!(answer.json()["field"], "iterations");
    }
    // A document may ask more years than the server gives (the core allows ten million): it is
    // simulated for the server's bound, and the page says so.
    let greedy = example(SCENARIOS).replacen("iterations: 100000", "iterations: 5000000", 1);
    let greedy = store_scenarios(&app, &owner, system, &greedy).await;
    app.user("claire", "Acme", Role::Owner).await;
    let cookie = app.session_of("claire").await;
    let page = app
        .page(&cookie, &format!("/documents/{assessment}/risk"))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let bound = smm_server::app::risk::MAX_ITERATIONS;
    assert!(page.text().contains(&format!(
        "The scenarios ask for 5000000 years; this server simulates at most {bound}."
    )));
    let answer = app
        .get(
            &format!("/api/documents/{assessment}/risk?scenarios={greedy}"),
            &owner,
        )
        .await;
    assert_eq!(answer.json()["profiles"][0]["iterations"], bound);
}

#[tokio::test]
async fn the_page_shows_the_figures_or_how_to_store_scenarios() {
    let app = App::start(Backend::Sqlite).await.expect("server");
    let (owner, system, assessment) = bottling_line(&app, "Acme").await;
    app.user("vera", "Acme", Role::Viewer).await;
    let cookie = app.session_of("vera").await;
    let path = format!("/documents/{assessment}/risk?iterations=3000");

    let empty = app.page(&cookie, &path).await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.text());
    let html = empty.text();
    assert!(html.contains("No loss scenarios yet"), "{html}");
    assert!(html.contains(&format!("/api/systems/{system}/risk-scenarios")));

    let text = example(SCENARIOS);
    let scenarios = store_scenarios(&app, &owner, system, &text).await;
    let page = app.page(&cookie, &path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let html = page.text();
    let expected = from_files(&text, Some(3000), None);
    let money = |a: f64| smm_report::chart::short_money(a, "EUR");
    for r in &expected.profiles {
        let d = &r.annual_loss;
        for figure in [
            format!("{} ± {}", money(d.mean), money(2.0 * d.standard_error)),
            money(d.p50),
            money(d.p90),
            money(d.p95),
            money(d.p99),
            format!("{:.0} %", r.probability_of_loss * 100.0),
        ] {
            assert!(html.contains(&figure), "{} lacks {figure}", r.profile);
        }
        for s in &r.scenarios {
            assert!(html.contains(&money(s.mean)), "{}", s.id);
        }
    }
    let reduction = expected.mean_reduction.expect("a target");
    assert!(html.contains(&format!(
        "Reaching the target lowers the mean annual loss by {}",
        money(reduction)
    )));
    assert!(html.contains("3000 simulated years, seed 20260422"));
    assert!(html.contains(&format!("document #{scenarios}, version 1")));
    assert!(html.contains("<svg"), "the chart is inline");
    let refs: Vec<&RiskResult> = expected.profiles.iter().collect();
    assert!(html.contains(smm_report::chart::exceedance(&refs).trim_end()));

    // Linked from the system page (which lists the scenarios) and from the gap.
    let system_page = app
        .page(&cookie, &format!("/systems/{system}"))
        .await
        .text();
    assert!(system_page.contains(&format!("/documents/{assessment}/risk")));
    assert!(system_page.contains("Loss scenarios"));
    assert!(system_page.contains("Bottling line BL-2 (plant Lyon)"));
    let gap = app
        .page(&cookie, &format!("/documents/{assessment}/gap"))
        .await
        .text();
    assert!(gap.contains(&format!("/documents/{assessment}/risk")));
}
