//! Certificates issued with the server's key: issue (refused with every reason unless the
//! assessments meet the target and no finding is open), list, fetch, revoke, and verify (open
//! to anyone, no sign-in) against the server's public key and revocation list.

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use smm_cert::Envelope;
use smm_core::document::Date;
use smm_core::scheme::AttestationKind;
use smm_store::CertificateRecord;

use crate::app::certificates::{self, Certify, Verify};
use crate::auth::Caller;
use crate::authz::Action;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::problem::Problem;
use crate::routes::{PageQuery, Paged};
use crate::state::AppState;

/// What to attest.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueCertificate {
    /// `certificate` (a certification body's, through a grant; the default) or `declaration`
    /// (the owning organization's own).
    #[serde(default)]
    pub kind: KindParam,
    /// Assessment document ids of this system (one per product version).
    pub assessments: Vec<i64>,
    /// The target profile's document id (default: the one the first assessment names).
    pub target: Option<i64>,
    /// Attest a product line by its representative products' assessments.
    pub product_line: Option<String>,
    /// For a product line: every product and version it covers.
    #[serde(default)]
    pub covers: Vec<CoveredProduct>,
    /// Last day of validity, `YYYY-MM-DD` (default: the longest the scheme allows).
    pub valid_until: Option<String>,
    /// For a certificate: the issuing certification body's organization id, when the caller
    /// belongs to several that were granted the system.
    pub issuer: Option<i64>,
    /// The id of the scheme to issue under (default: the server's default scheme, the first of
    /// `GET /api/schemes`).
    pub scheme: Option<String>,
}

/// Certificate or declaration.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum KindParam {
    /// A certification body's attestation.
    #[default]
    Certificate,
    /// The supplier's own statement of conformity.
    Declaration,
}

/// A product and version a line covers.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CoveredProduct {
    /// Product name.
    pub name: String,
    /// Version.
    pub version: String,
}

/// A certificate the server issued.
#[derive(Serialize, ToSchema)]
pub struct CertificateView {
    /// Id.
    pub id: i64,
    /// Certified system.
    pub system: i64,
    /// Serial.
    pub serial: String,
    /// SHA-256 of the envelope.
    pub sha256: String,
    /// Who issued it.
    pub issued_by: String,
    /// When.
    pub created_at: String,
    /// Whether it was revoked.
    pub revoked: bool,
    /// Why, if it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revocation_reason: Option<String>,
    /// The signed envelope (DSSE), when asked for one certificate or just issued.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub envelope: Option<serde_json::Value>,
    /// The log proof to keep beside the envelope (`_type` `urn:smm:log-proof:v1`, see
    /// docs/formats.md): its index in the transparency log, the inclusion proof and the signed
    /// checkpoint, as `smm cert verify --log-proof` reads it. Given with the envelope; absent
    /// for an attestation issued before the server kept a log (it has none).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub log_proof: Option<serde_json::Value>,
}

impl CertificateView {
    /// With the log proof of an attestation whose envelope is shown.
    async fn with_proof(
        state: &AppState,
        r: CertificateRecord,
        envelope: &str,
    ) -> Result<CertificateView, Problem> {
        let proof = crate::app::transparency::log_proof(state, &r.serial).await?;
        let mut view = CertificateView::of(r, Some(envelope));
        view.log_proof = proof.and_then(|p| serde_json::from_str(&p.to_json()).ok());
        Ok(view)
    }

    fn of(r: CertificateRecord, envelope: Option<&str>) -> CertificateView {
        CertificateView {
            id: r.id,
            system: r.system.0,
            serial: r.serial,
            sha256: r.sha256,
            issued_by: r.issued_by,
            created_at: r.created_at,
            revoked: r.revoked.is_some(),
            revocation_reason: r.revoked.map(|(reason, _)| reason),
            envelope: envelope.and_then(|e| serde_json::from_str(e).ok()),
            log_proof: None,
        }
    }
}

fn valid_date(text: Option<&str>, field: &str) -> Result<Option<Date>, Problem> {
    text.map(|t| {
        Date::parse(t.trim())
            .ok_or_else(|| Problem::bad_field(field, "expected a date as YYYY-MM-DD"))
    })
    .transpose()
}

/// Issues a certificate for a system with the server's key.
#[utoipa::path(post, path = "/api/systems/{id}/certificates", tag = "certificates",
    params(("id" = i64, Path, description = "System id")),
    request_body = IssueCertificate,
    responses((status = 201, body = CertificateView), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, description = "Refused, with every reason", body = Problem)))]
pub async fn issue_certificate(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(request): ApiJson<IssueCertificate>,
) -> Result<(StatusCode, Json<CertificateView>), Problem> {
    let request = Certify {
        kind: match request.kind {
            KindParam::Certificate => AttestationKind::Certificate,
            KindParam::Declaration => AttestationKind::Declaration,
        },
        assessments: request.assessments,
        target: request.target,
        product_line: request.product_line,
        covers: request
            .covers
            .into_iter()
            .map(|c| (c.name, c.version))
            .collect(),
        valid_until: valid_date(request.valid_until.as_deref(), "valid_until")?,
        issuer: request.issuer,
        scheme: request.scheme,
    };
    let (record, envelope) = certificates::issue(&state, &caller, id, request).await?;
    Ok((
        StatusCode::CREATED,
        Json(CertificateView::with_proof(&state, record, &envelope).await?),
    ))
}

/// A system's certificates.
#[utoipa::path(get, path = "/api/systems/{id}/certificates", tag = "certificates",
    params(("id" = i64, Path, description = "System id"), PageQuery),
    responses((status = 200, body = Paged<CertificateView>), (status = 404, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<Paged<CertificateView>>, Problem> {
    let page = page.page();
    let records = certificates::list(&state, &caller, id, page).await?;
    let items = records
        .into_iter()
        .map(|r| CertificateView::of(r, None))
        .collect();
    Ok(Json(Paged::of(items, page, |c: &CertificateView| c.id)))
}

/// One certificate, with its envelope and its log proof.
#[utoipa::path(get, path = "/api/certificates/{id}", tag = "certificates",
    params(("id" = i64, Path, description = "Certificate id")),
    responses((status = 200, body = CertificateView), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<CertificateView>, Problem> {
    let (record, envelope) = certificates::certificate(&state, &caller, id, Action::Read).await?;
    Ok(Json(
        CertificateView::with_proof(&state, record, &envelope).await?,
    ))
}

/// Why a certificate is revoked.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeCertificate {
    /// The reason, shown to everyone who verifies it.
    pub reason: String,
}

/// Revokes a certificate: from now on the revocation list names it.
#[utoipa::path(post, path = "/api/certificates/{id}/revoke", tag = "certificates",
    params(("id" = i64, Path, description = "Certificate id")),
    request_body = RevokeCertificate,
    responses((status = 200, body = CertificateView), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "Already revoked", body = Problem)))]
pub async fn revoke_certificate(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<RevokeCertificate>,
) -> Result<Json<CertificateView>, Problem> {
    let record = certificates::revoke(&state, &caller, id, &body.reason).await?;
    Ok(Json(CertificateView::of(record, None)))
}

/// An issuer's signed revocation list (a DSSE envelope signed with its current key), as
/// `smm cert verify --revoked` reads it. Public; `issuer` is its id in the issuers document.
#[utoipa::path(get, path = "/api/issuers/{issuer}/revocations", tag = "certificates",
    params(("issuer" = String, Path, description = "The issuer's id in the issuers document, `org-<n>`")),
    responses((status = 200, description = "The signed list (possibly empty)"), (status = 404, body = Problem)))]
pub async fn revocations(
    State(state): State<AppState>,
    ApiPath(issuer): ApiPath<String>,
) -> Result<Response, Problem> {
    let json = certificates::revocation_list(&state, &issuer).await?;
    let mut response = json.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}

/// A certificate to verify, with the documents it should bind.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    /// The certificate (the DSSE envelope, as issued).
    #[schema(value_type = Object)]
    pub certificate: Envelope,
    /// The target profile's text, to check the certificate binds it.
    pub target: Option<String>,
    /// Assessments' texts, to check the certificate binds them.
    #[serde(default)]
    pub assessments: Vec<String>,
    /// The date to check validity at, `YYYY-MM-DD` (default: today).
    pub at: Option<String>,
}

/// One check of a verification.
#[derive(Serialize, ToSchema)]
pub struct CheckView {
    /// Whether it held.
    pub ok: bool,
    /// What was checked.
    pub what: String,
}

/// The outcome of a verification.
#[derive(Serialize, ToSchema)]
pub struct VerifyView {
    /// Whether every check held.
    pub passed: bool,
    /// The first failed check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Every check, in order.
    pub checks: Vec<CheckView>,
    /// The certificate's statement, once its signature held.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub certificate: Option<serde_json::Value>,
}

/// Verifies a certificate against the server's key and revocation list, and optionally the
/// target and assessments it should bind. Open to anyone: no sign-in.
#[utoipa::path(post, path = "/api/certificates/verify", tag = "certificates",
    request_body = VerifyRequest,
    responses((status = 200, description = "The checks (passed or not)", body = VerifyView),
        (status = 400, body = Problem), (status = 422, body = Problem)))]
pub async fn verify_certificate(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<VerifyRequest>,
) -> Result<Json<VerifyView>, Problem> {
    let at = valid_date(request.at.as_deref(), "at")?;
    let report = certificates::verify(
        &state,
        Verify {
            certificate: &request.certificate,
            target: request.target.as_deref(),
            assessments: request.assessments.iter().map(String::as_str).collect(),
            at,
        },
    )
    .await?;
    Ok(Json(VerifyView {
        passed: report.passed(),
        reason: report.reason().map(str::to_string),
        checks: report
            .checks
            .iter()
            .map(|c| CheckView {
                ok: c.ok,
                what: c.what.clone(),
            })
            .collect(),
        certificate: report
            .certificate
            .as_ref()
            .and_then(|c| serde_json::to_value(c).ok()),
    }))
}

/// A certification scheme this server issues under.
#[derive(Serialize, ToSchema)]
pub struct SchemeView {
    /// Its id, as attestations and `IssueCertificate.scheme` name it.
    pub id: String,
    /// Its version.
    pub version: String,
    /// Content digest of the scheme document, as attestations carry it.
    pub sha256: String,
    /// Whether attestations are issued under it when none is named.
    pub default: bool,
    /// The scheme document (`kind: Scheme`) as JSON: what an attestation under it requires.
    #[schema(value_type = Object)]
    pub document: serde_json::Value,
}

/// The certification schemes this server issues under, the default first. Public: a reader of
/// an attestation can see what it required.
#[utoipa::path(get, path = "/api/schemes", tag = "certificates",
    responses((status = 200, body = Vec<SchemeView>)))]
pub async fn schemes(State(state): State<AppState>) -> Result<Json<Vec<SchemeView>>, Problem> {
    let default = state.schemes.default_scheme().id.value.clone();
    state
        .schemes
        .all()
        .iter()
        .map(|scheme| {
            let reference = scheme.reference();
            Ok(SchemeView {
                default: reference.id == default,
                id: reference.id,
                version: reference.version,
                sha256: reference.sha256,
                document: serde_json::to_value(scheme)
                    .map_err(|e| Problem::internal("scheme as JSON", &e))?,
            })
        })
        .collect::<Result<Vec<_>, Problem>>()
        .map(Json)
}

/// The certificate routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, issue_certificate))
        .routes(routes!(revocations))
        .routes(routes!(verify_certificate))
        .routes(routes!(get))
        .routes(routes!(revoke_certificate))
        .routes(routes!(schemes))
}
