//! Findings back: smm's own with every field, other tools' when they fall short on a practice;
//! and other tools' risks, which have no place in an assessment, reported.

use serde_json::Value;
use smm_core::document::{Date, Finding, FindingKind, FindingStatus, Severity};
use smm_core::located::Located;

use super::props::{any_prop, items, located, parse_word, smm_prop, smm_prop_all, text};
use super::Reader;

impl Reader<'_> {
    pub(super) fn findings(&mut self, result: &Value, path: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        for (i, finding) in items(result, "findings").iter().enumerate() {
            let here = format!("{path}.findings[{i}]");
            match smm_prop(finding, "finding-kind").as_deref() {
                // Recomputed from the levels: the gap is not part of the assessment.
                Some("gap") => continue,
                Some(kind) => match own_finding(finding, kind) {
                    Some(f) => out.push(f),
                    None => self.unmapped(
                        here,
                        "an smm finding without a valid id, severity or status",
                    ),
                },
                None => {
                    let target = finding.get("target");
                    let practice = target
                        .and_then(|t| text(t, "target-id"))
                        .and_then(|t| self.practice_id(&t));
                    let state = target
                        .and_then(|t| t.get("status"))
                        .and_then(|s| text(s, "state"));
                    let Some(practice) = practice else {
                        self.unmapped(here, "targets no practice of the catalog");
                        continue;
                    };
                    if state.as_deref() == Some("satisfied") {
                        self.unmapped(here, format!("a satisfied finding on `{practice}`: smm records findings that fall short"));
                        continue;
                    }
                    let severity = any_prop(finding, &["severity", "impact"])
                        .and_then(|s| parse_word(&s.to_ascii_lowercase()));
                    if severity.is_none() {
                        self.unmapped(
                            format!("{here}.props"),
                            "gives no severity (info, low, medium, high, critical): medium assumed",
                        );
                    }
                    out.push(Finding {
                        id: located(format!("F-{}", out.len() + 1)),
                        kind: FindingKind::Nonconformity,
                        practice: Some(located(practice)),
                        severity: severity.unwrap_or(Severity::Medium),
                        cve: None,
                        title: text(finding, "title").unwrap_or_default(),
                        description: text(finding, "description"),
                        recommendations: Vec::new(),
                        status: FindingStatus::Open,
                        reason: None,
                        closed: None,
                    });
                }
            }
        }
        out
    }

    pub(super) fn foreign_risks(&mut self, result: &Value, path: &str) {
        for (i, risk) in items(result, "risks").iter().enumerate() {
            if smm_prop(risk, "finding-id").is_none() {
                self.unmapped(
                    format!("{path}.risks[{i}]"),
                    "a risk of another tool: smm keeps risks only as findings",
                );
            }
        }
    }
}

fn own_finding(finding: &Value, kind: &str) -> Option<Finding> {
    Some(Finding {
        id: located(smm_prop(finding, "finding-id")?),
        kind: parse_word(kind)?,
        practice: smm_prop(finding, "practice").map(located),
        severity: parse_word(&smm_prop(finding, "severity")?)?,
        cve: smm_prop(finding, "cve").map(located),
        title: smm_prop(finding, "title").or_else(|| text(finding, "title"))?,
        description: text(finding, "remarks"),
        recommendations: smm_prop_all(finding, "recommendation")
            .into_iter()
            .map(located)
            .collect(),
        status: parse_word(&smm_prop(finding, "status")?)?,
        reason: smm_prop(finding, "reason").map(located),
        closed: match smm_prop(finding, "closed") {
            Some(day) => Some(Located::new(Date::parse(&day)?)),
            None => None,
        },
    })
}
