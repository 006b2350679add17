//! Certificates in pages: issue from a system's assessments, download (the signed file, or the
//! one-page document to hand over), revoke.

use axum::extract::{Form, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect};

use smm_report::attestation::{self, VerifyBase};

use smm_core::document::Date;
use smm_core::scheme::AttestationKind;

use askama::Template;

use super::{field, render, secure, Done, PageError, PageResult, PageUser};
use crate::app::certificates::{self, Certify, Standing};
use crate::authz::Action;
use crate::extract::ApiPath;
use crate::problem::Problem;
use crate::state::{today, AppState};

/// Issues a certificate from the assessments ticked on the system page.
pub async fn issue(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(id): ApiPath<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_csrf(&field(&fields, "csrf"))?;
    let assessments: Vec<i64> = fields
        .iter()
        .filter(|(k, _)| k == "assessment")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    if assessments.is_empty() {
        return Err(
            Problem::bad_field("assessment", "tick at least one assessment to certify").into(),
        );
    }
    let valid_until = match field(&fields, "valid_until").as_str() {
        "" => None,
        text => Some(Date::parse(text).ok_or_else(|| {
            Problem::bad_field(
                "valid_until",
                "expected a date as YYYY-MM-DD, e.g. 2029-12-31",
            )
        })?),
    };
    let kind = match field(&fields, "kind").as_str() {
        "declaration" => AttestationKind::Declaration,
        _ => AttestationKind::Certificate,
    };
    let mut covers = Vec::new();
    for line in field(&fields, "covers")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        match smm_cert::certificate::product_at_version(line) {
            Some(pair) => covers.push(pair),
            None => {
                return Err(Problem::bad_field(
                    "covers",
                    format!(
                        "`{line}` is not NAME@VERSION: one covered product and version per line"
                    ),
                )
                .into())
            }
        }
    }
    let request = Certify {
        kind,
        assessments,
        target: None,
        product_line: Some(field(&fields, "product_line")).filter(|l| !l.is_empty()),
        covers,
        valid_until,
        issuer: None,
        scheme: Some(field(&fields, "scheme")).filter(|s| !s.is_empty()),
    };
    let back = format!("/systems/{id}");
    match certificates::issue(&state, &user.caller, id, request).await {
        Ok(_) => Ok(Redirect::to(&Done::CertificateIssued.on(&back)).into_response()),
        Err(problem) => Err(PageError::back_to(problem, back, "Back to the system")),
    }
}

/// Downloads a certificate: the signed envelope, as `cert.json`.
pub async fn download(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(id): ApiPath<i64>,
) -> PageResult {
    let (record, envelope) =
        certificates::certificate(&state, &user.caller, id, Action::Read).await?;
    let mut response = (envelope + "\n").into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"cert-{}.json\"",
        record.serial
    )) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    secure(&mut response);
    Ok(response)
}

/// Downloads a certificate's log proof, the file to keep beside `cert.json` (docs/formats.md,
/// "Log proof"). A certificate issued before the server kept a log has none, and the page says
/// so rather than offering an empty file.
pub async fn download_proof(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(id): ApiPath<i64>,
) -> PageResult {
    let (record, _) = certificates::certificate(&state, &user.caller, id, Action::Read).await?;
    let Some(proof) = crate::app::transparency::log_proof(&state, &record.serial).await? else {
        return Err(Problem::new(
            StatusCode::NOT_FOUND,
            format!(
                "attestation {} has no log proof: it was issued before this server kept a \
                 transparency log",
                record.serial
            ),
        )
        .into());
    };
    let mut response = (proof.to_json() + "\n").into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"cert-{}.proof.json\"",
        record.serial
    )) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    secure(&mut response);
    Ok(response)
}

#[derive(Template)]
#[template(path = "revoke.html")]
struct RevokePage {
    nav: Option<super::Nav>,
    id: i64,
    system: i64,
    serial: String,
    certificate: bool,
    csrf: String,
}

/// Asks for the reason and a confirmation before revoking: a revocation cannot be undone, and
/// everyone who verifies the attestation will see the reason.
pub async fn confirm_revoke(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(id): ApiPath<i64>,
) -> PageResult {
    let (record, _) = certificates::certificate(&state, &user.caller, id, Action::Read).await?;
    if !certificates::may_revoke(&user.caller, &record) {
        return Err(PageError::back_to(
            Problem::forbidden(
                "only the organization that signed it (its owners and assessors) revokes an attestation",
            ),
            format!("/systems/{}", record.system.0),
            "Back to the system",
        ));
    }
    let org = user.caller.organizations().first().map_or(0, |(o, _)| o.0);
    Ok(render(&RevokePage {
        nav: Some(user.nav(&state, org).await),
        id,
        system: record.system.0,
        serial: record.serial,
        certificate: record.kind == "certificate",
        csrf: user.csrf.clone(),
    }))
}

/// Downloads a certificate as the one-page PDF to hand over.
pub async fn document_pdf(
    State(state): State<AppState>,
    user: PageUser,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
) -> PageResult {
    document(&state, &user, &headers, id, true).await
}

/// Downloads a certificate as the one-page HTML document to hand over.
pub async fn document_html(
    State(state): State<AppState>,
    user: PageUser,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
) -> PageResult {
    document(&state, &user, &headers, id, false).await
}

/// Where the document sends its reader to verify: this server, as the request reached it. The
/// server has no setting for its public address, so the `Host` is taken, but only when it is a
/// plain host name or address (and port); anything else is refused, never written into a
/// document. The scheme is https when the server says it is reached over TLS.
fn verify_base(headers: &HeaderMap, state: &AppState) -> Result<VerifyBase, Problem> {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    VerifyBase::from_host(crate::client::is_tls(headers, state), host)
        .map_err(|e| Problem::new(StatusCode::BAD_REQUEST, e))
}

/// The document of a certificate the caller may read, rendered from the statement as stored at
/// issue. None for a revoked or expired one: it would be handed over as current.
async fn document(
    state: &AppState,
    user: &PageUser,
    headers: &HeaderMap,
    id: i64,
    pdf: bool,
) -> PageResult {
    let (record, envelope) =
        certificates::certificate(state, &user.caller, id, Action::Read).await?;
    let base = verify_base(headers, state)?;
    // Verified as anyone would verify it before it is handed over as a valid attestation.
    let (statement, standing) = certificates::standing(state, &record, &envelope).await?;
    let kind = statement.kind.as_str();
    let serial = &record.serial;
    let refused = match standing {
        Standing::Valid => None,
        Standing::Revoked { reason, .. } => Some(format!("is revoked ({reason})")),
        Standing::Expired => Some(format!("expired on {}", statement.valid_until)),
        Standing::NotYetValid => Some(format!("is not valid before {}", statement.issued)),
        Standing::NotTrusted(reason) => Some(format!("does not verify ({reason})")),
    };
    if let Some(why) = refused {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            format!("{kind} {serial} {why}: it has no document to hand over"),
        )
        .into());
    }
    let rendered = today();
    let bytes = tokio::task::spawn_blocking(move || {
        let input = attestation::Input {
            attestation: &statement,
            verify: &base,
            rendered: &rendered,
        };
        if pdf {
            attestation::pdf(&input)
        } else {
            attestation::html(&input).map(String::into_bytes)
        }
    })
    .await
    .map_err(|e| Problem::internal("document task", &e))?
    .map_err(|e| Problem::internal("document", &e))?;
    let mut response = bytes.into_response();
    secure(&mut response);
    let headers = response.headers_mut();
    let (content_type, extension) = if pdf {
        ("application/pdf", "pdf")
    } else {
        // The document's own styles are inline; it has no script and loads nothing.
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; \
                 base-uri 'none'; form-action 'none'",
            ),
        );
        ("text/html; charset=utf-8", "html")
    };
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"cert-{}.{extension}\"",
        record.serial
    )) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

/// Revokes a certificate, with the reason everyone who verifies it will see.
pub async fn revoke(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(id): ApiPath<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_csrf(&field(&fields, "csrf"))?;
    if field(&fields, "confirm") != "yes" {
        return Err(Problem::bad_field(
            "confirm",
            "tick the box to confirm: a revocation cannot be undone",
        )
        .into());
    }
    let record = certificates::revoke(&state, &user.caller, id, &field(&fields, "reason")).await?;
    Ok(
        Redirect::to(&Done::CertificateRevoked.on(&format!("/systems/{}", record.system.0)))
            .into_response(),
    )
}
