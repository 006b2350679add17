//! The five-step interview of setting a target, as pure logic.
//!
//! Terminal prompts and answers files are two doors onto the same engine: both fill in
//! [`Answers`], and [`build_profile`] turns answers (with an optional template) into an ordinary
//! [`TargetProfile`](crate::TargetProfile). Unanswered questions take the suggested defaults:
//! goal options from the catalog, raised by the factors of step 2 ([`suggest`]), with every
//! reason written into the profile as a rationale.

mod answers;
mod build;
mod suggest;

pub use answers::{parse_answers, Answers, Decision, GoalAnswer, Remaining, Step, Take};
pub use build::{build_profile, Built};
pub use suggest::{default_goal_option, factor_moves, Move, MoveTarget};
