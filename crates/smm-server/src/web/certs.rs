//! Certificates in pages: issue from a system's assessments, download, revoke.

use axum::extract::{Form, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Redirect};

use smm_core::document::Date;
use smm_core::scheme::AttestationKind;

use super::{field, secure, Done, PageResult, PageUser};
use crate::app::certificates::{self, Certify};
use crate::authz::Action;
use crate::extract::ApiPath;
use crate::problem::Problem;
use crate::state::AppState;

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
        match line.rsplit_once('@') {
            Some((n, v)) if !n.trim().is_empty() && !v.trim().is_empty() => {
                covers.push((n.trim().to_string(), v.trim().to_string()))
            }
            _ => {
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
    };
    let _ = certificates::issue(&state, &user.caller, id, request).await?;
    Ok(Redirect::to(&Done::CertificateIssued.on(&format!("/systems/{id}"))).into_response())
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

/// Revokes a certificate, with the reason everyone who verifies it will see.
pub async fn revoke(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(id): ApiPath<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_csrf(&field(&fields, "csrf"))?;
    let record = certificates::revoke(&state, &user.caller, id, &field(&fields, "reason")).await?;
    Ok(
        Redirect::to(&Done::CertificateRevoked.on(&format!("/systems/{}", record.system.0)))
            .into_response(),
    )
}
