//! NIST OSCAL: the catalog (public) and a stored document as OSCAL, as `smm oscal export`.

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::analysis::RoadmapRequest;
use crate::app::oscal::{self, Model};
use crate::auth::Caller;
use crate::extract::{ApiPath, ApiQuery};
use crate::problem::Problem;
use crate::state::AppState;

/// JSON or YAML.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FormatQuery {
    /// `json` (default) or `yaml`.
    pub format: Option<String>,
}

fn format_of(word: Option<&str>) -> Result<smm_oscal::Format, Problem> {
    match word.map(str::trim) {
        None | Some("") | Some("json") => Ok(smm_oscal::Format::Json),
        Some("yaml") => Ok(smm_oscal::Format::Yaml),
        Some(other) => Err(Problem::bad_field(
            "format",
            format!("unknown format `{other}`: expected json or yaml"),
        )),
    }
}

fn rendered(document: &Value, format: smm_oscal::Format) -> Response {
    let media = match format {
        smm_oscal::Format::Json => "application/json",
        smm_oscal::Format::Yaml => "application/yaml",
    };
    let mut r = smm_oscal::render(document, format).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
    r
}

/// The model's catalog as an OSCAL catalog: the `href` every exported profile imports. Public.
#[utoipa::path(get, path = "/api/oscal/catalog", tag = "oscal", params(FormatQuery),
    responses((status = 200, description = "The OSCAL catalog",
            content((serde_json::Value = "application/json"), (String = "application/yaml"))),
        (status = 400, body = Problem)))]
pub async fn catalog(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<FormatQuery>,
) -> Result<Response, Problem> {
    let format = format_of(query.format.as_deref())?;
    Ok(rendered(&oscal::catalog(&state), format))
}

/// Which model, which format, and for a POA&M the roadmap's budget and dates.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OscalQuery {
    /// `profile` (a target's default), `assessment-results` (an assessment's default) or `poam`.
    pub model: Option<String>,
    /// `json` (default) or `yaml`.
    pub format: Option<String>,
    /// For an assessment: a target profile's document id (see the gap).
    pub target: Option<i64>,
    /// For a POA&M: budget per period (see the roadmap).
    pub budget: Option<u64>,
    /// For a POA&M: `money` (default) or `days`.
    pub unit: Option<String>,
    /// For a POA&M: `quarter` (default) or `month`.
    pub period: Option<String>,
    /// For a POA&M: first month, `YYYY-MM`.
    pub start: Option<String>,
    /// For a POA&M: last month, `YYYY-MM`.
    pub deadline: Option<String>,
}

/// A stored document as NIST OSCAL (version 1.2.1): a target profile as a profile importing
/// `/api/oscal/catalog`, an assessment as assessment results (with a finding for every practice
/// under target) or its roadmap as a plan of action and milestones.
#[utoipa::path(get, path = "/api/documents/{id}/oscal", tag = "oscal",
    params(("id" = i64, Path, description = "Target profile or assessment document id"), OscalQuery),
    responses((status = 200, description = "The OSCAL document",
            content((serde_json::Value = "application/json"), (String = "application/yaml"))),
        (status = 400, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn document(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<OscalQuery>,
) -> Result<Response, Problem> {
    let format = format_of(query.format.as_deref())?;
    let model = Model::parse(query.model.as_deref())?;
    let request = RoadmapRequest::from_words(
        query.target,
        query.budget,
        query.unit.as_deref(),
        query.period.as_deref(),
        query.start.as_deref(),
        query.deadline.as_deref(),
    )?;
    let document = oscal::of_document(&state, &caller, id, model, &request).await?;
    Ok(rendered(&document, format))
}

/// The OSCAL routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(catalog))
        .routes(routes!(document))
}
