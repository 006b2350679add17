//! The catalog's guidance for setting a target: goal options per domain and how the factors of
//! step 2 move the suggested defaults.
//!
//! This is the "good defaults" half of the nudge, as data: a business person picks a goal
//! statement in plain words and gets a level; a factor such as "an attack could hurt someone"
//! raises the suggestions it concerns, and the interview says which factor moved which value.

use serde::{Deserialize, Serialize};

use crate::document::{FactorKind, Impact};
use crate::level::{Comprehensiveness, Scope};
use crate::located::Located;

/// A plain-language goal for a domain, the question that leads to it, and the default it sets.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalOption {
    /// Stable within its domain, e.g. `industry-norms`.
    pub id: Located<String>,
    /// The goal, as a business person would say it.
    pub statement: String,
    /// The question whose "yes" leads to this goal.
    pub question: String,
    /// The default comprehensiveness it sets.
    pub comprehensiveness: Comprehensiveness,
    /// The default scope it sets.
    pub scope: Scope,
}

/// How one kind of factor moves the suggested defaults.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FactorGuide {
    /// The factor kind.
    pub kind: FactorKind,
    /// The question step 2 asks about it.
    pub question: String,
    /// What it changes, by impact.
    #[serde(default)]
    pub adjustments: Vec<Adjustment>,
}

/// A minimum that a factor of at least some impact puts on a domain goal, subdomain or practice.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Adjustment {
    /// Applies when the factor's impact is at least this.
    pub when_impact: Impact,
    /// What it applies to.
    pub applies_to: AdjustmentTarget,
    /// The suggested value is raised to at least this.
    pub at_least: Minimum,
    /// Why, shown next to the moved value.
    pub reason: String,
    /// Where the floor comes from (a seed of the model, a standard, or our reasoning), so a
    /// default that pushes a target up can always be traced and challenged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// Exactly one of a domain (its goal), a subdomain or a practice.
#[derive(Clone, Debug, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdjustmentTarget {
    /// A domain id: the goal's suggested level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<Located<String>>,
    /// A subdomain id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subdomain: Option<Located<String>>,
    /// A practice id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub practice: Option<Located<String>>,
}

/// A floor on one or both measures.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Minimum {
    /// Comprehensiveness floor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comprehensiveness: Option<Comprehensiveness>,
    /// Scope floor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
}
