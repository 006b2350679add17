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

/// A level as a chart writes it, `2/I`.
fn level_of(text: &str) -> Option<smm_core::Level> {
    let (c, s) = text.trim().split_once('/')?;
    Some(smm_core::Level::new(
        smm_core::Comprehensiveness::parse(c)?,
        smm_core::Scope::parse(s.trim_end_matches(['+', '-']))?,
    ))
}

/// The status word a row or label shows, if any.
fn status_in(text: &str) -> Option<smm_core::Status> {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    [
        smm_core::Status::Under,
        smm_core::Status::Met,
        smm_core::Status::Over,
    ]
    .into_iter()
    .find(|s| words.contains(&s.as_str()))
}

/// The text drawn inside `node`: its text, leaving out tooltips (`<title>`).
fn text_of(node: roxmltree::Node) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter(|n| !n.ancestors().any(|a| a.has_tag_name("title")))
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Checks that every row of a bar, radar or heat-map chart draws a pair of levels that reads
/// as its status says: the status of the drawn current level against the drawn target is the
/// status written beside them. In a bar chart the pair is read from the bars themselves (length
/// on a common scale, checked against the value labels, and the scope letter after each bar);
/// in a radar or heat map from the `target → current` text of the spoke or cell. Returns how
/// many rows were checked, and a description of each row that disagrees.
pub fn rows_against_status(svg: &str) -> (usize, Vec<String>) {
    let doc = roxmltree::Document::parse(svg).expect("the chart is XML");
    let mut checked = 0;
    let mut wrong = Vec::new();
    let mut unit: Option<f64> = None;
    for g in doc.descendants().filter(|n| {
        n.has_tag_name("g") && matches!(n.attribute("class"), Some("item" | "spoke-label"))
    }) {
        let name = g.attribute("id").unwrap_or("spoke").to_string();
        let bars: Vec<roxmltree::Node> = g
            .children()
            .filter(|n| {
                n.attribute("class")
                    .is_some_and(|c| c == "bar target" || c == "bar current")
            })
            .collect();
        let pair = if bars.len() == 2 {
            let mut levels = Vec::new();
            for bar in &bars {
                let label = bar.next_sibling_element().map(text_of).unwrap_or_default();
                let level = level_of(&label).unwrap_or_else(|| panic!("{name}: label {label:?}"));
                let length = if bar.has_tag_name("rect") {
                    bar.attribute("width")
                        .and_then(|w| w.parse::<f64>().ok())
                        .unwrap_or_default()
                } else {
                    0.0
                };
                let c = f64::from(level.comprehensiveness.value());
                if c > 0.0 {
                    let u = *unit.get_or_insert(length / c);
                    assert!(
                        (length - c * u).abs() < 0.05,
                        "{name}: a bar of {length} px is labelled {label}"
                    );
                } else {
                    assert_eq!(length, 0.0, "{name}: a level-0 bar has a length");
                }
                levels.push(level);
            }
            Some((levels[0], levels[1]))
        } else {
            let text = text_of(g);
            text.split_once('\u{2192}').and_then(|(a, b)| {
                let a = a.split_whitespace().last()?;
                let b = b.split_whitespace().next()?;
                Some((level_of(a)?, level_of(b)?))
            })
        };
        let Some((target, current)) = pair else {
            continue;
        };
        let Some(status) = status_in(&text_of(g)) else {
            continue;
        };
        checked += 1;
        let drawn = smm_core::Status::of(target, current);
        if drawn != status {
            wrong.push(format!(
                "{name}: draws {target} against {current} ({}) beside \"{}\"",
                drawn.as_str(),
                status.as_str()
            ));
        }
    }
    (checked, wrong)
}
