//! Limitations and compensating measures in a target, assessment methods and the date a finding
//! was closed: checked with the file's line and field, kept through resolution in catalog order.

use crate::support::{example, CATALOG};
use smm_core::{current_profile, parse_assessment, parse_target, resolve};

fn with_limitations(block: &str) -> String {
    format!("{}\nlimitations:\n{block}", example("hvac", "target.yaml"))
}

#[test]
fn limitations_resolve_by_practice_id_in_catalog_order() {
    let text = with_limitations(
        "  monitoring:\n    limited: no agent on the controllers\n    because: the \
         real-time cycle cannot spare the CPU\n    compensating:\n      - passive monitoring \
         of the building network\n  Threat Modeling:\n    limited: no attack trees\n    \
         because: small team\n    compensating: [a yearly external review]\n",
    );
    let target = parse_target(&text).expect("parses");
    let resolved = resolve(&CATALOG, &target).expect("resolves");
    let ids: Vec<&str> = resolved
        .limitations
        .iter()
        .map(|l| l.practice.as_str())
        .collect();
    let order: Vec<&str> = CATALOG
        .practice_ids()
        .filter(|id| ids.contains(id))
        .collect();
    assert_eq!(ids, order, "catalog order");
    assert!(
        ids.contains(&"threat-modeling"),
        "a name is turned into the id: {ids:?}"
    );
    let monitoring = resolved
        .limitations
        .iter()
        .find(|l| l.practice == "monitoring")
        .expect("monitoring");
    assert_eq!(
        monitoring.compensating,
        vec!["passive monitoring of the building network"]
    );
}

#[test]
fn a_limitation_needs_a_known_practice_and_a_compensating_measure() {
    let text = with_limitations(
        "  monitorin:\n    limited: x\n    because: y\n    compensating: [z]\n  \
         threat-modeling:\n    limited: x\n    because: '  '\n    compensating: []\n",
    );
    let lines = text.lines().count();
    let target = parse_target(&text).expect("parses");
    let problems = resolve(&CATALOG, &target).expect_err("refused").to_string();
    assert!(
        problems.contains("unknown practice id `monitorin`"),
        "{problems}"
    );
    assert!(problems.contains("did you mean `monitoring`"), "{problems}");
    assert!(
        problems.contains("limitations.threat-modeling.because"),
        "{problems}"
    );
    assert!(
        problems.contains("at least one compensating measure"),
        "{problems}"
    );
    assert!(
        problems.contains(&format!("{}:", lines - 7))
            || problems.contains(&format!("line {}", lines - 7)),
        "points at the line of the unknown id ({}): {problems}",
        lines - 7
    );
}

#[test]
fn methods_and_closing_dates_are_read_and_an_open_finding_has_none() {
    let base = example("ota-gateway", "assessment.yaml");
    let with_methods = base.replacen(
        "\nassessors:",
        "\nmethods: [document-review, vulnerability-analysis]\nassessors:",
        1,
    );
    let doc = parse_assessment(&with_methods).expect("parses");
    assert_eq!(
        doc.methods.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
        ["document-review", "vulnerability-analysis"]
    );
    let bad = base.replacen("\nassessors:", "\nmethods: [guessing]\nassessors:", 1);
    let problem = parse_assessment(&bad)
        .expect_err("unknown method")
        .to_string();
    assert!(problem.contains("guessing"), "{problem}");

    let open = "findings:\n  - id: NC-9\n    kind: nonconformity\n    severity: low\n    title: t\n    closed: 2026-01-02\n";
    let text = format!(
        "{}\n{open}",
        base.split("\nfindings:").next().unwrap_or(&base)
    );
    let doc = parse_assessment(&text).expect("parses");
    let problem = current_profile(&CATALOG, &doc)
        .expect_err("open and closed")
        .to_string();
    assert!(
        problem.contains("findings[0].closed") || problem.contains(".closed"),
        "{problem}"
    );
    assert!(
        problem.contains("an open finding has no `closed` date"),
        "{problem}"
    );
}

#[test]
fn a_finding_closed_after_the_assessment_date_is_refused_at_its_line() {
    let base = example("ota-gateway", "assessment.yaml");
    let date = base
        .lines()
        .find_map(|l| l.strip_prefix("date: "))
        .expect("the example has a date")
        .trim()
        .to_string();
    let head = base.split("\nfindings:").next().unwrap_or(&base);
    let finding = |closed: &str| {
        format!(
            "{head}\nfindings:\n  - id: NC-9\n    kind: nonconformity\n    severity: low\n    \
             title: t\n    status: resolved\n    closed: {closed}\n"
        )
    };
    // Closed on the assessment's own date: a fact it can state.
    let same_day = parse_assessment(&finding(&date)).expect("parses");
    current_profile(&CATALOG, &same_day).expect("closed on the day is fine");
    // Closed a day later: refused, pointing at the line and saying why.
    let later = smm_core::document::Date::parse(&date)
        .and_then(|d| d.plus_days(1))
        .expect("date")
        .to_string();
    let text = finding(&later);
    let line = text.lines().count();
    let doc = parse_assessment(&text).expect("parses");
    let problem = current_profile(&CATALOG, &doc)
        .expect_err("closed after the date")
        .to_string();
    assert!(problem.contains("findings[0].closed"), "{problem}");
    assert!(
        problem.contains(&format!("after this assessment's date ({date})")),
        "{problem}"
    );
    assert!(problem.contains(&line.to_string()), "{problem}");
}

#[test]
fn compare_carries_each_sides_limitations_beside_the_levels() {
    let limited = with_limitations(
        "  monitoring:\n    limited: no agent on the controllers\n    because: the real-time \
         cycle cannot spare the CPU\n    compensating: [passive monitoring of the building network]\n",
    );
    let a = resolve(&CATALOG, &parse_target(&limited).expect("parses")).expect("resolves");
    let b = resolve(
        &CATALOG,
        &parse_target(&example("hvac", "target.yaml")).expect("parses"),
    )
    .expect("resolves");
    let c = smm_core::compare(
        &smm_core::ProfileView::of_target(&a),
        &smm_core::ProfileView::of_target(&b),
    )
    .expect("same catalog");
    let monitoring = c
        .practices
        .iter()
        .find(|p| p.id.as_str() == "monitoring")
        .expect("monitoring");
    assert!(monitoring.limited());
    assert_eq!(
        monitoring.a_limitation.as_ref().map(|l| l.because.as_str()),
        Some("the real-time cycle cannot spare the CPU")
    );
    assert_eq!(monitoring.b_limitation, None);
    assert_eq!(c.practices.iter().filter(|p| p.limited()).count(), 1);
    // The other way round, the limitation is B's.
    let c = smm_core::compare(
        &smm_core::ProfileView::of_target(&b),
        &smm_core::ProfileView::of_target(&a),
    )
    .expect("same catalog");
    let monitoring = c
        .practices
        .iter()
        .find(|p| p.id.as_str() == "monitoring")
        .expect("monitoring");
    assert!(monitoring.a_limitation.is_none() && monitoring.b_limitation.is_some());
}
