//! The levels a simulation runs on: a current profile, a target, or a step of a roadmap.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::actions::Step;
use crate::compare::ProfileView;
use crate::id::PracticeId;
use crate::level::{Comprehensiveness, Level, Scope};

/// A name and a level for each practice; practices not named are at 0 (none), general.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ProfileLevels {
    /// What the figures are for: `current`, `target`, `after step 3`.
    pub name: String,
    levels: BTreeMap<PracticeId, Level>,
}

impl ProfileLevels {
    /// Levels built from pairs.
    pub fn new(
        name: impl Into<String>,
        levels: impl IntoIterator<Item = (PracticeId, Level)>,
    ) -> ProfileLevels {
        ProfileLevels {
            name: name.into(),
            levels: levels.into_iter().collect(),
        }
    }

    /// The levels of a target or an assessment.
    pub fn of_view(view: &ProfileView) -> ProfileLevels {
        ProfileLevels::new(
            view.name.clone(),
            view.practices.iter().map(|p| (p.id.clone(), p.level)),
        )
    }

    /// The same levels under another name.
    pub fn named(mut self, name: impl Into<String>) -> ProfileLevels {
        self.name = name.into();
        self
    }

    /// The level of `practice`.
    pub fn level(&self, practice: &str) -> Level {
        self.levels
            .get(&PracticeId::new(practice))
            .copied()
            .unwrap_or(Level::new(Comprehensiveness::None, Scope::General))
    }

    /// Sets the level of `practice`.
    pub fn set(&mut self, practice: PracticeId, level: Level) {
        self.levels.insert(practice, level);
    }

    /// Whether the profile has taken `step` of `practice`, so its effect counts.
    ///
    /// A practice at 0 is not carried out, so a scope written beside it protects nothing.
    pub fn has_taken(&self, practice: &str, step: Step) -> bool {
        let level = self.level(practice);
        level.comprehensiveness > Comprehensiveness::None && step.done_at(level)
    }

    /// These levels raised to `target` wherever it asks more, measure by measure, and kept where
    /// they are already above it: what a roadmap from this profile to `target` reaches. A
    /// target below the assessment on some practice does not take that protection away, so
    /// "what the plan buys" is this profile, not `target` alone.
    pub fn raised_to(&self, target: &ProfileLevels) -> ProfileLevels {
        let mut raised = self.clone();
        for (practice, wanted) in &target.levels {
            let level = raised
                .levels
                .entry(practice.clone())
                .or_insert(Level::new(Comprehensiveness::None, Scope::General));
            level.comprehensiveness = level.comprehensiveness.max(wanted.comprehensiveness);
            level.scope = level.scope.max(wanted.scope);
        }
        raised.name = target.name.clone();
        raised
    }

    /// The profile with `step` of `practice` taken: comprehensiveness raised to the step's level,
    /// or the scope widened (to at least 1 / minimum, since a scope needs a practice). Steps
    /// below it that the new level implies are taken too.
    pub fn with_step(&self, practice: &PracticeId, step: Step) -> ProfileLevels {
        let mut raised = self.clone();
        let mut level = self.level(practice.as_str());
        match step {
            Step::Reach(c) => level.comprehensiveness = level.comprehensiveness.max(c),
            Step::Widen(s) => {
                level.scope = level.scope.max(s);
                level.comprehensiveness = level.comprehensiveness.max(Comprehensiveness::Minimum);
            }
        }
        raised.levels.insert(practice.clone(), level);
        raised.name = format!("{} + {practice}/{step}", self.name);
        raised
    }
}
