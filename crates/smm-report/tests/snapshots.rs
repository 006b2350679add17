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
