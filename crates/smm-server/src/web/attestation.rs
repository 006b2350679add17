//! The public page of an attestation: what a customer is shown when a vendor hands over a
//! certificate or a declaration. The kind comes first; then the products, the issuer, where it
//! stands today, and the profile attested (every practice's target level, the limitations and
//! what compensates). Nothing private: no evidence, findings or notes. No sign-in.

use askama::Template;
use axum::extract::State;

use smm_core::scheme::AttestationKind;

use super::{render, Nav, PageResult};
use smm_store::RegisterStatus;

use crate::app::certificates::{public_attestation, AttestedLevel, Standing};
use crate::extract::ApiPath;
use crate::state::AppState;

/// A practice row: id, name, level in words.
struct Row {
    name: String,
    level: String,
}

#[derive(Template)]
#[template(path = "attestation.html")]
struct AttestationPage {
    nav: Option<Nav>,
    certificate: bool,
    kind: &'static str,
    serial: String,
    issuer: String,
    product_line: Option<String>,
    products: Vec<(String, String, bool)>,
    standing: &'static str,
    standing_class: &'static str,
    standing_detail: String,
    superseded_by: Option<String>,
    vendor: Option<String>,
    issued: String,
    valid_until: String,
    reassess_by: Option<String>,
    scheme: String,
    target: String,
    target_digest: String,
    /// Who approved the attested profile version, when the attestation records it.
    approval: Option<String>,
    assessments: Vec<(String, String, String, String)>,
    limitations: Vec<(String, String, String, Vec<String>)>,
    practices: Vec<Row>,
}

fn level_words(level: &AttestedLevel) -> String {
    let comprehensiveness = match level.comprehensiveness {
        0 => "0 None",
        1 => "1 Minimum",
        2 => "2 Ad hoc",
        3 => "3 Consistent",
        _ => "4 Formalized",
    };
    let scope = match level.scope.as_str() {
        "general" => "General",
        "industry" => "Industry-specific",
        _ => "System-specific",
    };
    format!("{comprehensiveness}, {scope}")
}

/// Shows the attestation with this serial (404 for any other).
pub async fn show(State(state): State<AppState>, ApiPath(serial): ApiPath<String>) -> PageResult {
    let public = public_attestation(&state, &serial).await?;
    let a = &public.statement;
    let (standing, standing_class, standing_detail) = match &public.standing {
        Standing::Valid => ("Valid", "ok", format!("valid until {}", a.valid_until)),
        Standing::NotYetValid => ("Not valid yet", "warn", format!("from {}", a.issued)),
        Standing::Expired => (
            "Expired",
            "error",
            format!("expired after {}", a.valid_until),
        ),
        Standing::Revoked { reason, at } => (
            "Revoked",
            "error",
            format!("revoked on {}: {reason}", at.get(..10).unwrap_or(at)),
        ),
        Standing::NotTrusted(why) => ("Not trusted", "error", why.clone()),
    };
    // Valid by its signature and dates, and yet replaced: the register's rule says so, the
    // same for this page, the register and its API.
    let superseded_by = public
        .register
        .as_ref()
        .filter(|r| r.status == RegisterStatus::Superseded)
        .and_then(|r| r.superseded_by.clone())
        .filter(|_| public.standing == Standing::Valid);
    let (standing, standing_class, standing_detail) = match &superseded_by {
        Some(newer) => (
            "Superseded",
            "warn",
            format!(
                "still valid until {}, but the same issuer has since issued a newer {} for                  the same {} (serial {newer})",
                a.valid_until,
                a.kind.label().to_lowercase(),
                if a.covers.product_line.is_some() { "product line" } else { "product" }
            ),
        ),
        None => (standing, standing_class, standing_detail),
    };
    let names: std::collections::HashMap<&str, &str> = public
        .practices
        .iter()
        .map(|p| (p.id.as_str(), p.name.as_str()))
        .collect();
    Ok(render(&AttestationPage {
        nav: None,
        certificate: a.kind == AttestationKind::Certificate,
        kind: a.kind.label(),
        serial: a.serial.clone(),
        issuer: a.issuer.name.clone(),
        product_line: a.covers.product_line.clone(),
        products: a
            .covers
            .products
            .iter()
            .map(|p| (p.name.clone(), p.version.clone(), p.assessed))
            .collect(),
        standing,
        standing_class,
        standing_detail,
        superseded_by: superseded_by.map(|s| link(&s)),
        vendor: public.register.as_ref().map(|r| r.vendor.clone()),
        issued: a.issued.clone(),
        valid_until: a.valid_until.clone(),
        reassess_by: a.reassess_by.clone(),
        scheme: format!("{} {}", a.scheme.id, a.scheme.version),
        target: format!(
            "{} {}",
            a.target.name,
            a.target.version.as_deref().unwrap_or("")
        )
        .trim()
        .to_string(),
        target_digest: a.target.sha256.clone(),
        approval: a.target.approval.as_ref().map(|x| x.words()),
        assessments: a
            .assessments
            .iter()
            .map(|x| {
                (
                    format!("{} {}", x.product, x.version),
                    x.date.clone(),
                    x.assessors.join(", "),
                    x.methods.join(", ").replace('-', " "),
                )
            })
            .collect(),
        limitations: a
            .limitations
            .iter()
            .map(|l| {
                (
                    names
                        .get(l.practice.as_str())
                        .map_or(l.practice.clone(), |n| n.to_string()),
                    l.limited.clone(),
                    l.because.clone(),
                    l.compensating.clone(),
                )
            })
            .collect(),
        practices: public
            .practices
            .iter()
            .map(|p| Row {
                name: p.name.clone(),
                level: level_words(p),
            })
            .collect(),
    }))
}

/// The verification link on a printed certificate (`/verify?serial=…`) leads here.
pub fn link(serial: &str) -> String {
    crate::app::register::attestation_href(serial)
}
