//! The public verification page: anyone pastes or uploads a certificate (and optionally the
//! documents it should bind) and sees every check. No sign-in, no state changed, so no CSRF
//! token is needed.

use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::response::{IntoResponse, Redirect, Response};

use smm_cert::Envelope;

use super::{render, Nav};
use crate::app::certificates::{verify, Verify};
use crate::state::AppState;

/// Largest text field accepted on the form.
const MAX_FIELD_BYTES: usize = 512 * 1024;

struct Outcome {
    /// What it is, once its signature held: shown before anything else.
    kind: Option<(&'static str, bool)>,
    passed: bool,
    reason: Option<String>,
    checks: Vec<(bool, String)>,
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    nav: Option<Nav>,
    error: Option<String>,
    result: Option<Outcome>,
    certificate: String,
    target: String,
    assessment: String,
}

fn page(error: Option<String>, result: Option<Outcome>, fields: Fields) -> Response {
    render(&VerifyPage {
        nav: None,
        error,
        result,
        certificate: fields.certificate,
        target: fields.target,
        assessment: fields.assessment,
    })
}

#[derive(Default)]
struct Fields {
    certificate: String,
    target: String,
    assessment: String,
}

/// What the verification link of a printed attestation carries.
#[derive(serde::Deserialize)]
pub struct Lookup {
    serial: Option<String>,
}

/// The empty form, or, for the link printed on an attestation (`/verify?serial=…`), its public
/// page.
pub async fn form(Query(lookup): Query<Lookup>) -> Response {
    match lookup.serial.filter(|s| !s.trim().is_empty()) {
        Some(serial) if crate::app::certificates::is_serial(&serial) => {
            Redirect::to(&super::attestation::link(&serial.to_ascii_lowercase())).into_response()
        }
        Some(_) => page(
            Some("That is not a serial: a serial is 32 hexadecimal digits.".to_string()),
            None,
            Fields::default(),
        ),
        None => page(None, None, Fields::default()),
    }
}

async fn read(mut multipart: Multipart) -> Result<Fields, String> {
    let mut fields = Fields::default();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| format!("the form could not be read: {e}"))?
    {
        let name = field.name().unwrap_or("").to_string();
        let bytes = field
            .bytes()
            .await
            .map_err(|e| format!("the form could not be read: {e}"))?;
        if bytes.len() > MAX_FIELD_BYTES {
            return Err(format!("`{name}` is larger than {MAX_FIELD_BYTES} bytes"));
        }
        let text =
            String::from_utf8(bytes.to_vec()).map_err(|_| format!("`{name}` is not UTF-8 text"))?;
        match name.as_str() {
            "certificate" => fields.certificate = text,
            "certificate_file" if !text.trim().is_empty() => fields.certificate = text,
            "target" => fields.target = text,
            "assessment" => fields.assessment = text,
            _ => {}
        }
    }
    Ok(fields)
}

/// Verifies what was sent and shows every check.
pub async fn check(State(state): State<AppState>, multipart: Multipart) -> Response {
    let fields = match read(multipart).await {
        Ok(f) => f,
        Err(e) => return page(Some(e), None, Fields::default()),
    };
    if fields.certificate.trim().is_empty() {
        return page(
            Some("Paste the certificate or choose its file.".to_string()),
            None,
            fields,
        );
    }
    let envelope: Envelope = match serde_json::from_str(&fields.certificate) {
        Ok(e) => e,
        Err(e) => {
            return page(
                Some(format!(
                    "This is not a certificate (a DSSE envelope in JSON): {e}"
                )),
                None,
                fields,
            )
        }
    };
    let target = Some(fields.target.as_str()).filter(|t| !t.trim().is_empty());
    let assessments = Some(fields.assessment.as_str())
        .filter(|a| !a.trim().is_empty())
        .into_iter()
        .collect();
    let request = Verify {
        certificate: &envelope,
        target,
        assessments,
        at: None,
    };
    let outcome = verify(&state, request).await;
    match outcome {
        Ok(report) => {
            let result = Outcome {
                kind: report.kind().map(|k| {
                    (
                        k.label(),
                        k == smm_core::scheme::AttestationKind::Certificate,
                    )
                }),
                passed: report.passed(),
                reason: report.reason().map(str::to_string),
                checks: report.checks.into_iter().map(|c| (c.ok, c.what)).collect(),
            };
            page(None, Some(result), fields)
        }
        Err(problem) => page(Some(problem.detail.clone()), None, fields),
    }
}
