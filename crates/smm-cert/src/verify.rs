//! Verifying a certificate: signature first, then what the statement says, then the documents
//! and the revocation list. Every check is reported, so a sceptical client sees what was
//! verified and not only "ok".

use ed25519_dalek::VerifyingKey;

use crate::certificate::{Certificate, Statement, PREDICATE_TYPE, STATEMENT_TYPE};
use crate::dsse::{verify as verify_signature, Envelope, IN_TOTO_PAYLOAD_TYPE};
use crate::keys::key_id;
use crate::revocation::read_revocations;

/// What to verify a certificate against.
pub struct VerifyInput<'a> {
    /// The certificate envelope.
    pub envelope: &'a Envelope,
    /// The issuer's public key.
    pub issuer: &'a VerifyingKey,
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

/// The outcome: every check in order, and the certificate once its signature held.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// Checks in the order made; the first failing one is the reason.
    pub checks: Vec<Check>,
    /// The certificate, when the signature and statement were valid.
    pub certificate: Option<Certificate>,
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

    fn pass(&mut self, what: String) {
        self.checks.push(Check { ok: true, what });
    }

    fn fail(&mut self, what: String) {
        self.checks.push(Check { ok: false, what });
    }
}

/// Verifies a certificate. Nothing from the payload is used before the signature holds.
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
    let keyid = key_id(input.issuer).unwrap_or_default();
    let payload = match verify_signature(input.envelope, input.issuer) {
        Ok(p) => p,
        Err(e) => {
            report.fail(format!("signature: {e}"));
            return report;
        }
    };
    report.pass(format!("signature: valid Ed25519 signature by key {keyid}"));
    let statement: Statement = match serde_json::from_slice(&payload) {
        Ok(s) => s,
        Err(e) => {
            report.fail(format!("statement: not a certificate statement: {e}"));
            return report;
        }
    };
    if statement.statement_type != STATEMENT_TYPE || statement.predicate_type != PREDICATE_TYPE {
        report.fail(format!(
            "statement: type `{}` / predicate `{}`, expected `{STATEMENT_TYPE}` / `{PREDICATE_TYPE}`",
            statement.statement_type, statement.predicate_type
        ));
        return report;
    }
    let cert = statement.predicate;
    if cert.issuer.keyid != keyid {
        report.fail(format!(
            "issuer: the certificate names key {}, but key {keyid} signed it",
            cert.issuer.keyid
        ));
        return report;
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
        "certificate {} issued by {} on {} for {}",
        cert.serial,
        cert.issuer.name,
        cert.issued,
        covers(&cert)
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
                "target: the given profile's digest {digest} is not the certified {}",
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
                "assessment: {label} (sha256 {digest}) is not one the certificate rests on"
            )),
        }
    }
    if let Some(list) = input.revocations {
        match read_revocations(list, input.issuer) {
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
    report.certificate = Some(cert);
    report
}

fn covers(cert: &Certificate) -> String {
    let products: Vec<String> = cert
        .covers
        .products
        .iter()
        .map(|p| format!("{} {}", p.name, p.version))
        .collect();
    match &cert.covers.product_line {
        Some(line) => format!("product line {line} (assessed: {})", products.join(", ")),
        None => products.join(", "),
    }
}
