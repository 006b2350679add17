//! The portfolio use case: every system an organization sees (its own and those granted to it),
//! each with the status of its latest assessment against the target that assessment names, and a
//! roll-up per domain.
//!
//! The store finds, in one query, each system's latest assessment and the target version it
//! names by digest (as the gap does), with the level summaries kept beside them; the counting is
//! `smm_core::portfolio`, the rule `smm gap` applies, so a system's counts here are those of its
//! gap. Both doors (`GET /api/organizations/{org}/portfolio` and the page `/orgs/{org}`) call
//! [`portfolio`] and only render what it returns.

use serde::Serialize;
use utoipa::ToSchema;

use smm_core::portfolio::{Standing, SystemLevels, Tally};
use smm_core::{Catalog, Level};
use smm_store::summary::decode;
use smm_store::{OrganizationId, PortfolioRow, Role};

use crate::access::in_organization;
use crate::auth::Caller;
use crate::authz::Action;
use crate::problem::Problem;
use crate::state::AppState;

/// Where a system stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SystemStatus {
    /// Every practice meets (or exceeds) its target.
    Met,
    /// Some practice is below its target.
    Under,
    /// Has an assessment but no stored target with the digest it names.
    NoTarget,
    /// Has no assessment yet.
    NotAssessed,
}

impl SystemStatus {
    /// The word the API and the page's filter use.
    pub fn as_str(self) -> &'static str {
        match self {
            SystemStatus::Met => "met",
            SystemStatus::Under => "under",
            SystemStatus::NoTarget => "no-target",
            SystemStatus::NotAssessed => "not-assessed",
        }
    }

    /// A status filter as written in a query: empty means any.
    pub fn parse_filter(text: Option<&str>) -> Result<Option<SystemStatus>, Problem> {
        let text = text.unwrap_or_default();
        if text.is_empty() {
            return Ok(None);
        }
        [
            SystemStatus::Met,
            SystemStatus::Under,
            SystemStatus::NoTarget,
            SystemStatus::NotAssessed,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
        .map(Some)
        .ok_or_else(|| {
            Problem::bad_field(
                "status",
                format!("unknown status `{text}`: expected met, under, no-target or not-assessed"),
            )
        })
    }
}

impl From<Standing> for SystemStatus {
    fn from(standing: Standing) -> SystemStatus {
        match standing {
            Standing::Met => SystemStatus::Met,
            Standing::Under => SystemStatus::Under,
            Standing::NoTarget => SystemStatus::NoTarget,
            Standing::NotAssessed => SystemStatus::NotAssessed,
        }
    }
}

/// How another organization's system came into this portfolio.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct GrantedBy {
    /// The organization that owns the system.
    pub organization: i64,
    /// Its name.
    pub organization_name: String,
    /// The role it granted: `assessor` or `viewer`.
    pub role: String,
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
    /// The target profile the latest assessment is measured against (the stored one with the
    /// digest it names); for a system not assessed, its latest target profile.
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
    /// Set when the system belongs to another organization that granted access to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub granted: Option<GrantedBy>,
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
    /// Systems counted (own and granted).
    pub systems: usize,
    /// Systems meeting their target.
    pub met: usize,
    /// Systems with a gap.
    pub under: usize,
    /// Systems without a target.
    pub no_target: usize,
    /// Systems without an assessment.
    pub not_assessed: usize,
    /// Of the systems counted, those granted by other organizations.
    pub granted: usize,
    /// Per domain.
    pub domains: Vec<DomainRollup>,
    /// The systems (filtered and limited as asked).
    pub items: Vec<PortfolioSystem>,
}

/// Which systems are listed (all are counted).
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Only systems with this status.
    pub status: Option<SystemStatus>,
    /// Only systems whose name contains this (any case).
    pub name_contains: Option<String>,
    /// At most this many.
    pub limit: usize,
}

/// A portfolio as the caller may see it, with the caller's role in the organization (what the
/// page offers depends on it).
pub struct Seen {
    /// The caller's role.
    pub role: Role,
    /// The portfolio.
    pub portfolio: Portfolio,
}

/// An organization's portfolio, for a caller who may read it.
pub async fn portfolio(
    state: &AppState,
    caller: &Caller,
    org: i64,
    filter: Filter,
) -> Result<Seen, Problem> {
    let role = in_organization(caller, org, Action::Read)?;
    let rows = state.store.portfolio(OrganizationId(org)).await?;
    let catalog = state.catalog.clone();
    // Thousands of systems take milliseconds to count: off the request threads.
    let portfolio = tokio::task::spawn_blocking(move || roll_up(&catalog, &rows, &filter))
        .await
        .map_err(|e| Problem::internal("portfolio", &e))?;
    Ok(Seen { role, portfolio })
}

/// Rolls the store's rows up with the core's counting, listing the systems `filter` keeps.
pub fn roll_up(catalog: &Catalog, rows: &[PortfolioRow], filter: &Filter) -> Portfolio {
    let needle = filter.name_contains.as_deref().map(str::to_lowercase);
    let mut tally = Tally::new(catalog);
    let mut items = Vec::new();
    let mut granted = 0;
    for row in rows {
        let target = summary_levels(row.target.as_ref());
        let current = summary_levels(row.assessment.as_ref());
        let result = tally.add(SystemLevels {
            target: target.as_deref(),
            current: current.as_deref(),
        });
        granted += usize::from(row.granted.is_some());
        let status = SystemStatus::from(result.standing);
        let listed = items.len() < filter.limit
            && filter.status.is_none_or(|s| s == status)
            && needle
                .as_deref()
                .is_none_or(|n| row.system.name.to_lowercase().contains(n));
        if listed {
            items.push(PortfolioSystem {
                id: row.system.id.0,
                name: row.system.name.clone(),
                kind: row.system.kind.as_str().to_string(),
                line: row.system.line.clone(),
                target: row.target.as_ref().map(|(id, _)| id.0),
                assessment: row.assessment.as_ref().map(|(id, _)| id.0),
                status,
                under: result.summary.under,
                met: result.summary.met,
                over: result.summary.over,
                granted: row.granted.as_ref().map(|g| GrantedBy {
                    organization: row.system.organization.0,
                    organization_name: g.owner_name.clone(),
                    role: g.role.as_str().to_string(),
                }),
            });
        }
    }
    let rollup = tally.finish();
    Portfolio {
        systems: rollup.systems,
        met: rollup.met,
        under: rollup.under,
        no_target: rollup.no_target,
        not_assessed: rollup.not_assessed,
        granted,
        domains: rollup
            .domains
            .into_iter()
            .map(|d| DomainRollup {
                domain: d.domain.as_str().to_string(),
                name: d.name,
                under: d.summary.under,
                met: d.summary.met,
                over: d.summary.over,
                systems_met: d.systems_met,
                systems_under: d.systems_under,
            })
            .collect(),
        items,
    }
}

/// A document's levels from its stored summary (none if it has no summary, or an unreadable one).
fn summary_levels<I>(document: Option<&(I, Option<String>)>) -> Option<Vec<Level>> {
    document
        .and_then(|(_, summary)| summary.as_deref())
        .and_then(decode)
}
