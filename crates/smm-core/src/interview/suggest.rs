//! Suggested defaults: goal options, and the floors that step-2 factors put on them.

use serde::Serialize;

use crate::catalog::{Catalog, GoalOption, Minimum, Node};
use crate::document::{Factor, FactorKind, Impact};
use crate::level::Level;

/// What a factor moved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "id")]
pub enum MoveTarget {
    /// A domain's goal.
    Goal(String),
    /// A subdomain.
    Subdomain(String),
    /// A practice.
    Practice(String),
}

/// One suggested value raised by one factor: which, from what, to what, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Move {
    /// What was moved.
    pub target: MoveTarget,
    /// The factor that moved it.
    pub factor: FactorKind,
    /// The factor's recorded impact.
    pub impact: Impact,
    /// The value before.
    pub from: Level,
    /// The value after.
    pub to: Level,
    /// The catalog's reason.
    pub reason: String,
}

/// The goal option suggested before any factor: the first ad hoc one, else the first.
pub fn default_goal_option<'c>(catalog: &'c Catalog, domain: &str) -> Option<&'c GoalOption> {
    let domain = catalog.domain(domain)?;
    domain
        .goals
        .iter()
        .find(|g| g.comprehensiveness.value() == 2)
        .or_else(|| domain.goals.first())
}

fn raise(level: Level, floor: &Minimum) -> Level {
    Level::new(
        floor
            .comprehensiveness
            .map_or(level.comprehensiveness, |c| c.max(level.comprehensiveness)),
        floor.scope.map_or(level.scope, |s| s.max(level.scope)),
    )
}

fn canonical(catalog: &Catalog, key: &str) -> Option<String> {
    Some(match catalog.find(key)? {
        Node::Domain(d) => catalog.domains[d].id.as_str().to_string(),
        Node::Subdomain(d, s) => catalog.domains[d].subdomains[s].id.as_str().to_string(),
        Node::Practice(d, s, p) => catalog.domains[d].subdomains[s].practices[p]
            .id
            .as_str()
            .to_string(),
    })
}

/// Applies every factor floor that concerns `target` to `level`, in catalog order.
pub fn factor_moves(
    catalog: &Catalog,
    factors: &[Factor],
    target: &MoveTarget,
    level: Level,
) -> (Level, Vec<Move>) {
    let mut level = level;
    let mut moves = Vec::new();
    for guide in &catalog.factors {
        let Some(impact) = factors
            .iter()
            .filter(|f| f.kind == guide.kind)
            .filter_map(|f| f.impact)
            .max()
        else {
            continue;
        };
        for adjustment in guide.adjustments.iter().filter(|a| impact >= a.when_impact) {
            let t = &adjustment.applies_to;
            let applies = match target {
                MoveTarget::Goal(id) => {
                    t.domain
                        .as_ref()
                        .and_then(|d| canonical(catalog, &d.value))
                        .as_deref()
                        == Some(id)
                }
                MoveTarget::Subdomain(id) => {
                    t.subdomain
                        .as_ref()
                        .and_then(|d| canonical(catalog, &d.value))
                        .as_deref()
                        == Some(id)
                }
                MoveTarget::Practice(id) => {
                    t.practice
                        .as_ref()
                        .and_then(|d| canonical(catalog, &d.value))
                        .as_deref()
                        == Some(id)
                }
            };
            if !applies {
                continue;
            }
            let raised = raise(level, &adjustment.at_least);
            if raised != level {
                moves.push(Move {
                    target: target.clone(),
                    factor: guide.kind,
                    impact,
                    from: level,
                    to: raised,
                    reason: adjustment.reason.trim().to_string(),
                });
                level = raised;
            }
        }
    }
    (level, moves)
}
