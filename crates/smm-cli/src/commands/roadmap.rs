//! `smm roadmap`: the actions that close a gap, ordered, priced and, with a budget, scheduled.

use std::path::Path;

use smm_core::document::Date;
use smm_core::risk::{
    parse_risk_scenarios, valued_roadmap, RiskEffects, RiskModel, SimulationOptions, ValuedRoadmap,
};
use smm_core::roadmap::{plan, Budget, BudgetUnit, Month, PeriodKind, PlanInput, Roadmap};
use smm_core::Catalog;
use smm_report::roadmap::{
    goal_lines, in_unit, left_out_text, money, party_rows, summary, thousands, weight_cell,
    DECLINED_HEADING,
};

use smm_report::chart::short_money;
use smm_report::risk::words::mean_with_error;

use crate::cli::{BudgetArg, PeriodArg};
use crate::failure::{Failure, Problem};
use crate::input::{
    check_pairing, load_actions, load_assessment, load_costs, load_target, read_source,
    LoadedAssessment,
};
use crate::output::{self, styled, Table, DIM, HEADER, MET, UNDER};
use crate::write::{write_atomically, write_bytes_atomically};

/// The command's arguments.
pub struct Args<'a> {
    /// Target profile.
    pub target: &'a Path,
    /// Assessment.
    pub assessment: &'a Path,
    /// Budget per period.
    pub budget: Option<BudgetArg>,
    /// Months or quarters.
    pub period: PeriodArg,
    /// First month.
    pub start: Option<Month>,
    /// Last month.
    pub deadline: Option<Month>,
    /// Costs file.
    pub costs: Option<&'a Path>,
    /// Actions file.
    pub actions: Option<&'a Path>,
    /// JSON output.
    pub json: bool,
    /// Output file.
    pub output: Option<&'a Path>,
    /// Rank by the risk reduced per unit of cost instead of by weight.
    pub risk: Option<RiskRank<'a>>,
}

/// A ranking by risk: the loss scenarios and how to weigh them.
pub struct RiskRank<'a> {
    /// The loss scenarios (`kind: RiskScenarios`).
    pub scenarios: &'a Path,
    /// Years of the return on security investment.
    pub horizon: u32,
    /// Simulated years, instead of the document's.
    pub iterations: Option<u32>,
    /// The seed, instead of the document's.
    pub seed: Option<u64>,
}

/// Runs the command.
pub fn run(catalog: &Catalog, args: &Args<'_>) -> Result<(), Failure> {
    if let Some(risk) = &args.risk {
        let valued = valued(catalog, args, risk)?;
        if let Some(path) = args.output {
            return write(&valued.roadmap, path);
        }
        if args.json {
            output::print_tagged_json("RiskRoadmap", &valued);
        } else {
            output::print(&render_valued(&valued));
        }
        return Ok(());
    }
    let (roadmap, _) = planned(catalog, args)?;
    if let Some(path) = args.output {
        return write(&roadmap, path);
    }
    if args.json {
        output::print_tagged_json("Roadmap", &roadmap);
    } else {
        output::print(&render(&roadmap));
    }
    Ok(())
}

/// The roadmap the arguments ask for, with the date of the assessment it starts from (`smm
/// roadmap` shows it; `smm oscal export poam` writes it as a plan of action and milestones).
pub fn planned(catalog: &Catalog, args: &Args<'_>) -> Result<(Roadmap, Date), Failure> {
    with_input(catalog, args, |input, budget, assessment| {
        plan(input, budget)
            .map(|roadmap| (roadmap, assessment.document.date))
            .map_err(|e| cannot_plan(args, e))
    })
}

/// Catalog and action mismatches were checked on load, so a planning error is a deadline
/// problem.
fn cannot_plan(args: &Args<'_>, e: impl std::fmt::Display) -> Failure {
    Failure::from(Problem::file(args.assessment, format!("cannot plan: {e}")))
}

/// The roadmap ranked by the risk the scenarios say each action reduces.
fn valued(
    catalog: &Catalog,
    args: &Args<'_>,
    risk: &RiskRank<'_>,
) -> Result<ValuedRoadmap, Failure> {
    let source = read_source(risk.scenarios)?;
    let scenarios = parse_risk_scenarios(catalog, &source.text)
        .map_err(|d| Problem::from_diagnostics(risk.scenarios, &source.text, d))?;
    let mut options = SimulationOptions::of(&scenarios);
    if let Some(n) = risk.iterations {
        options.iterations = n;
    }
    if let Some(seed) = risk.seed {
        options.seed = seed;
    }
    with_input(catalog, args, |input, budget, assessment| {
        let today = smm_core::risk::today(catalog, &assessment.current);
        let model = RiskModel::new(&RiskEffects::builtin(catalog), &scenarios, Some(&today))
            .map_err(|e| Failure::from(Problem::file(risk.scenarios, e.to_string())))?;
        let _progress = crate::progress::Progress::spinner(&format!(
            "valuing each action: {} simulated years per profile",
            smm_report::risk::words::count(u64::from(options.iterations))
        ));
        valued_roadmap(input, budget, &model, &today, &options, risk.horizon)
            .map_err(|e| cannot_plan(args, e))
    })
}

/// Loads the documents the arguments name and hands them to `f` as a plan's input.
fn with_input<T>(
    catalog: &Catalog,
    args: &Args<'_>,
    f: impl FnOnce(&PlanInput<'_>, Option<&Budget>, &LoadedAssessment) -> Result<T, Failure>,
) -> Result<T, Failure> {
    let target = load_target(catalog, args.target)?;
    let assessment = load_assessment(catalog, args.assessment)?;
    check_pairing(&target, &assessment)?;
    let actions = load_actions(catalog, args.actions)?;
    let costs = args.costs.map(|p| load_costs(&actions, p)).transpose()?;
    let pricing = actions.pricing(costs.as_ref());
    let budget = match args.budget {
        Some(b) => {
            let start = args
                .start
                .unwrap_or_else(|| Month::after_assessment(assessment.current.date));
            let (per_period, unit) = match b {
                BudgetArg::Money(amount) => (amount, BudgetUnit::Money),
                BudgetArg::Tenths(tenths) => (tenths, BudgetUnit::PersonDays),
            };
            Some(Budget {
                per_period,
                unit,
                period: match args.period {
                    PeriodArg::Month => PeriodKind::Month,
                    PeriodArg::Quarter => PeriodKind::Quarter,
                },
                start,
                deadline: args.deadline,
            })
        }
        None => None,
    };
    let input = PlanInput {
        catalog,
        actions: &actions,
        pricing: &pricing,
        target: &target.resolved,
        current: &assessment.current,
        findings: &assessment.document.findings,
    };
    f(&input, budget.as_ref(), &assessment)
}

fn write(roadmap: &Roadmap, path: &Path) -> Result<(), Failure> {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if extension == "png" {
        let svg = timeline(roadmap, path)?;
        let bytes = smm_report::png::render(&svg, 2.0).map_err(|e| Problem::file(path, e))?;
        write_bytes_atomically(path, &bytes)?;
        output::print(&format!(
            "{} wrote {} (roadmap timeline)\n",
            styled(MET, "ok"),
            path.display()
        ));
        return Ok(());
    }
    let text = match extension.as_str() {
        "md" | "markdown" => smm_report::roadmap::markdown(roadmap),
        "html" | "htm" => smm_report::roadmap::html(roadmap).map_err(|e| Problem::file(path, e))?,
        "svg" => smm_report::chart::timeline(roadmap).ok_or_else(|| {
            Problem::file(
                path,
                "a timeline shows a schedule: give --budget (and --deadline) to make one",
            )
        })?,
        other => {
            return Err(Problem::file(
                path,
                format!("cannot write a roadmap as `.{other}`: use .md, .html, .svg or .png"),
            )
            .into())
        }
    };
    write_atomically(path, &text)?;
    output::print(&format!(
        "{} wrote {} (roadmap)\n",
        styled(MET, "ok"),
        path.display()
    ));
    Ok(())
}

fn timeline(roadmap: &Roadmap, path: &Path) -> Result<String, Failure> {
    smm_report::chart::timeline(roadmap).ok_or_else(|| {
        Problem::file(
            path,
            "a timeline shows a schedule: give --budget (and --deadline) to make one",
        )
        .into()
    })
}

fn render(roadmap: &Roadmap) -> String {
    let s = summary(roadmap);
    let mut out = format!(
        "{}\n{}\n\n{}\n",
        styled(HEADER, &s.title),
        styled(DIM, &s.subject),
        s.overview
    );
    if !s.declined.is_empty() {
        out.push_str(&format!("\n{}\n", styled(HEADER, DECLINED_HEADING)));
        for line in &s.declined {
            out.push_str(&format!("  - {line}\n"));
        }
    }
    if roadmap.actions.is_empty() {
        return out;
    }
    let goals = goal_lines(roadmap);
    if !goals.is_empty() {
        out.push_str(&format!(
            "\n{}\n",
            styled(HEADER, "Goal deadlines and budgets")
        ));
        for line in &goals {
            out.push_str(&format!("  {line}\n"));
        }
    }
    out.push_str(&parties(roadmap));
    if let Some(schedule) = &roadmap.schedule {
        out.push('\n');
        out.push_str(&format!("{}\n", s.budget.as_deref().unwrap_or("")));
        for period in &schedule.periods {
            out.push_str(&format!(
                "\n{}  {}\n",
                styled(HEADER, &period.label),
                styled(
                    DIM,
                    &format!(
                        "{} of {}",
                        in_unit(roadmap, schedule.budget.unit, period.used),
                        in_unit(roadmap, schedule.budget.unit, schedule.budget.per_period)
                    )
                )
            ));
            if period.actions.is_empty() {
                out.push_str("  nothing planned\n");
            }
            for id in &period.actions {
                if let Some(a) = roadmap.actions.iter().find(|a| &a.id == id) {
                    out.push_str(&format!(
                        "  {:<34} {:<52} {:>6} d  {:>12}{}\n",
                        a.id.to_string(),
                        clip(&a.title, 52),
                        a.effort.to_string(),
                        money(a.amount, &roadmap.currency),
                        if a.prerequisite {
                            "  (prerequisite)"
                        } else {
                            ""
                        }
                    ));
                }
            }
        }
        if !schedule.left_out.is_empty() {
            out.push_str(&format!(
                "\n{} ({})\n",
                styled(UNDER, "Left out"),
                schedule.left_out.len()
            ));
            for l in &schedule.left_out {
                out.push_str(&format!(
                    "  {:<34} {}\n",
                    l.action.to_string(),
                    left_out_text(roadmap, schedule, &l.reason)
                ));
            }
        }
        out.push_str(&format!("\n{}\n", s.result.as_deref().unwrap_or("")));
        if let Some(fit) = &s.fit {
            out.push_str(&format!("{}\n", styled(UNDER, fit)));
        }
        return out;
    }
    out.push('\n');
    let mut table = Table::new(&["#", "ACTION", "STEP", "DAYS", "AMOUNT", "WEIGHT", "AFTER"]);
    for (i, a) in roadmap.actions.iter().enumerate() {
        let after: Vec<String> = a.needs.iter().map(|n| n.action.to_string()).collect();
        table.row(vec![
            (i + 1).to_string(),
            a.id.to_string(),
            a.step.clone(),
            a.effort.to_string(),
            thousands(a.amount),
            weight_cell(a),
            after.join(", "),
        ]);
    }
    out.push_str(&table.render());
    out.push_str(&format!(
        "\nTotal: {} actions, {} person-days, {}. Give --budget (and --deadline) to schedule them.\n",
        roadmap.totals.actions,
        roadmap.totals.effort,
        money(roadmap.totals.amount, &roadmap.currency)
    ));
    out
}

/// The work by responsible party and by cost bearer, when the target names them.
fn parties(roadmap: &Roadmap) -> String {
    let mut out = String::new();
    for (title, groups) in [
        ("By responsible party", &roadmap.by_responsible),
        ("By cost bearer", &roadmap.by_cost_bearer),
    ] {
        if groups.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{}\n", styled(HEADER, title)));
        let mut table = Table::new(&["PARTY", "ACTIONS", "DAYS", "AMOUNT", "WHICH"]);
        for row in party_rows(roadmap, groups) {
            table.row(row.to_vec());
        }
        out.push_str(&table.render());
    }
    out
}

/// `text` cut to `width` characters with an ellipsis, so table columns stay aligned.
fn clip(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut out: String = text.chars().take(width - 1).collect();
    out.push('\u{2026}');
    out
}

/// The roadmap ranked by risk: the schedule (when there is one), each action's value beside its
/// place when ranked by weight, and the annual loss stage by stage.
fn render_valued(valued: &ValuedRoadmap) -> String {
    let roadmap = &valued.roadmap;
    let c = &roadmap.currency;
    let mut out = if roadmap.schedule.is_some() {
        render(roadmap)
    } else {
        let s = summary(roadmap);
        let mut out = format!(
            "{}\n{}\n\n{}\n",
            styled(HEADER, &s.title),
            styled(DIM, &s.subject),
            s.overview
        );
        for line in &s.declined {
            out.push_str(&format!("  - {line}\n"));
        }
        out
    };
    if roadmap.actions.is_empty() {
        return out;
    }
    let Some(today) = valued.stages.first() else {
        return out;
    };
    out.push_str(&format!(
        "\n{}\n{}\n",
        styled(HEADER, "Ranked by annual loss avoided per unit of cost"),
        styled(
            DIM,
            &format!(
                "{} simulated years, seed {}; each step's loss avoided once what it needs is done; \
                 ROSI over {} years, undiscounted. Ranges, not forecasts: see docs/risk.md.",
                today.iterations, today.seed, valued.horizon_years
            )
        )
    ));
    let mut table = Table::new(&[
        "#",
        "ACTION",
        "AMOUNT",
        "AVOIDED A YEAR",
        "1 IN 10 Y",
        "ROSI",
        "PAYBACK",
        "BY WEIGHT",
        "AFTER",
    ]);
    for (v, a) in valued.values.iter().zip(&roadmap.actions) {
        let d = &v.reduction;
        let after: Vec<String> = a.needs.iter().map(|n| n.action.to_string()).collect();
        table.row(vec![
            v.risk_rank.to_string(),
            v.action.to_string(),
            money(v.amount, c),
            mean_with_error(d, c),
            short_money(d.p90, c),
            v.rosi
                .map_or_else(|| "-".to_string(), |r| format!("{:.0} %", r * 100.0)),
            v.payback_years
                .map_or_else(|| "never".to_string(), |y| format!("{y:.1} y")),
            format!("#{}", v.weight_rank),
            after.join(", "),
        ]);
    }
    out.push_str(&table.render());
    out.push_str(&format!(
        "\n{}\n",
        styled(HEADER, "Annual loss along the plan")
    ));
    let mut stages = Table::new(&["STAGE", "MEAN (ALE)", "1 IN 20 Y", "1 IN 100 Y"]);
    for r in &valued.stages {
        let d = &r.annual_loss;
        stages.row(vec![
            r.profile.clone(),
            mean_with_error(d, c),
            short_money(d.p95, c),
            short_money(d.p99, c),
        ]);
    }
    out.push_str(&stages.render());
    if let Some(last) = valued.stages.last() {
        out.push_str(&format!(
            "\nThe plan costs {} and lowers the mean annual loss from {} to {} ({} a year) and the 1-in-20-years loss from {} to {}{}.\n",
            money(valued.plan_amount, c),
            short_money(today.annual_loss.mean, c),
            short_money(last.annual_loss.mean, c),
            short_money(valued.plan_reduction, c),
            short_money(today.annual_loss.p95, c),
            short_money(last.annual_loss.p95, c),
            valued.plan_rosi.map_or_else(String::new, |r| format!(
                "; over {} years its return on security investment is {:.0} %",
                valued.horizon_years,
                r * 100.0
            )),
        ));
    }
    out
}
