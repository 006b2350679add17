//! `smm risk SCENARIOS ASSESSMENT [TARGET]`: the annual loss today and once the target is
//! reached, as ranges (mean, median, 1 in 10, 1 in 20, 1 in 100 years), per scenario, and what
//! the plan buys; the loss exceedance curves as a chart (see docs/risk.md).

use std::path::{Path, PathBuf};

use smm_core::risk::{outlook, parse_risk_scenarios, RiskEffects, RiskResult, SimulationOptions};
use smm_core::Catalog;

use crate::failure::{Failure, Problem};
use crate::input::{check_pairing, load_assessment, load_target, read_source};
use crate::output::{self, styled, Table, DIM, HEADER};

use super::report::{write_chart, wrote};

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
    /// The exceedance chart: .svg or .png.
    pub output: Option<&'a PathBuf>,
}

/// Runs the command.
pub fn run(catalog: &Catalog, request: &RiskRequest) -> Result<(), Failure> {
    let source = read_source(request.scenarios)?;
    let scenarios = parse_risk_scenarios(catalog, &source.text)
        .map_err(|d| Problem::from_diagnostics(request.scenarios, &source.text, d))?;
    let assessment = load_assessment(catalog, request.assessment)?;
    let target = request
        .target
        .map(|path| {
            let target = load_target(catalog, path)?;
            check_pairing(&target, &assessment)?;
            Ok::<_, Failure>(target)
        })
        .transpose()?;
    let mut options = SimulationOptions::of(&scenarios);
    if let Some(n) = request.iterations {
        options.iterations = n;
    }
    if let Some(seed) = request.seed {
        options.seed = seed;
    }
    let outlook = outlook(
        catalog,
        &RiskEffects::builtin(catalog),
        &scenarios,
        &assessment.current,
        target.as_ref().map(|t| &t.resolved),
        &options,
    )
    .map_err(|e| Failure::from(Problem::file(request.scenarios, e.to_string())))?;
    let results = &outlook.profiles;
    let mean_reduction = outlook.mean_reduction;
    if request.json {
        output::print_tagged_json("Risk", &outlook);
    } else {
        output::print(&render(results, mean_reduction));
    }
    if let Some(path) = request.output {
        let refs: Vec<&RiskResult> = results.iter().collect();
        write_chart(path, &smm_report::chart::exceedance(&refs))?;
        if !request.json {
            wrote(path, "loss exceedance curves");
        }
    }
    Ok(())
}

fn money(amount: f64, currency: &str) -> String {
    smm_report::chart::short_money(amount, currency)
}

fn render(results: &[RiskResult], mean_reduction: Option<f64>) -> String {
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
            format!(
                "{} ± {}",
                money(d.mean, c),
                money(2.0 * d.standard_error, c)
            ),
            money(d.p50, c),
            money(d.p90, c),
            money(d.p95, c),
            money(d.p99, c),
            format!("{:.0} %", r.probability_of_loss * 100.0),
        ]);
    }
    out.push_str(&table.render());
    if let Some(reduction) = mean_reduction {
        out.push_str(&format!(
            "\nReaching the target lowers the mean annual loss by {} ({} to {}), and the 1-in-20-years loss from {} to {}.\n",
            money(reduction, c),
            money(results[0].annual_loss.mean, c),
            money(results[1].annual_loss.mean, c),
            money(results[0].annual_loss.p95, c),
            money(results[1].annual_loss.p95, c),
        ));
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
                money(sc.mean, c),
                sc.probability_of_loss * 100.0
            ));
        }
        per.row(row);
    }
    out.push_str(&per.render());
    out
}
