//! Risk in money: an assessment's annual loss today and with its target reached, from the
//! system's loss scenarios (as `smm risk` computes it for files).

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::openapi::{Object, ObjectBuilder, Type};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::risk::{self, Risk, RiskRequest};
use crate::auth::Caller;
use crate::extract::{ApiPath, ApiQuery};
use crate::problem::Problem;
use crate::state::AppState;

/// Which scenarios, how long to simulate, and which format.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RiskQuery {
    /// A loss scenarios document of the assessment's system; by default its latest.
    pub scenarios: Option<i64>,
    /// Simulated years instead of the document's (1,000 to 1,000,000; a document asking more
    /// is simulated for 1,000,000).
    pub iterations: Option<u32>,
    /// The seed instead of the document's: the same seed gives the same figures.
    #[param(schema_with = unsigned_64)]
    pub seed: Option<u64>,
    /// `json` (default), `csv` (one table of the profile and scenario figures), `xlsx` (a
    /// workbook with the curves) or `svg` (the loss exceedance curves).
    pub format: Option<String>,
}

/// A seed's schema: any unsigned 64-bit integer, as the documents and `smm risk` take it. Not
/// `format: int64`, which would promise that nothing above 2^63 - 1 is accepted.
fn unsigned_64() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(0))
        .maximum(Some(u64::MAX as f64))
        .build()
}

/// The annual loss of an assessment's system today and once its target (the stored target the
/// assessment names) is reached: mean with standard error, percentiles, the share of years with
/// a loss, the exceedance curve and each scenario's part; or the curves as SVG. One simulation
/// runs at a time per free place of the server: when none is free the answer is 503 with
/// `Retry-After`. The same documents, years and seed give the same figures, kept once computed.
#[utoipa::path(get, path = "/api/documents/{id}/risk", tag = "risk",
    params(("id" = i64, Path, description = "Assessment document id"), RiskQuery),
    responses((status = 200, description = "The risk outlook (as `smm risk --json` prints it), or CSV, XLSX or SVG",
            content((serde_json::Value = "application/json"), (String = "text/csv"),
                (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                (String = "image/svg+xml"))),
        (status = 400, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem),
        (status = 503, description = "Every simulation place is taken; see Retry-After", body = Problem)))]
pub async fn risk_of(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<RiskQuery>,
) -> Result<Response, Problem> {
    let format = query.format.as_deref().unwrap_or("json");
    if !matches!(format, "json" | "csv" | "xlsx" | "svg") {
        return Err(Problem::bad_field(
            "format",
            format!("unknown format `{format}`: expected json, csv, xlsx or svg"),
        ));
    }
    let request = RiskRequest {
        scenarios: query.scenarios,
        iterations: query.iterations,
        seed: query.seed,
    };
    let found = match risk::risk(&state, &caller, id, request).await? {
        Risk::Computed(found) => found,
        Risk::NoScenarios(system) => return Err(risk::no_scenarios(&system)),
    };
    let (body, content_type) = match format {
        "svg" => (found.figures.chart.clone().into_bytes(), "image/svg+xml"),
        "csv" => (found.figures.csv.clone(), "text/csv; charset=utf-8"),
        "xlsx" => (
            found.figures.xlsx.clone(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        _ => (found.figures.json.clone(), "application/json"),
    };
    let mut r = body.into_response();
    let headers = r.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if matches!(format, "csv" | "xlsx") {
        if let Ok(v) =
            HeaderValue::from_str(&format!("attachment; filename=\"smm-risk-{id}.{format}\""))
        {
            headers.insert(header::CONTENT_DISPOSITION, v);
        }
    }
    Ok(r)
}

/// The risk routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(risk_of))
}
