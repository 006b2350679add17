//! The portfolio: many systems, each measured the way [`gap()`](crate::gap()) measures one, and
//! rolled up per domain.
//!
//! It takes plain levels in catalog order (for each system, the levels its latest assessment
//! achieved and the levels the target that assessment names requires), not documents, so the
//! levels kept beside stored documents roll up for thousands of systems without parsing one. A
//! practice is under, met or over by [`Status::of`], the rule the gap applies, so a system's
//! counts here are the counts of its gap.

use serde::Serialize;

use crate::catalog::Catalog;
use crate::gap::{Status, Summary};
use crate::id::DomainId;
use crate::level::Level;

/// Where one system stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Standing {
    /// Every practice meets (or exceeds) its target.
    Met,
    /// Some practice is below its target.
    Under,
    /// Assessed, but there is no target to measure the assessment against (or its levels are
    /// not those of this catalog).
    NoTarget,
    /// Not assessed yet.
    NotAssessed,
}

/// One system's levels: the target its assessment names and the assessment, each in catalog
/// order, or `None` when there is none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SystemLevels<'a> {
    /// Required, per practice.
    pub target: Option<&'a [Level]>,
    /// Achieved, per practice.
    pub current: Option<&'a [Level]>,
}

/// One system, measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SystemResult {
    /// Where it stands.
    pub standing: Standing,
    /// Its practices under, met and over target (all zero unless it is met or under).
    pub summary: Summary,
}

/// One domain over every system that was measured (assessed, with a target).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DomainResult {
    /// The domain.
    pub domain: DomainId,
    /// Its name.
    pub name: String,
    /// Its practices' results over all measured systems.
    pub summary: Summary,
    /// Measured systems with no practice of the domain below target.
    pub systems_met: usize,
    /// Measured systems with some practice of the domain below target.
    pub systems_under: usize,
}

/// The roll-up of a whole portfolio.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PortfolioRollup {
    /// Systems counted.
    pub systems: usize,
    /// Systems meeting their target.
    pub met: usize,
    /// Systems under their target.
    pub under: usize,
    /// Systems assessed without a target to measure against.
    pub no_target: usize,
    /// Systems not assessed.
    pub not_assessed: usize,
    /// Per domain, in catalog order.
    pub domains: Vec<DomainResult>,
}

/// Counts systems one at a time, so a caller can keep what it lists of each system as it goes.
#[derive(Clone, Debug)]
pub struct Tally {
    /// The domain (index into `rollup.domains`) of each practice, in catalog order.
    practice_domain: Vec<usize>,
    /// Per domain, whether the system being counted has a practice below target there.
    domain_under: Vec<bool>,
    rollup: PortfolioRollup,
}

impl Tally {
    /// An empty tally over the catalog's domains.
    pub fn new(catalog: &Catalog) -> Tally {
        let domains: Vec<DomainResult> = catalog
            .domain_ids()
            .filter_map(|id| catalog.domain(id))
            .map(|d| DomainResult {
                domain: d.id.value.clone(),
                name: d.name.clone(),
                summary: Summary::default(),
                systems_met: 0,
                systems_under: 0,
            })
            .collect();
        let practice_domain = catalog
            .practices()
            .map(|p| {
                domains
                    .iter()
                    .position(|d| d.domain == p.domain.id.value)
                    .unwrap_or(0)
            })
            .collect();
        Tally {
            practice_domain,
            domain_under: vec![false; domains.len()],
            rollup: PortfolioRollup {
                systems: 0,
                met: 0,
                under: 0,
                no_target: 0,
                not_assessed: 0,
                domains,
            },
        }
    }

    /// Counts one system and says where it stands.
    pub fn add(&mut self, levels: SystemLevels<'_>) -> SystemResult {
        let practices = self.practice_domain.len();
        let mut summary = Summary::default();
        let standing = match (levels.target, levels.current) {
            (_, None) => Standing::NotAssessed,
            (Some(target), Some(current))
                if target.len() == practices && current.len() == practices =>
            {
                self.domain_under.iter_mut().for_each(|u| *u = false);
                for ((t, c), &d) in target.iter().zip(current).zip(&self.practice_domain) {
                    let status = Status::of(*t, *c);
                    count(&mut summary, status);
                    count(&mut self.rollup.domains[d].summary, status);
                    if status == Status::Under {
                        self.domain_under[d] = true;
                    }
                }
                for (d, under) in self.rollup.domains.iter_mut().zip(&self.domain_under) {
                    if *under {
                        d.systems_under += 1;
                    } else {
                        d.systems_met += 1;
                    }
                }
                if summary.under > 0 {
                    Standing::Under
                } else {
                    Standing::Met
                }
            }
            // No target, or levels of another catalog: nothing to measure against here.
            (_, Some(_)) => Standing::NoTarget,
        };
        self.rollup.systems += 1;
        match standing {
            Standing::Met => self.rollup.met += 1,
            Standing::Under => self.rollup.under += 1,
            Standing::NoTarget => self.rollup.no_target += 1,
            Standing::NotAssessed => self.rollup.not_assessed += 1,
        }
        SystemResult { standing, summary }
    }

    /// The roll-up of every system added.
    pub fn finish(self) -> PortfolioRollup {
        self.rollup
    }
}

fn count(summary: &mut Summary, status: Status) {
    summary.total += 1;
    match status {
        Status::Under => summary.under += 1,
        Status::Met => summary.met += 1,
        Status::Over => summary.over += 1,
    }
}

/// Rolls a whole portfolio up: each system's result, in the order given, and the roll-up.
pub fn roll_up<'a>(
    catalog: &Catalog,
    systems: impl IntoIterator<Item = SystemLevels<'a>>,
) -> (Vec<SystemResult>, PortfolioRollup) {
    let mut tally = Tally::new(catalog);
    let results = systems.into_iter().map(|s| tally.add(s)).collect();
    (results, tally.finish())
}

#[cfg(test)]
mod tests;
