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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
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
        let mut d = Decision::levels(
            (level.comprehensiveness != self.inherited.comprehensiveness)
                .then_some(level.comprehensiveness),
            (level.scope != self.inherited.scope && level.comprehensiveness.takes_scope())
                .then_some(level.scope),
            rationale,
        );
        // Confirming the inherited value keeps its (possibly empty) reason as given.
        d.rationale = Some(Located::new(rationale.trim().to_string()));
        d
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::builtin_templates;
    use crate::interview::{build_profile, parse_answers, DecisionKind};
    use crate::level::{Comprehensiveness, Scope};
    use crate::resolve;

    const HEAD: &str =
        "smm: 1\nkind: Answers\nname: n\nsystem: s\nrole: integrator\ndate: 2026-05-01\n";

    fn head() -> Answers {
        parse_answers(HEAD).expect("answers")
    }

    #[test]
    fn a_suggested_goal_is_what_an_unanswered_goal_builds_to() {
        let catalog = Catalog::builtin();
        let templates = builtin_templates();
        let cases = std::iter::once(None).chain(templates.iter().map(Some));
        for template in cases {
            let built = build_profile(&catalog, template, &head()).expect("builds");
            for (key, goal) in built.profile.goals.iter() {
                let s = suggest_goal(&catalog, template, &head(), &key.value).expect("suggested");
                let name = template.map_or("none", |t| t.id.value.as_str());
                assert_eq!(
                    s.level,
                    Level::new(goal.comprehensiveness.value, goal.scope.value),
                    "{name}: {}",
                    key.value
                );
                assert_eq!(s.statement, goal.statement.trim(), "{name}: {}", key.value);
            }
        }
    }

    #[test]
    fn a_template_goal_raised_by_a_factor_is_suggested_as_raised() {
        let catalog = Catalog::builtin();
        let medical = builtin_templates()
            .into_iter()
            .find(|t| t.id.value == "medical-devices")
            .expect("medical-devices");
        let default = default_goal_option(&catalog, "hardening").expect("an option");
        let s = suggest_goal(&catalog, Some(&medical), &head(), "hardening").expect("suggested");
        assert_eq!(s.level.comprehensiveness, Comprehensiveness::Consistent);
        assert!(s.level.comprehensiveness > default.comprehensiveness);
        // Without a template, the safety factor raises the default option, and says so.
        let mut answers = head();
        answers.factors = medical
            .factors
            .iter()
            .filter(|f| f.kind == FactorKind::Safety)
            .cloned()
            .collect();
        let s = suggest_goal(&catalog, None, &answers, "hardening").expect("suggested");
        assert_eq!(
            s.level,
            Level::new(Comprehensiveness::Consistent, Scope::General)
        );
        assert_eq!(s.moves.len(), 1);
        assert_eq!(s.moves[0].factor, FactorKind::Safety);
    }

    #[test]
    fn a_suggested_decision_is_what_taking_it_builds_to_and_inheriting_is_the_level_above() {
        let catalog = Catalog::builtin();
        for template in builtin_templates() {
            let answers = head();
            let built = build_profile(&catalog, Some(&template), &answers).expect("builds");
            let target = resolve(&catalog, &built.profile).expect("resolves");
            for s in &target.subdomains {
                let id = s.id.as_str();
                let d = suggest_decision(
                    &catalog,
                    Some(&template),
                    &answers,
                    DecisionKind::Subdomain,
                    id,
                )
                .expect("suggested");
                assert_eq!(d.suggested, s.level, "{}: {id}", template.id.value);
                let domain = target
                    .domains
                    .iter()
                    .find(|x| x.id == s.domain)
                    .expect("its domain");
                assert_eq!(d.inherited, domain.level, "{}: {id}", template.id.value);
            }
            for p in &target.practices {
                let id = p.id.as_str();
                let d = suggest_decision(
                    &catalog,
                    Some(&template),
                    &answers,
                    DecisionKind::Practice,
                    id,
                )
                .expect("suggested");
                assert_eq!(d.suggested, p.level(), "{}: {id}", template.id.value);
            }
        }
    }

    #[test]
    fn setting_a_level_writes_only_what_differs_from_the_level_above() {
        let s = DecisionSuggestion {
            suggested: Level::new(Comprehensiveness::Consistent, Scope::Industry),
            inherited: Level::new(Comprehensiveness::AdHoc, Scope::Industry),
            moves: Vec::new(),
        };
        let d = s.set(s.suggested, " because ");
        assert_eq!(
            d.comprehensiveness.map(|c| c.value),
            Some(Comprehensiveness::Consistent)
        );
        assert!(d.scope.is_none());
        assert_eq!(d.rationale.map(|r| r.value).as_deref(), Some("because"));
        let d = s.set(s.inherited, "confirmed");
        assert!(d.comprehensiveness.is_none() && d.scope.is_none() && d.take.is_none());
    }
}
