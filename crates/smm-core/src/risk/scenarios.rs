//! The `kind: RiskScenarios` document: a system's loss scenarios, each with its Open FAIR
//! factors as calibrated estimates.
//!
//! These types are the file format; [`super::check`] refuses what the types cannot (ranges out of
//! order, probabilities above 1, unknown practices in overrides), and [`super::RiskModel`] turns a
//! checked document into precomputed distributions.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::estimate::{Effect, Estimate, StepEffect};
use crate::diagnostic::Diagnostics;
use crate::header::{parse_kind, FormatVersion, Kind};
use crate::located::{Entries, Located};

/// The `kind` value of a risk scenarios document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum RiskScenariosKind {
    /// The only value.
    RiskScenarios,
}

/// A system's loss scenarios, as written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(
    title = "smm RiskScenarios",
    description = "Loss scenarios of one system with their Open FAIR factors as calibrated ranges, for risk quantification."
)]
pub struct RiskScenarios {
    /// Document format version: 1.
    pub smm: FormatVersion,
    /// Always `RiskScenarios`.
    pub kind: RiskScenariosKind,
    /// The system the scenarios are about.
    pub system: String,
    /// ISO 4217 code of every amount, e.g. `EUR`.
    pub currency: Located<String>,
    /// Where the figures come from, for the reader who wants to check them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sources: Option<String>,
    /// What state of the system the estimates describe: as assessed (the usual case: people
    /// estimate today's system), or with no practice in place.
    #[serde(default)]
    pub basis: Basis,
    /// Default simulation settings; the command line may override them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub simulation: Option<SimulationSettings>,
    /// The loss scenarios.
    pub scenarios: Vec<Scenario>,
}

/// How many simulated years, and the seed that makes a run repeatable.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SimulationSettings {
    /// Simulated years (1,000 to 10,000,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iterations: Option<Located<u32>>,
    /// Seed of the random numbers: the same seed gives the same figures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

/// What the estimates of a scenarios document describe.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// The system as its current assessment finds it: a profile above the assessment lowers the
    /// factors, one below raises them.
    #[default]
    Assessed,
    /// The system with no practice in place: every step a profile has taken lowers them.
    Inherent,
}

/// One loss scenario: an asset, a threat community, an effect, and the factors.
///
/// Vulnerability is given either directly, as a probability, or as threat capability against
/// resistance strength (percentiles 0-100 of the threat community's skill and resources), from
/// which it is derived as the share of attackers stronger than the defence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Scenario {
    /// Short identifier, unique in the document.
    pub id: Located<String>,
    /// A sentence naming what happens.
    pub title: String,
    /// What is harmed.
    pub asset: String,
    /// Who acts: a group of threat agents with shared traits.
    pub threat_community: String,
    /// Which property of the asset suffers.
    pub effect: Effect,
    /// Threat events per year.
    pub threat_event_frequency: Estimate,
    /// Probability (0-1) that a threat event becomes a loss event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vulnerability: Option<Estimate>,
    /// Threat capability, a percentile 0-100 (with `resistance-strength`, instead of
    /// `vulnerability`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threat_capability: Option<Estimate>,
    /// Resistance strength, a percentile 0-100 of the same scale as threat capability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resistance_strength: Option<Estimate>,
    /// Loss the organization bears per loss event, in the document's currency.
    pub primary_loss: Estimate,
    /// Probability (0-1) that a loss event brings a reaction of others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secondary_loss_event_frequency: Option<Estimate>,
    /// Loss caused by that reaction (fines, lost customers, claims), per secondary event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secondary_loss: Option<Estimate>,
    /// Why these figures: sources and reasoning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rationale: Option<String>,
    /// What practice steps do in this scenario, where it differs from the catalog's effects:
    /// practice id, then step (`c1`..`c4`, `industry`, `system`). An entry replaces the
    /// catalog's entry for that step; one without factors says the step does nothing here.
    #[serde(default, skip_serializing_if = "Entries::is_empty")]
    pub effects: Entries<Entries<StepEffect>>,
}

impl RiskScenarios {
    /// The scenario with this id.
    pub fn scenario(&self, id: &str) -> Option<&Scenario> {
        self.scenarios.iter().find(|s| s.id.value == id)
    }
}

/// Parses a risk scenarios document and checks it against `catalog` (see [`super::check`]).
pub fn parse_risk_scenarios(
    catalog: &crate::Catalog,
    source: &str,
) -> Result<RiskScenarios, Diagnostics> {
    let scenarios: RiskScenarios = parse_kind(source, Kind::RiskScenarios)?;
    super::check::check_scenarios(Some(catalog), &scenarios).into_result(scenarios)
}

/// Parses a risk scenarios document with every check but the catalog's (practice ids in
/// overrides), for reading a document on its own.
pub fn parse_risk_scenarios_unchecked(source: &str) -> Result<RiskScenarios, Diagnostics> {
    let scenarios: RiskScenarios = parse_kind(source, Kind::RiskScenarios)?;
    super::check::check_scenarios(None, &scenarios).into_result(scenarios)
}
