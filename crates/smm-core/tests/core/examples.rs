//! The worked examples in `examples/` resolve as their READMEs say, and the bottling line
//! reproduces the values published by the model's authors.

use crate::support::{example, resolved_target, CATALOG, EXAMPLES};
use smm_core::interview::{build_profile, parse_answers, Answers, MoveTarget, Remaining};
use smm_core::level::{Comprehensiveness as C, Level, Scope as S};
use smm_core::{
    check_rules, content_digest, current_profile, gap, parse_assessment, parse_target, resolve,
    Catalog, ResolvedTarget, Source,
};

/// The bottling line's published target, practice by practice. The seed states governance
/// 2 / Industry with threat modeling and risk attitude at 3 / Industry, enablement 2 / General,
/// and hardening 2 / General with Industry scope where the sector needs it (vulnerability
/// assessment and patching, for ICS advisories and planned stops); the rest follows the goals.
const BOTTLING_LINE: [(&str, u8, S); 18] = [
    ("program-management", 2, S::Industry),
    ("compliance", 2, S::Industry),
    ("threat-modeling", 3, S::Industry),
    ("risk-attitude", 3, S::Industry),
    ("supply-chain-risk", 2, S::Industry),
    ("third-party-services", 2, S::Industry),
    ("identities", 2, S::General),
    ("access-control", 2, S::General),
    ("asset-change-config", 2, S::General),
    ("physical-protection", 2, S::General),
    ("data-policy", 2, S::General),
    ("data-controls", 2, S::General),
    ("vulnerability-assessment", 2, S::Industry),
    ("patch-management", 2, S::Industry),
    ("monitoring", 2, S::General),
    ("information-sharing", 2, S::General),
    ("detection-response-plan", 2, S::General),
    ("remediation-recovery", 2, S::General),
];

/// The HVAC system's published target: hardening practices and risk attitude at 3, recovery
/// 3 / System, threat modeling, supply chain, third parties, access control and (some) physical
/// protection at 2, compliance with Industry scope, the rest at minimum or not required.
const HVAC: [(&str, u8, S); 18] = [
    ("program-management", 1, S::General),
    ("compliance", 2, S::Industry),
    ("threat-modeling", 2, S::General),
    ("risk-attitude", 3, S::General),
    ("supply-chain-risk", 2, S::General),
    ("third-party-services", 2, S::General),
    ("identities", 1, S::General),
    ("access-control", 2, S::General),
    ("asset-change-config", 1, S::General),
    ("physical-protection", 2, S::General),
    ("data-policy", 0, S::General),
    ("data-controls", 1, S::General),
    ("vulnerability-assessment", 3, S::General),
    ("patch-management", 3, S::General),
    ("monitoring", 3, S::General),
    ("information-sharing", 1, S::General),
    ("detection-response-plan", 3, S::General),
    ("remediation-recovery", 3, S::System),
];

/// "The rest": the HVAC practices the seed names for no level of their own.
const HVAC_REST: [&str; 6] = [
    "program-management",
    "identities",
    "asset-change-config",
    "data-policy",
    "data-controls",
    "information-sharing",
];

fn published(name: &str) -> &'static [(&'static str, u8, S); 18] {
    match name {
        "bottling-line" => &BOTTLING_LINE,
        "hvac" => &HVAC,
        _ => unreachable!("only two worked examples are published"),
    }
}

/// The example's answers as the interview takes them by default: every question left open
/// takes the suggestion (no `remaining: inherit`).
fn answers_taking_suggestions(name: &str) -> Answers {
    let mut answers =
        parse_answers(&example(name, "answers.yaml")).unwrap_or_else(|e| panic!("{name}: {e}"));
    answers.remaining = Remaining::Accept;
    answers
}

fn assert_published(name: &str, t: &ResolvedTarget) {
    for (id, c, scope) in published(name) {
        let p = t.practice(id).unwrap_or_else(|| panic!("{id}"));
        let c = C::from_value(u64::from(*c)).expect("a level");
        assert_eq!(p.level(), Level::new(c, *scope), "{name}: {id}");
    }
}

#[test]
fn the_interview_suggestions_reproduce_every_published_value() {
    for name in ["bottling-line", "hvac"] {
        let built = build_profile(&CATALOG, None, &answers_taking_suggestions(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        // No factor floor moved anything the example's authors decided.
        assert_eq!(built.moves, vec![], "{name}");
        let t = resolve(&CATALOG, &built.profile).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_published(name, &t);
        // And the example's target file says the same.
        assert_published(name, &resolved_target(name));
    }
    let hvac = resolved_target("hvac");
    for id in HVAC_REST {
        let p = hvac.practice(id).unwrap_or_else(|| panic!("{id}"));
        assert!(
            p.comprehensiveness <= C::Minimum,
            "hvac: {id} is not at minimum"
        );
    }
}

#[test]
fn with_only_their_factors_and_goals_no_floor_raises_a_published_value() {
    for name in ["bottling-line", "hvac"] {
        let mut answers = answers_taking_suggestions(name);
        answers.subdomains = Default::default();
        answers.practices = Default::default();
        let built =
            build_profile(&CATALOG, None, &answers).unwrap_or_else(|e| panic!("{name}: {e}"));
        let t = resolved_target(name);
        for m in &built.moves {
            let published = match &m.target {
                MoveTarget::Practice(id) => t.practice(id).map(|p| p.level()),
                MoveTarget::Subdomain(id) => t.subdomain(id).map(|s| s.level),
                MoveTarget::Goal(id) => t.domain(id).map(|d| d.level),
            }
            .expect("known");
            assert!(
                m.to.comprehensiveness <= published.comprehensiveness
                    && m.to.scope <= published.scope,
                "{name}: the {:?} factor raised {:?} to {}, above the published {published}",
                m.factor,
                m.target,
                m.to
            );
        }
    }
}

#[test]
fn the_published_targets_raise_no_warning() {
    for name in ["bottling-line", "hvac"] {
        let t = resolved_target(name);
        assert_eq!(check_rules(&CATALOG, &t), vec![], "{name}");
        assert!(t.accepted_rules.is_empty(), "{name} accepts a rule");
    }
}

#[test]
fn bottling_line_reproduces_the_published_values() {
    let t = resolved_target("bottling-line");
    let level = |c, s| Level::new(c, s);
    // Governance: 2 / Industry, with threat modeling raised to 3, so it rolls up to 2+.
    let governance = t.domain("governance").expect("governance");
    assert_eq!(governance.level, level(C::AdHoc, S::Industry));
    assert_eq!(governance.rollup.comprehensiveness, "2+");
    assert_eq!(governance.rollup.scope, "industry");
    let strategy = t.subdomain("strategy").expect("strategy");
    assert_eq!(strategy.level, level(C::AdHoc, S::Industry));
    assert_eq!(strategy.rollup.comprehensiveness, "2");
    assert_eq!(
        t.practice("program-management").expect("pm").level(),
        level(C::AdHoc, S::Industry)
    );
    let threats = t.subdomain("threats").expect("threats");
    assert_eq!(threats.level, level(C::Consistent, S::Industry));
    assert_eq!(threats.sources.comprehensiveness, Source::SubdomainOverride);
    assert_eq!(
        t.practice("risk-attitude").expect("ra").level(),
        level(C::Consistent, S::Industry)
    );
    // Enablement: 2 / General throughout.
    let enablement = t.domain("enablement").expect("enablement");
    assert_eq!(enablement.level, level(C::AdHoc, S::General));
    assert_eq!(
        (
            enablement.rollup.comprehensiveness.as_str(),
            enablement.rollup.scope.as_str()
        ),
        ("2", "general")
    );
    // Hardening: 2 / General, rolling up to General+ once some practices are Industry.
    let hardening = t.domain("hardening").expect("hardening");
    assert_eq!(hardening.level, level(C::AdHoc, S::General));
    assert_eq!(
        (
            hardening.rollup.comprehensiveness.as_str(),
            hardening.rollup.scope.as_str()
        ),
        ("2", "general+")
    );
    assert!(t
        .practices
        .iter()
        .filter(|p| p.domain.as_str() == "hardening")
        .any(|p| p.scope == S::Industry));
}

#[test]
fn hvac_reproduces_the_published_values() {
    let t = resolved_target("hvac");
    let at = |id: &str| t.practice(id).unwrap_or_else(|| panic!("{id}")).level();
    for id in [
        "vulnerability-assessment",
        "patch-management",
        "monitoring",
        "detection-response-plan",
        "risk-attitude",
    ] {
        assert_eq!(at(id).comprehensiveness, C::Consistent, "{id}");
    }
    assert_eq!(
        at("remediation-recovery"),
        Level::new(C::Consistent, S::System)
    );
    for id in [
        "threat-modeling",
        "supply-chain-risk",
        "third-party-services",
        "access-control",
    ] {
        assert_eq!(at(id).comprehensiveness, C::AdHoc, "{id}");
    }
    assert_eq!(at("compliance").scope, S::Industry);
    assert!(at("physical-protection").comprehensiveness >= C::Minimum);
}

#[test]
fn every_example_is_consistent_and_pins_its_target() {
    let catalog = Catalog::builtin();
    for name in EXAMPLES {
        let target =
            parse_target(&example(name, "target.yaml")).unwrap_or_else(|e| panic!("{name}: {e}"));
        let resolved = resolve(&catalog, &target).unwrap_or_else(|e| panic!("{name}: {e}"));
        let assessment = parse_assessment(&example(name, "assessment.yaml"))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            assessment.target.sha256.value,
            content_digest(&target),
            "{name}: assessment names another target"
        );
        let current =
            current_profile(&catalog, &assessment).unwrap_or_else(|e| panic!("{name}: {e}"));
        let g = gap(&resolved, &current).expect("same catalog");
        assert_eq!(g.summary.total, 18);
        assert_eq!(g.summary.under + g.summary.met + g.summary.over, 18);
        // Every override in an example carries a reason.
        for p in resolved
            .practices
            .iter()
            .filter(|p| p.source != Source::DomainGoal)
        {
            assert!(
                p.rationale.as_deref().is_some_and(|r| r.len() > 20),
                "{name}: {} lacks a rationale",
                p.id
            );
        }
    }
}

/// Every example document and every JSON file beside them has the same canonical JSON from our
/// writer as from the independent implementation digests were first computed with: a digest or
/// a signature made before `smm_core::canonical` still verifies.
#[test]
fn canonical_json_matches_the_reference_on_every_example() {
    fn files(dir: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read the directory") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                files(&path, found);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "json")
            ) {
                found.push(path);
            }
        }
    }
    fn same<T: serde::Serialize>(what: &std::path::Path, value: &T) -> usize {
        let ours = smm_core::canonical::to_string(value).expect("canonical");
        let reference = serde_json_canonicalizer::to_string(value).expect("reference");
        assert_eq!(ours, reference, "{}", what.display());
        1
    }
    let mut found = Vec::new();
    files(&crate::support::root().join("examples"), &mut found);
    let mut compared = 0;
    for path in &found {
        let text = std::fs::read_to_string(path).expect("read");
        if path.extension().and_then(|e| e.to_str()) == Some("json") {
            let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
            compared += same(path, &value);
            continue;
        }
        match smm_core::document::parse_document(&text) {
            Ok(smm_core::document::Document::TargetProfile(t)) => compared += same(path, &t),
            Ok(smm_core::document::Document::Assessment(a)) => compared += same(path, &a),
            Ok(smm_core::document::Document::Planning { content, .. }) => {
                compared += same(path, &content)
            }
            _ => {
                // Other kinds are never digested; their data as plain JSON still must agree.
                if let Ok(value) = serde_saphyr::from_str::<serde_json::Value>(&text) {
                    compared += same(path, &value);
                }
            }
        }
    }
    assert!(compared >= 20, "only {compared} example files compared");
}
