//! The diff of two assessments: practice by practice, and finding by finding.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use super::evidence::{diff_evidence, EvidenceItem};
use super::finding::{diff_findings, FindingChange, FindingDiff};
use super::{Change, Direction, LevelChange};
use crate::catalog::Catalog;
use crate::digest::content_digest;
use crate::document::{AssessedPractice, Assessment, FindingStatus};
use crate::id::PracticeId;
use crate::level::Level;

/// Who and what one side of the diff is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct AssessmentSide {
    /// Product name.
    pub product: String,
    /// Product line, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<String>,
    /// Product version.
    pub version: String,
    /// Assessment date.
    pub date: String,
    /// The digest of the target it measures against.
    pub target_sha256: String,
    /// The assessment's own content digest.
    pub digest: String,
}

impl AssessmentSide {
    fn of(assessment: &Assessment) -> AssessmentSide {
        AssessmentSide {
            product: assessment.product.name.clone(),
            line: assessment.product.line.clone(),
            version: assessment.product.version.clone(),
            date: assessment.date.to_string(),
            target_sha256: assessment.target.sha256.value.clone(),
            digest: content_digest(assessment),
        }
    }
}

/// What changed in one practice's assessment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PracticeDiff {
    /// Practice id.
    pub id: PracticeId,
    /// Display name.
    pub name: String,
    /// The achieved level, when it moved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<LevelChange>,
    /// Evidence only the newer assessment cites.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence_added: Vec<EvidenceItem>,
    /// Evidence only the older assessment cites.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence_removed: Vec<EvidenceItem>,
    /// Evidence cited by both whose digest, URL or description differs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence_changed: Vec<Change<EvidenceItem>>,
    /// The assessor's notes, when they differ (empty for none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<Change<String>>,
}

impl PracticeDiff {
    fn mirror(&self) -> PracticeDiff {
        PracticeDiff {
            id: self.id.clone(),
            name: self.name.clone(),
            level: self.level.as_ref().map(LevelChange::mirror),
            evidence_added: self.evidence_removed.clone(),
            evidence_removed: self.evidence_added.clone(),
            evidence_changed: self.evidence_changed.iter().map(Change::mirror).collect(),
            notes: self.notes.as_ref().map(Change::mirror),
        }
    }
}

/// The counts behind the summary line ("3 practices improved, 1 regressed; 2 findings
/// resolved, 1 new").
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct AssessmentSummary {
    /// Practices with some measure up and none down.
    pub practices_improved: usize,
    /// Practices with some measure down and none up.
    pub practices_regressed: usize,
    /// Practices with one measure up and the other down.
    pub practices_mixed: usize,
    /// Pieces of evidence added, over all practices.
    pub evidence_added: usize,
    /// Pieces of evidence removed, over all practices.
    pub evidence_removed: usize,
    /// Findings only in the newer assessment.
    pub findings_new: usize,
    /// Findings only in the older assessment.
    pub findings_gone: usize,
    /// Findings that became resolved.
    pub findings_resolved: usize,
    /// Findings that became accepted.
    pub findings_accepted: usize,
    /// Findings that were resolved or accepted and are open again.
    pub findings_reopened: usize,
    /// Findings whose severity changed.
    pub findings_severity_changed: usize,
}

impl AssessmentSummary {
    fn of(practices: &[PracticeDiff], findings: &[FindingDiff]) -> AssessmentSummary {
        let mut s = AssessmentSummary::default();
        for p in practices {
            match p.level.as_ref().map(|l| l.direction) {
                Some(Direction::Up) => s.practices_improved += 1,
                Some(Direction::Down) => s.practices_regressed += 1,
                Some(Direction::Mixed) => s.practices_mixed += 1,
                None => {}
            }
            s.evidence_added += p.evidence_added.len();
            s.evidence_removed += p.evidence_removed.len();
        }
        for f in findings {
            match &f.change {
                FindingChange::New { .. } => s.findings_new += 1,
                FindingChange::Gone { .. } => s.findings_gone += 1,
                FindingChange::Changed {
                    status, severity, ..
                } => {
                    match status.as_ref().map(|c| c.to) {
                        Some(FindingStatus::Resolved) => s.findings_resolved += 1,
                        Some(FindingStatus::Accepted) => s.findings_accepted += 1,
                        Some(FindingStatus::Open) => s.findings_reopened += 1,
                        None => {}
                    }
                    if severity.is_some() {
                        s.findings_severity_changed += 1;
                    }
                }
            }
        }
        s
    }
}

/// What changed from one assessment to another.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct AssessmentDiff {
    /// The older assessment.
    pub old: AssessmentSide,
    /// The newer assessment.
    pub new: AssessmentSide,
    /// Whether the newer one's `follows` names the older one by its digest (a reassessment).
    pub new_follows_old: bool,
    /// Whether the older one's `follows` names the newer one (the arguments are the wrong way
    /// round).
    pub old_follows_new: bool,
    /// Whether both measure against the same target (by digest).
    pub same_target: bool,
    /// Practices with a change, in catalog order.
    pub practices: Vec<PracticeDiff>,
    /// Findings with a change, by id.
    pub findings: Vec<FindingDiff>,
    /// The counts.
    pub summary: AssessmentSummary,
}

impl AssessmentDiff {
    /// Whether nothing changed in the practices or findings.
    pub fn is_empty(&self) -> bool {
        self.practices.is_empty() && self.findings.is_empty()
    }

    /// The diff the other way round: what `diff_assessments(new, old)` returns.
    pub fn mirror(&self) -> AssessmentDiff {
        let practices: Vec<PracticeDiff> =
            self.practices.iter().map(PracticeDiff::mirror).collect();
        let findings: Vec<FindingDiff> = self.findings.iter().map(FindingDiff::mirror).collect();
        AssessmentDiff {
            old: self.new.clone(),
            new: self.old.clone(),
            new_follows_old: self.old_follows_new,
            old_follows_new: self.new_follows_old,
            same_target: self.same_target,
            summary: AssessmentSummary::of(&practices, &findings),
            practices,
            findings,
        }
    }
}

/// Compares two assessments, both already checked against `catalog` (see
/// [`crate::current_profile`]), as if both lived in the same folder. Practices are matched
/// through the catalog, so an id and an alias of the same practice are the same practice;
/// findings are matched by id.
pub fn diff_assessments(catalog: &Catalog, old: &Assessment, new: &Assessment) -> AssessmentDiff {
    diff_assessments_in(catalog, (old, Path::new("")), (new, Path::new("")))
}

/// Like [`diff_assessments`], for assessments in the given folders: evidence files are
/// relative to their assessment, so `evidence/x.md` beside one and `../evidence/x.md` beside a
/// reassessment one folder down are the same file.
pub fn diff_assessments_in(
    catalog: &Catalog,
    (old, old_folder): (&Assessment, &Path),
    (new, new_folder): (&Assessment, &Path),
) -> AssessmentDiff {
    let old_practices = by_practice(catalog, old);
    let new_practices = by_practice(catalog, new);
    let mut practices = Vec::new();
    for item in catalog.practices() {
        let id = item.practice.id.as_str();
        let (Some(before), Some(after)) = (old_practices.get(id), new_practices.get(id)) else {
            continue;
        };
        practices.extend(diff_practice(
            &item.practice.id.value,
            &item.practice.name,
            (before, old_folder),
            (after, new_folder),
        ));
    }

    let findings = diff_findings(catalog, &old.findings, &new.findings);
    let old_digest = content_digest(old);
    let new_digest = content_digest(new);
    let follows =
        |a: &Assessment, digest: &str| a.follows.as_ref().is_some_and(|f| f.sha256.value == digest);
    AssessmentDiff {
        old: AssessmentSide::of(old),
        new: AssessmentSide::of(new),
        new_follows_old: follows(new, &old_digest),
        old_follows_new: follows(old, &new_digest),
        same_target: old.target.sha256.value == new.target.sha256.value,
        summary: AssessmentSummary::of(&practices, &findings),
        practices,
        findings,
    }
}

fn by_practice<'a>(catalog: &Catalog, a: &'a Assessment) -> BTreeMap<String, &'a AssessedPractice> {
    a.practices
        .iter()
        .filter_map(|(key, p)| {
            Some((
                catalog.practice(&key.value)?.practice.id.value.to_string(),
                p,
            ))
        })
        .collect()
}

fn diff_practice(
    id: &PracticeId,
    name: &str,
    (before, before_folder): (&AssessedPractice, &Path),
    (after, after_folder): (&AssessedPractice, &Path),
) -> Option<PracticeDiff> {
    let level = LevelChange::between(
        Level::new(before.comprehensiveness.value, before.scope.value),
        Level::new(after.comprehensiveness.value, after.scope.value),
    );
    let (evidence_added, evidence_removed, evidence_changed) = diff_evidence(
        (&before.evidence, before_folder),
        (&after.evidence, after_folder),
    );
    let notes = Change::between(
        text_of(before.notes.as_deref()),
        text_of(after.notes.as_deref()),
    );
    let unchanged = level.is_none()
        && evidence_added.is_empty()
        && evidence_removed.is_empty()
        && evidence_changed.is_empty()
        && notes.is_none();
    (!unchanged).then(|| PracticeDiff {
        id: id.clone(),
        name: name.to_string(),
        level,
        evidence_added,
        evidence_removed,
        evidence_changed,
        notes,
    })
}

fn text_of(text: Option<&str>) -> String {
    text.map(str::trim).unwrap_or_default().to_string()
}
