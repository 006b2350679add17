//! What a simulation tells: the annual loss as a distribution, its exceedance curve, each
//! scenario's share, and what one practice step buys.

use serde::Serialize;

use super::simulate::Losses;
use crate::actions::ActionId;

/// A distribution summarized: the mean with its Monte Carlo standard error, and percentiles
/// (linear interpolation between order statistics).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct LossDistribution {
    /// The mean: for an annual loss, the annualized loss exposure.
    pub mean: f64,
    /// Standard error of the mean from sampling alone (not from the estimates' uncertainty).
    pub standard_error: f64,
    /// 10th percentile: nine years in ten are above it.
    pub p10: f64,
    /// The median year.
    pub p50: f64,
    /// 90th percentile: the 1-in-10-years loss.
    pub p90: f64,
    /// 95th percentile: the 1-in-20-years loss.
    pub p95: f64,
    /// 99th percentile: the 1-in-100-years loss.
    pub p99: f64,
}

impl LossDistribution {
    /// The summary of `values`, which are sorted in place.
    pub(crate) fn of(values: &mut [f64]) -> LossDistribution {
        if values.is_empty() {
            return LossDistribution::default();
        }
        // Losses are never negative, and the bit patterns of non-negative floats sort as
        // integers do: a cheaper comparison than `total_cmp` on 100,000 values.
        if values.iter().all(|v| v.is_sign_positive()) {
            values.sort_unstable_by_key(|v| v.to_bits());
        } else {
            values.sort_unstable_by(f64::total_cmp);
        }
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let variance = if values.len() > 1 {
            values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)
        } else {
            0.0
        };
        LossDistribution {
            mean,
            standard_error: (variance / n).sqrt(),
            p10: percentile(values, 0.10),
            p50: percentile(values, 0.50),
            p90: percentile(values, 0.90),
            p95: percentile(values, 0.95),
            p99: percentile(values, 0.99),
        }
    }
}

/// Where a figure of the model lies, given the simulated years: a range that holds the value an
/// endless simulation would give in about 95 runs of 100. It measures sampling error only; the
/// estimates' own uncertainty is already inside the simulated years.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Interval {
    /// The lower end.
    pub low: f64,
    /// The upper end.
    pub high: f64,
}

impl LossDistribution {
    /// The mean ± 2 standard errors; a loss is never negative, so neither is the lower end.
    pub fn mean_interval(&self) -> Interval {
        Interval {
            low: (self.mean - 2.0 * self.standard_error).max(0.0),
            high: self.mean + 2.0 * self.standard_error,
        }
    }
}

/// The range of the `p` quantile from sorted `values`: the order statistics at positions
/// `p·(n-1) ± 2·√(n·p·(1-p))`, widened to whole ranks. The count of simulated years below the
/// true quantile is binomial, so this holds whatever the shape of the loss.
pub(crate) fn percentile_interval(sorted: &[f64], p: f64) -> Interval {
    let Some(last) = sorted.len().checked_sub(1) else {
        return Interval::default();
    };
    let p = p.clamp(0.0, 1.0);
    let n = sorted.len() as f64;
    let centre = p * last as f64;
    let spread = 2.0 * (n * p * (1.0 - p)).sqrt();
    let rank = |position: f64| (position.max(0.0) as usize).min(last);
    Interval {
        low: sorted[rank((centre - spread).floor())],
        high: sorted[rank((centre + spread).ceil())],
    }
}

/// The `p` quantile of sorted `values`, interpolating between neighbours.
pub(crate) fn percentile(sorted: &[f64], p: f64) -> f64 {
    let Some(last) = sorted.len().checked_sub(1) else {
        return 0.0;
    };
    let position = p.clamp(0.0, 1.0) * last as f64;
    let i = position.floor() as usize;
    let f = position - i as f64;
    match sorted.get(i + 1) {
        Some(next) => sorted[i] + f * (next - sorted[i]),
        None => sorted[last],
    }
}

/// One point of a loss exceedance curve.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ExceedancePoint {
    /// An annual loss.
    pub loss: f64,
    /// The share of simulated years whose loss exceeds it.
    pub probability: f64,
}

/// One scenario's part of the annual loss.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ScenarioRisk {
    /// Scenario id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its mean annual loss.
    pub mean: f64,
    /// Its mean number of loss events a year.
    pub loss_events: f64,
    /// The share of years with at least one of its loss events.
    pub probability_of_loss: f64,
}

/// The risk of one profile.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RiskResult {
    /// Which profile: `current`, `target`, a roadmap step.
    pub profile: String,
    /// The system.
    pub system: String,
    /// ISO 4217 code of every amount.
    pub currency: String,
    /// Simulated years.
    pub iterations: u32,
    /// The seed: the same seed and inputs give the same figures.
    pub seed: u64,
    /// The annual loss over all scenarios.
    pub annual_loss: LossDistribution,
    /// The share of years with any loss at all.
    pub probability_of_loss: f64,
    /// The loss exceedance curve on [`RiskResult::grid`].
    pub exceedance: Vec<ExceedancePoint>,
    /// Each scenario's part, in document order.
    pub scenarios: Vec<ScenarioRisk>,
    /// Every simulated year's loss, sorted, for curves on a grid shared with other results.
    #[serde(skip)]
    pub(crate) sorted: Vec<f64>,
}

impl RiskResult {
    pub(crate) fn new(
        model: &super::RiskModel,
        profile: &str,
        options: &super::SimulationOptions,
        losses: Losses,
    ) -> RiskResult {
        let mut sorted = losses.totals;
        let annual_loss = LossDistribution::of(&mut sorted);
        let years = sorted.len().max(1) as f64;
        let scenarios = model
            .scenarios
            .iter()
            .enumerate()
            .map(|(i, s)| ScenarioRisk {
                id: s.id.clone(),
                title: s.title.clone(),
                mean: losses.scenario_loss[i] / years,
                loss_events: losses.scenario_events[i] as f64 / years,
                probability_of_loss: losses.scenario_years_with_loss[i] as f64 / years,
            })
            .collect();
        let mut result = RiskResult {
            profile: profile.to_string(),
            system: model.system.clone(),
            currency: model.currency.clone(),
            iterations: options.iterations.max(1),
            seed: options.seed,
            annual_loss,
            probability_of_loss: 0.0,
            exceedance: Vec::new(),
            scenarios,
            sorted,
        };
        result.probability_of_loss = result.exceedance_at(0.0);
        result.exceedance = result.exceedance_curve(&grid(&[&result], 41));
        result
    }

    /// The share of simulated years whose loss exceeds `loss`.
    pub fn exceedance_at(&self, loss: f64) -> f64 {
        let at_or_below = self.sorted.partition_point(|&v| v <= loss);
        (self.sorted.len() - at_or_below) as f64 / self.sorted.len().max(1) as f64
    }

    /// The exceedance curve on `grid` (e.g. one shared by a before and an after).
    pub fn exceedance_curve(&self, grid: &[f64]) -> Vec<ExceedancePoint> {
        grid.iter()
            .map(|&loss| ExceedancePoint {
                loss,
                probability: self.exceedance_at(loss),
            })
            .collect()
    }

    /// The range of the `p` quantile of the annual loss (0.95: the 1-in-20-years loss) given the
    /// simulated years: see [`Interval`].
    pub fn percentile_interval(&self, p: f64) -> Interval {
        percentile_interval(&self.sorted, p)
    }

    /// The simulated years' losses, sorted.
    pub fn annual_losses(&self) -> &[f64] {
        &self.sorted
    }
}

/// A loss grid for exceedance curves shared by several results: 0, then `points - 1` levels
/// spaced evenly on a log scale from a thousandth of the largest 99.9th percentile up to it.
/// Log spacing shows the frequent small losses and the rare large ones on one chart.
pub fn grid(results: &[&RiskResult], points: usize) -> Vec<f64> {
    let top = results
        .iter()
        .map(|r| percentile(&r.sorted, 0.999))
        .fold(0.0, f64::max);
    let mut levels = vec![0.0];
    if top <= 0.0 || points < 2 {
        return levels;
    }
    let steps = (points - 1) as f64;
    let bottom = top / 1000.0;
    for k in 0..points - 1 {
        levels.push(bottom * (top / bottom).powf(k as f64 / (steps - 1.0).max(1.0)));
    }
    levels
}

/// What taking one practice step changes, year by year on the same simulated years.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct StepValue {
    /// The step, as `practice/step`.
    pub action: ActionId,
    /// The annual loss before.
    pub before: LossDistribution,
    /// The annual loss after.
    pub after: LossDistribution,
    /// The loss avoided in a year (before minus after), as a distribution: its mean is the
    /// annual risk reduction; its percentiles say how sure that is.
    pub reduction: LossDistribution,
}
