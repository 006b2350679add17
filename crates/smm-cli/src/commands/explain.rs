//! `smm explain ID`: a practice, subdomain, domain or rule, with everything that bears on it.
//!
//! The explanation is gathered once as data ([`Explanation`]) and then printed as text or JSON,
//! so both say the same.

use schemars::JsonSchema;
use serde::Serialize;
use smm_core::catalog::{AdjustmentTarget, Catalog, Node};
use smm_core::diagnostic::nearest;
use smm_core::document::builtin_templates;
use smm_core::{check_rules, Comprehensiveness, Scope, Source};

use crate::commands::template::preview;
use crate::failure::{Failure, Problem};
use crate::output::{self, styled, DIM, HEADER, WARN};

/// Runs the command.
pub fn run(catalog: &Catalog, id: &str, level: Option<u8>, json: bool) -> Result<(), Failure> {
    let explanation = explain(catalog, id, level)?;
    if json {
        output::print_tagged_json("Explanation", &explanation);
    } else {
        output::print(&render(&explanation));
    }
    Ok(())
}

/// What `smm explain` says about one id.
#[derive(Serialize, JsonSchema)]
#[serde(tag = "of", rename_all = "kebab-case")]
pub enum Explanation {
    /// A practice: every level, the scopes, rules, templates and factors.
    Practice(PracticeExplanation),
    /// A subdomain: its practices and the factors that raise it.
    Subdomain(GroupExplanation),
    /// A domain: its goal options and the factors that raise it.
    Domain(GroupExplanation),
    /// A consistency rule: when it applies, what it requires, where it fires.
    Rule(RuleExplanation),
    /// A rule the catalog retired.
    RetiredRule {
        /// The rule's id.
        id: String,
        /// Why it was retired.
        why: String,
    },
}

/// A practice explained.
#[derive(Serialize, JsonSchema)]
pub struct PracticeExplanation {
    /// Practice id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its domain.
    pub domain: Named,
    /// Its subdomain.
    pub subdomain: Named,
    /// What it is for.
    pub purpose: String,
    /// The levels asked for (all five, or the one of `--level`).
    pub levels: Vec<LevelExplanation>,
    /// What the narrower scopes add (without `--level`).
    pub scopes: Vec<ScopeAddition>,
    /// The consistency rules that involve it.
    pub rules: Vec<RuleRef>,
    /// What each built-in template sets for it.
    pub templates: Vec<TemplateSetting>,
    /// The factors of step 2 that raise its suggested default.
    pub factors: Vec<FactorAdjustment>,
}

/// An id with its name.
#[derive(Serialize, JsonSchema)]
pub struct Named {
    /// The id.
    pub id: String,
    /// The name.
    pub name: String,
}

/// One comprehensiveness level of a practice.
#[derive(Serialize, JsonSchema)]
pub struct LevelExplanation {
    /// The level, 0 to 4.
    pub level: Comprehensiveness,
    /// Its name, e.g. `Consistent`.
    pub name: String,
    /// What it means for this practice (or in general, when the catalog says nothing specific).
    pub description: String,
    /// Whether the description is the practice's own.
    pub specific: bool,
    /// What to do to get there.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<String>,
    /// What an assessor looks for.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub indicators: Vec<String>,
}

/// What a narrower scope adds to a practice.
#[derive(Serialize, JsonSchema)]
pub struct ScopeAddition {
    /// The scope.
    pub scope: Scope,
    /// Its name.
    pub name: String,
    /// What it adds.
    pub adds: String,
}

/// A rule that involves a practice.
#[derive(Serialize, JsonSchema)]
pub struct RuleRef {
    /// The rule's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Whether it is checked on every practice in turn.
    pub per_practice: bool,
}

/// What a built-in template sets for a practice.
#[derive(Serialize, JsonSchema)]
pub struct TemplateSetting {
    /// The template's id.
    pub template: String,
    /// Required comprehensiveness.
    pub comprehensiveness: Comprehensiveness,
    /// Required scope.
    pub scope: Scope,
    /// Where it comes from, in words: "set for its subdomain".
    pub how: String,
}

/// A factor of step 2 that raises a suggested default.
#[derive(Serialize, JsonSchema)]
pub struct FactorAdjustment {
    /// The factor, e.g. `safety`.
    pub factor: String,
    /// From which impact on, e.g. `high`.
    pub when_impact: String,
    /// The comprehensiveness it raises the default to, at least.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_least_comprehensiveness: Option<Comprehensiveness>,
    /// The scope it raises the default to, at least.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_least_scope: Option<Scope>,
    /// Why.
    pub reason: String,
}

/// A subdomain or a domain explained.
#[derive(Serialize, JsonSchema)]
pub struct GroupExplanation {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The domain a subdomain belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<Named>,
    /// What it covers.
    pub summary: String,
    /// A subdomain's practices.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub practices: Vec<Named>,
    /// A domain's goal options (step 3).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub goal_options: Vec<GoalOptionExplanation>,
    /// The factors of step 2 that raise its suggested default.
    pub factors: Vec<FactorAdjustment>,
}

/// A goal option of a domain.
#[derive(Serialize, JsonSchema)]
pub struct GoalOptionExplanation {
    /// Its id within the domain.
    pub id: String,
    /// The comprehensiveness it sets.
    pub comprehensiveness: Comprehensiveness,
    /// The scope it sets.
    pub scope: Scope,
    /// The question that leads to it.
    pub question: String,
    /// The goal in words.
    pub statement: String,
}

/// A consistency rule explained.
#[derive(Serialize, JsonSchema)]
pub struct RuleExplanation {
    /// The rule's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Whether it is checked on every practice in turn.
    pub per_practice: bool,
    /// Its conditions, in words (empty: always).
    pub applies_when: Vec<String>,
    /// What it requires, in words.
    pub requires: Vec<String>,
    /// Why it matters.
    pub why: String,
    /// What to do.
    pub fix: String,
    /// The practices it names.
    pub practices: Vec<String>,
    /// The built-in templates it fires on.
    pub fires_on_templates: Vec<String>,
}

/// Gathers what there is to say about `id`.
pub fn explain(catalog: &Catalog, id: &str, level: Option<u8>) -> Result<Explanation, Failure> {
    if let Some(rule) = catalog.rule(id) {
        return Ok(Explanation::Rule(rule_explanation(catalog, rule)));
    }
    if let Some(retired) = catalog.retired_rule(id) {
        return Ok(Explanation::RetiredRule {
            id: id.to_string(),
            why: wrap(&retired.why),
        });
    }
    match catalog.find(id) {
        Some(Node::Practice(d, s, p)) => Ok(Explanation::Practice(practice_explanation(
            catalog, d, s, p, level,
        )?)),
        Some(Node::Subdomain(d, s)) => {
            let domain = &catalog.domains[d];
            let sub = &domain.subdomains[s];
            Ok(Explanation::Subdomain(GroupExplanation {
                id: sub.id.to_string(),
                name: sub.name.clone(),
                domain: Some(Named {
                    id: domain.id.to_string(),
                    name: domain.name.clone(),
                }),
                summary: wrap(&sub.summary),
                practices: sub
                    .practices
                    .iter()
                    .map(|p| Named {
                        id: p.id.to_string(),
                        name: p.name.clone(),
                    })
                    .collect(),
                goal_options: Vec::new(),
                factors: adjustments(catalog, |t| {
                    t.subdomain.as_ref().is_some_and(|x| {
                        catalog
                            .subdomain(&x.value)
                            .is_some_and(|r| r.subdomain.id.value == sub.id.value)
                    })
                }),
            }))
        }
        Some(Node::Domain(d)) => {
            let domain = &catalog.domains[d];
            Ok(Explanation::Domain(GroupExplanation {
                id: domain.id.to_string(),
                name: domain.name.clone(),
                domain: None,
                summary: wrap(&domain.summary),
                practices: Vec::new(),
                goal_options: domain
                    .goals
                    .iter()
                    .map(|g| GoalOptionExplanation {
                        id: g.id.value.clone(),
                        comprehensiveness: g.comprehensiveness,
                        scope: g.scope,
                        question: wrap(&g.question),
                        statement: wrap(&g.statement),
                    })
                    .collect(),
                factors: adjustments(catalog, |t| {
                    t.domain
                        .as_ref()
                        .is_some_and(|x| x.value == domain.id.as_str())
                }),
            }))
        }
        None => {
            let ids = catalog
                .domain_ids()
                .chain(catalog.subdomain_ids())
                .chain(catalog.practice_ids())
                .chain(catalog.rules().iter().map(|r| r.rule.id.value.as_str()));
            let mut problem = Problem::file(
                std::path::Path::new(""),
                format!("`{id}` is not a practice, subdomain, domain or rule id"),
            );
            problem.path = None;
            problem.diagnostic.help = Some(match nearest(id, ids) {
                Some(near) => format!("did you mean `{near}`?"),
                None => "`smm catalog` lists the ids; docs/rules.md lists the rules".to_string(),
            });
            Err(problem.into())
        }
    }
}

fn wrap(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn adjustments(
    catalog: &Catalog,
    applies: impl Fn(&AdjustmentTarget) -> bool,
) -> Vec<FactorAdjustment> {
    let mut found = Vec::new();
    for guide in &catalog.factors {
        for a in guide.adjustments.iter().filter(|a| applies(&a.applies_to)) {
            found.push(FactorAdjustment {
                factor: serde_json::to_value(guide.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                when_impact: format!("{:?}", a.when_impact).to_lowercase(),
                at_least_comprehensiveness: a.at_least.comprehensiveness,
                at_least_scope: a.at_least.scope,
                reason: wrap(&a.reason),
            });
        }
    }
    found
}

fn practice_explanation(
    catalog: &Catalog,
    d: usize,
    s: usize,
    p: usize,
    only: Option<u8>,
) -> Result<PracticeExplanation, Failure> {
    let domain = &catalog.domains[d];
    let sub = &domain.subdomains[s];
    let practice = &sub.practices[p];
    let levels: Vec<Comprehensiveness> = match only {
        Some(n) => match Comprehensiveness::from_value(u64::from(n)) {
            Some(level) => vec![level],
            None => {
                let mut problem = Problem::file(
                    std::path::Path::new(""),
                    format!("--level {n} is out of range: expected 0 (none) to 4 (formalized)"),
                );
                problem.path = None;
                return Err(problem.into());
            }
        },
        None => Comprehensiveness::ALL.to_vec(),
    };
    let levels = levels
        .into_iter()
        .map(|level| {
            let name = catalog
                .comprehensiveness_meaning(level)
                .map(|m| m.name.clone())
                .unwrap_or_default();
            match practice.level(level) {
                Some(meaning) => LevelExplanation {
                    level,
                    name,
                    description: wrap(&meaning.description),
                    specific: true,
                    actions: meaning.actions.clone(),
                    indicators: meaning.indicators.clone(),
                },
                None => LevelExplanation {
                    level,
                    name,
                    description: catalog
                        .comprehensiveness_meaning(level)
                        .map(|m| wrap(&m.summary))
                        .unwrap_or_default(),
                    specific: false,
                    actions: Vec::new(),
                    indicators: Vec::new(),
                },
            }
        })
        .collect();
    let scopes = if only.is_none() {
        [Scope::Industry, Scope::System]
            .into_iter()
            .filter_map(|scope| {
                practice.scope_addition(scope).map(|text| ScopeAddition {
                    scope,
                    name: catalog
                        .scope_meaning(scope)
                        .map(|m| m.name.clone())
                        .unwrap_or_default(),
                    adds: wrap(text),
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    let id = practice.id.as_str();
    let rules = catalog
        .rules()
        .iter()
        .filter(|r| r.per_practice || r.practices().iter().any(|p| p == id))
        .map(|r| RuleRef {
            id: r.rule.id.value.clone(),
            title: r.rule.title.clone(),
            per_practice: r.per_practice,
        })
        .collect();
    let mut templates = Vec::new();
    for template in builtin_templates() {
        if let Ok(resolved) = preview(catalog, &template) {
            if let Some(rp) = resolved.practice(id) {
                let how = match rp.source {
                    _ if rp.confirmed => "confirmed for this practice",
                    Source::PracticeOverride => "set for this practice",
                    Source::SubdomainOverride => "set for its subdomain",
                    Source::DomainGoal => "from the domain goal",
                };
                templates.push(TemplateSetting {
                    template: template.id.value.clone(),
                    comprehensiveness: rp.comprehensiveness,
                    scope: rp.scope,
                    how: how.to_string(),
                });
            }
        }
    }
    Ok(PracticeExplanation {
        id: id.to_string(),
        name: practice.name.clone(),
        domain: Named {
            id: domain.id.to_string(),
            name: domain.name.clone(),
        },
        subdomain: Named {
            id: sub.id.to_string(),
            name: sub.name.clone(),
        },
        purpose: wrap(&practice.purpose),
        levels,
        scopes,
        rules,
        templates,
        factors: adjustments(catalog, |t| {
            t.practice.as_ref().is_some_and(|x| x.value == id)
        }),
    })
}

fn rule_explanation(catalog: &Catalog, rule: &smm_core::rules::CompiledRule) -> RuleExplanation {
    let (applies_when, requires) = rule.describe();
    let fires_on_templates = builtin_templates()
        .iter()
        .filter_map(|t| preview(catalog, t).ok().map(|r| (t.id.value.clone(), r)))
        .filter(|(_, r)| {
            check_rules(catalog, r)
                .iter()
                .any(|f| f.rule == rule.rule.id.value)
        })
        .map(|(id, _)| id)
        .collect();
    RuleExplanation {
        id: rule.rule.id.value.clone(),
        title: rule.rule.title.clone(),
        per_practice: rule.per_practice,
        applies_when,
        requires,
        why: wrap(&rule.rule.why),
        fix: wrap(&rule.rule.fix),
        practices: rule.practices().iter().map(|p| p.to_string()).collect(),
        fires_on_templates,
    }
}

/// The explanation as text for a terminal.
fn render(explanation: &Explanation) -> String {
    match explanation {
        Explanation::Practice(p) => render_practice(p),
        Explanation::Subdomain(g) => {
            let parent = g.domain.as_ref().map(|d| d.name.as_str()).unwrap_or("");
            let mut out = header(&g.name, &g.id, parent, &g.summary);
            out.push_str(&format!("\n{}\n", styled(HEADER, "Practices")));
            for p in &g.practices {
                out.push_str(&format!("  {}  {}\n", p.name, styled(DIM, &p.id)));
            }
            out.push_str(&render_adjustments(&g.factors));
            out
        }
        Explanation::Domain(g) => {
            let mut out = header(&g.name, &g.id, "domain", &g.summary);
            if !g.goal_options.is_empty() {
                out.push_str(&format!("\n{}\n", styled(HEADER, "Goal options (step 3)")));
                for o in &g.goal_options {
                    out.push_str(&format!(
                        "  {} -> {}/{}  {}\n    {}\n    {}\n",
                        o.id,
                        o.comprehensiveness,
                        o.scope,
                        "",
                        o.question,
                        styled(DIM, &o.statement)
                    ));
                }
            }
            out.push_str(&render_adjustments(&g.factors));
            out
        }
        Explanation::Rule(r) => render_rule(r),
        Explanation::RetiredRule { id, why } => format!(
            "{}  {}\nretired consistency rule: it no longer fires, and profiles that accept it still load\n\n{}\n{}\n",
            styled(HEADER, id),
            styled(DIM, "retired"),
            styled(HEADER, "Why it was retired"),
            why
        ),
    }
}

fn header(name: &str, id: &str, parent: &str, summary: &str) -> String {
    format!(
        "{}  {}\n{}\n\n{}\n",
        styled(HEADER, name),
        styled(DIM, id),
        styled(DIM, parent),
        summary
    )
}

fn render_adjustments(factors: &[FactorAdjustment]) -> String {
    if factors.is_empty() {
        return String::new();
    }
    let lines: Vec<String> = factors
        .iter()
        .map(|a| {
            let mut floor = Vec::new();
            if let Some(c) = a.at_least_comprehensiveness {
                floor.push(format!("comprehensiveness >= {c}"));
            }
            if let Some(s) = a.at_least_scope {
                floor.push(format!("scope >= {s}"));
            }
            format!(
                "  {} at least {}: {} ({})",
                a.factor,
                a.when_impact,
                floor.join(", "),
                a.reason
            )
        })
        .collect();
    format!(
        "\n{}\n{}\n",
        styled(HEADER, "Factors that raise the suggested default"),
        lines.join("\n")
    )
}

fn render_practice(p: &PracticeExplanation) -> String {
    let mut out = header(
        &p.name,
        &p.id,
        &format!("{} > {}", p.domain.name, p.subdomain.name),
        &p.purpose,
    );
    for level in &p.levels {
        out.push_str(&format!(
            "\n{}\n",
            styled(HEADER, &format!("{} {}", level.level.value(), level.name))
        ));
        if level.specific {
            out.push_str(&format!(
                "  {}\n  {}\n",
                level.description,
                styled(DIM, "To get there:")
            ));
            for a in &level.actions {
                out.push_str(&format!("    - {a}\n"));
            }
            out.push_str(&format!("  {}\n", styled(DIM, "An assessor looks for:")));
            for i in &level.indicators {
                out.push_str(&format!("    - {i}\n"));
            }
        } else {
            out.push_str(&format!("  {}\n", level.description));
        }
    }
    for s in &p.scopes {
        out.push_str(&format!(
            "\n{}\n  {}\n",
            styled(HEADER, &format!("{} scope adds", s.name)),
            s.adds
        ));
    }
    if !p.rules.is_empty() {
        let lines: Vec<String> = p
            .rules
            .iter()
            .map(|r| {
                format!(
                    "  {}: {}{}",
                    r.id,
                    r.title,
                    if r.per_practice {
                        " (checked on every practice)"
                    } else {
                        ""
                    }
                )
            })
            .collect();
        out.push_str(&format!(
            "\n{}\n{}\n",
            styled(HEADER, "Consistency rules that involve it"),
            lines.join("\n")
        ));
    }
    out.push_str(&format!("\n{}\n", styled(HEADER, "What the templates set")));
    for t in &p.templates {
        out.push_str(&format!(
            "  {:<22} {}/{:<9} {}\n",
            t.template,
            t.comprehensiveness,
            t.scope,
            styled(DIM, &t.how)
        ));
    }
    out.push_str(&render_adjustments(&p.factors));
    out
}

fn render_rule(r: &RuleExplanation) -> String {
    let mut out = format!(
        "{}  {}\n{}\n",
        styled(WARN, &r.title),
        styled(DIM, &r.id),
        styled(DIM, "consistency rule")
    );
    if r.per_practice {
        out.push_str("\nChecked for every practice in turn (\"the practice\" below).\n");
    }
    out.push_str(&format!("\n{}\n", styled(HEADER, "Applies when")));
    if r.applies_when.is_empty() {
        out.push_str("  always\n");
    }
    for w in &r.applies_when {
        out.push_str(&format!("  - {w}\n"));
    }
    out.push_str(&format!("\n{}\n", styled(HEADER, "Requires")));
    for q in &r.requires {
        out.push_str(&format!("  - {q}\n"));
    }
    out.push_str(&format!(
        "\n{}\n  {}\n\n{}\n  {}\n",
        styled(HEADER, "Why"),
        r.why,
        styled(HEADER, "What to do"),
        r.fix
    ));
    if !r.practices.is_empty() {
        out.push_str(&format!(
            "\n{} {}\n",
            styled(HEADER, "Practices:"),
            r.practices.join(", ")
        ));
    }
    out.push_str(&format!(
        "{} {}\n",
        styled(HEADER, "Fires on templates:"),
        if r.fires_on_templates.is_empty() {
            "none".to_string()
        } else {
            r.fires_on_templates.join(", ")
        }
    ));
    out.push_str(&format!(
        "\n{}\n",
        styled(
            DIM,
            &format!(
                "Accept it in a profile with `accepted-rules: {{{}: {{reason: ...}}}}`; see docs/rules.md.",
                r.id
            )
        )
    ));
    out
}
