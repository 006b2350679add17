//! One step of a trend: from one assessment to the next, what moved and how.

use std::collections::HashMap;

use serde::Serialize;

use super::{PracticePoint, TrendPoint, TrendPractice};
use crate::gap::Status;
use crate::id::{DomainId, PracticeId};
use crate::level::Level;

/// How a practice's achieved level moved from one assessment to the next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    /// A measure rose and none fell.
    Improved,
    /// A measure fell and none rose.
    Regressed,
    /// One measure rose and the other fell: neither better nor worse without a judgement.
    Changed,
    /// Both measures stayed.
    Unchanged,
}

impl Change {
    /// The change from `before` to `after`.
    pub fn of(before: Level, after: Level) -> Change {
        let rose = after.comprehensiveness > before.comprehensiveness || after.scope > before.scope;
        let fell = after.comprehensiveness < before.comprehensiveness || after.scope < before.scope;
        match (rose, fell) {
            (true, true) => Change::Changed,
            (true, false) => Change::Improved,
            (false, true) => Change::Regressed,
            (false, false) => Change::Unchanged,
        }
    }

    /// The word used in tables and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Improved => "improved",
            Change::Regressed => "regressed",
            Change::Changed => "changed",
            Change::Unchanged => "unchanged",
        }
    }
}

/// A practice whose level, target or status differs between two consecutive points.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PracticeChange {
    /// Practice id.
    pub id: PracticeId,
    /// Its domain.
    pub domain: DomainId,
    /// How the achieved level moved.
    pub change: Change,
    /// Achieved before.
    pub before: Level,
    /// Achieved after.
    pub after: Level,
    /// Status before.
    pub status_before: Status,
    /// Status after.
    pub status_after: Status,
    /// Required before.
    pub target_before: Level,
    /// Required after.
    pub target_after: Level,
}

/// A domain's movement between two consecutive points.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DomainStep {
    /// Domain id.
    pub id: DomainId,
    /// Practices under target before.
    pub under_before: usize,
    /// Practices under target after.
    pub under_after: usize,
    /// Missing steps before.
    pub missing_before: u32,
    /// Missing steps after.
    pub missing_after: u32,
    /// Practices that improved.
    pub improved: usize,
    /// Practices that regressed.
    pub regressed: usize,
    /// Practices that changed (one measure up, one down).
    pub changed: usize,
}

/// From one point to the next.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct TrendStep {
    /// Index of the earlier point in [`Trend::points`].
    pub from: usize,
    /// Index of the later point.
    pub to: usize,
    /// Whether the two points are measured against different targets (by name, version or any
    /// practice's required level).
    pub target_changed: bool,
    /// Practices that improved, in catalog order.
    pub improved: Vec<PracticeId>,
    /// Practices that regressed.
    pub regressed: Vec<PracticeId>,
    /// Practices that changed (one measure up, one down).
    pub changed: Vec<PracticeId>,
    /// Every practice whose level, target or status differs, in catalog order.
    pub practices: Vec<PracticeChange>,
    /// Every domain, in catalog order.
    pub domains: Vec<DomainStep>,
}

/// The step from `points[from]` to `points[to]`, practice by practice in catalog order.
pub(super) fn step(
    from: usize,
    to: usize,
    points: &[TrendPoint],
    practices: &[TrendPractice],
) -> TrendStep {
    let (before, after) = (&points[from], &points[to]);
    let index = |point: &'_ TrendPoint| -> HashMap<PracticeId, PracticePoint> {
        point
            .practices
            .iter()
            .map(|p| (p.id.clone(), p.clone()))
            .collect()
    };
    let (earlier, later) = (index(before), index(after));
    let mut step = TrendStep {
        from,
        to,
        target_changed: before.target != after.target
            || before.target_version != after.target_version,
        improved: Vec::new(),
        regressed: Vec::new(),
        changed: Vec::new(),
        practices: Vec::new(),
        domains: Vec::new(),
    };
    let mut moved: HashMap<&DomainId, Vec<Change>> = HashMap::new();
    for practice in practices {
        let (Some(b), Some(a)) = (earlier.get(&practice.id), later.get(&practice.id)) else {
            continue;
        };
        let change = Change::of(b.current, a.current);
        match change {
            Change::Improved => step.improved.push(practice.id.clone()),
            Change::Regressed => step.regressed.push(practice.id.clone()),
            Change::Changed => step.changed.push(practice.id.clone()),
            Change::Unchanged => {}
        }
        step.target_changed |= b.target != a.target;
        if change != Change::Unchanged || b.target != a.target || b.status != a.status {
            step.practices.push(PracticeChange {
                id: practice.id.clone(),
                domain: practice.domain.clone(),
                change,
                before: b.current,
                after: a.current,
                status_before: b.status,
                status_after: a.status,
                target_before: b.target,
                target_after: a.target,
            });
        }
        moved.entry(&practice.domain).or_default().push(change);
    }
    for d in &after.domains {
        let Some(b) = before.domains.iter().find(|x| x.id == d.id) else {
            continue;
        };
        let moved = moved.get(&d.id).map(Vec::as_slice).unwrap_or(&[]);
        let count = |c: Change| moved.iter().filter(|m| **m == c).count();
        step.domains.push(DomainStep {
            id: d.id.clone(),
            under_before: b.summary.under,
            under_after: d.summary.under,
            missing_before: b.missing,
            missing_after: d.missing,
            improved: count(Change::Improved),
            regressed: count(Change::Regressed),
            changed: count(Change::Changed),
        });
    }
    step
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::level::{Comprehensiveness as C, Scope as S};

    #[test]
    fn a_change_is_read_from_both_measures() {
        let l = |c, s| Level::new(c, s);
        let base = l(C::AdHoc, S::Industry);
        assert_eq!(Change::of(base, base), Change::Unchanged);
        assert_eq!(
            Change::of(base, l(C::Consistent, S::Industry)),
            Change::Improved
        );
        assert_eq!(Change::of(base, l(C::AdHoc, S::System)), Change::Improved);
        assert_eq!(
            Change::of(base, l(C::Minimum, S::Industry)),
            Change::Regressed
        );
        assert_eq!(
            Change::of(base, l(C::Minimum, S::General)),
            Change::Regressed
        );
        assert_eq!(
            Change::of(base, l(C::Consistent, S::General)),
            Change::Changed
        );
        assert_eq!(Change::of(base, l(C::Minimum, S::System)), Change::Changed);
    }
}
