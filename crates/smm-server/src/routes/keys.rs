//! Signing keys of an organization (listing for members; creating, importing, retiring and
//! revoking for owners) and the public issuers document.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use smm_store::SigningKeyRecord;

use crate::app::keys::{self, NewKey};
use crate::auth::Caller;
use crate::extract::{ApiJson, ApiPath};
use crate::problem::Problem;
use crate::state::AppState;

/// A signing key: its public part and its life. The private part is never shown.
#[derive(Serialize, ToSchema)]
pub struct KeyView {
    /// SHA-256 of the public key's SubjectPublicKeyInfo DER, hex: what signatures name.
    pub keyid: String,
    /// The public key, SubjectPublicKeyInfo PEM.
    pub public_key: String,
    /// active, retired or revoked.
    pub status: String,
    /// created (on the server) or imported.
    pub origin: String,
    /// First day it may sign.
    pub valid_from: String,
    /// Last day it signed, once retired.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    /// From which day nothing it signed is trusted, once revoked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_from: Option<String>,
    /// Why it was revoked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revocation_reason: Option<String>,
    /// Who created or imported it.
    pub created_by: String,
    /// When.
    pub created_at: String,
}

impl From<SigningKeyRecord> for KeyView {
    fn from(k: SigningKeyRecord) -> KeyView {
        KeyView {
            status: k.life().as_str().to_string(),
            origin: k.origin.as_str().to_string(),
            keyid: k.keyid,
            public_key: k.public_key,
            valid_from: k.valid_from,
            valid_until: k.valid_until,
            revoked_from: k.revoked_from,
            revocation_reason: k.revocation_reason,
            created_by: k.created_by,
            created_at: k.created_at,
        }
    }
}

/// A new key: empty (or `{}`) for the server to generate one, or a private key to import.
#[derive(Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKeyRequest {
    /// An Ed25519 private key to import, unencrypted PKCS#8 PEM
    /// (`-----BEGIN PRIVATE KEY-----`). A key already published, by anyone, is refused.
    pub private_key: Option<String>,
}

/// A revocation.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeKey {
    /// The first day on which nothing the key signed is trusted, `YYYY-MM-DD`: today or earlier
    /// (a compromise found late), not before the key's first day.
    pub from: String,
    /// Why (shown to verifiers).
    pub reason: String,
}

/// The organization's signing keys, newest first (public parts and life only).
#[utoipa::path(get, path = "/api/organizations/{org}/keys", tag = "keys",
    params(("org" = i64, Path, description = "Organization id")),
    responses((status = 200, body = Vec<KeyView>), (status = 404, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<i64>,
) -> Result<Json<Vec<KeyView>>, Problem> {
    Ok(Json(
        keys::list(&state, &caller, org)
            .await?
            .into_iter()
            .map(KeyView::from)
            .collect(),
    ))
}

/// Creates a signing key on the server, or imports one (owners only). It is active at once,
/// beside any active key: the newest active key signs from now on.
#[utoipa::path(post, path = "/api/organizations/{org}/keys", tag = "keys",
    params(("org" = i64, Path, description = "Organization id")),
    request_body = NewKeyRequest,
    responses((status = 201, body = KeyView), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, description = "The key is already published", body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<i64>,
    request: Request,
) -> Result<(StatusCode, Json<KeyView>), Problem> {
    let bytes = crate::extract::body(request, &state).await?;
    let new: NewKeyRequest = if bytes.iter().all(u8::is_ascii_whitespace) {
        NewKeyRequest::default()
    } else {
        ApiJson::<NewKeyRequest>::parse(&bytes)?.0
    };
    let how = match new.private_key.as_deref() {
        Some(pem) => NewKey::Import(pem),
        None => NewKey::Generate,
    };
    let key = keys::create(&state, &caller, org, how).await?;
    Ok((StatusCode::CREATED, Json(key.into())))
}

/// Retires an active key (owners only): it signed until today and signs no more; what it signed
/// still verifies.
#[utoipa::path(post, path = "/api/organizations/{org}/keys/{keyid}/retire", tag = "keys",
    params(("org" = i64, Path, description = "Organization id"), ("keyid" = String, Path, description = "Key id")),
    responses((status = 200, body = KeyView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "Already retired", body = Problem), (status = 422, description = "Revoked", body = Problem)))]
pub async fn retire(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((org, keyid)): ApiPath<(i64, String)>,
) -> Result<Json<KeyView>, Problem> {
    Ok(Json(
        keys::retire(&state, &caller, org, &keyid).await?.into(),
    ))
}

/// Revokes a key (owners only) from a day, which may be in the past: nothing it signed from
/// that day on is trusted.
#[utoipa::path(post, path = "/api/organizations/{org}/keys/{keyid}/revoke", tag = "keys",
    params(("org" = i64, Path, description = "Organization id"), ("keyid" = String, Path, description = "Key id")),
    request_body = RevokeKey,
    responses((status = 200, body = KeyView), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, description = "Already revoked", body = Problem)))]
pub async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((org, keyid)): ApiPath<(i64, String)>,
    ApiJson(revocation): ApiJson<RevokeKey>,
) -> Result<Json<KeyView>, Problem> {
    Ok(Json(
        keys::revoke(
            &state,
            &caller,
            org,
            &keyid,
            &revocation.from,
            &revocation.reason,
        )
        .await?
        .into(),
    ))
}

/// The issuers document (`urn:smm:issuers:v1`, docs/certificates.md): every organization that
/// has signing keys, whether it is a certification body, and its keys with their ids, validity
/// and status. Public. Send `If-None-Match` with the last `ETag` to get 304 while unchanged.
#[utoipa::path(get, path = "/api/issuers", tag = "keys",
    responses((status = 200, description = "The issuers document", content_type = "application/json"),
        (status = 304, description = "Unchanged since the ETag sent")))]
pub async fn issuers(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let published = keys::published(&state).await?;
    let etag = HeaderValue::from_str(&published.etag)
        .map_err(|e| Problem::internal("issuers ETag", &e))?;
    let unchanged = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| {
            let tag = tag.trim();
            tag == "*" || tag.trim_start_matches("W/") == published.etag
        });
    let mut response = if unchanged {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(header::CONTENT_TYPE, "application/json")],
            published.json.clone(),
        )
            .into_response()
    };
    let headers = response.headers_mut();
    headers.insert(header::ETAG, etag);
    // Verifiers ask again every time, and a 304 costs one small read: a revoked key is
    // published at once.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}

/// The key routes and the issuers document.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(retire))
        .routes(routes!(revoke))
        .routes(routes!(issuers))
}
