//! Standards: the mappings this server knows (public reference data) and a stored profile read
//! in a standard's terms (as `smm map` reads a file).

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::standards;
use crate::auth::Caller;
use crate::extract::{ApiPath, ApiQuery};
use crate::problem::Problem;
use crate::state::AppState;

/// One standard this server maps.
#[derive(Serialize, ToSchema)]
pub struct StandardView {
    /// Its id, as `GET /api/documents/{id}/coverage/{standard}` names it.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The edition mapped.
    pub version: String,
    /// Who publishes it.
    pub publisher: String,
    /// How many clauses the mapping relates.
    pub clauses: usize,
    /// Content digest of the mapping document (as `smm digest` prints it).
    pub sha256: String,
}

/// The standards.
#[derive(Serialize, ToSchema)]
pub struct StandardList {
    /// In the order the server lists them: those given at start first, then the built-in ones.
    pub standards: Vec<StandardView>,
}

/// The standards a profile can be read in. Public: mappings are reference data.
#[utoipa::path(get, path = "/api/standards", tag = "standards",
    responses((status = 200, body = StandardList)))]
pub async fn list(State(state): State<AppState>) -> Json<StandardList> {
    Json(StandardList {
        standards: state
            .standards
            .all()
            .iter()
            .map(|m| StandardView {
                id: m.standard.id.value.clone(),
                title: m.standard.title.clone(),
                version: m.standard.version.clone(),
                publisher: m.standard.publisher.clone(),
                clauses: m.clauses.len(),
                sha256: smm_core::content_digest(m),
            })
            .collect(),
    })
}

/// One mapping document (`kind: Mapping`) as JSON: every clause, the practices related to it,
/// the relationship, the minimum level and the reasoning. Public, so anyone can contest it.
#[utoipa::path(get, path = "/api/standards/{standard}", tag = "standards",
    params(("standard" = String, Path, description = "Standard id, e.g. etsi-en-303-645")),
    responses((status = 200, description = "The mapping document", content_type = "application/json"),
        (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    ApiPath(standard): ApiPath<String>,
) -> Result<Response, Problem> {
    let mapping = state.standards.named(&standard)?;
    Ok(Json(mapping).into_response())
}

/// Which target, and which format.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CoverageQuery {
    /// For an assessment: a target profile's document id; by default the stored target whose
    /// digest the assessment names.
    pub target: Option<i64>,
    /// `json` (default), `csv`, `xlsx` or `svg`.
    pub format: Option<String>,
}

/// A stored target profile or assessment read clause by clause: whether the target addresses
/// each clause and, for an assessment, whether it is met today.
#[utoipa::path(get, path = "/api/documents/{id}/coverage/{standard}", tag = "standards",
    params(("id" = i64, Path, description = "Target profile or assessment document id"),
        ("standard" = String, Path, description = "Standard id (see GET /api/standards)"),
        CoverageQuery),
    responses((status = 200, description = "The coverage (as `smm map --json` prints it), or CSV, XLSX or SVG",
            content((serde_json::Value = "application/json"), (String = "text/csv"),
                (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                (String = "image/svg+xml"))),
        (status = 400, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn coverage(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((id, standard)): ApiPath<(i64, String)>,
    ApiQuery(query): ApiQuery<CoverageQuery>,
) -> Result<Response, Problem> {
    let format = query.format.as_deref().unwrap_or("json");
    if !matches!(format, "json" | "csv" | "xlsx" | "svg") {
        return Err(Problem::bad_field(
            "format",
            format!("unknown format `{format}`: expected json, csv, xlsx or svg"),
        ));
    }
    let c = standards::of_document(&state, &caller, id, query.target, &standard)
        .await?
        .coverage;
    let (body, content_type, extension) = match format {
        "csv" => (
            smm_report::coverage::csv(&c).map_err(|e| Problem::internal("coverage as CSV", &e))?,
            "text/csv; charset=utf-8",
            "csv",
        ),
        "xlsx" => (
            smm_report::coverage::xlsx(&c)
                .map_err(|e| Problem::internal("coverage as XLSX", &e))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        "svg" => (
            smm_report::chart::coverage(&c).into_bytes(),
            "image/svg+xml",
            "svg",
        ),
        _ => return Ok(Json(c).into_response()),
    };
    let mut r = body.into_response();
    let headers = r.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // The standard id was found among the server's own, so it is a plain token.
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"smm-coverage-{id}-{}.{extension}\"",
        c.standard
    )) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}

/// The standards routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(get))
        .routes(routes!(coverage))
}
