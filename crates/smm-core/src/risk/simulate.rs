//! The Monte Carlo loop: simulated years, each scenario's loss events and their losses.
//!
//! Every random number is tied to what it is for: scenario `s` in year `i` draws from its own
//! stream, and practice step `k`'s effectiveness in year `i` from another. So two profiles run
//! with the same seed see the same years (common random numbers); they differ only where the
//! profiles differ, and a stronger profile's loss is, year by year, never higher.

use rand::RngExt;
use rand_pcg::Pcg64Mcg;

use super::estimate::Factor;
use super::model::{RiskModel, Vulnerability};
use super::poisson;
use super::profile::ProfileLevels;
use super::SimulationOptions;

/// Streams of practice steps are numbered from here, above any scenario's.
const STEP_STREAMS: u64 = 1 << 30;

/// One simulation's raw output: every year's total, and per-scenario sums.
pub(crate) struct Losses {
    /// Each simulated year's total loss, in year order.
    pub totals: Vec<f64>,
    /// Per scenario: summed loss over all years.
    pub scenario_loss: Vec<f64>,
    /// Per scenario: loss events over all years.
    pub scenario_events: Vec<u64>,
    /// Per scenario: years with at least one loss event.
    pub scenario_years_with_loss: Vec<u64>,
}

/// The splitmix64 finalizer: a bijection that scatters nearby keys.
#[inline]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The random stream of `(seed, stream, year)`; distinct keys give distinct states.
#[inline]
fn stream(seed: u64, stream: u64, year: u64) -> Pcg64Mcg {
    let key = mix((stream << 32) | year);
    let high = mix(seed ^ key);
    let low = mix(high ^ 0x9e37_79b9_7f4a_7c15);
    Pcg64Mcg::new((u128::from(high) << 64) | u128::from(low))
}

/// Simulates `options.iterations` years of `profile`.
pub(crate) fn run(
    model: &RiskModel,
    profile: &ProfileLevels,
    options: &SimulationOptions,
) -> Losses {
    let years = options.iterations.max(1);
    let seed = options.seed;
    let applied = model.applied(profile);
    let mut used: Vec<usize> = applied.iter().flatten().map(|(e, _)| e.slot).collect();
    used.sort_unstable();
    used.dedup();
    let mut effectiveness = vec![0.0; model.slots.len()];
    let mut multipliers = vec![[1.0f64; 5]; applied.len()];
    let n = model.scenarios.len();
    let mut losses = Losses {
        totals: Vec::with_capacity(years as usize),
        scenario_loss: vec![0.0; n],
        scenario_events: vec![0; n],
        scenario_years_with_loss: vec![0; n],
    };
    for year in 0..u64::from(years) {
        for &slot in &used {
            effectiveness[slot] = stream(seed, STEP_STREAMS + slot as u64, year).random::<f64>();
        }
        for (set, m) in applied.iter().zip(multipliers.iter_mut()) {
            *m = [1.0; 5];
            for (e, restore) in set {
                let kept = 1.0 - e.reduction.quantile(effectiveness[e.slot]);
                if *restore {
                    m[e.factor.index()] /= kept;
                } else {
                    m[e.factor.index()] *= kept;
                }
            }
        }
        let mut total = 0.0;
        for (s, scenario) in model.scenarios.iter().enumerate() {
            let m = &multipliers[scenario.effect_set];
            let mut rng = stream(seed, s as u64, year);
            let (u_frequency, u_vulnerability, u_secondary, u_count): (f64, f64, f64, f64) =
                (rng.random(), rng.random(), rng.random(), rng.random());
            let frequency = scenario.threat_event_frequency.quantile(u_frequency)
                * m[Factor::ThreatEventFrequency.index()];
            let vulnerability = match &scenario.vulnerability {
                Vulnerability::Direct(p) => p.quantile(u_vulnerability),
                Vulnerability::Strength {
                    capability,
                    resistance,
                } => 1.0 - capability.cdf(resistance.quantile(u_vulnerability)),
            } * m[Factor::Vulnerability.index()];
            let events = poisson::count(frequency * vulnerability.min(1.0), u_count);
            if events == 0 {
                continue;
            }
            let secondary = scenario.secondary.as_ref().map(|(f, magnitude)| {
                (
                    (f.quantile(u_secondary) * m[Factor::SecondaryLossEventFrequency.index()])
                        .min(1.0),
                    magnitude,
                )
            });
            let mut loss = 0.0;
            for _ in 0..events {
                let (u_primary, u_reaction, u_magnitude): (f64, f64, f64) =
                    (rng.random(), rng.random(), rng.random());
                loss += scenario.primary_loss.quantile(u_primary) * m[Factor::PrimaryLoss.index()];
                if let Some((probability, magnitude)) = secondary {
                    if u_reaction < probability {
                        loss += magnitude.quantile(u_magnitude) * m[Factor::SecondaryLoss.index()];
                    }
                }
            }
            losses.scenario_loss[s] += loss;
            losses.scenario_events[s] += u64::from(events);
            losses.scenario_years_with_loss[s] += 1;
            total += loss;
        }
        losses.totals.push(total);
    }
    losses
}
