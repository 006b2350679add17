//! The pipeline over stored documents: gap, roadmap, comparison and reports. Nothing is
//! computed here that the core or the report crate does not already compute for the CLI.

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::analysis::{self, ReportFormat, RoadmapRequest};
use crate::auth::Caller;
use crate::extract::{ApiPath, ApiQuery};
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
    Ok(json_bytes(
        analysis::gap_json(&state, &caller, id, query.target).await?,
    ))
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

impl RoadmapQuery {
    /// The request these parameters make: every word checked, named by its parameter.
    pub fn request(&self) -> Result<RoadmapRequest, Problem> {
        RoadmapRequest::from_words(
            self.target,
            self.budget,
            self.unit.as_deref(),
            self.period.as_deref(),
            self.start.as_deref(),
            self.deadline.as_deref(),
        )
    }
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
    let roadmap = analysis::roadmap(&state, &caller, id, &query.request()?)
        .await?
        .roadmap;
    Ok(match format {
        "md" => text(
            smm_report::roadmap::markdown(&roadmap),
            "text/markdown; charset=utf-8",
        ),
        "html" => text(
            smm_report::roadmap::html(&roadmap)
                .map_err(|e| Problem::internal("roadmap as HTML", &e))?,
            "text/html; charset=utf-8",
        ),
        _ => Json(roadmap).into_response(),
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
    let comparison = analysis::compare(&state, &caller, query.left, query.right).await?;
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
    /// A standard to add a section for (see `GET /api/standards`).
    pub standard: Option<String>,
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
    let (format, name) = match query.format.as_deref() {
        None | Some("html") => (ReportFormat::Html, "html"),
        Some("pdf") => (ReportFormat::Pdf, "pdf"),
        Some(other) => {
            return Err(Problem::bad_field(
                "format",
                format!("unknown format `{other}`: expected html or pdf"),
            ))
        }
    };
    let pdf = format == ReportFormat::Pdf;
    let rendered = analysis::report(
        &state,
        &caller,
        id,
        query.target,
        format,
        query.standard.as_deref(),
    )
    .await?;
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
    if let Ok(v) =
        HeaderValue::from_str(&format!("attachment; filename=\"smm-report-{id}.{name}\""))
    {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(r)
}

/// The analysis routes: gap, roadmap, report, comparison.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(gap_of))
        .routes(routes!(roadmap))
        .routes(routes!(report))
        .routes(routes!(compare_profiles))
}
