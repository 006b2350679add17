//! The current profile: an assessment checked against the catalog.
//!
//! An assessment must say something about every practice (a missing one is not silently "0"),
//! name only practices that exist, and keep its findings and recommendations consistent. Once
//! checked, it becomes a [`CurrentProfile`], which the gap compares with a resolved target.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::catalog::Catalog;
use crate::diagnostic::{nearest, Diagnostic, Diagnostics};
use crate::document::{Assessment, Date, FindingKind, FindingStatus};
use crate::id::{DomainId, PracticeId, SubdomainId};
use crate::level::Level;
use crate::located::{Located, Position};

/// One practice's achieved level.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CurrentPractice {
    /// Practice id.
    pub id: PracticeId,
    /// Its domain.
    pub domain: DomainId,
    /// Its subdomain.
    pub subdomain: SubdomainId,
    /// What was achieved.
    pub level: Level,
    /// How many pieces of evidence support it.
    pub evidence: usize,
}

/// The achieved level of every practice of the catalog, in catalog order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CurrentProfile {
    /// Product name.
    pub product: String,
    /// Product version.
    pub version: String,
    /// Assessment date.
    pub date: Date,
    /// `id@version` of the catalog.
    pub catalog: String,
    /// Every practice, in catalog order.
    pub practices: Vec<CurrentPractice>,
}

impl CurrentProfile {
    /// The practice with this id.
    pub fn practice(&self, id: &str) -> Option<&CurrentPractice> {
        self.practices.iter().find(|p| p.id.as_str() == id)
    }
}

/// Whether `text` is a SHA-256 digest as we write them: 64 lowercase hex digits.
pub fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Checks an assessment against the catalog and returns its current profile.
pub fn current_profile(
    catalog: &Catalog,
    assessment: &Assessment,
) -> Result<CurrentProfile, Diagnostics> {
    let mut problems = Diagnostics::default();
    if !is_sha256_hex(&assessment.target.sha256.value) {
        problems.push(Diagnostic::new(
            assessment.target.sha256.at,
            "target.sha256",
            "expected 64 lowercase hex digits (see `smm digest TARGET`)",
        ));
    }
    if let Some(follows) = &assessment.follows {
        if !is_sha256_hex(&follows.sha256.value) {
            problems.push(Diagnostic::new(
                follows.sha256.at,
                "follows.sha256",
                "expected 64 lowercase hex digits (see `smm digest ASSESSMENT`)",
            ));
        }
    }

    let mut levels: HashMap<&str, (Level, usize)> = HashMap::new();
    let mut first_at = Position::new(1, 1);
    for (i, (key, assessed)) in assessment.practices.iter().enumerate() {
        if i == 0 {
            first_at = key.at;
        }
        let field = format!("practices.{}", key.value);
        let Some(item) = catalog.practice(&key.value) else {
            problems.push(unknown_practice(catalog, key, &field));
            continue;
        };
        let level = Level::new(assessed.comprehensiveness.value, assessed.scope.value);
        if levels
            .insert(item.practice.id.as_str(), (level, assessed.evidence.len()))
            .is_some()
        {
            problems.push(Diagnostic::new(
                key.at,
                field.clone(),
                format!("practice `{}` is assessed twice", item.practice.id.value),
            ));
        }
        for (e, evidence) in assessed.evidence.iter().enumerate() {
            check_evidence(
                evidence,
                &format!("{field}.evidence[{e}]"),
                key.at,
                &mut problems,
            );
        }
    }
    let missing: Vec<&str> = catalog
        .practice_ids()
        .filter(|id| !levels.contains_key(id))
        .collect();
    if !missing.is_empty() {
        problems.push(
            Diagnostic::new(
                first_at,
                "practices",
                format!(
                    "{} practice(s) not assessed: {}",
                    missing.len(),
                    missing.join(", ")
                ),
            )
            .with_help(
                "every practice needs a level; write `comprehensiveness: 0` for one that is absent",
            ),
        );
    }
    check_findings(catalog, assessment, &mut problems);
    if !problems.is_empty() {
        return Err(problems.sorted());
    }

    let practices = catalog
        .practices()
        .filter_map(|item| {
            let (level, evidence) = levels.get(item.practice.id.as_str())?;
            Some(CurrentPractice {
                id: item.practice.id.value.clone(),
                domain: item.domain.id.value.clone(),
                subdomain: item.subdomain.id.value.clone(),
                level: *level,
                evidence: *evidence,
            })
        })
        .collect();
    Ok(CurrentProfile {
        product: assessment.product.name.clone(),
        version: assessment.product.version.clone(),
        date: assessment.date,
        catalog: catalog.reference(),
        practices,
    })
}

fn unknown_practice(catalog: &Catalog, key: &Located<String>, field: &str) -> Diagnostic {
    let d = Diagnostic::new(
        key.at,
        field,
        format!("unknown practice id `{}`", key.value),
    );
    match nearest(&key.value, catalog.practice_ids()) {
        Some(near) => d.with_help(format!("did you mean `{near}`?")),
        None => d.with_help("see `smm catalog` for the practice ids"),
    }
}

fn check_evidence(
    evidence: &crate::document::Evidence,
    field: &str,
    at: Position,
    problems: &mut Diagnostics,
) {
    match (&evidence.file, &evidence.sha256, &evidence.url) {
        (Some(_), Some(sha), None) => {
            if !is_sha256_hex(&sha.value) {
                problems.push(Diagnostic::new(
                    sha.at,
                    format!("{field}.sha256"),
                    "expected 64 lowercase hex digits (the SHA-256 of the file)",
                ));
            }
        }
        (Some(file), None, None) => problems.push(Diagnostic::new(
            file.at,
            format!("{field}.sha256"),
            "a file needs its sha256, so the evidence cannot change unnoticed",
        )),
        (None, None, Some(url)) => {
            if !(url.value.starts_with("https://") || url.value.starts_with("http://")) {
                problems.push(Diagnostic::new(
                    url.at,
                    format!("{field}.url"),
                    format!("`{}` is not an http(s) URL", url.value),
                ));
            }
        }
        (None, Some(sha), None) => problems.push(Diagnostic::new(
            sha.at,
            format!("{field}.file"),
            "a sha256 without a file: add the file it belongs to",
        )),
        (None, None, None) => problems.push(Diagnostic::new(
            at,
            field,
            "evidence needs a file (with sha256) or a url",
        )),
        (_, _, Some(url)) => problems.push(Diagnostic::new(
            url.at,
            field,
            "evidence is either a file or a url, not both: split it in two",
        )),
    }
}

fn check_findings(catalog: &Catalog, assessment: &Assessment, problems: &mut Diagnostics) {
    let mut rec_ids = HashSet::new();
    for (i, rec) in assessment.recommendations.iter().enumerate() {
        if !rec_ids.insert(rec.id.value.as_str()) {
            problems.push(Diagnostic::new(
                rec.id.at,
                format!("recommendations[{i}].id"),
                format!("recommendation id `{}` is used twice", rec.id.value),
            ));
        }
        if let Some(p) = &rec.practice {
            if catalog.practice(&p.value).is_none() {
                problems.push(unknown_practice(
                    catalog,
                    p,
                    &format!("recommendations[{i}].practice"),
                ));
            }
        }
    }
    let mut finding_ids = HashSet::new();
    for (i, finding) in assessment.findings.iter().enumerate() {
        let field = format!("findings[{i}]");
        if !finding_ids.insert(finding.id.value.as_str()) {
            problems.push(Diagnostic::new(
                finding.id.at,
                format!("{field}.id"),
                format!("finding id `{}` is used twice", finding.id.value),
            ));
        }
        if let Some(p) = &finding.practice {
            if catalog.practice(&p.value).is_none() {
                problems.push(unknown_practice(catalog, p, &format!("{field}.practice")));
            }
        }
        if let Some(cve) = &finding.cve {
            if finding.kind != FindingKind::Vulnerability {
                problems.push(Diagnostic::new(
                    cve.at,
                    format!("{field}.cve"),
                    "only a vulnerability has a CVE id; set `kind: vulnerability`",
                ));
            }
            if !is_cve_id(&cve.value) {
                problems.push(Diagnostic::new(
                    cve.at,
                    format!("{field}.cve"),
                    format!("`{}` is not a CVE id: expected CVE-YYYY-NNNN", cve.value),
                ));
            }
        }
        let has_reason = finding
            .reason
            .as_ref()
            .is_some_and(|r| !r.value.trim().is_empty());
        if let Some(closed) = &finding.closed {
            if finding.status == FindingStatus::Open {
                problems.push(
                    Diagnostic::new(
                        closed.at,
                        format!("{field}.closed"),
                        "an open finding has no `closed` date",
                    )
                    .with_help("set `status: resolved` or `status: accepted`, or remove `closed`"),
                );
            }
            // An assessment states how things stood on its date: a later closure is news for
            // the next assessment, not a fact this one can attest.
            if closed.value > assessment.date {
                problems.push(
                    Diagnostic::new(
                        closed.at,
                        format!("{field}.closed"),
                        format!(
                            "closed on {}, after this assessment's date ({})",
                            closed.value, assessment.date
                        ),
                    )
                    .with_help(
                        "record the closure in a new assessment (or a new version of this one \
                         with a later `date`)",
                    ),
                );
            }
        }
        if finding.status == FindingStatus::Accepted && !has_reason {
            problems.push(Diagnostic::new(
                finding.id.at,
                format!("{field}.reason"),
                "an accepted finding needs a `reason`: who accepted the risk and why",
            ));
        }
        for r in &finding.recommendations {
            if !rec_ids.contains(r.value.as_str()) {
                let d = Diagnostic::new(
                    r.at,
                    format!("{field}.recommendations"),
                    format!("no recommendation with id `{}`", r.value),
                );
                let d = match nearest(&r.value, rec_ids.iter().copied()) {
                    Some(near) => d.with_help(format!("did you mean `{near}`?")),
                    None => d,
                };
                problems.push(d);
            }
        }
    }
}

fn is_cve_id(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("CVE-") else {
        return false;
    };
    let Some((year, number)) = rest.split_once('-') else {
        return false;
    };
    year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && number.len() >= 4
        && number.bytes().all(|b| b.is_ascii_digit())
}
