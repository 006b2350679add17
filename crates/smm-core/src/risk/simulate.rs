//! The Monte Carlo loop: simulated years, each scenario's loss events and their losses.
//!
//! Every random number is tied to what it is for: scenario `s` in year `i` draws from its own
//! stream, and practice step `k`'s effectiveness in year `i` is a number derived from `i` and
//! `k` alone. So two profiles run
//! with the same seed see the same years (common random numbers); they differ only where the
//! profiles differ, and a stronger profile's loss is, year by year, never higher.

use rand::Rng;
use rand_pcg::Pcg64Mcg;

use super::estimate::Factor;
use super::model::{RiskModel, Vulnerability};
use super::pert::UNIFORM_BITS;
use super::poisson;
use super::profile::ProfileLevels;
use super::SimulationOptions;

/// Spreads the practice steps' numbers over the year's key (an odd constant, unlike the
/// scenarios' stream multiplier).
const STEP_MULTIPLIER: u64 = 0xa076_1d64_78bd_642f;

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

/// The key of a simulated year: distinct years give distinct keys (an odd multiplier and a
/// bijective mix).
#[inline]
fn year_key(seed: u64, year: u64) -> u64 {
    mix(seed.wrapping_add(year.wrapping_mul(0x9e37_79b9_7f4a_7c15)))
}

/// The random stream `stream` of the year with key `year`: the low half of the state is the
/// year's key and the high half a mix of it with the stream number, so no two
/// `(year, stream)` pairs share a state.
#[inline]
fn stream(year: u64, stream: u64) -> Pcg64Mcg {
    let high = mix(year ^ stream.wrapping_mul(0xd6e8_feb8_6659_fd93));
    Pcg64Mcg::new((u128::from(high) << 64) | u128::from(year))
}

/// A uniform draw as the integer below `2^53` that `rand` would turn into an `f64`.
#[inline]
fn draw(rng: &mut Pcg64Mcg) -> u64 {
    rng.next_u64() >> (64 - UNIFORM_BITS)
}

/// The probability a draw stands for.
#[inline]
fn probability(bits: u64) -> f64 {
    bits as f64 / (1u64 << UNIFORM_BITS) as f64
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
    let mut used: Vec<usize> = applied.iter().flat_map(|a| a.reductions()).collect();
    used.sort_unstable();
    used.dedup();
    let mut slots: Vec<usize> = used.iter().map(|&r| model.reductions[r].0).collect();
    slots.sort_unstable();
    slots.dedup();
    let mut effectiveness = vec![0u64; model.slots.len()];
    let mut kept = vec![1.0; model.reductions.len()];
    let mut multipliers = vec![[1.0f64; 5]; applied.len()];
    let n = model.scenarios.len();
    let mut losses = Losses {
        totals: Vec::with_capacity(years as usize),
        scenario_loss: vec![0.0; n],
        scenario_events: vec![0; n],
        scenario_years_with_loss: vec![0; n],
    };
    for year in 0..u64::from(years) {
        let key = year_key(seed, year);
        // Each step's number depends only on the year and the step, so a step gets the same
        // number for every profile compared, however many other steps are in play.
        for &slot in &slots {
            effectiveness[slot] =
                mix(key ^ (slot as u64 + 1).wrapping_mul(STEP_MULTIPLIER)) >> (64 - UNIFORM_BITS);
        }
        for &r in &used {
            let (slot, reduction) = &model.reductions[r];
            kept[r] = 1.0 - reduction.sample(effectiveness[*slot]);
        }
        for (set, m) in applied.iter().zip(multipliers.iter_mut()) {
            *m = [1.0; 5];
            for &(factor, r) in &set.lower {
                m[factor.index()] *= kept[r];
            }
            for &(factor, r) in &set.raise {
                m[factor.index()] /= kept[r];
            }
        }
        let mut total = 0.0;
        for (s, scenario) in model.scenarios.iter().enumerate() {
            let m = &multipliers[scenario.effect_set];
            let mut rng = stream(key, s as u64 + 1);
            // Drawn in a fixed order, so two profiles use the same numbers for the same things.
            let (u_frequency, u_vulnerability, u_count) =
                (draw(&mut rng), draw(&mut rng), draw(&mut rng));
            let frequency = scenario.threat_event_frequency.sample(u_frequency)
                * m[Factor::ThreatEventFrequency.index()];
            let vulnerability = match &scenario.vulnerability {
                Vulnerability::Direct(p) => p.sample(u_vulnerability),
                Vulnerability::Strength {
                    capability,
                    resistance,
                } => 1.0 - capability.cdf(resistance.sample(u_vulnerability)),
            } * m[Factor::Vulnerability.index()];
            let events = poisson::count(frequency * vulnerability.min(1.0), probability(u_count));
            if events == 0 {
                continue;
            }
            let u_secondary = draw(&mut rng);
            let secondary = scenario.secondary.as_ref().map(|(f, magnitude)| {
                (
                    (f.sample(u_secondary) * m[Factor::SecondaryLossEventFrequency.index()])
                        .min(1.0),
                    magnitude,
                )
            });
            let mut loss = 0.0;
            for _ in 0..events {
                let (u_primary, u_reaction, u_magnitude) =
                    (draw(&mut rng), draw(&mut rng), draw(&mut rng));
                loss += scenario.primary_loss.sample(u_primary) * m[Factor::PrimaryLoss.index()];
                if let Some((chance, magnitude)) = secondary {
                    if probability(u_reaction) < chance {
                        loss += magnitude.sample(u_magnitude) * m[Factor::SecondaryLoss.index()];
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
