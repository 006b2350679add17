//! Risk in money: Open FAIR loss scenarios, what practice levels do to them, and a Monte Carlo
//! simulation of the annual loss.
//!
//! - [`RiskScenarios`] (`kind: RiskScenarios`): a system's loss scenarios, each with its factors
//!   as calibrated estimates ([`Estimate`]), parsed by [`parse_risk_scenarios`].
//! - [`RiskEffects`] (`kind: RiskEffects`, the catalog's companion `iot-smm-1.2.risk.yaml`): which
//!   factors each practice step reduces, by how much ([`StepEffect`]); scenarios may override it.
//! - [`RiskModel`]: both compiled into tabulated PERT distributions ([`pert`]).
//! - [`simulate`]: a profile's annual loss ([`RiskResult`]: mean, percentiles, exceedance curve,
//!   per-scenario shares); [`simulate_all`] for several profiles on the same simulated years;
//!   [`step_values`] for what single practice steps buy, the input of a ranking by value.
//!
//! The mathematics, the calibration of the effects and the limits are in docs/risk.md.

mod check;
pub mod currency;
mod effects;
mod estimate;
mod model;
mod outlook;
pub mod pert;
pub mod poisson;
mod profile;
mod result;
mod scenarios;
mod simulate;
#[cfg(test)]
mod tests;
mod valued;

use serde::Serialize;

pub use check::{ITERATIONS, MAX_REDUCTION};
pub use effects::{
    parse_risk_effects, RiskEffects, RiskEffectsFile, RiskEffectsKind, BUILTIN_RISK_EFFECTS_YAML,
};
pub use estimate::{Confidence, Effect, Estimate, Factor, Reduction, StepEffect};
pub use model::{RiskError, RiskModel};
pub use outlook::{outlook, target_reached, today, RiskOutlook, TARGET_REACHED, TODAY};
pub use profile::ProfileLevels;
pub use result::{
    grid, ExceedancePoint, Interval, LossDistribution, RiskResult, ScenarioRisk, StepValue,
};
pub use scenarios::{
    parse_risk_scenarios, parse_risk_scenarios_unchecked, Basis, RiskScenarios, RiskScenariosKind,
    Scenario, SimulationSettings,
};
pub use valued::{
    roadmap_values, stages, valued_roadmap, ActionValue, ValuedRoadmap, DEFAULT_HORIZON_YEARS,
};

use crate::actions::ActionId;

/// Simulated years when a document sets none: enough for a stable 99th percentile.
pub const DEFAULT_ITERATIONS: u32 = 100_000;
/// The seed when a document sets none.
pub const DEFAULT_SEED: u64 = 2026;

/// How long to simulate, and from which seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SimulationOptions {
    /// Simulated years.
    pub iterations: u32,
    /// Seed of every random number.
    pub seed: u64,
}

impl Default for SimulationOptions {
    fn default() -> Self {
        SimulationOptions {
            iterations: DEFAULT_ITERATIONS,
            seed: DEFAULT_SEED,
        }
    }
}

impl SimulationOptions {
    /// The document's settings, defaults where it sets none.
    pub fn of(scenarios: &RiskScenarios) -> SimulationOptions {
        let settings = scenarios.simulation.as_ref();
        SimulationOptions {
            iterations: settings
                .and_then(|s| s.iterations.as_ref())
                .map_or(DEFAULT_ITERATIONS, |i| i.value),
            seed: settings.and_then(|s| s.seed).unwrap_or(DEFAULT_SEED),
        }
    }
}

/// The annual loss of `profile`.
pub fn simulate(
    model: &RiskModel,
    profile: &ProfileLevels,
    options: &SimulationOptions,
) -> RiskResult {
    let losses = simulate::run(model, profile, options);
    RiskResult::new(model, &profile.name, options, losses)
}

/// The annual loss of each profile (current, target, roadmap steps) on the same simulated years,
/// so differences between them are the profiles' and not chance.
pub fn simulate_all(
    model: &RiskModel,
    profiles: &[ProfileLevels],
    options: &SimulationOptions,
) -> Vec<RiskResult> {
    profiles
        .iter()
        .map(|p| simulate(model, p, options))
        .collect()
}

/// What each of `actions` buys when taken alone from `profile`: the annual loss before and after,
/// and the loss avoided year by year. A step already taken avoids nothing.
pub fn step_values(
    model: &RiskModel,
    profile: &ProfileLevels,
    actions: &[ActionId],
    options: &SimulationOptions,
) -> Vec<StepValue> {
    let before_years = simulate::run(model, profile, options).totals;
    let before = LossDistribution::of(&mut before_years.clone());
    actions
        .iter()
        .map(|action| {
            let raised = profile.with_step(&action.practice, action.step);
            let after_years = simulate::run(model, &raised, options).totals;
            let mut avoided: Vec<f64> = before_years
                .iter()
                .zip(&after_years)
                .map(|(b, a)| b - a)
                .collect();
            StepValue {
                action: action.clone(),
                before,
                after: LossDistribution::of(&mut after_years.clone()),
                reduction: LossDistribution::of(&mut avoided),
            }
        })
        .collect()
}
