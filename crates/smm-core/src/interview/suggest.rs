//! Suggested defaults: goal options, and the floors that step-2 factors put on them.

use serde::Serialize;

use super::answers::{Answers, Decision, Remaining, Take};
use super::build::{compose, goal_base};
use super::edit::{remove_entry, set_entry, DecisionKind};
use crate::catalog::{Catalog, GoalOption, Minimum, Node};
use crate::document::{Factor, FactorKind, Impact, StakeholderRole, Template};
use crate::level::Level;
use crate::located::Located;

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

/// The factors that count: the answers' own, else (none given yet) the template's.
pub fn factors_in_effect<'a>(template: Option<&'a Template>, answers: &'a Answers) -> &'a [Factor] {
    match template {
        Some(t) if answers.factors.is_empty() => &t.factors,
        _ => &answers.factors,
    }
}

/// The role step 1 suggests: the one answered, else the template's.
pub fn suggested_role(template: Option<&Template>, answers: &Answers) -> Option<StakeholderRole> {
    answers.role.or(template.and_then(|t| t.role))
}

/// What a domain's goal becomes when step 3 is left alone.
#[derive(Clone, Debug, PartialEq)]
pub struct GoalSuggestion {
    /// The goal in words (the template's, else the catalog's default option).
    pub statement: String,
    /// The level, after the factors raised it.
    pub level: Level,
    /// How the factors raised it, in order.
    pub moves: Vec<Move>,
}

/// The goal suggested for `domain` (a canonical domain id): the template's goal, else the
/// catalog's default option, raised by the factors in effect. `None` for an unknown domain.
///
/// This is the value an unanswered goal takes in [`build_profile`](super::build_profile), so a
/// door that preselects it saves exactly what leaving the step alone would.
pub fn suggest_goal(
    catalog: &Catalog,
    template: Option<&Template>,
    answers: &Answers,
    domain: &str,
) -> Option<GoalSuggestion> {
    let (statement, base) = goal_base(catalog, template, domain)?;
    let factors = factors_in_effect(template, answers);
    let (level, moves) = factor_moves(
        catalog,
        factors,
        &MoveTarget::Goal(domain.to_string()),
        base,
    );
    Some(GoalSuggestion {
        statement: statement.trim().to_string(),
        level,
        moves,
    })
}

/// What steps 4 and 5 offer for one subdomain or practice.
#[derive(Clone, Debug, PartialEq)]
pub struct DecisionSuggestion {
    /// The level if the suggestion is taken (template values and factor floors).
    pub suggested: Level,
    /// The level if it only inherits from the level above.
    pub inherited: Level,
    /// The factor moves behind the suggestion.
    pub moves: Vec<Move>,
}

impl DecisionSuggestion {
    /// A decision that sets `level` and says why. Only what differs from the inherited value is
    /// written, so the entry stays an override of exactly what was changed; setting the
    /// suggested level confirms the suggestion with one's own reason.
    pub fn set(&self, level: Level, rationale: &str) -> Decision {
        Decision {
            take: None,
            comprehensiveness: (level.comprehensiveness != self.inherited.comprehensiveness)
                .then(|| Located::new(level.comprehensiveness)),
            scope: (level.scope != self.inherited.scope).then(|| Located::new(level.scope)),
            rationale: Some(Located::new(rationale.trim().to_string())),
        }
    }
}

/// The suggestion for subdomain or practice `id` (canonical), given every other answer: what
/// [`build_profile`](super::build_profile) gives it when the suggestion is taken, and when it
/// only inherits. `None` for an id the catalog does not have.
pub fn suggest_decision(
    catalog: &Catalog,
    template: Option<&Template>,
    answers: &Answers,
    kind: DecisionKind,
    id: &str,
) -> Option<DecisionSuggestion> {
    let mut accept = answers.clone();
    accept.remaining = Remaining::Accept;
    remove_entry(accept.decisions_mut(kind), id);
    let taken = compose(catalog, template, &accept);
    let suggested = taken.levels.get(id).copied()?;
    let target = match kind {
        DecisionKind::Subdomain => MoveTarget::Subdomain(id.to_string()),
        DecisionKind::Practice => MoveTarget::Practice(id.to_string()),
    };
    let moves = taken
        .moves
        .into_iter()
        .filter(|m| m.target == target)
        .collect();
    let mut inherit = accept;
    set_entry(
        inherit.decisions_mut(kind),
        id,
        Decision {
            take: Some(Take::Inherit),
            ..Decision::default()
        },
    );
    let inherited = compose(catalog, template, &inherit)
        .levels
        .get(id)
        .copied()?;
    Some(DecisionSuggestion {
        suggested,
        inherited,
        moves,
    })
}

/// The goal the answers give `domain` (a canonical id) as things stand, answered or suggested.
pub fn goal_of(
    catalog: &Catalog,
    template: Option<&Template>,
    answers: &Answers,
    domain: &str,
) -> Option<crate::document::Goal> {
    compose(catalog, template, answers)
        .goals
        .0
        .into_iter()
        .find(|(k, _)| k.value == domain)
        .map(|(_, g)| g)
}
