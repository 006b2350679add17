//! What the wizard's pages show: the choices of a level, the rows of each step (factors, goals,
//! decisions, review, accepted rules) and the live effects of the answers so far.

use super::*;

/// A choice in a select.
pub struct Choice {
    pub(super) value: String,
    pub(super) label: String,
    pub(super) selected: bool,
}

pub(super) fn comprehensiveness_choices(
    catalog: &Catalog,
    current: Comprehensiveness,
) -> Vec<Choice> {
    Comprehensiveness::ALL
        .into_iter()
        .map(|c| Choice {
            value: c.value().to_string(),
            label: match catalog.comprehensiveness_meaning(c) {
                Some(m) => format!("{} {}", c.value(), m.name),
                None => c.value().to_string(),
            },
            selected: c == current,
        })
        .collect()
}

pub(super) fn scope_choices(catalog: &Catalog, current: Scope) -> Vec<Choice> {
    Scope::ALL
        .into_iter()
        .map(|s| Choice {
            value: s.token().to_string(),
            label: catalog
                .scope_meaning(s)
                .map(|m| m.name.clone())
                .unwrap_or_else(|| s.token().to_string()),
            selected: s == current,
        })
        .collect()
}

pub(super) fn level_words(catalog: &Catalog, level: Level) -> String {
    let c = catalog
        .comprehensiveness_meaning(level.comprehensiveness)
        .map(|m| m.name.clone())
        .unwrap_or_default();
    let s = catalog
        .scope_meaning(level.scope)
        .map(|m| m.name.clone())
        .unwrap_or_default();
    format!("{} {c}, {s}", level.comprehensiveness.value())
}

/// A goal option's depth in words, with its usual scope: the scope is chosen beside it.
fn option_words(catalog: &Catalog, option: &smm_core::catalog::GoalOption) -> String {
    let c = catalog
        .comprehensiveness_meaning(option.comprehensiveness)
        .map(|m| m.name.clone())
        .unwrap_or_default();
    let s = catalog
        .scope_meaning(option.scope)
        .map(|m| m.name.clone())
        .unwrap_or_default();
    format!("{} {c}, usually {s}", option.comprehensiveness.value())
}

/// Step 2: one factor of the catalog's list.
pub struct FactorRow {
    pub(super) kind: String,
    pub(super) question: String,
    pub(super) impact: String,
    pub(super) description: String,
}

/// Step 3: a goal option.
pub struct GoalChoice {
    pub(super) id: String,
    pub(super) statement: String,
    pub(super) question: String,
    pub(super) level: String,
    pub(super) checked: bool,
}

/// Step 3: a domain.
pub struct GoalRow {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) summary: String,
    /// The suggestion's level in words and its statement.
    pub(super) suggestion: Option<(String, String)>,
    pub(super) suggested: bool,
    pub(super) options: Vec<GoalChoice>,
    /// The scope that goes with the option picked; the first choice keeps the option's own.
    pub(super) option_scope: Vec<Choice>,
    pub(super) custom: bool,
    pub(super) statement: String,
    pub(super) comprehensiveness: Vec<Choice>,
    pub(super) scope: Vec<Choice>,
    pub(super) raised: Vec<String>,
}

/// Steps 4 and 5: a subdomain or practice.
pub struct DecisionRow {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) about: String,
    pub(super) suggested: String,
    pub(super) inherited: String,
    pub(super) reasons: Vec<String>,
    pub(super) take: String,
    pub(super) comprehensiveness: Vec<Choice>,
    pub(super) scope: Vec<Choice>,
    pub(super) rationale: String,
    pub(super) meanings: Vec<(String, String)>,
    pub(super) error: Option<String>,
}

/// The consequences panel: roll-ups and rule warnings of the draft as saved.
pub struct Effects {
    pub(super) domains: Vec<(String, String, String)>,
    pub(super) warnings: Vec<(String, String, String)>,
    pub(super) problems: Vec<String>,
}

/// The review: every practice as the target will have it.
pub struct ReviewRow {
    pub(super) name: String,
    pub(super) level: String,
    pub(super) source: String,
    pub(super) rationale: String,
}

/// The review: a rule that fires (or was accepted), and the reason for accepting it.
pub struct AcceptRow {
    pub(super) id: String,
    pub(super) title: String,
    pub(super) why: String,
    pub(super) reason: String,
}

/// Every rule that fires, then every accepted rule that no longer does, with its reason.
pub(super) fn accepted_rows(
    catalog: &Catalog,
    template: Option<&ProfileTemplate>,
    answers: &Answers,
) -> Vec<AcceptRow> {
    let findings = preview(catalog, template, answers)
        .map(|p| p.findings)
        .unwrap_or_default();
    let mut rows: Vec<AcceptRow> = Vec::new();
    for f in findings {
        if rows.iter().any(|r| r.id == f.rule) {
            continue;
        }
        rows.push(AcceptRow {
            reason: f.accepted.clone().unwrap_or_default(),
            id: f.rule,
            title: f.title,
            why: f.why,
        });
    }
    for (id, acceptance) in answers.accepted_rules.iter() {
        if !rows.iter().any(|r| r.id == id.value) {
            rows.push(AcceptRow {
                id: id.value.clone(),
                title: id.value.clone(),
                why: "This rule no longer fires.".to_string(),
                reason: acceptance.reason.value.clone(),
            });
        }
    }
    rows
}

pub(super) fn effects(catalog: &Catalog, answers: &Answers) -> Effects {
    let template = template_named(answers.template.as_deref());
    match preview(catalog, template.as_ref(), answers) {
        Ok(p) => Effects {
            domains: p
                .target
                .domains
                .iter()
                .map(|d| {
                    (
                        d.name.clone(),
                        level_words(catalog, d.level),
                        format!("{} / {}", d.rollup.comprehensiveness, d.rollup.scope),
                    )
                })
                .collect(),
            warnings: p
                .warnings()
                .map(|f| (f.title.clone(), f.why.clone(), f.fix.clone()))
                .chain(p.stale.iter().map(|d| {
                    (
                        d.message.clone(),
                        String::new(),
                        d.help.clone().unwrap_or_default(),
                    )
                }))
                .collect(),
            problems: Vec::new(),
        },
        Err(d) => Effects {
            domains: Vec::new(),
            warnings: Vec::new(),
            problems: d.0.iter().map(|p| p.to_string()).collect(),
        },
    }
}

pub(super) fn goal_rows(
    catalog: &Catalog,
    template: Option<&ProfileTemplate>,
    answers: &Answers,
) -> Vec<GoalRow> {
    catalog
        .domains
        .iter()
        .map(|d| {
            let id = d.id.value.as_str().to_string();
            let suggestion = suggest_goal(catalog, template, answers, &id);
            let pick = goal_pick(answers, &id);
            // A goal of one's own starts from the goal as it stands.
            let goal = goal_of(catalog, template, answers, &id);
            let level = goal
                .as_ref()
                .map(|g| Level::new(g.comprehensiveness.value, g.scope.value))
                .unwrap_or(Level::new(Comprehensiveness::AdHoc, Scope::General));
            GoalRow {
                options: d
                    .goals
                    .iter()
                    .map(|o| GoalChoice {
                        checked: pick == GoalPick::Option(o.id.value.clone()),
                        id: o.id.value.clone(),
                        statement: o.statement.trim().to_string(),
                        question: o.question.trim().to_string(),
                        level: option_words(catalog, o),
                    })
                    .collect(),
                option_scope: {
                    let chosen = goal_option_scope(answers, &id);
                    let mut choices = vec![Choice {
                        value: String::new(),
                        label: "the option's usual scope".to_string(),
                        selected: chosen.is_none(),
                    }];
                    choices.extend(scope_choices(catalog, Scope::General).into_iter().map(
                        |mut c| {
                            c.selected = chosen.is_some_and(|s| s.token() == c.value);
                            c
                        },
                    ));
                    choices
                },
                suggested: pick == GoalPick::Suggestion,
                suggestion: suggestion
                    .as_ref()
                    .map(|s| (level_words(catalog, s.level), s.statement.clone())),
                custom: pick == GoalPick::Own,
                statement: goal.map(|g| g.statement).unwrap_or_default(),
                comprehensiveness: comprehensiveness_choices(catalog, level.comprehensiveness),
                scope: scope_choices(catalog, level.scope),
                raised: suggestion
                    .map(|s| {
                        s.moves
                            .iter()
                            .map(|m| {
                                format!(
                                    "Raised to {} by the {} factor: {}",
                                    level_words(catalog, m.to),
                                    token(&m.factor),
                                    m.reason.trim()
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                name: d.name.clone(),
                summary: d.summary.trim().to_string(),
                id,
            }
        })
        .collect()
}

/// A select of comprehensiveness whose first choice, the empty value, keeps the level above.
pub(super) fn own_comprehensiveness(
    catalog: &Catalog,
    inherited: Level,
    current: Option<Comprehensiveness>,
) -> Vec<Choice> {
    let mut choices = vec![Choice {
        value: String::new(),
        label: format!(
            "as above: {}",
            level_words(catalog, inherited)
                .split(',')
                .next()
                .unwrap_or_default()
        ),
        selected: current.is_none(),
    }];
    choices.extend(
        comprehensiveness_choices(catalog, inherited.comprehensiveness)
            .into_iter()
            .map(|mut c| {
                c.selected = current.is_some_and(|v| v.value().to_string() == c.value);
                c
            }),
    );
    choices
}

/// A select of scope whose first choice, the empty value, keeps the scope above.
pub(super) fn own_scope(
    catalog: &Catalog,
    inherited: Level,
    current: Option<Scope>,
) -> Vec<Choice> {
    let above = catalog
        .scope_meaning(inherited.scope)
        .map(|m| m.name.clone())
        .unwrap_or_else(|| inherited.scope.token().to_string());
    let mut choices = vec![Choice {
        value: String::new(),
        label: format!("as above: {above}"),
        selected: current.is_none(),
    }];
    choices.extend(
        scope_choices(catalog, inherited.scope)
            .into_iter()
            .map(|mut c| {
                c.selected = current.is_some_and(|v| v.token() == c.value);
                c
            }),
    );
    choices
}

pub(super) fn decision_rows(
    catalog: &Catalog,
    template: Option<&ProfileTemplate>,
    answers: &Answers,
    kind: DecisionKind,
    row_errors: &[(String, String)],
) -> Vec<DecisionRow> {
    let items: Vec<(String, String, String)> = match kind {
        DecisionKind::Practice => catalog
            .practices()
            .map(|p| {
                (
                    p.practice.id.as_str().to_string(),
                    p.practice.name.clone(),
                    p.practice.purpose.trim().to_string(),
                )
            })
            .collect(),
        DecisionKind::Subdomain => catalog
            .subdomains()
            .map(|s| {
                (
                    s.subdomain.id.as_str().to_string(),
                    s.subdomain.name.clone(),
                    s.subdomain.summary.trim().to_string(),
                )
            })
            .collect(),
    };
    items
        .into_iter()
        .map(|(id, name, about)| {
            let suggestion = suggest_decision(catalog, template, answers, kind, &id);
            let pick = decision_pick(answers, kind, &id);
            let decision = entry(answers.decisions(kind), &id).cloned();
            // "Set it myself" starts from what confirming the suggestion would write.
            let own = match (&decision, &suggestion) {
                (Some(d), _) if pick == DecisionPick::Set => Some(d.clone()),
                (_, Some(s)) => Some(s.set(s.suggested, "")),
                _ => None,
            };
            let inherited = suggestion
                .as_ref()
                .map(|s| s.inherited)
                .unwrap_or(Level::new(Comprehensiveness::AdHoc, Scope::General));
            let meanings = match kind {
                DecisionKind::Practice => catalog
                    .practice(&id)
                    .map(|p| {
                        p.practice
                            .levels
                            .iter()
                            .map(|l| {
                                (
                                    level_words(catalog, Level::new(l.level.value, Scope::General))
                                        .split(',')
                                        .next()
                                        .unwrap_or("")
                                        .to_string(),
                                    l.description.trim().to_string(),
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                DecisionKind::Subdomain => Vec::new(),
            };
            DecisionRow {
                suggested: suggestion
                    .as_ref()
                    .map(|s| level_words(catalog, s.suggested))
                    .unwrap_or_default(),
                inherited: suggestion
                    .as_ref()
                    .map(|s| level_words(catalog, s.inherited))
                    .unwrap_or_default(),
                reasons: suggestion
                    .as_ref()
                    .map(|s| {
                        s.moves
                            .iter()
                            .map(|m| format!("{} factor: {}", token(&m.factor), m.reason.trim()))
                            .collect()
                    })
                    .unwrap_or_default(),
                take: match pick {
                    DecisionPick::Accept => "accept",
                    DecisionPick::Inherit => "inherit",
                    DecisionPick::Set => "override",
                }
                .to_string(),
                comprehensiveness: own_comprehensiveness(
                    catalog,
                    inherited,
                    own.as_ref()
                        .and_then(|d| d.comprehensiveness.as_ref().map(|c| c.value)),
                ),
                scope: own_scope(
                    catalog,
                    inherited,
                    own.as_ref().and_then(|d| d.scope.as_ref().map(|s| s.value)),
                ),
                rationale: decision
                    .and_then(|d| d.rationale.map(|r| r.value))
                    .unwrap_or_default(),
                meanings,
                error: row_errors
                    .iter()
                    .find(|(k, _)| *k == id)
                    .map(|(_, e)| e.clone()),
                id,
                name,
                about,
            }
        })
        .collect()
}
