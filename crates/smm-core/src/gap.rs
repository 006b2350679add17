//! The gap: a resolved target against a current profile, practice by practice, rolled up.
//!
//! A practice is `under` when either measure falls short, `met` when both match, `over` when
//! nothing falls short and something exceeds. Over is reported, not rewarded: the model's point is
//! sufficient security, and effort above target may be effort misplaced.

use std::collections::HashMap;

use serde::Serialize;

use crate::current::CurrentProfile;
use crate::id::{DomainId, PracticeId, SubdomainId};
use crate::level::Level;
use crate::resolve::{ResolvedTarget, Source};
use crate::rollup::Rollup;

/// How a practice (or a group) stands against its target.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Some measure is below target.
    Under,
    /// Both measures equal the target.
    Met,
    /// Nothing below, something above.
    Over,
}

impl Status {
    /// The status of `current` against `target`.
    pub fn of(target: Level, current: Level) -> Status {
        if current.comprehensiveness < target.comprehensiveness || current.scope < target.scope {
            Status::Under
        } else if current == target {
            Status::Met
        } else {
            Status::Over
        }
    }

    /// The word used in tables and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Under => "under",
            Status::Met => "met",
            Status::Over => "over",
        }
    }
}

/// One practice's gap.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PracticeGap {
    /// Practice id.
    pub id: PracticeId,
    /// Display name.
    pub name: String,
    /// Its domain.
    pub domain: DomainId,
    /// Its subdomain.
    pub subdomain: SubdomainId,
    /// Required.
    pub target: Level,
    /// Achieved.
    pub current: Level,
    /// Under, met or over.
    pub status: Status,
    /// Current minus target comprehensiveness (negative: short by that many levels).
    pub comprehensiveness_delta: i8,
    /// Current minus target scope rank (negative: too general).
    pub scope_delta: i8,
    /// Where the target came from.
    pub source: Source,
    /// Why the target is what it is, when an override says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rationale: Option<String>,
}

/// Counts of practice statuses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Summary {
    /// Practices counted.
    pub total: usize,
    /// Below target.
    pub under: usize,
    /// Exactly on target.
    pub met: usize,
    /// Above target, none below.
    pub over: usize,
}

impl Summary {
    fn count<'a>(statuses: impl IntoIterator<Item = &'a PracticeGap>) -> Summary {
        let mut s = Summary::default();
        for p in statuses {
            s.total += 1;
            match p.status {
                Status::Under => s.under += 1,
                Status::Met => s.met += 1,
                Status::Over => s.over += 1,
            }
        }
        s
    }

    /// The group's status: under if any practice is, else over if any is, else met.
    pub fn status(&self) -> Status {
        if self.under > 0 {
            Status::Under
        } else if self.over > 0 {
            Status::Over
        } else {
            Status::Met
        }
    }
}

/// A subdomain's or domain's gap: its practices' statuses rolled up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct GroupGap {
    /// Subdomain or domain id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Under if any practice is under, else over if any is over, else met.
    pub status: Status,
    /// Counts of its practices.
    #[serde(flatten)]
    pub summary: Summary,
    /// The target's roll-up for the group (e.g. `2+` / `general+`).
    pub target: Rollup,
}

/// The whole gap analysis.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Gap {
    /// Target profile name.
    pub target: String,
    /// Product assessed.
    pub product: String,
    /// Version assessed.
    pub version: String,
    /// Every practice, in catalog order.
    pub practices: Vec<PracticeGap>,
    /// Every subdomain, in catalog order.
    pub subdomains: Vec<GroupGap>,
    /// Every domain, in catalog order.
    pub domains: Vec<GroupGap>,
    /// Counts over all practices.
    pub summary: Summary,
}

impl Gap {
    /// The practices under target, in catalog order.
    pub fn under(&self) -> impl Iterator<Item = &PracticeGap> {
        self.practices.iter().filter(|p| p.status == Status::Under)
    }
}

/// A target and an assessment checked against different catalogs cannot be compared.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the target uses catalog {target} but the assessment was checked against {current}")]
pub struct CatalogMismatch {
    /// The target's catalog (`id@version`).
    pub target: String,
    /// The assessment's catalog.
    pub current: String,
}

/// Compares a resolved target with a current profile built from the same catalog.
pub fn gap(target: &ResolvedTarget, current: &CurrentProfile) -> Result<Gap, CatalogMismatch> {
    let achieved: HashMap<&str, Level> = current
        .practices
        .iter()
        .map(|c| (c.id.as_str(), c.level))
        .collect();
    if target.catalog != current.catalog || achieved.len() != target.practices.len() {
        return Err(CatalogMismatch {
            target: target.catalog.clone(),
            current: current.catalog.clone(),
        });
    }
    let mut practices = Vec::with_capacity(target.practices.len());
    for t in &target.practices {
        let Some(&achieved) = achieved.get(t.id.as_str()) else {
            return Err(CatalogMismatch {
                target: target.catalog.clone(),
                current: current.catalog.clone(),
            });
        };
        let required = t.level();
        practices.push(PracticeGap {
            id: t.id.clone(),
            name: t.name.clone(),
            domain: t.domain.clone(),
            subdomain: t.subdomain.clone(),
            target: required,
            current: achieved,
            status: Status::of(required, achieved),
            comprehensiveness_delta: achieved.comprehensiveness.value() as i8
                - required.comprehensiveness.value() as i8,
            scope_delta: achieved.scope.rank() as i8 - required.scope.rank() as i8,
            source: t.source,
            rationale: t.rationale.clone(),
        });
    }
    let mut by_subdomain: HashMap<&str, Vec<&PracticeGap>> = HashMap::new();
    let mut by_domain: HashMap<&str, Vec<&PracticeGap>> = HashMap::new();
    for p in &practices {
        by_subdomain
            .entry(p.subdomain.as_str())
            .or_default()
            .push(p);
        by_domain.entry(p.domain.as_str()).or_default().push(p);
    }
    let group = |id: &str, name: &str, target: &Rollup, members: Option<&Vec<&PracticeGap>>| {
        let summary = Summary::count(members.into_iter().flatten().copied());
        GroupGap {
            id: id.to_string(),
            name: name.to_string(),
            status: summary.status(),
            summary,
            target: target.clone(),
        }
    };
    let subdomains = target
        .subdomains
        .iter()
        .map(|s| {
            group(
                s.id.as_str(),
                &s.name,
                &s.rollup,
                by_subdomain.get(s.id.as_str()),
            )
        })
        .collect();
    let domains = target
        .domains
        .iter()
        .map(|d| {
            group(
                d.id.as_str(),
                &d.name,
                &d.rollup,
                by_domain.get(d.id.as_str()),
            )
        })
        .collect();
    Ok(Gap {
        target: target.name.clone(),
        product: current.product.clone(),
        version: current.version.clone(),
        summary: Summary::count(&practices),
        practices,
        subdomains,
        domains,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::level::{Comprehensiveness as C, Scope as S};
    use proptest::prelude::*;

    #[test]
    fn status_follows_both_measures() {
        let t = Level::new(C::AdHoc, S::Industry);
        assert_eq!(Status::of(t, t), Status::Met);
        assert_eq!(
            Status::of(t, Level::new(C::Consistent, S::General)),
            Status::Under
        );
        assert_eq!(
            Status::of(t, Level::new(C::Consistent, S::Industry)),
            Status::Over
        );
        assert_eq!(Status::of(t, Level::new(C::AdHoc, S::System)), Status::Over);
        assert_eq!(
            Status::of(t, Level::new(C::Minimum, S::System)),
            Status::Under
        );
    }

    fn any_level() -> impl Strategy<Value = Level> {
        (0u64..5, 0usize..3)
            .prop_map(|(c, s)| Level::new(C::from_value(c).unwrap_or(C::None), S::ALL[s]))
    }

    proptest! {
        #[test]
        fn exactly_one_status_and_it_agrees_with_the_comparison(t in any_level(), c in any_level()) {
            let status = Status::of(t, c);
            let below = c.comprehensiveness < t.comprehensiveness || c.scope < t.scope;
            prop_assert_eq!(status == Status::Under, below);
            prop_assert_eq!(status == Status::Met, c == t);
            prop_assert_eq!(status == Status::Over, !below && c != t);
        }
    }
}
