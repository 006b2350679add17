//! The portfolio: every system of an organization with the status of its latest assessment
//! against its latest target, and a roll-up per domain. Computed from the level summaries the
//! store keeps beside each document, so thousands of systems roll up without parsing a document.

use serde::Serialize;
use utoipa::ToSchema;

use smm_core::{Catalog, Status};
use smm_store::summary::decode;
use smm_store::PortfolioRow;

/// Where a system stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SystemStatus {
    /// Every practice meets (or exceeds) its target.
    Met,
    /// Some practice is below its target.
    Under,
    /// Has an assessment but no target to measure it against.
    NoTarget,
    /// Has no assessment yet.
    NotAssessed,
}

/// One system of the portfolio.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PortfolioSystem {
    /// System id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// `system` or `product`.
    pub kind: String,
    /// Product line, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<String>,
    /// Latest target profile.
    pub target: Option<i64>,
    /// Latest assessment.
    pub assessment: Option<i64>,
    /// Where it stands.
    pub status: SystemStatus,
    /// Practices below target.
    pub under: usize,
    /// Practices meeting target.
    pub met: usize,
    /// Practices above target.
    pub over: usize,
}

/// One domain, over every assessed system that has a target.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DomainRollup {
    /// Domain id.
    pub domain: String,
    /// Its name.
    pub name: String,
    /// Practice results below target, over all systems.
    pub under: usize,
    /// Meeting target.
    pub met: usize,
    /// Above target.
    pub over: usize,
    /// Systems with every practice of the domain at or above target.
    pub systems_met: usize,
    /// Systems with some practice of the domain below target.
    pub systems_under: usize,
}

/// The whole portfolio.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Portfolio {
    /// Systems counted.
    pub systems: usize,
    /// Systems per status.
    pub met: usize,
    /// Systems with a gap.
    pub under: usize,
    /// Systems without a target.
    pub no_target: usize,
    /// Systems without an assessment.
    pub not_assessed: usize,
    /// Per domain.
    pub domains: Vec<DomainRollup>,
    /// The systems (filtered and limited as asked).
    pub items: Vec<PortfolioSystem>,
}

/// Rolls the rows up; `keep` chooses which systems are listed (all are counted), at most
/// `limit` of them.
pub fn roll_up(
    catalog: &Catalog,
    rows: &[PortfolioRow],
    keep: impl Fn(&PortfolioSystem) -> bool,
    limit: usize,
) -> Portfolio {
    let practice_domain: Vec<usize> = {
        let ids: Vec<&str> = catalog.domain_ids().collect();
        catalog
            .practices()
            .map(|p| {
                ids.iter()
                    .position(|d| *d == p.domain.id.value.as_str())
                    .unwrap_or(0)
            })
            .collect()
    };
    let mut domains: Vec<DomainRollup> = catalog
        .domain_ids()
        .filter_map(|id| catalog.domain(id))
        .map(|d| DomainRollup {
            domain: d.id.value.as_str().to_string(),
            name: d.name.clone(),
            under: 0,
            met: 0,
            over: 0,
            systems_met: 0,
            systems_under: 0,
        })
        .collect();
    let mut portfolio = Portfolio {
        systems: rows.len(),
        met: 0,
        under: 0,
        no_target: 0,
        not_assessed: 0,
        domains: Vec::new(),
        items: Vec::new(),
    };
    let mut domain_under = vec![false; domains.len()];
    for row in rows {
        let target = row
            .target
            .as_ref()
            .and_then(|(_, s)| s.as_deref())
            .and_then(decode);
        let current = row
            .assessment
            .as_ref()
            .and_then(|(_, s)| s.as_deref())
            .and_then(decode);
        let (mut under, mut met, mut over) = (0, 0, 0);
        let status = match (&target, &current) {
            (_, None) => SystemStatus::NotAssessed,
            (None, Some(_)) => SystemStatus::NoTarget,
            (Some(t), Some(c)) if t.len() == c.len() && t.len() == practice_domain.len() => {
                domain_under.iter_mut().for_each(|u| *u = false);
                for (i, (t, c)) in t.iter().zip(c).enumerate() {
                    let d = &mut domains[practice_domain[i]];
                    match Status::of(*t, *c) {
                        Status::Under => {
                            under += 1;
                            d.under += 1;
                            domain_under[practice_domain[i]] = true;
                        }
                        Status::Met => {
                            met += 1;
                            d.met += 1;
                        }
                        Status::Over => {
                            over += 1;
                            d.over += 1;
                        }
                    }
                }
                for (d, u) in domains.iter_mut().zip(&domain_under) {
                    if *u {
                        d.systems_under += 1;
                    } else {
                        d.systems_met += 1;
                    }
                }
                if under > 0 {
                    SystemStatus::Under
                } else {
                    SystemStatus::Met
                }
            }
            // Summaries of another catalog: cannot be compared here.
            (Some(_), Some(_)) => SystemStatus::NoTarget,
        };
        match status {
            SystemStatus::Met => portfolio.met += 1,
            SystemStatus::Under => portfolio.under += 1,
            SystemStatus::NoTarget => portfolio.no_target += 1,
            SystemStatus::NotAssessed => portfolio.not_assessed += 1,
        }
        if portfolio.items.len() < limit {
            let item = PortfolioSystem {
                id: row.system.id.0,
                name: row.system.name.clone(),
                kind: row.system.kind.as_str().to_string(),
                line: row.system.line.clone(),
                target: row.target.as_ref().map(|(id, _)| id.0),
                assessment: row.assessment.as_ref().map(|(id, _)| id.0),
                status,
                under,
                met,
                over,
            };
            if keep(&item) {
                portfolio.items.push(item);
            }
        }
    }
    portfolio.domains = domains;
    portfolio
}
