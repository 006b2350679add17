//! Who answers for what and who pays, as a report shows them: the target's stakeholders, its
//! practices grouped by responsible party and by cost bearer, each goal's deadline and budget,
//! and the approval of the version.
//!
//! The model wants incentives visible to each party; a reader finds here, per stakeholder, the
//! practices it must carry out and the ones it pays for.

use smm_core::resolve::{GivenApproval, ResolvedDomain};
use smm_core::ResolvedTarget;

use crate::roadmap::money;

/// A stakeholder as listed: name, role, the id the target uses.
pub struct StakeholderRow {
    /// Its name, or its id when the target gives none.
    pub name: String,
    /// Its role in words.
    pub role: String,
    /// The id the target uses for it.
    pub id: String,
}

/// One party's practices.
pub struct PartyRow {
    /// The party, `name (role)`, or `not named`.
    pub party: String,
    /// Its practices, `name (level)`, in catalog order.
    pub practices: Vec<String>,
}

/// The practices grouped one way.
pub struct PartyGroup {
    /// `Responsible party` or `Cost bearer`.
    pub title: &'static str,
    /// One row per party with practices.
    pub rows: Vec<PartyRow>,
}

/// The target's stakeholders, in the order written.
pub fn stakeholders(target: &ResolvedTarget) -> Vec<StakeholderRow> {
    target
        .stakeholders
        .iter()
        .map(|s| StakeholderRow {
            name: s.name.clone(),
            role: s.role.words().to_string(),
            id: s.id.clone(),
        })
        .collect()
}

/// The practices by responsible party and by cost bearer; empty when the target names neither.
pub fn groups(target: &ResolvedTarget) -> Vec<PartyGroup> {
    let by = |title: &'static str,
              pick: fn(&smm_core::resolve::ResolvedPractice) -> Option<&str>| {
        if target.practices.iter().all(|p| pick(p).is_none()) {
            return None;
        }
        let row = |id: Option<&str>| {
            let practices: Vec<String> = target
                .practices
                .iter()
                .filter(|p| pick(p) == id)
                .map(|p| format!("{} ({})", p.name, p.level()))
                .collect();
            let party = match id.and_then(|id| target.stakeholder(id)) {
                Some(s) => format!("{} ({})", s.name, s.role.words()),
                None => "not named".to_string(),
            };
            PartyRow { party, practices }
        };
        let rows = target
            .stakeholders
            .iter()
            .map(|s| row(Some(s.id.as_str())))
            .chain(std::iter::once(row(None)))
            .filter(|r| !r.practices.is_empty())
            .collect();
        Some(PartyGroup { title, rows })
    };
    [
        by("Responsible party", |p| p.responsible.as_deref()),
        by("Cost bearer", |p| p.cost_bearer.as_deref()),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// A goal's deadline and budget in words (`due 2027-06-30; budget EUR 60,000`); empty without.
pub fn goal_plan(domain: &ResolvedDomain) -> String {
    let mut parts = Vec::new();
    if let Some(deadline) = domain.deadline {
        parts.push(format!("due {deadline}"));
    }
    if let Some(budget) = &domain.budget {
        parts.push(format!(
            "budget {}",
            money(budget.amount, &budget.currency.value)
        ));
    }
    parts.join("; ")
}

/// The approval in one sentence, or that there is none.
pub fn approval(target: &ResolvedTarget) -> String {
    approval_words(target.approval.as_ref())
}

/// An approval in one sentence, or that there is none.
pub fn approval_words(approval: Option<&GivenApproval>) -> String {
    match approval {
        Some(a) => format!("approved by {} on {}: {}", a.by, a.date, a.statement),
        None => "not approved".to_string(),
    }
}
