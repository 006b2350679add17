//! What a chart shows: one item per practice, subdomain or domain, with its target and, when
//! there is an assessment, its current level and status.
//!
//! A subdomain or domain compared with an assessment is drawn as the practice its status comes
//! from (see [`Deciding`]): a group's status is a statement about its practices, each against its
//! own target, so a bar pair built from unrelated summaries (the group's base beside its weakest
//! practice) could stand beside "met" while looking short. The deciding practice's pair always
//! reads the way the status does.

use smm_core::gap::{Gap, PracticeGap, Status, Summary};
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
    /// Required level. For a group: the deciding practice's target when there is an assessment,
    /// else the roll-up's base.
    pub target: Level,
    /// The target as the model writes it: `2/I` for a practice, `2+/I+` for a group roll-up.
    pub target_label: String,
    /// Achieved level. For a group: the deciding practice's current level, so that `target`
    /// and `current` compare exactly as the group's status says.
    pub current: Option<Level>,
    /// Under, met or over (with an assessment).
    pub status: Option<Status>,
    /// For a group with an assessment: the practice its bars, spoke or cell show.
    pub deciding: Option<Deciding>,
    /// For a group with an assessment: how many of its practices are under, met and over.
    pub counts: Option<Summary>,
}

/// The practice whose comparison a group's status repeats: the one furthest below its target;
/// when none is below, the one furthest above; when all are met, the one with the lowest
/// target. Its target and current level are what a chart draws for the group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deciding {
    /// Practice id.
    pub id: String,
    /// Practice name.
    pub name: String,
}

impl ChartItem {
    /// The target as drawn: a practice's level, a group's roll-up notation without an
    /// assessment, and the deciding practice's level with one.
    pub fn drawn_target_label(&self) -> String {
        match self.deciding {
            Some(_) => self.target.to_string(),
            None => self.target_label.clone(),
        }
    }

    /// The status as words: `under`, or for a group `under, 1 of 3` (the practices under
    /// target; for `over`, those over).
    pub fn status_words(&self) -> Option<String> {
        let status = self.status?;
        let Some(c) = self.counts else {
            return Some(status.as_str().to_string());
        };
        let n = match status {
            Status::Under => c.under,
            Status::Met => c.met,
            Status::Over => c.over,
        };
        Some(format!("{}, {n} of {}", status.as_str(), c.total))
    }
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

/// The practice a group's status comes from (see [`Deciding`]). Ties go to the first in
/// catalog order, so the choice is stable.
fn deciding<'a>(parts: &[&'a PracticeGap]) -> Option<&'a PracticeGap> {
    let delta = |p: &&&PracticeGap| (p.comprehensiveness_delta, p.scope_delta);
    let first_max = |status: Status| {
        parts
            .iter()
            .filter(|p| p.status == status)
            .rev()
            .max_by_key(delta)
    };
    parts
        .iter()
        .filter(|p| p.status == Status::Under)
        .min_by_key(delta)
        .or_else(|| first_max(Status::Over))
        .or_else(|| {
            parts
                .iter()
                .min_by_key(|p| (p.target.comprehensiveness, p.target.scope))
        })
        .copied()
}

/// A group's item: its roll-up target and, with an assessment, its deciding practice.
fn group_item(
    id: &str,
    name: &str,
    domain: String,
    rollup: &Rollup,
    parts: Option<(Vec<&PracticeGap>, Summary)>,
) -> ChartItem {
    let mut item = ChartItem {
        id: id.to_string(),
        name: name.to_string(),
        domain,
        subdomain: None,
        target: rollup.base,
        target_label: rollup_label(rollup),
        current: None,
        status: None,
        deciding: None,
        counts: None,
    };
    if let Some((parts, summary)) = parts {
        item.status = Some(summary.status());
        item.counts = Some(summary);
        if let Some(p) = deciding(&parts) {
            item.target = p.target;
            item.current = Some(p.current);
            item.deciding = Some(Deciding {
                id: p.id.to_string(),
                name: p.name.clone(),
            });
        }
    }
    item
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
                    deciding: None,
                    counts: None,
                }
            })
            .collect(),
        Granularity::Subdomain => target
            .subdomains
            .iter()
            .map(|s| {
                let parts = gap.and_then(|g| {
                    let summary = g.subdomains.iter().find(|x| x.id == s.id.as_str())?.summary;
                    let members = g.practices.iter().filter(|p| p.subdomain == s.id);
                    Some((members.collect(), summary))
                });
                group_item(
                    s.id.as_str(),
                    &s.name,
                    domain_name(s.domain.as_str()),
                    &s.rollup,
                    parts,
                )
            })
            .collect(),
        Granularity::Domain => target
            .domains
            .iter()
            .map(|d| {
                let parts = gap.and_then(|g| {
                    let summary = g.domains.iter().find(|x| x.id == d.id.as_str())?.summary;
                    let members = g.practices.iter().filter(|p| p.domain == d.id);
                    Some((members.collect(), summary))
                });
                group_item(d.id.as_str(), &d.name, d.name.clone(), &d.rollup, parts)
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use smm_core::id::{DomainId, PracticeId, SubdomainId};
    use smm_core::level::Comprehensiveness as C;
    use smm_core::Source;

    fn any_level() -> impl Strategy<Value = Level> {
        (0u64..5, 0usize..3)
            .prop_map(|(c, s)| Level::new(C::from_value(c).unwrap_or(C::None), Scope::ALL[s]))
    }

    fn practice(i: usize, target: Level, current: Level) -> PracticeGap {
        PracticeGap {
            id: PracticeId::new(format!("p{i}")),
            name: format!("Practice {i}"),
            domain: DomainId::new("d"),
            subdomain: SubdomainId::new("s"),
            target,
            current,
            status: Status::of(target, current),
            comprehensiveness_delta: current.comprehensiveness.value() as i8
                - target.comprehensiveness.value() as i8,
            scope_delta: current.scope.rank() as i8 - target.scope.rank() as i8,
            source: Source::DomainGoal,
            rationale: None,
        }
    }

    proptest! {
        /// Whatever a group's practices and their targets, the pair a chart draws for it
        /// compares exactly as the group's status says, and the count names the practices that
        /// give the status.
        #[test]
        fn a_group_draws_a_pair_that_reads_as_its_status(
            base in any_level(),
            pairs in proptest::collection::vec((any_level(), any_level()), 1..9),
        ) {
            let parts: Vec<PracticeGap> = pairs
                .iter()
                .enumerate()
                .map(|(i, (t, c))| practice(i, *t, *c))
                .collect();
            let count = |s: Status| parts.iter().filter(|p| p.status == s).count();
            let summary = Summary {
                total: parts.len(),
                under: count(Status::Under),
                met: count(Status::Met),
                over: count(Status::Over),
            };
            let rollup = smm_core::rollup::roll_up(base, parts.iter().map(|p| (&p.id, p.target)));
            let item = group_item("s", "S", "D".into(), &rollup, Some((parts.iter().collect(), summary)));
            let status = item.status.expect("a status");
            prop_assert_eq!(status, summary.status());
            let current = item.current.expect("a current level");
            prop_assert_eq!(Status::of(item.target, current), status);
            let words = item.status_words().expect("words");
            let n = match status { Status::Under => summary.under, Status::Met => summary.met, Status::Over => summary.over };
            prop_assert_eq!(words, format!("{}, {n} of {}", status.as_str(), parts.len()));
        }
    }
}
