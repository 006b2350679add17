//! What changed between two versions of a document: two assessments, or two targets.
//!
//! A certification body works in rounds: it assesses, the vendor fixes, it reassesses; and when a
//! level cannot be reached it lowers it in a new version of the target. Each round is a new
//! document, and the question at every step is "what changed since the last one?". The diff
//! answers it in the model's terms (levels per measure, evidence, findings by id) rather than
//! line by line, so formatting and key order never show up as changes.
//!
//! - [`diff_assessments`]: practices (levels, evidence, notes) and findings (new, gone, status
//!   and severity), with a [`AssessmentSummary`].
//! - [`diff_targets`]: goals, subdomains and practices whose resolved level moved, lowered ones
//!   flagged, and whether the newer target records that it supersedes the older one; practices
//!   whose responsible party or cost bearer changed, goals whose deadline or budget changed, and
//!   a change of approval.
//!
//! Both are symmetric: the diff of B against A is the [`mirror`](AssessmentDiff::mirror) of the
//! diff of A against B, and a document compared with itself has no changes.

mod assessment;
mod evidence;
mod finding;
mod target;

use serde::Serialize;

use crate::level::{Comprehensiveness, Level, Scope};

pub use assessment::{
    diff_assessments, diff_assessments_in, AssessmentDiff, AssessmentSide, AssessmentSummary,
    PracticeDiff,
};
pub use evidence::EvidenceItem;
pub use finding::{FindingChange, FindingDiff};
pub use target::{
    diff_targets, GoalPlanDiff, ItemDiff, PartyDiff, Supersession, TargetDiff, TargetSide,
    TargetSummary,
};

/// A value before and after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Change<T> {
    /// In the older document.
    pub from: T,
    /// In the newer document.
    pub to: T,
}

impl<T: Clone> Change<T> {
    /// The same change seen from the other side.
    pub fn mirror(&self) -> Change<T> {
        Change {
            from: self.to.clone(),
            to: self.from.clone(),
        }
    }
}

impl<T: PartialEq> Change<T> {
    /// A change, or nothing when both sides are equal.
    pub fn between(from: T, to: T) -> Option<Change<T>> {
        (from != to).then_some(Change { from, to })
    }
}

/// Which way a level moved. The two measures can move apart (more comprehensive but narrower),
/// and that is reported as such rather than folded into "up" or "down".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// Some measure went up, none down.
    Up,
    /// Some measure went down, none up.
    Down,
    /// One measure went up and the other down.
    Mixed,
}

impl Direction {
    /// The direction seen from the other side.
    pub fn mirror(self) -> Direction {
        match self {
            Direction::Up => Direction::Down,
            Direction::Down => Direction::Up,
            Direction::Mixed => Direction::Mixed,
        }
    }
}

/// How one level (comprehensiveness and scope) changed; only measures that changed are present.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct LevelChange {
    /// Which way it moved.
    pub direction: Direction,
    /// Comprehensiveness before and after, when it changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comprehensiveness: Option<Change<Comprehensiveness>>,
    /// Scope before and after, when it changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<Change<Scope>>,
}

impl LevelChange {
    /// The change from `from` to `to`, or nothing when they are equal.
    pub fn between(from: Level, to: Level) -> Option<LevelChange> {
        let comprehensiveness = Change::between(from.comprehensiveness, to.comprehensiveness);
        let scope = Change::between(from.scope, to.scope);
        let up = comprehensiveness.as_ref().is_some_and(|c| c.to > c.from)
            || scope.as_ref().is_some_and(|s| s.to > s.from);
        let down = comprehensiveness.as_ref().is_some_and(|c| c.to < c.from)
            || scope.as_ref().is_some_and(|s| s.to < s.from);
        let direction = match (up, down) {
            (true, true) => Direction::Mixed,
            (true, false) => Direction::Up,
            (false, true) => Direction::Down,
            (false, false) => return None,
        };
        Some(LevelChange {
            direction,
            comprehensiveness,
            scope,
        })
    }

    /// Whether some measure went down (a lowered target level, a regressed practice).
    pub fn lowers(&self) -> bool {
        self.direction != Direction::Up
    }

    /// Whether some measure went up.
    pub fn raises(&self) -> bool {
        self.direction != Direction::Down
    }

    /// The same change seen from the other side.
    pub fn mirror(&self) -> LevelChange {
        LevelChange {
            direction: self.direction.mirror(),
            comprehensiveness: self.comprehensiveness.as_ref().map(Change::mirror),
            scope: self.scope.as_ref().map(Change::mirror),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::level::{Comprehensiveness as C, Scope as S};

    #[test]
    fn equal_levels_are_no_change_and_opposite_measures_are_mixed() {
        let a = Level::new(C::Consistent, S::Industry);
        assert_eq!(LevelChange::between(a, a), None);
        let up = LevelChange::between(a, Level::new(C::Formalized, S::Industry)).expect("change");
        assert_eq!(up.direction, Direction::Up);
        assert!(up.raises() && !up.lowers());
        let mixed = LevelChange::between(a, Level::new(C::Formalized, S::General)).expect("change");
        assert_eq!(mixed.direction, Direction::Mixed);
        assert!(mixed.lowers() && mixed.raises());
        let down = LevelChange::between(a, Level::new(C::Consistent, S::General)).expect("change");
        assert_eq!(down.direction, Direction::Down);
        assert_eq!(down.comprehensiveness, None);
        assert_eq!(
            down.mirror(),
            LevelChange::between(Level::new(C::Consistent, S::General), a).expect("change")
        );
    }
}
