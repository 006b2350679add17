//! Certificates issued with the server's key: issue (refused with every reason unless the
//! assessments meet the target and no finding is open), list, fetch, revoke, and verify (open
//! to anyone, no sign-in) against the server's public key and revocation list.

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use smm_cert::certificate::{issue, IssueRequest, Scope};
use smm_cert::revocation::{revoke, Revocation};
use smm_cert::{keys, verify, CertError, Envelope, VerifyInput};
use smm_core::calendar::three_years_after;
use smm_core::{content_digest, parse_assessment, parse_target};
use smm_store::{CertificateRecord, DocumentId, DocumentKind};

use crate::access;
use crate::auth::Caller;
use crate::authz::Action;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::app::documents;
use crate::problem::{document_problem, Problem};
use crate::routes::{PageQuery, Paged};
use crate::state::{today, AppState};

/// What to certify.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueCertificate {
    /// Assessment document ids of this system (one per product version).
    pub assessments: Vec<i64>,
    /// The target profile's document id (default: the one the first assessment names).
    pub target: Option<i64>,
    /// Certify a product line by its representative products' assessments.
    pub product_line: Option<String>,
    /// Last day of validity, `YYYY-MM-DD` (default: three years after today).
    pub valid_until: Option<String>,
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
}

impl CertificateView {
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
        }
    }
}

/// The refusal: every reason the certificate cannot be issued.
fn refused(reasons: Vec<String>) -> Problem {
    let mut p = Problem::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        format!("no certificate issued: {}", reasons.join("; ")),
    );
    p.errors = reasons
        .into_iter()
        .map(|r| crate::problem::FieldError {
            pointer: "assessments".to_string(),
            detail: r,
        })
        .collect();
    p.field = Some("assessments".to_string());
    p
}

fn valid_date(text: &str, field: &str) -> Result<String, Problem> {
    smm_core::document::Date::parse(text)
        .map(|_| text.to_string())
        .ok_or_else(|| Problem::bad_field(field, "expected a date as YYYY-MM-DD"))
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
    let view = issue_for(&state, &caller, id, request).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Issues a certificate for a system (the API's and the system page's one way).
pub async fn issue_for(
    state: &AppState,
    caller: &Caller,
    id: i64,
    request: IssueCertificate,
) -> Result<CertificateView, Problem> {
    let state = state.clone();
    let (info, _) = access::system(&state, caller, id, Action::IssueCertificate).await?;
    if request.assessments.is_empty() {
        return Err(Problem::bad_field(
            "assessments",
            "name at least one assessment of this system",
        ));
    }
    let issued = today();
    let valid_until = match &request.valid_until {
        Some(d) => valid_date(d, "valid_until")?,
        None => three_years_after(&issued),
    };
    let mut currents = Vec::new();
    for a in &request.assessments {
        let (org, system, kind) = state
            .store
            .document_owner(DocumentId(*a))
            .await
            .map_err(|_| Problem::not_found(format!("document {a}")).with_field("assessments"))?;
        if system != info.id || kind != DocumentKind::Assessment {
            return Err(Problem::bad_field(
                "assessments",
                format!("document {a} is not an assessment of system {id}"),
            ));
        }
        currents.push(documents::assessment(&state, org, DocumentId(*a)).await?);
    }
    let target =
        documents::target_of(&state, info.organization, &currents[0], request.target).await?;
    let scope = match &request.product_line {
        Some(line) => Scope::Line { name: line.clone() },
        None => Scope::Products {
            name: currents[0].document.product.name.clone(),
            versions: currents
                .iter()
                .map(|c| c.document.product.version.clone())
                .collect(),
        },
    };
    let issue_request = IssueRequest {
        catalog: &state.catalog,
        target: (&target.document, &target.resolved),
        assessments: currents.iter().map(|c| (&c.document, &c.current)).collect(),
        issuer: state.issuer.to_string(),
        scope,
        issued,
        valid_until,
    };
    let (envelope, statement) = match issue(&issue_request, &state.signing_key) {
        Ok(done) => done,
        Err(CertError::Refused(reasons)) => return Err(refused(reasons)),
        Err(e) => {
            return Err(Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                e.to_string(),
            ))
        }
    };
    let text = serde_json::to_string_pretty(&envelope)
        .map_err(|e| Problem::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    let record = state
        .store
        .store_certificate(
            &caller.actor(),
            info.organization,
            info.id,
            &statement.predicate.serial,
            &text,
        )
        .await?;
    Ok(CertificateView::of(record, Some(&text)))
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
    let (info, _) = access::system(&state, &caller, id, Action::Read).await?;
    let page = page.page();
    let records = state.store.certificates(info.id, page).await?;
    let items = records
        .into_iter()
        .map(|r| CertificateView::of(r, None))
        .collect();
    Ok(Json(Paged::of(items, page, |c: &CertificateView| c.id)))
}

async fn certificate_of(
    state: &AppState,
    caller: &Caller,
    id: i64,
    action: Action,
) -> Result<(CertificateRecord, String), Problem> {
    let (record, envelope) = state
        .store
        .certificate(id)
        .await
        .map_err(|_| Problem::not_found(format!("certificate {id}")))?;
    access::system(state, caller, record.system.0, Action::Read)
        .await
        .map_err(|_| Problem::not_found(format!("certificate {id}")))?;
    access::system(state, caller, record.system.0, action).await?;
    Ok((record, envelope))
}

/// One certificate, with its envelope.
#[utoipa::path(get, path = "/api/certificates/{id}", tag = "certificates",
    params(("id" = i64, Path, description = "Certificate id")),
    responses((status = 200, body = CertificateView), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<CertificateView>, Problem> {
    let (record, envelope) = certificate_of(&state, &caller, id, Action::Read).await?;
    Ok(Json(CertificateView::of(record, Some(&envelope))))
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
    certificate_of(&state, &caller, id, Action::RevokeCertificate).await?;
    let record = state
        .store
        .revoke_certificate(&caller.actor(), id, &body.reason)
        .await
        .map_err(|e| match e {
            smm_store::StoreError::Invalid(m) => Problem::bad_field("reason", m),
            other => other.into(),
        })?;
    Ok(Json(CertificateView::of(record, None)))
}

/// The server's signed revocation list, built from the store.
async fn revocation_list(state: &AppState) -> Result<Option<Envelope>, Problem> {
    let mut list: Option<Envelope> = None;
    for (serial, reason, at) in state.store.revocations().await? {
        let (envelope, _) = revoke(
            list.as_ref(),
            &state.signing_key,
            Revocation {
                serial,
                date: at.get(..10).unwrap_or(&at).to_string(),
                reason,
            },
        )
        .map_err(|e| Problem::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
        list = Some(envelope);
    }
    Ok(list)
}

/// The server's revocation list (a DSSE envelope signed with the certificates' key). Public.
#[utoipa::path(get, path = "/api/certificates/revocations", tag = "certificates",
    responses((status = 200, description = "The signed list (empty list: 204)"), (status = 204, description = "Nothing revoked")))]
pub async fn revocations(State(state): State<AppState>) -> Result<Response, Problem> {
    Ok(match revocation_list(&state).await? {
        Some(envelope) => Json(envelope).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}

/// The server's public key (SPKI PEM), to verify its certificates offline. Public.
#[utoipa::path(get, path = "/api/certificates/issuer.pub", tag = "certificates",
    responses((status = 200, description = "PEM", content_type = "application/x-pem-file")))]
pub async fn issuer_key(State(state): State<AppState>) -> Result<Response, Problem> {
    let pem = keys::public_pem(&state.signing_key.verifying_key())
        .map_err(|e| Problem::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    let mut r = pem.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-pem-file"),
    );
    Ok(r)
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
    verify_report(&state, request).await.map(Json)
}

/// Verifies a certificate: the checks, for the API and the public page.
pub async fn verify_report(
    state: &AppState,
    request: VerifyRequest,
) -> Result<VerifyView, Problem> {
    let at = match &request.at {
        Some(d) => valid_date(d, "at")?,
        None => today(),
    };
    let target = request
        .target
        .as_deref()
        .map(|t| {
            parse_target(t)
                .map(|d| content_digest(&d))
                .map_err(|d| document_problem(&d).with_field("target"))
        })
        .transpose()?;
    let mut assessments = Vec::new();
    for (i, a) in request.assessments.iter().enumerate() {
        let doc = parse_assessment(a)
            .map_err(|d| document_problem(&d).with_field(&format!("assessments[{i}]")))?;
        assessments.push((format!("assessment {}", i + 1), content_digest(&doc)));
    }
    let revocations = revocation_list(state).await?;
    let verifying = state.signing_key.verifying_key();
    let report = verify(&VerifyInput {
        envelope: &request.certificate,
        issuer: &verifying,
        at: &at,
        target: target.as_deref(),
        assessments,
        revocations: revocations.as_ref(),
    });
    Ok(VerifyView {
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
    })
}
