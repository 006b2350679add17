//! What a chart shows: one item per practice, subdomain or domain, with its target and, when
//! there is an assessment, its current level and status.

use smm_core::gap::{Gap, Status};
use smm_core::{Catalog, Comprehensiveness, Level, ResolvedTarget, Rollup, Scope};

/// Which level of the hierarchy a chart shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Granularity {
    /// The 18 practices.
    Practice,
    /// The 9 subdomains.
    Subdomain,
    /// The 3 domains.
    Domain,
}

/// One bar, spoke or cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChartItem {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The domain it belongs to (its own name for a domain).
    pub domain: String,
    /// The subdomain it belongs to (practices only).
    pub subdomain: Option<String>,
    /// Required level (for groups: the roll-up's base).
    pub target: Level,
    /// The target as the model writes it: `2/I` for a practice, `2+/I+` for a group roll-up.
    pub target_label: String,
    /// Achieved level; for groups the weakest practice on each measure (a group is only as
    /// strong as its weakest part).
    pub current: Option<Level>,
    /// Under, met or over (with an assessment).
    pub status: Option<Status>,
}

/// Everything a chart needs, in catalog order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChartData {
    /// The chart's title (the target's name).
    pub title: String,
    /// A subtitle: the product and version assessed, or "target profile".
    pub subtitle: String,
    /// Which level of the hierarchy.
    pub granularity: Granularity,
    /// The items.
    pub items: Vec<ChartItem>,
    /// Display names of comprehensiveness 0..=4, from the catalog.
    pub level_names: Vec<String>,
    /// Display names of General, Industry, System, from the catalog.
    pub scope_names: Vec<String>,
}

impl ChartData {
    /// Whether the chart compares with an assessment.
    pub fn has_current(&self) -> bool {
        self.items.iter().any(|i| i.current.is_some())
    }
}

/// `2+/I+` from a roll-up.
pub fn rollup_label(rollup: &Rollup) -> String {
    let marks = rollup.scope.trim_start_matches(rollup.base.scope.token());
    format!(
        "{}/{}{marks}",
        rollup.comprehensiveness,
        rollup.base.scope.letter()
    )
}

fn weakest<'a>(levels: impl Iterator<Item = &'a Level>) -> Option<Level> {
    let levels: Vec<&Level> = levels.collect();
    let c = levels.iter().map(|l| l.comprehensiveness).min()?;
    let s = levels.iter().map(|l| l.scope).min()?;
    Some(Level::new(c, s))
}

/// The chart data for a target, optionally with its gap.
pub fn chart_data(
    catalog: &Catalog,
    target: &ResolvedTarget,
    gap: Option<&Gap>,
    granularity: Granularity,
) -> ChartData {
    let current_of = |id: &str| gap.and_then(|g| g.practices.iter().find(|p| p.id.as_str() == id));
    let domain_name = |id: &str| {
        target
            .domain(id)
            .map(|d| d.name.clone())
            .unwrap_or_default()
    };
    let items = match granularity {
        Granularity::Practice => target
            .practices
            .iter()
            .map(|p| {
                let g = current_of(p.id.as_str());
                ChartItem {
                    id: p.id.to_string(),
                    name: p.name.clone(),
                    domain: domain_name(p.domain.as_str()),
                    subdomain: target
                        .subdomain(p.subdomain.as_str())
                        .map(|s| s.name.clone()),
                    target: p.level(),
                    target_label: p.level().to_string(),
                    current: g.map(|g| g.current),
                    status: g.map(|g| g.status),
                }
            })
            .collect(),
        Granularity::Subdomain => target
            .subdomains
            .iter()
            .map(|s| {
                let members: Vec<Level> = gap
                    .map(|g| {
                        g.practices
                            .iter()
                            .filter(|p| p.subdomain == s.id)
                            .map(|p| p.current)
                            .collect()
                    })
                    .unwrap_or_default();
                ChartItem {
                    id: s.id.to_string(),
                    name: s.name.clone(),
                    domain: domain_name(s.domain.as_str()),
                    subdomain: None,
                    target: s.level,
                    target_label: rollup_label(&s.rollup),
                    current: weakest(members.iter()),
                    status: gap.and_then(|g| {
                        g.subdomains
                            .iter()
                            .find(|x| x.id == s.id.as_str())
                            .map(|x| x.status)
                    }),
                }
            })
            .collect(),
        Granularity::Domain => target
            .domains
            .iter()
            .map(|d| {
                let members: Vec<Level> = gap
                    .map(|g| {
                        g.practices
                            .iter()
                            .filter(|p| p.domain == d.id)
                            .map(|p| p.current)
                            .collect()
                    })
                    .unwrap_or_default();
                ChartItem {
                    id: d.id.to_string(),
                    name: d.name.clone(),
                    domain: d.name.clone(),
                    subdomain: None,
                    target: d.level,
                    target_label: rollup_label(&d.rollup),
                    current: weakest(members.iter()),
                    status: gap.and_then(|g| {
                        g.domains
                            .iter()
                            .find(|x| x.id == d.id.as_str())
                            .map(|x| x.status)
                    }),
                }
            })
            .collect(),
    };
    ChartData {
        title: target.name.clone(),
        subtitle: match gap {
            Some(g) => format!("Target and current: {} {}", g.product, g.version),
            None => "Target profile".to_string(),
        },
        granularity,
        items,
        level_names: Comprehensiveness::ALL
            .iter()
            .map(|c| {
                catalog
                    .comprehensiveness_meaning(*c)
                    .map(|m| m.name.clone())
                    .unwrap_or_else(|| c.value().to_string())
            })
            .collect(),
        scope_names: Scope::ALL
            .iter()
            .map(|s| {
                catalog
                    .scope_meaning(*s)
                    .map(|m| m.name.clone())
                    .unwrap_or_else(|| s.token().to_string())
            })
            .collect(),
    }
}
