//! The assessment document: what a product version has, practice by practice, with evidence.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Date;
use crate::header::FormatVersion;
use crate::level::{Comprehensiveness, Scope};
use crate::located::{Entries, Located};

/// The `kind` value of an assessment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum AssessmentKind {
    /// The only value.
    Assessment,
}

/// An assessment as written: the current profile of one product version against one target.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "smm Assessment",
    description = "The achieved comprehensiveness and scope of every IoT SMM practice for one product version, with evidence, findings and recommendations."
)]
pub struct Assessment {
    /// Document format version: 1.
    pub smm: FormatVersion,
    /// Always `Assessment`.
    pub kind: AssessmentKind,
    /// The target this assessment measures against.
    pub target: TargetReference,
    /// The earlier assessment this one reassesses (same product, same target), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follows: Option<AssessmentReference>,
    /// The product and version assessed.
    pub product: Product,
    /// Who assessed it.
    #[serde(default)]
    pub assessors: Vec<String>,
    /// When the assessment was completed.
    pub date: Date,
    /// How the assessors reached their conclusions (document review, interviews, analyses,
    /// tests): a certificate says which methods its decision rests on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub methods: Vec<Method>,
    /// The achieved level of every practice, keyed by practice id.
    pub practices: Entries<AssessedPractice>,
    /// Nonconformities and vulnerabilities found.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
    /// What the assessor recommends.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recommendations: Vec<Recommendation>,
}

/// Which target an assessment is measured against: a path to find it and a digest to be sure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetReference {
    /// Path of the target file, relative to the assessment.
    pub path: String,
    /// SHA-256 of the target's canonical content (see `smm digest`), 64 lowercase hex digits.
    #[schemars(regex(pattern = r"^[0-9a-f]{64}$"))]
    pub sha256: Located<String>,
}

/// The earlier assessment a reassessment follows: a path to find it and a digest to be sure.
///
/// Findings keep their ids from one assessment to the next, so the link lets a certification
/// body show that every nonconformity it raised was resolved or accepted, and on what evidence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentReference {
    /// Path of the earlier assessment, relative to this one.
    pub path: Located<String>,
    /// SHA-256 of the earlier assessment's canonical content (see `smm digest`).
    #[schemars(regex(pattern = r"^[0-9a-f]{64}$"))]
    pub sha256: Located<String>,
}

/// The product (and version) an assessment is about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Product {
    /// Product name.
    pub name: String,
    /// Version assessed.
    pub version: String,
    /// The product line it belongs to, when one profile and certificate cover several products.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<String>,
}

/// What the assessor found for one practice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessedPractice {
    /// Achieved comprehensiveness.
    pub comprehensiveness: Located<Comprehensiveness>,
    /// Achieved scope.
    pub scope: Located<Scope>,
    /// What supports the judgement.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    /// The assessor's reasoning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// One piece of evidence: a file pinned by its digest, or a URL.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// A file, relative to the assessment; needs `sha256`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<Located<String>>,
    /// SHA-256 of the file's bytes, 64 lowercase hex digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[0-9a-f]{64}$"))]
    pub sha256: Option<Located<String>>,
    /// A URL, when the evidence lives elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<Located<String>>,
    /// What the evidence shows.
    pub description: String,
}

/// A nonconformity or vulnerability found during the assessment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// Unique within the assessment, e.g. `NC-1`.
    pub id: Located<String>,
    /// Nonconformity or vulnerability.
    pub kind: FindingKind,
    /// The practice it concerns, if one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub practice: Option<Located<String>>,
    /// How serious it is.
    pub severity: Severity,
    /// CVE id, for a published vulnerability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^CVE-[0-9]{4}-[0-9]{4,}$"))]
    pub cve: Option<Located<String>>,
    /// One line.
    pub title: String,
    /// Details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Ids of the recommendations that address it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recommendations: Vec<Located<String>>,
    /// Open until fixed (resolved) or accepted with a reason; `open` when absent.
    #[serde(default, skip_serializing_if = "FindingStatus::is_open")]
    pub status: FindingStatus,
    /// Why it was accepted (required then), or how it was resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Located<String>>,
    /// When it was resolved or accepted (only for a finding that is no longer open).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<Located<Date>>,
}

/// An assessment method, as a certification body records it.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Reading the vendor's policies, procedures, designs and records.
    DocumentReview,
    /// Talking to the people who develop, release and support the product.
    Interviews,
    /// Studying the architecture and the security functions as built.
    ArchitectureAnalysis,
    /// Searching the product for known and new weaknesses.
    VulnerabilityAnalysis,
    /// Attacking the product as an adversary would, within agreed rules.
    PenetrationTest,
}

impl Method {
    /// Every method, in the order of a typical assessment.
    pub const ALL: [Method; 5] = [
        Method::DocumentReview,
        Method::Interviews,
        Method::ArchitectureAnalysis,
        Method::VulnerabilityAnalysis,
        Method::PenetrationTest,
    ];

    /// The word used in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::DocumentReview => "document-review",
            Method::Interviews => "interviews",
            Method::ArchitectureAnalysis => "architecture-analysis",
            Method::VulnerabilityAnalysis => "vulnerability-analysis",
            Method::PenetrationTest => "penetration-test",
        }
    }

    /// In words, for people.
    pub fn label(self) -> &'static str {
        match self {
            Method::DocumentReview => "document review",
            Method::Interviews => "interviews",
            Method::ArchitectureAnalysis => "architecture analysis",
            Method::VulnerabilityAnalysis => "vulnerability analysis",
            Method::PenetrationTest => "penetration test",
        }
    }
}

/// Where a finding stands. A certificate is issued only when no finding is open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FindingStatus {
    /// Still to be dealt with.
    #[default]
    Open,
    /// Fixed, and the fix checked.
    Resolved,
    /// Left as it is on purpose, with a reason (a risk acceptance).
    Accepted,
}

impl FindingStatus {
    /// Whether the finding still blocks a certificate.
    pub fn is_open(&self) -> bool {
        *self == FindingStatus::Open
    }

    /// The word used in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingStatus::Open => "open",
            FindingStatus::Resolved => "resolved",
            FindingStatus::Accepted => "accepted",
        }
    }
}

/// What a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// The product does not meet a requirement of the target.
    Nonconformity,
    /// A weakness that can be exploited.
    Vulnerability,
}

/// How serious a finding is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// For information only.
    Info,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

/// A recommendation of the assessor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Recommendation {
    /// Unique within the assessment, e.g. `R-1`.
    pub id: Located<String>,
    /// The practice it concerns, if one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub practice: Option<Located<String>>,
    /// What to do.
    pub text: String,
}
