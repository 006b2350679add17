//! The answers document: what someone answered so far (a draft) or all at once (a script).

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostics;
use crate::document::{Acceptance, Date, Factor, Stakeholder, StakeholderRole};
use crate::header::{parse_kind, FormatVersion, Kind};
use crate::level::{Comprehensiveness, Scope};
use crate::located::{Entries, Located};

/// The `kind` value of an answers document.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
pub enum AnswersKind {
    /// The only value.
    #[default]
    Answers,
}

/// Where an interview stands; a draft resumes at its step.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    /// Step 1: background, role, the system of interest.
    #[default]
    Background,
    /// Step 2: factors.
    Factors,
    /// Step 3: a goal per domain.
    Goals,
    /// Step 4: needs per subdomain.
    Subdomains,
    /// Step 5: purpose per practice.
    Practices,
    /// Every step answered.
    Done,
}

impl Step {
    /// The step after this one.
    pub fn next(self) -> Step {
        match self {
            Step::Background => Step::Factors,
            Step::Factors => Step::Goals,
            Step::Goals => Step::Subdomains,
            Step::Subdomains => Step::Practices,
            Step::Practices | Step::Done => Step::Done,
        }
    }

    /// The step before this one.
    pub fn previous(self) -> Step {
        match self {
            Step::Background | Step::Factors => Step::Background,
            Step::Goals => Step::Factors,
            Step::Subdomains => Step::Goals,
            Step::Practices => Step::Subdomains,
            Step::Done => Step::Practices,
        }
    }
}

/// What unanswered subdomain and practice questions take.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Remaining {
    /// The suggestion (template values and factor floors), recorded with their reasons.
    #[default]
    Accept,
    /// The plain inherited value from the level above, with no entry.
    Inherit,
}

/// Everything answered, in the order of the five steps.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Answers {
    /// Document format version: 1.
    pub smm: FormatVersion,
    /// Always `Answers`.
    pub kind: AnswersKind,
    /// Where a draft stopped.
    #[serde(default)]
    pub step: Step,
    /// The template it starts from (a built-in name or a path).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// Profile name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Profile version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// System of interest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// Stakeholder role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<StakeholderRole>,
    /// Authors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// Date agreed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    /// Step 1 text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background: Option<String>,
    /// Step 2 factors (a template's when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub factors: Vec<Factor>,
    /// Step 3 goals by domain id.
    #[serde(default, skip_serializing_if = "Entries::is_empty")]
    pub goals: Entries<GoalAnswer>,
    /// Step 4 decisions by subdomain id.
    #[serde(default, skip_serializing_if = "Entries::is_empty")]
    pub subdomains: Entries<Decision>,
    /// Step 5 decisions by practice id.
    #[serde(default, skip_serializing_if = "Entries::is_empty")]
    pub practices: Entries<Decision>,
    /// What unanswered subdomains and practices take.
    #[serde(default)]
    pub remaining: Remaining,
    /// Step 4, optional: the parties with a stake in the system, by a short id.
    #[serde(default, skip_serializing_if = "Entries::is_empty")]
    pub stakeholders: Entries<Stakeholder>,
    /// Step 4, optional: who is responsible and who pays, by domain, subdomain or practice id;
    /// a domain's answer is the default of everything under it.
    #[serde(default, skip_serializing_if = "Entries::is_empty")]
    pub responsibility: Entries<Assignment>,
    /// Rules accepted with a reason.
    #[serde(default, skip_serializing_if = "Entries::is_empty")]
    pub accepted_rules: Entries<Acceptance>,
    /// Standards the target must address (ids of mappings, see `smm map --list`): practices
    /// below what their clauses need are raised when the profile is built.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub standards: Vec<Located<String>>,
    /// Which of the standards' clauses count.
    #[serde(default, skip_serializing_if = "is_all")]
    pub standard_clauses: StandardClauses,
}

/// Which clauses of a standard a target must address.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum StandardClauses {
    /// Every clause, recommended ones included.
    #[default]
    All,
    /// Mandatory and conditional clauses only.
    Mandatory,
}

impl StandardClauses {
    /// The obligations left out.
    pub fn skipped(self) -> &'static [crate::mapping::Obligation] {
        match self {
            StandardClauses::All => &[],
            StandardClauses::Mandatory => &[crate::mapping::Obligation::Recommended],
        }
    }
}

fn is_all(c: &StandardClauses) -> bool {
    *c == StandardClauses::All
}

/// A goal answer: a catalog option, explicit values, or both (explicit values win).
/// Empty means "take the suggestion".
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalAnswer {
    /// A goal option id of the domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option: Option<Located<String>>,
    /// The goal in the author's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
    /// Comprehensiveness.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comprehensiveness: Option<Located<Comprehensiveness>>,
    /// Scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Located<Scope>>,
}

/// What to take for a subdomain or practice without giving values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Take {
    /// The suggestion.
    Accept,
    /// The inherited value, with no entry.
    Inherit,
}

/// A decision on a subdomain or practice: `take` a default, or give an override (levels and/or a
/// rationale; a rationale alone confirms the inherited value).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// Take the suggestion or the inherited value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub take: Option<Take>,
    /// New comprehensiveness.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comprehensiveness: Option<Located<Comprehensiveness>>,
    /// New scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Located<Scope>>,
    /// Why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rationale: Option<Located<String>>,
}

impl Decision {
    /// An override that sets `comprehensiveness` and/or `scope` (either may be left to the level
    /// above) and says why. At level 0 the scope is left out: a practice that is not carried out
    /// has nothing to tailor.
    pub fn levels(
        comprehensiveness: Option<Comprehensiveness>,
        scope: Option<Scope>,
        rationale: &str,
    ) -> Decision {
        let scope = scope.filter(|_| comprehensiveness.is_none_or(Comprehensiveness::takes_scope));
        let rationale = rationale.trim();
        Decision {
            take: None,
            comprehensiveness: comprehensiveness.map(Located::new),
            scope: scope.map(Located::new),
            rationale: (!rationale.is_empty()).then(|| Located::new(rationale.to_string())),
        }
    }
}

impl GoalAnswer {
    /// A goal answered with a catalog option, and the scope chosen beside it. The two measures
    /// are independent: an option states how thoroughly the domain is handled, and its scope is
    /// only the usual one, so any scope may go with it (4 / Industry, common in regulated sectors,
    /// as much as 4 / System). The scope is written only when it differs from the option's.
    pub fn option(option: &crate::catalog::GoalOption, scope: Option<Scope>) -> GoalAnswer {
        GoalAnswer {
            option: Some(Located::new(option.id.value.clone())),
            statement: None,
            comprehensiveness: None,
            scope: scope.filter(|s| *s != option.scope).map(Located::new),
        }
    }
}

/// Who is responsible for a domain, subdomain or practice, and who bears its cost: stakeholder
/// ids from [`Answers::stakeholders`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Assignment {
    /// The responsible stakeholder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsible: Option<Located<String>>,
    /// The stakeholder who pays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_bearer: Option<Located<String>>,
}

/// Parses an answers document (or a draft).
pub fn parse_answers(source: &str) -> Result<Answers, Diagnostics> {
    parse_kind(source, Kind::Answers)
}
