//! The findings of an assessment as a report lists them: what was found and where it stands.
//!
//! A certification body decides on the status, so each finding says whether it is open, resolved
//! or accepted, how it was resolved or why it was accepted, and on which day it was closed.

use smm_core::document::{Assessment, Finding, FindingStatus};

use crate::html::words;

/// A finding, in words.
#[derive(Clone, Debug)]
pub(crate) struct FindingRow {
    pub(crate) id: String,
    pub(crate) kind: String,
    pub(crate) severity: String,
    pub(crate) practice: String,
    pub(crate) cve: String,
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) recommendations: String,
    /// `open`, `resolved` or `accepted`.
    pub(crate) status: String,
    /// How it was resolved, or why it was accepted.
    pub(crate) resolution: String,
    /// When it was resolved or accepted, `YYYY-MM-DD`; empty while open or when not recorded.
    pub(crate) closed: String,
}

impl FindingRow {
    /// The status with its closing date: `resolved on 2026-10-15`, or `open`.
    pub(crate) fn standing(&self) -> String {
        if self.closed.is_empty() {
            self.status.clone()
        } else {
            format!("{} on {}", self.status, self.closed)
        }
    }
}

/// Every finding of the assessment, in the order it lists them.
pub(crate) fn rows(assessment: &Assessment) -> Vec<FindingRow> {
    assessment.findings.iter().map(row).collect()
}

fn row(f: &Finding) -> FindingRow {
    FindingRow {
        id: f.id.value.clone(),
        kind: format!("{:?}", f.kind).to_lowercase(),
        severity: format!("{:?}", f.severity).to_lowercase(),
        practice: f
            .practice
            .as_ref()
            .map(|p| p.value.clone())
            .unwrap_or_default(),
        cve: f.cve.as_ref().map(|c| c.value.clone()).unwrap_or_default(),
        title: f.title.clone(),
        description: f.description.as_deref().map(words).unwrap_or_default(),
        recommendations: f
            .recommendations
            .iter()
            .map(|r| r.value.clone())
            .collect::<Vec<_>>()
            .join(", "),
        status: f.status.as_str().to_string(),
        resolution: match f.status {
            FindingStatus::Open => String::new(),
            _ => f
                .reason
                .as_ref()
                .map(|r| words(&r.value))
                .unwrap_or_default(),
        },
        closed: f
            .closed
            .as_ref()
            .map(|d| d.value.to_string())
            .unwrap_or_default(),
    }
}
