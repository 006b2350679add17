//! Risk in money for spreadsheets and reports: the figures of [`smm_core::risk::outlook`] (or any
//! profiles' [`RiskResult`]s) as CSV and XLSX, as ranges in words ([`words`]), and as a section
//! of the HTML and PDF report.
//!
//! Both exports are pure functions from the results to bytes; the CLI and the server write them.
//! Amounts are in the results' currency (the `currency` column), unrounded.
//!
//! # The CSV: one tidy table
//!
//! One row per profile for all its scenarios together (`level` = `profile`), followed by one
//! row per scenario of that profile (`level` = `scenario`), profiles in the order given (today
//! first). [`CSV_COLUMNS`]:
//!
//! | column | value |
//! |---|---|
//! | `profile` | `today`, `target reached`, or the name of another profile |
//! | `level` | `profile` (all scenarios together) or `scenario` |
//! | `scenario_id`, `scenario` | the scenario's id and title; empty on a `profile` row |
//! | `currency` | ISO 4217 code of every amount |
//! | `iterations`, `seed` | simulated years and the seed: the same inputs and seed give the same figures |
//! | `mean` | mean annual loss |
//! | `standard_error` | Monte Carlo standard error of the mean (`profile` rows) |
//! | `p10`, `p50`, `p90`, `p95`, `p99` | percentiles of the annual loss: `p90` is the 1-in-10-years loss, `p95` 1 in 20, `p99` 1 in 100 (`profile` rows) |
//! | `loss_events` | mean number of loss events a year (on a `profile` row, of all scenarios) |
//! | `probability_of_loss` | share of simulated years with a loss (0 to 1) |
//!
//! Cells a level has no figure for are empty. Numbers are written in full (the shortest text
//! that reads back to the same value); the seed is written as digits in both formats, as text in
//! XLSX, because a seed may exceed what a spreadsheet number holds exactly.
//!
//! # The XLSX
//!
//! - `Profiles`: `profile`, `currency`, `iterations`, `seed`, `mean`, `standard_error`, `p10`,
//!   `p50`, `p90`, `p95`, `p99`, `probability_of_loss`.
//! - `Scenarios`: `profile`, `scenario_id`, `scenario`, `mean`, `loss_events`,
//!   `probability_of_loss`.
//! - `Exceedance`: the loss exceedance curves on one loss grid shared by all profiles (that of
//!   the chart, [`smm_core::risk::grid`]): `loss`, then one column per profile, named after it,
//!   holding the share of years whose loss exceeds that amount.
//!
//! Sheets look like those of [`crate::export`] (bold frozen header, autofilter); the creation
//! date is fixed, so the same figures give the same bytes.

mod section;
pub mod words;

pub(crate) use section::RiskSection;

use rust_xlsxwriter::{DocProperties, ExcelDateTime};
use smm_core::risk::{grid, RiskResult};

use crate::export::{csv_of, workbook_of, Cell, Table};

/// The CSV's header (see the [module documentation](self)).
pub const CSV_COLUMNS: [&str; 16] = [
    "profile",
    "level",
    "scenario_id",
    "scenario",
    "currency",
    "iterations",
    "seed",
    "mean",
    "standard_error",
    "p10",
    "p50",
    "p90",
    "p95",
    "p99",
    "loss_events",
    "probability_of_loss",
];

/// The `Profiles` sheet's header.
pub const PROFILE_COLUMNS: [&str; 12] = [
    "profile",
    "currency",
    "iterations",
    "seed",
    "mean",
    "standard_error",
    "p10",
    "p50",
    "p90",
    "p95",
    "p99",
    "probability_of_loss",
];

/// The `Scenarios` sheet's header.
pub const SCENARIO_COLUMNS: [&str; 6] = [
    "profile",
    "scenario_id",
    "scenario",
    "mean",
    "loss_events",
    "probability_of_loss",
];

fn empty() -> Cell {
    Cell::text("")
}

/// The distribution's columns, `mean` to `p99`.
fn distribution(r: &RiskResult) -> [Cell; 7] {
    let d = &r.annual_loss;
    [d.mean, d.standard_error, d.p10, d.p50, d.p90, d.p95, d.p99].map(Cell::Number)
}

fn run_cells(r: &RiskResult) -> [Cell; 3] {
    [
        Cell::text(&r.currency),
        Cell::Int(r.iterations.into()),
        Cell::Text(r.seed.to_string()),
    ]
}

fn tidy_table(results: &[RiskResult]) -> Table {
    let mut rows = Vec::new();
    for r in results {
        let mut row = vec![
            Cell::text(&r.profile),
            Cell::text("profile"),
            empty(),
            empty(),
        ];
        row.extend(run_cells(r));
        row.extend(distribution(r));
        row.push(Cell::Number(
            r.scenarios.iter().map(|s| s.loss_events).sum(),
        ));
        row.push(Cell::Number(r.probability_of_loss));
        rows.push(row);
        for s in &r.scenarios {
            let mut row = vec![
                Cell::text(&r.profile),
                Cell::text("scenario"),
                Cell::text(&s.id),
                Cell::text(&s.title),
            ];
            row.extend(run_cells(r));
            row.push(Cell::Number(s.mean));
            row.extend((0..6).map(|_| empty()));
            row.push(Cell::Number(s.loss_events));
            row.push(Cell::Number(s.probability_of_loss));
            rows.push(row);
        }
    }
    Table::new("Risk", CSV_COLUMNS, rows)
}

fn profile_table(results: &[RiskResult]) -> Table {
    let rows = results
        .iter()
        .map(|r| {
            let mut row = vec![Cell::text(&r.profile)];
            row.extend(run_cells(r));
            row.extend(distribution(r));
            row.push(Cell::Number(r.probability_of_loss));
            row
        })
        .collect();
    Table::new("Profiles", PROFILE_COLUMNS, rows)
}

fn scenario_table(results: &[RiskResult]) -> Table {
    let rows = results
        .iter()
        .flat_map(|r| {
            r.scenarios.iter().map(|s| {
                vec![
                    Cell::text(&r.profile),
                    Cell::text(&s.id),
                    Cell::text(&s.title),
                    Cell::Number(s.mean),
                    Cell::Number(s.loss_events),
                    Cell::Number(s.probability_of_loss),
                ]
            })
        })
        .collect();
    Table::new("Scenarios", SCENARIO_COLUMNS, rows)
}

fn exceedance_table(results: &[RiskResult]) -> Table {
    let refs: Vec<&RiskResult> = results.iter().collect();
    let levels = grid(&refs, crate::chart::EXCEEDANCE_POINTS);
    let curves: Vec<_> = results
        .iter()
        .map(|r| r.exceedance_curve(&levels))
        .collect();
    let rows = levels
        .iter()
        .enumerate()
        .map(|(i, &loss)| {
            let mut row = vec![Cell::Number(loss)];
            row.extend(curves.iter().map(|c| Cell::Number(c[i].probability)));
            row
        })
        .collect();
    let mut columns = vec!["loss".to_string()];
    columns.extend(results.iter().map(|r| r.profile.clone()));
    Table::new("Exceedance", columns, rows)
}

/// The profile and scenario figures as one CSV table (see the [module documentation](self)).
pub fn csv(results: &[RiskResult]) -> Result<Vec<u8>, String> {
    csv_of(&tidy_table(results))
}

/// A workbook: `Profiles`, `Scenarios` and `Exceedance` (see the [module documentation](self)).
pub fn xlsx(results: &[RiskResult]) -> Result<Vec<u8>, String> {
    let system = results.first().map(|r| r.system.as_str()).unwrap_or("");
    let mut properties = DocProperties::new()
        .set_title(format!("Annual loss of {system}"))
        .set_subject("IoT SMM risk in money")
        .set_keywords("IoT SMM, Open FAIR, annual loss");
    if let Some(r) = results.first() {
        properties = properties.set_comment(format!(
            "{} simulated years, seed {}, amounts in {}",
            r.iterations, r.seed, r.currency
        ));
    }
    if let Ok(date) = ExcelDateTime::from_ymd(1980, 1, 1) {
        properties = properties.set_creation_datetime(&date);
    }
    workbook_of(
        &[
            profile_table(results),
            scenario_table(results),
            exceedance_table(results),
        ],
        &properties,
    )
}
