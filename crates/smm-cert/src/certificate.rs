//! Attestations: an in-toto statement whose subjects are the target and the assessments (by
//! content digest) and whose predicate says who attests (a certification body's certificate or
//! the supplier's own declaration), which products, against which target and scheme, with what
//! result, until when. Issued only when the scheme's requirements are met.

use std::collections::BTreeMap;

use ed25519_dalek::SigningKey;
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use smm_core::document::{Assessment, Date, FindingStatus, TargetProfile};
use smm_core::resolve::PracticeLimitation;
use smm_core::scheme::{reassess_by, unmet, Attempt, AttestationKind, Scheme, SchemeRef};
use smm_core::{check_target_digest, content_digest, gap, Catalog, CurrentProfile, ResolvedTarget};

use crate::dsse::{sign, Envelope, IN_TOTO_PAYLOAD_TYPE};
use crate::keys::key_id;
use crate::CertError;

/// The in-toto statement type.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
/// The predicate type of a certificate (a certification body's attestation).
pub const CERTIFICATE_PREDICATE: &str = "urn:smm:certificate:v2";
/// The predicate type of a supplier's declaration (the supplier's own attestation).
pub const DECLARATION_PREDICATE: &str = "urn:smm:declaration:v2";
/// The first format's predicate type: it did not say who attested, so it is no longer trusted.
pub const RETIRED_PREDICATE: &str = "urn:smm:certificate:v1";

/// The predicate type for a kind of attestation.
pub fn predicate_type(kind: AttestationKind) -> &'static str {
    match kind {
        AttestationKind::Certificate => CERTIFICATE_PREDICATE,
        AttestationKind::Declaration => DECLARATION_PREDICATE,
    }
}

/// An in-toto statement carrying an attestation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Statement {
    /// Always [`STATEMENT_TYPE`].
    #[serde(rename = "_type")]
    pub statement_type: String,
    /// What is attested, by digest: the target and every assessment.
    pub subject: Vec<Subject>,
    /// [`CERTIFICATE_PREDICATE`] or [`DECLARATION_PREDICATE`], as the predicate's kind says.
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    /// The attestation.
    pub predicate: Attestation,
}

impl Statement {
    /// The statement inside an envelope this program signed and kept itself (a server's own
    /// store), read **without checking the signature**, to show what it says. An envelope
    /// received from anyone else goes through [`crate::verify`] instead.
    pub fn from_own_envelope(envelope: &Envelope) -> Result<Statement, CertError> {
        if envelope.payload_type != IN_TOTO_PAYLOAD_TYPE {
            return Err(CertError::Invalid(format!(
                "payload type is `{}`, expected `{IN_TOTO_PAYLOAD_TYPE}`",
                envelope.payload_type
            )));
        }
        let payload = crate::dsse::decode_canonical("payload", &envelope.payload)?;
        serde_json::from_slice(&payload)
            .map_err(|e| CertError::Invalid(format!("not an smm attestation: {e}")))
    }
}

/// An in-toto subject: a name and its digests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Subject {
    /// `target:<name>@<version>` or `assessment:<product>@<version>`.
    pub name: String,
    /// `{"sha256": "<hex>"}`: the content digest (as `smm digest` prints it).
    pub digest: BTreeMap<String, String>,
}

/// What the issuer states.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attestation {
    /// Certificate (a certification body's) or declaration (the supplier's own).
    pub kind: AttestationKind,
    /// Unique per issuer: 128 random bits in hex.
    pub serial: String,
    /// Who attests, and with which key.
    pub issuer: Issuer,
    /// Date of issue, `YYYY-MM-DD`.
    pub issued: String,
    /// Last day of validity, `YYYY-MM-DD`.
    pub valid_until: String,
    /// When the product must be reassessed to keep the attestation, if the scheme says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reassess_by: Option<String>,
    /// The scheme whose requirements were met.
    pub scheme: SchemeRef,
    /// The products and versions covered.
    pub covers: Covers,
    /// The target profile the products conform to.
    pub target: TargetRef,
    /// The assessments the decision rests on.
    pub assessments: Vec<AssessmentRef>,
    /// The catalog both were checked against.
    pub catalog: CatalogRef,
    /// What the profile cannot ask of some practices, and what compensates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub limitations: Vec<Limitation>,
    /// The result per domain.
    pub result: Vec<DomainResult>,
    /// How the findings of the assessments stand.
    pub findings: FindingCounts,
}

/// The issuer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Issuer {
    /// The issuing organization's name.
    pub name: String,
    /// Its id in the issuers document (`org-<n>` on a server), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The signing key's id (SHA-256 of the SubjectPublicKeyInfo DER, hex).
    pub keyid: String,
}

/// Products and versions covered: one product's versions, or a product line's members, each
/// saying whether it was assessed (a representative) or is covered through those that were.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Covers {
    /// The product line, when the attestation covers a line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_line: Option<String>,
    /// Every product and version covered.
    pub products: Vec<ProductVersion>,
}

/// A product and version.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct ProductVersion {
    /// Product name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Whether this product version was itself assessed (for a line: a representative).
    pub assessed: bool,
}

/// The target, by name, version, date and digest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetRef {
    /// Its name.
    pub name: String,
    /// Its version, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Its date.
    pub date: String,
    /// Content digest.
    pub sha256: String,
    /// Who approved this version of the target, when and with what statement, if it is approved:
    /// a customer sees who agreed to the profile the products were attested against. Absent
    /// (and left out of the payload) for an unapproved target, as in attestations issued before
    /// the field existed, whose signatures therefore still hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<TargetApproval>,
}

/// The approval of the attested target version, as the target records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetApproval {
    /// Who approved.
    pub by: String,
    /// When, `YYYY-MM-DD`.
    pub date: String,
    /// What they approved it as.
    pub statement: String,
}

impl TargetApproval {
    /// The approval in one sentence, as every door shows it.
    pub fn words(&self) -> String {
        format!(
            "approved by {} on {}: {}",
            self.by, self.date, self.statement
        )
    }
}

/// An assessment: of what, when, by whom, how, and its digest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentRef {
    /// The product assessed.
    pub product: String,
    /// Its version.
    pub version: String,
    /// Assessment date.
    pub date: String,
    /// The assessors it names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assessors: Vec<String>,
    /// The methods it records (`document-review`, `vulnerability-analysis`, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub methods: Vec<String>,
    /// Content digest.
    pub sha256: String,
}

/// The catalog, by id and version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogRef {
    /// e.g. `iot-smm`.
    pub id: String,
    /// e.g. `1.2`.
    pub version: String,
}

/// A limitation the target declares, as attested.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Limitation {
    /// The practice's id.
    pub practice: String,
    /// What is limited.
    pub limited: String,
    /// Why.
    pub because: String,
    /// What compensates.
    pub compensating: Vec<String>,
}

impl From<&PracticeLimitation> for Limitation {
    fn from(l: &PracticeLimitation) -> Self {
        Limitation {
            practice: l.practice.clone(),
            limited: l.limited.clone(),
            because: l.because.clone(),
            compensating: l.compensating.clone(),
        }
    }
}

/// One domain's result over all assessments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DomainResult {
    /// Domain id.
    pub domain: String,
    /// Display name.
    pub name: String,
    /// The target's roll-up for it, e.g. `2+/industry`.
    pub target: String,
    /// `met`, `over`, or `under` (only under a scheme that does not require every practice at
    /// target).
    pub status: String,
    /// Practices in the domain.
    pub practices: usize,
    /// Practices above target in some measure (in the least mature assessment).
    pub over: usize,
    /// Practices under target (in the least mature assessment).
    #[serde(default)]
    pub under: usize,
}

/// How the findings stand.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct FindingCounts {
    /// Fixed and checked.
    pub resolved: usize,
    /// Accepted with a reason.
    pub accepted: usize,
    /// Still open (only as the scheme allows).
    #[serde(default)]
    pub open: usize,
}

/// What the attestation covers, as asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Named versions of one product; each needs an assessment.
    Products {
        /// The product.
        name: String,
        /// Its versions.
        versions: Vec<String>,
    },
    /// A product line: every member product and version named; the assessments are of
    /// representatives among them.
    Line {
        /// The line's name.
        name: String,
        /// Every product and version the line covers, `(name, version)`.
        members: Vec<(String, String)>,
    },
}

/// A covered product as written on a command line or in a form, `NAME@VERSION` (split at the
/// last `@`, so a name may contain one); `None` when either part is empty.
pub fn product_at_version(text: &str) -> Option<(String, String)> {
    let (name, version) = text.rsplit_once('@')?;
    let (name, version) = (name.trim(), version.trim());
    (!name.is_empty() && !version.is_empty()).then(|| (name.to_string(), version.to_string()))
}

/// Who signs, as the statement will name them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuerName {
    /// The organization's name.
    pub name: String,
    /// Its id in the issuers document, when there is one.
    pub id: Option<String>,
}

/// Everything needed to issue an attestation.
pub struct IssueRequest<'a> {
    /// Certificate or declaration.
    pub kind: AttestationKind,
    /// The scheme whose requirements must be met.
    pub scheme: &'a Scheme,
    /// The catalog in use.
    pub catalog: &'a Catalog,
    /// The target as written (for its digest) and resolved.
    pub target: (&'a TargetProfile, &'a ResolvedTarget),
    /// The assessments as written and checked.
    pub assessments: Vec<(&'a Assessment, &'a CurrentProfile)>,
    /// Who signs.
    pub issuer: IssuerName,
    /// What it covers.
    pub scope: Scope,
    /// Date of issue.
    pub issued: Date,
    /// Last day of validity.
    pub valid_until: Date,
}

/// Issues an attestation, or refuses with every reason found: the scheme's unmet requirements
/// (each prefixed with its name) and what is wrong with the request itself.
pub fn issue(
    request: &IssueRequest<'_>,
    key: &SigningKey,
) -> Result<(Envelope, Statement), CertError> {
    let (target_doc, target) = request.target;
    let mut reasons = Vec::new();
    if request.assessments.is_empty() {
        reasons.push("no assessment: an attestation rests on at least one".to_string());
    }
    if request.valid_until <= request.issued {
        reasons.push(format!(
            "it would expire ({}) on or before its issue date ({})",
            request.valid_until, request.issued
        ));
    }
    if request.issuer.name.trim().is_empty() {
        reasons.push("the issuer has no name".to_string());
    }
    let target_digest = content_digest(target_doc);
    let mut gaps = Vec::new();
    for (doc, current) in &request.assessments {
        let who = format!("{} {}", doc.product.name, doc.product.version);
        if check_target_digest(doc, target_doc).is_err() {
            reasons.push(format!(
                "{who}: the assessment names target digest {}, not this target's {target_digest}",
                doc.target.sha256.value
            ));
            continue;
        }
        match gap(target, current) {
            Ok(g) => gaps.push((*doc, g)),
            Err(e) => reasons.push(format!("{who}: {e}")),
        }
    }
    let attempt = Attempt {
        kind: request.kind,
        issued: request.issued,
        valid_until: request.valid_until,
        assessments: gaps.iter().map(|(d, g)| (*d, g)).collect(),
    };
    for u in unmet(request.scheme, &attempt) {
        reasons.push(format!("{}: {}", u.requirement, u.reason));
    }
    let covers = covers(request, &mut reasons);
    if !reasons.is_empty() {
        return Err(CertError::Refused(reasons));
    }

    let mut results: Vec<DomainResult> = Vec::new();
    let mut counts = FindingCounts::default();
    for (doc, g) in &gaps {
        for f in &doc.findings {
            match f.status {
                FindingStatus::Open => counts.open += 1,
                FindingStatus::Resolved => counts.resolved += 1,
                FindingStatus::Accepted => counts.accepted += 1,
            }
        }
        for d in &g.domains {
            let (over, under) = (d.summary.over, d.summary.under);
            match results.iter_mut().find(|r| r.domain == d.id) {
                Some(r) => {
                    r.over = r.over.min(over);
                    r.under = r.under.max(under);
                }
                None => results.push(DomainResult {
                    domain: d.id.clone(),
                    name: d.name.clone(),
                    target: format!("{}/{}", d.target.comprehensiveness, d.target.scope),
                    status: String::new(),
                    practices: d.summary.total,
                    over,
                    under,
                }),
            }
        }
    }
    for r in &mut results {
        r.status = if r.under > 0 {
            "under"
        } else if r.over > 0 {
            "over"
        } else {
            "met"
        }
        .to_string();
    }
    let mut serial = [0u8; 16];
    OsRng.fill_bytes(&mut serial);
    let mut subject = vec![Subject {
        name: format!(
            "target:{}@{}",
            target.name,
            target.version.as_deref().unwrap_or("unversioned")
        ),
        digest: BTreeMap::from([("sha256".to_string(), target_digest.clone())]),
    }];
    let assessments: Vec<AssessmentRef> = request
        .assessments
        .iter()
        .map(|(d, c)| AssessmentRef {
            product: d.product.name.clone(),
            version: d.product.version.clone(),
            date: c.date.to_string(),
            assessors: d.assessors.clone(),
            methods: d.methods.iter().map(|m| m.as_str().to_string()).collect(),
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
        predicate_type: predicate_type(request.kind).to_string(),
        predicate: Attestation {
            kind: request.kind,
            serial: serial.iter().map(|b| format!("{b:02x}")).collect(),
            issuer: Issuer {
                name: request.issuer.name.trim().to_string(),
                id: request.issuer.id.clone(),
                keyid: key_id(&key.verifying_key())?,
            },
            issued: request.issued.to_string(),
            valid_until: request.valid_until.to_string(),
            reassess_by: reassess_by(request.scheme, request.issued).map(|d| d.to_string()),
            scheme: request.scheme.reference(),
            covers,
            target: TargetRef {
                name: target.name.clone(),
                version: target.version.clone(),
                date: target_doc.date.to_string(),
                sha256: target_digest,
                approval: target.approval.as_ref().map(|a| TargetApproval {
                    by: a.by.clone(),
                    date: a.date.to_string(),
                    statement: a.statement.clone(),
                }),
            },
            assessments,
            catalog: CatalogRef {
                id: request.catalog.id.value.clone(),
                version: request.catalog.version.value.clone(),
            },
            limitations: target.limitations.iter().map(Limitation::from).collect(),
            result: results,
            findings: counts,
        },
    };
    let payload = serde_json::to_vec(&statement)
        .map_err(|e| CertError::Invalid(format!("cannot encode the statement: {e}")))?;
    let envelope = sign(IN_TOTO_PAYLOAD_TYPE, &payload, key)?;
    Ok((envelope, statement))
}

/// What the attestation covers, checked against the assessments given.
fn covers(request: &IssueRequest<'_>, reasons: &mut Vec<String>) -> Covers {
    let assessed: Vec<(String, String)> = request
        .assessments
        .iter()
        .map(|(d, _)| (d.product.name.clone(), d.product.version.clone()))
        .collect();
    let was_assessed = |n: &str, v: &str| assessed.iter().any(|(an, av)| an == n && av == v);
    match &request.scope {
        Scope::Products { name, versions } => {
            if versions.is_empty() {
                reasons.push(format!("no version of {name} named: give at least one"));
            }
            for v in versions {
                if !was_assessed(name, v) {
                    reasons.push(format!("{name} {v} has no assessment among those given"));
                }
            }
            for (n, v) in &assessed {
                if n != name {
                    reasons.push(format!(
                        "the assessment of {n} {v} is not of {name}: attest one product at a time, or a product line"
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
                        assessed: true,
                    })
                    .collect(),
            }
        }
        Scope::Line { name, members } => {
            if members.is_empty() {
                reasons.push(format!(
                    "name every product and version the line {name} covers (the assessed representatives among them)"
                ));
            }
            for (doc, _) in &request.assessments {
                let (n, v) = (&doc.product.name, &doc.product.version);
                match &doc.product.line {
                    Some(line) if line == name => {}
                    Some(line) => {
                        reasons.push(format!("{n} {v} belongs to product line {line}, not {name}"))
                    }
                    None => reasons.push(format!(
                        "{n} {v}: the assessment does not name a product line (product.line); a line \
                         is attested only through products assessed as its members"
                    )),
                }
                if !members.is_empty() && !members.iter().any(|(mn, mv)| mn == n && mv == v) {
                    reasons.push(format!(
                        "{n} {v} was assessed as a representative but is not among the covered products"
                    ));
                }
            }
            let mut products: Vec<ProductVersion> = Vec::new();
            for (n, v) in members {
                if products.iter().any(|p| &p.name == n && &p.version == v) {
                    continue;
                }
                products.push(ProductVersion {
                    name: n.clone(),
                    version: v.clone(),
                    assessed: was_assessed(n, v),
                });
            }
            Covers {
                product_line: Some(name.clone()),
                products,
            }
        }
    }
}
