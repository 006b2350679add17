//! The interview engine: answers (and templates) to target profiles.

use crate::support::{example, CATALOG, EXAMPLES};
use smm_core::document::builtin_templates;
use smm_core::interview::{build_profile, parse_answers, MoveTarget};
use smm_core::{content_digest, parse_target, resolve, Source, TargetProfile};

/// The target without what is agreed after the interview and added by hand (the interview does
/// not ask for it): goal deadlines and budgets, limitations, the approval.
fn as_interviewed(mut target: TargetProfile) -> TargetProfile {
    for (_, goal) in target.goals.0.iter_mut() {
        goal.deadline = None;
        goal.budget = None;
    }
    target.limitations = Default::default();
    target.approval = None;
    target
}

#[test]
fn the_answers_files_of_the_examples_reproduce_their_targets_exactly() {
    for name in EXAMPLES {
        let answers =
            parse_answers(&example(name, "answers.yaml")).unwrap_or_else(|e| panic!("{name}: {e}"));
        let built =
            build_profile(&CATALOG, None, &answers).unwrap_or_else(|e| panic!("{name}: {e}"));
        let target =
            as_interviewed(parse_target(&example(name, "target.yaml")).expect("example target"));
        assert_eq!(
            content_digest(&built.profile),
            content_digest(&target),
            "{name}: the answers lead elsewhere"
        );
    }
}

const HEAD: &str =
    "smm: 1\nkind: Answers\nname: n\nsystem: s\nrole: integrator\ndate: 2026-05-01\n";

#[test]
fn unanswered_goals_take_the_catalog_default_option() {
    let built =
        build_profile(&CATALOG, None, &parse_answers(HEAD).expect("answers")).expect("builds");
    for (key, goal) in built.profile.goals.iter() {
        let option =
            smm_core::interview::default_goal_option(&CATALOG, &key.value).expect("an option");
        assert_eq!(
            goal.comprehensiveness.value, option.comprehensiveness,
            "{}",
            key.value
        );
        assert_eq!(goal.statement, option.statement.trim());
    }
    assert!(built.moves.is_empty());
    assert!(built.profile.subdomains.is_empty() && built.profile.practices.is_empty());
}

#[test]
fn factors_raise_suggestions_and_say_so_in_the_rationale() {
    let text = format!("{HEAD}factors:\n  - {{kind: regulation, impact: high, description: audited sector rules}}\n");
    let built =
        build_profile(&CATALOG, None, &parse_answers(&text).expect("answers")).expect("builds");
    let moved = built
        .moves
        .iter()
        .find(|m| m.target == MoveTarget::Practice("compliance".into()))
        .expect("compliance moved");
    assert!(moved.to.comprehensiveness > moved.from.comprehensiveness);
    let resolved = resolve(&CATALOG, &built.profile).expect("valid");
    let rr = resolved.practice("compliance").expect("practice");
    assert_eq!(rr.level(), moved.to);
    assert_eq!(rr.source, Source::PracticeOverride);
    assert!(
        rr.rationale
            .as_deref()
            .is_some_and(|r| r.contains("regulation factor (high)")),
        "{:?}",
        rr.rationale
    );
}

#[test]
fn remaining_inherit_declines_the_suggestions() {
    let text = format!("{HEAD}remaining: inherit\nfactors:\n  - {{kind: regulation, impact: high, description: d}}\n");
    let built =
        build_profile(&CATALOG, None, &parse_answers(&text).expect("answers")).expect("builds");
    assert!(built.profile.practices.is_empty() && built.profile.subdomains.is_empty());
}

#[test]
fn a_goal_option_sets_statement_and_levels() {
    let text = format!("{HEAD}goals:\n  hardening: {{option: internet-risks}}\n");
    let built =
        build_profile(&CATALOG, None, &parse_answers(&text).expect("answers")).expect("builds");
    let (_, goal) = built
        .profile
        .goals
        .iter()
        .find(|(k, _)| k.value == "hardening")
        .expect("goal");
    let option = CATALOG
        .domain("hardening")
        .and_then(|d| d.goals.iter().find(|o| o.id.value == "internet-risks"))
        .expect("option");
    assert_eq!(goal.comprehensiveness.value, option.comprehensiveness);
    assert_eq!(goal.scope.value, option.scope);
}

#[test]
fn an_unknown_goal_option_or_id_is_refused_with_a_suggestion() {
    let text = format!("{HEAD}goals:\n  hardening: {{option: internet-risk}}\npractices:\n  monitorin: {{take: accept}}\n");
    let err = build_profile(&CATALOG, None, &parse_answers(&text).expect("answers"))
        .expect_err("bad ids");
    let msg = err.to_string();
    assert!(msg.contains("did you mean `internet-risks`?"), "{msg}");
    assert!(msg.contains("did you mean `monitoring`?"), "{msg}");
}

#[test]
fn a_decision_that_sets_a_level_needs_a_rationale() {
    let text = format!("{HEAD}practices:\n  monitoring: {{comprehensiveness: 3}}\n");
    let err = build_profile(&CATALOG, None, &parse_answers(&text).expect("answers"))
        .expect_err("no rationale");
    assert!(
        err.to_string().contains("practices.monitoring.rationale"),
        "{err}"
    );
}

#[test]
fn missing_step_one_answers_are_named() {
    let err = build_profile(
        &CATALOG,
        None,
        &parse_answers("smm: 1\nkind: Answers\n").expect("answers"),
    )
    .expect_err("empty");
    for field in ["name", "system", "role", "date"] {
        assert!(
            err.0.iter().any(|d| d.field == field),
            "{field} not reported: {err}"
        );
    }
}

#[test]
fn every_template_gives_a_valid_consistent_profile() {
    for template in builtin_templates() {
        let built = build_profile(
            &CATALOG,
            Some(&template),
            &parse_answers(HEAD).expect("answers"),
        )
        .unwrap_or_else(|e| panic!("{}: {e}", template.id.value));
        let resolved = resolve(&CATALOG, &built.profile).expect("valid");
        let findings = smm_core::check_rules(&CATALOG, &resolved);
        assert!(findings.is_empty(), "{}: {findings:#?}", template.id.value);
        // The template's overrides arrive with their rationales.
        for (key, o) in template.practices.iter() {
            let p = resolved.practice(&key.value).expect("practice");
            let why = o
                .rationale
                .as_ref()
                .map(|r| r.value.trim().to_string())
                .unwrap_or_default();
            assert!(
                p.rationale.as_deref().is_some_and(|r| r.contains(&why)),
                "{}: {} lost its rationale",
                template.id.value,
                key.value
            );
        }
    }
}

/// The goal option of `domain` with this id.
fn option(domain: &str, id: &str) -> smm_core::catalog::GoalOption {
    CATALOG
        .domain(domain)
        .and_then(|d| d.goals.iter().find(|o| o.id.value == id))
        .cloned()
        .unwrap_or_else(|| panic!("{domain}: {id}"))
}

#[test]
fn scope_is_chosen_beside_a_goal_option_so_4_industry_needs_no_typing() {
    use smm_core::interview::{goal_option_scope, goal_pick, set_entry, GoalAnswer, GoalPick};
    use smm_core::level::{Comprehensiveness, Level, Scope};
    let mut answers = parse_answers(HEAD).expect("answers");
    // Every level-4 option is usually System scope; a regulated sector wants Industry.
    let formalized = option("hardening", "measured-response");
    assert_eq!(formalized.comprehensiveness, Comprehensiveness::Formalized);
    set_entry(
        &mut answers.goals,
        "hardening",
        GoalAnswer::option(&formalized, Some(Scope::Industry)),
    );
    // The HVAC system's goals: an option's depth with a scope of its own.
    set_entry(
        &mut answers.goals,
        "governance",
        GoalAnswer::option(&option("governance", "sector-norms"), Some(Scope::General)),
    );
    // Keeping the option's usual scope writes no scope.
    let usual = GoalAnswer::option(
        &option("enablement", "known-use-cases"),
        Some(Scope::General),
    );
    assert!(usual.scope.is_none());
    set_entry(&mut answers.goals, "enablement", usual);

    assert_eq!(
        goal_pick(&answers, "hardening"),
        GoalPick::Option("measured-response".into())
    );
    assert_eq!(
        goal_option_scope(&answers, "hardening"),
        Some(Scope::Industry)
    );
    assert_eq!(goal_option_scope(&answers, "enablement"), None);
    let built = build_profile(&CATALOG, None, &answers).expect("builds");
    let t = resolve(&CATALOG, &built.profile).expect("valid");
    let level = |d: &str| t.domain(d).expect("domain").level;
    assert_eq!(
        level("hardening"),
        Level::new(Comprehensiveness::Formalized, Scope::Industry)
    );
    assert_eq!(
        level("governance"),
        Level::new(Comprehensiveness::AdHoc, Scope::General)
    );
    assert_eq!(
        level("enablement"),
        Level::new(Comprehensiveness::AdHoc, Scope::General)
    );
    // The option's statement is kept.
    let (_, goal) = built
        .profile
        .goals
        .iter()
        .find(|(k, _)| k.value == "hardening")
        .expect("goal");
    assert_eq!(goal.statement, formalized.statement.trim());
}

#[test]
fn a_practice_set_to_level_0_takes_no_scope() {
    use smm_core::interview::{suggest_decision, Decision, DecisionKind};
    use smm_core::level::{Comprehensiveness, Level, Scope};
    let answers = parse_answers(&format!(
        "{HEAD}goals:\n  enablement: {{option: system-trust-boundaries}}\n"
    ))
    .expect("answers");
    let s = suggest_decision(
        &CATALOG,
        None,
        &answers,
        DecisionKind::Practice,
        "data-policy",
    )
    .expect("suggested");
    assert_eq!(s.inherited.scope, Scope::System);
    let d = s.set(
        Level::new(Comprehensiveness::None, Scope::General),
        "no data worth protecting",
    );
    assert_eq!(
        d.comprehensiveness.as_ref().map(|c| c.value),
        Some(Comprehensiveness::None)
    );
    assert!(d.scope.is_none(), "{d:?}");
    let d = Decision::levels(
        Some(Comprehensiveness::None),
        Some(Scope::Industry),
        "not required",
    );
    assert!(d.scope.is_none());
    let d = Decision::levels(
        Some(Comprehensiveness::Minimum),
        Some(Scope::Industry),
        "why",
    );
    assert_eq!(d.scope.map(|s| s.value), Some(Scope::Industry));
}

#[test]
fn every_built_in_factor_floor_says_where_it_comes_from() {
    let mut floors = 0;
    for guide in &CATALOG.factors {
        for a in &guide.adjustments {
            floors += 1;
            assert!(
                a.source.as_deref().is_some_and(|s| !s.trim().is_empty()),
                "a {:?} floor ({}) cites no source",
                guide.kind,
                a.reason.trim()
            );
        }
    }
    assert!(floors > 0);
    // The docs list every floor with its source.
    let docs = crate::support::read("docs/target-setting.md");
    assert_eq!(
        docs.lines()
            .filter(|l| l.starts_with("| ") && l.matches(" | ").count() == 4)
            .filter(|l| !l.starts_with("| factor |"))
            .filter(|l| CATALOG.factors.iter().any(|g| l.starts_with(&format!(
                "| {} |",
                serde_json::to_value(g.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            ))))
            .count(),
        floors,
        "docs/target-setting.md lists every floor once"
    );
}
