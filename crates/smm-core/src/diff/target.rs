//! The diff of two target profiles: resolved levels per goal, subdomain and practice.
//!
//! Targets are compared after resolution, because what a target promises is the resolved level:
//! moving an override from a practice to its subdomain changes the document but not the promise,
//! and a goal lowered under a practice override changes the goal but not that practice.

use serde::Serialize;

use super::{Change, Direction, LevelChange};
use crate::digest::content_digest;
use crate::document::{Date, GoalBudget, TargetProfile};
use crate::level::Level;
use crate::resolve::{GivenApproval, ResolvedTarget};

/// Which target one side of the diff is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct TargetSide {
    /// Profile name.
    pub name: String,
    /// Profile version, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// When it was agreed.
    pub date: String,
    /// Its content digest.
    pub digest: String,
}

/// What one target's `supersedes` record says about the other target of the diff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "record", rename_all = "kebab-case")]
pub enum Supersession {
    /// It records no `supersedes`.
    None,
    /// It names the other target, by the other's digest.
    Matches {
        /// The version it names.
        version: String,
        /// Why the profile changed.
        reason: String,
    },
    /// It names something else: another version, or a digest the other target does not have.
    Other {
        /// The version it names.
        version: String,
        /// The digest it names.
        sha256: String,
        /// Why the profile changed.
        reason: String,
    },
}

impl Supersession {
    fn of(target: &TargetProfile, other_digest: &str) -> Supersession {
        match &target.supersedes {
            None => Supersession::None,
            Some(s) if s.sha256.value == other_digest => Supersession::Matches {
                version: s.version.value.clone(),
                reason: s.reason.value.trim().to_string(),
            },
            Some(s) => Supersession::Other {
                version: s.version.value.clone(),
                sha256: s.sha256.value.clone(),
                reason: s.reason.value.trim().to_string(),
            },
        }
    }

    /// Whether the record names the other target by its digest.
    pub fn matches(&self) -> bool {
        matches!(self, Supersession::Matches { .. })
    }
}

/// A goal, subdomain or practice whose resolved level moved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ItemDiff {
    /// Domain, subdomain or practice id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// How the level moved.
    #[serde(flatten)]
    pub change: LevelChange,
    /// Whether some measure went down: a promise the newer target no longer makes.
    pub lowered: bool,
    /// The reason written for it (an override's rationale; a goal's statement), when it differs
    /// (empty for none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rationale: Option<Change<String>>,
}

impl ItemDiff {
    fn between(
        id: &str,
        name: &str,
        (from, from_why): (Level, Option<&str>),
        (to, to_why): (Level, Option<&str>),
    ) -> Option<ItemDiff> {
        let change = LevelChange::between(from, to)?;
        Some(ItemDiff {
            id: id.to_string(),
            name: name.to_string(),
            lowered: change.lowers(),
            change,
            rationale: Change::between(
                from_why.unwrap_or_default().trim().to_string(),
                to_why.unwrap_or_default().trim().to_string(),
            ),
        })
    }

    fn mirror(&self) -> ItemDiff {
        let change = self.change.mirror();
        ItemDiff {
            id: self.id.clone(),
            name: self.name.clone(),
            lowered: change.lowers(),
            change,
            rationale: self.rationale.as_ref().map(Change::mirror),
        }
    }
}

/// A practice whose responsible party or cost bearer changed: stakeholder ids as resolved (a
/// goal's or subdomain's flowing down), empty for none. Who answers for a practice and who pays
/// for it is part of what a target agrees, so a change there is a difference like a level's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PartyDiff {
    /// Practice id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The responsible stakeholder, when it changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub responsible: Option<Change<String>>,
    /// The stakeholder who pays, when it changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_bearer: Option<Change<String>>,
}

impl PartyDiff {
    fn mirror(&self) -> PartyDiff {
        PartyDiff {
            id: self.id.clone(),
            name: self.name.clone(),
            responsible: self.responsible.as_ref().map(Change::mirror),
            cost_bearer: self.cost_bearer.as_ref().map(Change::mirror),
        }
    }
}

/// A goal whose deadline or budget changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct GoalPlanDiff {
    /// Domain id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The deadline, when it changed (`null` for none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Change<Option<Date>>>,
    /// The budget, when it changed (`null` for none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget: Option<Change<Option<GoalBudget>>>,
}

impl GoalPlanDiff {
    fn mirror(&self) -> GoalPlanDiff {
        GoalPlanDiff {
            id: self.id.clone(),
            name: self.name.clone(),
            deadline: self.deadline.as_ref().map(Change::mirror),
            budget: self.budget.as_ref().map(Change::mirror),
        }
    }
}

/// The counts behind the summary line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct TargetSummary {
    /// Practices required higher, none of their measures lower.
    pub practices_raised: usize,
    /// Practices required lower, none of their measures higher.
    pub practices_lowered: usize,
    /// Practices with one measure raised and the other lowered.
    pub practices_mixed: usize,
    /// Goals whose level changed.
    pub goals_changed: usize,
    /// Subdomains whose level changed.
    pub subdomains_changed: usize,
    /// Some practice is lowered, and the newer target does not record that it supersedes the
    /// older one: the lowering is silent, which the certification process does not allow.
    pub lowered_without_record: bool,
}

impl TargetSummary {
    fn of(diff: &TargetDiff) -> TargetSummary {
        let count = |d: Direction| {
            diff.practices
                .iter()
                .filter(|p| p.change.direction == d)
                .count()
        };
        let lowered = diff.practices.iter().any(|p| p.lowered);
        TargetSummary {
            practices_raised: count(Direction::Up),
            practices_lowered: count(Direction::Down),
            practices_mixed: count(Direction::Mixed),
            goals_changed: diff.goals.len(),
            subdomains_changed: diff.subdomains.len(),
            lowered_without_record: lowered && !diff.new_supersedes_old.matches(),
        }
    }
}

/// What changed from one target to another.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct TargetDiff {
    /// The older target.
    pub old: TargetSide,
    /// The newer target.
    pub new: TargetSide,
    /// What the newer target's `supersedes` says about the older one.
    pub new_supersedes_old: Supersession,
    /// What the older target's `supersedes` says about the newer one (it should say nothing).
    pub old_supersedes_new: Supersession,
    /// Goals (domains) whose level changed, in catalog order.
    pub goals: Vec<ItemDiff>,
    /// Subdomains whose resolved level changed, in catalog order.
    pub subdomains: Vec<ItemDiff>,
    /// Practices whose resolved level changed, in catalog order.
    pub practices: Vec<ItemDiff>,
    /// Practices whose responsible party or cost bearer changed, in catalog order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parties: Vec<PartyDiff>,
    /// Goals whose deadline or budget changed, in catalog order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub goal_plans: Vec<GoalPlanDiff>,
    /// The approval, when it changed (given, withdrawn or another): `null` for none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approval: Option<Change<Option<GivenApproval>>>,
    /// The counts.
    pub summary: TargetSummary,
}

impl TargetDiff {
    /// Whether no resolved level changed.
    pub fn levels_unchanged(&self) -> bool {
        self.goals.is_empty() && self.subdomains.is_empty() && self.practices.is_empty()
    }

    /// Whether nothing the diff compares changed: levels, parties, goal plans, approval.
    pub fn is_empty(&self) -> bool {
        self.levels_unchanged()
            && self.parties.is_empty()
            && self.goal_plans.is_empty()
            && self.approval.is_none()
    }

    /// The diff the other way round: what `diff_targets` returns with the arguments swapped.
    pub fn mirror(&self) -> TargetDiff {
        let flip = |items: &[ItemDiff]| items.iter().map(ItemDiff::mirror).collect();
        let mut mirrored = TargetDiff {
            old: self.new.clone(),
            new: self.old.clone(),
            new_supersedes_old: self.old_supersedes_new.clone(),
            old_supersedes_new: self.new_supersedes_old.clone(),
            goals: flip(&self.goals),
            subdomains: flip(&self.subdomains),
            practices: flip(&self.practices),
            parties: self.parties.iter().map(PartyDiff::mirror).collect(),
            goal_plans: self.goal_plans.iter().map(GoalPlanDiff::mirror).collect(),
            approval: self.approval.as_ref().map(Change::mirror),
            summary: TargetSummary::default(),
        };
        mirrored.summary = TargetSummary::of(&mirrored);
        mirrored
    }
}

/// Compares two resolved targets of the same catalog; the documents supply the versions and
/// the `supersedes` records.
pub fn diff_targets(
    old_document: &TargetProfile,
    old: &ResolvedTarget,
    new_document: &TargetProfile,
    new: &ResolvedTarget,
) -> TargetDiff {
    let goals = new
        .domains
        .iter()
        .filter_map(|n| {
            let o = old.domain(n.id.as_str())?;
            ItemDiff::between(
                n.id.as_str(),
                &n.name,
                (o.level, Some(&o.goal)),
                (n.level, Some(&n.goal)),
            )
        })
        .collect();
    let subdomains = new
        .subdomains
        .iter()
        .filter_map(|n| {
            let o = old.subdomain(n.id.as_str())?;
            ItemDiff::between(
                n.id.as_str(),
                &n.name,
                (o.level, o.rationale.as_deref()),
                (n.level, n.rationale.as_deref()),
            )
        })
        .collect();
    let practices = new
        .practices
        .iter()
        .filter_map(|n| {
            let o = old.practice(n.id.as_str())?;
            ItemDiff::between(
                n.id.as_str(),
                &n.name,
                (o.level(), o.rationale.as_deref()),
                (n.level(), n.rationale.as_deref()),
            )
        })
        .collect();
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let parties = new
        .practices
        .iter()
        .filter_map(|n| {
            let o = old.practice(n.id.as_str())?;
            let responsible = Change::between(text(&o.responsible), text(&n.responsible));
            let cost_bearer = Change::between(text(&o.cost_bearer), text(&n.cost_bearer));
            (responsible.is_some() || cost_bearer.is_some()).then(|| PartyDiff {
                id: n.id.to_string(),
                name: n.name.clone(),
                responsible,
                cost_bearer,
            })
        })
        .collect();
    let goal_plans = new
        .domains
        .iter()
        .filter_map(|n| {
            let o = old.domain(n.id.as_str())?;
            let deadline = Change::between(o.deadline, n.deadline);
            let budget = Change::between(o.budget.clone(), n.budget.clone());
            (deadline.is_some() || budget.is_some()).then(|| GoalPlanDiff {
                id: n.id.to_string(),
                name: n.name.clone(),
                deadline,
                budget,
            })
        })
        .collect();
    let approval = Change::between(old.approval.clone(), new.approval.clone());
    let old_digest = content_digest(old_document);
    let new_digest = content_digest(new_document);
    let side = |d: &TargetProfile, digest: String| TargetSide {
        name: d.name.value.clone(),
        version: d.version.clone(),
        date: d.date.to_string(),
        digest,
    };
    let mut diff = TargetDiff {
        new_supersedes_old: Supersession::of(new_document, &old_digest),
        old_supersedes_new: Supersession::of(old_document, &new_digest),
        old: side(old_document, old_digest),
        new: side(new_document, new_digest),
        goals,
        subdomains,
        practices,
        parties,
        goal_plans,
        approval,
        summary: TargetSummary::default(),
    };
    diff.summary = TargetSummary::of(&diff);
    diff
}
