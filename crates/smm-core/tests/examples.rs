//! The worked examples in `examples/` resolve as their READMEs say, and the bottling line
//! reproduces the values published by the model's authors.

mod support;

use smm_core::level::{Comprehensiveness as C, Level, Scope as S};
use smm_core::{
    content_digest, current_profile, gap, parse_assessment, parse_target, resolve, Catalog, Source,
};
use support::{example, resolved_target, EXAMPLES};

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
