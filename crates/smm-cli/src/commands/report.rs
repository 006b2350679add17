//! `smm chart`, `smm report` and `smm export`: the pictures and documents of smm-report, written
//! to files.

use std::path::Path;

use smm_core::document::Date;
use smm_core::gap::Gap;
use smm_core::{gap, Catalog};
use smm_report::export::ExportInput;
use smm_report::html::{ReportInput, ReportSections};
use smm_report::{chart, chart_data, png, Granularity};

use crate::cli::{ChartKind, ExportFormat, LevelArg};
use crate::clock::today;
use crate::failure::{Failure, Problem};
use crate::input::{check_pairing, load_assessment, load_target, LoadedAssessment, LoadedTarget};
use crate::output::{self, styled, MET};
use crate::write::{write_atomically, write_bytes_atomically};

/// A target and, optionally, its assessment and gap.
struct Inputs {
    target: LoadedTarget,
    assessment: Option<(LoadedAssessment, Gap)>,
}

fn load(catalog: &Catalog, target: &Path, assessment: Option<&Path>) -> Result<Inputs, Failure> {
    let target = load_target(catalog, target)?;
    let assessment = match assessment {
        Some(path) => {
            let a = load_assessment(catalog, path)?;
            check_pairing(&target, &a)?;
            let g = gap(&target.resolved, &a.current)
                .map_err(|e| Failure::from(Problem::file(path, e.to_string())))?;
            Some((a, g))
        }
        None => None,
    };
    Ok(Inputs { target, assessment })
}

/// The file's extension, lower case: what it holds is decided by it.
pub fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

/// Says that a file was written, and what it holds.
pub fn wrote(path: &Path, what: &str) {
    output::print(&format!(
        "{} wrote {} ({what})\n",
        styled(MET, "ok"),
        path.display()
    ));
}

fn render_failure(path: &Path, message: String) -> Failure {
    Problem::file(path, message).into()
}

/// `smm chart KIND TARGET [ASSESSMENT] [--level L] -o FILE.svg|FILE.png`.
pub fn run_chart(
    catalog: &Catalog,
    kind: ChartKind,
    target: &Path,
    assessment: Option<&Path>,
    level: LevelArg,
    output: &Path,
) -> Result<(), Failure> {
    let inputs = load(catalog, target, assessment)?;
    let granularity = match level {
        LevelArg::Practice => Granularity::Practice,
        LevelArg::Subdomain => Granularity::Subdomain,
        LevelArg::Domain => Granularity::Domain,
    };
    let data = chart_data(
        catalog,
        &inputs.target.resolved,
        inputs.assessment.as_ref().map(|(_, g)| g),
        granularity,
    );
    let svg = match kind {
        ChartKind::Bar => chart::bar(&data),
        ChartKind::Radar => chart::radar(&data),
        ChartKind::Heatmap => chart::heatmap(&data),
    };
    write_chart(output, &svg)?;
    wrote(output, "chart");
    Ok(())
}

/// Writes a chart as SVG, or as PNG rendered from it, by the output file's extension.
pub fn write_chart(output: &Path, svg: &str) -> Result<(), Failure> {
    match extension(output).as_str() {
        "svg" => write_atomically(output, svg),
        "png" => {
            let bytes = png::render(svg, 2.0).map_err(|e| render_failure(output, e))?;
            write_bytes_atomically(output, &bytes)
        }
        other => Err(render_failure(
            output,
            format!("cannot write a chart as `.{other}`: use .svg or .png"),
        )),
    }
}

/// `smm report TARGET [ASSESSMENT] [--date YYYY-MM-DD] [--standard S] [--risk SCENARIOS]
/// -o report.html`.
pub fn run_report(
    catalog: &Catalog,
    target: &Path,
    assessment: Option<&Path>,
    date: Option<Date>,
    standards: &[String],
    risk: Option<&Path>,
    output: &Path,
) -> Result<(), Failure> {
    let inputs = load(catalog, target, assessment)?;
    let outlook = match (risk, &inputs.assessment) {
        (None, _) => None,
        (Some(_), None) => return Err(Problem::file(
            Path::new("--risk"),
            "the loss today depends on the levels assessed: give the assessment after the target",
        )
        .into()),
        (Some(scenarios), Some((assessment, _))) => Some(super::risk::risk_outlook(
            catalog,
            scenarios,
            assessment,
            Some(&inputs.target),
            super::risk::Overrides::default(),
        )?),
    };
    let mut coverages = Vec::new();
    for standard in standards {
        let mapping = super::map::load_mapping(catalog, standard)?;
        coverages.push(smm_core::mapping::coverage_of(
            catalog,
            &mapping,
            Some(&inputs.target.resolved),
            inputs.assessment.as_ref().map(|(a, _)| &a.current),
        ));
    }
    let date = match date {
        Some(d) => d,
        None => Date::parse(&today()).ok_or_else(|| {
            Failure::from(Problem::file(
                Path::new("--date"),
                "cannot tell today's date from the system clock: give --date YYYY-MM-DD",
            ))
        })?,
    };
    let input = ReportInput {
        standards: &coverages,
        catalog,
        profile: &inputs.target.document,
        target: &inputs.target.resolved,
        assessment: inputs.assessment.as_ref().map(|(a, g)| (&a.document, g)),
        date,
    };
    let sections = ReportSections {
        risk: outlook.as_ref(),
    };
    match extension(output).as_str() {
        "html" | "htm" => {
            let html = smm_report::html::report_with(&input, &sections)
                .map_err(|e| render_failure(output, e))?;
            write_atomically(output, &html)?;
        }
        "pdf" => {
            let progress = crate::progress::Progress::spinner("typesetting the PDF report");
            let typeset = crate::full::engines()?.report_pdf;
            let pdf = typeset(&input, &sections).map_err(|e| render_failure(output, e))?;
            drop(progress);
            write_bytes_atomically(output, &pdf)?;
        }
        other => {
            return Err(render_failure(
                output,
                format!("cannot write a report as `.{other}`: use .html or .pdf"),
            ))
        }
    }
    wrote(
        output,
        if inputs.assessment.is_some() {
            "gap report"
        } else {
            "target profile sheet"
        },
    );
    Ok(())
}

/// `smm export TARGET [ASSESSMENT] --format csv|xlsx -o FILE`.
pub fn run_export(
    catalog: &Catalog,
    target: &Path,
    assessment: Option<&Path>,
    format: Option<ExportFormat>,
    output: &Path,
) -> Result<(), Failure> {
    let inputs = load(catalog, target, assessment)?;
    let format = match (format, extension(output).as_str()) {
        (Some(f), _) => f,
        (None, "csv") => ExportFormat::Csv,
        (None, "xlsx") => ExportFormat::Xlsx,
        (None, other) => {
            return Err(render_failure(
                output,
                format!("give --format csv|xlsx (cannot tell from `.{other}`)"),
            ))
        }
    };
    let input = ExportInput {
        catalog,
        target: &inputs.target.resolved,
        assessment: inputs.assessment.as_ref().map(|(a, g)| (&a.document, g)),
    };
    let bytes = match format {
        ExportFormat::Csv => smm_report::export::csv(&input),
        ExportFormat::Xlsx => smm_report::export::xlsx(&input),
    }
    .map_err(|e| render_failure(output, e))?;
    write_bytes_atomically(output, &bytes)?;
    wrote(output, "export");
    Ok(())
}
