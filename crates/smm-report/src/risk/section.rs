//! The report's "Risk in money" section: the same figures as `smm risk`, as ranges, with the
//! before/after exceedance chart and a sentence that says what the plan buys.

use smm_core::risk::{RiskOutlook, RiskResult};

use super::words::{basis, mean_range, reading, years_range, RETURN_PERIODS};
use crate::chart;

/// One profile's row: each figure a range.
pub(crate) struct ProfileRow {
    pub(crate) profile: String,
    pub(crate) mean: String,
    /// The 1-in-10, 1-in-20 and 1-in-100-years losses.
    pub(crate) years: Vec<String>,
    pub(crate) years_with_loss: String,
}

/// One scenario: its mean annual loss and how often it strikes, per profile.
pub(crate) struct ScenarioRow {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) cells: Vec<String>,
}

pub(crate) struct RiskSection {
    pub(crate) system: String,
    pub(crate) basis: String,
    pub(crate) reading: Option<String>,
    pub(crate) periods: Vec<String>,
    pub(crate) rows: Vec<ProfileRow>,
    pub(crate) profiles: Vec<String>,
    pub(crate) scenarios: Vec<ScenarioRow>,
    pub(crate) chart: String,
}

fn percent(share: f64) -> String {
    format!("{:.0} %", share * 100.0)
}

/// A scenario's mean has no standard error of its own: two significant figures say how far to
/// trust it.
fn scenario_cell(r: &RiskResult, i: usize) -> String {
    let s = &r.scenarios[i];
    let mean = super::words::rounded(s.mean, &r.currency);
    format!(
        "{mean}; a loss in {} of years",
        percent(s.probability_of_loss)
    )
}

impl RiskSection {
    pub(crate) fn of(outlook: &RiskOutlook) -> RiskSection {
        let results = &outlook.profiles;
        let today = outlook.today();
        let refs: Vec<&RiskResult> = results.iter().collect();
        RiskSection {
            system: today.system.clone(),
            basis: basis(today),
            reading: reading(outlook),
            periods: RETURN_PERIODS
                .iter()
                .map(|years| format!("1 in {years} years"))
                .collect(),
            rows: results
                .iter()
                .map(|r| ProfileRow {
                    profile: r.profile.clone(),
                    mean: mean_range(r),
                    years: RETURN_PERIODS
                        .iter()
                        .map(|years| years_range(r, *years))
                        .collect(),
                    years_with_loss: percent(r.probability_of_loss),
                })
                .collect(),
            profiles: results.iter().map(|r| r.profile.clone()).collect(),
            scenarios: today
                .scenarios
                .iter()
                .enumerate()
                .map(|(i, s)| ScenarioRow {
                    id: s.id.clone(),
                    title: s.title.clone(),
                    cells: results.iter().map(|r| scenario_cell(r, i)).collect(),
                })
                .collect(),
            chart: chart::exceedance(&refs),
        }
    }
}
