//! Consistency rules: the "expect error" part of the nudge.
//!
//! A target can be locally reasonable and globally inconsistent: a demanding hardening goal with
//! patching left at minimum, a response plan that outruns the monitoring it depends on. Rules are
//! data in the catalog (what they check, why, what to do); they are compiled and checked when the
//! catalog loads ([`compile`]), and evaluated on every resolved target ([`check_rules`]). A
//! profile may accept a rule with a reason; it is then reported as accepted, never hidden.

mod compile;
mod eval;
mod stale;

use serde::{Deserialize, Serialize};

use crate::id::PracticeId;
use crate::located::Located;

pub use compile::{compile, CompiledRule};
pub use eval::check_rules;
pub use stale::stale_acceptances;

/// A rule as written in the catalog.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Rule {
    /// Stable id, e.g. `hardening-needs-patching`.
    pub id: Located<String>,
    /// One line: what is inconsistent.
    pub title: String,
    /// `practice` to check every practice in turn; conditions then say `this`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub for_each: Option<ForEach>,
    /// When the rule applies: all of these hold (always, when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub when: Vec<Condition>,
    /// What must then hold; the rule fires when any of these does not.
    pub require: Vec<Condition>,
    /// Why the combination is inconsistent.
    pub why: String,
    /// What to do about it.
    pub fix: String,
}

/// What a rule iterates over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ForEach {
    /// Every practice of the catalog.
    Practice,
}

/// One condition: exactly one subject, and tests on it.
///
/// Subjects: `practice` (an id, or `this`), `goal` (a domain id, or `this` for the domain of the
/// practice in hand), `role`, `factor`, `any-practice` (some practice satisfies the inner
/// condition, which says `this`), `any` (one of several conditions holds).
#[derive(Clone, Debug, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Condition {
    /// A practice id, or `this`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub practice: Option<Located<String>>,
    /// A domain id whose goal is tested, or `this`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal: Option<Located<String>>,
    /// The stakeholder role is one of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Vec<crate::document::StakeholderRole>>,
    /// A factor of this kind is recorded (with `impact`, at that impact).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factor: Option<crate::document::FactorKind>,
    /// Some practice satisfies this condition (written with `practice: this`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any_practice: Option<Box<Condition>>,
    /// At least one of these conditions holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any: Option<Vec<Condition>>,
    /// Test on the subject's comprehensiveness.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comprehensiveness: Option<Compare>,
    /// Test on the subject's scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Compare>,
    /// Test on a factor's impact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<Compare>,
    /// The practice has (true) or lacks (false) a rationale of its own: an override or
    /// confirmation on the practice itself, not one inherited from its subdomain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_own_rationale: Option<bool>,
}

/// A comparison: exactly one operator.
#[derive(Clone, Debug, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Compare {
    /// `>=`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<Operand>,
    /// `<=`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_most: Option<Operand>,
    /// `>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub above: Option<Operand>,
    /// `<`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below: Option<Operand>,
    /// `==`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<Operand>,
}

/// What a level is compared with: a literal, another practice's value, or a domain goal.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Operand {
    /// A comprehensiveness number.
    Number(u64),
    /// A level, scope or impact name.
    Name(String),
    /// The same measure of another practice (`{practice: monitoring}`).
    Practice {
        /// Practice id, or `this`.
        practice: String,
    },
    /// The same measure of a domain's goal, plus an offset (`{goal: this, offset: -2}`).
    Goal {
        /// Domain id, or `this`.
        goal: String,
        /// Added to the goal's value (levels for comprehensiveness, ranks for scope).
        #[serde(default)]
        offset: i64,
    },
}

const OPERAND_EXPECTED: &str =
    "expected a level (a number or a name), {practice: ID} or {goal: ID, offset: N}";

impl<'de> Deserialize<'de> for Operand {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = serde_json::Value::deserialize(deserializer)?;
        let fail = |detail: String| D::Error::custom(format!("{detail}: {OPERAND_EXPECTED}"));
        match value {
            serde_json::Value::Number(n) => n
                .as_u64()
                .map(Operand::Number)
                .ok_or_else(|| fail(format!("`{n}` is not a level"))),
            serde_json::Value::String(name) => Ok(Operand::Name(name)),
            serde_json::Value::Object(map) => {
                let text = |key: &str| map.get(key).and_then(|v| v.as_str()).map(str::to_string);
                let unknown: Vec<&String> = map
                    .keys()
                    .filter(|k| !["practice", "goal", "offset"].contains(&k.as_str()))
                    .collect();
                if let Some(key) = unknown.first() {
                    return Err(fail(format!("unknown key `{key}`")));
                }
                match (text("practice"), text("goal")) {
                    (Some(practice), None) if map.len() == 1 => Ok(Operand::Practice { practice }),
                    (None, Some(goal)) => {
                        let offset = match map.get("offset") {
                            None => 0,
                            Some(v) => v
                                .as_i64()
                                .ok_or_else(|| fail("`offset` must be a whole number".into()))?,
                        };
                        Ok(Operand::Goal { goal, offset })
                    }
                    _ => Err(fail(
                        "a comparison value names one practice or one goal".into(),
                    )),
                }
            }
            other => Err(fail(format!("`{other}` is not a comparison value"))),
        }
    }
}

/// A rule that fired on a target.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct RuleFinding {
    /// The rule's id.
    pub rule: String,
    /// The rule's title.
    pub title: String,
    /// The practices involved.
    pub practices: Vec<PracticeId>,
    /// Why the rule applies here: its `when` conditions as found.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub because: Vec<String>,
    /// What exactly does not hold, with the values.
    pub details: Vec<String>,
    /// Why it matters (from the rule).
    pub why: String,
    /// What to do (from the rule).
    pub fix: String,
    /// The profile's reason for accepting it, if it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted: Option<String>,
}
