//! The portfolio counts what the gap counts, behind every door: the API portfolio, the portfolio
//! page, the gap page, the gap API and the core's `gap()` on the same files (what `smm gap`
//! prints) agree for the bottling line, even when a newer target was stored after the
//! assessment; and systems granted by another organization are listed, marked and counted.

use axum::http::{Method, StatusCode};
use smm_core::{current_profile, gap, parse_assessment, parse_target, resolve, Catalog};
use smm_store::Role;

use crate::common::{example, Answer, App};

/// Under, met and over, in that order.
type Counts = (usize, usize, usize);

/// What `smm gap examples/bottling-line/target.yaml examples/bottling-line/assessment.yaml`
/// counts.
fn counts_of_the_files() -> Counts {
    counts_against(&example("bottling-line/target.yaml"))
}

/// The bottling-line assessment's counts against a target, as the core's `gap()` gives them.
fn counts_against(target: &str) -> Counts {
    let catalog = Catalog::builtin();
    let target = parse_target(target).expect("target");
    let assessment =
        parse_assessment(&example("bottling-line/assessment.yaml")).expect("assessment");
    let resolved = resolve(&catalog, &target).expect("resolves");
    let current = current_profile(&catalog, &assessment).expect("consistent");
    let s = gap(&resolved, &current).expect("same catalog").summary;
    (s.under, s.met, s.over)
}

/// The bottling-line target with the enablement goal raised: a different target, other levels.
fn raised_target() -> String {
    let target = example("bottling-line/target.yaml");
    // The first level after the enablement goal's statement is the goal's own.
    let at = target.find("\n  enablement:\n").unwrap_or(target.len());
    let (before, after) = target.split_at(at);
    let raised = before.to_string()
        + &after.replacen(
            "    comprehensiveness: 2\n",
            "    comprehensiveness: 3\n",
            1,
        );
    assert_ne!(
        raised, target,
        "the example still has the enablement goal at 2"
    );
    raised
}

fn count(json: &serde_json::Value, field: &str) -> usize {
    json[field]
        .as_u64()
        .unwrap_or_else(|| panic!("no {field} in {json}")) as usize
}

fn json_counts(json: &serde_json::Value) -> Counts {
    (
        count(json, "under"),
        count(json, "met"),
        count(json, "over"),
    )
}

/// The number in `<strong class="status CLASS">N</strong>` on a page.
fn strong_count(html: &str, class: &str) -> usize {
    let marker = format!("<strong class=\"status {class}\">");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {class} count in {html}"))
        + marker.len();
    html[start..]
        .split('<')
        .next()
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("{class} count is not a number"))
}

/// The row of a system in the portfolio page's table.
fn page_row(html: &str, system: i64) -> &str {
    let start = html
        .find(&format!("<a href=\"/systems/{system}\">"))
        .unwrap_or_else(|| panic!("system {system} is not listed"));
    let end = html[start..].find("</tr>").expect("end of row") + start;
    &html[start..end]
}

/// The "under / met / over" cell of a page row.
fn row_counts(row: &str) -> Counts {
    let numbers: Vec<usize> = row
        .split("<td>")
        .filter_map(|cell| cell.split('<').next())
        .find_map(|cell| {
            let parts: Vec<usize> = cell
                .split(" / ")
                .map(|n| n.trim().parse().ok())
                .collect::<Option<_>>()?;
            (parts.len() == 3).then_some(parts)
        })
        .unwrap_or_else(|| panic!("no counts in {row}"));
    (numbers[0], numbers[1], numbers[2])
}

/// A browser session for a new person with a role in an organization: the cookie.
async fn session(app: &App, name: &str, org: &str, role: Role) -> String {
    app.user(name, org, role).await;
    app.session_of(name).await
}

async fn page(app: &App, cookie: &str, path: &str) -> Answer {
    let answer = app.page(cookie, path).await;
    assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.text());
    answer
}

async fn every_door_counts_what_the_gap_counts(app: App) {
    let expected = counts_of_the_files();
    let owner = app.token("acme", Role::Owner).await;
    let org = app.organization("acme").await.0;
    let line = app.system(&owner, org, "Bottling line").await;
    let target = app
        .document(
            &owner,
            line,
            "targets",
            &example("bottling-line/target.yaml"),
        )
        .await;
    let assessment = app
        .document(
            &owner,
            line,
            "assessments",
            &example("bottling-line/assessment.yaml"),
        )
        .await;
    // After the assessment: a new version of its target, and a newer target document, both
    // with other levels. The assessment still names the first version by digest.
    let updated = app
        .send(
            Method::PUT,
            &format!("/api/documents/{target}"),
            Some(&owner),
            Some(("application/yaml", raised_target().into_bytes())),
            &[("if-match", "\"1\"")],
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.text());
    app.document(
        &owner,
        line,
        "targets",
        &raised_target().replace("\"1.0\"", "\"2.0\""),
    )
    .await;

    // Measured against the newer target, the counts would differ: the test can tell them apart.
    assert_ne!(counts_against(&raised_target()), expected);

    let gap_api = app
        .get(&format!("/api/documents/{assessment}/gap"), &owner)
        .await;
    assert_eq!(gap_api.status, StatusCode::OK, "{}", gap_api.text());
    assert_eq!(json_counts(&gap_api.json()["summary"]), expected, "gap API");

    let portfolio = app
        .get(&format!("/api/organizations/{org}/portfolio"), &owner)
        .await;
    assert_eq!(portfolio.status, StatusCode::OK, "{}", portfolio.text());
    let portfolio = portfolio.json();
    let item = &portfolio["items"][0];
    assert_eq!(item["id"], line);
    assert_eq!(item["target"], target, "the target the assessment names");
    assert_eq!(item["status"], "under");
    assert_eq!(json_counts(item), expected, "API portfolio");
    let (under, met, over) = portfolio["domains"]
        .as_array()
        .expect("domains")
        .iter()
        .map(json_counts)
        .fold((0, 0, 0), |a, d| (a.0 + d.0, a.1 + d.1, a.2 + d.2));
    assert_eq!((under, met, over), expected, "API portfolio per domain");

    let cookie = session(&app, "claire", "acme", Role::Owner).await;
    let gap_page = page(&app, &cookie, &format!("/documents/{assessment}/gap"))
        .await
        .text();
    assert_eq!(
        (
            strong_count(&gap_page, "under"),
            strong_count(&gap_page, "met"),
            strong_count(&gap_page, "over")
        ),
        expected,
        "gap page"
    );
    let portfolio_page = page(&app, &cookie, &format!("/orgs/{org}")).await.text();
    assert_eq!(
        row_counts(page_row(&portfolio_page, line)),
        expected,
        "portfolio page"
    );
    assert_eq!(
        strong_count(&portfolio_page, "under"),
        1,
        "one system under target"
    );
}

async fn a_granted_system_is_in_the_grantees_portfolio_until_revoked(app: App) {
    let owner = app.token("acme", Role::Owner).await;
    let acme = app.organization("acme").await.0;
    let line = app.system(&owner, acme, "Bottling line").await;
    app.document(
        &owner,
        line,
        "targets",
        &example("bottling-line/target.yaml"),
    )
    .await;
    app.document(
        &owner,
        line,
        "assessments",
        &example("bottling-line/assessment.yaml"),
    )
    .await;
    let lab_token = app.token("lab", Role::Viewer).await;
    let lab = app.organization("lab").await.0;
    let own = app
        .system(&app.token("lab", Role::Owner).await, lab, "Test bench")
        .await;
    let cookie = session(&app, "hugo", "lab", Role::Viewer).await;

    let before = app
        .get(&format!("/api/organizations/{lab}/portfolio"), &lab_token)
        .await
        .json();
    assert_eq!(count(&before, "systems"), 1);
    assert_eq!(count(&before, "granted"), 0);
    assert!(page(&app, &cookie, &format!("/orgs/{lab}"))
        .await
        .text()
        .find(&format!("<a href=\"/systems/{line}\">"))
        .is_none());

    // Offered (by a person; tests/consent.rs walks the API): nothing yet, until the lab accepts.
    let offer = app
        .store()
        .offer_grant(
            "acme-owner",
            smm_store::SystemId(line),
            "lab",
            Role::Assessor,
        )
        .await
        .expect("offer");
    let pending = app
        .get(&format!("/api/organizations/{lab}/portfolio"), &lab_token)
        .await
        .json();
    assert_eq!(
        (count(&pending, "systems"), count(&pending, "granted")),
        (1, 0)
    );
    app.store()
        .answer_offer("lab-owner", smm_store::OrganizationId(lab), offer, true)
        .await
        .expect("accepted");
    let after = app
        .get(&format!("/api/organizations/{lab}/portfolio"), &lab_token)
        .await
        .json();
    assert_eq!(count(&after, "systems"), 2);
    assert_eq!(count(&after, "granted"), 1);
    assert_eq!(
        (count(&after, "under"), count(&after, "not_assessed")),
        (1, 1)
    );
    let items = after["items"].as_array().expect("items");
    let shared = items
        .iter()
        .find(|i| i["id"] == line)
        .expect("granted system listed");
    assert_eq!(shared["granted"]["organization"], acme);
    assert_eq!(shared["granted"]["organization_name"], "acme");
    assert_eq!(shared["granted"]["role"], "assessor");
    assert_eq!(shared["status"], "under");
    assert_eq!(json_counts(shared), counts_of_the_files());
    let ours = items
        .iter()
        .find(|i| i["id"] == own)
        .expect("own system listed");
    assert!(ours.get("granted").is_none(), "own systems are not marked");
    assert!(after["domains"]
        .as_array()
        .expect("domains")
        .iter()
        .any(|d| count(d, "systems_under") == 1));
    let html = page(&app, &cookie, &format!("/orgs/{lab}")).await.text();
    let row = page_row(&html, line);
    assert!(
        row.contains("acme</span>, shared with us as assessor"),
        "{row}"
    );
    assert_eq!(row_counts(row), counts_of_the_files());
    assert!(html.contains("1 of them shared with us by other organizations"));

    app.store()
        .withdraw_grant("acme-owner", smm_store::SystemId(line), "lab")
        .await
        .expect("withdrawn");
    let gone = app
        .get(&format!("/api/organizations/{lab}/portfolio"), &lab_token)
        .await
        .json();
    assert_eq!((count(&gone, "systems"), count(&gone, "granted")), (1, 0));
    assert!(gone["items"]
        .as_array()
        .expect("items")
        .iter()
        .all(|i| i["id"] != line));
    assert!(page(&app, &cookie, &format!("/orgs/{lab}"))
        .await
        .text()
        .find(&format!("<a href=\"/systems/{line}\">"))
        .is_none());
}

async fn an_unknown_status_filter_names_the_field(app: App) {
    let owner = app.token("acme", Role::Owner).await;
    let org = app.organization("acme").await.0;
    let answer = app
        .get(
            &format!("/api/organizations/{org}/portfolio?status=late"),
            &owner,
        )
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.text());
    assert!(answer.text().contains("status"), "{}", answer.text());
    assert!(answer.text().contains("no-target"), "{}", answer.text());
}

on_both! {
    every_door_counts_what_the_gap_counts => every_door_counts_what_the_gap_counts;
    a_granted_system_is_in_the_grantees_portfolio_until_revoked => a_granted_system_is_in_the_grantees_portfolio_until_revoked;
    an_unknown_status_filter_names_the_field => an_unknown_status_filter_names_the_field;
}
