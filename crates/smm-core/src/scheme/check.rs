//! Checking an attempt to attest against a scheme: every unmet requirement, named, so whoever is
//! refused learns everything there is to fix at once.

use crate::document::{Assessment, Date, FindingStatus};
use crate::gap::Gap;

use super::{AttestationKind, EvidenceRule, OpenFindings, Scheme};

/// What is about to be attested.
pub struct Attempt<'a> {
    /// Certificate or declaration.
    pub kind: AttestationKind,
    /// The issue date.
    pub issued: Date,
    /// The last day of validity.
    pub valid_until: Date,
    /// Each assessment the attestation rests on, with its gap against the target.
    pub assessments: Vec<(&'a Assessment, &'a Gap)>,
}

/// A requirement the attempt does not meet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unmet {
    /// The requirement's name in the scheme (`practices-at-target`, `methods`, …).
    pub requirement: &'static str,
    /// What falls short, in words.
    pub reason: String,
}

/// Every requirement of `scheme` that `attempt` does not meet; empty when it may be issued.
pub fn unmet(scheme: &Scheme, attempt: &Attempt<'_>) -> Vec<Unmet> {
    let mut out = Vec::new();
    let mut miss = |requirement: &'static str, reason: String| {
        out.push(Unmet {
            requirement,
            reason,
        })
    };
    let name = format!("{} {}", scheme.id.value, scheme.version);
    if !scheme.allows(attempt.kind) {
        miss(
            "attestations",
            format!(
                "scheme {name} does not provide for a {}",
                attempt.kind.as_str()
            ),
        );
    }
    let r = &scheme.requirements;
    if let Some(months) = &r.validity_max_months {
        let longest = super::last_valid_day(attempt.issued, months.value);
        if longest.is_some_and(|longest| attempt.valid_until > longest) {
            miss(
                "validity-max-months",
                format!(
                    "valid until {} is longer than the scheme's {} months (at most {})",
                    attempt.valid_until,
                    months.value,
                    longest.map(|d| d.to_string()).unwrap_or_default()
                ),
            );
        }
    }
    for (doc, gap) in &attempt.assessments {
        let who = format!("{} {}", doc.product.name, doc.product.version);
        if r.practices_at_target {
            for p in gap.under() {
                miss(
                    "practices-at-target",
                    format!(
                        "{who}: practice {} is {}/{}, the target asks {}/{}",
                        p.id,
                        p.current.comprehensiveness.value(),
                        p.current.scope.token(),
                        p.target.comprehensiveness.value(),
                        p.target.scope.token()
                    ),
                );
            }
        }
        for f in doc
            .findings
            .iter()
            .filter(|f| f.status == FindingStatus::Open)
        {
            let allowed = match r.max_open_severity {
                OpenFindings::None => false,
                OpenFindings::UpTo(most) => f.severity <= most,
            };
            if !allowed {
                miss(
                    "max-open-severity",
                    format!(
                        "{who}: finding {} ({}, {}) is open: {}",
                        f.id.value,
                        severity_word(f.severity),
                        if f.kind == crate::document::FindingKind::Vulnerability {
                            "vulnerability"
                        } else {
                            "nonconformity"
                        },
                        f.title.trim()
                    ),
                );
            }
        }
        let missing: Vec<&str> = r
            .methods
            .iter()
            .filter(|m| !doc.methods.contains(m))
            .map(|m| m.label())
            .collect();
        if !missing.is_empty() {
            miss(
                "methods",
                format!(
                    "{who}: the assessment does not record {} (the scheme requires it; list it under `methods:` once done)",
                    missing.join(", ")
                ),
            );
        }
        if r.evidence == EvidenceRule::EveryPractice {
            for (id, p) in doc.practices.iter() {
                if p.comprehensiveness.value.value() > 0 && p.evidence.is_empty() {
                    miss(
                        "evidence",
                        format!("{who}: practice {} has no evidence", id.value),
                    );
                }
            }
        }
        if let Some(days) = &r.assessment_max_age_days {
            let age = attempt.issued.days() - doc.date.days();
            if age > i64::from(days.value) {
                miss(
                    "assessment-max-age-days",
                    format!(
                        "{who}: the assessment of {} is {age} days old on {}; the scheme accepts {} at most",
                        doc.date, attempt.issued, days.value
                    ),
                );
            }
            if age < 0 {
                miss(
                    "assessment-max-age-days",
                    format!(
                        "{who}: the assessment is dated {}, after the issue date {}",
                        doc.date, attempt.issued
                    ),
                );
            }
        }
    }
    out
}

/// When the product must be reassessed to keep an attestation issued on `issued`.
pub fn reassess_by(scheme: &Scheme, issued: Date) -> Option<Date> {
    let months = scheme.requirements.reassessment_months.as_ref()?;
    issued.plus_months(months.value)
}

fn severity_word(s: crate::document::Severity) -> &'static str {
    use crate::document::Severity::*;
    match s {
        Info => "info",
        Low => "low",
        Medium => "medium",
        High => "high",
        Critical => "critical",
    }
}
