//! Certificates in pages: issue from a system's assessments, download, revoke.

use axum::extract::{Form, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};

use super::{field, page_error, secure, PageUser};
use crate::access;
use crate::authz::Action;
use crate::extract::ApiPath;
use crate::problem::Problem;
use crate::routes::certificates::{issue_for, IssueCertificate};
use crate::state::AppState;

/// Issues a certificate from the assessments ticked on the system page.
pub async fn issue(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(id): ApiPath<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if let Err(p) = user.check_csrf(&field(&fields, "csrf")) {
        return page_error(p);
    }
    let assessments: Vec<i64> = fields
        .iter()
        .filter(|(k, _)| k == "assessment")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    if assessments.is_empty() {
        return page_error(Problem::bad_field(
            "assessment",
            "tick at least one assessment to certify",
        ));
    }
    let request = IssueCertificate {
        assessments,
        target: None,
        product_line: Some(field(&fields, "product_line")).filter(|l| !l.is_empty()),
        valid_until: Some(field(&fields, "valid_until")).filter(|v| !v.is_empty()),
    };
    match issue_for(&state, &user.caller, id, request).await {
        Ok(view) => Redirect::to(&format!("/systems/{id}?issued={}", view.id)).into_response(),
        Err(p) => page_error(p),
    }
}

/// Downloads a certificate: the signed envelope, as `cert.json`.
pub async fn download(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(id): ApiPath<i64>,
) -> Response {
    let found = async {
        let (record, envelope) = state
            .store
            .certificate(id)
            .await
            .map_err(|_| Problem::not_found(format!("certificate {id}")))?;
        access::system(&state, &user.caller, record.system.0, Action::Read)
            .await
            .map_err(|_| Problem::not_found(format!("certificate {id}")))?;
        Ok::<_, Problem>((record, envelope))
    }
    .await;
    match found {
        Ok((record, envelope)) => {
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
            response
        }
        Err(p) => page_error(p),
    }
}

/// Revokes a certificate, with the reason everyone who verifies it will see.
pub async fn revoke(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(id): ApiPath<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if let Err(p) = user.check_csrf(&field(&fields, "csrf")) {
        return page_error(p);
    }
    let done = async {
        let (record, _) = state
            .store
            .certificate(id)
            .await
            .map_err(|_| Problem::not_found(format!("certificate {id}")))?;
        access::system(&state, &user.caller, record.system.0, Action::Read)
            .await
            .map_err(|_| Problem::not_found(format!("certificate {id}")))?;
        access::system(
            &state,
            &user.caller,
            record.system.0,
            Action::RevokeCertificate,
        )
        .await?;
        state
            .store
            .revoke_certificate(&user.caller.actor(), id, &field(&fields, "reason"))
            .await
            .map_err(|e| match e {
                smm_store::StoreError::Invalid(m) => Problem::bad_field("reason", m),
                other => other.into(),
            })?;
        Ok::<_, Problem>(record.system.0)
    }
    .await;
    match done {
        Ok(system) => Redirect::to(&format!("/systems/{system}")).into_response(),
        Err(p) => page_error(p),
    }
}
