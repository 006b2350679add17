//! From answers (and an optional template) to a target profile.

use std::collections::HashMap;

use super::answers::{Answers, Decision, Remaining, Take};
use super::suggest::{
    default_goal_option, factor_moves, factors_in_effect, suggested_role, Move, MoveTarget,
};
use crate::catalog::{Catalog, Node};
use crate::diagnostic::{nearest, Diagnostic, Diagnostics};
use crate::document::{CatalogReference, Goal, Override, TargetProfile, Template};
use crate::header::FormatVersion;
use crate::level::{Comprehensiveness, Level, Scope};
use crate::located::{Entries, Located, Position};
use crate::resolve;

/// The profile the answers lead to, and every value a factor moved on the way.
#[derive(Clone, Debug)]
pub struct Built {
    /// An ordinary target profile.
    pub profile: TargetProfile,
    /// Suggestions raised by factors (including ones the answers then overrode).
    pub moves: Vec<Move>,
    /// Practices raised to the standards the answers name, per standard id.
    pub raises: Vec<(String, Vec<crate::mapping::Raise>)>,
}

/// Builds the target profile that `answers` lead to, starting from `template` if given.
///
/// Unanswered goals take the suggestion (the template's goal, else the catalog's default option,
/// raised by factor floors); unanswered subdomains and practices follow `answers.remaining`.
/// Every suggested change is written with its reason as the rationale.
pub fn build_profile(
    catalog: &Catalog,
    template: Option<&Template>,
    answers: &Answers,
) -> Result<Built, Diagnostics> {
    // The built-in mappings are parsed only when the answers name a standard.
    let standards = if answers.standards.is_empty() {
        Vec::new()
    } else {
        crate::mapping::Mapping::builtin(catalog)
    };
    build_profile_with(catalog, template, answers, &standards)
}

/// [`build_profile`], with the standards the answers name looked up in `standards` (a server
/// may know mappings besides the built-in ones): after the five steps, every practice below what
/// a standard's clauses need is raised to it, with the clauses as its rationale.
pub fn build_profile_with(
    catalog: &Catalog,
    template: Option<&Template>,
    answers: &Answers,
    standards: &[crate::mapping::Mapping],
) -> Result<Built, Diagnostics> {
    let mut problems = Diagnostics::default();
    let start = Position::new(1, 1);
    let required = |value: &Option<String>, field: &str, problems: &mut Diagnostics| -> String {
        match value.as_deref().map(str::trim) {
            Some(v) if !v.is_empty() => v.to_string(),
            _ => {
                problems.push(Diagnostic::new(
                    start,
                    field,
                    format!("the answers need `{field}` (step 1)"),
                ));
                String::new()
            }
        }
    };
    let name = required(&answers.name, "name", &mut problems);
    let system = required(&answers.system, "system", &mut problems);
    let role = suggested_role(template, answers);
    if role.is_none() {
        problems.push(Diagnostic::new(
            start,
            "role",
            "the answers need `role`: vendor, integrator, operator or consumer (step 1)",
        ));
    }
    if answers.date.is_none() {
        problems.push(Diagnostic::new(
            start,
            "date",
            "the answers need `date` (YYYY-MM-DD)",
        ));
    }
    let composed = compose(catalog, template, answers);
    problems.0.extend(composed.problems.0);
    if !problems.is_empty() {
        return Err(problems.sorted());
    }

    let profile = TargetProfile {
        smm: FormatVersion,
        kind: crate::document::TargetProfileKind::TargetProfile,
        name: Located::new(name),
        version: answers.version.clone(),
        supersedes: None,
        system,
        role: role.unwrap_or(crate::document::StakeholderRole::Vendor),
        authors: answers.authors.clone(),
        date: answers
            .date
            .unwrap_or_else(|| unreachable!("checked above")),
        catalog: template
            .map(|t| t.catalog.clone())
            .unwrap_or_else(|| CatalogReference {
                id: Located::new(catalog.id.value.clone()),
                version: Located::new(catalog.version.value.clone()),
            }),
        background: answers.background.clone(),
        factors: factors_in_effect(template, answers).to_vec(),
        goals: composed.goals,
        subdomains: composed.subdomains,
        practices: composed.practices,
        accepted_rules: answers.accepted_rules.clone(),
        limitations: crate::located::Entries::default(),
        stakeholders: answers.stakeholders.clone(),
        approval: None,
    };
    let mut profile = profile;
    super::assign::apply(catalog, &answers.responsibility, &mut profile)?;
    // The result must be a valid profile; resolving it says exactly what is not.
    resolve(catalog, &profile)?;
    let mut raises = Vec::new();
    let mut unknown = Diagnostics::default();
    for id in &answers.standards {
        let Some(mapping) = standards.iter().find(|m| m.standard.id.value == id.value) else {
            let known = standards.iter().map(|m| m.standard.id.value.as_str());
            let mut d = Diagnostic::new(
                id.at,
                "standards",
                format!("no standard `{}` is mapped", id.value),
            );
            if let Some(near) = nearest(&id.value, known) {
                d = d.with_help(format!("did you mean `{near}`?"));
            }
            unknown.push(d);
            continue;
        };
        let (raised, r) = crate::mapping::raise_to_standard(
            catalog,
            &profile,
            mapping,
            answers.standard_clauses.skipped(),
        )?;
        profile = raised;
        raises.push((id.value.clone(), r));
    }
    if !unknown.is_empty() {
        return Err(unknown);
    }
    Ok(Built {
        profile,
        moves: composed.moves,
        raises,
    })
}

/// What the answers set, level by level, before the profile around it is assembled: the part
/// of building that the steps' suggestions share with [`build_profile`], so a step always
/// suggests what building would give. It goes on past problems (they are collected), because a
/// suggestion is still wanted while some other answer is incomplete.
pub(super) struct Composition {
    pub goals: Entries<Goal>,
    pub subdomains: Entries<Override>,
    pub practices: Entries<Override>,
    /// Every domain's, subdomain's and practice's level by canonical id.
    pub levels: HashMap<String, Level>,
    pub moves: Vec<Move>,
    pub problems: Diagnostics,
}

pub(super) fn compose(
    catalog: &Catalog,
    template: Option<&Template>,
    answers: &Answers,
) -> Composition {
    let mut problems = Diagnostics::default();
    let start = Position::new(1, 1);
    let factors = factors_in_effect(template, answers);
    let mut moves = Vec::new();
    let mut levels: HashMap<String, Level> = HashMap::new();
    let nothing = Level::new(Comprehensiveness::None, Scope::General);

    // Step 3: goals.
    let goal_answers = keyed(catalog, &answers.goals, Kind::Domain, &mut problems);
    let mut goals = Entries::default();
    for domain in &catalog.domains {
        let id = domain.id.as_str();
        let base = goal_base(catalog, template, id);
        let answer = goal_answers.get(id);
        let explicit = answer.is_some_and(|a| {
            a.option.is_some() || a.comprehensiveness.is_some() || a.scope.is_some()
        });
        let (mut statement, mut level) = match (&base, explicit) {
            (Some((statement, level)), false) => {
                let (raised, moved) =
                    factor_moves(catalog, factors, &MoveTarget::Goal(id.to_string()), *level);
                moves.extend(moved);
                (statement.clone(), raised)
            }
            (Some((statement, level)), true) => (statement.clone(), *level),
            (None, _) => (String::new(), nothing),
        };
        if let Some(answer) = answer {
            if let Some(option) = &answer.option {
                match domain.goals.iter().find(|o| o.id.value == option.value) {
                    Some(o) => {
                        statement = o.statement.trim().to_string();
                        level = Level::new(o.comprehensiveness, o.scope);
                    }
                    None => {
                        let ids = domain.goals.iter().map(|o| o.id.value.as_str());
                        let d = Diagnostic::new(
                            option.at,
                            format!("goals.{id}.option"),
                            format!("`{}` is not a goal option of {id}", option.value),
                        );
                        problems.push(match nearest(&option.value, ids) {
                            Some(near) => d.with_help(format!("did you mean `{near}`?")),
                            None => d.with_help(format!("`smm explain {id}` lists the options")),
                        });
                    }
                }
            }
            if let Some(s) = &answer.statement {
                statement = s.trim().to_string();
            }
            if let Some(c) = &answer.comprehensiveness {
                level.comprehensiveness = c.value;
            }
            if let Some(s) = &answer.scope {
                level.scope = s.value;
            }
        }
        if base.is_none() && !explicit {
            problems.push(Diagnostic::new(
                start,
                format!("goals.{id}"),
                format!(
                    "no goal for `{id}`: answer with an option or with comprehensiveness and scope"
                ),
            ));
        }
        levels.insert(id.to_string(), level);
        goals.0.push((
            Located::new(id.to_string()),
            Goal {
                statement,
                comprehensiveness: Located::new(level.comprehensiveness),
                scope: Located::new(level.scope),
                priority: None,
                deadline: None,
                budget: None,
                responsible: None,
                cost_bearer: None,
            },
        ));
    }

    // Step 4 and 5: subdomains, then practices, each inheriting from the level above.
    let decide = Decider {
        catalog,
        factors,
        remaining: answers.remaining,
    };
    let sub_answers = keyed(catalog, &answers.subdomains, Kind::Subdomain, &mut problems);
    let sub_templates = template
        .map(|t| keyed(catalog, &t.subdomains, Kind::Subdomain, &mut problems))
        .unwrap_or_default();
    let mut subdomains = Entries::default();
    for item in catalog.subdomains() {
        let id = item.subdomain.id.as_str();
        let inherited = levels
            .get(item.domain.id.as_str())
            .copied()
            .unwrap_or(nothing);
        let target = MoveTarget::Subdomain(id.to_string());
        let entry = decide.entry(
            &target,
            inherited,
            sub_templates.get(id).copied(),
            sub_answers.get(id).copied(),
            &mut moves,
            &mut problems,
            &format!("subdomains.{id}"),
        );
        levels.insert(id.to_string(), apply(inherited, entry.as_ref()));
        if let Some(entry) = entry {
            subdomains.0.push((Located::new(id.to_string()), entry));
        }
    }
    let practice_answers = keyed(catalog, &answers.practices, Kind::Practice, &mut problems);
    let practice_templates = template
        .map(|t| keyed(catalog, &t.practices, Kind::Practice, &mut problems))
        .unwrap_or_default();
    let mut practices = Entries::default();
    for item in catalog.practices() {
        let id = item.practice.id.as_str();
        let inherited = levels
            .get(item.subdomain.id.as_str())
            .copied()
            .unwrap_or(nothing);
        let target = MoveTarget::Practice(id.to_string());
        let entry = decide.entry(
            &target,
            inherited,
            practice_templates.get(id).copied(),
            practice_answers.get(id).copied(),
            &mut moves,
            &mut problems,
            &format!("practices.{id}"),
        );
        levels.insert(id.to_string(), apply(inherited, entry.as_ref()));
        if let Some(entry) = entry {
            practices.0.push((Located::new(id.to_string()), entry));
        }
    }
    // Template keys are checked here too, so a broken template is reported once per build.
    if let Some(t) = template {
        keyed(catalog, &t.goals, Kind::Domain, &mut problems);
    }
    Composition {
        goals,
        subdomains,
        practices,
        levels,
        moves,
        problems,
    }
}

/// A domain's goal before any factor: the template's, else the catalog's default option.
pub(super) fn goal_base(
    catalog: &Catalog,
    template: Option<&Template>,
    domain: &str,
) -> Option<(String, Level)> {
    let from_template = template.and_then(|t| {
        t.goals.iter().find_map(|(key, g)| {
            let same = match catalog.find(&key.value) {
                Some(Node::Domain(d)) => catalog.domains[d].id.as_str() == domain,
                _ => false,
            };
            same.then(|| {
                (
                    g.statement.clone(),
                    Level::new(g.comprehensiveness.value, g.scope.value),
                )
            })
        })
    });
    from_template.or_else(|| {
        default_goal_option(catalog, domain).map(|o| {
            (
                o.statement.trim().to_string(),
                Level::new(o.comprehensiveness, o.scope),
            )
        })
    })
}

fn apply(level: Level, entry: Option<&Override>) -> Level {
    let mut level = level;
    if let Some(o) = entry {
        if let Some(c) = &o.comprehensiveness {
            level.comprehensiveness = c.value;
        }
        if let Some(s) = &o.scope {
            level.scope = s.value;
        }
    }
    level
}

struct Decider<'a> {
    catalog: &'a Catalog,
    factors: &'a [crate::document::Factor],
    remaining: Remaining,
}

impl Decider<'_> {
    /// The entry (if any) for one subdomain or practice.
    #[allow(clippy::too_many_arguments)]
    fn entry(
        &self,
        target: &MoveTarget,
        inherited: Level,
        template: Option<&Override>,
        answer: Option<&Decision>,
        moves: &mut Vec<Move>,
        problems: &mut Diagnostics,
        field: &str,
    ) -> Option<Override> {
        let mut proposed = Vec::new();
        let suggested = self.suggestion(target, inherited, template, &mut proposed);
        let take = match answer {
            None => match self.remaining {
                Remaining::Accept => Take::Accept,
                Remaining::Inherit => Take::Inherit,
            },
            Some(d) if d.take.is_some() => {
                if d.comprehensiveness.is_some() || d.scope.is_some() || d.rationale.is_some() {
                    problems.push(Diagnostic::new(
                        Position::new(1, 1),
                        field,
                        "give either `take` or levels with a rationale, not both",
                    ));
                }
                d.take.unwrap_or(Take::Accept)
            }
            Some(d) => {
                if d.rationale
                    .as_ref()
                    .is_none_or(|r| r.value.trim().is_empty())
                {
                    problems.push(Diagnostic::new(
                        d.rationale.as_ref().map(|r| r.at).unwrap_or_default(),
                        format!("{field}.rationale"),
                        "a decision that sets a level (or confirms one) needs a rationale",
                    ));
                }
                return Some(Override {
                    comprehensiveness: d.comprehensiveness.clone(),
                    scope: d.scope.clone(),
                    rationale: d.rationale.clone(),
                    ..Override::default()
                });
            }
        };
        match take {
            Take::Accept => {
                // Only suggestions that were taken are reported as moves.
                moves.extend(proposed);
                suggested
            }
            Take::Inherit => None,
        }
    }

    /// The template's override, raised by factor floors, as an entry with every reason.
    fn suggestion(
        &self,
        target: &MoveTarget,
        inherited: Level,
        template: Option<&Override>,
        moves: &mut Vec<Move>,
    ) -> Option<Override> {
        let start = apply(inherited, template);
        let (raised, moved) = factor_moves(self.catalog, self.factors, target, start);
        if template.is_none() && moved.is_empty() {
            return None;
        }
        let mut reasons: Vec<String> = template
            .and_then(|t| t.rationale.as_ref())
            .map(|r| r.value.trim().to_string())
            .into_iter()
            .collect();
        for m in &moved {
            let factor = serde_json::to_value(m.factor)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let impact = format!("{:?}", m.impact).to_lowercase();
            reasons.push(format!(
                "Raised to {} by the {factor} factor ({impact}): {}",
                m.to, m.reason
            ));
        }
        moves.extend(moved);
        let changed_c = raised.comprehensiveness != inherited.comprehensiveness
            || template.is_some_and(|t| t.comprehensiveness.is_some());
        let changed_s =
            raised.scope != inherited.scope || template.is_some_and(|t| t.scope.is_some());
        Some(Override {
            comprehensiveness: changed_c.then(|| Located::new(raised.comprehensiveness)),
            scope: changed_s.then(|| Located::new(raised.scope)),
            rationale: Some(Located::new(reasons.join(" "))),
            ..Override::default()
        })
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Domain,
    Subdomain,
    Practice,
}

/// Entries keyed by canonical id; unknown or misplaced keys are reported.
fn keyed<'e, V>(
    catalog: &Catalog,
    entries: &'e Entries<V>,
    kind: Kind,
    problems: &mut Diagnostics,
) -> HashMap<String, &'e V> {
    let mut map = HashMap::new();
    for (key, value) in entries.iter() {
        let id = match (kind, catalog.find(&key.value)) {
            (Kind::Domain, Some(Node::Domain(d))) => {
                Some(catalog.domains[d].id.as_str().to_string())
            }
            (Kind::Subdomain, _) => catalog
                .subdomain(&key.value)
                .map(|s| s.subdomain.id.as_str().to_string()),
            (Kind::Practice, _) => catalog
                .practice(&key.value)
                .map(|p| p.practice.id.as_str().to_string()),
            _ => None,
        };
        match id {
            Some(id) => {
                map.insert(id, value);
            }
            None => {
                let (what, ids): (&str, Vec<&str>) = match kind {
                    Kind::Domain => ("domain", catalog.domain_ids().collect()),
                    Kind::Subdomain => ("subdomain", catalog.subdomain_ids().collect()),
                    Kind::Practice => ("practice", catalog.practice_ids().collect()),
                };
                let d = Diagnostic::new(
                    key.at,
                    key.value.clone(),
                    format!("unknown {what} id `{}`", key.value),
                );
                problems.push(match nearest(&key.value, ids) {
                    Some(near) => d.with_help(format!("did you mean `{near}`?")),
                    None => d,
                });
            }
        }
    }
    map
}
