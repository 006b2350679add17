//! The pipeline over stored documents: gap, roadmap, comparison and reports. Nothing is
//! computed here that the core or the report crate does not already compute for the CLI.

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use smm_core::roadmap::{plan, Budget, BudgetUnit, Month, PeriodKind, PlanInput};
use smm_core::{compare, gap, ProfileView};
use smm_store::{DocumentId, DocumentKind};

use crate::access;
use crate::auth::Caller;
use crate::authz::Action;
use crate::cache::GapCache;
use crate::extract::{ApiPath, ApiQuery};
use crate::app::documents::{self, Current};
use crate::problem::Problem;
use crate::state::AppState;

/// Which target to measure against.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TargetQuery {
    /// A target profile's document id; by default the stored target whose digest the
    /// assessment names.
    pub target: Option<i64>,
}

/// An assessment the caller may read, with the target it measures against.
pub async fn assessment_and_target(
    state: &AppState,
    caller: &Caller,
    id: i64,
    target: Option<i64>,
) -> Result<(Current, documents::Target), Problem> {
    let (org, _, kind) = access::document(state, caller, id, Action::Read).await?;
    if kind != DocumentKind::Assessment {
        return Err(Problem::bad_field(
            "id",
            format!("document {id} is a target profile: the gap is of an assessment"),
        ));
    }
    if let Some(t) = target {
        let (t_org, _, _) = access::document(state, caller, t, Action::Read)
            .await
            .map_err(|p| p.with_field("target"))?;
        if t_org != org {
            return Err(Problem::bad_field(
                "target",
                "the target profile belongs to another organization than the assessment",
            ));
        }
    }
    let current = documents::assessment(state, org, DocumentId(id)).await?;
    let target = documents::target_of(state, org, &current, target).await?;
    Ok((current, target))
}

fn json_bytes(bytes: Vec<u8>) -> Response {
    let mut r = bytes.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// The gap between an assessment and its target, practice by practice, rolled up per
/// subdomain and domain.
#[utoipa::path(get, path = "/api/documents/{id}/gap", tag = "analysis",
    params(("id" = i64, Path, description = "Assessment document id"), TargetQuery),
    responses((status = 200, description = "The gap (as `smm gap --json` prints it)", content_type = "application/json"),
        (status = 400, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn gap_of(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<TargetQuery>,
) -> Result<Response, Problem> {
    let (org, system, _) = access::document(&state, &caller, id, Action::Read).await?;
    // The gap depends only on the two documents' contents, and the default target is the one
    // of the assessment's own system with the digest it names: cache by system and digest (a
    // byte-identical assessment in another system may have no such target, or another one).
    let key = if query.target.is_none() {
        let digest = state.store.latest_digest(org, DocumentId(id)).await?;
        let key = GapCache::key(system.id, &digest);
        if let Some(bytes) = state.gaps.get(&key) {
            return Ok(json_bytes(bytes.to_vec()));
        }
        Some(key)
    } else {
        None
    };
    let (current, target) = assessment_and_target(&state, &caller, id, query.target).await?;
    let gap = gap(&target.resolved, &current.current)
        .map_err(|e| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))?;
    let bytes = serde_json::to_vec(&gap)
        .map_err(|e| Problem::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    if let Some(key) = key {
        state.gaps.put(key, bytes.clone());
    }
    Ok(json_bytes(bytes))
}

/// Budget and dates for a roadmap.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RoadmapQuery {
    /// A target profile's document id (see the gap).
    pub target: Option<i64>,
    /// Budget per period: an amount of money, or person-days with `unit=days`. Without it, the
    /// roadmap orders and prices the actions but does not schedule them.
    pub budget: Option<u64>,
    /// `money` (default) or `days`.
    pub unit: Option<String>,
    /// `quarter` (default) or `month`.
    pub period: Option<String>,
    /// First month, `YYYY-MM` (default: the month after the assessment).
    pub start: Option<String>,
    /// Last month, `YYYY-MM`.
    pub deadline: Option<String>,
    /// `json` (default), `md` or `html`.
    pub format: Option<String>,
}

fn month(text: &str, field: &str) -> Result<Month, Problem> {
    Month::parse(text).ok_or_else(|| Problem::bad_field(field, "expected a month as YYYY-MM"))
}

/// The actions that close the gap, ordered and priced, and with a budget, scheduled.
#[utoipa::path(get, path = "/api/documents/{id}/roadmap", tag = "analysis",
    params(("id" = i64, Path, description = "Assessment document id"), RoadmapQuery),
    responses((status = 200, description = "The roadmap (as `smm roadmap --json` prints it)"),
        (status = 400, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn roadmap(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<RoadmapQuery>,
) -> Result<Response, Problem> {
    let format = query.format.as_deref().unwrap_or("json");
    if !matches!(format, "json" | "md" | "html") {
        return Err(Problem::bad_field(
            "format",
            format!("unknown format `{format}`: expected json, md or html"),
        ));
    }
    let (current, target) = assessment_and_target(&state, &caller, id, query.target).await?;
    let roadmap = plan_roadmap(&state, &current, &target, &query)?;
    Ok(match format {
        "md" => text(
            smm_report::roadmap::markdown(&roadmap),
            "text/markdown; charset=utf-8",
        ),
        "html" => text(
            smm_report::roadmap::html(&roadmap)
                .map_err(|e| Problem::new(StatusCode::INTERNAL_SERVER_ERROR, e))?,
            "text/html; charset=utf-8",
        ),
        _ => Json(roadmap).into_response(),
    })
}

/// Plans the roadmap of an assessment against its target with the budget and dates asked for:
/// the API's and the roadmap page's one way to do it.
pub fn plan_roadmap(
    state: &AppState,
    current: &Current,
    target: &documents::Target,
    query: &RoadmapQuery,
) -> Result<smm_core::roadmap::Roadmap, Problem> {
    let budget = match query.budget {
        None => None,
        Some(amount) => {
            let unit = match query.unit.as_deref() {
                None | Some("") | Some("money") => BudgetUnit::Money,
                Some("days") => BudgetUnit::PersonDays,
                Some(other) => {
                    return Err(Problem::bad_field(
                        "unit",
                        format!("unknown unit `{other}`: expected money or days"),
                    ))
                }
            };
            let period = match query.period.as_deref() {
                None | Some("") | Some("quarter") => PeriodKind::Quarter,
                Some("month") => PeriodKind::Month,
                Some(other) => {
                    return Err(Problem::bad_field(
                        "period",
                        format!("unknown period `{other}`: expected quarter or month"),
                    ))
                }
            };
            let per_period = match unit {
                BudgetUnit::PersonDays => amount.saturating_mul(10),
                BudgetUnit::Money => amount,
            };
            Some((per_period, unit, period))
        }
    };
    let start = query
        .start
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| month(s, "start"))
        .transpose()?;
    let deadline = query
        .deadline
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| month(s, "deadline"))
        .transpose()?;
    let budget = match budget {
        None => None,
        Some((per_period, unit, period)) => {
            let start = match start {
                Some(m) => m,
                None => Month::parse(current.current.date.get(..7).unwrap_or(""))
                    .map(|m| m.plus(1))
                    .ok_or_else(|| {
                        Problem::bad_field(
                            "start",
                            "the assessment's date has no month: give start",
                        )
                    })?,
            };
            Some(Budget {
                per_period,
                unit,
                period,
                start,
                deadline,
            })
        }
    };
    let pricing = state.actions.pricing(None);
    let input = PlanInput {
        catalog: &state.catalog,
        actions: &state.actions,
        pricing: &pricing,
        target: &target.resolved,
        current: &current.current,
        findings: &current.document.findings,
    };
    plan(&input, budget.as_ref()).map_err(|e| {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("cannot plan: {e}"),
        )
    })
}

fn text(body: String, content_type: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

/// The two profiles to compare.
#[derive(Debug, Deserialize, IntoParams, ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CompareQuery {
    /// The reference profile (a target profile or an assessment): e.g. the client's needs.
    pub left: i64,
    /// The profile compared with it: e.g. a vendor's certified profile.
    pub right: i64,
}

async fn view_of(
    state: &AppState,
    caller: &Caller,
    id: i64,
    field: &str,
) -> Result<ProfileView, Problem> {
    let (org, _, kind) = access::document(state, caller, id, Action::Read)
        .await
        .map_err(|p| p.with_field(field))?;
    Ok(match kind {
        DocumentKind::TargetProfile => {
            let t = documents::target(state, org, DocumentId(id), None).await?;
            ProfileView::of_target(&t.resolved)
        }
        DocumentKind::Assessment => {
            let a = documents::assessment(state, org, DocumentId(id)).await?;
            ProfileView::of_current(&state.catalog, &a.current)
        }
    })
}

/// Two profiles (targets or assessments, possibly of different organizations the caller can
/// read) compared measure by measure.
#[utoipa::path(get, path = "/api/compare", tag = "analysis", params(CompareQuery),
    responses((status = 200, description = "The comparison (as `smm compare --json` prints it)"),
        (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn compare_profiles(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<CompareQuery>,
) -> Result<Response, Problem> {
    let left = view_of(&state, &caller, query.left, "left").await?;
    let right = view_of(&state, &caller, query.right, "right").await?;
    let comparison = compare(&left, &right)
        .map_err(|e| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))?;
    Ok(Json(comparison).into_response())
}

/// Report format.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// `html` (default) or `pdf`.
    pub format: Option<String>,
    /// For an assessment: the target profile's id (see the gap).
    pub target: Option<i64>,
}

/// A report to download: the gap report of an assessment, or the profile sheet of a target.
#[utoipa::path(get, path = "/api/documents/{id}/report", tag = "analysis",
    params(("id" = i64, Path, description = "Document id"), ReportQuery),
    responses((status = 200, description = "HTML or PDF", content_type = "text/html"),
        (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn report(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> Result<Response, Problem> {
    let format = query.format.as_deref().unwrap_or("html");
    if !matches!(format, "html" | "pdf") {
        return Err(Problem::bad_field(
            "format",
            format!("unknown format `{format}`: expected html or pdf"),
        ));
    }
    let (org, _, kind) = access::document(&state, &caller, id, Action::Read).await?;
    let (target, assessment) = match kind {
        DocumentKind::TargetProfile => (
            documents::target(&state, org, DocumentId(id), None).await?,
            None,
        ),
        DocumentKind::Assessment => {
            let (current, target) =
                assessment_and_target(&state, &caller, id, query.target).await?;
            let gap = gap(&target.resolved, &current.current)
                .map_err(|e| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))?;
            (target, Some((current, gap)))
        }
    };
    let catalog = state.catalog.clone();
    let pdf = format == "pdf";
    let rendered = tokio::task::spawn_blocking(move || {
        let input = smm_report::html::ReportInput {
            catalog: &catalog,
            target: &target.resolved,
            assessment: assessment.as_ref().map(|(a, g)| (&a.document, g)),
        };
        if pdf {
            smm_report::pdf::report(&input)
        } else {
            smm_report::html::report(&input).map(String::into_bytes)
        }
    })
    .await
    .map_err(|e| Problem::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
    .map_err(|e| Problem::new(StatusCode::INTERNAL_SERVER_ERROR, e))?;
    let mut r = rendered.into_response();
    let headers = r.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(if pdf {
            "application/pdf"
        } else {
            "text/html; charset=utf-8"
        }),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"smm-report-{id}.{format}\""
    )) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(r)
}
