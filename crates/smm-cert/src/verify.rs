//! Verifying an attestation: the signing key first (from the issuers document, or given), then
//! the signature, then what the statement says — its kind before anything else — then the
//! documents and the revocation list. Every check is reported, so a sceptical client sees what
//! was verified and not only "ok".

use ed25519_dalek::VerifyingKey;
use smm_core::scheme::AttestationKind;

use crate::certificate::{
    predicate_type, Attestation, Statement, RETIRED_PREDICATE, STATEMENT_TYPE,
};
use crate::dsse::{verify as verify_signature, Envelope, IN_TOTO_PAYLOAD_TYPE};
use crate::issuers::{IssuerEntry, IssuersDocument, PublishedKey};
use crate::keys::key_id;
use crate::revocation::read_revocations;

/// Whom the verifier trusts to say who holds a key.
#[derive(Clone, Copy)]
pub enum Trust<'a> {
    /// An issuers document: a key's holder, standing (certification body or not) and life.
    Issuers(&'a IssuersDocument),
    /// One public key, vouched for by whoever handed it over: the holder's standing is not
    /// checked.
    Key(&'a VerifyingKey),
}

/// What to verify an attestation against.
pub struct VerifyInput<'a> {
    /// The attestation envelope.
    pub envelope: &'a Envelope,
    /// Who holds which key.
    pub trust: Trust<'a>,
    /// The date to check validity at, `YYYY-MM-DD`.
    pub at: &'a str,
    /// The target's content digest, if the target was given.
    pub target: Option<&'a str>,
    /// Content digests of assessments given, with a label each.
    pub assessments: Vec<(String, String)>,
    /// The issuer's revocation list, if given.
    pub revocations: Option<&'a Envelope>,
}

/// One verified (or failed) point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// Whether it holds.
    pub ok: bool,
    /// What was checked and found.
    pub what: String,
}

/// The outcome: every check in order, and the attestation once its signature held.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// Checks in the order made; the first failing one is the reason.
    pub checks: Vec<Check>,
    /// The attestation, when the signature and statement were valid.
    pub certificate: Option<Attestation>,
}

impl Report {
    /// Whether every check held.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.ok)
    }

    /// The first failed check.
    pub fn reason(&self) -> Option<&str> {
        self.checks.iter().find(|c| !c.ok).map(|c| c.what.as_str())
    }

    /// What was attested, once the signature held: shown before anything else.
    pub fn kind(&self) -> Option<AttestationKind> {
        self.certificate.as_ref().map(|c| c.kind)
    }

    fn pass(&mut self, what: String) {
        self.checks.push(Check { ok: true, what });
    }

    fn fail(&mut self, what: String) {
        self.checks.push(Check { ok: false, what });
    }
}

/// The key that signed, and what the issuers document says of it.
struct Signer<'a> {
    key: VerifyingKey,
    keyid: String,
    published: Option<(&'a IssuerEntry, &'a PublishedKey)>,
}

/// Finds the signing key: the given one, or the first signature's key the document lists.
fn signer<'a>(envelope: &Envelope, trust: Trust<'a>) -> Result<Signer<'a>, String> {
    match trust {
        Trust::Key(key) => Ok(Signer {
            key: *key,
            keyid: key_id(key).unwrap_or_default(),
            published: None,
        }),
        Trust::Issuers(doc) => {
            for sig in &envelope.signatures {
                if let Some(found) = doc.key(&sig.keyid) {
                    return Ok(Signer {
                        key: found.verifying,
                        keyid: found.key.keyid.clone(),
                        published: Some((found.issuer, found.key)),
                    });
                }
            }
            let ids: Vec<&str> = envelope
                .signatures
                .iter()
                .map(|s| s.keyid.as_str())
                .collect();
            Err(format!(
                "signed by key {}, which the issuers document does not list: the signer is unknown",
                if ids.is_empty() {
                    "(none named)".to_string()
                } else {
                    ids.join(", ")
                }
            ))
        }
    }
}

/// Verifies an attestation. Nothing from the payload is used before the signature holds.
pub fn verify(input: &VerifyInput<'_>) -> Report {
    let mut report = Report {
        checks: Vec::new(),
        certificate: None,
    };
    if input.envelope.payload_type != IN_TOTO_PAYLOAD_TYPE {
        report.fail(format!(
            "payload type is `{}`, expected `{IN_TOTO_PAYLOAD_TYPE}`",
            input.envelope.payload_type
        ));
        return report;
    }
    let signer = match signer(input.envelope, input.trust) {
        Ok(s) => s,
        Err(e) => {
            report.fail(format!("signature: {e}"));
            return report;
        }
    };
    let payload = match verify_signature(input.envelope, &signer.key) {
        Ok(p) => p,
        Err(e) => {
            report.fail(format!("signature: {e}"));
            return report;
        }
    };
    report.pass(format!(
        "signature: valid Ed25519 signature by key {}",
        signer.keyid
    ));
    let statement: Statement = match serde_json::from_slice(&payload) {
        Ok(s) => s,
        Err(e) => {
            let v1 = serde_json::from_slice::<serde_json::Value>(&payload)
                .ok()
                .and_then(|v| v["predicateType"].as_str().map(str::to_string))
                .is_some_and(|t| t == RETIRED_PREDICATE);
            report.fail(if v1 {
                format!(
                    "statement: `{RETIRED_PREDICATE}` is no longer accepted: it does not say whether a \
                     certification body or the supplier attests; have it reissued"
                )
            } else {
                format!("statement: not an smm attestation: {e}")
            });
            return report;
        }
    };
    let cert = statement.predicate;
    if statement.statement_type != STATEMENT_TYPE
        || statement.predicate_type != predicate_type(cert.kind)
    {
        report.fail(format!(
            "statement: type `{}` / predicate `{}` do not agree with a {} (`{STATEMENT_TYPE}` / `{}`)",
            statement.statement_type,
            statement.predicate_type,
            cert.kind.as_str(),
            predicate_type(cert.kind)
        ));
        return report;
    }
    report.pass(format!("kind: {}", cert.kind.label()));
    if cert.issuer.keyid != signer.keyid {
        report.fail(format!(
            "issuer: the statement names key {}, but key {} signed it",
            cert.issuer.keyid, signer.keyid
        ));
        return report;
    }
    match signer.published {
        Some((entry, key)) => {
            if entry.name != cert.issuer.name
                || cert.issuer.id.as_ref().is_some_and(|id| id != &entry.id)
            {
                report.fail(format!(
                    "issuer: the statement names {}{}, but the key belongs to {} ({})",
                    cert.issuer.name,
                    cert.issuer
                        .id
                        .as_deref()
                        .map(|id| format!(" ({id})"))
                        .unwrap_or_default(),
                    entry.name,
                    entry.id
                ));
                return report;
            }
            if cert.kind == AttestationKind::Certificate && !entry.certification_body {
                report.fail(format!(
                    "issuer: {} is not a certification body; only a certification body issues \
                     certificates (this is at most the supplier's own declaration)",
                    entry.name
                ));
                return report;
            }
            if let Err(why) = key.could_sign_on(&cert.issued) {
                report.fail(format!("issuer key: {why}"));
                return report;
            }
            report.pass(format!(
                "issuer: {} ({}{}), key {} ({}) valid on {}",
                entry.name,
                entry.id,
                if entry.certification_body {
                    ", a certification body"
                } else {
                    ""
                },
                key.keyid,
                key.status.as_str(),
                cert.issued
            ));
        }
        None => report.pass(format!(
            "issuer: {} signed with the key given; whether it is a certification body is not \
             checked (verify with the issuers document for that)",
            cert.issuer.name
        )),
    }
    let subjects_agree = statement.subject.iter().any(|s| {
        s.name.starts_with("target:") && s.digest.get("sha256") == Some(&cert.target.sha256)
    }) && cert.assessments.iter().all(|a| {
        statement
            .subject
            .iter()
            .any(|s| s.digest.get("sha256") == Some(&a.sha256))
    });
    if !subjects_agree {
        report.fail("statement: the subjects do not match the target and assessments".to_string());
        return report;
    }
    report.pass(format!(
        "{} {} issued by {} on {} for {} under scheme {} {}",
        cert.kind.as_str(),
        cert.serial,
        cert.issuer.name,
        cert.issued,
        covers(&cert),
        cert.scheme.id,
        cert.scheme.version
    ));
    if input.at < cert.issued.as_str() {
        report.fail(format!(
            "dates: not valid yet on {} (issued {})",
            input.at, cert.issued
        ));
    } else if input.at > cert.valid_until.as_str() {
        report.fail(format!(
            "dates: expired on {}, checked at {}",
            cert.valid_until, input.at
        ));
    } else {
        report.pass(format!(
            "dates: valid on {} (from {} until {})",
            input.at, cert.issued, cert.valid_until
        ));
    }
    if let Some(digest) = input.target {
        if digest == cert.target.sha256 {
            report.pass(format!(
                "target: the given profile is {} {} (sha256 {digest})",
                cert.target.name,
                cert.target.version.as_deref().unwrap_or("")
            ));
        } else {
            report.fail(format!(
                "target: the given profile's digest {digest} is not the attested {}",
                cert.target.sha256
            ));
        }
    }
    for (label, digest) in &input.assessments {
        match cert.assessments.iter().find(|a| &a.sha256 == digest) {
            Some(a) => report.pass(format!(
                "assessment: {label} is the assessment of {} {} dated {}",
                a.product, a.version, a.date
            )),
            None => report.fail(format!(
                "assessment: {label} (sha256 {digest}) is not one the attestation rests on"
            )),
        }
    }
    if let Some(list) = input.revocations {
        check_revocations(&mut report, input, &signer, &cert, list);
    }
    report.certificate = Some(cert);
    report
}

/// The revocation list must come from the same issuer (any of its keys, in the document; the
/// very key otherwise) and must not name the serial from a date on or before the check.
fn check_revocations(
    report: &mut Report,
    input: &VerifyInput<'_>,
    signer: &Signer<'_>,
    cert: &Attestation,
    list: &Envelope,
) {
    let list_key = match (input.trust, signer.published) {
        (Trust::Issuers(doc), Some((entry, _))) => list
            .signatures
            .iter()
            .find_map(|s| doc.key(&s.keyid))
            .filter(|found| found.issuer.id == entry.id)
            .map(|found| found.verifying),
        _ => Some(signer.key),
    };
    let Some(list_key) = list_key else {
        report.fail(format!(
            "revocation list: not signed by a key of {}",
            cert.issuer.name
        ));
        return;
    };
    match read_revocations(list, &list_key) {
        Ok(list) => match list.revoked.iter().find(|r| r.serial == cert.serial) {
            Some(r) if r.date.as_str() <= input.at => {
                report.fail(format!("revocation: revoked on {}: {}", r.date, r.reason))
            }
            Some(r) => report.pass(format!(
                "revocation: revoked from {} ({}), still valid on {}",
                r.date, r.reason, input.at
            )),
            None => report.pass(format!(
                "revocation: not revoked (signed list of {} updated {})",
                list.revoked.len(),
                list.updated
            )),
        },
        Err(e) => report.fail(format!("revocation list: {e}")),
    }
}

/// The products covered, in words.
pub fn covers(cert: &Attestation) -> String {
    let products: Vec<String> = cert
        .covers
        .products
        .iter()
        .map(|p| {
            format!(
                "{} {}{}",
                p.name,
                p.version,
                if cert.covers.product_line.is_some() && p.assessed {
                    " (assessed)"
                } else {
                    ""
                }
            )
        })
        .collect();
    match &cert.covers.product_line {
        Some(line) => format!("product line {line}: {}", products.join(", ")),
        None => products.join(", "),
    }
}
