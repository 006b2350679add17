//! A standard's coverage as tables, for spreadsheets and the report: one row per clause, and one
//! per relation with its reasoning.
//!
//! # The clause table (`Coverage` sheet; the CSV)
//!
//! | column | value |
//! |---|---|
//! | `standard`, `version` | the standard's id and the edition mapped |
//! | `section`, `clause`, `title`, `obligation` | the clause as the mapping names it |
//! | `target_status` | against the target: `addressed`, `partial`, `not-addressed` or `outside-model` (empty without a target) |
//! | `assessment_status` | the same against the assessment: met today (empty without one) |
//! | `practices` | the related practices: `id relationship minimum`, `; `-separated |
//! | `outside_model` | what of the clause the model does not reach |
//!
//! # The relation table (`Relations` sheet)
//!
//! `clause`, `practice`, `relationship`, `minimum_comprehensiveness`, `minimum_scope`,
//! `target_level`, `target_met`, `current_level`, `current_met`, `rationale`.

use rust_xlsxwriter::DocProperties;
use smm_core::mapping::{ClauseCoverage, ClauseStatus, Coverage, CoverageCounts};

use crate::export::{csv_of, workbook_of, Cell, Table};

/// The clause table's columns.
pub const COLUMNS: [&str; 10] = [
    "standard",
    "version",
    "section",
    "clause",
    "title",
    "obligation",
    "target_status",
    "assessment_status",
    "practices",
    "outside_model",
];

/// The relation table's columns.
pub const RELATION_COLUMNS: [&str; 10] = [
    "clause",
    "practice",
    "relationship",
    "minimum_comprehensiveness",
    "minimum_scope",
    "target_level",
    "target_met",
    "current_level",
    "current_met",
    "rationale",
];

fn status_cell(status: Option<ClauseStatus>) -> Cell {
    Cell::text(status.map_or("", ClauseStatus::as_str))
}

/// `patch-management subset-of 2/G; monitoring intersects 3/G`.
pub fn practices_text(clause: &ClauseCoverage) -> String {
    clause
        .relations
        .iter()
        .map(|r| format!("{} {} {}", r.practice, r.relationship.as_str(), r.minimum))
        .collect::<Vec<_>>()
        .join("; ")
}

fn clause_table(c: &Coverage) -> Table {
    let rows = c
        .clauses
        .iter()
        .map(|clause| {
            vec![
                Cell::text(&c.standard),
                Cell::text(&c.version),
                Cell::text(clause.section.clone().unwrap_or_default()),
                Cell::text(&clause.id),
                Cell::text(&clause.title),
                Cell::text(clause.obligation.map_or("", |o| o.as_str())),
                status_cell(clause.planned),
                status_cell(clause.current),
                Cell::text(practices_text(clause)),
                Cell::text(clause.outside_model.clone().unwrap_or_default()),
            ]
        })
        .collect();
    Table::new("Coverage", COLUMNS, rows)
}

fn relation_table(c: &Coverage) -> Table {
    let optional = |met: Option<bool>| met.map_or(Cell::text(""), Cell::Bool);
    let level =
        |l: Option<smm_core::Level>| Cell::text(l.map(|l| l.to_string()).unwrap_or_default());
    let rows = c
        .clauses
        .iter()
        .flat_map(|clause| {
            clause.relations.iter().map(move |r| {
                vec![
                    Cell::text(&clause.id),
                    Cell::text(&r.practice),
                    Cell::text(r.relationship.as_str()),
                    Cell::from(usize::from(r.minimum.comprehensiveness.value())),
                    Cell::text(r.minimum.scope.token()),
                    level(r.planned),
                    optional(r.planned_met),
                    level(r.current),
                    optional(r.current_met),
                    Cell::text(&r.rationale),
                ]
            })
        })
        .collect();
    Table::new("Relations", RELATION_COLUMNS, rows)
}

/// The clause table as CSV.
pub fn csv(c: &Coverage) -> Result<Vec<u8>, String> {
    csv_of(&clause_table(c))
}

/// A workbook: the clause table (`Coverage`) and the relation table (`Relations`).
pub fn xlsx(c: &Coverage) -> Result<Vec<u8>, String> {
    let mut subject = format!("Coverage of {} {}", c.title, c.version);
    for p in [&c.target, &c.assessment].into_iter().flatten() {
        subject.push_str(&format!(" by {}", p.label()));
    }
    let properties = DocProperties::new()
        .set_title(format!("{} coverage", c.standard))
        .set_subject(subject)
        .set_keywords("IoT SMM, standards mapping");
    workbook_of(&[clause_table(c), relation_table(c)], &properties)
}

/// `47 of 78 clauses addressed (67% of those the model reaches), 23 partly, ...`: the counts as
/// the CLI and the page say them.
pub fn counts_sentence(n: &CoverageCounts) -> String {
    format!(
        "{} of {} clauses addressed ({}% of those the model reaches), {} partly, {} not addressed, {} outside the model",
        n.addressed,
        n.total,
        n.addressed_percent(),
        n.partial,
        n.not_addressed,
        n.outside_model
    )
}

/// One section of the standard, its clauses counted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionCounts {
    /// The section's name (`Clauses` when the mapping gives none).
    pub name: String,
    /// Against the target, when one was read.
    pub planned: Option<CoverageCounts>,
    /// Against the assessment, when one was read.
    pub current: Option<CoverageCounts>,
}

/// The clauses counted per section, in the standard's order.
pub fn sections(c: &Coverage) -> Vec<SectionCounts> {
    let mut out: Vec<(String, Vec<&ClauseCoverage>)> = Vec::new();
    for clause in &c.clauses {
        let name = clause
            .section
            .clone()
            .unwrap_or_else(|| "Clauses".to_string());
        match out.iter_mut().find(|(n, _)| *n == name) {
            Some((_, clauses)) => clauses.push(clause),
            None => out.push((name, vec![clause])),
        }
    }
    out.into_iter()
        .map(|(name, clauses)| SectionCounts {
            planned: c
                .planned
                .map(|_| CoverageCounts::of(clauses.iter().filter_map(|k| k.planned))),
            current: c
                .current
                .map(|_| CoverageCounts::of(clauses.iter().filter_map(|k| k.current))),
            name,
        })
        .collect()
}
