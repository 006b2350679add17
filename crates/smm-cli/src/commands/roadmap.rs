//! `smm roadmap`: the actions that close a gap, ordered, priced and, with a budget, scheduled.

use std::path::Path;

use smm_core::document::Date;
use smm_core::roadmap::{plan, Budget, BudgetUnit, Month, PeriodKind, PlanInput, Roadmap};
use smm_core::Catalog;
use smm_report::roadmap::{
    goal_lines, in_unit, left_out_text, money, party_rows, summary, thousands, weight_cell,
    DECLINED_HEADING,
};

use crate::cli::{BudgetArg, PeriodArg};
use crate::failure::{Failure, Problem};
use crate::input::{check_pairing, load_actions, load_assessment, load_costs, load_target};
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
}

/// Runs the command.
pub fn run(catalog: &Catalog, args: &Args<'_>) -> Result<(), Failure> {
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
    let roadmap = plan(&input, budget.as_ref()).map_err(|e| {
        // Catalog and action mismatches were checked on load, so this is a deadline problem.
        Failure::from(Problem::file(args.assessment, format!("cannot plan: {e}")))
    })?;
    Ok((roadmap, assessment.document.date))
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
