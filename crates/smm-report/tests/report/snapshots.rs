//! Snapshots of the charts for the examples: any change to a chart's SVG shows up in review
//! (`cargo insta review`), so a chart never changes by accident.

use crate::support::{chart_data_of, read, resolved_target, view};
use smm_core::{current_profile, parse_assessment, Catalog};
use smm_report::{chart, Granularity};

#[test]
fn bottling_line_charts_are_stable() {
    let d = chart_data_of("bottling-line", true, Granularity::Practice);
    insta::assert_snapshot!("bottling_line_bar", chart::bar(&d));
    insta::assert_snapshot!("bottling_line_radar", chart::radar(&d));
    insta::assert_snapshot!("bottling_line_heatmap", chart::heatmap(&d));
}

#[test]
fn hvac_subdomain_bar_is_stable() {
    insta::assert_snapshot!(
        "hvac_subdomain_bar",
        chart::bar(&chart_data_of("hvac", true, Granularity::Subdomain))
    );
}

#[test]
fn bottling_line_comparison_chart_is_stable() {
    let c = smm_core::compare(
        &view("bottling-line", "owner-requirements.yaml"),
        &view("bottling-line", "target.yaml"),
    )
    .expect("same catalog");
    insta::assert_snapshot!(
        "bottling_line_owner_compare",
        chart::compare(&Catalog::builtin(), &c)
    );
}

#[test]
fn bottling_line_trend_chart_is_stable() {
    let catalog = Catalog::builtin();
    let target = resolved_target(&catalog, "bottling-line");
    let files = [
        "examples/bottling-line/history/2026-03-site-acceptance.yaml",
        "examples/bottling-line/assessment.yaml",
        "examples/bottling-line/history/2026-10-reassessment.yaml",
    ];
    let assessments: Vec<_> = files
        .iter()
        .map(|f| parse_assessment(&read(f)).expect("assessment"))
        .collect();
    let currents: Vec<_> = assessments
        .iter()
        .map(|a| current_profile(&catalog, a).expect("checks"))
        .collect();
    let inputs: Vec<smm_core::TrendInput> = files
        .iter()
        .zip(&assessments)
        .zip(&currents)
        .map(|((source, assessment), current)| smm_core::TrendInput {
            source,
            assessment,
            current,
            target: &target,
        })
        .collect();
    let t = smm_core::trend(&inputs).expect("one product");
    insta::assert_snapshot!("bottling_line_trend", chart::trend(&catalog, &t));
}
