//! Each measure points at the line that decided it, read from the bottling line's target.

use super::*;
use crate::{parse_target, resolve};

const BOTTLING_TARGET: &str = include_str!("../../../../examples/bottling-line/target.yaml");

/// The lines of `practice`'s comprehensiveness and scope in the bottling line's target.
fn lines_of(target_text: &str, practice: &str) -> (u64, u64) {
    let catalog = Catalog::builtin();
    let target = parse_target(target_text).expect("the example parses");
    let resolved = resolve(&catalog, &target).expect("the example resolves");
    let p = resolved
        .practices
        .iter()
        .find(|p| p.id.as_str() == practice)
        .expect("a practice of the catalog");
    let at = written_at(&catalog, &target, p);
    (at.comprehensiveness.line, at.scope.line)
}

/// The 1-based line of the first line of `text` equal to `line` after `after`.
fn line_no(text: &str, after: &str, line: &str) -> u64 {
    let start = text
        .lines()
        .position(|l| l == after)
        .expect("the section exists");
    let i = text
        .lines()
        .enumerate()
        .skip(start)
        .find(|(_, l)| *l == line)
        .expect("the line exists")
        .0;
    i as u64 + 1
}

#[test]
fn a_practice_entry_decides_both_measures_when_it_sets_both() {
    let t = BOTTLING_TARGET;
    assert_eq!(
        lines_of(t, "risk-attitude"),
        (
            line_no(t, "  risk-attitude:", "    comprehensiveness: 3"),
            line_no(t, "  risk-attitude:", "    scope: industry"),
        )
    );
}

#[test]
fn a_subdomain_override_decides_one_measure_and_the_goal_the_other() {
    let t = BOTTLING_TARGET;
    assert_eq!(
        lines_of(t, "threat-modeling"),
        (
            line_no(t, "  threats:", "    comprehensiveness: 3"),
            line_no(t, "  governance:", "    scope: industry"),
        )
    );
}

#[test]
fn a_practice_that_sets_only_its_scope_takes_its_depth_from_the_goal() {
    let t = BOTTLING_TARGET;
    assert_eq!(
        lines_of(t, "vulnerability-assessment"),
        (
            line_no(t, "  hardening:", "    comprehensiveness: 2"),
            line_no(t, "  vulnerability-assessment:", "    scope: industry"),
        )
    );
}

#[test]
fn a_confirmation_without_levels_points_at_the_goal_it_keeps() {
    let t = BOTTLING_TARGET;
    assert_eq!(
        lines_of(t, "compliance"),
        (
            line_no(t, "  governance:", "    comprehensiveness: 2"),
            line_no(t, "  governance:", "    scope: industry"),
        )
    );
}

#[test]
fn an_entry_keyed_by_name_is_found_like_one_keyed_by_id() {
    let t = BOTTLING_TARGET.replace("  risk-attitude:\n", "  Risk Attitude:\n");
    assert_eq!(
        lines_of(&t, "risk-attitude"),
        (
            line_no(&t, "  Risk Attitude:", "    comprehensiveness: 3"),
            line_no(&t, "  Risk Attitude:", "    scope: industry"),
        )
    );
}

#[test]
fn a_target_built_in_code_has_no_positions() {
    let catalog = Catalog::builtin();
    let mut target = parse_target(BOTTLING_TARGET).expect("the example parses");
    let resolved = resolve(&catalog, &target).expect("the example resolves");
    // Positions are not part of a value: a copy made in code carries none.
    for (_, goal) in target.goals.0.iter_mut() {
        goal.comprehensiveness = Located::new(goal.comprehensiveness.value);
        goal.scope = Located::new(goal.scope.value);
    }
    let p = resolved
        .practices
        .iter()
        .find(|p| p.id.as_str() == "compliance")
        .expect("a practice of the catalog");
    assert_eq!(written_at(&catalog, &target, p), WrittenAt::default());
}
