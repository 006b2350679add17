//! Certificates: issuing one (refused with every reason unless the assessments meet the target
//! they name and no finding is open), listing, fetching and revoking them, the signed
//! revocation list, and verifying a certificate for anyone, signed in or not.

use smm_cert::certificate::{issue as sign, IssueRequest, IssuerName, Scope};
use smm_cert::revocation::{sign_list, Revocation};
use smm_cert::tlog::LogEntry;
use smm_cert::verify::Check;
use smm_cert::{verify as check, Envelope, Report as VerifyReport, Trust, VerifyInput};
use smm_core::document::Date;
use smm_core::scheme::AttestationKind;
use smm_core::{content_digest, parse_assessment, parse_target};
use smm_store::{
    CertificateRecord, DocumentId, DocumentKind, NewAttestation, OrganizationId, Page, Role,
    SystemInfo,
};

use crate::access;
use crate::app::documents;
use crate::app::keys as keys_app;
use crate::app::organizations::field_error;
use crate::auth::Caller;
use crate::authz::{allowed, Action};
use crate::problem::{document_problem, FieldError, Problem};
use crate::state::{today, today_date, AppState};

/// What to attest.
#[derive(Clone, Debug)]
pub struct Certify {
    /// A certification body's certificate, or the owner's own declaration.
    pub kind: AttestationKind,
    /// Assessment document ids of the system (one per product version).
    pub assessments: Vec<i64>,
    /// The target profile's document id (by default the one the first assessment names).
    pub target: Option<i64>,
    /// Attest a product line by its representative products' assessments.
    pub product_line: Option<String>,
    /// For a product line: every product and version it covers.
    pub covers: Vec<(String, String)>,
    /// The last day of validity (by default the longest the scheme allows).
    pub valid_until: Option<Date>,
    /// For a certificate: which of the caller's certification bodies issues it (needed only
    /// when the caller belongs to several that were granted the system).
    pub issuer: Option<i64>,
    /// The scheme's id (by default the server's default scheme).
    pub scheme: Option<String>,
}

/// Who will sign: the organization and its name as the statement carries it.
struct Signer {
    organization: OrganizationId,
    name: String,
}

/// Who may attest what, in one place for every door:
/// - a declaration is the owner's: a member of the owning organization whose role allows it;
/// - a certificate is a third party's: a certification body the owner granted the system as
///   assessor, acting through one of its owners or assessors who is not a member of the owner.
///
/// Refused with every reason, each saying what would be allowed instead.
async fn signer(
    state: &AppState,
    caller: &Caller,
    system: &SystemInfo,
    kind: AttestationKind,
    wanted: Option<i64>,
) -> Result<Signer, Problem> {
    let owner_name = state.store.organization_name(system.organization).await?;
    let member_of_owner = caller.role_in(system.organization);
    if kind == AttestationKind::Declaration {
        return match member_of_owner {
            Some(role) if allowed(role, Action::IssueDeclaration) => Ok(Signer {
                organization: system.organization,
                name: owner_name,
            }),
            _ => Err(Problem::forbidden(format!(
                "a supplier's declaration is {owner_name}'s own statement: only its owners and \
                 assessors sign one"
            ))),
        };
    }
    let mut reasons = Vec::new();
    if member_of_owner.is_some() {
        reasons.push(format!(
            "you are a member of {owner_name}, which owns this system: a certificate is an \
             independent body's attestation, never the owner's; sign a supplier's declaration \
             instead (kind: declaration)"
        ));
    }
    let mut bodies = Vec::new();
    for (org, role) in caller.organizations() {
        if org == system.organization || wanted.is_some_and(|w| w != org.0) {
            continue;
        }
        let Some(grant) = state.store.grant_for(system.id, org).await? else {
            continue;
        };
        let name = state.store.organization_name(org).await?;
        if grant != Role::Assessor {
            reasons.push(format!(
                "{name} was granted this system to read, not to assess and certify"
            ));
        } else if !allowed(role, Action::IssueCertificate) {
            reasons.push(format!(
                "your role in {name} (`{}`) does not issue certificates: its owners and assessors do",
                role.as_str()
            ));
        } else if !state.store.organization(org).await?.certification_body {
            reasons.push(format!(
                "{name} is not a designated certification body (the server's administrator \
                 designates them: smm admin designate-body)"
            ));
        } else {
            bodies.push(Signer {
                organization: org,
                name,
            });
        }
    }
    if bodies.is_empty() && reasons.iter().all(|r| r.starts_with("you are a member")) {
        reasons.push(match wanted {
            Some(w) => format!("organization {w} is not one of yours that was granted this system"),
            None => format!(
                "none of your organizations was granted this system by {owner_name} as assessor"
            ),
        });
    }
    if !reasons.is_empty() || bodies.len() != 1 {
        if bodies.len() > 1 {
            reasons.push(
                "you belong to several certification bodies granted this system: name the \
                 issuing one (issuer)"
                    .to_string(),
            );
        }
        let mut problem =
            Problem::forbidden(format!("no certificate issued: {}", reasons.join("; ")));
        problem.field = Some("kind".to_string());
        problem.errors = reasons
            .into_iter()
            .map(|detail| FieldError {
                pointer: "kind".to_string(),
                detail,
            })
            .collect();
        return Err(problem);
    }
    Ok(bodies.remove(0))
}

/// Issues a certificate or signs a declaration for a system: the stored record and the signed
/// envelope's text.
pub async fn issue(
    state: &AppState,
    caller: &Caller,
    id: i64,
    request: Certify,
) -> Result<(CertificateRecord, String), Problem> {
    let (info, _) = access::system(state, caller, id, Action::Read).await?;
    let signer = signer(state, caller, &info, request.kind, request.issuer).await?;
    if request.assessments.is_empty() {
        return Err(Problem::bad_field(
            "assessments",
            "name at least one assessment of this system",
        ));
    }
    let scheme = state.schemes.named(request.scheme.as_deref())?;
    let issued = today_date();
    let valid_until = match request.valid_until {
        Some(d) => d,
        None => scheme.longest_validity(issued),
    };
    let mut currents = Vec::new();
    for a in &request.assessments {
        let (org, system, kind) = state
            .store
            .document_owner(DocumentId(*a))
            .await
            .map_err(|_| Problem::not_found(format!("document {a}")).with_field("assessments"))?;
        // Another organization's document is answered as a missing one: the answer must not
        // tell whether an id exists elsewhere.
        if org != info.organization {
            return Err(Problem::not_found(format!("document {a}")).with_field("assessments"));
        }
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
        Some(line) => Scope::Line {
            name: line.clone(),
            members: request.covers.clone(),
        },
        None => Scope::Products {
            name: currents[0].document.product.name.clone(),
            versions: currents
                .iter()
                .map(|c| c.document.product.version.clone())
                .collect(),
        },
    };
    let issue_request = IssueRequest {
        kind: request.kind,
        scheme,
        catalog: &state.catalog,
        target: (&target.document, &target.resolved),
        assessments: currents.iter().map(|c| (&c.document, &c.current)).collect(),
        issuer: IssuerName {
            name: signer.name.clone(),
            id: Some(format!("org-{}", signer.organization.0)),
        },
        scope,
        issued,
        valid_until,
    };
    let (key, keyid) = keys_app::signing_key(state, signer.organization, &caller.actor()).await?;
    let (envelope, statement) = sign(&issue_request, &key).map_err(|e| {
        let mut problem = Problem::from(e);
        if let Some(reasons) = problem.detail.strip_prefix("not issued: ") {
            problem.detail = format!(
                "no {} issued under scheme {} {}: {reasons}",
                request.kind.as_str(),
                scheme.id.value,
                scheme.version
            );
        }
        problem
    })?;
    let text = serde_json::to_string_pretty(&envelope)
        .map_err(|e| Problem::internal("certificate as JSON", &e))?;
    let profile = public_profile(&target.resolved);
    let log_entry = LogEntry::Attestation {
        envelope: envelope.clone(),
    }
    .to_text();
    let record = state
        .store
        .store_certificate(
            &caller.actor(),
            &NewAttestation {
                organization: info.organization,
                system: info.id,
                kind: request.kind.as_str(),
                issuer: signer.organization,
                keyid: &keyid,
                serial: &statement.predicate.serial,
                envelope: &text,
                profile: &profile,
                log_entry: &log_entry,
                register: &smm_store::RegisterFields::of(&statement.predicate),
            },
        )
        .await?;
    Ok((record, text))
}

/// The attested profile as anyone may see it: each practice's target level. Limitations and
/// everything else public are in the signed statement; nothing private is kept here.
fn public_profile(target: &smm_core::ResolvedTarget) -> String {
    let practices: Vec<serde_json::Value> = target
        .practices
        .iter()
        .map(|p| {
            serde_json::json!({
                "id": p.id,
                "name": p.name,
                "comprehensiveness": p.level().comprehensiveness.value(),
                "scope": p.level().scope.token(),
            })
        })
        .collect();
    serde_json::json!({ "practices": practices }).to_string()
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
    let (record, _) = certificate(state, caller, id, Action::Read).await?;
    if !may_revoke(caller, &record) {
        return Err(Problem::forbidden(
            "only the organization that signed it (its owners and assessors) revokes an attestation",
        ));
    }
    let signer = record.issuer.unwrap_or(record.organization);
    let log_entry = LogEntry::Revocation {
        serial: record.serial.clone(),
        issuer: format!("org-{}", signer.0),
        reason: reason.trim().to_string(),
        revoked_at: crate::state::now_rfc3339(),
    }
    .to_text();
    state
        .store
        .revoke_certificate(&caller.actor(), id, reason, &log_entry)
        .await
        .map_err(|e| field_error(e, "reason"))
}

/// Whether the caller may revoke this attestation: an owner or assessor of the organization
/// that signed it (the certification body for a certificate, the owner for a declaration).
/// Attestations signed with the server's former single key are the owning organization's.
pub fn may_revoke(caller: &Caller, record: &CertificateRecord) -> bool {
    let signer = record.issuer.unwrap_or(record.organization);
    caller
        .role_in(signer)
        .is_some_and(|role| allowed(role, Action::RevokeCertificate))
}

/// Each issuer's signed revocation list, kept as served: rebuilt (and signed once) only when
/// the issuer's revocation count moved, so serving it costs one counting query.
#[derive(Default)]
pub struct RevocationCache {
    lists: tokio::sync::Mutex<std::collections::HashMap<i64, (i64, axum::body::Bytes)>>,
}

/// `org-<n>` (as the issuers document names issuers) to the organization.
pub fn issuer_organization(issuer: &str) -> Option<OrganizationId> {
    let n = issuer.strip_prefix("org-")?;
    (!n.is_empty() && n.len() < 19 && n.bytes().all(|b| b.is_ascii_digit()))
        .then(|| n.parse().ok().map(OrganizationId))
        .flatten()
}

/// An issuer's signed revocation list (JSON of the DSSE envelope), signed with its current key
/// once per change of the list;
/// not found for an issuer that has no keys.
pub async fn revocation_list(state: &AppState, issuer: &str) -> Result<axum::body::Bytes, Problem> {
    let hidden = || Problem::not_found(format!("issuer {issuer}"));
    let org = issuer_organization(issuer).ok_or_else(hidden)?;
    let published = keys_app::published(state).await?;
    if !published.document.issuers.iter().any(|i| i.id == issuer) {
        return Err(hidden());
    }
    let count = state.store.revocation_count(org).await?;
    let mut lists = state.revocations.lists.lock().await;
    if let Some((kept, json)) = lists.get(&org.0) {
        if *kept == count {
            return Ok(json.clone());
        }
    }
    let revoked: Vec<Revocation> = state
        .store
        .revocations_by(org)
        .await?
        .into_iter()
        .map(|(serial, reason, at)| Revocation {
            serial,
            date: day(&at).to_string(),
            reason,
        })
        .collect();
    let updated = revoked.last().map_or_else(today, |r| r.date.clone());
    let (key, _) = keys_app::signing_key(state, org, "server").await?;
    let (envelope, _) = sign_list(&key, &updated, revoked)?;
    // Shared bytes: every answer until the next revocation sends them without a copy.
    let json = axum::body::Bytes::from(
        serde_json::to_vec(&envelope).map_err(|e| Problem::internal("revocation list", &e))?,
    );
    lists.insert(org.0, (count, json.clone()));
    Ok(json)
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

/// Verifies an attestation against the issuers document (who holds the key, whether a
/// certification body, the key's life), the server's record of revocations, and the documents
/// it should bind: every check, passed or not. Nothing is signed or rebuilt per request.
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
    let published = keys_app::published(state).await?;
    let mut report = check(&VerifyInput {
        envelope: request.certificate,
        trust: Trust::Issuers(&published.document),
        at: &at,
        target: target.as_deref(),
        assessments,
        revocations: None,
    });
    if let Some(statement) = &report.certificate {
        let revoked = state
            .store
            .attestation_by_serial(&statement.serial)
            .await?
            .and_then(|(record, _, _)| record.revoked);
        report.checks.push(revocation_check(revoked, &at));
    }
    Ok(report)
}

/// The day of an RFC 3339 time (`2026-12-05T10:48:05Z` → `2026-12-05`).
fn day(when: &str) -> &str {
    when.get(..10).unwrap_or(when)
}

/// The revocation check from the server's record (reason and time, if revoked) at `at`.
fn revocation_check(revoked: Option<(String, String)>, at: &str) -> Check {
    match revoked {
        Some((reason, when)) if day(&when) <= at => Check {
            ok: false,
            what: format!("revocation: revoked on {}: {reason}", day(&when)),
        },
        Some((reason, when)) => Check {
            ok: true,
            what: format!(
                "revocation: revoked from {} ({reason}), still valid on {at}",
                day(&when)
            ),
        },
        None => Check {
            ok: true,
            what: "revocation: not revoked (this server's record)".to_string(),
        },
    }
}

/// Where an attestation stands today.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Within its validity and not revoked.
    Valid,
    /// Not valid yet (issued with a later date).
    NotYetValid,
    /// Past its last day.
    Expired,
    /// Revoked, with why and when.
    Revoked {
        /// The reason given.
        reason: String,
        /// When (RFC 3339).
        at: String,
    },
    /// Its signature or issuer no longer verifies (a revoked key, for one): the reason.
    NotTrusted(String),
}

/// One practice's attested target level.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct AttestedLevel {
    /// Practice id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Comprehensiveness, 0-4.
    pub comprehensiveness: u8,
    /// Scope token.
    pub scope: String,
}

#[derive(serde::Deserialize)]
struct StoredProfile {
    practices: Vec<AttestedLevel>,
}

/// What anyone may see of an attestation: the signed statement, where it stands, and the target
/// level of every practice. No evidence, findings or notes.
pub struct PublicAttestation {
    /// The statement, verified.
    pub statement: smm_cert::Attestation,
    /// Where it stands today.
    pub standing: Standing,
    /// Every practice's attested target level, in catalog order.
    pub practices: Vec<AttestedLevel>,
    /// What the public register shows of it (its vendor, and its status by the register's
    /// rule, which alone says whether a newer attestation superseded it).
    pub register: Option<smm_store::RegisterEntry>,
}

/// Whether `text` has the shape of a serial (32 hexadecimal digits): nothing else is looked up.
pub fn is_serial(text: &str) -> bool {
    text.len() == 32 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The public view of the attestation with this serial; not found for an unknown or malformed
/// serial (serials are 32 hex digits, so nothing else is looked up).
pub async fn public_attestation(
    state: &AppState,
    serial: &str,
) -> Result<PublicAttestation, Problem> {
    let hidden = || Problem::not_found(format!("attestation {serial}"));
    if !is_serial(serial) {
        return Err(hidden());
    }
    let (record, envelope, profile) = state
        .store
        .attestation_by_serial(&serial.to_ascii_lowercase())
        .await?
        .ok_or_else(hidden)?;
    let (statement, standing) = standing(state, &record, &envelope).await?;
    let practices = profile
        .and_then(|p| serde_json::from_str::<StoredProfile>(&p).ok())
        .map(|p| p.practices)
        .unwrap_or_default();
    let register = state.store.register_entry(&record.serial, &today()).await?;
    Ok(PublicAttestation {
        statement,
        standing,
        practices,
        register,
    })
}

/// Where a stored attestation stands today, checked as a verifier would: its signature against
/// the published issuers document (holder, kind, key life), its validity and this server's
/// revocation record; refused with the reason when its signature or issuer does not verify
/// (a revoked key, for one), since nothing of it can then be believed. Everything
/// shown or handed over from a stored attestation goes through here, so nothing is trusted
/// because it is in the database.
pub async fn standing(
    state: &AppState,
    record: &CertificateRecord,
    envelope: &str,
) -> Result<(smm_cert::Attestation, Standing), Problem> {
    let envelope: Envelope = serde_json::from_str(envelope)
        .map_err(|e| Problem::internal("a stored attestation", &e))?;
    let today = today();
    let published = keys_app::published(state).await?;
    let mut report = check(&VerifyInput {
        envelope: &envelope,
        trust: Trust::Issuers(&published.document),
        at: &today,
        target: None,
        assessments: Vec::new(),
        revocations: None,
    });
    report
        .checks
        .push(revocation_check(record.revoked.clone(), &today));
    let trusted = report.passed();
    let reason = report.reason().map(str::to_string);
    let Some(statement) = report.certificate else {
        // Nothing of an untrusted payload is shown: only that it does not verify, and why.
        return Err(Problem::new(
            axum::http::StatusCode::CONFLICT,
            format!(
                "attestation {} does not verify: {}",
                record.serial,
                reason.unwrap_or_default()
            ),
        ));
    };
    let standing = match (&record.revoked, trusted) {
        (Some((reason, at)), _) => Standing::Revoked {
            reason: reason.clone(),
            at: at.clone(),
        },
        (None, true) => Standing::Valid,
        (None, false) if today < statement.issued => Standing::NotYetValid,
        (None, false) if today > statement.valid_until => Standing::Expired,
        (None, false) => Standing::NotTrusted(reason.unwrap_or_default()),
    };
    Ok((statement, standing))
}

/// What the caller may attest on a system, by the same rule issuing applies: the organization
/// that would sign a certificate (if any), whether a declaration may be signed, and why a
/// certificate may not (to say so on the page instead of offering a form that will fail).
pub struct MayAttest {
    /// The certification body that would issue a certificate.
    pub certificate_as: Option<String>,
    /// Why a certificate cannot be issued here, when it cannot.
    pub certificate_refused: Vec<String>,
    /// Whether a supplier's declaration may be signed (by the owning organization).
    pub declaration: bool,
}

/// What the caller may attest on this system.
pub async fn may_attest(
    state: &AppState,
    caller: &Caller,
    system: &SystemInfo,
) -> Result<MayAttest, Problem> {
    let certificate = signer(state, caller, system, AttestationKind::Certificate, None).await;
    let declaration = signer(state, caller, system, AttestationKind::Declaration, None)
        .await
        .is_ok();
    Ok(match certificate {
        Ok(s) => MayAttest {
            certificate_as: Some(s.name),
            certificate_refused: Vec::new(),
            declaration,
        },
        Err(p) if p.status_code() == axum::http::StatusCode::FORBIDDEN => MayAttest {
            certificate_as: None,
            certificate_refused: p.errors.iter().map(|e| e.detail.clone()).collect(),
            declaration,
        },
        Err(p) => return Err(p),
    })
}
