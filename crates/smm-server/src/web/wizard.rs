//! The target wizard: the five steps of setting a target, in pages. Each step is a form; every
//! submit saves the draft (nothing typed is lost, and a draft resumes where it stopped), then
//! shows the consequences: the domains' roll-ups and the rules that fire. The engine is the
//! core's interview ([`smm_core::interview`]), the same the terminal interview uses.

use askama::Template;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

use smm_core::catalog::Catalog;
use smm_core::document::Acceptance;
use smm_core::document::{builtin_templates, Date, Factor, Template as ProfileTemplate};
use smm_core::interview::{
    build_profile, decision_pick, entry, factors_in_effect, goal_of, goal_pick, parse_answers,
    preview, remove_entry, set_entry, suggest_decision, suggest_goal, suggested_role, Answers,
    Decision, DecisionKind, DecisionPick, GoalAnswer, GoalPick, Step, Take,
};
use smm_core::located::Located;
use smm_core::{resolve, Comprehensiveness, Level, Scope};
use smm_store::{DocumentKind, Draft, StoreError, SystemId};

use super::{render, Done, Nav, PageError, PageResult, PageUser};
use crate::access;
use crate::app::documents;
use crate::authz::Action;
use crate::extract::ApiPath;
use crate::problem::Problem;
use crate::state::{today, AppState};

/// The steps, as they appear in URLs.
const STEPS: [(&str, &str); 6] = [
    ("background", "1. Background"),
    ("factors", "2. Factors"),
    ("goals", "3. Goals per domain"),
    ("subdomains", "4. Needs per subdomain"),
    ("practices", "5. Purpose per practice"),
    ("review", "Review and save"),
];

fn step_of(slug: &str) -> Option<Step> {
    Some(match slug {
        "background" => Step::Background,
        "factors" => Step::Factors,
        "goals" => Step::Goals,
        "subdomains" => Step::Subdomains,
        "practices" => Step::Practices,
        "review" => Step::Done,
        _ => return None,
    })
}

fn slug_of(step: Step) -> &'static str {
    match step {
        Step::Background => "background",
        Step::Factors => "factors",
        Step::Goals => "goals",
        Step::Subdomains => "subdomains",
        Step::Practices => "practices",
        Step::Done => "review",
    }
}

/// The kebab-case word serde uses for a value.
fn token<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// A value from its kebab-case word.
fn from_token<T: DeserializeOwned>(word: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(word.to_string())).ok()
}

fn template_named(name: Option<&str>) -> Option<ProfileTemplate> {
    let name = name?;
    builtin_templates().into_iter().find(|t| t.id.value == name)
}

/// A choice in a select.
pub struct Choice {
    value: String,
    label: String,
    selected: bool,
}

fn comprehensiveness_choices(catalog: &Catalog, current: Comprehensiveness) -> Vec<Choice> {
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

fn scope_choices(catalog: &Catalog, current: Scope) -> Vec<Choice> {
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

fn level_words(catalog: &Catalog, level: Level) -> String {
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

/// Step 2: one factor of the catalog's list.
pub struct FactorRow {
    kind: String,
    question: String,
    impact: String,
    description: String,
}

/// Step 3: a goal option.
pub struct GoalChoice {
    id: String,
    statement: String,
    question: String,
    level: String,
    checked: bool,
}

/// Step 3: a domain.
pub struct GoalRow {
    id: String,
    name: String,
    summary: String,
    /// The suggestion's level in words and its statement.
    suggestion: Option<(String, String)>,
    suggested: bool,
    options: Vec<GoalChoice>,
    custom: bool,
    statement: String,
    comprehensiveness: Vec<Choice>,
    scope: Vec<Choice>,
    raised: Vec<String>,
}

/// Steps 4 and 5: a subdomain or practice.
pub struct DecisionRow {
    id: String,
    name: String,
    about: String,
    suggested: String,
    inherited: String,
    reasons: Vec<String>,
    take: String,
    comprehensiveness: Vec<Choice>,
    scope: Vec<Choice>,
    rationale: String,
    meanings: Vec<(String, String)>,
    error: Option<String>,
}

/// The consequences panel: roll-ups and rule warnings of the draft as saved.
pub struct Effects {
    domains: Vec<(String, String, String)>,
    warnings: Vec<(String, String, String)>,
    problems: Vec<String>,
}

/// The review: every practice as the target will have it.
pub struct ReviewRow {
    name: String,
    level: String,
    source: String,
    rationale: String,
}

/// The review: a rule that fires (or was accepted), and the reason for accepting it.
pub struct AcceptRow {
    id: String,
    title: String,
    why: String,
    reason: String,
}

/// Every rule that fires, then every accepted rule that no longer does, with its reason.
fn accepted_rows(
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

#[derive(Template)]
#[template(path = "wizard.html")]
struct WizardPage {
    nav: Option<Nav>,
    csrf: String,
    draft: i64,
    system_id: i64,
    system_name: String,
    step: &'static str,
    steps: Vec<(&'static str, &'static str, bool)>,
    error: Option<String>,
    saved_at: String,
    revision: i64,
    // Step 1.
    name: String,
    version: String,
    system: String,
    roles: Vec<Choice>,
    authors: String,
    date: String,
    background: String,
    templates: Vec<Choice>,
    // Step 2.
    factors: Vec<FactorRow>,
    // Step 3.
    goals: Vec<GoalRow>,
    // Steps 4 and 5.
    decisions: Vec<DecisionRow>,
    // Review.
    review: Vec<ReviewRow>,
    accepted: Vec<AcceptRow>,
    effects: Effects,
}

fn effects(catalog: &Catalog, answers: &Answers) -> Effects {
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

async fn draft_for(
    state: &AppState,
    user: &PageUser,
    id: i64,
) -> Result<(Draft, smm_store::SystemInfo), Problem> {
    let draft = state
        .store
        .draft(id)
        .await
        .map_err(|_| Problem::not_found(format!("draft {id}")))?;
    let (info, _) = access::system(state, &user.caller, draft.system.0, Action::WriteTarget)
        .await
        .map_err(|p| {
            if p.status == 404 {
                Problem::not_found(format!("draft {id}"))
            } else {
                p
            }
        })?;
    Ok((draft, info))
}

fn answers_of(draft: &Draft) -> Answers {
    parse_answers(&draft.body).unwrap_or_default()
}

fn to_text(answers: &Answers) -> String {
    serde_saphyr::to_string(answers).unwrap_or_default()
}

/// Starts a draft for a system (from a template, or none).
pub async fn start(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(id): ApiPath<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    let field = |name: &str| super::field(&fields, name);
    user.check_csrf(&field("csrf"))?;
    let (info, _) = access::system(&state, &user.caller, id, Action::WriteTarget).await?;
    let answers = Answers {
        system: Some(info.name.clone()),
        date: Date::parse(&today()),
        authors: vec![user.caller.actor()],
        // A template's role and typical factors are the starting answers, as in the terminal.
        ..template_named(Some(&field("template")))
            .map(|t| Answers::from_template(&t.id.value, &t))
            .unwrap_or_default()
    };
    match state
        .store
        .create_draft(
            &user.caller.actor(),
            info.organization,
            SystemId(id),
            &to_text(&answers),
        )
        .await
    {
        Ok(draft) => Ok(Redirect::to(&format!("/drafts/{}/background", draft.id)).into_response()),
        Err(e) => Err(PageError(e.into(), None)),
    }
}

/// A step of the wizard.
pub async fn show(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath((id, step)): ApiPath<(i64, String)>,
) -> PageResult {
    let Some(step) = step_of(&step) else {
        return Err(PageError::from(Problem::not_found(format!(
            "step `{step}`"
        ))));
    };
    let (draft, info) = draft_for(&state, &user, id).await?;
    let answers = answers_of(&draft);
    Ok(page(&state, &user, &draft, &info, &answers, step, None, &[]).await)
}

#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    user: &PageUser,
    draft: &Draft,
    info: &smm_store::SystemInfo,
    answers: &Answers,
    step: Step,
    error: Option<String>,
    row_errors: &[(String, String)],
) -> Response {
    let catalog = &state.catalog;
    let template = template_named(answers.template.as_deref());
    let slug = slug_of(step);
    let mut view = WizardPage {
        nav: Some(user.nav(state, info.organization.0).await),
        csrf: user.csrf.clone(),
        draft: draft.id,
        system_id: info.id.0,
        system_name: info.name.clone(),
        step: slug,
        steps: STEPS.iter().map(|(s, l)| (*s, *l, *s == slug)).collect(),
        error,
        saved_at: draft.updated_at.clone(),
        revision: draft.revision,
        name: answers.name.clone().unwrap_or_default(),
        version: answers.version.clone().unwrap_or_default(),
        system: answers.system.clone().unwrap_or_default(),
        roles: ["vendor", "integrator", "operator", "consumer"]
            .iter()
            .map(|r| Choice {
                value: (*r).to_string(),
                label: (*r).to_string(),
                selected: suggested_role(template.as_ref(), answers)
                    .as_ref()
                    .map(token)
                    .as_deref()
                    == Some(*r),
            })
            .collect(),
        authors: answers.authors.join("\n"),
        date: answers.date.map(|d| d.to_string()).unwrap_or_default(),
        background: answers.background.clone().unwrap_or_default(),
        templates: std::iter::once(Choice {
            value: String::new(),
            label: "none: start from the catalog's defaults".to_string(),
            selected: answers.template.is_none(),
        })
        .chain(builtin_templates().into_iter().map(|t| Choice {
            selected: answers.template.as_deref() == Some(t.id.value.as_str()),
            label: t.title.clone(),
            value: t.id.value,
        }))
        .collect(),
        factors: Vec::new(),
        goals: Vec::new(),
        decisions: Vec::new(),
        review: Vec::new(),
        accepted: Vec::new(),
        effects: effects(catalog, answers),
    };
    match step {
        Step::Factors => {
            view.factors = catalog
                .factors
                .iter()
                .map(|g| {
                    let given = factors_in_effect(template.as_ref(), answers)
                        .iter()
                        .find(|f| f.kind == g.kind);
                    FactorRow {
                        kind: token(&g.kind),
                        question: g.question.trim().to_string(),
                        impact: given
                            .and_then(|f| f.impact.as_ref())
                            .map(token)
                            .unwrap_or_default(),
                        description: given.map(|f| f.description.clone()).unwrap_or_default(),
                    }
                })
                .collect();
        }
        Step::Goals => view.goals = goal_rows(catalog, template.as_ref(), answers),
        Step::Subdomains | Step::Practices => {
            let kind = if step == Step::Practices {
                DecisionKind::Practice
            } else {
                DecisionKind::Subdomain
            };
            view.decisions = decision_rows(catalog, template.as_ref(), answers, kind, row_errors);
        }
        Step::Done => match build_profile(catalog, template.as_ref(), answers)
            .map_err(|d| d.to_string())
            .and_then(|b| resolve(catalog, &b.profile).map_err(|d| d.to_string()))
        {
            Ok(resolved) => {
                view.accepted = accepted_rows(catalog, template.as_ref(), answers);
                view.review = resolved
                    .practices
                    .iter()
                    .map(|p| ReviewRow {
                        name: p.name.clone(),
                        level: level_words(catalog, p.level()),
                        source: token(&p.source),
                        rationale: p.rationale.clone().unwrap_or_default(),
                    })
                    .collect();
            }
            Err(e) => {
                if view.error.is_none() {
                    view.error = Some(format!("The target is not complete yet: {e}"));
                }
            }
        },
        Step::Background => {}
    }
    render(&view)
}

fn goal_rows(
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
                        level: level_words(catalog, Level::new(o.comprehensiveness, o.scope)),
                    })
                    .collect(),
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
fn own_comprehensiveness(
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
fn own_scope(catalog: &Catalog, inherited: Level, current: Option<Scope>) -> Vec<Choice> {
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

fn decision_rows(
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

/// A step's form: saves the answers, then goes back, stays, or goes on.
pub async fn save(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath((id, step)): ApiPath<(i64, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    let Some(step) = step_of(&step) else {
        return Err(PageError::from(Problem::not_found(format!(
            "step `{step}`"
        ))));
    };
    let field = |name: &str| super::field(&fields, name);
    user.check_csrf(&field("csrf"))?;
    // The page's script saves in the background while a step is being filled in. Such a save is
    // based on the revision its page showed and is refused if the draft moved on since (the step
    // was submitted meanwhile, or another tab saved), so late answers never replace newer ones.
    // A submit is the person's latest word: on a conflict it is applied to the newer draft.
    let autosave = field("autosave") == "1";
    let shown = field("revision").parse::<i64>().ok();
    let mut attempts = 1;
    let (draft, info, answers, error, row_errors, next) = loop {
        let (draft, info) = draft_for(&state, &user, id).await?;
        let mut answers = answers_of(&draft);
        let (error, row_errors) = apply(&state.catalog, step, &fields, &mut answers);
        let next = match (field("go").as_str(), &error) {
            (_, Some(_)) => step,
            ("back", _) => step.previous(),
            ("next", _) => step.next(),
            _ => step,
        };
        if answers.step < next {
            answers.step = next;
        }
        let based_on = if autosave {
            shown
        } else {
            Some(draft.revision)
        };
        // Saved even when something is missing: the draft keeps what was typed.
        match state
            .store
            .save_draft(id, &to_text(&answers), based_on)
            .await
        {
            Ok(_) => break (draft, info, answers, error, row_errors, next),
            Err(StoreError::Conflict { .. }) if autosave => {
                return Err(PageError::from(Problem::new(
                    StatusCode::CONFLICT,
                    "this draft was saved elsewhere since this page was loaded: \
                     \u{201c}Save and check\u{201d} keeps what this page shows"
                        .to_string(),
                )));
            }
            Err(StoreError::Conflict { .. }) if attempts < SAVE_ATTEMPTS => attempts += 1,
            Err(e) => return Err(PageError(e.into(), None)),
        }
    };
    if error.is_some() {
        let draft = state.store.draft(id).await.unwrap_or(draft);
        let mut response = page(
            &state,
            &user,
            &draft,
            &info,
            &answers,
            step,
            error,
            &row_errors,
        )
        .await;
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(response);
    }
    Ok(Redirect::to(&format!("/drafts/{id}/{}", slug_of(next))).into_response())
}

/// How many times a submitted step is applied to a freshly read draft when other saves keep
/// landing between the read and the write.
const SAVE_ATTEMPTS: u32 = 5;

/// Puts a step's submitted fields into the answers. Returns the message for what is still
/// missing, and the rows that lack a reason.
fn apply(
    catalog: &Catalog,
    step: Step,
    fields: &[(String, String)],
    answers: &mut Answers,
) -> (Option<String>, Vec<(String, String)>) {
    // Browsers send a text area's line breaks as CR LF; the answers keep plain LF.
    let field = |name: &str| super::field(fields, name).replace("\r\n", "\n");
    let mut row_errors: Vec<(String, String)> = Vec::new();
    let mut error = None;
    let optional = |v: String| Some(v).filter(|s| !s.is_empty());
    let template = template_named(answers.template.as_deref());
    match step {
        Step::Background => {
            answers.name = optional(field("name"));
            answers.version = optional(field("version"));
            answers.system = optional(field("system"));
            answers.role = from_token(&field("role"));
            answers.authors = field("authors")
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect();
            // Kept as typed (a closing line break included), so a text pasted from an answers
            // file gives the same profile.
            let background = fields
                .iter()
                .find(|(k, _)| k == "background")
                .map(|(_, v)| v.replace("\r\n", "\n"))
                .unwrap_or_default();
            answers.background = Some(background).filter(|b| !b.trim().is_empty());
            answers.template = template_named(Some(&field("template"))).map(|t| t.id.value);
            let date = field("date");
            answers.date = Date::parse(&date);
            if !date.is_empty() && answers.date.is_none() {
                error = Some(format!("The date `{date}` is not a date: use YYYY-MM-DD."));
            }
        }
        Step::Factors => {
            // In the catalog's order on the page; a factor already given keeps its place.
            for g in &catalog.factors {
                let kind = token(&g.kind);
                let description = field(&format!("factor.{kind}.description"));
                let factor = (!description.is_empty()).then(|| Factor {
                    kind: g.kind,
                    impact: from_token(&field(&format!("factor.{kind}.impact"))),
                    description,
                });
                answers.set_factor(template.as_ref(), g.kind, factor);
            }
        }
        Step::Goals => {
            for d in &catalog.domains {
                let id = d.id.value.as_str();
                let choice = field(&format!("goal.{id}.option"));
                let answer = match choice.as_str() {
                    "custom" => GoalAnswer {
                        option: None,
                        statement: optional(field(&format!("goal.{id}.statement"))),
                        comprehensiveness: field(&format!("goal.{id}.comprehensiveness"))
                            .parse::<u64>()
                            .ok()
                            .and_then(Comprehensiveness::from_value)
                            .map(Located::new),
                        scope: Scope::parse(&field(&format!("goal.{id}.scope"))).map(Located::new),
                    },
                    // The suggestion is what an unanswered goal takes.
                    "" | "suggested" => {
                        remove_entry(&mut answers.goals, id);
                        continue;
                    }
                    _ => GoalAnswer {
                        option: Some(Located::new(choice.clone())),
                        ..GoalAnswer::default()
                    },
                };
                if choice == "custom" && answer.statement.is_none() {
                    error = Some(format!("{}: a goal of your own needs a statement.", d.name));
                }
                set_entry(&mut answers.goals, id, answer);
            }
        }
        Step::Subdomains | Step::Practices => {
            let kind = if step == Step::Practices {
                DecisionKind::Practice
            } else {
                DecisionKind::Subdomain
            };
            let ids: Vec<String> = match kind {
                DecisionKind::Practice => catalog.practice_ids().map(str::to_string).collect(),
                DecisionKind::Subdomain => catalog.subdomain_ids().map(str::to_string).collect(),
            };
            for id in ids {
                let take = field(&format!("item.{id}.take"));
                let decision = match take.as_str() {
                    "inherit" => Some(Decision {
                        take: Some(Take::Inherit),
                        ..Decision::default()
                    }),
                    "override" => {
                        let rationale = field(&format!("item.{id}.rationale"));
                        if rationale.trim().is_empty() {
                            row_errors.push((
                                id.clone(),
                                "A change needs a reason: say why this level fits.".to_string(),
                            ));
                        }
                        // An empty level keeps the one above: only what is set is written.
                        Some(Decision {
                            take: None,
                            comprehensiveness: field(&format!("item.{id}.comprehensiveness"))
                                .parse::<u64>()
                                .ok()
                                .and_then(Comprehensiveness::from_value)
                                .map(Located::new),
                            scope: Scope::parse(&field(&format!("item.{id}.scope")))
                                .map(Located::new),
                            rationale: Some(rationale).filter(|r| !r.is_empty()).map(Located::new),
                        })
                    }
                    _ => None,
                };
                let list = answers.decisions_mut(kind);
                match decision {
                    Some(d) => set_entry(list, &id, d),
                    None => remove_entry(list, &id),
                }
            }
            if !row_errors.is_empty() {
                error = Some("Some changes have no reason yet; they are marked below.".to_string());
            }
        }
        Step::Done => {
            // Accepting a rule's warning with a reason; an emptied reason withdraws it.
            for rule in catalog.rules() {
                let id = rule.rule.id.value.as_str();
                let name = format!("rule.{id}.reason");
                if !fields.iter().any(|(k, _)| *k == name) {
                    continue;
                }
                match optional(field(&name).trim().to_string()) {
                    Some(reason) => set_entry(
                        &mut answers.accepted_rules,
                        id,
                        Acceptance {
                            reason: Located::new(reason),
                        },
                    ),
                    None => remove_entry(&mut answers.accepted_rules, id),
                }
            }
        }
    }
    (error, row_errors)
}

/// Builds the target from the draft, stores it as a new target document and removes the draft.
pub async fn finish(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(id): ApiPath<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_csrf(&super::field(&fields, "csrf"))?;
    let (draft, info) = draft_for(&state, &user, id).await?;
    let answers = answers_of(&draft);
    let template = template_named(answers.template.as_deref());
    let built = match build_profile(&state.catalog, template.as_ref(), &answers) {
        Ok(b) => b,
        Err(d) => {
            return Ok(page(
                &state,
                &user,
                &draft,
                &info,
                &answers,
                Step::Done,
                Some(format!("The target is not complete yet: {d}")),
                &[],
            )
            .await);
        }
    };
    let body = format!(
        "# Set with the smm web wizard by {}\n{}",
        user.caller.actor(),
        serde_saphyr::to_string(&built.profile).unwrap_or_default()
    );
    let stored = documents::create(
        &state,
        &user.caller.actor(),
        info.organization,
        info.id,
        DocumentKind::TargetProfile,
        body,
    )
    .await?;
    let _ = state.store.delete_draft(id).await;
    let done = Done::TargetSaved {
        version: stored.version,
    };
    Ok(Redirect::to(&done.on(&format!("/systems/{}", info.id.0))).into_response())
}
