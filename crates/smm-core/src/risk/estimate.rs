//! Calibrated estimates and the factors they estimate: the value types of both risk files.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::located::Located;

/// How sure the estimator is of the most likely value.
///
/// It sets how tightly the PERT distribution gathers around `likely` (the shape parameter of the
/// modified PERT, see docs/risk.md): the range stays the same, only the peak sharpens.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    /// The most likely value is a rough guess: a flat distribution (shape 2).
    Low,
    /// The classic PERT weighting (shape 4).
    #[default]
    Medium,
    /// The most likely value is well supported, e.g. by the organization's own records (shape 6).
    High,
}

impl Confidence {
    /// The modified-PERT shape parameter (often written gamma or lambda).
    pub fn shape(self) -> f64 {
        match self {
            Confidence::Low => 2.0,
            Confidence::Medium => 4.0,
            Confidence::High => 6.0,
        }
    }
}

/// A calibrated estimate: the smallest and largest value one would be surprised to see exceeded
/// (about a 90 % interval), the most likely value, and how sure one is of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Estimate {
    /// The lowest plausible value.
    pub min: Located<f64>,
    /// The most likely value.
    pub likely: Located<f64>,
    /// The highest plausible value.
    pub max: Located<f64>,
    /// How sure the estimator is of `likely`.
    pub confidence: Confidence,
}

impl Estimate {
    /// An estimate built in code (tests, examples).
    pub fn new(min: f64, likely: f64, max: f64, confidence: Confidence) -> Estimate {
        Estimate {
            min: Located::new(min),
            likely: Located::new(likely),
            max: Located::new(max),
            confidence,
        }
    }

    /// The same value three times: no uncertainty.
    pub fn exactly(value: f64) -> Estimate {
        Estimate::new(value, value, value, Confidence::Medium)
    }

    /// The PERT mean, `(min + shape x likely + max) / (shape + 2)`.
    pub fn mean(&self) -> f64 {
        let g = self.confidence.shape();
        (self.min.value + g * self.likely.value + self.max.value) / (g + 2.0)
    }
}

/// By how much one step of a practice cuts a factor: fractions of the factor removed (0.2 takes
/// a fifth away), as a range since no one knows a control's effect exactly.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reduction {
    /// The smallest plausible cut.
    pub min: Located<f64>,
    /// The most likely cut.
    pub likely: Located<f64>,
    /// The largest plausible cut.
    pub max: Located<f64>,
}

impl Reduction {
    /// A reduction built in code.
    pub fn new(min: f64, likely: f64, max: f64) -> Reduction {
        Reduction {
            min: Located::new(min),
            likely: Located::new(likely),
            max: Located::new(max),
        }
    }

    /// The same range as an estimate with the classic PERT weighting.
    pub fn as_estimate(&self) -> Estimate {
        Estimate {
            min: self.min.clone(),
            likely: self.likely.clone(),
            max: self.max.clone(),
            confidence: Confidence::Medium,
        }
    }
}

/// The Open FAIR factors a practice can move.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Factor {
    /// How often a threat agent acts against the asset, per year.
    ThreatEventFrequency,
    /// The probability that a threat event becomes a loss event.
    Vulnerability,
    /// The loss the organization itself bears per loss event.
    PrimaryLoss,
    /// The probability that others (customers, regulators, the press) react to a loss event.
    SecondaryLossEventFrequency,
    /// The loss their reaction causes.
    SecondaryLoss,
}

impl Factor {
    /// Every factor, in the order of the model (frequency side first, then magnitude).
    pub const ALL: [Factor; 5] = [
        Factor::ThreatEventFrequency,
        Factor::Vulnerability,
        Factor::PrimaryLoss,
        Factor::SecondaryLossEventFrequency,
        Factor::SecondaryLoss,
    ];

    /// The key written in files.
    pub fn key(self) -> &'static str {
        match self {
            Factor::ThreatEventFrequency => "threat-event-frequency",
            Factor::Vulnerability => "vulnerability",
            Factor::PrimaryLoss => "primary-loss",
            Factor::SecondaryLossEventFrequency => "secondary-loss-event-frequency",
            Factor::SecondaryLoss => "secondary-loss",
        }
    }

    /// Position in [`Factor::ALL`], for per-factor arrays.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Which property of the asset a loss event harms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Effect {
    /// Information reaches those who should not have it.
    Confidentiality,
    /// Data, recipes, set points or firmware are changed without authority.
    Integrity,
    /// The asset or the process it serves stops or slows.
    Availability,
    /// People or equipment are put in danger.
    Safety,
}

/// What one step of a practice does to the factors, and why we think so.
///
/// A factor left out is not moved by the step: we do not invent an effect we cannot argue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct StepEffect {
    /// Cut in how often threat agents act.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threat_event_frequency: Option<Reduction>,
    /// Cut in the share of threat events that become loss events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vulnerability: Option<Reduction>,
    /// Cut in the primary loss per event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_loss: Option<Reduction>,
    /// Cut in the probability of a secondary loss event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secondary_loss_event_frequency: Option<Reduction>,
    /// Cut in the secondary loss per secondary event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secondary_loss: Option<Reduction>,
    /// The scenarios it acts on, by their effect; empty: all. Recovery shortens an outage but
    /// does not un-leak a recipe.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applies_to: Vec<Effect>,
    /// Why the step has this effect and how the range was judged, in a few sentences.
    pub rationale: Located<String>,
}

impl StepEffect {
    /// Whether it acts on scenarios with this effect.
    pub fn applies(&self, effect: Effect) -> bool {
        self.applies_to.is_empty() || self.applies_to.contains(&effect)
    }

    /// The reductions it states, factor by factor.
    pub fn reductions(&self) -> impl Iterator<Item = (Factor, &Reduction)> {
        [
            (Factor::ThreatEventFrequency, &self.threat_event_frequency),
            (Factor::Vulnerability, &self.vulnerability),
            (Factor::PrimaryLoss, &self.primary_loss),
            (
                Factor::SecondaryLossEventFrequency,
                &self.secondary_loss_event_frequency,
            ),
            (Factor::SecondaryLoss, &self.secondary_loss),
        ]
        .into_iter()
        .filter_map(|(f, r)| r.as_ref().map(|r| (f, r)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pert_mean_weights_the_likely_value_by_the_confidence() {
        let classic = Estimate::new(0.0, 3.0, 12.0, Confidence::Medium);
        assert!((classic.mean() - 4.0).abs() < 1e-12);
        let low = Estimate::new(0.0, 3.0, 12.0, Confidence::Low);
        assert!((low.mean() - 4.5).abs() < 1e-12);
        let high = Estimate::new(0.0, 3.0, 12.0, Confidence::High);
        assert!((high.mean() - 30.0 / 8.0).abs() < 1e-12);
    }
}
