//! Resolution: from a target profile as written to the level every practice must reach.
//!
//! Defaults flow down (domain goal -> subdomain -> practice) and overrides win, each measure on
//! its own, so an override may change only the scope. Every resolved value keeps its source, so a
//! report can say *why* a practice is at 3. Resolution is also where a target is checked against
//! the catalog; an unresolved document can never reach the gap code.

use std::collections::HashMap;

use serde::Serialize;

use crate::catalog::{Catalog, Node};
use crate::diagnostic::{nearest, Diagnostic, Diagnostics};
use crate::document::{
    Date, Factor, Goal, GoalBudget, Override, Priority, StakeholderRole, TargetProfile,
};
use crate::id::{DomainId, PracticeId, SubdomainId};
use crate::level::{Comprehensiveness, Level, Scope};
use crate::located::{Located, Position};
use crate::rollup::{roll_up, Rollup};

/// Where a resolved value came from; later variants are more specific.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// The domain's goal (step 3).
    DomainGoal,
    /// An override on the subdomain (step 4).
    SubdomainOverride,
    /// An override on the practice itself (step 5).
    PracticeOverride,
}

/// The source of each measure separately.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Sources {
    /// Where the comprehensiveness came from.
    pub comprehensiveness: Source,
    /// Where the scope came from.
    pub scope: Source,
}

impl Sources {
    /// The most specific of the two, for a one-word summary.
    pub fn most_specific(self) -> Source {
        self.comprehensiveness.max(self.scope)
    }
}

/// A practice's required level and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ResolvedPractice {
    /// Practice id.
    pub id: PracticeId,
    /// Display name from the catalog.
    pub name: String,
    /// Its domain.
    pub domain: DomainId,
    /// Its subdomain.
    pub subdomain: SubdomainId,
    /// Required comprehensiveness.
    pub comprehensiveness: Comprehensiveness,
    /// Required scope.
    pub scope: Scope,
    /// The most specific source of the two measures.
    pub source: Source,
    /// The source of each measure.
    pub sources: Sources,
    /// The rationale of the override that decided it (practice first, then subdomain).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rationale: Option<String>,
    /// Whether the practice has an entry of its own that keeps the default (a confirmation).
    pub confirmed: bool,
    /// The stakeholder id responsible for it (practice, else subdomain, else domain goal).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub responsible: Option<String>,
    /// The stakeholder id who bears its cost, found the same way.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_bearer: Option<String>,
}

impl ResolvedPractice {
    /// Both measures together.
    pub fn level(&self) -> Level {
        Level::new(self.comprehensiveness, self.scope)
    }
}

/// A subdomain's level (its default for its practices) and how its practices roll up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ResolvedSubdomain {
    /// Subdomain id.
    pub id: SubdomainId,
    /// Display name.
    pub name: String,
    /// Its domain.
    pub domain: DomainId,
    /// The subdomain's own level.
    pub level: Level,
    /// Where each measure came from.
    pub sources: Sources,
    /// The override's rationale, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rationale: Option<String>,
    /// Its practices against its level.
    pub rollup: Rollup,
}

/// A domain's goal and how everything under it rolls up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ResolvedDomain {
    /// Domain id.
    pub id: DomainId,
    /// Display name.
    pub name: String,
    /// The goal statement.
    pub goal: String,
    /// The goal's weight in planning.
    pub priority: Priority,
    /// The goal's level.
    pub level: Level,
    /// All the domain's practices against the goal.
    pub rollup: Rollup,
    /// The day by which the goal must be met, if the target sets one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Date>,
    /// What is set aside for the domain's work, if the target says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget: Option<GoalBudget>,
}

/// A target with every practice's level decided: what the gap and reports work from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ResolvedTarget {
    /// Profile name.
    pub name: String,
    /// Profile version, if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// System of interest.
    pub system: String,
    /// Who set it.
    pub role: StakeholderRole,
    /// `id@version` of the catalog.
    pub catalog: String,
    /// Domains in catalog order.
    pub domains: Vec<ResolvedDomain>,
    /// Subdomains in catalog order.
    pub subdomains: Vec<ResolvedSubdomain>,
    /// Practices in catalog order.
    pub practices: Vec<ResolvedPractice>,
    /// The factors of step 2, which some rules read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub factors: Vec<Factor>,
    /// Rules the profile accepts, with the reason.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub accepted_rules: Vec<AcceptedRule>,
    /// Limitations and their compensating measures, by practice id, in catalog order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub limitations: Vec<PracticeLimitation>,
    /// The stakeholders the target names, in the order written.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stakeholders: Vec<NamedStakeholder>,
    /// The approval of this version, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approval: Option<GivenApproval>,
}

/// A stakeholder as the target names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct NamedStakeholder {
    /// The id the target uses for it.
    pub id: String,
    /// Its role.
    pub role: StakeholderRole,
    /// Its name, or the id when the target gives none.
    pub name: String,
}

/// An approval, checked: who, when and what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct GivenApproval {
    /// Who approved.
    pub by: String,
    /// When.
    pub date: Date,
    /// The statement.
    pub statement: String,
}

/// A practice's limitation, with the practice named by its id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PracticeLimitation {
    /// The practice's id.
    pub practice: String,
    /// What is limited.
    pub limited: String,
    /// Why it cannot be otherwise.
    pub because: String,
    /// What makes up for it.
    pub compensating: Vec<String>,
}

/// A consistency rule the profile accepts, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct AcceptedRule {
    /// The rule's id.
    pub rule: String,
    /// The profile's reason.
    pub reason: String,
}

impl ResolvedTarget {
    /// The practice with this id.
    pub fn practice(&self, id: &str) -> Option<&ResolvedPractice> {
        self.practices.iter().find(|p| p.id.as_str() == id)
    }

    /// The subdomain with this id.
    pub fn subdomain(&self, id: &str) -> Option<&ResolvedSubdomain> {
        self.subdomains.iter().find(|s| s.id.as_str() == id)
    }

    /// The domain with this id.
    pub fn domain(&self, id: &str) -> Option<&ResolvedDomain> {
        self.domains.iter().find(|d| d.id.as_str() == id)
    }

    /// The stakeholder with this id.
    pub fn stakeholder(&self, id: &str) -> Option<&NamedStakeholder> {
        self.stakeholders.iter().find(|s| s.id == id)
    }

    /// The limitation declared for this practice, if any.
    pub fn limitation(&self, practice: &str) -> Option<&PracticeLimitation> {
        self.limitations.iter().find(|l| l.practice == practice)
    }
}

/// Checks a target profile against the catalog and resolves every practice's level.
pub fn resolve(catalog: &Catalog, target: &TargetProfile) -> Result<ResolvedTarget, Diagnostics> {
    let mut problems = Diagnostics::default();
    check_catalog_reference(catalog, target, &mut problems);
    let goals = index_goals(catalog, target, &mut problems);
    let subdomain_overrides =
        index_overrides(catalog, &target.subdomains, Want::Subdomain, &mut problems);
    let practice_overrides =
        index_overrides(catalog, &target.practices, Want::Practice, &mut problems);
    let accepted_rules = index_acceptances(catalog, target, &mut problems);
    let limitations = index_limitations(catalog, target, &mut problems);
    let stakeholders = crate::responsibility::index_stakeholders(target, &mut problems);
    crate::responsibility::check_references(target, &stakeholders, &mut problems);
    crate::responsibility::check_goal_plans(target, &mut problems);
    let approval = crate::responsibility::check_approval(target, &mut problems);
    crate::lineage::check_record(target, &mut problems);
    if !problems.is_empty() {
        return Err(problems.sorted());
    }

    let mut subdomains = Vec::with_capacity(catalog.subdomains().len());
    let mut sub_levels: HashMap<&str, (Level, Sources, Option<String>)> = HashMap::new();
    let parties = crate::responsibility::Parties::new(catalog, target);
    for item in catalog.subdomains() {
        let goal = goals[item.domain.id.as_str()];
        let (level, sources) = apply(
            goal,
            Sources {
                comprehensiveness: Source::DomainGoal,
                scope: Source::DomainGoal,
            },
            subdomain_overrides.get(item.subdomain.id.as_str()).copied(),
            Source::SubdomainOverride,
        );
        let rationale = rationale_of(subdomain_overrides.get(item.subdomain.id.as_str()).copied());
        sub_levels.insert(item.subdomain.id.as_str(), (level, sources, rationale));
    }

    let practices: Vec<ResolvedPractice> = catalog
        .practices()
        .map(|item| {
            let (sub_level, sub_sources, sub_rationale) = &sub_levels[item.subdomain.id.as_str()];
            let over = practice_overrides.get(item.practice.id.as_str()).copied();
            let (level, sources) = apply(*sub_level, *sub_sources, over, Source::PracticeOverride);
            let confirmed = over.is_some_and(|o| {
                o.comprehensiveness.is_none() && o.scope.is_none() && o.decides_level()
            });
            let (responsible, cost_bearer) = parties.of(
                item.domain.id.as_str(),
                item.subdomain.id.as_str(),
                item.practice.id.as_str(),
            );
            ResolvedPractice {
                confirmed,
                responsible,
                cost_bearer,
                id: item.practice.id.value.clone(),
                name: item.practice.name.clone(),
                domain: item.domain.id.value.clone(),
                subdomain: item.subdomain.id.value.clone(),
                comprehensiveness: level.comprehensiveness,
                scope: level.scope,
                source: sources.most_specific(),
                sources,
                rationale: rationale_of(over).or_else(|| sub_rationale.clone()),
            }
        })
        .collect();

    for item in catalog.subdomains() {
        let (level, sources, rationale) = sub_levels[item.subdomain.id.as_str()].clone();
        let parts = practices
            .iter()
            .filter(|p| p.subdomain == item.subdomain.id.value);
        subdomains.push(ResolvedSubdomain {
            id: item.subdomain.id.value.clone(),
            name: item.subdomain.name.clone(),
            domain: item.domain.id.value.clone(),
            level,
            sources,
            rationale,
            rollup: roll_up(level, parts.map(|p| (&p.id, p.level()))),
        });
    }

    let domains = catalog
        .domains
        .iter()
        .map(|domain| {
            let level = goals[domain.id.as_str()];
            let parts = practices.iter().filter(|p| p.domain == domain.id.value);
            ResolvedDomain {
                id: domain.id.value.clone(),
                name: domain.name.clone(),
                goal: goal_statement(target, catalog, domain.id.as_str()),
                priority: goal_of(target, catalog, domain.id.as_str())
                    .and_then(|g| g.priority)
                    .unwrap_or_default(),
                level,
                rollup: roll_up(level, parts.map(|p| (&p.id, p.level()))),
                deadline: goal_of(target, catalog, domain.id.as_str())
                    .and_then(|g| g.deadline.as_ref())
                    .map(|d| d.value),
                budget: goal_of(target, catalog, domain.id.as_str()).and_then(|g| g.budget.clone()),
            }
        })
        .collect();

    Ok(ResolvedTarget {
        name: target.name.value.clone(),
        version: target.version.clone(),
        system: target.system.clone(),
        role: target.role,
        catalog: catalog.reference(),
        domains,
        subdomains,
        practices,
        factors: target.factors.clone(),
        accepted_rules,
        limitations,
        stakeholders,
        approval,
    })
}

/// Checks the limitations (a known practice, once, every part said) and orders them as the
/// catalog does.
fn index_limitations(
    catalog: &Catalog,
    target: &TargetProfile,
    problems: &mut Diagnostics,
) -> Vec<PracticeLimitation> {
    let mut found: Vec<(usize, PracticeLimitation)> = Vec::new();
    for (key, limitation) in target.limitations.iter() {
        let field = format!("limitations.{}", key.value);
        // By id, or by name (a practice may share its name with its subdomain).
        let practice = catalog.practice(&key.value).or_else(|| {
            catalog
                .practices()
                .find(|p| p.practice.name.eq_ignore_ascii_case(key.value.trim()))
        });
        let Some(practice) = practice else {
            problems.push(unknown(key, &field, "practice", catalog.practice_ids()));
            continue;
        };
        let id = practice.practice.id.as_str();
        let order = catalog
            .practice_ids()
            .position(|p| p == id)
            .unwrap_or(usize::MAX);
        if found.iter().any(|(_, l)| l.practice == id) {
            problems.push(Diagnostic::new(
                key.at,
                field.clone(),
                format!("`{id}` has two limitations (by id and by name?): say it once"),
            ));
        }
        for (part, text, help) in [
            (
                "limited",
                &limitation.limited,
                "say what the practice cannot do here",
            ),
            (
                "because",
                &limitation.because,
                "say why it cannot be otherwise",
            ),
        ] {
            if text.value.trim().is_empty() {
                problems.push(Diagnostic::new(
                    text.at,
                    format!("{field}.{part}"),
                    format!("`{part}` is empty: {help}"),
                ));
            }
        }
        if limitation.compensating.is_empty() {
            problems.push(
                Diagnostic::new(
                    key.at,
                    format!("{field}.compensating"),
                    "a limitation needs at least one compensating measure",
                )
                .with_help("say what makes up for it, so a customer can judge the remaining risk"),
            );
        }
        for c in &limitation.compensating {
            if c.value.trim().is_empty() {
                problems.push(Diagnostic::new(
                    c.at,
                    format!("{field}.compensating"),
                    "a compensating measure is empty",
                ));
            }
        }
        found.push((
            order,
            PracticeLimitation {
                practice: id.to_string(),
                limited: limitation.limited.value.trim().to_string(),
                because: limitation.because.value.trim().to_string(),
                compensating: limitation
                    .compensating
                    .iter()
                    .map(|c| c.value.trim().to_string())
                    .collect(),
            },
        ));
    }
    found.sort_by_key(|(order, _)| *order);
    found.into_iter().map(|(_, l)| l).collect()
}

fn index_acceptances(
    catalog: &Catalog,
    target: &TargetProfile,
    problems: &mut Diagnostics,
) -> Vec<AcceptedRule> {
    let mut accepted = Vec::new();
    for (key, acceptance) in target.accepted_rules.iter() {
        let field = format!("accepted-rules.{}", key.value);
        // A profile written before a rule was retired still loads; there is nothing left to accept.
        if catalog.rule(&key.value).is_none() && catalog.retired_rule(&key.value).is_some() {
            continue;
        }
        if catalog.rule(&key.value).is_none() {
            let d = Diagnostic::new(
                key.at,
                field.clone(),
                format!("unknown rule id `{}`", key.value),
            );
            let ids = catalog.rules().iter().map(|r| r.rule.id.value.as_str());
            problems.push(match nearest(&key.value, ids) {
                Some(near) => d.with_help(format!("did you mean `{near}`?")),
                None => d.with_help("see docs/rules.md for the rule ids"),
            });
            continue;
        }
        if acceptance.reason.value.trim().is_empty() {
            problems.push(Diagnostic::new(
                acceptance.reason.at,
                format!("{field}.reason"),
                "say why the profile accepts this warning",
            ));
        }
        accepted.push(AcceptedRule {
            rule: key.value.clone(),
            reason: acceptance.reason.value.trim().to_string(),
        });
    }
    accepted
}

fn apply(
    default: Level,
    sources: Sources,
    over: Option<&Override>,
    source: Source,
) -> (Level, Sources) {
    let mut level = default;
    let mut sources = sources;
    if let Some(over) = over {
        if let Some(c) = &over.comprehensiveness {
            level.comprehensiveness = c.value;
            sources.comprehensiveness = source;
        }
        if let Some(s) = &over.scope {
            level.scope = s.value;
            sources.scope = source;
        }
    }
    (level, sources)
}

fn rationale_of(over: Option<&Override>) -> Option<String> {
    over.and_then(|o| o.rationale.as_ref())
        .map(|r| r.value.trim().to_string())
}

fn goal_of<'t>(target: &'t TargetProfile, catalog: &Catalog, domain: &str) -> Option<&'t Goal> {
    target
        .goals
        .iter()
        .find(|(key, _)| matches!(catalog.find(&key.value), Some(Node::Domain(d)) if catalog.domains[d].id.as_str() == domain))
        .map(|(_, goal)| goal)
}

fn goal_statement(target: &TargetProfile, catalog: &Catalog, domain: &str) -> String {
    goal_of(target, catalog, domain)
        .map(|goal| goal.statement.trim().to_string())
        .unwrap_or_default()
}

fn check_catalog_reference(catalog: &Catalog, target: &TargetProfile, problems: &mut Diagnostics) {
    let wanted = &target.catalog;
    if wanted.id.value != catalog.id.value || wanted.version.value != catalog.version.value {
        problems.push(
            Diagnostic::new(
                wanted.id.at,
                "catalog",
                format!(
                    "this target is written for catalog {}@{}, but the catalog in use is {}",
                    wanted.id.value,
                    wanted.version.value,
                    catalog.reference()
                ),
            )
            .with_help("pass the matching catalog with --catalog FILE"),
        );
    }
}

fn index_goals(
    catalog: &Catalog,
    target: &TargetProfile,
    problems: &mut Diagnostics,
) -> HashMap<String, Level> {
    let mut goals: HashMap<String, Level> = HashMap::new();
    let mut first_at = Position::new(1, 1);
    for (i, (key, goal)) in target.goals.iter().enumerate() {
        if i == 0 {
            first_at = key.at;
        }
        let field = format!("goals.{}", key.value);
        let domain = match catalog.find(&key.value) {
            Some(Node::Domain(d)) => &catalog.domains[d],
            _ => {
                problems.push(unknown(key, &field, "domain", catalog.domain_ids()));
                continue;
            }
        };
        if goal.statement.trim().is_empty() {
            problems.push(Diagnostic::new(
                key.at,
                format!("{field}.statement"),
                "a goal needs a statement: say in plain words what the domain must achieve",
            ));
        }
        let level = Level::new(goal.comprehensiveness.value, goal.scope.value);
        if goals
            .insert(domain.id.as_str().to_string(), level)
            .is_some()
        {
            problems.push(Diagnostic::new(
                key.at,
                field,
                format!("the goal for domain `{}` is given twice", domain.id.value),
            ));
        }
    }
    for domain in &catalog.domains {
        if !goals.contains_key(domain.id.as_str()) {
            problems.push(
                Diagnostic::new(
                    first_at,
                    format!("goals.{}", domain.id.value),
                    format!(
                        "missing the goal for domain `{}` ({})",
                        domain.id.value, domain.name
                    ),
                )
                .with_help("every domain needs a goal: statement, comprehensiveness and scope"),
            );
        }
    }
    goals
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    Subdomain,
    Practice,
}

fn index_overrides<'t>(
    catalog: &Catalog,
    entries: &'t crate::located::Entries<Override>,
    want: Want,
    problems: &mut Diagnostics,
) -> HashMap<String, &'t Override> {
    let section = if want == Want::Subdomain {
        "subdomains"
    } else {
        "practices"
    };
    let mut found: HashMap<String, &'t Override> = HashMap::new();
    for (key, over) in entries.iter() {
        let field = format!("{section}.{}", key.value);
        let id = match (catalog.find(&key.value), want) {
            (Some(Node::Subdomain(d, s)), Want::Subdomain) => {
                catalog.domains[d].subdomains[s].id.as_str()
            }
            (Some(Node::Practice(d, s, p)), Want::Practice) => {
                catalog.domains[d].subdomains[s].practices[p].id.as_str()
            }
            (Some(node), _) => {
                // A name shared by a subdomain and a practice ("Threat Modeling") finds the one
                // registered first; look for the other kind before complaining.
                let other = match want {
                    Want::Subdomain => catalog
                        .subdomain(&key.value)
                        .map(|s| s.subdomain.id.as_str()),
                    Want::Practice => catalog.practice(&key.value).map(|p| p.practice.id.as_str()),
                };
                match other {
                    Some(id) => id,
                    None => {
                        let (is, goes) = match node {
                            Node::Domain(_) => ("a domain", "`goals:`"),
                            Node::Subdomain(..) => ("a subdomain", "`subdomains:`"),
                            Node::Practice(..) => ("a practice", "`practices:`"),
                        };
                        problems.push(
                            Diagnostic::new(
                                key.at,
                                field,
                                format!(
                                    "`{}` is {is}, not a {}",
                                    key.value,
                                    &section[..section.len() - 1]
                                ),
                            )
                            .with_help(format!("move it under {goes}")),
                        );
                        continue;
                    }
                }
            }
            (None, Want::Subdomain) => {
                problems.push(unknown(key, &field, "subdomain", catalog.subdomain_ids()));
                continue;
            }
            (None, Want::Practice) => {
                problems.push(unknown(key, &field, "practice", catalog.practice_ids()));
                continue;
            }
        };
        match &over.rationale {
            Some(r) if !r.value.trim().is_empty() => {}
            Some(r) => problems.push(Diagnostic::new(r.at, format!("{field}.rationale"), "the rationale is empty: say why this differs from (or confirms) the default")),
            // Naming who is responsible or who pays moves no level, so it needs no reason.
            None if !over.decides_level() => {}
            None => problems.push(Diagnostic::new(key.at, format!("{field}.rationale"), "an override needs a rationale: say why this differs from (or confirms) the default")),
        }
        if found.insert(id.to_string(), over).is_some() {
            problems.push(Diagnostic::new(
                key.at,
                field,
                format!("`{id}` is given twice (by id and by name?)"),
            ));
        }
    }
    found
}

fn unknown<'a>(
    key: &Located<String>,
    field: &str,
    what: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> Diagnostic {
    let d = Diagnostic::new(key.at, field, format!("unknown {what} id `{}`", key.value));
    match nearest(&key.value, known) {
        Some(near) => d.with_help(format!("did you mean `{near}`?")),
        None => d.with_help(format!("see `smm catalog` for the {what} ids")),
    }
}
