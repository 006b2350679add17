//! What `smm log follow` says of each new entry: an attestation's kind, serial, issuer, vendor,
//! products and where it stands; a revocation's reason, and what it revoked.
//!
//! The entries described here were already proved to be those the log's checkpoint commits to.
//! An attestation's statement is read without checking its issuer's signature: the monitor
//! reports what was published, and `smm cert verify` says whether to believe it.

use serde::Serialize;

use smm_cert::certificate::Statement;
use smm_cert::tlog::merkle::{leaf_hash, verify_inclusion};
use smm_cert::tlog::{Checkpoint, LogEntry};
use smm_core::scheme::AttestationKind;

use super::log_fetch::{Remote, ServedEntry};
use crate::clock::today;
use crate::failure::Failure;

/// One entry as reported.
#[derive(Clone, Debug, Default, Serialize, schemars::JsonSchema)]
pub struct Reported {
    /// Its index in the log.
    pub index: u64,
    /// `attestation`, `revocation`, or `unreadable` (in the log, but not an smm entry).
    pub kind: &'static str,
    /// The attestation's serial (a revocation's: the revoked one's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    /// `certificate` or `declaration`: of this attestation, or of the one revoked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attestation: Option<&'static str>,
    /// Who signed it (the attestation's issuer name; a revocation's issuer id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// The issuer's id in the issuers document, when the statement carries one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer_id: Option<String>,
    /// The supplier behind the products, when the statement says: a supplier's declaration is
    /// signed by it. A certificate's statement names its certification body, not the vendor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// The product line covered, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_line: Option<String>,
    /// Products and versions covered.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<Product>,
    /// The last day of validity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    /// `valid`, `not-yet-valid`, `expired` or `revoked` (by an entry of this follow).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<&'static str>,
    /// A revocation's reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// When a revocation was recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
    /// What could not be read, when something could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A product and version an attestation covers.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Product {
    /// The product's name.
    pub name: String,
    /// Its version.
    pub version: String,
}

impl Reported {
    /// Whether the entry is about this vendor and product (each filter, when given, must match;
    /// case does not matter).
    pub fn matches(&self, vendor: Option<&str>, product: Option<&str>) -> bool {
        let same = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b.trim());
        let vendor_ok = vendor.is_none_or(|v| {
            self.vendor.as_deref().is_some_and(|x| same(x, v))
                || (self.vendor.is_some() && self.issuer_id.as_deref().is_some_and(|x| same(x, v)))
        });
        let product_ok = product.is_none_or(|p| {
            self.product_line.as_deref().is_some_and(|x| same(x, p))
                || self.products.iter().any(|x| same(&x.name, p))
        });
        vendor_ok && product_ok
    }

    /// One line for a person.
    pub fn line(&self) -> String {
        let what = self.attestation.unwrap_or("attestation");
        let serial = self.serial.as_deref().unwrap_or("?");
        let products: Vec<String> = self
            .products
            .iter()
            .map(|p| format!("{} {}", p.name, p.version))
            .collect();
        let covers = match &self.product_line {
            Some(line) => format!("product line {line}: {}", products.join(", ")),
            None => products.join(", "),
        };
        match self.kind {
            "attestation" => format!(
                "#{} {what} {serial} by {}{}: {covers}, valid until {} ({})",
                self.index,
                self.issuer.as_deref().unwrap_or("?"),
                self.vendor
                    .as_deref()
                    .map(|v| format!(" (vendor {v})"))
                    .unwrap_or_default(),
                self.valid_until.as_deref().unwrap_or("?"),
                self.status.unwrap_or("?")
            ),
            "revocation" => format!(
                "#{} revocation of {what} {serial}{} by {} at {}: {}",
                self.index,
                if covers.is_empty() {
                    String::new()
                } else {
                    format!(" ({covers})")
                },
                self.issuer.as_deref().unwrap_or("?"),
                self.revoked_at.as_deref().unwrap_or("?"),
                self.reason.as_deref().unwrap_or("")
            ),
            _ => format!(
                "#{} unreadable entry: {}",
                self.index,
                self.note.as_deref().unwrap_or("")
            ),
        }
    }
}

/// What an attestation's statement says, read from its envelope.
fn attestation_of(index: u64, entry: &LogEntry) -> Reported {
    let LogEntry::Attestation { envelope } = entry else {
        return Reported {
            index,
            kind: "unreadable",
            ..Reported::default()
        };
    };
    match Statement::from_own_envelope(envelope) {
        Ok(statement) => {
            let a = statement.predicate;
            let declaration = a.kind == AttestationKind::Declaration;
            Reported {
                index,
                kind: "attestation",
                serial: Some(a.serial),
                attestation: Some(a.kind.as_str()),
                vendor: declaration.then(|| a.issuer.name.clone()),
                issuer: Some(a.issuer.name),
                issuer_id: a.issuer.id,
                product_line: a.covers.product_line,
                products: a
                    .covers
                    .products
                    .iter()
                    .map(|p| Product {
                        name: p.name.clone(),
                        version: p.version.clone(),
                    })
                    .collect(),
                status: Some(if today() < a.issued {
                    "not-yet-valid"
                } else if today() > a.valid_until {
                    "expired"
                } else {
                    "valid"
                }),
                valid_until: Some(a.valid_until),
                ..Reported::default()
            }
        }
        Err(e) => Reported {
            index,
            kind: "attestation",
            note: Some(format!("its statement cannot be read: {e}")),
            ..Reported::default()
        },
    }
}

/// Describes the new entries. A revocation of an attestation logged before them is described
/// with that attestation, fetched and proved to be in the log at `checkpoint`.
pub fn describe(
    served: &[ServedEntry],
    remote: &Remote,
    checkpoint: &Checkpoint,
) -> Result<Vec<Reported>, Failure> {
    let mut out: Vec<Reported> = Vec::new();
    for e in served {
        let entry: LogEntry = match serde_json::from_str(&e.data) {
            Ok(entry) => entry,
            Err(why) => {
                out.push(Reported {
                    index: e.index,
                    kind: "unreadable",
                    note: Some(format!("not an smm log entry: {why}")),
                    ..Reported::default()
                });
                continue;
            }
        };
        let reported = match &entry {
            LogEntry::Attestation { .. } => attestation_of(e.index, &entry),
            LogEntry::Revocation {
                serial,
                issuer,
                reason,
                revoked_at,
            } => {
                let revoked = match out.iter_mut().find(|r| {
                    r.kind == "attestation" && r.serial.as_deref() == Some(serial.as_str())
                }) {
                    Some(r) => {
                        r.status = Some("revoked");
                        Some(r.clone())
                    }
                    None => earlier(remote, serial, checkpoint)?,
                };
                let mut r = revoked.unwrap_or_default();
                r.note = r
                    .serial
                    .is_none()
                    .then(|| format!("the revoked attestation {serial} was not found in the log"));
                Reported {
                    index: e.index,
                    kind: "revocation",
                    serial: Some(serial.clone()),
                    issuer: Some(issuer.clone()),
                    reason: Some(reason.clone()),
                    revoked_at: Some(revoked_at.clone()),
                    status: None,
                    valid_until: None,
                    ..r
                }
            }
        };
        out.push(reported);
    }
    Ok(out)
}

/// An attestation logged before this follow, proved to be entry of the log at `checkpoint`
/// (the server only says where to look).
fn earlier(
    remote: &Remote,
    serial: &str,
    checkpoint: &Checkpoint,
) -> Result<Option<Reported>, Failure> {
    let Some(index) = remote.attestation_index(serial)? else {
        return Ok(None);
    };
    if index >= checkpoint.size {
        return Ok(None);
    }
    let Some(served) = remote.entries(index, index + 1)?.pop() else {
        return Ok(None);
    };
    let proof = remote.inclusion(index, checkpoint.size)?;
    let leaf = leaf_hash(served.data.as_bytes());
    if verify_inclusion(&leaf, index, checkpoint.size, &proof, &checkpoint.root).is_err() {
        return Ok(None);
    }
    let Ok(entry) = serde_json::from_str::<LogEntry>(&served.data) else {
        return Ok(None);
    };
    let reported = attestation_of(index, &entry);
    Ok((reported.serial.as_deref() == Some(serial)).then_some(reported))
}
