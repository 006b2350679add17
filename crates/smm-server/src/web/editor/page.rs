//! The editor page: an [`AssessmentDraft`] as rows of the form (every practice with its
//! choices, "not assessed" first; findings and recommendations with an empty row to add one),
//! and why a refused form came back.

use std::collections::HashMap;

use askama::Template;
use axum::response::Response;

use smm_core::catalog::Catalog;
use smm_core::document::AssessmentDraft;
use smm_core::located::Located;
use smm_core::{Comprehensiveness, Scope};
use smm_store::SystemInfo;

use super::form::FieldProblem;
use crate::app::documents;
use crate::state::AppState;
use crate::web::{render, Nav, PageUser};

/// One evidence entry as shown.
pub struct EvidenceRow {
    file: String,
    sha256: String,
    url: String,
    description: String,
}

/// One choice of a select: value, label, whether chosen.
type Choice = (String, String, bool);

/// One practice as shown.
pub struct PracticeRow {
    id: String,
    name: String,
    purpose: String,
    target: String,
    comprehensiveness: Vec<Choice>,
    scope: Vec<Choice>,
    notes: String,
    evidence: Vec<EvidenceRow>,
    meanings: Vec<(String, String)>,
    /// Why the practice stopped the save ("" when it did not).
    problem: String,
}

/// A finding as shown (the last row is an empty one to add).
pub struct FindingRow {
    id: String,
    kind: String,
    severity: String,
    practice: String,
    cve: String,
    title: String,
    description: String,
    recommendations: String,
    status: String,
    reason: String,
}

/// A recommendation as shown.
pub struct RecommendationRow {
    id: String,
    practice: String,
    text: String,
}

#[derive(Template)]
#[template(path = "editor.html")]
struct EditorPage {
    nav: Option<Nav>,
    csrf: String,
    action: String,
    version: i64,
    system_id: i64,
    system_name: String,
    target_id: i64,
    target_name: String,
    error: Option<String>,
    errors: Vec<FieldProblem>,
    product: String,
    product_version: String,
    line: String,
    assessors: String,
    /// Each method: its token, its words, whether ticked.
    methods: Vec<(&'static str, &'static str, bool)>,
    date: String,
    practices: Vec<PracticeRow>,
    findings: Vec<FindingRow>,
    recommendations: Vec<RecommendationRow>,
    practice_ids: Vec<(String, String)>,
}

/// The form as it goes out: where it posts, the version it edits, and why it came back.
pub struct Shown {
    pub action: String,
    pub version: i64,
    pub error: Option<String>,
    pub problems: Vec<FieldProblem>,
    /// Why each practice that stopped the save did, by practice id.
    pub practices: HashMap<String, String>,
}

impl Shown {
    pub fn fresh(action: String, version: i64) -> Self {
        Shown {
            action,
            version,
            error: None,
            problems: Vec::new(),
            practices: HashMap::new(),
        }
    }
}

/// The token a document writes for one of its words (`nonconformity`, `high`).
fn token<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn practice_rows(
    catalog: &Catalog,
    target: &documents::Target,
    draft: &AssessmentDraft,
    problems: &HashMap<String, String>,
) -> Vec<PracticeRow> {
    let level_name = |level: Comprehensiveness| {
        let name = catalog
            .comprehensiveness_meaning(level)
            .map(|m| m.name.clone())
            .unwrap_or_default();
        format!("{} {name}", level.value())
    };
    draft
        .practices
        .iter()
        .filter_map(|p| {
            let item = catalog.practice(&p.id)?;
            let not_assessed = |chosen: bool| (String::new(), "not assessed".to_string(), chosen);
            let mut comprehensiveness = vec![not_assessed(p.comprehensiveness.is_none())];
            comprehensiveness.extend(Comprehensiveness::ALL.into_iter().map(|level| {
                (
                    level.value().to_string(),
                    level_name(level),
                    p.comprehensiveness == Some(level),
                )
            }));
            let mut scope = vec![not_assessed(p.scope.is_none())];
            scope.extend(Scope::ALL.into_iter().map(|sc| {
                let name = catalog
                    .scope_meaning(sc)
                    .map(|m| m.name.clone())
                    .unwrap_or_default();
                (sc.token().to_string(), name, p.scope == Some(sc))
            }));
            let text = |v: &Option<Located<String>>| {
                v.as_ref().map(|l| l.value.clone()).unwrap_or_default()
            };
            Some(PracticeRow {
                id: p.id.clone(),
                name: item.practice.name.clone(),
                purpose: item.practice.purpose.trim().to_string(),
                target: target
                    .resolved
                    .practice(&p.id)
                    .map(|t| t.level())
                    .map(|l| format!("{} / {}", l.comprehensiveness.value(), l.scope.token()))
                    .unwrap_or_default(),
                comprehensiveness,
                scope,
                notes: p.notes.clone().unwrap_or_default(),
                evidence: p
                    .evidence
                    .iter()
                    .map(|e| EvidenceRow {
                        file: text(&e.file),
                        sha256: text(&e.sha256),
                        url: text(&e.url),
                        description: e.description.clone(),
                    })
                    .collect(),
                meanings: item
                    .practice
                    .levels
                    .iter()
                    .map(|l| (level_name(l.level.value), l.description.trim().to_string()))
                    .collect(),
                problem: problems.get(&p.id).cloned().unwrap_or_default(),
            })
        })
        .collect()
}

fn finding_rows(draft: &AssessmentDraft) -> Vec<FindingRow> {
    let text =
        |v: &Option<Located<String>>| v.as_ref().map(|l| l.value.clone()).unwrap_or_default();
    let mut rows: Vec<FindingRow> = draft
        .findings
        .iter()
        .map(|f| FindingRow {
            id: f.id.value.clone(),
            kind: token(&f.kind),
            severity: token(&f.severity),
            practice: text(&f.practice),
            cve: text(&f.cve),
            title: f.title.clone(),
            description: f.description.clone().unwrap_or_default(),
            recommendations: f
                .recommendations
                .iter()
                .map(|r| r.value.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            status: f.status.as_str().to_string(),
            reason: text(&f.reason),
        })
        .collect();
    rows.push(FindingRow {
        id: String::new(),
        kind: "nonconformity".to_string(),
        severity: "medium".to_string(),
        practice: String::new(),
        cve: String::new(),
        title: String::new(),
        description: String::new(),
        recommendations: String::new(),
        status: "open".to_string(),
        reason: String::new(),
    });
    rows
}

fn recommendation_rows(draft: &AssessmentDraft) -> Vec<RecommendationRow> {
    let mut rows: Vec<RecommendationRow> = draft
        .recommendations
        .iter()
        .map(|r| RecommendationRow {
            id: r.id.value.clone(),
            practice: r
                .practice
                .as_ref()
                .map(|p| p.value.clone())
                .unwrap_or_default(),
            text: r.text.clone(),
        })
        .collect();
    rows.push(RecommendationRow {
        id: String::new(),
        practice: String::new(),
        text: String::new(),
    });
    rows
}

/// The editor page for a draft.
pub async fn editor(
    state: &AppState,
    user: &PageUser,
    info: &SystemInfo,
    target: &documents::Target,
    draft: &AssessmentDraft,
    shown: Shown,
) -> Response {
    let page = EditorPage {
        nav: Some(user.nav(state, info.organization.0).await),
        csrf: user.csrf.clone(),
        action: shown.action,
        version: shown.version,
        system_id: info.id.0,
        system_name: info.name.clone(),
        target_id: target.stored.id.0,
        target_name: target.resolved.name.clone(),
        error: shown.error,
        errors: shown.problems,
        product: draft.product.name.clone(),
        product_version: draft.product.version.clone(),
        line: draft.product.line.clone().unwrap_or_default(),
        assessors: draft.assessors.join("\n"),
        methods: smm_core::document::Method::ALL
            .iter()
            .map(|m| (m.as_str(), m.label(), draft.methods.contains(m)))
            .collect(),
        date: draft.date.clone(),
        practice_ids: state
            .catalog
            .practices()
            .map(|p| (p.practice.id.as_str().to_string(), p.practice.name.clone()))
            .collect(),
        practices: practice_rows(&state.catalog, target, draft, &shown.practices),
        findings: finding_rows(draft),
        recommendations: recommendation_rows(draft),
    };
    render(&page)
}
