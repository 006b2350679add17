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
use smm_core::document::{builtin_templates, Date, Factor, Template as ProfileTemplate};
use smm_core::interview::{
    build_profile, default_goal_option, parse_answers, Answers, Decision, GoalAnswer, MoveTarget,
    Remaining, Step, Take,
};
use smm_core::located::{Entries, Located};
use smm_core::{check_rules, resolve, Comprehensiveness, Level, Scope};
use smm_store::{DocumentKind, Draft, StoreError, SystemId};

use super::{page_error, render, Nav, PageUser};
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

/// Answers with placeholders for what step 1 has not said yet, so suggestions can be computed
/// from the first step on.
fn probe(answers: &Answers) -> Answers {
    let mut p = answers.clone();
    let fill = |v: &mut Option<String>| {
        if v.as_deref().is_none_or(|s| s.trim().is_empty()) {
            *v = Some("draft".to_string());
        }
    };
    fill(&mut p.name);
    fill(&mut p.system);
    if p.role.is_none() {
        p.role = from_token("operator");
    }
    if p.date.is_none() {
        p.date = Date::parse(&today());
    }
    p
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
    effects: Effects,
}

fn effects(catalog: &Catalog, answers: &Answers) -> Effects {
    let template = template_named(answers.template.as_deref());
    let mut out = Effects {
        domains: Vec::new(),
        warnings: Vec::new(),
        problems: Vec::new(),
    };
    let built = match build_profile(catalog, template.as_ref(), &probe(answers)) {
        Ok(b) => b,
        Err(d) => {
            out.problems = d.0.iter().map(|p| p.to_string()).collect();
            return out;
        }
    };
    let resolved = match resolve(catalog, &built.profile) {
        Ok(r) => r,
        Err(d) => {
            out.problems = d.0.iter().map(|p| p.to_string()).collect();
            return out;
        }
    };
    out.domains = resolved
        .domains
        .iter()
        .map(|d| {
            (
                d.name.clone(),
                level_words(catalog, d.level),
                format!("{} / {}", d.rollup.comprehensiveness, d.rollup.scope),
            )
        })
        .collect();
    out.warnings = check_rules(catalog, &resolved)
        .into_iter()
        .filter(|f| f.accepted.is_none())
        .map(|f| (f.title, f.why, f.fix))
        .collect();
    out
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
) -> Response {
    let field = |name: &str| super::field(&fields, name);
    if let Err(p) = user.check_csrf(&field("csrf")) {
        return page_error(p);
    }
    let (info, _) = match access::system(&state, &user.caller, id, Action::WriteTarget).await {
        Ok(found) => found,
        Err(p) => return page_error(p),
    };
    let template = field("template");
    let answers = Answers {
        template: template_named(Some(&template)).map(|t| t.id.value),
        system: Some(info.name.clone()),
        date: Date::parse(&today()),
        authors: vec![user.caller.actor()],
        ..Answers::default()
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
        Ok(draft) => Redirect::to(&format!("/drafts/{}/background", draft.id)).into_response(),
        Err(e) => page_error(e.into()),
    }
}

/// A step of the wizard.
pub async fn show(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath((id, step)): ApiPath<(i64, String)>,
) -> Response {
    let Some(step) = step_of(&step) else {
        return page_error(Problem::not_found(format!("step `{step}`")));
    };
    let (draft, info) = match draft_for(&state, &user, id).await {
        Ok(found) => found,
        Err(p) => return page_error(p),
    };
    let answers = answers_of(&draft);
    page(&state, &user, &draft, &info, &answers, step, None, &[]).await
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
                selected: answers.role.as_ref().map(token).as_deref() == Some(*r),
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
        effects: effects(catalog, answers),
    };
    match step {
        Step::Factors => {
            view.factors = catalog
                .factors
                .iter()
                .map(|g| {
                    let given = answers.factors.iter().find(|f| f.kind == g.kind);
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
            view.decisions = decision_rows(
                catalog,
                template.as_ref(),
                answers,
                step == Step::Practices,
                row_errors,
            );
        }
        Step::Done => match build_profile(catalog, template.as_ref(), answers)
            .map_err(|d| d.to_string())
            .and_then(|b| resolve(catalog, &b.profile).map_err(|d| d.to_string()))
        {
            Ok(resolved) => {
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
    let built = build_profile(catalog, template, &probe(answers)).ok();
    catalog
        .domains
        .iter()
        .map(|d| {
            let id = d.id.value.as_str().to_string();
            let answer = answers
                .goals
                .0
                .iter()
                .find(|(k, _)| k.value == id)
                .map(|(_, a)| a);
            let chosen = answer
                .and_then(|a| a.option.as_ref().map(|o| o.value.clone()))
                .or_else(|| {
                    if answer.is_some_and(|a| a.comprehensiveness.is_some()) {
                        None
                    } else {
                        default_goal_option(catalog, &id).map(|o| o.id.value.clone())
                    }
                });
            let custom =
                answer.is_some_and(|a| a.option.is_none() && a.comprehensiveness.is_some());
            let goal = built
                .as_ref()
                .and_then(|b| b.profile.goals.0.iter().find(|(k, _)| k.value == id))
                .map(|(_, g)| g.clone());
            let level = goal
                .as_ref()
                .map(|g| Level::new(g.comprehensiveness.value, g.scope.value))
                .unwrap_or(Level::new(Comprehensiveness::AdHoc, Scope::General));
            let raised = built
                .as_ref()
                .map(|b| {
                    b.moves
                        .iter()
                        .filter(|m| m.target == MoveTarget::Goal(id.clone()))
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
                .unwrap_or_default();
            GoalRow {
                options: d
                    .goals
                    .iter()
                    .map(|o| GoalChoice {
                        id: o.id.value.clone(),
                        statement: o.statement.trim().to_string(),
                        question: o.question.trim().to_string(),
                        level: level_words(catalog, Level::new(o.comprehensiveness, o.scope)),
                        checked: !custom && chosen.as_deref() == Some(o.id.value.as_str()),
                    })
                    .collect(),
                custom,
                statement: answer
                    .and_then(|a| a.statement.clone())
                    .or_else(|| goal.as_ref().map(|g| g.statement.clone()))
                    .unwrap_or_default(),
                comprehensiveness: comprehensiveness_choices(catalog, level.comprehensiveness),
                scope: scope_choices(catalog, level.scope),
                raised,
                name: d.name.clone(),
                summary: d.summary.trim().to_string(),
                id,
            }
        })
        .collect()
}

fn level_in(
    catalog: &Catalog,
    template: Option<&ProfileTemplate>,
    answers: &Answers,
    id: &str,
    practice: bool,
) -> Option<Level> {
    let built = build_profile(catalog, template, answers).ok()?;
    let resolved = resolve(catalog, &built.profile).ok()?;
    if practice {
        resolved.practice(id).map(|p| p.level())
    } else {
        resolved.subdomain(id).map(|s| s.level)
    }
}

fn entries(answers: &mut Answers, practices: bool) -> &mut Entries<Decision> {
    if practices {
        &mut answers.practices
    } else {
        &mut answers.subdomains
    }
}

fn set_entry<V>(entries: &mut Entries<V>, id: &str, value: V) {
    entries.0.retain(|(k, _)| k.value != id);
    entries.0.push((Located::new(id.to_string()), value));
}

fn decision_rows(
    catalog: &Catalog,
    template: Option<&ProfileTemplate>,
    answers: &Answers,
    practices: bool,
    row_errors: &[(String, String)],
) -> Vec<DecisionRow> {
    let base = probe(answers);
    let items: Vec<(String, String, String)> = if practices {
        catalog
            .practices()
            .map(|p| {
                (
                    p.practice.id.as_str().to_string(),
                    p.practice.name.clone(),
                    p.practice.purpose.trim().to_string(),
                )
            })
            .collect()
    } else {
        catalog
            .subdomains()
            .map(|s| {
                (
                    s.subdomain.id.as_str().to_string(),
                    s.subdomain.name.clone(),
                    s.subdomain.summary.trim().to_string(),
                )
            })
            .collect()
    };
    items
        .into_iter()
        .map(|(id, name, about)| {
            let mut suggest = base.clone();
            suggest.remaining = Remaining::Accept;
            entries(&mut suggest, practices)
                .0
                .retain(|(k, _)| k.value != id);
            let suggested = level_in(catalog, template, &suggest, &id, practices);
            let target = if practices {
                MoveTarget::Practice(id.clone())
            } else {
                MoveTarget::Subdomain(id.clone())
            };
            let reasons = build_profile(catalog, template, &suggest)
                .map(|b| {
                    b.moves
                        .into_iter()
                        .filter(|m| m.target == target)
                        .map(|m| format!("{} factor: {}", token(&m.factor), m.reason.trim()))
                        .collect()
                })
                .unwrap_or_default();
            let mut inherit = suggest.clone();
            set_entry(
                entries(&mut inherit, practices),
                &id,
                Decision {
                    take: Some(Take::Inherit),
                    ..Decision::default()
                },
            );
            let inherited = level_in(catalog, template, &inherit, &id, practices);
            let decision = if practices {
                &answers.practices
            } else {
                &answers.subdomains
            }
            .0
            .iter()
            .find(|(k, _)| k.value == id)
            .map(|(_, d)| d.clone());
            let overridden = decision.as_ref().is_some_and(|d| {
                d.comprehensiveness.is_some() || d.scope.is_some() || d.rationale.is_some()
            });
            let take = match &decision {
                Some(d) if overridden => {
                    let _ = d;
                    "override".to_string()
                }
                Some(Decision {
                    take: Some(Take::Inherit),
                    ..
                }) => "inherit".to_string(),
                _ => "accept".to_string(),
            };
            let shown = level_in(catalog, template, &base, &id, practices)
                .or(suggested)
                .unwrap_or(Level::new(Comprehensiveness::AdHoc, Scope::General));
            let meanings = if practices {
                catalog
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
                    .unwrap_or_default()
            } else {
                Vec::new()
            };
            DecisionRow {
                suggested: suggested
                    .map(|l| level_words(catalog, l))
                    .unwrap_or_default(),
                inherited: inherited
                    .map(|l| level_words(catalog, l))
                    .unwrap_or_default(),
                reasons,
                take,
                comprehensiveness: comprehensiveness_choices(catalog, shown.comprehensiveness),
                scope: scope_choices(catalog, shown.scope),
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
) -> Response {
    let Some(step) = step_of(&step) else {
        return page_error(Problem::not_found(format!("step `{step}`")));
    };
    let field = |name: &str| super::field(&fields, name);
    if let Err(p) = user.check_csrf(&field("csrf")) {
        return page_error(p);
    }
    // The page's script saves in the background while a step is being filled in. Such a save is
    // based on the revision its page showed and is refused if the draft moved on since (the step
    // was submitted meanwhile, or another tab saved), so late answers never replace newer ones.
    // A submit is the person's latest word: on a conflict it is applied to the newer draft.
    let autosave = field("autosave") == "1";
    let shown = field("revision").parse::<i64>().ok();
    let mut attempts = 1;
    let (draft, info, answers, error, row_errors, next) = loop {
        let (draft, info) = match draft_for(&state, &user, id).await {
            Ok(found) => found,
            Err(p) => return page_error(p),
        };
        let mut answers = answers_of(&draft);
        let (error, row_errors) = apply(&state.catalog, step, field, &mut answers);
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
                return page_error(Problem::new(
                    StatusCode::CONFLICT,
                    "this draft was saved elsewhere since this page was loaded: \
                     \u{201c}Save and check\u{201d} keeps what this page shows"
                        .to_string(),
                ));
            }
            Err(StoreError::Conflict { .. }) if attempts < SAVE_ATTEMPTS => attempts += 1,
            Err(e) => return page_error(e.into()),
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
        return response;
    }
    Redirect::to(&format!("/drafts/{id}/{}", slug_of(next))).into_response()
}

/// How many times a submitted step is applied to a freshly read draft when other saves keep
/// landing between the read and the write.
const SAVE_ATTEMPTS: u32 = 5;

/// Puts a step's submitted fields into the answers. Returns the message for what is still
/// missing, and the rows that lack a reason.
fn apply(
    catalog: &Catalog,
    step: Step,
    field: impl Fn(&str) -> String,
    answers: &mut Answers,
) -> (Option<String>, Vec<(String, String)>) {
    let mut row_errors: Vec<(String, String)> = Vec::new();
    let mut error = None;
    let optional = |v: String| Some(v).filter(|s| !s.is_empty());
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
            answers.background = optional(field("background"));
            answers.template = template_named(Some(&field("template"))).map(|t| t.id.value);
            let date = field("date");
            answers.date = Date::parse(&date);
            if !date.is_empty() && answers.date.is_none() {
                error = Some(format!("The date `{date}` is not a date: use YYYY-MM-DD."));
            }
        }
        Step::Factors => {
            answers.factors = catalog
                .factors
                .iter()
                .filter_map(|g| {
                    let kind = token(&g.kind);
                    let description = field(&format!("factor.{kind}.description"));
                    (!description.is_empty()).then(|| Factor {
                        kind: g.kind,
                        impact: from_token(&field(&format!("factor.{kind}.impact"))),
                        description,
                    })
                })
                .collect();
        }
        Step::Goals => {
            for d in &catalog.domains {
                let id = d.id.value.as_str();
                let choice = field(&format!("goal.{id}.option"));
                let answer = if choice == "custom" {
                    GoalAnswer {
                        option: None,
                        statement: optional(field(&format!("goal.{id}.statement"))),
                        comprehensiveness: field(&format!("goal.{id}.comprehensiveness"))
                            .parse::<u64>()
                            .ok()
                            .and_then(Comprehensiveness::from_value)
                            .map(Located::new),
                        scope: Scope::parse(&field(&format!("goal.{id}.scope"))).map(Located::new),
                    }
                } else if choice.is_empty() {
                    GoalAnswer::default()
                } else {
                    GoalAnswer {
                        option: Some(Located::new(choice.clone())),
                        ..GoalAnswer::default()
                    }
                };
                if choice == "custom" && answer.statement.is_none() {
                    error = Some(format!("{}: a goal of your own needs a statement.", d.name));
                }
                set_entry(&mut answers.goals, id, answer);
            }
        }
        Step::Subdomains | Step::Practices => {
            let practices = step == Step::Practices;
            let ids: Vec<String> = if practices {
                catalog.practice_ids().map(str::to_string).collect()
            } else {
                catalog.subdomain_ids().map(str::to_string).collect()
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
                        if rationale.is_empty() {
                            row_errors.push((
                                id.clone(),
                                "A change needs a reason: say why this level fits.".to_string(),
                            ));
                        }
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
                let list = entries(answers, practices);
                match decision {
                    Some(d) => set_entry(list, &id, d),
                    None => list.0.retain(|(k, _)| k.value != id),
                }
            }
            if !row_errors.is_empty() {
                error = Some("Some changes have no reason yet; they are marked below.".to_string());
            }
        }
        Step::Done => {}
    }
    (error, row_errors)
}

/// Builds the target from the draft, stores it as a new target document and removes the draft.
pub async fn finish(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(id): ApiPath<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if let Err(p) = user.check_csrf(&super::field(&fields, "csrf")) {
        return page_error(p);
    }
    let (draft, info) = match draft_for(&state, &user, id).await {
        Ok(found) => found,
        Err(p) => return page_error(p),
    };
    let answers = answers_of(&draft);
    let template = template_named(answers.template.as_deref());
    let built = match build_profile(&state.catalog, template.as_ref(), &answers) {
        Ok(b) => b,
        Err(d) => {
            return page(
                &state,
                &user,
                &draft,
                &info,
                &answers,
                Step::Done,
                Some(format!("The target is not complete yet: {d}")),
                &[],
            )
            .await
        }
    };
    let body = format!(
        "# Set with the smm web wizard by {}\n{}",
        user.caller.actor(),
        serde_saphyr::to_string(&built.profile).unwrap_or_default()
    );
    match documents::create(
        &state,
        &user.caller.actor(),
        info.organization,
        info.id,
        DocumentKind::TargetProfile,
        body,
    )
    .await
    {
        Ok(stored) => {
            let _ = state.store.delete_draft(id).await;
            Redirect::to(&format!("/systems/{}?created={}", info.id.0, stored.id.0)).into_response()
        }
        Err(e) => page_error(e),
    }
}
