//! Every consistency rule of the built-in catalog fires on a target that breaks it and stays
//! silent on one that does not.

use crate::support::CATALOG;
use smm_core::{check_rules, parse_target, resolve, RuleFinding};

/// A target with the given role, goals (governance, enablement, hardening as `C/scope`),
/// practice overrides (YAML lines under `practices:`) and factors (YAML list items).
fn target(role: &str, goals: [&str; 3], practices: &[&str], factors: &[&str]) -> String {
    let mut doc = format!(
        "smm: 1\nkind: TargetProfile\nname: t\nsystem: s\nrole: {role}\ndate: 2026-01-01\ncatalog: {{id: iot-smm, version: '1.2'}}\n"
    );
    if !factors.is_empty() {
        doc.push_str("factors:\n");
        for f in factors {
            doc.push_str(&format!("  - {f}\n"));
        }
    }
    doc.push_str("goals:\n");
    for (domain, goal) in ["governance", "enablement", "hardening"].iter().zip(goals) {
        let (c, s) = goal.split_once('/').expect("C/scope");
        doc.push_str(&format!(
            "  {domain}: {{statement: goal, comprehensiveness: {c}, scope: {s}}}\n"
        ));
    }
    if !practices.is_empty() {
        doc.push_str("practices:\n");
        for p in practices {
            doc.push_str(&format!("  {p}\n"));
        }
    }
    doc
}

fn findings(doc: &str) -> Vec<RuleFinding> {
    let t = parse_target(doc).unwrap_or_else(|e| panic!("{e}\n{doc}"));
    let r = resolve(&CATALOG, &t).unwrap_or_else(|e| panic!("{e}\n{doc}"));
    check_rules(&CATALOG, &r)
}

fn fires(rule: &str, doc: &str) -> bool {
    findings(doc).iter().any(|f| f.rule == rule)
}

const PLAIN: [&str; 3] = ["2/general", "2/general", "2/general"];

/// `id: {comprehensiveness: N, rationale: r}` in short.
fn level(id: &str, c: u8) -> String {
    format!("{id}: {{comprehensiveness: {c}, rationale: chosen for the test}}")
}

fn scope(id: &str, s: &str) -> String {
    format!("{id}: {{scope: {s}, rationale: chosen for the test}}")
}

/// (rule, a target that triggers it, a target that does not).
fn cases() -> Vec<(&'static str, String, String)> {
    let o = |items: &[String]| {
        items
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("\n  ")
    };
    let with = |goals: [&str; 3], items: &[String]| target("integrator", goals, &[&o(items)], &[]);
    let factor = |f: &str, items: &[String]| target("integrator", PLAIN, &[&o(items)], &[f]);
    vec![
        // The seeds' own "expect error" example: a hardening goal of 2 already needs patching.
        ("hardening-needs-patching",
            with(PLAIN, &[level("patch-management", 1)]),
            with(["2/general", "2/general", "1/general"], &[level("patch-management", 1)])),
        ("response-needs-detection",
            with(PLAIN, &[level("detection-response-plan", 3)]),
            with(PLAIN, &[level("detection-response-plan", 3), level("monitoring", 3)])),
        ("controls-follow-policy",
            with(PLAIN, &[level("data-controls", 3)]),
            with(PLAIN, &[level("data-controls", 1), level("data-policy", 0)])),
        ("far-below-goal-needs-rationale",
            target("integrator", ["3/general", "2/general", "2/general"], &["risk-attitude: {rationale: chosen for the test}"], &[])
                .replace("goals:", "subdomains:\n  threats: {comprehensiveness: 1, rationale: lowered for both}\ngoals:"),
            target("integrator", ["3/general", "2/general", "2/general"], &["threat-modeling: {rationale: chosen}\n  risk-attitude: {rationale: chosen}"], &[])
                .replace("goals:", "subdomains:\n  threats: {comprehensiveness: 1, rationale: lowered for both}\ngoals:")),
        ("vendor-needs-supply-chain",
            target("vendor", PLAIN, &[&level("supply-chain-risk", 0)], &[]),
            target("integrator", PLAIN, &[&level("supply-chain-risk", 0)], &[])),
        ("patching-needs-vulnerability-assessment",
            with(PLAIN, &[level("patch-management", 3), level("vulnerability-assessment", 1)]),
            with(PLAIN, &[level("patch-management", 3)])),
        ("patching-needs-inventory",
            with(PLAIN, &[level("patch-management", 3), level("asset-change-config", 0)]),
            with(PLAIN, &[level("patch-management", 3), level("asset-change-config", 1)])),
        ("recovery-needs-response-plan",
            with(PLAIN, &[level("remediation-recovery", 3), level("detection-response-plan", 1)]),
            with(PLAIN, &[level("remediation-recovery", 3)])),
        ("access-control-needs-identities",
            with(PLAIN, &[level("access-control", 3), level("identities", 1)]),
            with(PLAIN, &[level("access-control", 3)])),
        ("safety-impact-needs-recovery",
            factor("{kind: safety, impact: high, description: d}", &[level("remediation-recovery", 1)]),
            factor("{kind: safety, impact: low, description: d}", &[level("remediation-recovery", 1)])),
        ("exposure-needs-vulnerability-management",
            factor("{kind: exposure, impact: high, description: d}", &[level("vulnerability-assessment", 1)]),
            factor("{kind: exposure, impact: high, description: d}", &[level("monitoring", 2)])),
        ("regulation-needs-compliance",
            factor("{kind: regulation, impact: medium, description: d}", &[level("monitoring", 2)]),
            factor("{kind: regulation, impact: medium, description: d}", &[scope("compliance", "industry")])),
        ("continuity-needs-third-party-management",
            factor("{kind: continuity, impact: high, description: d}", &[level("third-party-services", 1)]),
            factor("{kind: continuity, impact: medium, description: d}", &[level("third-party-services", 1)])),
        ("demanding-target-needs-program",
            with(PLAIN, &[level("program-management", 1), level("monitoring", 4)]),
            with(["2/general", "3/general", "3/general"], &[level("program-management", 1)])),
        ("continuity-needs-recovery",
            factor("{kind: continuity, impact: high, description: d}", &[level("remediation-recovery", 1)]),
            factor("{kind: continuity, impact: medium, description: d}", &[level("remediation-recovery", 1)])),
        ("exposure-needs-detection",
            factor("{kind: exposure, impact: high, description: d}", &[level("monitoring", 1), level("detection-response-plan", 1)]),
            factor("{kind: exposure, impact: medium, description: d}", &[level("monitoring", 1), level("detection-response-plan", 1)])),
        ("vendor-needs-vulnerability-assessment",
            target("vendor", PLAIN, &[&level("vulnerability-assessment", 1)], &[]),
            target("integrator", PLAIN, &[&level("vulnerability-assessment", 1)], &[])),
        ("risk-attitude-guides-threat-model",
            with(PLAIN, &[level("threat-modeling", 3), level("risk-attitude", 1)]),
            with(PLAIN, &[level("threat-modeling", 3)])),
    ]
}

#[test]
fn every_rule_fires_on_its_trigger_and_not_otherwise() {
    let cases = cases();
    for (rule, trigger, quiet) in &cases {
        assert!(CATALOG.rule(rule).is_some(), "{rule} is not in the catalog");
        assert!(fires(rule, trigger), "{rule} did not fire on\n{trigger}");
        assert!(
            !fires(rule, quiet),
            "{rule} fired on\n{quiet}\n{:#?}",
            findings(quiet)
        );
    }
    let tested: Vec<&str> = cases.iter().map(|c| c.0).collect();
    for rule in CATALOG.rules() {
        assert!(
            tested.contains(&rule.rule.id.value.as_str()),
            "{} has no test case",
            rule.rule.id.value
        );
    }
    assert!(CATALOG.rules().len() >= 12);
}

#[test]
fn a_plain_target_is_consistent() {
    assert_eq!(findings(&target("integrator", PLAIN, &[], &[])), vec![]);
}

#[test]
fn findings_name_the_practices_the_reason_and_the_fix() {
    let doc = target("integrator", PLAIN, &[&level("data-controls", 3)], &[]);
    let f = findings(&doc)
        .into_iter()
        .find(|f| f.rule == "controls-follow-policy")
        .expect("fires");
    assert_eq!(
        f.practices.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
        ["data-controls", "data-policy"]
    );
    assert!(
        f.details[0].contains("data-controls comprehensiveness is 3")
            && f.details[0].contains("data-policy's 2"),
        "{:?}",
        f.details
    );
    assert!(!f.why.is_empty() && !f.fix.is_empty());
    assert_eq!(f.accepted, None);
}

#[test]
fn an_accepted_rule_is_reported_as_accepted_with_its_reason() {
    let doc = target("integrator", PLAIN, &[&level("data-controls", 3)], &[])
        + "accepted-rules:\n  controls-follow-policy: {reason: the client owns the data policy}\n";
    let f = findings(&doc)
        .into_iter()
        .find(|f| f.rule == "controls-follow-policy")
        .expect("still reported");
    assert_eq!(
        f.accepted.as_deref(),
        Some("the client owns the data policy")
    );
}

#[test]
fn accepting_an_unknown_rule_is_an_error_with_a_suggestion() {
    let doc = target("integrator", PLAIN, &[], &[])
        + "accepted-rules:\n  controls-follow-polcy: {reason: r}\n";
    let t = parse_target(&doc).expect("parses");
    let err = resolve(&CATALOG, &t).expect_err("unknown rule");
    assert!(
        err.to_string()
            .contains("did you mean `controls-follow-policy`?"),
        "{err}"
    );
}

#[test]
fn a_broken_rule_fails_when_the_catalog_loads() {
    let source = smm_core::catalog::BUILTIN_CATALOG_YAML.replacen(
        "practice: patch-management\n        comprehensiveness: {at-least: 2}",
        "practice: patch-managment\n        comprehensiveness: {at-least: 2}",
        1,
    );
    let err = smm_core::parse_catalog(&source).expect_err("typo in a rule");
    assert!(
        err.to_string()
            .contains("unknown practice id `patch-managment` (did you mean `patch-management`?)"),
        "{err}"
    );
}

#[test]
fn a_misspelt_key_in_a_comparison_value_fails_when_the_catalog_loads() {
    let source = smm_core::catalog::BUILTIN_CATALOG_YAML.replacen(
        "{at-most: {practice: monitoring}}",
        "{at-most: {practice: monitoring, ofset: 1}}",
        1,
    );
    let err = smm_core::parse_catalog(&source).expect_err("typo in an operand");
    assert!(err.to_string().contains("unknown key `ofset`"), "{err}");
}

#[test]
fn a_profile_that_accepts_a_retired_rule_still_loads_and_the_rule_is_gone() {
    let retired = "system-scope-needs-system-threat-model";
    assert!(CATALOG.rule(retired).is_none());
    assert!(CATALOG.retired_rule(retired).is_some());
    // The HVAC example as it was published before the rule was retired: recovery at System
    // scope, threat modeling at General, the rule accepted.
    let doc = target(
        "integrator",
        PLAIN,
        &[&scope("remediation-recovery", "system")],
        &[],
    ) + &format!(
        "accepted-rules:\n  {retired}: {{reason: recovery is tailored to the plant}}\n"
    );
    assert_eq!(findings(&doc), vec![]);
}

#[test]
fn every_rule_cites_its_source_in_the_docs() {
    let docs = crate::support::read("docs/rules.md");
    for rule in CATALOG.rules() {
        let id = &rule.rule.id.value;
        let heading = format!("\n### {id}\n");
        let start = docs
            .find(&heading)
            .unwrap_or_else(|| panic!("docs/rules.md has no section for {id}"));
        let section = &docs[start + heading.len()..];
        let section = &section[..section.find("\n### ").unwrap_or(section.len())];
        assert!(
            section.contains("**Source.**"),
            "docs/rules.md: {id} does not cite its source"
        );
    }
}
