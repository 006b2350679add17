//! What the report tests share: the examples, read from the repository, and carried through
//! the pipeline (resolved target, assessment, gap) to the input a chart or report takes.
//!
//! Every test file declares `mod support;` and uses part of it: an item one file does not use
//! is not a warning.
#![allow(dead_code)]

use std::path::PathBuf;

use smm_core::document::{Assessment, TargetProfile};
use smm_core::{
    current_profile, gap, parse_assessment, parse_target, resolve, Catalog, Gap, ProfileView,
    ResolvedTarget,
};
use smm_report::{chart_data, ChartData, Granularity};

/// The examples that have both a target and an assessment.
pub const EXAMPLES: [&str; 4] = ["bottling-line", "hvac", "ota-gateway", "home-cameras"];

/// The repository's root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The text of a file given by its path from the repository root.
pub fn read(path: &str) -> String {
    let full = root().join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// The text of `examples/NAME/FILE`.
pub fn example(name: &str, file: &str) -> String {
    read(&format!("examples/{name}/{file}"))
}

/// The example's target profile, resolved.
pub fn resolved_target(catalog: &Catalog, name: &str) -> ResolvedTarget {
    let target = parse_target(&example(name, "target.yaml")).expect("target parses");
    resolve(catalog, &target).expect("target resolves")
}

/// The example's target profile as written, and resolved.
pub fn target_of(catalog: &Catalog, name: &str) -> (TargetProfile, ResolvedTarget) {
    target_from(catalog, &example(name, "target.yaml"))
}

/// A target profile from its text, as written and resolved.
pub fn target_from(catalog: &Catalog, text: &str) -> (TargetProfile, ResolvedTarget) {
    let target = parse_target(text).expect("target parses");
    let resolved = resolve(catalog, &target).expect("target resolves");
    (target, resolved)
}

/// An assessment from its text, and its gap to `target`.
pub fn assessed_from(catalog: &Catalog, text: &str, target: &ResolvedTarget) -> (Assessment, Gap) {
    let assessment = parse_assessment(text).expect("assessment parses");
    let current = current_profile(catalog, &assessment).expect("assessment checks");
    let gap = gap(target, &current).expect("same catalog");
    (assessment, gap)
}

/// The example's assessment, and its gap to `target`.
pub fn assessed(catalog: &Catalog, name: &str, target: &ResolvedTarget) -> (Assessment, Gap) {
    assessed_from(catalog, &example(name, "assessment.yaml"), target)
}

/// The chart data of an example: its target, with the gap to its assessment if asked.
pub fn chart_data_of(name: &str, with_assessment: bool, granularity: Granularity) -> ChartData {
    let catalog = Catalog::builtin();
    let target = resolved_target(&catalog, name);
    let gap = with_assessment.then(|| assessed(&catalog, name, &target).1);
    chart_data(&catalog, &target, gap.as_ref(), granularity)
}

/// `examples/NAME/FILE` as a profile to compare, whether it is a target or an assessment.
pub fn view(name: &str, file: &str) -> ProfileView {
    let catalog = Catalog::builtin();
    let text = example(name, file);
    match smm_core::header::read_kind(&text).expect("header") {
        smm_core::Kind::TargetProfile => {
            let target = parse_target(&text).expect("target parses");
            ProfileView::of_target(&resolve(&catalog, &target).expect("target resolves"))
        }
        _ => {
            let assessment = parse_assessment(&text).expect("assessment parses");
            let current = current_profile(&catalog, &assessment).expect("assessment checks");
            ProfileView::of_current(&catalog, &current)
        }
    }
}
