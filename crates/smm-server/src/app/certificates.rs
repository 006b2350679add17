//! Certificates: issuing one (refused with every reason unless the assessments meet the target
//! they name and no finding is open), listing, fetching and revoking them, the signed
//! revocation list, and verifying a certificate for anyone, signed in or not.

use smm_cert::certificate::{issue as sign, IssueRequest, Scope};
use smm_cert::revocation::{revoke as sign_revocation, Revocation};
use smm_cert::{keys, verify as check, Envelope, Report as VerifyReport, VerifyInput};
use smm_core::calendar::three_years_after;
use smm_core::document::Date;
use smm_core::{content_digest, parse_assessment, parse_target};
use smm_store::{CertificateRecord, DocumentId, DocumentKind, Page};

use crate::access;
use crate::app::documents;
use crate::app::organizations::field_error;
use crate::auth::Caller;
use crate::authz::Action;
use crate::problem::{document_problem, Problem};
use crate::state::{today, AppState};

/// What to certify.
#[derive(Clone, Debug, Default)]
pub struct Certify {
    /// Assessment document ids of the system (one per product version).
    pub assessments: Vec<i64>,
    /// The target profile's document id (by default the one the first assessment names).
    pub target: Option<i64>,
    /// Certify a product line by its representative products' assessments.
    pub product_line: Option<String>,
    /// The last day of validity (by default three years after today).
    pub valid_until: Option<Date>,
}

/// Issues a certificate for a system with the server's key: the stored record and the signed
/// envelope's text.
pub async fn issue(
    state: &AppState,
    caller: &Caller,
    id: i64,
    request: Certify,
) -> Result<(CertificateRecord, String), Problem> {
    let (info, _) = access::system(state, caller, id, Action::IssueCertificate).await?;
    if request.assessments.is_empty() {
        return Err(Problem::bad_field(
            "assessments",
            "name at least one assessment of this system",
        ));
    }
    let issued = today();
    let valid_until = match request.valid_until {
        Some(d) => d.to_string(),
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
        currents.push(documents::assessment(state, org, DocumentId(*a)).await?);
    }
    let target =
        documents::target_of(state, info.organization, &currents[0], request.target).await?;
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
    let (envelope, statement) = sign(&issue_request, &state.signing_key)?;
    let text = serde_json::to_string_pretty(&envelope)
        .map_err(|e| Problem::internal("certificate as JSON", &e))?;
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
    Ok((record, text))
}

/// A system's certificates, a page at a time.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    id: i64,
    page: Page,
) -> Result<Vec<CertificateRecord>, Problem> {
    let (info, _) = access::system(state, caller, id, Action::Read).await?;
    Ok(state.store.certificates(info.id, page).await?)
}

/// A certificate and its envelope, if the caller may read it and do `action` on its system.
/// A certificate of a system the caller cannot see is not found.
pub async fn certificate(
    state: &AppState,
    caller: &Caller,
    id: i64,
    action: Action,
) -> Result<(CertificateRecord, String), Problem> {
    let hidden = || Problem::not_found(format!("certificate {id}"));
    let (record, envelope) = state.store.certificate(id).await.map_err(|_| hidden())?;
    access::system(state, caller, record.system.0, Action::Read)
        .await
        .map_err(|_| hidden())?;
    access::system(state, caller, record.system.0, action).await?;
    Ok((record, envelope))
}

/// Revokes a certificate: from now on the revocation list names it, with the reason.
pub async fn revoke(
    state: &AppState,
    caller: &Caller,
    id: i64,
    reason: &str,
) -> Result<CertificateRecord, Problem> {
    certificate(state, caller, id, Action::RevokeCertificate).await?;
    state
        .store
        .revoke_certificate(&caller.actor(), id, reason)
        .await
        .map_err(|e| field_error(e, "reason"))
}

/// The server's signed revocation list, built from the store (none while nothing is revoked).
pub async fn revocation_list(state: &AppState) -> Result<Option<Envelope>, Problem> {
    let mut list: Option<Envelope> = None;
    for (serial, reason, at) in state.store.revocations().await? {
        let (envelope, _) = sign_revocation(
            list.as_ref(),
            &state.signing_key,
            Revocation {
                serial,
                date: at.get(..10).unwrap_or(&at).to_string(),
                reason,
            },
        )?;
        list = Some(envelope);
    }
    Ok(list)
}

/// The server's public key as SPKI PEM, to verify its certificates offline.
pub fn issuer_key(state: &AppState) -> Result<String, Problem> {
    Ok(keys::public_pem(&state.signing_key.verifying_key())?)
}

/// A certificate to verify, with the documents it should bind.
pub struct Verify<'a> {
    /// The certificate.
    pub certificate: &'a Envelope,
    /// The target profile's text, to check the certificate binds it.
    pub target: Option<&'a str>,
    /// Assessments' texts, to check the certificate binds them.
    pub assessments: Vec<&'a str>,
    /// The day to check validity at (today if not given).
    pub at: Option<Date>,
}

/// Verifies a certificate against the server's key and revocation list, and the documents it
/// should bind: every check, passed or not.
pub async fn verify(state: &AppState, request: Verify<'_>) -> Result<VerifyReport, Problem> {
    let at = request.at.map_or_else(today, |d| d.to_string());
    let target = request
        .target
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
    Ok(check(&VerifyInput {
        envelope: request.certificate,
        issuer: &verifying,
        at: &at,
        target: target.as_deref(),
        assessments,
        revocations: revocations.as_ref(),
    }))
}
