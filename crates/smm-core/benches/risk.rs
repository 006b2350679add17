//! How long the risk simulation takes: 100,000 simulated years over ten loss scenarios.
//!
//! The ten scenarios are the bottling line's five and the HVAC system's four, plus the first
//! again under another id, simulated for the bottling line's target with the estimates made for
//! the line as assessed (basis: assessed), so every step between the two is in play, each with
//! its effectiveness drawn every year. Also measured: compiling the model
//! (tabulating every distribution), which a caller does once per set of scenarios, and ranking
//! the HVAC system's roadmap by risk (every action's value after what it needs, then the annual
//! loss after each action: `smm roadmap --rank risk`).
//!
//! Run with `cargo bench -p smm-core --bench risk`; see docs/performance.md.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use smm_core::actions::ActionCatalog;
use smm_core::located::Located;
use smm_core::risk::{
    parse_risk_scenarios, simulate, today, valued_roadmap, ProfileLevels, RiskEffects, RiskModel,
    SimulationOptions,
};
use smm_core::roadmap::PlanInput;
use smm_core::{current_profile, parse_assessment, parse_target, resolve, Catalog, ProfileView};

const BOTTLING: &str = include_str!("../../../examples/bottling-line/risk.yaml");
const HVAC: &str = include_str!("../../../examples/hvac/risk.yaml");
const ASSESSMENT: &str = include_str!("../../../examples/bottling-line/assessment.yaml");
const TARGET: &str = include_str!("../../../examples/bottling-line/target.yaml");
const HVAC_ASSESSMENT: &str = include_str!("../../../examples/hvac/assessment.yaml");
const HVAC_TARGET: &str = include_str!("../../../examples/hvac/target.yaml");

fn risk(c: &mut Criterion) {
    let catalog = Catalog::builtin();
    let effects = RiskEffects::builtin(&catalog);
    let mut scenarios = parse_risk_scenarios(&catalog, BOTTLING).expect("bottling line");
    let hvac = parse_risk_scenarios(&catalog, HVAC).expect("hvac");
    scenarios.scenarios.extend(hvac.scenarios.clone());
    let mut again = scenarios.scenarios[0].clone();
    again.id = Located::new("ransomware-stops-line-again".to_string());
    scenarios.scenarios.push(again);
    assert_eq!(scenarios.scenarios.len(), 10);
    let current = current_profile(&catalog, &parse_assessment(ASSESSMENT).expect("assessment"))
        .expect("current");
    let current = ProfileLevels::of_view(&ProfileView::of_current(&catalog, &current));
    let target = resolve(&catalog, &parse_target(TARGET).expect("target")).expect("resolves");
    let target = ProfileLevels::of_view(&ProfileView::of_target(&target));
    let model = RiskModel::new(&effects, &scenarios, Some(&current)).expect("model");
    let options = SimulationOptions {
        iterations: 100_000,
        seed: 1,
    };
    let mut group = c.benchmark_group("risk");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("simulate 100k years x 10 scenarios", |b| {
        b.iter(|| simulate(black_box(&model), black_box(&target), &options))
    });
    group.bench_function("compile 10 scenarios", |b| {
        b.iter(|| RiskModel::new(&effects, black_box(&scenarios), Some(&current)))
    });
    let hvac_current = current_profile(
        &catalog,
        &parse_assessment(HVAC_ASSESSMENT).expect("assessment"),
    )
    .expect("current");
    let hvac_target =
        resolve(&catalog, &parse_target(HVAC_TARGET).expect("target")).expect("resolves");
    let hvac_today = today(&catalog, &hvac_current);
    let hvac_model = RiskModel::new(&effects, &hvac, Some(&hvac_today)).expect("model");
    let actions = ActionCatalog::builtin(&catalog);
    let pricing = actions.pricing(None);
    let input = PlanInput {
        catalog: &catalog,
        actions: &actions,
        pricing: &pricing,
        target: &hvac_target,
        current: &hvac_current,
        findings: &[],
    };
    group.bench_function("rank the HVAC roadmap by risk, 100k years", |b| {
        b.iter(|| valued_roadmap(&input, None, &hvac_model, &hvac_today, &options, 3))
    });
    group.finish();
}

criterion_group!(benches, risk);
criterion_main!(benches);
