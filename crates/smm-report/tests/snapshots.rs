//! Snapshots of the charts for the examples: any change to a chart's SVG shows up in review
//! (`cargo insta review`), so a chart never changes by accident.

use smm_core::{current_profile, gap, parse_assessment, parse_target, resolve, Catalog};
use smm_report::{chart, chart_data, Granularity};

fn read(path: &str) -> String {
    let full = format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn data(name: &str, granularity: Granularity) -> smm_report::ChartData {
    let catalog = Catalog::builtin();
    let target = resolve(
        &catalog,
        &parse_target(&read(&format!("examples/{name}/target.yaml"))).expect("target"),
    )
    .expect("resolves");
    let assessment =
        parse_assessment(&read(&format!("examples/{name}/assessment.yaml"))).expect("assessment");
    let current = current_profile(&catalog, &assessment).expect("checks");
    let g = gap(&target, &current).expect("same catalog");
    chart_data(&catalog, &target, Some(&g), granularity)
}

#[test]
fn bottling_line_charts_are_stable() {
    let d = data("bottling-line", Granularity::Practice);
    insta::assert_snapshot!("bottling_line_bar", chart::bar(&d));
    insta::assert_snapshot!("bottling_line_radar", chart::radar(&d));
    insta::assert_snapshot!("bottling_line_heatmap", chart::heatmap(&d));
}

#[test]
fn hvac_subdomain_bar_is_stable() {
    insta::assert_snapshot!(
        "hvac_subdomain_bar",
        chart::bar(&data("hvac", Granularity::Subdomain))
    );
}

fn view(file: &str) -> smm_core::ProfileView {
    let catalog = Catalog::builtin();
    let text = read(&format!("examples/bottling-line/{file}"));
    match parse_target(&text) {
        Ok(t) => smm_core::ProfileView::of_target(&resolve(&catalog, &t).expect("resolves")),
        Err(_) => {
            let a = parse_assessment(&text).expect("assessment");
            smm_core::ProfileView::of_current(
                &catalog,
                &current_profile(&catalog, &a).expect("checks"),
            )
        }
    }
}

#[test]
fn bottling_line_comparison_chart_is_stable() {
    let c = smm_core::compare(&view("owner-requirements.yaml"), &view("target.yaml"))
        .expect("same catalog");
    insta::assert_snapshot!(
        "bottling_line_owner_compare",
        chart::compare(&Catalog::builtin(), &c)
    );
}

#[test]
fn bottling_line_trend_chart_is_stable() {
    let catalog = Catalog::builtin();
    let target = resolve(
        &catalog,
        &parse_target(&read("examples/bottling-line/target.yaml")).expect("target"),
    )
    .expect("resolves");
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
