//! Pages over the pipeline's later stages: the roadmap (budget and deadline in, a schedule and
//! timeline out), comparing two profiles, and a system's trend over its assessments.

use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use smm_core::{compare, ProfileView, TrendInput};
use smm_store::{DocumentId, DocumentKind, OrganizationId, Page, SystemId};

use super::{page_error, render, secure, Nav, PageUser};
use crate::access;
use crate::authz::Action;
use crate::extract::{ApiPath, ApiQuery};
use crate::app::documents;
use crate::problem::Problem;
use crate::routes::analysis::{assessment_and_target, plan_roadmap, RoadmapQuery};
use crate::state::AppState;

/// The roadmap form, as typed (kept as text so a mistake comes back as typed).
#[derive(Clone, Default, Deserialize)]
pub struct RoadmapForm {
    #[serde(default)]
    budget: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    deadline: String,
}

impl RoadmapForm {
    fn query(&self) -> Result<RoadmapQuery, Problem> {
        let budget = match self.budget.trim() {
            "" => None,
            b => Some(b.replace([',', ' ', '_'], "").parse::<u64>().map_err(|_| {
                Problem::bad_field(
                    "budget",
                    "the budget is a whole number per period, e.g. 60000",
                )
            })?),
        };
        Ok(RoadmapQuery {
            target: None,
            budget,
            unit: Some(self.unit.clone()),
            period: Some(self.period.clone()),
            start: Some(self.start.trim().to_string()),
            deadline: Some(self.deadline.trim().to_string()),
            format: None,
        })
    }
}

struct ActionRow {
    id: String,
    practice: String,
    step: String,
    title: String,
    effort: String,
    amount: String,
    weight: u32,
    prerequisite: bool,
}

struct PeriodRow {
    label: String,
    actions: String,
    used: String,
}

#[derive(Template)]
#[template(path = "roadmap.html")]
struct RoadmapPage {
    nav: Option<Nav>,
    id: i64,
    system_id: i64,
    system_name: String,
    form: RoadmapForm,
    error: Option<String>,
    summary: Vec<String>,
    actions: Vec<ActionRow>,
    periods: Vec<PeriodRow>,
    left_out: Vec<String>,
    timeline: Option<String>,
}

/// The roadmap of an assessment, scheduled when a budget is given.
pub async fn roadmap(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(form): ApiQuery<RoadmapForm>,
) -> Response {
    let (_, info, _) = match access::document(&state, &user.caller, id, Action::Read).await {
        Ok(found) => found,
        Err(p) => return page_error(p),
    };
    let (current, target) = match assessment_and_target(&state, &user.caller, id, None).await {
        Ok(found) => found,
        Err(p) => return page_error(p),
    };
    let mut page = RoadmapPage {
        nav: Some(user.nav(&state, info.organization.0).await),
        id,
        system_id: info.id.0,
        system_name: info.name.clone(),
        form: form.clone(),
        error: None,
        summary: Vec::new(),
        actions: Vec::new(),
        periods: Vec::new(),
        left_out: Vec::new(),
        timeline: None,
    };
    let planned = form
        .query()
        .and_then(|q| plan_roadmap(&state, &current, &target, &q));
    match planned {
        Err(p) => {
            page.error = Some(match &p.field {
                Some(f) => format!("{f}: {}", p.detail),
                None => p.detail.clone(),
            });
            let mut r = render(&page);
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            return r;
        }
        Ok(roadmap) => {
            let s = smm_report::roadmap::summary(&roadmap);
            page.summary = [Some(s.overview), s.budget, s.result, s.fit]
                .into_iter()
                .flatten()
                .collect();
            page.actions = roadmap
                .actions
                .iter()
                .map(|a| ActionRow {
                    id: a.id.to_string(),
                    practice: a.practice_name.clone(),
                    step: a.step.clone(),
                    title: a.title.clone(),
                    effort: a.effort.to_string(),
                    amount: smm_report::roadmap::money(a.amount, &roadmap.currency),
                    weight: a.weight,
                    prerequisite: a.prerequisite,
                })
                .collect();
            if let Some(schedule) = &roadmap.schedule {
                page.periods = schedule
                    .periods
                    .iter()
                    .map(|p| PeriodRow {
                        label: p.label.clone(),
                        actions: p
                            .actions
                            .iter()
                            .map(|a| a.to_string())
                            .collect::<Vec<_>>()
                            .join(", "),
                        used: smm_report::roadmap::in_unit(&roadmap, schedule.budget.unit, p.used),
                    })
                    .collect();
                page.left_out = schedule
                    .left_out
                    .iter()
                    .map(|l| {
                        format!(
                            "{}: {}",
                            l.action,
                            smm_report::roadmap::left_out_text(&roadmap, schedule, &l.reason)
                        )
                    })
                    .collect();
                page.timeline = smm_report::chart::timeline(&roadmap).map(|_| {
                    format!(
                        "/documents/{id}/timeline.svg?budget={}&unit={}&period={}&start={}&deadline={}",
                        super::urlencode(&form.budget),
                        super::urlencode(&form.unit),
                        super::urlencode(&form.period),
                        super::urlencode(&form.start),
                        super::urlencode(&form.deadline)
                    )
                });
            }
        }
    }
    render(&page)
}

fn svg(body: String) -> Response {
    let mut response = body.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml"),
    );
    secure(&mut response);
    response
}

/// The roadmap's timeline as SVG.
pub async fn timeline(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(form): ApiQuery<RoadmapForm>,
) -> Response {
    let (current, target) = match assessment_and_target(&state, &user.caller, id, None).await {
        Ok(found) => found,
        Err(p) => return page_error(p),
    };
    match form
        .query()
        .and_then(|q| plan_roadmap(&state, &current, &target, &q))
    {
        Ok(roadmap) => match smm_report::chart::timeline(&roadmap) {
            Some(chart) => svg(chart),
            None => page_error(Problem::bad_field(
                "budget",
                "a timeline shows a schedule: give a budget",
            )),
        },
        Err(p) => page_error(p),
    }
}

/// The two profiles to compare.
#[derive(Deserialize)]
pub struct CompareForm {
    left: Option<i64>,
    right: Option<i64>,
}

struct ComparedRow {
    name: String,
    a: String,
    b: String,
    covered: bool,
}

#[derive(Template)]
#[template(path = "compare.html")]
struct ComparePage {
    nav: Option<Nav>,
    org_id: i64,
    documents: Vec<(i64, String, bool, bool)>,
    verdict: Option<String>,
    rows: Vec<ComparedRow>,
    chart: Option<String>,
    labels: (String, String),
}

async fn view_of(state: &AppState, user: &PageUser, id: i64) -> Result<ProfileView, Problem> {
    let (org, _, kind) = access::document(state, &user.caller, id, Action::Read).await?;
    Ok(match kind {
        DocumentKind::TargetProfile => ProfileView::of_target(
            &documents::target(state, org, DocumentId(id), None)
                .await?
                .resolved,
        ),
        DocumentKind::Assessment => ProfileView::of_current(
            &state.catalog,
            &documents::assessment(state, org, DocumentId(id))
                .await?
                .current,
        ),
    })
}

/// Compares two profiles the caller can read: the client's needs against a vendor's profile.
pub async fn compare_page(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(org): ApiPath<i64>,
    ApiQuery(form): ApiQuery<CompareForm>,
) -> Response {
    if let Err(p) = access::in_organization(&user.caller, org, Action::Read) {
        return page_error(p);
    }
    // Every target and assessment of the organization's own and granted systems (one query for
    // the systems, one for their documents).
    let listed = async {
        let systems = state
            .store
            .systems(
                OrganizationId(org),
                None,
                None,
                Page::new(0, Page::MAX_LIMIT),
            )
            .await?;
        let ids: Vec<SystemId> = systems.iter().map(|s| s.id).collect();
        let found = state.store.documents_of(&ids).await?;
        Ok::<_, smm_store::StoreError>((systems, found))
    }
    .await;
    let (systems, found) = match listed {
        Ok(l) => l,
        Err(e) => return page_error(e.into()),
    };
    let names: std::collections::HashMap<SystemId, &str> =
        systems.iter().map(|s| (s.id, s.name.as_str())).collect();
    let documents = found
        .into_iter()
        .map(|(id, system, kind)| {
            let label = format!(
                "{} — {} #{}",
                names.get(&system).copied().unwrap_or_default(),
                if kind == DocumentKind::TargetProfile {
                    "target"
                } else {
                    "assessment"
                },
                id.0
            );
            (
                id.0,
                label,
                form.left == Some(id.0),
                form.right == Some(id.0),
            )
        })
        .collect();
    let mut page = ComparePage {
        nav: Some(user.nav(&state, org).await),
        org_id: org,
        documents,
        verdict: None,
        rows: Vec::new(),
        chart: None,
        labels: (String::new(), String::new()),
    };
    if let (Some(left), Some(right)) = (form.left, form.right) {
        let views = async {
            Ok::<_, Problem>((
                view_of(&state, &user, left).await?,
                view_of(&state, &user, right).await?,
            ))
        }
        .await;
        let (a, b) = match views {
            Ok(v) => v,
            Err(p) => return page_error(p),
        };
        match compare(&a, &b) {
            Ok(c) => {
                page.labels = (c.a.label(), c.b.label());
                page.verdict = Some(c.verdict.text.clone());
                page.rows = c
                    .practices
                    .iter()
                    .map(|p| ComparedRow {
                        name: p.name.clone(),
                        a: format!("{} / {}", p.a.comprehensiveness.value(), p.a.scope.token()),
                        b: format!("{} / {}", p.b.comprehensiveness.value(), p.b.scope.token()),
                        covered: p.covered,
                    })
                    .collect();
                page.chart = Some(format!("/orgs/{org}/compare.svg?left={left}&right={right}"));
            }
            Err(e) => {
                return page_error(Problem::new(
                    axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                    e.to_string(),
                ))
            }
        }
    }
    render(&page)
}

/// The comparison chart.
pub async fn compare_chart(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(org): ApiPath<i64>,
    ApiQuery(form): ApiQuery<CompareForm>,
) -> Response {
    if let Err(p) = access::in_organization(&user.caller, org, Action::Read) {
        return page_error(p);
    }
    let (Some(left), Some(right)) = (form.left, form.right) else {
        return page_error(Problem::bad_field("left", "choose two profiles"));
    };
    let views = async {
        Ok::<_, Problem>((
            view_of(&state, &user, left).await?,
            view_of(&state, &user, right).await?,
        ))
    }
    .await;
    match views.and_then(|(a, b)| {
        compare(&a, &b)
            .map_err(|e| Problem::new(axum::http::StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))
    }) {
        Ok(c) => svg(smm_report::chart::compare(&state.catalog, &c)),
        Err(p) => page_error(p),
    }
}

/// A system's assessments over time, each against the target it names, as a chart.
pub async fn trend_chart(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(id): ApiPath<i64>,
) -> Response {
    let (info, _) = match access::system(&state, &user.caller, id, Action::Read).await {
        Ok(found) => found,
        Err(p) => return page_error(p),
    };
    let docs = state
        .store
        .documents(
            info.id,
            DocumentKind::Assessment,
            Page::new(0, Page::MAX_LIMIT),
        )
        .await
        .unwrap_or_default();
    let mut loaded = Vec::new();
    for d in docs {
        if let Ok(current) = documents::assessment(&state, info.organization, d.id).await {
            if let Ok(target) = documents::target_of(&state, info.organization, &current, None).await
            {
                loaded.push((format!("assessment #{}", d.id.0), current, target));
            }
        }
    }
    let inputs: Vec<TrendInput<'_>> = loaded
        .iter()
        .map(|(source, current, target)| TrendInput {
            source,
            assessment: &current.document,
            current: &current.current,
            target: &target.resolved,
        })
        .collect();
    match smm_core::trend(&inputs) {
        Ok(trend) => svg(smm_report::chart::trend(&state.catalog, &trend)),
        Err(e) => page_error(Problem::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            e.to_string(),
        )),
    }
}
