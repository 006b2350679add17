//! Evidence files: uploaded to a system (stored once per content, by SHA-256, under the system's
//! owner, and served only through the systems it was uploaded to), downloaded as attachments
//! that browsers never sniff or render inline.

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use smm_store::MAX_EVIDENCE_BYTES;

use crate::app::evidence;
use crate::auth::Caller;
use crate::extract::{body, ApiPath};
use crate::problem::Problem;
use crate::state::AppState;

/// A stored evidence file.
#[derive(Serialize, ToSchema)]
pub struct EvidenceView {
    /// Its SHA-256: cite it in an assessment's evidence.
    pub sha256: String,
    /// Its media type.
    pub media_type: String,
    /// Its size in bytes.
    pub size: usize,
    /// Where to download it.
    pub href: String,
}

/// Any bytes, in the OpenAPI document: the evidence types are files, described by their media
/// type, not by a JSON schema (which would make text that looks like JSON a wrong body).
type Bytes = serde_json::Value;

/// Uploads an evidence file (PDF, PNG, JPEG or UTF-8 text, at most 25 MiB), with its type in
/// `Content-Type`; the type is checked against the content.
#[utoipa::path(post, path = "/api/systems/{id}/evidence", tag = "evidence",
    params(("id" = i64, Path, description = "System id")),
    request_body(description = "The file, any bytes; Content-Type names its type, which is checked against them", content(
        (Bytes = "application/pdf"), (Bytes = "image/png"), (Bytes = "image/jpeg"),
        (Bytes = "text/plain"), (Bytes = "text/markdown"), (Bytes = "text/csv"),
        (Bytes = "application/json"), (Bytes = "application/yaml"))),
    responses((status = 201, body = EvidenceView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 413, body = Problem), (status = 422, body = Problem)))]
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    request: Request,
) -> Result<(StatusCode, Json<EvidenceView>), Problem> {
    let declared = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = body(request, &state).await?;
    let evidence::Stored { sha256, media_type } =
        evidence::upload(&state, &caller, id, &declared, &bytes).await?;
    Ok((
        StatusCode::CREATED,
        Json(EvidenceView {
            href: format!("/api/systems/{id}/evidence/{sha256}"),
            sha256,
            media_type,
            size: bytes.len(),
        }),
    ))
}

/// Downloads an evidence file.
#[utoipa::path(get, path = "/api/systems/{id}/evidence/{sha256}", tag = "evidence",
    params(("id" = i64, Path, description = "System id"), ("sha256" = String, Path, description = "The file's SHA-256")),
    responses((status = 200, description = "The file, with the type it was uploaded with", content(
        (Bytes = "application/pdf"), (Bytes = "image/png"), (Bytes = "image/jpeg"),
        (Bytes = "text/plain"), (Bytes = "text/markdown"), (Bytes = "text/csv"),
        (Bytes = "application/json"), (Bytes = "application/yaml"))),
        (status = 404, body = Problem)))]
pub async fn download(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((id, sha256)): ApiPath<(i64, String)>,
) -> Result<Response, Problem> {
    let (media_type, bytes) = evidence::download(&state, &caller, id, &sha256).await?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&media_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"evidence-{}\"",
        &sha256[..16]
    )) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        // Its name never changes, but who may read it does: nothing keeps a copy.
        HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// The evidence routes; an upload may be as large as an evidence file.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload))
        .layer(DefaultBodyLimit::max(MAX_EVIDENCE_BYTES + 1024))
        .routes(routes!(download))
}
