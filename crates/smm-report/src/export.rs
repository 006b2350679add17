//! The gap table (or the target alone) as CSV or XLSX, for people who work in spreadsheets.
//!
//! Both exports are pure functions from the data smm-core computed to bytes; the CLI writes the
//! files. Nothing is dropped: every field of a resolved practice, of its gap and of the
//! assessment's evidence, notes, findings and recommendations has a column.
//!
//! # The practice table
//!
//! [`csv()`] writes it alone; [`xlsx()`] writes it as the first sheet, `Gap` (or `Target` when there
//! is no assessment). One row per practice, in catalog order, under a header row of these
//! snake_case names ([`TARGET_COLUMNS`] without an assessment, [`COLUMNS`] with one):
//!
//! | column | value |
//! |---|---|
//! | `domain_id`, `domain` | the practice's domain: id and display name |
//! | `subdomain_id`, `subdomain` | its subdomain: id and display name |
//! | `practice_id`, `practice` | the practice: id and display name |
//! | `target_comprehensiveness` | required comprehensiveness, a number 0 to 4 |
//! | `target_scope` | required scope: `general`, `industry` or `system` |
//! | `target_source` | the most specific source of the two: `domain-goal`, `subdomain-override` or `practice-override` |
//! | `comprehensiveness_source`, `scope_source` | the source of each measure |
//! | `rationale` | the rationale of the override that decided the level (empty when none) |
//! | `confirmed` | `true` when the practice has an entry of its own that keeps the default |
//! | `responsible`, `cost_bearer` | the stakeholder ids answering for the practice and paying for it (from the practice, else its subdomain, else its domain's goal); empty when not named |
//! | `goal_deadline` | the day by which the practice's domain goal must be met, `YYYY-MM-DD` |
//! | `goal_budget_amount`, `goal_budget_currency` | what the domain goal sets aside, whole units and ISO 4217 code |
//! | `approved_by`, `approved_on`, `approval_statement` | the approval of the target version, the same on every row; empty when it is not approved |
//!
//! With an assessment, then:
//!
//! | column | value |
//! |---|---|
//! | `current_comprehensiveness`, `current_scope` | the achieved level |
//! | `status` | `under`, `met` or `over` |
//! | `comprehensiveness_delta` | current minus target comprehensiveness (negative: short) |
//! | `scope_delta` | current minus target scope rank (negative: too general) |
//! | `evidence` | every evidence item, joined with ` \| `: `description [path sha256=HEX]` for a file, `description <URL>` for a URL |
//! | `notes` | the assessor's notes |
//! | `findings` | the findings on the practice, `ID: title`, joined with ` \| ` |
//! | `recommendations` | the recommendations on the practice, directly or through one of its findings, `ID: text`, joined with ` \| ` |
//!
//! In CSV, numbers are written as integers and `confirmed` as `true` or `false`; in XLSX they are
//! numbers and booleans. Text is written exactly as the documents have it (commas, quotes and
//! line breaks are quoted in CSV, never altered). The CSV is UTF-8 without a byte-order mark.
//!
//! One exception guards whoever opens the CSV: a spreadsheet runs a cell that begins with `=`,
//! `+`, `-`, `@`, a tab or a carriage return as a formula, and the text comes from documents that
//! other people wrote (an assessor's notes, a client's rationale). Such a text cell is written with
//! a leading `'`, which spreadsheets show as text and do not display. Numbers are never prefixed.
//! XLSX needs no guard: its text cells are strings, never formulas. For the exact text, read the
//! XLSX or the JSON output.
//!
//! # The other XLSX sheets
//!
//! - `Subdomains` and `Domains`: one row per group with its target level (the base as numbers
//!   and names, and the model's roll-up notation such as `2+/I+`), its practices above and below
//!   the base and, with an assessment, its status and counts of practices under, met and over.
//!   `Domains` also has the goal statement, its deadline and its budget (`deadline`,
//!   `budget_amount`, `budget_currency`).
//! - `Findings`: every finding with all its fields and the ids of its recommendations.
//! - `Recommendations`: every recommendation, its practice and the findings that cite it.
//! - `Evidence`: one row per evidence item: practice, kind (`file` or `url`), path or URL,
//!   SHA-256 and description.
//! - `Stakeholders`: the parties the target names (`stakeholder_id`, `role`, `name`), when it
//!   names any; always the last sheet.
//!
//! `Findings`, `Recommendations` and `Evidence` exist only with an assessment. Every sheet has a bold, frozen header row with an
//! autofilter; columns are sized to their content and long text wraps. The workbook's creation
//! date is the assessment's date (1980-01-01 for a target alone), so the same input always gives
//! the same bytes.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
};
use smm_core::document::{AssessedPractice, Evidence};
use smm_core::gap::{GroupGap, PracticeGap};
use smm_core::resolve::ResolvedPractice;
use smm_core::{Assessment, Catalog, Gap, ResolvedTarget, Rollup, Source};

use crate::model::rollup_label;

/// Input for an export: a target alone, or with its assessment and gap.
///
/// The gap must have been computed from this target and this assessment's current profile.
#[derive(Clone, Copy, Debug)]
pub struct ExportInput<'a> {
    /// The catalog the target was resolved against (names and ids of practices).
    pub catalog: &'a Catalog,
    /// The resolved target.
    pub target: &'a ResolvedTarget,
    /// The assessment and its gap against the target, if there is one.
    pub assessment: Option<(&'a Assessment, &'a Gap)>,
}

/// How many of the practice table's columns describe the target.
const TARGET_COLUMN_COUNT: usize = 21;

/// The practice table's header without an assessment: the first columns of [`COLUMNS`].
pub const TARGET_COLUMNS: [&str; TARGET_COLUMN_COUNT] = [
    "domain_id",
    "domain",
    "subdomain_id",
    "subdomain",
    "practice_id",
    "practice",
    "target_comprehensiveness",
    "target_scope",
    "target_source",
    "comprehensiveness_source",
    "scope_source",
    "rationale",
    "confirmed",
    "responsible",
    "cost_bearer",
    "goal_deadline",
    "goal_budget_amount",
    "goal_budget_currency",
    "approved_by",
    "approved_on",
    "approval_statement",
];

/// The practice table's header with an assessment (see the [module documentation](self)).
pub const COLUMNS: [&str; 30] = [
    "domain_id",
    "domain",
    "subdomain_id",
    "subdomain",
    "practice_id",
    "practice",
    "target_comprehensiveness",
    "target_scope",
    "target_source",
    "comprehensiveness_source",
    "scope_source",
    "rationale",
    "confirmed",
    "responsible",
    "cost_bearer",
    "goal_deadline",
    "goal_budget_amount",
    "goal_budget_currency",
    "approved_by",
    "approved_on",
    "approval_statement",
    "current_comprehensiveness",
    "current_scope",
    "status",
    "comprehensiveness_delta",
    "scope_delta",
    "evidence",
    "notes",
    "findings",
    "recommendations",
];

/// The practice table's header: [`COLUMNS`] with an assessment, [`TARGET_COLUMNS`] without.
pub fn columns(with_assessment: bool) -> &'static [&'static str] {
    if with_assessment {
        &COLUMNS
    } else {
        &TARGET_COLUMNS
    }
}

/// Writes the practice table as CSV: a header row (see [`columns`]) and one row per practice.
pub fn csv(input: &ExportInput) -> Result<Vec<u8>, String> {
    csv_of(&practice_table(input)?)
}

/// One table as CSV: its header row, then its rows, formula-like text neutralized.
pub(crate) fn csv_of(table: &Table) -> Result<Vec<u8>, String> {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    writer
        .write_record(table.columns.iter().map(|c| c.as_ref()))
        .map_err(|e| format!("cannot write the CSV header: {e}"))?;
    for (i, row) in table.rows.iter().enumerate() {
        writer
            .write_record(row.iter().map(Cell::to_csv_text))
            .map_err(|e| format!("cannot write CSV row {}: {e}", i + 1))?;
    }
    writer
        .into_inner()
        .map_err(|e| format!("cannot finish the CSV: {}", e.error()))
}

/// Writes a workbook with a sheet per kind: the practice table (`Gap`, or `Target` without an
/// assessment), `Subdomains`, `Domains`, with an assessment `Findings`, `Recommendations` and
/// `Evidence`, and `Stakeholders` when the target names any.
pub fn xlsx(input: &ExportInput) -> Result<Vec<u8>, String> {
    let mut tables = vec![
        practice_table(input)?,
        subdomain_table(input)?,
        domain_table(input)?,
    ];
    if let Some((assessment, _)) = input.assessment {
        let links = Links::new(input.catalog, assessment);
        tables.push(finding_table(input.target, assessment, &links));
        tables.push(recommendation_table(input.target, assessment, &links));
        tables.push(evidence_table(input.target, &links));
    }
    if !input.target.stakeholders.is_empty() {
        tables.push(stakeholder_table(input.target));
    }

    workbook_of(&tables, &properties(input))
}

/// A workbook with one sheet per table.
pub(crate) fn workbook_of(tables: &[Table], properties: &DocProperties) -> Result<Vec<u8>, String> {
    let mut workbook = Workbook::new();
    workbook.set_properties(properties);
    let styles = Styles::new();
    for table in tables {
        let sheet = workbook.add_worksheet();
        write_sheet(sheet, table, &styles)
            .map_err(|e| format!("cannot write the {} sheet: {e}", table.name))?;
    }
    workbook
        .save_to_buffer()
        .map_err(|e| format!("cannot write the workbook: {e}"))
}

/// The first characters that make a spreadsheet read a CSV cell as a formula (OWASP's list).
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// One cell's value, typed so XLSX gets numbers and booleans.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Cell {
    Text(String),
    Int(i64),
    /// A measured amount: written in CSV as the shortest text that reads back to the same value.
    Number(f64),
    Bool(bool),
}

impl Cell {
    pub(crate) fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    fn to_text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Number(x) => x.to_string(),
            Cell::Bool(b) => b.to_string(),
        }
    }

    /// The text for a CSV field: as [`to_text`](Self::to_text), but a text a spreadsheet would
    /// run as a formula gets a leading `'` (see the [module documentation](self)).
    fn to_csv_text(&self) -> String {
        match self {
            Cell::Text(s) if s.starts_with(FORMULA_START) => format!("'{s}"),
            other => other.to_text(),
        }
    }

    /// The widest line, in characters, for sizing the column.
    fn width(&self) -> usize {
        match self {
            Cell::Text(s) => s.lines().map(|l| l.chars().count()).max().unwrap_or(0),
            Cell::Int(n) => n.to_string().len(),
            // A spreadsheet shows a long fraction rounded: size for about ten digits.
            Cell::Number(x) => x.to_string().len().min(12),
            Cell::Bool(b) => b.to_string().len(),
        }
    }

    /// Whether the column should wrap because of this cell.
    fn is_long(&self) -> bool {
        matches!(self, Cell::Text(s) if s.contains('\n') || s.chars().count() > LONG_TEXT)
    }
}

impl From<usize> for Cell {
    fn from(n: usize) -> Cell {
        Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

/// A sheet's worth of data.
pub(crate) struct Table {
    pub(crate) name: &'static str,
    /// Fixed names mostly; some tables name a column after the data (a profile, say).
    pub(crate) columns: Vec<Cow<'static, str>>,
    pub(crate) rows: Vec<Vec<Cell>>,
}

impl Table {
    pub(crate) fn new<C: Into<Cow<'static, str>>>(
        name: &'static str,
        columns: impl IntoIterator<Item = C>,
        rows: Vec<Vec<Cell>>,
    ) -> Table {
        Table {
            name,
            columns: columns.into_iter().map(Into::into).collect(),
            rows,
        }
    }
}

/// The token written for a source, as in JSON output.
fn source_token(source: Source) -> &'static str {
    match source {
        Source::DomainGoal => "domain-goal",
        Source::SubdomainOverride => "subdomain-override",
        Source::PracticeOverride => "practice-override",
    }
}

fn join_ids<'i>(ids: impl IntoIterator<Item = &'i str>) -> String {
    ids.into_iter().collect::<Vec<_>>().join(", ")
}

/// How the assessment's parts refer to practices, resolved to canonical practice ids.
///
/// Documents may name a practice by id, name or alias; the catalog maps them all to the id.
struct Links<'a> {
    assessment: &'a Assessment,
    /// Canonical practice id -> the assessed entries for it (one, in a checked assessment).
    practices: HashMap<String, Vec<&'a AssessedPractice>>,
    /// Assessed entries whose key is no practice of the target, in document order.
    unknown: Vec<(String, &'a AssessedPractice)>,
    catalog: &'a Catalog,
}

impl<'a> Links<'a> {
    fn new(catalog: &'a Catalog, assessment: &'a Assessment) -> Links<'a> {
        let mut practices: HashMap<String, Vec<&'a AssessedPractice>> = HashMap::new();
        let mut unknown = Vec::new();
        for (key, assessed) in assessment.practices.iter() {
            match catalog.practice(&key.value) {
                Some(item) => practices
                    .entry(item.practice.id.as_str().to_string())
                    .or_default()
                    .push(assessed),
                None => unknown.push((key.value.clone(), assessed)),
            }
        }
        Links {
            assessment,
            practices,
            unknown,
            catalog,
        }
    }

    /// The canonical id of a practice reference (the reference itself if the catalog lacks it).
    fn practice_id(&self, key: &str) -> String {
        self.catalog
            .practice(key)
            .map(|item| item.practice.id.as_str().to_string())
            .unwrap_or_else(|| key.to_string())
    }

    fn assessed(&self, practice: &str) -> &[&'a AssessedPractice] {
        self.practices.get(practice).map_or(&[], Vec::as_slice)
    }

    /// The findings on a practice, in document order.
    fn findings_on(&self, practice: &str) -> Vec<&'a smm_core::document::Finding> {
        self.assessment
            .findings
            .iter()
            .filter(|f| {
                f.practice
                    .as_ref()
                    .is_some_and(|p| self.practice_id(&p.value) == practice)
            })
            .collect()
    }

    /// The recommendations on a practice, directly or through one of its findings, in document
    /// order; ids that findings cite but no recommendation has come last, as bare ids.
    fn recommendations_on(&self, practice: &str) -> Vec<String> {
        let mut cited: Vec<&str> = Vec::new();
        for finding in self.findings_on(practice) {
            for r in &finding.recommendations {
                if !cited.contains(&r.value.as_str()) {
                    cited.push(&r.value);
                }
            }
        }
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        for rec in &self.assessment.recommendations {
            let direct = rec
                .practice
                .as_ref()
                .is_some_and(|p| self.practice_id(&p.value) == practice);
            if (direct || cited.contains(&rec.id.value.as_str())) && seen.insert(rec.id.as_str()) {
                out.push(format!("{}: {}", rec.id.value, rec.text));
            }
        }
        for id in cited {
            if seen.insert(id) {
                out.push(id.to_string());
            }
        }
        out
    }
}

fn evidence_text(e: &Evidence) -> String {
    let mut text = e.description.clone();
    if let Some(file) = &e.file {
        text.push_str(&format!(" [{}", file.value));
        if let Some(sha) = &e.sha256 {
            text.push_str(&format!(" sha256={}", sha.value));
        }
        text.push(']');
    } else if let Some(sha) = &e.sha256 {
        text.push_str(&format!(" [sha256={}]", sha.value));
    }
    if let Some(url) = &e.url {
        text.push_str(&format!(" <{}>", url.value));
    }
    text
}

fn practice_table(input: &ExportInput) -> Result<Table, String> {
    let target = input.target;
    let with = input
        .assessment
        .map(|(assessment, gap)| (Links::new(input.catalog, assessment), gap));
    let mut rows = Vec::with_capacity(target.practices.len());
    for p in &target.practices {
        let mut row = target_cells(target, p);
        if let Some((links, gap)) = &with {
            let g = practice_gap(gap, p)?;
            row.extend(gap_cells(links, g));
        }
        rows.push(row);
    }
    Ok(Table::new(
        if with.is_some() { "Gap" } else { "Target" },
        columns(with.is_some()).iter().copied(),
        rows,
    ))
}

fn practice_gap<'g>(gap: &'g Gap, p: &ResolvedPractice) -> Result<&'g PracticeGap, String> {
    gap.practices.iter().find(|g| g.id == p.id).ok_or_else(|| {
        format!(
            "the gap has no practice `{}`: it was not computed from this target",
            p.id
        )
    })
}

fn target_cells(target: &ResolvedTarget, p: &ResolvedPractice) -> Vec<Cell> {
    let goal = target.domain(p.domain.as_str());
    let domain = goal.map(|d| d.name.clone());
    let text = |v: Option<String>| Cell::Text(v.unwrap_or_default());
    let budget = goal.and_then(|d| d.budget.as_ref());
    let approval = target.approval.as_ref();
    let subdomain = target
        .subdomain(p.subdomain.as_str())
        .map(|s| s.name.clone());
    vec![
        Cell::text(p.domain.as_str()),
        Cell::Text(domain.unwrap_or_default()),
        Cell::text(p.subdomain.as_str()),
        Cell::Text(subdomain.unwrap_or_default()),
        Cell::text(p.id.as_str()),
        Cell::text(p.name.as_str()),
        Cell::Int(p.comprehensiveness.value().into()),
        Cell::text(p.scope.token()),
        Cell::text(source_token(p.source)),
        Cell::text(source_token(p.sources.comprehensiveness)),
        Cell::text(source_token(p.sources.scope)),
        Cell::Text(p.rationale.clone().unwrap_or_default()),
        Cell::Bool(p.confirmed),
        text(p.responsible.clone()),
        text(p.cost_bearer.clone()),
        text(goal.and_then(|d| d.deadline).map(|d| d.to_string())),
        budget_amount(budget),
        text(budget.map(|b| b.currency.value.clone())),
        text(approval.map(|a| a.by.clone())),
        text(approval.map(|a| a.date.to_string())),
        text(approval.map(|a| a.statement.clone())),
    ]
}

/// A budget's amount as a number, or an empty cell when there is no budget.
fn budget_amount(budget: Option<&smm_core::document::GoalBudget>) -> Cell {
    match budget {
        Some(b) => Cell::Int(i64::try_from(b.amount).unwrap_or(i64::MAX)),
        None => Cell::text(""),
    }
}

fn gap_cells(links: &Links, g: &PracticeGap) -> Vec<Cell> {
    let assessed = links.assessed(g.id.as_str());
    let evidence: Vec<String> = assessed
        .iter()
        .flat_map(|a| a.evidence.iter().map(evidence_text))
        .collect();
    let notes: Vec<&str> = assessed.iter().filter_map(|a| a.notes.as_deref()).collect();
    let findings: Vec<String> = links
        .findings_on(g.id.as_str())
        .iter()
        .map(|f| format!("{}: {}", f.id.value, f.title))
        .collect();
    vec![
        Cell::Int(g.current.comprehensiveness.value().into()),
        Cell::text(g.current.scope.token()),
        Cell::text(g.status.as_str()),
        Cell::Int(g.comprehensiveness_delta.into()),
        Cell::Int(g.scope_delta.into()),
        Cell::Text(evidence.join(" | ")),
        Cell::Text(notes.join(" | ")),
        Cell::Text(findings.join(" | ")),
        Cell::Text(links.recommendations_on(g.id.as_str()).join(" | ")),
    ]
}

/// The roll-up columns shared by subdomains and domains.
fn rollup_cells(rollup: &Rollup) -> [Cell; 7] {
    [
        Cell::Int(rollup.base.comprehensiveness.value().into()),
        Cell::text(rollup.base.scope.token()),
        Cell::Text(rollup_label(rollup)),
        Cell::text(rollup.comprehensiveness.as_str()),
        Cell::text(rollup.scope.as_str()),
        Cell::Text(join_ids(rollup.above.iter().map(|id| id.as_str()))),
        Cell::Text(join_ids(rollup.below.iter().map(|id| id.as_str()))),
    ]
}

const ROLLUP_COLUMNS: [&str; 7] = [
    "target_comprehensiveness",
    "target_scope",
    "target_rollup",
    "rollup_comprehensiveness",
    "rollup_scope",
    "practices_above",
    "practices_below",
];

const GROUP_GAP_COLUMNS: [&str; 5] = ["status", "practices", "under", "met", "over"];

fn group_gap_cells(groups: &[GroupGap], id: &str, what: &str) -> Result<[Cell; 5], String> {
    let g = groups.iter().find(|g| g.id == id).ok_or_else(|| {
        format!("the gap has no {what} `{id}`: it was not computed from this target")
    })?;
    Ok([
        Cell::text(g.status.as_str()),
        g.summary.total.into(),
        g.summary.under.into(),
        g.summary.met.into(),
        g.summary.over.into(),
    ])
}

fn subdomain_table(input: &ExportInput) -> Result<Table, String> {
    let target = input.target;
    let mut columns = vec!["subdomain_id", "subdomain", "domain_id", "domain"];
    columns.extend(ROLLUP_COLUMNS);
    columns.extend(["comprehensiveness_source", "scope_source", "rationale"]);
    if input.assessment.is_some() {
        columns.extend(GROUP_GAP_COLUMNS);
    } else {
        columns.push("practices");
    }
    let mut rows = Vec::new();
    for s in &target.subdomains {
        let domain = target.domain(s.domain.as_str()).map(|d| d.name.clone());
        let mut row = vec![
            Cell::text(s.id.as_str()),
            Cell::text(s.name.as_str()),
            Cell::text(s.domain.as_str()),
            Cell::Text(domain.unwrap_or_default()),
        ];
        row.extend(rollup_cells(&s.rollup));
        row.extend([
            Cell::text(source_token(s.sources.comprehensiveness)),
            Cell::text(source_token(s.sources.scope)),
            Cell::Text(s.rationale.clone().unwrap_or_default()),
        ]);
        match input.assessment {
            Some((_, gap)) => row.extend(group_gap_cells(
                &gap.subdomains,
                s.id.as_str(),
                "subdomain",
            )?),
            None => row.push(
                target
                    .practices
                    .iter()
                    .filter(|p| p.subdomain == s.id)
                    .count()
                    .into(),
            ),
        }
        rows.push(row);
    }
    Ok(Table::new("Subdomains", columns, rows))
}

fn domain_table(input: &ExportInput) -> Result<Table, String> {
    let target = input.target;
    let mut columns = vec![
        "domain_id",
        "domain",
        "goal",
        "deadline",
        "budget_amount",
        "budget_currency",
    ];
    columns.extend(ROLLUP_COLUMNS);
    if input.assessment.is_some() {
        columns.extend(GROUP_GAP_COLUMNS);
    } else {
        columns.push("practices");
    }
    let mut rows = Vec::new();
    for d in &target.domains {
        let mut row = vec![
            Cell::text(d.id.as_str()),
            Cell::text(d.name.as_str()),
            Cell::text(d.goal.as_str()),
            Cell::Text(d.deadline.map(|d| d.to_string()).unwrap_or_default()),
            budget_amount(d.budget.as_ref()),
            Cell::Text(
                d.budget
                    .as_ref()
                    .map(|b| b.currency.value.clone())
                    .unwrap_or_default(),
            ),
        ];
        row.extend(rollup_cells(&d.rollup));
        match input.assessment {
            Some((_, gap)) => row.extend(group_gap_cells(&gap.domains, d.id.as_str(), "domain")?),
            None => row.push(
                target
                    .practices
                    .iter()
                    .filter(|p| p.domain == d.id)
                    .count()
                    .into(),
            ),
        }
        rows.push(row);
    }
    Ok(Table::new("Domains", columns, rows))
}

/// The parties the target names, in the order written.
fn stakeholder_table(target: &ResolvedTarget) -> Table {
    let rows = target
        .stakeholders
        .iter()
        .map(|s| {
            vec![
                Cell::text(s.id.as_str()),
                Cell::text(s.role.as_str()),
                Cell::text(s.name.as_str()),
            ]
        })
        .collect();
    Table::new("Stakeholders", ["stakeholder_id", "role", "name"], rows)
}

/// The id and display name of a practice reference (empty when there is none).
fn practice_cells(target: &ResolvedTarget, links: &Links, key: Option<&str>) -> [Cell; 2] {
    let Some(key) = key else {
        return [Cell::text(""), Cell::text("")];
    };
    let id = links.practice_id(key);
    let name = target
        .practice(&id)
        .map(|p| p.name.clone())
        .unwrap_or_default();
    [Cell::Text(id), Cell::Text(name)]
}

fn finding_table(target: &ResolvedTarget, assessment: &Assessment, links: &Links) -> Table {
    let columns = vec![
        "finding_id",
        "kind",
        "severity",
        "practice_id",
        "practice",
        "cve",
        "title",
        "description",
        "recommendations",
    ];
    let rows = assessment
        .findings
        .iter()
        .map(|f| {
            let [practice_id, practice] =
                practice_cells(target, links, f.practice.as_ref().map(|p| p.value.as_str()));
            vec![
                Cell::text(f.id.value.as_str()),
                Cell::text(serde_token(&f.kind)),
                Cell::text(serde_token(&f.severity)),
                practice_id,
                practice,
                Cell::Text(f.cve.as_ref().map(|c| c.value.clone()).unwrap_or_default()),
                Cell::text(f.title.as_str()),
                Cell::Text(f.description.clone().unwrap_or_default()),
                Cell::Text(join_ids(f.recommendations.iter().map(|r| r.value.as_str()))),
            ]
        })
        .collect();
    Table::new("Findings", columns, rows)
}

fn recommendation_table(target: &ResolvedTarget, assessment: &Assessment, links: &Links) -> Table {
    let columns = vec![
        "recommendation_id",
        "practice_id",
        "practice",
        "text",
        "findings",
    ];
    let rows = assessment
        .recommendations
        .iter()
        .map(|r| {
            let [practice_id, practice] =
                practice_cells(target, links, r.practice.as_ref().map(|p| p.value.as_str()));
            let findings = assessment
                .findings
                .iter()
                .filter(|f| f.recommendations.iter().any(|id| id.value == r.id.value))
                .map(|f| f.id.value.as_str());
            vec![
                Cell::text(r.id.value.as_str()),
                practice_id,
                practice,
                Cell::text(r.text.as_str()),
                Cell::Text(join_ids(findings)),
            ]
        })
        .collect();
    Table::new("Recommendations", columns, rows)
}

fn evidence_table(target: &ResolvedTarget, links: &Links) -> Table {
    let columns = vec![
        "practice_id",
        "practice",
        "kind",
        "location",
        "sha256",
        "description",
    ];
    let mut rows = Vec::new();
    let mut push = |id: &str, name: &str, e: &Evidence| {
        let (kind, location) = match (&e.file, &e.url) {
            (Some(file), None) => ("file", file.value.clone()),
            (None, Some(url)) => ("url", url.value.clone()),
            (Some(file), Some(url)) => ("file url", format!("{} {}", file.value, url.value)),
            (None, None) => ("", String::new()),
        };
        rows.push(vec![
            Cell::text(id),
            Cell::text(name),
            Cell::text(kind),
            Cell::Text(location),
            Cell::Text(
                e.sha256
                    .as_ref()
                    .map(|s| s.value.clone())
                    .unwrap_or_default(),
            ),
            Cell::text(e.description.as_str()),
        ]);
    };
    for p in &target.practices {
        for assessed in links.assessed(p.id.as_str()) {
            for e in &assessed.evidence {
                push(p.id.as_str(), &p.name, e);
            }
        }
    }
    for (key, assessed) in &links.unknown {
        for e in &assessed.evidence {
            push(key, "", e);
        }
    }
    Table::new("Evidence", columns, rows)
}

/// The kebab-case word serde writes for a unit enum variant.
fn serde_token<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// Text longer than this wraps, in a column this wide.
const LONG_TEXT: usize = 50;
const WRAP_WIDTH: f64 = 60.0;

struct Styles {
    header: Format,
    cell: Format,
    wrapped: Format,
}

impl Styles {
    fn new() -> Styles {
        let cell = Format::new().set_align(FormatAlign::Top);
        Styles {
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_border_bottom(FormatBorder::Thin),
            wrapped: cell.clone().set_text_wrap(),
            cell,
        }
    }
}

fn write_sheet(
    sheet: &mut Worksheet,
    table: &Table,
    styles: &Styles,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    sheet.set_name(table.name)?;
    for (c, name) in table.columns.iter().enumerate() {
        let col = col_num(c)?;
        let cells = table.rows.iter().filter_map(|row| row.get(c));
        let long = cells.clone().any(Cell::is_long);
        let widest = cells.map(Cell::width).max().unwrap_or(0);
        let width = if long {
            WRAP_WIDTH
        } else {
            // Room for the values, and for the header beside its filter button.
            (widest + 2).max(name.len() + 4).clamp(8, LONG_TEXT + 4) as f64
        };
        sheet.set_column_width(col, width)?;
        sheet.write_string_with_format(0, col, name.as_ref(), &styles.header)?;
        let format = if long { &styles.wrapped } else { &styles.cell };
        for (r, row) in table.rows.iter().enumerate() {
            let row_num = row_num(r + 1)?;
            match row.get(c) {
                Some(Cell::Text(s)) if s.is_empty() => {}
                Some(Cell::Text(s)) => {
                    sheet.write_string_with_format(row_num, col, s, format)?;
                }
                Some(Cell::Int(n)) => {
                    sheet.write_number_with_format(row_num, col, *n as f64, format)?;
                }
                Some(Cell::Number(x)) => {
                    sheet.write_number_with_format(row_num, col, *x, format)?;
                }
                Some(Cell::Bool(b)) => {
                    sheet.write_boolean_with_format(row_num, col, *b, format)?;
                }
                None => {}
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    let last_col = col_num(table.columns.len().saturating_sub(1))?;
    sheet.autofilter(0, 0, row_num(table.rows.len())?, last_col)?;
    Ok(())
}

fn col_num(c: usize) -> Result<u16, rust_xlsxwriter::XlsxError> {
    u16::try_from(c).map_err(|_| rust_xlsxwriter::XlsxError::RowColumnLimitError)
}

fn row_num(r: usize) -> Result<u32, rust_xlsxwriter::XlsxError> {
    u32::try_from(r).map_err(|_| rust_xlsxwriter::XlsxError::RowColumnLimitError)
}

fn properties(input: &ExportInput) -> DocProperties {
    let target = input.target;
    let title = match input.assessment {
        Some((a, _)) => format!(
            "{} {} against {}",
            a.product.name, a.product.version, target.name
        ),
        None => format!("Target profile {}", target.name),
    };
    let subject = match input.assessment {
        Some(_) => "IoT SMM gap analysis",
        None => "IoT SMM target profile",
    };
    let created = input
        .assessment
        .and_then(|(a, _)| ExcelDateTime::parse_from_str(&a.date.to_string()).ok())
        .or_else(|| ExcelDateTime::from_ymd(1980, 1, 1).ok());
    let properties = DocProperties::new()
        .set_title(title)
        .set_subject(subject)
        .set_keywords(format!("IoT SMM, {}", target.catalog))
        .set_comment(format!("System: {}", target.system));
    match created {
        Some(date) => properties.set_creation_datetime(&date),
        None => properties,
    }
}
