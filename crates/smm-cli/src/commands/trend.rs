//! `smm trend ASSESSMENT...`: assessments of one system over time, each against its target (or
//! all against `--target`), and what improved or regressed between them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use smm_core::gap::Status;
use smm_core::trend::{Change, Trend, TrendError, TrendStep};
use smm_core::{trend, Catalog, Level, TrendInput};

use crate::failure::{Failure, Problem};
use crate::input::{
    load_assessment, load_named_target, load_target, LoadedAssessment, LoadedTarget,
};
use crate::output::{self, styled, Table, DIM, HEADER, MET, OVER, UNDER};

use super::report::{write_chart, wrote};

/// What the user can do when an assessment's own target cannot be loaded.
const TARGET_HELP: &str =
    "fix the target or its path in the assessment, or measure every assessment against `--target FILE`";

/// Every assessment with the index of its target in the list of targets loaded.
struct Loaded {
    assessments: Vec<(LoadedAssessment, usize)>,
    targets: Vec<LoadedTarget>,
}

/// Loads every assessment and its target, collecting every problem before failing, so one run
/// names all the files that need fixing.
fn load(catalog: &Catalog, files: &[PathBuf], fixed: Option<&Path>) -> Result<Loaded, Failure> {
    let mut loaded = Loaded {
        assessments: Vec::new(),
        targets: Vec::new(),
    };
    if let Some(path) = fixed {
        loaded.targets.push(load_target(catalog, path)?);
    }
    // The same target file is loaded once, however many assessments name it.
    let mut by_path: HashMap<PathBuf, usize> = HashMap::new();
    let mut problems = Vec::new();
    for path in files {
        let assessment = match load_assessment(catalog, path) {
            Ok(a) => a,
            Err(Failure::BadInput(p)) => {
                problems.extend(p);
                continue;
            }
            Err(Failure::CheckFailed | Failure::BadInputShown) => continue,
        };
        let index = if fixed.is_some() {
            0
        } else {
            let base = assessment.source.path.parent().unwrap_or(Path::new("."));
            let named = base.join(&assessment.document.target.path);
            match by_path.get(&named) {
                Some(&i) => match crate::input::check_pairing(&loaded.targets[i], &assessment) {
                    Ok(()) => i,
                    Err(Failure::BadInput(p)) => {
                        problems.extend(p);
                        continue;
                    }
                    Err(Failure::CheckFailed | Failure::BadInputShown) => continue,
                },
                None => match load_named_target(catalog, &assessment, TARGET_HELP) {
                    Ok(target) => {
                        loaded.targets.push(target);
                        by_path.insert(named, loaded.targets.len() - 1);
                        loaded.targets.len() - 1
                    }
                    Err(Failure::BadInput(p)) => {
                        problems.extend(p);
                        continue;
                    }
                    Err(Failure::CheckFailed | Failure::BadInputShown) => continue,
                },
            }
        };
        loaded.assessments.push((assessment, index));
    }
    if problems.is_empty() {
        Ok(loaded)
    } else {
        Err(Failure::BadInput(problems))
    }
}

/// A trend error is about several files at once, so it is reported without a single position.
fn trend_failure(e: TrendError) -> Failure {
    Problem::general(e.to_string()).into()
}

/// `smm trend ASSESSMENT... [--target T] [--json] [-o trend.svg|trend.png]`: a report, never a
/// failed check.
pub fn run(
    catalog: &Catalog,
    files: &[PathBuf],
    target: Option<&Path>,
    json: bool,
    chart: Option<&Path>,
) -> Result<(), Failure> {
    let loaded = load(catalog, files, target)?;
    let sources: Vec<String> = loaded
        .assessments
        .iter()
        .map(|(a, _)| a.source.path.display().to_string())
        .collect();
    let inputs: Vec<TrendInput> = loaded
        .assessments
        .iter()
        .zip(&sources)
        .map(|((a, t), source)| TrendInput {
            source,
            assessment: &a.document,
            current: &a.current,
            target: &loaded.targets[*t].resolved,
        })
        .collect();
    let trend = trend(&inputs).map_err(trend_failure)?;
    if json {
        output::print_tagged_json("Trend", &trend);
    } else {
        output::print(&render(&trend));
    }
    if let Some(path) = chart {
        write_chart(path, &smm_report::chart::trend(catalog, &trend))?;
        if !json {
            wrote(path, "trend chart");
        }
    }
    Ok(())
}

fn status_style(status: Status) -> anstyle::Style {
    match status {
        Status::Under => UNDER,
        Status::Met => MET,
        Status::Over => OVER,
    }
}

fn change_style(change: Change) -> anstyle::Style {
    match change {
        Change::Improved => MET,
        Change::Regressed => UNDER,
        Change::Changed => OVER,
        Change::Unchanged => Default::default(),
    }
}

fn render(t: &Trend) -> String {
    let n = t.points.len();
    let mut out = format!(
        "{}\n\n",
        styled(
            HEADER,
            &format!(
                "Trend: {}, {n} assessment{}",
                t.products.join(", "),
                if n == 1 { "" } else { "s" }
            )
        )
    );
    let mut points = Table::new(&[
        "#", "DATE", "VERSION", "TARGET", "UNDER", "MET", "OVER", "MISSING", "FILE",
    ]);
    for (i, p) in t.points.iter().enumerate() {
        let target = match &p.target_version {
            Some(v) => format!("{} {v}", p.target),
            None => p.target.clone(),
        };
        points.styled_row(vec![
            (format!("#{}", i + 1), HEADER),
            (p.date.to_string(), Default::default()),
            (p.version.clone(), Default::default()),
            (target, Default::default()),
            (
                p.summary.under.to_string(),
                if p.summary.under > 0 { UNDER } else { MET },
            ),
            (p.summary.met.to_string(), Default::default()),
            (p.summary.over.to_string(), Default::default()),
            (p.missing.to_string(), Default::default()),
            (p.source.clone(), DIM),
        ]);
    }
    out.push_str(&points.render());

    out.push_str(&format!(
        "\n{}\n",
        styled(
            HEADER,
            "Practices under target per domain (missing steps in brackets):"
        )
    ));
    let mut header = vec!["DOMAIN".to_string()];
    header.extend((1..=n).map(|i| format!("#{i}")));
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut domains = Table::new(&header);
    for d in &t.domains {
        let mut row = vec![d.name.clone()];
        for p in &t.points {
            let cell = p
                .domains
                .iter()
                .find(|x| x.id == d.id)
                .map_or_else(String::new, |x| {
                    format!("{} ({})", x.summary.under, x.missing)
                });
            row.push(cell);
        }
        domains.row(row);
    }
    out.push_str(&domains.render());

    for step in &t.steps {
        out.push('\n');
        out.push_str(&render_step(t, step));
    }

    out.push_str(&format!(
        "\n{}\n",
        styled(
            HEADER,
            "Practices: achieved level and status at each assessment"
        )
    ));
    let mut header = vec!["".to_string(), "ID".to_string()];
    header.extend((1..=n).map(|i| format!("#{i}")));
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut grid = Table::new(&header);
    for d in &t.domains {
        grid.styled_row(vec![(d.name.clone(), HEADER), (d.id.to_string(), DIM)]);
        for practice in t.practices.iter().filter(|p| p.domain == d.id) {
            let mut row = vec![
                (format!("  {}", practice.name), Default::default()),
                (practice.id.to_string(), DIM),
            ];
            for p in &t.points {
                let cell = p.practices.iter().find(|x| x.id == practice.id);
                row.push(cell.map_or_else(
                    || (String::new(), Default::default()),
                    |x| {
                        (
                            format!("{} {}", x.current, x.status.as_str()),
                            status_style(x.status),
                        )
                    },
                ));
            }
            grid.styled_row(row);
        }
    }
    out.push_str(&grid.render());
    out.push_str(&format!(
        "{}\n",
        styled(
            DIM,
            "Improved: a measure rose and none fell; regressed: a measure fell and none rose; changed: one rose, one fell. Levels read comprehensiveness/scope."
        )
    ));
    out
}

fn render_step(t: &Trend, step: &TrendStep) -> String {
    let (from, to) = (&t.points[step.from], &t.points[step.to]);
    let mut out = format!(
        "{} ({} \u{2192} {}, {} \u{2192} {}): {} improved, {} regressed, {} changed; under target {} \u{2192} {}\n",
        styled(HEADER, &format!("#{} \u{2192} #{}", step.from + 1, step.to + 1)),
        from.date,
        to.date,
        from.version,
        to.version,
        step.improved.len(),
        step.regressed.len(),
        step.changed.len(),
        from.summary.under,
        to.summary.under
    );
    if step.target_changed {
        out.push_str(&format!(
            "  {}\n",
            styled(
                DIM,
                "measured against a different target than the assessment before"
            )
        ));
    }
    if step.practices.is_empty() {
        out.push_str("  no practice moved\n");
        return out;
    }
    let mut table = Table::new(&["  CHANGE", "PRACTICE", "ACHIEVED", "STATUS"]);
    let level = |l: Level| l.to_string();
    for p in &step.practices {
        let mut note = format!(
            "{} \u{2192} {}",
            p.status_before.as_str(),
            p.status_after.as_str()
        );
        if p.target_before != p.target_after {
            note.push_str(&format!(
                " (target {} \u{2192} {})",
                level(p.target_before),
                level(p.target_after)
            ));
        }
        table.styled_row(vec![
            (format!("  {}", p.change.as_str()), change_style(p.change)),
            (p.id.to_string(), Default::default()),
            (
                format!("{} \u{2192} {}", level(p.before), level(p.after)),
                Default::default(),
            ),
            (note, status_style(p.status_after)),
        ]);
    }
    out.push_str(&table.render());
    out
}
