//! The certificate: an in-toto statement whose subjects are the target and the assessments (by
//! content digest) and whose predicate says who certifies which products against which target,
//! with what result, until when. Issued only when every practice meets the target and no finding
//! is open.

use std::collections::BTreeMap;

use ed25519_dalek::SigningKey;
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use smm_core::document::{Assessment, FindingStatus, TargetProfile};
use smm_core::gap::Status;
use smm_core::{check_target_digest, content_digest, gap, Catalog, CurrentProfile, ResolvedTarget};

use crate::dsse::{sign, Envelope, IN_TOTO_PAYLOAD_TYPE};
use crate::keys::key_id;
use crate::CertError;

/// The in-toto statement type.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
/// Our predicate type.
pub const PREDICATE_TYPE: &str = "urn:smm:certificate:v1";

/// An in-toto statement carrying a certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    /// Always [`STATEMENT_TYPE`].
    #[serde(rename = "_type")]
    pub statement_type: String,
    /// What is attested, by digest: the target and every assessment.
    pub subject: Vec<Subject>,
    /// Always [`PREDICATE_TYPE`].
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    /// The certificate.
    pub predicate: Certificate,
}

/// An in-toto subject: a name and its digests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    /// `target:<name>@<version>` or `assessment:<product>@<version>`.
    pub name: String,
    /// `{"sha256": "<hex>"}`: the content digest (as `smm digest` prints it).
    pub digest: BTreeMap<String, String>,
}

/// What the certification body states.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Certificate {
    /// Unique per issuer: 128 random bits in hex.
    pub serial: String,
    /// Who certifies.
    pub issuer: Issuer,
    /// Date of issue, `YYYY-MM-DD`.
    pub issued: String,
    /// Last day of validity, `YYYY-MM-DD`.
    pub valid_until: String,
    /// The products (and versions) or the product line covered.
    pub covers: Covers,
    /// The target profile the products conform to.
    pub target: TargetRef,
    /// The assessments the decision rests on.
    pub assessments: Vec<AssessmentRef>,
    /// The catalog both were checked against.
    pub catalog: CatalogRef,
    /// The result per domain.
    pub result: Vec<DomainResult>,
    /// How the findings of the assessments were closed.
    pub findings: FindingCounts,
}

/// The issuer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Issuer {
    /// The certification body's name.
    pub name: String,
    /// Its key's id (SHA-256 of the SubjectPublicKeyInfo DER, hex).
    pub keyid: String,
}

/// Products and versions, or a product line with the products assessed as representatives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Covers {
    /// The product line, when the certificate covers a line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_line: Option<String>,
    /// The products and versions covered; for a line, those assessed as its representatives.
    pub products: Vec<ProductVersion>,
}

/// A product and version.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductVersion {
    /// Product name.
    pub name: String,
    /// Version.
    pub version: String,
}

/// The target, by name, version and digest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetRef {
    /// Its name.
    pub name: String,
    /// Its version, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Content digest.
    pub sha256: String,
}

/// An assessment, by product, date and digest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssessmentRef {
    /// The product assessed.
    pub product: String,
    /// Its version.
    pub version: String,
    /// Assessment date.
    pub date: String,
    /// Content digest.
    pub sha256: String,
}

/// The catalog, by id and version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogRef {
    /// e.g. `iot-smm`.
    pub id: String,
    /// e.g. `1.2`.
    pub version: String,
}

/// One domain's result over all assessments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainResult {
    /// Domain id.
    pub domain: String,
    /// Display name.
    pub name: String,
    /// The target's roll-up for it, e.g. `2+/industry`.
    pub target: String,
    /// `met` or `over` (a certificate is never issued with a domain under target).
    pub status: String,
    /// Practices in the domain.
    pub practices: usize,
    /// Practices above target in some measure (in the least mature assessment).
    pub over: usize,
}

/// How many findings were resolved or accepted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindingCounts {
    /// Fixed and checked.
    pub resolved: usize,
    /// Accepted with a reason.
    pub accepted: usize,
}

/// What the certificate covers, as asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Named versions of one product; each needs an assessment.
    Products {
        /// The product.
        name: String,
        /// Its versions.
        versions: Vec<String>,
    },
    /// A product line; the assessments are of its representative products.
    Line {
        /// The line's name.
        name: String,
    },
}

/// Everything needed to issue a certificate.
pub struct IssueRequest<'a> {
    /// The catalog in use.
    pub catalog: &'a Catalog,
    /// The target as written (for its digest) and resolved.
    pub target: (&'a TargetProfile, &'a ResolvedTarget),
    /// The assessments as written and checked.
    pub assessments: Vec<(&'a Assessment, &'a CurrentProfile)>,
    /// The issuer's name.
    pub issuer: String,
    /// What it covers.
    pub scope: Scope,
    /// Date of issue.
    pub issued: String,
    /// Last day of validity.
    pub valid_until: String,
}

/// Issues a certificate, or refuses with every reason found.
pub fn issue(
    request: &IssueRequest<'_>,
    key: &SigningKey,
) -> Result<(Envelope, Statement), CertError> {
    let (target_doc, target) = request.target;
    let mut reasons = Vec::new();
    if request.assessments.is_empty() {
        reasons.push("no assessment: a certificate rests on at least one".to_string());
    }
    if request.valid_until <= request.issued {
        reasons.push(format!(
            "the certificate would expire ({}) on or before its issue date ({})",
            request.valid_until, request.issued
        ));
    }
    let target_digest = content_digest(target_doc);
    let mut results: Vec<DomainResult> = Vec::new();
    let mut counts = FindingCounts::default();
    for (doc, current) in &request.assessments {
        let who = format!("{} {}", doc.product.name, doc.product.version);
        if check_target_digest(doc, target_doc).is_err() {
            reasons.push(format!(
                "{who}: the assessment names target digest {}, not this target's {target_digest}",
                doc.target.sha256.value
            ));
            continue;
        }
        let gap = match gap(target, current) {
            Ok(g) => g,
            Err(e) => {
                reasons.push(format!("{who}: {e}"));
                continue;
            }
        };
        for p in gap.under() {
            reasons.push(format!(
                "{who}: practice {} is {}, the target asks {}",
                p.id,
                words(p.current),
                words(p.target)
            ));
        }
        for f in &doc.findings {
            match f.status {
                FindingStatus::Open => reasons.push(format!(
                    "{who}: finding {} ({:?}, {:?}) is open: {}",
                    f.id.value,
                    f.kind,
                    f.severity,
                    f.title.trim()
                )),
                FindingStatus::Resolved => counts.resolved += 1,
                FindingStatus::Accepted => counts.accepted += 1,
            }
        }
        for d in &gap.domains {
            let over = d.summary.over;
            match results.iter_mut().find(|r| r.domain == d.id) {
                Some(r) => r.over = r.over.min(over),
                None => results.push(DomainResult {
                    domain: d.id.clone(),
                    name: d.name.clone(),
                    target: format!("{}/{}", d.target.comprehensiveness, d.target.scope),
                    status: if d.status == Status::Under {
                        "under"
                    } else {
                        "met"
                    }
                    .to_string(),
                    practices: d.summary.total,
                    over,
                }),
            }
        }
    }
    for r in &mut results {
        if r.status == "met" && r.over > 0 {
            r.status = "over".to_string();
        }
    }
    let assessed: Vec<ProductVersion> = request
        .assessments
        .iter()
        .map(|(d, _)| ProductVersion {
            name: d.product.name.clone(),
            version: d.product.version.clone(),
        })
        .collect();
    let covers = match &request.scope {
        Scope::Products { name, versions } => {
            if versions.is_empty() {
                reasons.push(format!("no version of {name} named: give at least one"));
            }
            for v in versions {
                if !assessed.iter().any(|p| &p.name == name && &p.version == v) {
                    reasons.push(format!("{name} {v} has no assessment among those given"));
                }
            }
            for p in &assessed {
                if &p.name != name {
                    reasons.push(format!(
                        "the assessment of {} {} is not of {name}: certify one product at a time, or a product line",
                        p.name, p.version
                    ));
                }
            }
            Covers {
                product_line: None,
                products: versions
                    .iter()
                    .map(|v| ProductVersion {
                        name: name.clone(),
                        version: v.clone(),
                    })
                    .collect(),
            }
        }
        Scope::Line { name } => {
            for (doc, _) in &request.assessments {
                match &doc.product.line {
                    Some(line) if line == name => {}
                    Some(line) => reasons.push(format!(
                        "{} {} belongs to product line {line}, not {name}",
                        doc.product.name, doc.product.version
                    )),
                    None => reasons.push(format!(
                        "{} {}: the assessment does not name a product line (product.line); a line \
                         is certified only through products assessed as its members",
                        doc.product.name, doc.product.version
                    )),
                }
            }
            Covers {
                product_line: Some(name.clone()),
                products: assessed.clone(),
            }
        }
    };
    if !reasons.is_empty() {
        return Err(CertError::Refused(reasons));
    }
    let mut serial = [0u8; 16];
    OsRng.fill_bytes(&mut serial);
    let catalog = CatalogRef {
        id: request.catalog.id.value.clone(),
        version: request.catalog.version.value.clone(),
    };
    let target_ref = TargetRef {
        name: target.name.clone(),
        version: target.version.clone(),
        sha256: target_digest.clone(),
    };
    let mut subject = vec![Subject {
        name: format!(
            "target:{}@{}",
            target.name,
            target.version.as_deref().unwrap_or("unversioned")
        ),
        digest: BTreeMap::from([("sha256".to_string(), target_digest)]),
    }];
    let assessments: Vec<AssessmentRef> = request
        .assessments
        .iter()
        .map(|(d, c)| AssessmentRef {
            product: d.product.name.clone(),
            version: d.product.version.clone(),
            date: c.date.to_string(),
            sha256: content_digest(*d),
        })
        .collect();
    for a in &assessments {
        subject.push(Subject {
            name: format!("assessment:{}@{}", a.product, a.version),
            digest: BTreeMap::from([("sha256".to_string(), a.sha256.clone())]),
        });
    }
    let statement = Statement {
        statement_type: STATEMENT_TYPE.to_string(),
        subject,
        predicate_type: PREDICATE_TYPE.to_string(),
        predicate: Certificate {
            serial: serial.iter().map(|b| format!("{b:02x}")).collect(),
            issuer: Issuer {
                name: request.issuer.clone(),
                keyid: key_id(&key.verifying_key())?,
            },
            issued: request.issued.clone(),
            valid_until: request.valid_until.clone(),
            covers,
            target: target_ref,
            assessments,
            catalog,
            result: results,
            findings: counts,
        },
    };
    let payload = serde_json::to_vec(&statement)
        .map_err(|e| CertError::Invalid(format!("cannot encode the statement: {e}")))?;
    let envelope = sign(IN_TOTO_PAYLOAD_TYPE, &payload, key)?;
    Ok((envelope, statement))
}

/// A level in words for messages: `2/industry`.
fn words(level: smm_core::Level) -> String {
    format!(
        "{}/{}",
        level.comprehensiveness.value(),
        level.scope.token()
    )
}
