//! A roadmap ranked by risk reduced per cost: the values it ranks by, the order it gives, the
//! schedule that avoids the most loss, and the annual loss stage by stage.

use std::collections::{BTreeMap, HashMap};

use crate::support::{assessed, example, resolved_target};
use smm_core::actions::{ActionCatalog, ActionId};
use smm_core::document::Finding;
use smm_core::risk::{
    outlook, parse_risk_scenarios, roadmap_values, simulate, today, valued_roadmap, ProfileLevels,
    RiskEffects, RiskModel, SimulationOptions, ValuedRoadmap,
};
use smm_core::roadmap::{
    plan, plan_valued, Budget, BudgetUnit, Month, PeriodKind, PlanInput, Ranking, Roadmap,
};
use smm_core::{Catalog, CurrentProfile, ResolvedTarget};

const EXAMPLES: [&str; 2] = ["bottling-line", "hvac"];

struct Case {
    catalog: Catalog,
    actions: ActionCatalog,
    target: ResolvedTarget,
    current: CurrentProfile,
    findings: Vec<Finding>,
    model: RiskModel,
    today: ProfileLevels,
}

fn case(name: &str) -> Case {
    let catalog = Catalog::builtin();
    let actions = ActionCatalog::builtin(&catalog);
    let (assessment, current) = assessed(name);
    let scenarios =
        parse_risk_scenarios(&catalog, &example(name, "risk.yaml")).expect("scenarios parse");
    let today = today(&catalog, &current);
    let model =
        RiskModel::new(&RiskEffects::builtin(&catalog), &scenarios, Some(&today)).expect("model");
    Case {
        target: resolved_target(name),
        findings: assessment.findings,
        catalog,
        actions,
        current,
        model,
        today,
    }
}

fn options() -> SimulationOptions {
    SimulationOptions {
        iterations: 4_000,
        seed: 7,
    }
}

fn budget(per_period: u64) -> Budget {
    Budget {
        per_period,
        unit: BudgetUnit::Money,
        period: PeriodKind::Quarter,
        start: Month::parse("2027-01").expect("month"),
        deadline: Some(Month::parse("2027-06").expect("month")),
    }
}

impl Case {
    fn with_input<T>(&self, f: impl FnOnce(&PlanInput<'_>) -> T) -> T {
        let pricing = self.actions.pricing(None);
        f(&PlanInput {
            catalog: &self.catalog,
            actions: &self.actions,
            pricing: &pricing,
            target: &self.target,
            current: &self.current,
            findings: &self.findings,
        })
    }

    fn valued(&self, budget: Option<&Budget>) -> ValuedRoadmap {
        self.with_input(|input| {
            valued_roadmap(input, budget, &self.model, &self.today, &options(), 3).expect("plans")
        })
    }

    fn by_weight(&self, budget: Option<&Budget>) -> Roadmap {
        self.with_input(|input| plan(input, budget).expect("plans"))
    }
}

/// Each action's value is what its step avoids on the simulated years once the actions it needs
/// are done; a step never raises the loss.
#[test]
fn values_are_the_loss_a_step_avoids_after_what_it_needs() {
    for name in EXAMPLES {
        let c = case(name);
        let roadmap = c.by_weight(None);
        let values = roadmap_values(&c.model, &c.today, &roadmap, &options());
        assert_eq!(values.len(), roadmap.actions.len(), "{name}");
        for ((id, value), action) in values.iter().zip(&roadmap.actions) {
            assert_eq!(id, &action.id);
            assert!(value.mean >= 0.0, "{name}: {id} raises the loss");
            if action.needs.is_empty() {
                let before = simulate(&c.model, &c.today, &options());
                let after = simulate(
                    &c.model,
                    &c.today.with_step(&id.practice, id.step),
                    &options(),
                );
                let avoided = before.annual_loss.mean - after.annual_loss.mean;
                assert!(
                    (value.mean - avoided).abs() <= 1e-6 * before.annual_loss.mean.max(1.0),
                    "{name}: {id}: {} vs {avoided}",
                    value.mean
                );
            }
        }
        assert!(
            values.iter().any(|(_, v)| v.mean > 0.0),
            "{name}: the plan avoids nothing"
        );
    }
}

/// Ranked by risk, every action comes after what it needs, the same actions are planned as
/// ranked by weight, and among actions free to go next the best value per cost goes first.
#[test]
fn the_ranking_by_risk_orders_by_value_per_cost_and_keeps_dependencies() {
    for name in EXAMPLES {
        let c = case(name);
        let valued = c.valued(None);
        let roadmap = &valued.roadmap;
        assert_eq!(roadmap.ranking, Ranking::Risk);
        let mut by_weight = valued.by_weight.clone();
        let mut by_risk: Vec<ActionId> = roadmap.actions.iter().map(|a| a.id.clone()).collect();
        assert_eq!(
            by_weight,
            c.by_weight(None)
                .actions
                .iter()
                .map(|a| a.id.clone())
                .collect::<Vec<_>>()
        );
        by_weight.sort();
        by_risk.sort();
        assert_eq!(by_weight, by_risk, "{name}: different actions");
        let position: HashMap<&ActionId, usize> = roadmap
            .actions
            .iter()
            .enumerate()
            .map(|(i, a)| (&a.id, i))
            .collect();
        for (i, a) in roadmap.actions.iter().enumerate() {
            for need in &a.needs {
                assert!(
                    position[&need.action] < i,
                    "{name}: {} before {}",
                    a.id,
                    need.action
                );
            }
            assert_eq!(valued.values[i].action, a.id);
            assert_eq!(valued.values[i].risk_rank, i + 1);
            assert_eq!(
                a.value,
                Some(valued.values[i].reduction.mean.max(0.0).round() as u64)
            );
        }
        // Two neighbours with no dependency between them, neither needed later by a better
        // action, are in order of value per cost.
        let density = |i: usize| {
            let a = &roadmap.actions[i];
            a.value.unwrap_or(0) as f64 / a.amount.max(1) as f64
        };
        let needed_by_later = |i: usize| {
            roadmap.actions[i + 1..].iter().any(|later| {
                later
                    .needs
                    .iter()
                    .any(|n| n.action == roadmap.actions[i].id)
            })
        };
        for i in 0..roadmap.actions.len().saturating_sub(1) {
            let free_pair = !roadmap.actions[i + 1]
                .needs
                .iter()
                .any(|n| n.action == roadmap.actions[i].id);
            if free_pair && !needed_by_later(i) && !needed_by_later(i + 1) {
                assert!(
                    density(i) >= density(i + 1),
                    "{name}: {} before {}",
                    roadmap.actions[i].id,
                    roadmap.actions[i + 1].id
                );
            }
        }
    }
}

/// Each stage of the plan lowers the annual loss (never raises it, on the same years), and the
/// whole plan lands where `smm risk` puts the target reached when it needs no prerequisite the
/// target did not ask for.
#[test]
fn stages_lower_the_loss_down_to_the_target_reached() {
    for name in EXAMPLES {
        let c = case(name);
        let valued = c.valued(None);
        assert_eq!(valued.stages.len(), valued.roadmap.actions.len() + 1);
        assert_eq!(valued.stages[0].profile, "today");
        for pair in valued.stages.windows(2) {
            assert!(
                pair[1].annual_loss.mean <= pair[0].annual_loss.mean,
                "{name}: {} raises the loss",
                pair[1].profile
            );
        }
        let first = &valued.stages[0].annual_loss;
        let last = &valued.stages[valued.stages.len() - 1].annual_loss;
        assert!((valued.plan_reduction - (first.mean - last.mean)).abs() < 1e-6);
        let rosi =
            (valued.plan_reduction * 3.0 - valued.plan_amount as f64) / valued.plan_amount as f64;
        assert!((valued.plan_rosi.expect("priced") - rosi).abs() < 1e-9);
        if valued.roadmap.actions.iter().all(|a| !a.prerequisite) {
            let reached = outlook(
                &c.catalog,
                &RiskEffects::builtin(&c.catalog),
                &parse_risk_scenarios(&c.catalog, &example(name, "risk.yaml")).expect("parses"),
                &c.current,
                Some(&c.target),
                &options(),
            )
            .expect("outlook");
            let target = reached.target_reached().expect("target");
            assert_eq!(last, &target.annual_loss, "{name}");
        }
    }
}

/// With a budget, the schedule ranked by risk avoids at least as much (by the values) as the one
/// ranked by weight, and each stage is a period of it.
#[test]
fn the_budgeted_schedule_maximizes_the_loss_avoided() {
    for name in EXAMPLES {
        let c = case(name);
        let total: u64 = c.by_weight(None).totals.amount;
        for per_period in [total / 5, total / 3, total / 2] {
            let b = budget(per_period.max(1));
            let valued = c.valued(Some(&b));
            let schedule = valued.roadmap.schedule.as_ref().expect("scheduled");
            let value: BTreeMap<ActionId, u64> = valued
                .roadmap
                .actions
                .iter()
                .map(|a| (a.id.clone(), a.value.unwrap_or(0)))
                .collect();
            let weighed = c.by_weight(Some(&b));
            let weighed_value: u64 = weighed
                .schedule
                .as_ref()
                .expect("scheduled")
                .periods
                .iter()
                .flat_map(|p| &p.actions)
                .map(|id| value[id])
                .sum();
            if schedule.method.optimal {
                assert!(
                    schedule.scheduled.value >= weighed_value,
                    "{name} at {per_period}: {} < {weighed_value}",
                    schedule.scheduled.value
                );
                assert_eq!(schedule.weight_bound, schedule.scheduled.value);
            }
            let nonempty = schedule
                .periods
                .iter()
                .filter(|p| !p.actions.is_empty())
                .count();
            assert_eq!(valued.stages.len(), nonempty + 1, "{name}");
            assert_eq!(valued.plan_amount, schedule.scheduled.amount);
            // The same values passed by hand give the same roadmap.
            let again = c.with_input(|input| plan_valued(input, Some(&b), &value).expect("plans"));
            assert_eq!(again, valued.roadmap);
        }
    }
}
