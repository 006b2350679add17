//! A stored target or assessment read in a standard's terms: the page form of
//! `GET /api/documents/{id}/coverage/{standard}` and of `smm map`.

use askama::Template;
use axum::extract::State;
use serde::Deserialize;

use smm_core::mapping::ClauseStatus;

use super::{render, Nav, PageResult, PageUser};
use crate::app::standards::{self, CoverageOf};
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;

/// Which standard.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StandardQuery {
    standard: Option<String>,
}

struct Choice {
    id: String,
    label: String,
    selected: bool,
}

struct ClauseRow {
    id: String,
    title: String,
    section: String,
    obligation: String,
    target: (&'static str, &'static str),
    today: (&'static str, &'static str),
    practices: String,
    outside: String,
}

#[derive(Template)]
#[template(path = "standards.html")]
struct StandardsPage {
    nav: Option<Nav>,
    system_id: i64,
    system_name: String,
    document_id: i64,
    standard: String,
    title: String,
    choices: Vec<Choice>,
    profiles: Vec<String>,
    has_target: bool,
    has_today: bool,
    summary: Vec<String>,
    rows: Vec<ClauseRow>,
}

/// The class and words of a clause's status.
fn status(s: Option<ClauseStatus>) -> (&'static str, &'static str) {
    match s {
        None => ("", ""),
        Some(ClauseStatus::Addressed) => ("met", "● addressed"),
        Some(ClauseStatus::Partial) => ("partial", "◐ partly"),
        Some(ClauseStatus::NotAddressed) => ("under", "▼ not addressed"),
        Some(ClauseStatus::OutsideModel) => ("outside", "○ outside the model"),
    }
}

/// `/documents/{id}/standards?standard=ID`: the clauses, their status, and what addresses them.
pub async fn show(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<StandardQuery>,
) -> PageResult {
    let first = state
        .standards
        .all()
        .first()
        .map(|m| m.standard.id.value.clone())
        .unwrap_or_default();
    let standard = query.standard.filter(|s| !s.is_empty()).unwrap_or(first);
    let CoverageOf {
        system,
        coverage: c,
    } = standards::of_document(&state, &user.caller, id, None, &standard).await?;
    let mut summary = Vec::new();
    for (what, counts) in [("The target", &c.planned), ("Met today", &c.current)] {
        if let Some(n) = counts {
            summary.push(format!(
                "{what}: {}.",
                smm_report::coverage::counts_sentence(n)
            ));
        }
    }
    let page = StandardsPage {
        nav: Some(user.nav(&state, system.organization.0).await),
        system_id: system.id.0,
        system_name: system.name.clone(),
        document_id: id,
        choices: state
            .standards
            .all()
            .iter()
            .map(|m| Choice {
                id: m.standard.id.value.clone(),
                label: format!("{} ({})", m.standard.title, m.standard.version),
                selected: m.standard.id.value == c.standard,
            })
            .collect(),
        title: format!("{} {}", c.title, c.version),
        profiles: [("Target", &c.target), ("Assessment", &c.assessment)]
            .into_iter()
            .filter_map(|(what, p)| p.as_ref().map(|p| format!("{what}: {}", p.label())))
            .collect(),
        has_target: c.planned.is_some(),
        has_today: c.current.is_some(),
        summary,
        rows: c
            .clauses
            .iter()
            .map(|k| ClauseRow {
                id: k.id.clone(),
                title: k.title.clone(),
                section: k.section.clone().unwrap_or_default(),
                obligation: k.obligation.map_or("", |o| o.as_str()).to_string(),
                target: status(k.planned),
                today: status(k.current),
                practices: smm_report::coverage::practices_text(k),
                outside: k.outside_model.clone().unwrap_or_default(),
            })
            .collect(),
        standard: c.standard,
    };
    Ok(render(&page))
}
