//! Pages over the pipeline's later stages: the roadmap (budget and deadline in, a schedule and
//! timeline out), comparing two profiles, and a system's trend over its assessments.

use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use smm_store::{DocumentKind, OrganizationId, Page};

use super::{render, secure, Nav, PageResult, PageUser};
use crate::access;
use crate::app::analysis::{self, RoadmapRequest};
use crate::app::systems::named_documents;
use crate::authz::Action;
use crate::extract::{ApiPath, ApiQuery};
use crate::problem::Problem;
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
    fn request(&self) -> Result<RoadmapRequest, Problem> {
        let budget = match self.budget.trim() {
            "" => None,
            b => Some(b.replace([',', ' ', '_'], "").parse::<u64>().map_err(|_| {
                Problem::bad_field(
                    "budget",
                    "the budget is a whole number per period, e.g. 60000",
                )
            })?),
        };
        RoadmapRequest::from_words(
            None,
            budget,
            Some(&self.unit),
            Some(&self.period),
            Some(&self.start),
            Some(&self.deadline),
        )
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
    /// Each goal deadline and budget, and what the plan does about it.
    goals: Vec<String>,
    /// The work by responsible party and by cost bearer.
    parties: Vec<(&'static str, Vec<[String; 5]>)>,
}

/// The roadmap of an assessment, scheduled when a budget is given.
pub async fn roadmap(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(form): ApiQuery<RoadmapForm>,
) -> PageResult {
    // The documents first: a form mistake is shown on the page, a missing document is not.
    let (info, _, _) = analysis::assessment_and_target(&state, &user.caller, id, None).await?;
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
        goals: Vec::new(),
        parties: Vec::new(),
    };
    let planned = match form.request() {
        Ok(request) => analysis::roadmap(&state, &user.caller, id, &request)
            .await
            .map(|r| r.roadmap),
        Err(p) => Err(p),
    };
    match planned {
        Err(p) => {
            page.error = Some(match &p.field {
                Some(f) => format!("{f}: {}", p.detail),
                None => p.detail.clone(),
            });
            let mut r = render(&page);
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(r);
        }
        Ok(roadmap) => {
            let s = smm_report::roadmap::summary(&roadmap);
            // The declined prerequisites are part of what the plan says, as in every rendering.
            page.summary = [Some(s.overview), s.budget, s.result, s.fit]
                .into_iter()
                .flatten()
                .chain(
                    s.declined
                        .iter()
                        .map(|d| format!("{}: {d}", smm_report::roadmap::DECLINED_HEADING)),
                )
                .collect();
            page.goals = smm_report::roadmap::goal_lines(&roadmap);
            page.parties = [
                ("By responsible party", &roadmap.by_responsible),
                ("By cost bearer", &roadmap.by_cost_bearer),
            ]
            .into_iter()
            .filter(|(_, g)| !g.is_empty())
            .map(|(title, g)| (title, smm_report::roadmap::party_rows(&roadmap, g)))
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
    Ok(render(&page))
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
) -> PageResult {
    let roadmap = analysis::roadmap(&state, &user.caller, id, &form.request()?)
        .await?
        .roadmap;
    match smm_report::chart::timeline(&roadmap) {
        Some(chart) => Ok(svg(chart)),
        None => {
            Err(Problem::bad_field("budget", "a timeline shows a schedule: give a budget").into())
        }
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
    /// Each side's limitation in one sentence (`limited …, because …; compensated by …`).
    limits: Vec<String>,
}

/// A side's limitation in one sentence.
fn limit_words(side: &str, l: &smm_core::resolve::PracticeLimitation) -> String {
    format!(
        "{side}: limited: {}; because: {}; compensated by: {}",
        l.limited,
        l.because,
        l.compensating.join("; ")
    )
}

#[derive(Template)]
#[template(path = "compare.html")]
struct ComparePage {
    nav: Option<Nav>,
    org_id: i64,
    documents: Vec<(i64, String, bool, bool)>,
    /// The verdict's sentence, and whether the compared profile covers the reference.
    verdict: Option<(String, bool)>,
    rows: Vec<ComparedRow>,
    chart: Option<String>,
    labels: (String, String),
}

/// Compares two profiles the caller can read: the client's needs against a vendor's profile.
pub async fn compare_page(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(org): ApiPath<i64>,
    ApiQuery(form): ApiQuery<CompareForm>,
) -> PageResult {
    access::in_organization(&user.caller, org, Action::Read)?;
    // Every target and assessment of the organization's own and granted systems, each named
    // as people name it (its system, then the document's title).
    let systems = state
        .store
        .systems(
            OrganizationId(org),
            None,
            None,
            Page::new(0, Page::MAX_LIMIT),
        )
        .await?;
    let mut documents = Vec::new();
    for system in &systems {
        for kind in [DocumentKind::TargetProfile, DocumentKind::Assessment] {
            for named in named_documents(&state, system, kind).await? {
                let id = named.info.id.0;
                documents.push((
                    id,
                    format!("{} — {}", system.name, named.title),
                    form.left == Some(id),
                    form.right == Some(id),
                ));
            }
        }
    }
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
        let c = analysis::compare(&state, &user.caller, left, right).await?;
        page.labels = (c.a.label(), c.b.label());
        page.verdict = Some((c.verdict.text.clone(), c.verdict.covered == c.verdict.total));
        page.rows = c
            .practices
            .iter()
            .map(|p| ComparedRow {
                name: p.name.clone(),
                a: format!("{} / {}", p.a.comprehensiveness.value(), p.a.scope.token()),
                b: format!("{} / {}", p.b.comprehensiveness.value(), p.b.scope.token()),
                covered: p.covered,
                limits: [("A", &p.a_limitation), ("B", &p.b_limitation)]
                    .into_iter()
                    .filter_map(|(side, l)| l.as_ref().map(|l| limit_words(side, l)))
                    .collect(),
            })
            .collect();
        page.chart = Some(format!("/orgs/{org}/compare.svg?left={left}&right={right}"));
    }
    Ok(render(&page))
}

/// The comparison chart.
pub async fn compare_chart(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(org): ApiPath<i64>,
    ApiQuery(form): ApiQuery<CompareForm>,
) -> PageResult {
    access::in_organization(&user.caller, org, Action::Read)?;
    let (Some(left), Some(right)) = (form.left, form.right) else {
        return Err(Problem::bad_field("left", "choose two profiles").into());
    };
    let c = analysis::compare(&state, &user.caller, left, right).await?;
    Ok(svg(smm_report::chart::compare(&state.catalog, &c)))
}

/// A system's assessments over time, each against the target it names, as a chart.
pub async fn trend_chart(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(id): ApiPath<i64>,
) -> PageResult {
    let trend = analysis::trend(&state, &user.caller, id).await?;
    Ok(svg(smm_report::chart::trend(&state.catalog, &trend)))
}
