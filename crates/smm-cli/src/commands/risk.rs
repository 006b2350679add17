//! `smm risk SCENARIOS ASSESSMENT [TARGET]`: the annual loss today and once the target is
//! reached, as ranges (mean, median, 1 in 10, 1 in 20, 1 in 100 years), per scenario, and what
//! the plan buys; the loss exceedance curves as a chart (see docs/risk.md).

use std::path::{Path, PathBuf};

use smm_core::risk::{
    outlook, parse_risk_scenarios, RiskEffects, RiskOutlook, RiskResult, SimulationOptions,
};
use smm_core::Catalog;

use crate::failure::{Failure, Problem};
use crate::input::{
    check_pairing, load_assessment, load_target, read_source, LoadedAssessment, LoadedTarget,
};
use smm_report::chart::short_money;
use smm_report::risk::words::mean_with_error;

use crate::output::{self, styled, Table, DIM, HEADER};
use crate::write::write_bytes_atomically;

use super::report::{extension, write_chart, wrote};

/// What `smm risk` was asked for.
pub struct RiskRequest<'a> {
    /// The loss scenarios (`kind: RiskScenarios`).
    pub scenarios: &'a Path,
    /// The assessment: the levels today.
    pub assessment: &'a Path,
    /// The target: the levels the plan reaches.
    pub target: Option<&'a Path>,
    /// Simulated years, instead of the document's.
    pub iterations: Option<u32>,
    /// The seed, instead of the document's.
    pub seed: Option<u64>,
    /// JSON instead of tables.
    pub json: bool,
    /// The exceedance chart (.svg or .png) or the figures (.csv or .xlsx).
    pub output: Option<&'a PathBuf>,
}

/// Runs the command.
pub fn run(catalog: &Catalog, request: &RiskRequest) -> Result<(), Failure> {
    // Refuse an output we cannot write before simulating, not after.
    let output = request.output.map(|p| output_kind(p)).transpose()?;
    let assessment = load_assessment(catalog, request.assessment)?;
    let target = request
        .target
        .map(|path| {
            let target = load_target(catalog, path)?;
            check_pairing(&target, &assessment)?;
            Ok::<_, Failure>(target)
        })
        .transpose()?;
    let outlook = risk_outlook(
        catalog,
        request.scenarios,
        &assessment,
        target.as_ref(),
        Overrides {
            iterations: request.iterations,
            seed: request.seed,
        },
    )?;
    if request.json {
        output::print_tagged_json("Risk", &outlook);
    } else {
        output::print(&render(&outlook));
    }
    if let (Some(path), Some(kind)) = (request.output, output) {
        write_output(path, kind, &outlook.profiles)?;
        if !request.json {
            wrote(path, kind.what());
        }
    }
    Ok(())
}

/// Simulation settings given on the command line instead of the document's.
#[derive(Clone, Copy, Debug, Default)]
pub struct Overrides {
    /// Simulated years.
    pub iterations: Option<u32>,
    /// The seed.
    pub seed: Option<u64>,
}

/// The annual loss of the scenarios in `scenarios` today (the assessment) and with `target`
/// reached, through [`outlook`]: what `smm risk` prints and `smm report --risk` shows. The caller
/// has checked that the target and the assessment belong together.
pub fn risk_outlook(
    catalog: &Catalog,
    scenarios: &Path,
    assessment: &LoadedAssessment,
    target: Option<&LoadedTarget>,
    overrides: Overrides,
) -> Result<RiskOutlook, Failure> {
    let source = read_source(scenarios)?;
    let document = parse_risk_scenarios(catalog, &source.text)
        .map_err(|d| Problem::from_diagnostics(scenarios, &source.text, d))?;
    let mut options = SimulationOptions::of(&document);
    if let Some(n) = overrides.iterations {
        options.iterations = n;
    }
    if let Some(seed) = overrides.seed {
        options.seed = seed;
    }
    let profiles = if target.is_some() { 2 } else { 1 };
    let _progress = crate::progress::Progress::spinner(&format!(
        "simulating {} years of {} loss scenarios for {profiles} profile{}",
        smm_report::risk::words::count(u64::from(options.iterations)),
        document.scenarios.len(),
        if profiles == 1 { "" } else { "s" }
    ));
    outlook(
        catalog,
        &RiskEffects::builtin(catalog),
        &document,
        &assessment.current,
        target.map(|t| &t.resolved),
        &options,
    )
    .map_err(|e| Failure::from(Problem::file(scenarios, e.to_string())))
}

/// What `-o` writes, by the file's extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OutputKind {
    /// The loss exceedance chart, .svg or .png.
    Chart,
    /// The figures as one CSV table.
    Csv,
    /// The figures as a workbook.
    Xlsx,
}

impl OutputKind {
    fn what(self) -> &'static str {
        match self {
            OutputKind::Chart => "loss exceedance curves",
            OutputKind::Csv => "risk figures, one table",
            OutputKind::Xlsx => "risk figures: profiles, scenarios, exceedance curves",
        }
    }
}

fn output_kind(path: &Path) -> Result<OutputKind, Failure> {
    match extension(path).as_str() {
        "svg" | "png" => Ok(OutputKind::Chart),
        "csv" => Ok(OutputKind::Csv),
        "xlsx" => Ok(OutputKind::Xlsx),
        other => Err(Problem::file(
            path,
            format!(
                "cannot write risk figures as `.{other}`: use .svg or .png (the loss exceedance chart), .csv or .xlsx (the figures)"
            ),
        )
        .into()),
    }
}

fn write_output(path: &Path, kind: OutputKind, results: &[RiskResult]) -> Result<(), Failure> {
    let bytes = match kind {
        OutputKind::Chart => {
            let refs: Vec<&RiskResult> = results.iter().collect();
            return write_chart(path, &smm_report::chart::exceedance(&refs));
        }
        OutputKind::Csv => smm_report::risk::csv(results),
        OutputKind::Xlsx => smm_report::risk::xlsx(results),
    }
    .map_err(|e| Failure::from(Problem::file(path, e)))?;
    write_bytes_atomically(path, &bytes)
}

fn render(outlook: &RiskOutlook) -> String {
    let results = &outlook.profiles;
    let Some(first) = results.first() else {
        return String::new();
    };
    let c = &first.currency;
    let mut out = format!(
        "{}\n{}\n\n",
        styled(HEADER, &format!("Annual loss of {}", first.system)),
        styled(
            DIM,
            &format!(
                "{} simulated years, seed {}; amounts in {c}. Ranges, not forecasts: see docs/risk.md.",
                first.iterations, first.seed
            )
        )
    );
    let mut table = Table::new(&[
        "Profile",
        "Mean (ALE)",
        "Median",
        "1 in 10 y",
        "1 in 20 y",
        "1 in 100 y",
        "Years with a loss",
    ]);
    for r in results {
        let d = &r.annual_loss;
        table.row(vec![
            r.profile.clone(),
            mean_with_error(d, c),
            short_money(d.p50, c),
            short_money(d.p90, c),
            short_money(d.p95, c),
            short_money(d.p99, c),
            format!("{:.0} %", r.probability_of_loss * 100.0),
        ]);
    }
    out.push_str(&table.render());
    if let Some(reading) = smm_report::risk::words::reading(outlook) {
        out.push_str(&format!("\n{reading}\n"));
    }
    out.push_str(&format!(
        "\n{}\n",
        styled(HEADER, "Per scenario (mean annual loss)")
    ));
    let mut header = vec!["Scenario".to_string()];
    header.extend(results.iter().map(|r| r.profile.clone()));
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut per = Table::new(&header);
    for (i, s) in first.scenarios.iter().enumerate() {
        let mut row = vec![s.title.clone()];
        for r in results {
            let sc = &r.scenarios[i];
            row.push(format!(
                "{} ({:.0} % of years)",
                short_money(sc.mean, c),
                sc.probability_of_loss * 100.0
            ));
        }
        per.row(row);
    }
    out.push_str(&per.render());
    out
}
