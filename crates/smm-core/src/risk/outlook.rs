//! The figures every door shows for a system: its annual loss today (the assessment) and once
//! the target is reached, on the same simulated years. The CLI, the report and the server all
//! read risk through [`outlook`], so they cannot disagree on what "target reached" means.

use serde::Serialize;

use super::{simulate_all, ProfileLevels, RiskEffects, RiskError, RiskModel, RiskResult};
use super::{RiskScenarios, SimulationOptions};
use crate::catalog::Catalog;
use crate::compare::ProfileView;
use crate::current::CurrentProfile;
use crate::resolve::ResolvedTarget;

/// The name of the assessed profile in every result.
pub const TODAY: &str = "today";
/// The name of the profile a plan from today to the target reaches.
pub const TARGET_REACHED: &str = "target reached";

/// The annual loss today and, when a target is given, once it is reached.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RiskOutlook {
    /// Each profile's annual loss, today first.
    pub profiles: Vec<RiskResult>,
    /// Today's mean annual loss minus the target's, when a target was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_reduction: Option<f64>,
}

impl RiskOutlook {
    /// Today's figures.
    pub fn today(&self) -> &RiskResult {
        &self.profiles[0]
    }

    /// The figures with the target reached, when a target was given.
    pub fn target_reached(&self) -> Option<&RiskResult> {
        self.profiles.get(1)
    }
}

/// The assessed levels, named [`TODAY`].
pub fn today(catalog: &Catalog, current: &CurrentProfile) -> ProfileLevels {
    ProfileLevels::of_view(&ProfileView::of_current(catalog, current)).named(TODAY)
}

/// What a plan from `today` to `target` reaches: the target's levels, and today's where today is
/// already above them (a target below the assessment takes no protection away).
pub fn target_reached(today: &ProfileLevels, target: &ResolvedTarget) -> ProfileLevels {
    today
        .raised_to(&ProfileLevels::of_view(&ProfileView::of_target(target)))
        .named(TARGET_REACHED)
}

/// The annual loss of `scenarios` today and with `target` reached. The caller has checked that
/// the target and the assessment are for the same system and catalog.
pub fn outlook(
    catalog: &Catalog,
    effects: &RiskEffects,
    scenarios: &RiskScenarios,
    current: &CurrentProfile,
    target: Option<&ResolvedTarget>,
    options: &SimulationOptions,
) -> Result<RiskOutlook, RiskError> {
    let today = today(catalog, current);
    let mut profiles = vec![today.clone()];
    if let Some(target) = target {
        profiles.push(target_reached(&today, target));
    }
    let model = RiskModel::new(effects, scenarios, Some(&today))?;
    let profiles = simulate_all(&model, &profiles, options);
    let mean_reduction =
        (profiles.len() > 1).then(|| profiles[0].annual_loss.mean - profiles[1].annual_loss.mean);
    Ok(RiskOutlook {
        profiles,
        mean_reduction,
    })
}
