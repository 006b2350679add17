//! How long planning takes: the roadmap without a budget, and the budgeted schedule.
//!
//! Cases: the HVAC example (10 actions); and the worst the model allows, every one of the 18
//! practices from 0 / general to 4 / system (108 actions, every dependency in play), scheduled
//! with a budget that fits about two thirds of it by the deadline, so the search must choose.
//!
//! Run with `cargo bench -p smm-core --bench roadmap`; see docs/performance.md.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use smm_core::actions::ActionCatalog;
use smm_core::level::{Comprehensiveness, Scope};
use smm_core::roadmap::{plan, Budget, BudgetUnit, Month, PeriodKind, PlanInput};
use smm_core::{current_profile, parse_assessment, parse_target, resolve, Catalog};

const HVAC_TARGET: &str = include_str!("../../../examples/hvac/target.yaml");
const HVAC_ASSESSMENT: &str = include_str!("../../../examples/hvac/assessment.yaml");

fn budget(per_period: u64, deadline: &str) -> Budget {
    Budget {
        per_period,
        unit: BudgetUnit::Money,
        period: PeriodKind::Quarter,
        start: Month::parse("2027-01").expect("month"),
        deadline: Month::parse(deadline),
    }
}

fn roadmap(c: &mut Criterion) {
    let catalog = Catalog::builtin();
    let actions = ActionCatalog::builtin(&catalog);
    let pricing = actions.pricing(None);
    let target = resolve(&catalog, &parse_target(HVAC_TARGET).expect("target")).expect("resolves");
    let assessment = parse_assessment(HVAC_ASSESSMENT).expect("assessment");
    let current = current_profile(&catalog, &assessment).expect("current");

    // Every practice from nothing to the most demanding level.
    let mut everything = target.clone();
    for p in &mut everything.practices {
        p.comprehensiveness = Comprehensiveness::Formalized;
        p.scope = Scope::System;
    }
    let mut nothing = current.clone();
    for p in &mut nothing.practices {
        p.level.comprehensiveness = Comprehensiveness::None;
        p.level.scope = Scope::General;
    }

    let hvac = PlanInput {
        catalog: &catalog,
        actions: &actions,
        pricing: &pricing,
        target: &target,
        current: &current,
        findings: &assessment.findings,
    };
    let all = PlanInput {
        target: &everything,
        current: &nothing,
        findings: &[],
        ..hvac
    };
    let full = plan(&all, None).expect("plan");
    assert_eq!(full.actions.len(), 108);
    // Two years of quarters with about two thirds of the total.
    let tight = budget(full.totals.amount * 2 / 3 / 8, "2028-12");
    let scheduled = plan(&all, Some(&tight)).expect("plan");
    let s = scheduled.schedule.as_ref().expect("schedule");
    eprintln!(
        "108 actions, budget {}/quarter: {} scheduled, weight {} of bound {} (optimal: {}, {} nodes)",
        tight.per_period,
        s.scheduled.actions,
        s.scheduled.weight,
        s.weight_bound,
        s.method.optimal,
        s.method.nodes
    );

    let mut group = c.benchmark_group("roadmap");
    group.measurement_time(Duration::from_secs(4));
    group.bench_function("hvac/no budget", |b| {
        b.iter(|| plan(black_box(&hvac), None))
    });
    let hvac_budget = budget(90_000, "2027-12");
    group.bench_function("hvac/budget", |b| {
        b.iter(|| plan(black_box(&hvac), Some(&hvac_budget)))
    });
    group.bench_function("18 practices 0->4/system/no budget", |b| {
        b.iter(|| plan(black_box(&all), None))
    });
    group.bench_function("18 practices 0->4/system/budget+deadline", |b| {
        b.iter(|| plan(black_box(&all), Some(&tight)))
    });
    let open = budget(tight.per_period, "");
    group.bench_function("18 practices 0->4/system/budget, no deadline", |b| {
        b.iter(|| plan(black_box(&all), Some(&open)))
    });
    group.finish();
}

criterion_group!(benches, roadmap);
criterion_main!(benches);
