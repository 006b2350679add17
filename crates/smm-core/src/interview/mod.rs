//! The five-step interview of setting a target, as pure logic.
//!
//! Terminal prompts, answers files and the web wizard are doors onto the same engine: all fill
//! in [`Answers`], and [`build_profile`] turns answers (with an optional template) into an
//! ordinary [`TargetProfile`](crate::TargetProfile). Unanswered questions take the suggested
//! defaults: goal options from the catalog, raised by the factors of step 2 ((`suggest`)), with
//! every reason written into the profile as a rationale.
//!
//! What each step offers and shows as chosen is decided here too, so the doors cannot disagree:
//! [`suggest_goal`] and [`suggest_decision`] (what leaving a question alone gives),
//! [`goal_pick`] and [`decision_pick`] (which choice the answers made), the editing functions of
//! ([`set_entry`], [`Answers::set_factor`], [`DecisionSuggestion::set`]),
//! and [`preview`] (roll-ups and rule warnings after each change).
//!
//! # Editing
//! Entries keep the order in which they were first given, and factors start from those in
//! effect, so answering one question never reorders or drops another.

mod answers;
mod assign;
mod build;
mod edit;
mod preview;
mod suggest;

pub use answers::{
    parse_answers, Answers, Assignment, Decision, GoalAnswer, Remaining, StandardClauses, Step,
    Take,
};
pub use assign::{parts_to_assign, Part};
pub use build::{build_profile, build_profile_with, Built};
pub use edit::{
    decision_pick, entry, goal_option_scope, goal_pick, remove_entry, set_entry, DecisionKind,
    DecisionPick, GoalPick,
};
pub use preview::{preview, Preview};
pub use suggest::{
    default_goal_option, factor_moves, factors_in_effect, goal_of, suggest_decision, suggest_goal,
    suggested_role, DecisionSuggestion, GoalSuggestion, Move, MoveTarget,
};
