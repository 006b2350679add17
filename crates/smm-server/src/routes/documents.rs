//! One document: read (any version, as JSON or byte for byte as stored), update with
//! `If-Match` (two editors never silently overwrite each other), and its versions.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use smm_store::StoredDocument;

use crate::app::documents;
use crate::auth::Caller;
use crate::extract::{ApiPath, ApiQuery, DocumentText};
use crate::problem::Problem;
use crate::state::AppState;

/// A document version, with its text exactly as submitted.
#[derive(Serialize, ToSchema)]
pub struct DocumentView {
    /// Id.
    pub id: i64,
    /// System.
    pub system: i64,
    /// `TargetProfile`, `Assessment` or `RiskScenarios`.
    pub kind: String,
    /// Version number.
    pub version: i64,
    /// Content digest (as `smm digest` prints it).
    pub sha256: String,
    /// Who wrote this version.
    pub author: String,
    /// When.
    pub created_at: String,
    /// The document's text.
    pub body: String,
}

impl From<&StoredDocument> for DocumentView {
    fn from(d: &StoredDocument) -> Self {
        DocumentView {
            id: d.id.0,
            system: d.system.0,
            kind: d.kind.as_str().to_string(),
            version: d.version,
            sha256: d.sha256.clone(),
            author: d.author.clone(),
            created_at: d.created_at.clone(),
            body: d.body.clone(),
        }
    }
}

/// The ETag of a document version: its number, quoted.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// A JSON answer for a document version, with its ETag.
pub fn document_response(view: DocumentView, stored: &StoredDocument) -> Response {
    let mut response = Json(view).into_response();
    if let Ok(v) = HeaderValue::from_str(&etag(stored.version)) {
        response.headers_mut().insert(header::ETAG, v);
    }
    response
}

/// Which version, and how.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// A version number (the latest if not given).
    pub version: Option<i64>,
}

fn wants_raw(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("yaml") || a.starts_with("text/plain"))
}

/// A document: JSON with its text, or (with `Accept: application/yaml`) the text exactly as
/// stored. `If-None-Match` with the current ETag answers 304.
#[utoipa::path(get, path = "/api/documents/{id}", tag = "documents",
    params(("id" = i64, Path, description = "Document id"), VersionQuery),
    responses((status = 200, body = DocumentView, headers(("ETag" = String, description = "The version"))),
        (status = 304, description = "Not modified"), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<VersionQuery>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let stored = documents::read(&state, &caller, id, query.version).await?;
    let tag = etag(stored.version);
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"))
    {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        if let Ok(v) = HeaderValue::from_str(&tag) {
            r.headers_mut().insert(header::ETAG, v);
        }
        return Ok(r);
    }
    if wants_raw(&headers) {
        let mut r = stored.body.clone().into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/yaml; charset=utf-8"),
        );
        if let Ok(v) = HeaderValue::from_str(&tag) {
            r.headers_mut().insert(header::ETAG, v);
        }
        return Ok(r);
    }
    Ok(document_response(DocumentView::from(&stored), &stored))
}

/// The version an `If-Match` header names.
fn if_match(headers: &HeaderMap) -> Result<i64, Problem> {
    let value = headers.get(header::IF_MATCH).ok_or_else(|| {
        Problem::new(
            StatusCode::PRECONDITION_REQUIRED,
            "an update must say which version it replaces: send If-Match with the ETag you read",
        )
        .with_field("If-Match")
    })?;
    value
        .to_str()
        .ok()
        .map(|v| v.trim().trim_start_matches("W/").trim_matches('"'))
        .and_then(|v| v.parse::<i64>().ok())
        .ok_or_else(|| {
            Problem::bad_field(
                "If-Match",
                "expected the document's ETag, a quoted version number such as \"3\"",
            )
        })
}

/// Stores a new version of a document. `If-Match` must name the latest version: otherwise 412
/// and nothing is written (fetch the latest, merge, and try again). A target whose latest
/// version is approved takes only a new version that records `supersedes` with that version's
/// digest: otherwise 409.
#[utoipa::path(put, path = "/api/documents/{id}", tag = "documents",
    params(("id" = i64, Path, description = "Document id"),
        ("If-Match" = String, Header, description = "The ETag of the version this change is based on")),
    request_body(content = String, content_type = "application/yaml", description = "The new text"),
    responses((status = 200, body = DocumentView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "The latest version is an approved target, and the new text does not supersede it", body = Problem),
        (status = 412, description = "Changed since", body = Problem), (status = 422, body = Problem),
        (status = 428, description = "If-Match missing", body = Problem)))]
pub async fn put(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
    DocumentText(body): DocumentText,
) -> Result<Response, Problem> {
    let version = if_match(&headers)?;
    let stored = documents::store_version(&state, &caller, id, version, body).await?;
    Ok(document_response(DocumentView::from(&stored), &stored))
}

/// A version, without its text.
#[derive(Serialize, ToSchema)]
pub struct VersionView {
    /// Number.
    pub version: i64,
    /// Content digest.
    pub sha256: String,
    /// Who.
    pub author: String,
    /// When.
    pub created_at: String,
}

/// Every version of a document, oldest first.
#[utoipa::path(get, path = "/api/documents/{id}/versions", tag = "documents",
    params(("id" = i64, Path, description = "Document id")),
    responses((status = 200, body = Vec<VersionView>), (status = 404, body = Problem)))]
pub async fn versions(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<VersionView>>, Problem> {
    let versions = documents::versions(&state, &caller, id).await?;
    Ok(Json(
        versions
            .into_iter()
            .map(|v| VersionView {
                version: v.version,
                sha256: v.sha256,
                author: v.author,
                created_at: v.created_at,
            })
            .collect(),
    ))
}

/// The document routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get, put))
        .routes(routes!(versions))
}
