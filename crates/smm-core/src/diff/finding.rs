//! The findings part of an assessment diff: matched by id, new, gone or changed.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Change;
use crate::catalog::Catalog;
use crate::document::{Finding, FindingKind, FindingStatus, Severity};

/// How one finding changed, matched by its id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum FindingChange {
    /// Only in the newer assessment.
    New {
        /// Its status there.
        status: FindingStatus,
        /// Its severity there.
        severity: Severity,
        /// Its reason, if any.
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// Only in the older assessment.
    Gone {
        /// Its status there.
        status: FindingStatus,
        /// Its severity there.
        severity: Severity,
        /// Its reason, if any.
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// In both, with something different.
    Changed {
        /// Open, resolved or accepted, before and after.
        #[serde(skip_serializing_if = "Option::is_none")]
        status: Option<Change<FindingStatus>>,
        /// Severity before and after.
        #[serde(skip_serializing_if = "Option::is_none")]
        severity: Option<Change<Severity>>,
        /// The reason before and after (empty for none).
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<Change<String>>,
        /// The title before and after. Named apart from the finding's own `title`, which sits
        /// in the same JSON object (the two once made a duplicate key).
        #[serde(rename = "title_change", skip_serializing_if = "Option::is_none")]
        title: Option<Change<String>>,
        /// The kind before and after (named apart from the finding's `kind`, likewise).
        #[serde(rename = "kind_change", skip_serializing_if = "Option::is_none")]
        kind: Option<Change<FindingKind>>,
        /// The practice before and after, empty for none (named apart from the finding's
        /// `practice`, likewise).
        #[serde(rename = "practice_change", skip_serializing_if = "Option::is_none")]
        practice: Option<Change<String>>,
    },
}

/// One finding that is new, gone or changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct FindingDiff {
    /// The finding's id, the same in both assessments.
    pub id: String,
    /// Its title (in the newer assessment, or the older one when it is gone).
    pub title: String,
    /// Nonconformity or vulnerability (likewise).
    pub kind: FindingKind,
    /// The practice it concerns (likewise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub practice: Option<String>,
    /// What changed.
    #[serde(flatten)]
    pub change: FindingChange,
}

impl FindingDiff {
    pub(super) fn mirror(&self) -> FindingDiff {
        let mut mirrored = self.clone();
        mirrored.change = match &self.change {
            FindingChange::New {
                status,
                severity,
                reason,
            } => FindingChange::Gone {
                status: *status,
                severity: *severity,
                reason: reason.clone(),
            },
            FindingChange::Gone {
                status,
                severity,
                reason,
            } => FindingChange::New {
                status: *status,
                severity: *severity,
                reason: reason.clone(),
            },
            FindingChange::Changed {
                status,
                severity,
                reason,
                title,
                kind,
                practice,
            } => {
                // The headline fields show the newer side, which is now the other one.
                if let Some(t) = title {
                    mirrored.title = t.from.clone();
                }
                if let Some(k) = kind {
                    mirrored.kind = k.from;
                }
                if let Some(p) = practice {
                    mirrored.practice = non_empty(&p.from);
                }
                FindingChange::Changed {
                    status: status.as_ref().map(Change::mirror),
                    severity: severity.as_ref().map(Change::mirror),
                    reason: reason.as_ref().map(Change::mirror),
                    title: title.as_ref().map(Change::mirror),
                    kind: kind.as_ref().map(Change::mirror),
                    practice: practice.as_ref().map(Change::mirror),
                }
            }
        };
        mirrored
    }
}

pub(super) fn diff_findings(
    catalog: &Catalog,
    before: &[Finding],
    after: &[Finding],
) -> Vec<FindingDiff> {
    let old = index_findings(before);
    let new = index_findings(after);
    let practice_of = |f: &Finding| {
        f.practice.as_ref().map(|p| {
            catalog
                .practice(&p.value)
                .map(|r| r.practice.id.value.to_string())
                .unwrap_or_else(|| p.value.clone())
        })
    };
    let headline = |f: &Finding, change: FindingChange| FindingDiff {
        id: f.id.value.clone(),
        title: f.title.trim().to_string(),
        kind: f.kind,
        practice: practice_of(f),
        change,
    };
    let reason_of = |f: &Finding| f.reason.as_ref().and_then(|r| non_empty(&r.value));
    let ids: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let mut diffs = Vec::new();
    for id in ids {
        match (old.get(id), new.get(id)) {
            (None, Some(n)) => diffs.push(headline(
                n,
                FindingChange::New {
                    status: n.status,
                    severity: n.severity,
                    reason: reason_of(n),
                },
            )),
            (Some(o), None) => diffs.push(headline(
                o,
                FindingChange::Gone {
                    status: o.status,
                    severity: o.severity,
                    reason: reason_of(o),
                },
            )),
            (Some(o), Some(n)) => {
                let status = Change::between(o.status, n.status);
                let severity = Change::between(o.severity, n.severity);
                let reason = Change::between(
                    reason_of(o).unwrap_or_default(),
                    reason_of(n).unwrap_or_default(),
                );
                let title = Change::between(o.title.trim().to_string(), n.title.trim().to_string());
                let kind = Change::between(o.kind, n.kind);
                let practice = Change::between(
                    practice_of(o).unwrap_or_default(),
                    practice_of(n).unwrap_or_default(),
                );
                if status.is_some()
                    || severity.is_some()
                    || reason.is_some()
                    || title.is_some()
                    || kind.is_some()
                    || practice.is_some()
                {
                    diffs.push(headline(
                        n,
                        FindingChange::Changed {
                            status,
                            severity,
                            reason,
                            title,
                            kind,
                            practice,
                        },
                    ));
                }
            }
            (None, None) => {}
        }
    }
    diffs
}

fn index_findings(list: &[Finding]) -> BTreeMap<String, &Finding> {
    list.iter().map(|f| (f.id.value.clone(), f)).collect()
}

fn non_empty(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}
