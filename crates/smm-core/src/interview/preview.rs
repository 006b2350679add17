//! The consequences of the answers so far, shown after every change: the resolved target (its
//! roll-ups) and the consistency rules that fire.

use super::answers::Answers;
use super::build::build_profile;
use crate::catalog::Catalog;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::document::{Date, StakeholderRole, Template};
use crate::resolve::{resolve, ResolvedTarget};
use crate::rules::{check_rules, stale_acceptances, RuleFinding};

/// The target the answers lead to so far, and what the rules say about it.
#[derive(Clone, Debug)]
pub struct Preview {
    /// The target as it stands.
    pub target: ResolvedTarget,
    /// Every rule that fires, accepted or not.
    pub findings: Vec<RuleFinding>,
    /// Accepted rules that no longer fire: the acceptance can be removed.
    pub stale: Vec<Diagnostic>,
}

impl Preview {
    /// The findings not yet accepted with a reason.
    pub fn warnings(&self) -> impl Iterator<Item = &RuleFinding> {
        self.findings.iter().filter(|f| f.accepted.is_none())
    }
}

/// Builds and checks the target the answers lead to so far. What step 1 has not said yet (name,
/// system, role, date) does not change any level, so placeholders stand in for it and the
/// consequences show from the first step on.
pub fn preview(
    catalog: &Catalog,
    template: Option<&Template>,
    answers: &Answers,
) -> Result<Preview, Diagnostics> {
    let mut probe = answers.clone();
    for value in [&mut probe.name, &mut probe.system] {
        if value.as_deref().is_none_or(|s| s.trim().is_empty()) {
            *value = Some("draft".to_string());
        }
    }
    if probe.role.is_none() && template.and_then(|t| t.role).is_none() {
        probe.role = Some(StakeholderRole::Operator);
    }
    if probe.date.is_none() {
        probe.date = Date::parse("2000-01-01");
    }
    let built = build_profile(catalog, template, &probe)?;
    let target = resolve(catalog, &built.profile)?;
    let findings = check_rules(catalog, &target);
    let stale = stale_acceptances(catalog, &built.profile, &findings);
    Ok(Preview {
        target,
        findings,
        stale,
    })
}
