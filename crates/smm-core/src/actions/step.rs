//! Steps up a practice, action ids and efforts: the small value types of the actions file.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::id::PracticeId;
use crate::level::{Comprehensiveness, Level, Scope};

/// One step up a practice: reaching a comprehensiveness level, or widening the scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Step {
    /// Reach this comprehensiveness (1 to 4) from the level below.
    Reach(Comprehensiveness),
    /// Reach this scope (Industry or System) from the one before.
    Widen(Scope),
}

impl Step {
    /// Every step, in the order the file lists them.
    pub const ALL: [Step; 6] = [
        Step::Reach(Comprehensiveness::Minimum),
        Step::Reach(Comprehensiveness::AdHoc),
        Step::Reach(Comprehensiveness::Consistent),
        Step::Reach(Comprehensiveness::Formalized),
        Step::Widen(Scope::Industry),
        Step::Widen(Scope::System),
    ];

    /// The key used in files: `c1`..`c4`, `industry`, `system`.
    pub fn token(self) -> String {
        match self {
            Step::Reach(c) => format!("c{}", c.value()),
            Step::Widen(s) => s.token().to_string(),
        }
    }

    /// Parses a step key.
    pub fn parse(text: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.token() == text)
    }

    /// The steps that lead from `current` to `target`, lowest first (none for a measure already
    /// at or above target).
    pub fn between(current: Level, target: Level) -> Vec<Step> {
        let reach = Comprehensiveness::ALL
            .into_iter()
            .filter(|c| *c > current.comprehensiveness && *c <= target.comprehensiveness)
            .map(Step::Reach);
        let widen = Scope::ALL
            .into_iter()
            .filter(|s| *s > current.scope && *s <= target.scope)
            .map(Step::Widen);
        reach.chain(widen).collect()
    }

    /// Whether a practice at `level` has already taken this step.
    pub fn done_at(self, level: Level) -> bool {
        match self {
            Step::Reach(c) => level.comprehensiveness >= c,
            Step::Widen(s) => level.scope >= s,
        }
    }

    /// The step before it in the same practice, which must come first.
    pub fn previous(self) -> Option<Step> {
        match self {
            Step::Reach(c) => Comprehensiveness::from_value(u64::from(c.value()) - 1)
                .filter(|p| *p > Comprehensiveness::None)
                .map(Step::Reach),
            // A practice must exist before it is tailored to a sector.
            Step::Widen(Scope::Industry) => Some(Step::Reach(Comprehensiveness::Minimum)),
            Step::Widen(Scope::System) => Some(Step::Widen(Scope::Industry)),
            Step::Widen(Scope::General) => None,
        }
    }

    /// A phrase for tables: `to 3 (consistent)`, `to system scope`.
    pub fn describe(self) -> String {
        match self {
            Step::Reach(c) => format!("to {} ({})", c.value(), c.token()),
            Step::Widen(s) => format!("to {} scope", s.token()),
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.token())
    }
}

/// An action's id: `practice/step`, e.g. `patch-management/c3`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ActionId {
    /// The practice it raises.
    pub practice: PracticeId,
    /// The step it takes.
    pub step: Step,
}

impl ActionId {
    /// The id of `practice`'s `step`.
    pub fn new(practice: PracticeId, step: Step) -> Self {
        ActionId { practice, step }
    }

    /// Parses `practice/step` (the practice is not checked against a catalog here).
    pub fn parse(text: &str) -> Option<ActionId> {
        let (practice, step) = text.split_once('/')?;
        Some(ActionId::new(PracticeId::new(practice), Step::parse(step)?))
    }
}

impl fmt::Display for ActionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.practice, self.step)
    }
}

impl Serialize for ActionId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl schemars::JsonSchema for ActionId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ActionId".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "An action: `practice/step`, e.g. `patch-management/c3`.",
            "type": "string",
            "pattern": "^[^/]+/[^/]+$"
        })
    }
}

/// Staff effort in tenths of a person-day, so sums and comparisons are exact.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Effort(u32);

impl Effort {
    /// The largest effort one action may have: ten person-years.
    pub const MAX_DAYS: f64 = 2500.0;

    /// From person-days, rounded to a tenth; `None` unless positive, finite and at most
    /// [`Effort::MAX_DAYS`].
    pub fn from_days(days: f64) -> Option<Effort> {
        if days.is_finite() && days > 0.0 && days <= Self::MAX_DAYS {
            // In range by the check above, so the cast cannot truncate.
            Some(Effort(((days * 10.0).round() as u32).max(1)))
        } else {
            None
        }
    }

    /// From tenths of a person-day.
    pub fn from_tenths(tenths: u32) -> Effort {
        Effort(tenths)
    }

    /// Tenths of a person-day.
    pub fn tenths(self) -> u32 {
        self.0
    }

    /// Person-days.
    pub fn days(self) -> f64 {
        f64::from(self.0) / 10.0
    }

    /// The sum, saturating.
    pub fn plus(self, other: Effort) -> Effort {
        Effort(self.0.saturating_add(other.0))
    }
}

impl fmt::Display for Effort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_multiple_of(10) {
            write!(f, "{}", self.0 / 10)
        } else {
            write!(f, "{}.{}", self.0 / 10, self.0 % 10)
        }
    }
}

impl Serialize for Effort {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.days())
    }
}

impl schemars::JsonSchema for Effort {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Effort".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Staff effort in person-days, to a tenth of a day (an action takes more than none; a total may be none).",
            "type": "number",
            "minimum": 0
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(c: u64, s: Scope) -> Level {
        Level::new(Comprehensiveness::from_value(c).expect("level 0-4"), s)
    }

    #[test]
    fn steps_between_levels_cover_both_measures_in_order() {
        let steps = Step::between(level(1, Scope::General), level(3, Scope::System));
        let tokens: Vec<String> = steps.iter().map(|s| s.token()).collect();
        assert_eq!(tokens, ["c2", "c3", "industry", "system"]);
        assert!(Step::between(level(3, Scope::System), level(2, Scope::Industry)).is_empty());
    }

    #[test]
    fn each_step_names_the_one_before_it() {
        assert_eq!(Step::parse("c1").and_then(Step::previous), None);
        assert_eq!(
            Step::parse("c4").and_then(Step::previous),
            Step::parse("c3")
        );
        assert_eq!(
            Step::parse("industry").and_then(Step::previous),
            Step::parse("c1")
        );
        assert_eq!(
            Step::parse("system").and_then(Step::previous),
            Step::parse("industry")
        );
    }

    #[test]
    fn action_ids_round_trip_and_refuse_unknown_steps() {
        let id = ActionId::parse("patch-management/c3").expect("valid");
        assert_eq!(id.to_string(), "patch-management/c3");
        assert!(ActionId::parse("patch-management/c5").is_none());
        assert!(ActionId::parse("patch-management").is_none());
    }

    #[test]
    fn efforts_are_exact_tenths_and_bounded() {
        assert_eq!(Effort::from_days(2.5).map(|e| e.tenths()), Some(25));
        assert_eq!(Effort::from_days(0.0), None);
        assert_eq!(Effort::from_days(-1.0), None);
        assert_eq!(Effort::from_days(f64::NAN), None);
        assert_eq!(Effort::from_days(1e9), None);
        assert_eq!(Effort::from_tenths(25).to_string(), "2.5");
        assert_eq!(Effort::from_tenths(30).to_string(), "3");
    }
}
