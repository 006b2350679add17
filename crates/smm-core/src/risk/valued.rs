//! A roadmap ranked by the risk it reduces per unit of cost, and its figures step by step.
//!
//! Each action's value is the mean annual loss it avoids, taken once the roadmap's actions it
//! needs are done (so a step that only pays off with its prerequisite is credited, and its
//! prerequisite is credited with what it does alone). The values rank the actions (value per
//! unit of cost) and are what the budgeted scheduler maximizes. Values of steps that protect the
//! same factor overlap (two 50 % reductions do not make 100 %), so their sum overstates what the
//! plan buys: the plan's own figures are simulated, stage by stage, on the same years.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::result::{LossDistribution, RiskResult};
use super::{simulate, ProfileLevels, RiskModel, SimulationOptions};
use crate::actions::ActionId;
use crate::roadmap::{plan, plan_valued, Budget, PlanError, PlanInput, Roadmap};

/// The years over which a one-off cost is weighed against the loss it avoids each year, when
/// none is given: a common life for a security measure before it needs rework.
pub const DEFAULT_HORIZON_YEARS: u32 = 3;

/// What one action of the roadmap buys.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ActionValue {
    /// The action.
    pub action: ActionId,
    /// Its one-off cost, in the roadmap's currency.
    pub amount: u64,
    /// The loss it avoids in a year, as a distribution over the simulated years: the mean is
    /// its value; the percentiles say how sure that is.
    pub reduction: LossDistribution,
    /// Return on security investment over the horizon: (annual loss avoided × years − cost) /
    /// cost, undiscounted. None for a free action.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rosi: Option<f64>,
    /// Years until the loss avoided pays the cost. None when it avoids nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payback_years: Option<f64>,
    /// Its place (from 1) in the roadmap ranked by risk.
    pub risk_rank: usize,
    /// Its place (from 1) in the roadmap ranked by weight, the ordering without scenarios.
    pub weight_rank: usize,
}

/// A roadmap ranked by risk, with what each action and each stage of the plan buys.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ValuedRoadmap {
    /// The roadmap ranked (and, with a budget, scheduled) by value per unit of cost.
    pub roadmap: Roadmap,
    /// Each action's value, in the ranked roadmap's order.
    pub values: Vec<ActionValue>,
    /// The actions in the order ranked by weight, for comparison.
    pub by_weight: Vec<ActionId>,
    /// The horizon of the return on investment.
    pub horizon_years: u32,
    /// The annual loss today, then after each stage of the plan: each period of the schedule,
    /// or without a budget each action in order. The last stage is the plan done.
    pub stages: Vec<RiskResult>,
    /// What the plan (the scheduled actions, or all of them) costs.
    pub plan_amount: u64,
    /// Today's mean annual loss minus the last stage's.
    pub plan_reduction: f64,
    /// Return on security investment of the whole plan over the horizon.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_rosi: Option<f64>,
}

/// (annual value × years − cost) / cost; none for a free action.
fn rosi(value: f64, cost: u64, years: u32) -> Option<f64> {
    (cost > 0).then(|| (value * f64::from(years) - cost as f64) / cost as f64)
}

/// Each action of `roadmap` with the loss it avoids from `today`, once the actions it needs
/// (directly or not) are done, on the same simulated years.
pub fn roadmap_values(
    model: &RiskModel,
    today: &ProfileLevels,
    roadmap: &Roadmap,
    options: &SimulationOptions,
) -> Vec<(ActionId, LossDistribution)> {
    let position: HashMap<&ActionId, usize> = roadmap
        .actions
        .iter()
        .enumerate()
        .map(|(i, a)| (&a.id, i))
        .collect();
    let mut bases: HashMap<Vec<usize>, Vec<f64>> = HashMap::new();
    roadmap
        .actions
        .iter()
        .map(|action| {
            let needed = closure(roadmap, &position, action.needs.iter().map(|n| &n.action));
            let base = needed.iter().fold(today.clone(), |p, &i| {
                let a = &roadmap.actions[i].id;
                p.with_step(&a.practice, a.step)
            });
            let before = bases
                .entry(needed)
                .or_insert_with(|| simulate::run(model, &base, options).totals);
            let after = simulate::run(
                model,
                &base.with_step(&action.id.practice, action.id.step),
                options,
            )
            .totals;
            let mut avoided: Vec<f64> = before.iter().zip(&after).map(|(b, a)| b - a).collect();
            (action.id.clone(), LossDistribution::of(&mut avoided))
        })
        .collect()
}

/// Every action (positions in the roadmap, sorted) that `start` needs, directly or not.
fn closure<'a>(
    roadmap: &'a Roadmap,
    position: &HashMap<&ActionId, usize>,
    start: impl Iterator<Item = &'a ActionId>,
) -> Vec<usize> {
    let mut seen: Vec<usize> = Vec::new();
    let mut todo: Vec<&ActionId> = start.collect();
    while let Some(id) = todo.pop() {
        let Some(&i) = position.get(id) else { continue };
        if seen.contains(&i) {
            continue;
        }
        seen.push(i);
        todo.extend(roadmap.actions[i].needs.iter().map(|n| &n.action));
    }
    seen.sort_unstable();
    seen
}

/// The roadmap of `input` ranked by risk reduced per cost, scheduled within `budget` to avoid
/// the most loss, with each action's value and the annual loss after each stage.
pub fn valued_roadmap(
    input: &PlanInput<'_>,
    budget: Option<&Budget>,
    model: &RiskModel,
    today: &ProfileLevels,
    options: &SimulationOptions,
    horizon_years: u32,
) -> Result<ValuedRoadmap, PlanError> {
    let by_weight = plan(input, None)?;
    let reductions = roadmap_values(model, today, &by_weight, options);
    let whole = |d: &LossDistribution| d.mean.max(0.0).round() as u64;
    let values: BTreeMap<ActionId, u64> = reductions
        .iter()
        .map(|(id, d)| (id.clone(), whole(d)))
        .collect();
    let roadmap = plan_valued(input, budget, &values)?;
    let reduction_of: HashMap<&ActionId, &LossDistribution> =
        reductions.iter().map(|(id, d)| (id, d)).collect();
    let weight_rank: HashMap<&ActionId, usize> = by_weight
        .actions
        .iter()
        .enumerate()
        .map(|(i, a)| (&a.id, i + 1))
        .collect();
    let action_values = roadmap
        .actions
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let reduction = reduction_of.get(&a.id).map(|d| **d).unwrap_or_default();
            ActionValue {
                action: a.id.clone(),
                amount: a.amount,
                rosi: rosi(reduction.mean, a.amount, horizon_years),
                payback_years: (reduction.mean > 0.0).then(|| a.amount as f64 / reduction.mean),
                reduction,
                risk_rank: i + 1,
                weight_rank: weight_rank.get(&a.id).copied().unwrap_or(0),
            }
        })
        .collect();
    let stages = stages(model, today, &roadmap, options);
    let plan_amount = match &roadmap.schedule {
        Some(s) => s.scheduled.amount,
        None => roadmap.totals.amount,
    };
    let plan_reduction = match (stages.first(), stages.last()) {
        (Some(first), Some(last)) => first.annual_loss.mean - last.annual_loss.mean,
        _ => 0.0,
    };
    Ok(ValuedRoadmap {
        values: action_values,
        by_weight: by_weight.actions.iter().map(|a| a.id.clone()).collect(),
        horizon_years,
        plan_rosi: rosi(plan_reduction, plan_amount, horizon_years),
        plan_amount,
        plan_reduction,
        stages,
        roadmap,
    })
}

/// Today, then the levels after each stage of `roadmap` (each period of its schedule, or each
/// action), simulated on the same years.
pub fn stages(
    model: &RiskModel,
    today: &ProfileLevels,
    roadmap: &Roadmap,
    options: &SimulationOptions,
) -> Vec<RiskResult> {
    let groups: Vec<(String, Vec<&ActionId>)> = match &roadmap.schedule {
        Some(schedule) => schedule
            .periods
            .iter()
            .filter(|p| !p.actions.is_empty())
            .map(|p| (format!("after {}", p.label), p.actions.iter().collect()))
            .collect(),
        None => roadmap
            .actions
            .iter()
            .enumerate()
            .map(|(i, a)| (format!("after step {}: {}", i + 1, a.id), vec![&a.id]))
            .collect(),
    };
    let mut profile = today.clone();
    let mut results = vec![super::simulate(model, today, options)];
    for (name, actions) in groups {
        for id in actions {
            profile = profile.with_step(&id.practice, id.step);
        }
        profile = profile.named(name);
        results.push(super::simulate(model, &profile, options));
    }
    results
}
