//! Certification schemes: what an attestation needs before it is signed, as data.
//!
//! A scheme is a document (`kind: Scheme`) a certification body writes once and names whenever
//! it issues: every practice at target, how serious an open finding may be, which assessment
//! methods must have been used, how old the assessment may be, how long an attestation may run
//! and how often the product is reassessed. The CLI and the server check the same scheme with
//! [`unmet`], so a refusal lists the same reasons at every door.

mod check;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use check::{reassess_by, unmet, Attempt, Unmet};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::document::{Date, Method, Severity};
use crate::header::{parse_kind, FormatVersion, Kind};
use crate::located::Located;

/// The scheme smm applies when none is named (catalog/schemes/smm-baseline.yaml).
pub const BUILTIN_SCHEME_YAML: &str = include_str!("../../../../catalog/schemes/smm-baseline.yaml");

/// The `kind` value of a scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum SchemeKind {
    /// The only value.
    Scheme,
}

/// A certification scheme as written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "smm Scheme",
    description = "What an IoT SMM attestation (certificate or supplier's declaration) requires before it is issued."
)]
pub struct Scheme {
    /// Document format version: 1.
    pub smm: FormatVersion,
    /// Always `Scheme`.
    pub kind: SchemeKind,
    /// Short identifier, e.g. `smm-baseline`; attestations name it.
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9.-]*$"))]
    pub id: Located<String>,
    /// Its version: a changed scheme is a new version.
    pub version: String,
    /// Display title.
    pub title: String,
    /// What conformity means under it, for the reader of an attestation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Which kinds of attestation may be issued under it.
    pub attestations: Vec<AttestationKind>,
    /// What every attestation under it needs.
    pub requirements: Requirements,
}

/// Who attests: an independent certification body, or the supplier itself.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum AttestationKind {
    /// A third party's attestation: a designated certification body assessed the product.
    Certificate,
    /// The supplier's own statement of conformity (as ISO/IEC 17050 describes it).
    Declaration,
}

impl AttestationKind {
    /// The word used in documents and statements.
    pub fn as_str(self) -> &'static str {
        match self {
            AttestationKind::Certificate => "certificate",
            AttestationKind::Declaration => "declaration",
        }
    }

    /// In words, for people: what a reader must never confuse.
    pub fn label(self) -> &'static str {
        match self {
            AttestationKind::Certificate => "Certificate (third-party certification)",
            AttestationKind::Declaration => "Supplier's declaration (self-assessed)",
        }
    }
}

/// The requirements of a scheme. Each absent requirement is not checked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Requirements {
    /// Every practice at or above its target in both measures.
    #[serde(default)]
    pub practices_at_target: bool,
    /// The most serious severity a finding may have and still be open; `none`: every finding
    /// resolved or accepted.
    #[serde(default)]
    pub max_open_severity: OpenFindings,
    /// Methods every assessment must have used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub methods: Vec<Method>,
    /// Which practices need evidence.
    #[serde(default)]
    pub evidence: EvidenceRule,
    /// How many days before the issue date an assessment may have been completed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessment_max_age_days: Option<Located<u32>>,
    /// The longest validity, in months from the issue date (less a day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validity_max_months: Option<Located<u32>>,
    /// How often the product is reassessed to keep the attestation, in months; the statement
    /// carries the date the next reassessment is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reassessment_months: Option<Located<u32>>,
}

/// How serious an open finding may be.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum OpenFindings {
    /// No finding may stay open.
    #[default]
    None,
    /// Findings up to this severity may stay open.
    #[serde(untagged)]
    UpTo(Severity),
}

/// Which practices need evidence.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceRule {
    /// Evidence is not required.
    #[default]
    None,
    /// Every practice assessed above 0 (None) carries at least one piece of evidence.
    EveryPractice,
}

/// A reference to a scheme, as statements carry it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SchemeRef {
    /// Its id.
    pub id: String,
    /// Its version.
    pub version: String,
    /// Content digest of the scheme document (as `smm digest` prints it).
    pub sha256: String,
}

impl Scheme {
    /// The scheme smm ships.
    pub fn builtin() -> Scheme {
        // Part of the build and checked by the tests: it parses.
        parse_scheme(BUILTIN_SCHEME_YAML).unwrap_or_else(|e| panic!("built-in scheme: {e}"))
    }

    /// Whether an attestation of this kind may be issued under it.
    pub fn allows(&self, kind: AttestationKind) -> bool {
        self.attestations.contains(&kind)
    }

    /// The last day an attestation issued on `issued` may run: the scheme's longest validity
    /// (three years when it sets none), less a day. The default validity of every door.
    pub fn longest_validity(&self, issued: Date) -> Date {
        let months = self
            .requirements
            .validity_max_months
            .as_ref()
            .map_or(36, |m| m.value);
        last_valid_day(issued, months).unwrap_or(issued)
    }

    /// The reference an attestation carries.
    pub fn reference(&self) -> SchemeRef {
        SchemeRef {
            id: self.id.value.clone(),
            version: self.version.clone(),
            sha256: crate::content_digest(self),
        }
    }
}

/// `months` after `issued`, less a day: the last day of a validity of that many months.
pub(crate) fn last_valid_day(issued: Date, months: u32) -> Option<Date> {
    issued.plus_months(months).and_then(|d| d.plus_days(-1))
}

/// Parses a scheme and checks what the types cannot: an id, at least one kind of attestation,
/// and periods that are not zero.
pub fn parse_scheme(source: &str) -> Result<Scheme, Diagnostics> {
    let scheme: Scheme = parse_kind(source, Kind::Scheme)?;
    let mut problems = Diagnostics::default();
    if scheme.id.value.trim().is_empty() {
        problems.push(Diagnostic::new(
            scheme.id.at,
            "id",
            "the scheme needs an id",
        ));
    }
    if scheme.attestations.is_empty() {
        problems.push(
            Diagnostic::new(
                scheme.id.at,
                "attestations",
                "name at least one kind of attestation",
            )
            .with_help("`attestations: [certificate]`, `[declaration]` or both"),
        );
    }
    let r = &scheme.requirements;
    for (name, value) in [
        ("requirements.validity-max-months", &r.validity_max_months),
        ("requirements.reassessment-months", &r.reassessment_months),
    ] {
        if let Some(v) = value {
            if v.value == 0 {
                problems.push(Diagnostic::new(
                    v.at,
                    name,
                    "a period of 0 months allows nothing: give at least 1",
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(scheme)
    } else {
        Err(problems.sorted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_scheme_parses_and_allows_both_kinds() {
        let scheme = Scheme::builtin();
        assert_eq!(scheme.id.value, "smm-baseline");
        assert!(scheme.allows(AttestationKind::Certificate));
        assert!(scheme.allows(AttestationKind::Declaration));
        assert!(scheme.requirements.practices_at_target);
        assert_eq!(scheme.requirements.max_open_severity, OpenFindings::None);
        assert_eq!(scheme.reference().sha256.len(), 64);
    }

    #[test]
    fn severities_read_as_written() {
        let text = BUILTIN_SCHEME_YAML.replace("max-open-severity: none", "max-open-severity: low");
        let scheme = parse_scheme(&text).expect("parses");
        assert_eq!(
            scheme.requirements.max_open_severity,
            OpenFindings::UpTo(Severity::Low)
        );
    }

    #[test]
    fn mistakes_point_at_their_line() {
        let text = BUILTIN_SCHEME_YAML.replace("validity-max-months: 36", "validity-max-months: 0");
        let line = text
            .lines()
            .position(|l| l.contains("validity-max-months"))
            .expect("line")
            + 1;
        let problems = parse_scheme(&text).expect_err("zero").to_string();
        assert!(problems.contains(&format!("{line}:")), "{problems}");
        let text = BUILTIN_SCHEME_YAML
            .replace("methods: [vulnerability-analysis]", "methods: [guesswork]");
        let problems = parse_scheme(&text).expect_err("unknown method").to_string();
        assert!(problems.contains("guesswork"), "{problems}");
        let problems = parse_scheme(&BUILTIN_SCHEME_YAML.replace(
            "attestations: [certificate, declaration]",
            "attestations: []",
        ))
        .expect_err("no kinds")
        .to_string();
        assert!(problems.contains("at least one kind"), "{problems}");
    }
}
