//! The answer of a comparison in one line: how many practices of A profile B covers, and where
//! it falls short, with the levels.

use serde::Serialize;

use super::{ComparedProfile, PracticeComparison};
use crate::gap::Status;
use crate::id::PracticeId;
use crate::level::Level;

/// A practice of A that B does not cover.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Shortfall {
    /// Practice id.
    pub id: PracticeId,
    /// A's level.
    pub a: Level,
    /// B's level.
    pub b: Level,
}

impl Shortfall {
    /// `threat-modeling (2/industry < 3/industry)`, or with mixed measures
    /// `patch-management (3/general vs 2/industry: scope short)`.
    pub fn describe(&self) -> String {
        let words = |l: Level| format!("{}/{}", l.comprehensiveness, l.scope.token());
        let c_short = self.b.comprehensiveness < self.a.comprehensiveness;
        let s_short = self.b.scope < self.a.scope;
        let c_above = self.b.comprehensiveness > self.a.comprehensiveness;
        let s_above = self.b.scope > self.a.scope;
        if c_above || s_above {
            let which = match (c_short, s_short) {
                (true, _) => ": comprehensiveness short",
                (false, true) => ": scope short",
                (false, false) => "",
            };
            format!(
                "{} ({} vs {}{which})",
                self.id,
                words(self.b),
                words(self.a)
            )
        } else {
            format!("{} ({} < {})", self.id, words(self.b), words(self.a))
        }
    }
}

/// The answer in one line, and the data behind it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Verdict {
    /// Practices of A that B covers.
    pub covered: usize,
    /// Practices compared.
    pub total: usize,
    /// Practices where B is above A and nowhere below (covered with room to spare).
    pub above: usize,
    /// What B does not cover, in catalog order.
    pub short: Vec<Shortfall>,
    /// The verdict as a sentence, naming both profiles.
    pub text: String,
}

/// The verdict over the compared practices, naming both profiles.
pub(super) fn verdict(
    a: &ComparedProfile,
    b: &ComparedProfile,
    practices: &[PracticeComparison],
) -> Verdict {
    let short: Vec<Shortfall> = practices
        .iter()
        .filter(|p| !p.covered)
        .map(|p| Shortfall {
            id: p.id.clone(),
            a: p.a,
            b: p.b,
        })
        .collect();
    let total = practices.len();
    let covered = total - short.len();
    let above = practices
        .iter()
        .filter(|p| p.status == Status::Over)
        .count();
    let text = if short.is_empty() {
        let room = match above {
            0 => String::new(),
            1 => "; it is above on 1 of them".to_string(),
            n => format!("; it is above on {n} of them"),
        };
        let all = if total == 1 {
            "the one practice".to_string()
        } else {
            format!("all {total} practices")
        };
        format!("{} covers {all} of {}{room}", b.label(), a.label())
    } else {
        let list: Vec<String> = short.iter().map(Shortfall::describe).collect();
        format!(
            "{} covers {covered} of {total} practices of {}; falls short on {}",
            b.label(),
            a.label(),
            list.join(", ")
        )
    };
    Verdict {
        covered,
        total,
        above,
        short,
        text,
    }
}
