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
    build_profile_with, decision_pick, entry, factors_in_effect, goal_of, goal_option_scope,
    goal_pick, parse_answers, preview, remove_entry, set_entry, suggest_decision, suggest_goal,
    suggested_role, Answers, Decision, DecisionKind, DecisionPick, GoalAnswer, GoalPick,
    StandardClauses, Step, Take,
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

mod apply;
mod parties;
mod rows;

use apply::apply;
use parties::{PartRow, StakeholderRow};
use rows::*;

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
    /// The standards the target must address (checkboxes), and which of their clauses count.
    standards: Vec<Choice>,
    mandatory_only: bool,
    /// What the standards raised, a line each (review).
    raised: Vec<String>,
    // Step 2.
    factors: Vec<FactorRow>,
    // Step 3.
    goals: Vec<GoalRow>,
    // Steps 4 and 5.
    decisions: Vec<DecisionRow>,
    // Step 4, optional: who is responsible and who pays.
    stakeholder_rows: Vec<StakeholderRow>,
    parts: Vec<PartRow>,
    // Review.
    review: Vec<ReviewRow>,
    accepted: Vec<AcceptRow>,
    effects: Effects,
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
        roles: smm_core::document::StakeholderRole::ALL
            .iter()
            .map(|r| Choice {
                value: r.as_str().to_string(),
                label: r.words().to_string(),
                selected: suggested_role(template.as_ref(), answers) == Some(*r),
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
        standards: state
            .standards
            .all()
            .iter()
            .map(|m| Choice {
                selected: answers
                    .standards
                    .iter()
                    .any(|s| s.value == m.standard.id.value),
                label: format!("{} ({})", m.standard.title, m.standard.version),
                value: m.standard.id.value.clone(),
            })
            .collect(),
        mandatory_only: answers.standard_clauses == StandardClauses::Mandatory,
        raised: Vec::new(),
        factors: Vec::new(),
        goals: Vec::new(),
        decisions: Vec::new(),
        stakeholder_rows: Vec::new(),
        parts: Vec::new(),
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
            if step == Step::Subdomains {
                view.stakeholder_rows = parties::stakeholder_rows(answers);
                view.parts = parties::part_rows(catalog, answers);
            }
        }
        Step::Done => {
            match build_profile_with(catalog, template.as_ref(), answers, state.standards.all())
                .map_err(|d| d.to_string())
                .and_then(|b| {
                    resolve(catalog, &b.profile)
                        .map(|r| (b.raises, r))
                        .map_err(|d| d.to_string())
                }) {
                Ok((raises, resolved)) => {
                    view.raised = raises
                        .iter()
                        .flat_map(|(standard, raises)| {
                            raises.iter().map(move |r| {
                                format!(
                                    "{standard}: {} raised from {} to {} (clauses {})",
                                    r.practice,
                                    r.from,
                                    r.to,
                                    r.clauses.join(", ")
                                )
                            })
                        })
                        .collect();
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
            }
        }
        Step::Background => {}
    }
    render(&view)
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
    let built = match build_profile_with(
        &state.catalog,
        template.as_ref(),
        &answers,
        state.standards.all(),
    ) {
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
