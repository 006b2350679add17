//! `smm oscal`: the catalog, a target, an assessment or a roadmap as NIST OSCAL, and OSCAL
//! assessment results back into an assessment (see docs/oscal.md).

use std::path::Path;

use smm_core::Catalog;
use smm_oscal::{render, Format};

use crate::cli::{OscalExport, OscalFormat, OscalOutput};
use crate::commands::roadmap;
use crate::failure::{Failure, Problem};
use crate::input::{check_pairing, load_assessment, load_target, read_source};
use crate::output::{self, styled, MET};
use crate::write::{to_yaml, write_atomically};

/// `smm oscal export ...`.
pub fn export(catalog: &Catalog, what: &OscalExport) -> Result<(), Failure> {
    let (document, out) = match what {
        OscalExport::Catalog { out } => (smm_oscal::catalog::catalog(catalog), out),
        OscalExport::Profile {
            target,
            catalog_href,
            out,
        } => {
            let target = load_target(catalog, target)?;
            let href = catalog_href
                .clone()
                .unwrap_or_else(|| format!("catalog.{}", extension(format_of(out))));
            (
                smm_oscal::profile::profile(&target.document, &target.resolved, &href),
                out,
            )
        }
        OscalExport::Results {
            assessment,
            target,
            out,
        } => {
            let target = load_target(catalog, target)?;
            let assessment = load_assessment(catalog, assessment)?;
            check_pairing(&target, &assessment)?;
            // Both were checked against the same catalog, so they always match.
            let gap = smm_core::gap(&target.resolved, &assessment.current)
                .map_err(|e| Problem::file(&assessment.source.path, e.to_string()))?;
            (
                smm_oscal::results::assessment_results(&assessment.document, &gap),
                out,
            )
        }
        OscalExport::Poam {
            target,
            assessment,
            plan,
            out,
        } => {
            let args = roadmap::Args {
                target,
                assessment,
                budget: plan.budget,
                period: plan.period,
                start: plan.start,
                deadline: plan.deadline,
                costs: plan.costs.as_deref(),
                actions: plan.actions.as_deref(),
                json: false,
                output: None,
                risk: None,
            };
            let (roadmap, date) = roadmap::planned(catalog, &args)?;
            (smm_oscal::poam::poam(&roadmap, date), out)
        }
    };
    let text = render(&document, format_of(out));
    match &out.output {
        Some(path) => {
            write_atomically(path, &text)?;
            output::print(&format!(
                "{} wrote {} (OSCAL {})\n",
                styled(MET, "ok"),
                path.display(),
                smm_oscal::OSCAL_VERSION
            ));
        }
        None => output::print(&text),
    }
    Ok(())
}

/// `smm oscal import`: the assessment to stdout or a file, what was not mapped to stderr.
pub fn import(
    catalog: &Catalog,
    results: &Path,
    output_path: Option<&Path>,
    strict: bool,
) -> Result<(), Failure> {
    let progress = crate::progress::Progress::spinner("reading the OSCAL assessment results");
    let source = read_source(results)?;
    let imported = smm_oscal::import_results(catalog, &source.text)
        .map_err(|d| Failure::from(Problem::from_diagnostics(results, &source.text, d)))?;
    drop(progress);
    for unmapped in &imported.report.unmapped {
        output::note(&format!(
            "{}: not mapped: {}: {}\n",
            results.display(),
            unmapped.path,
            unmapped.reason
        ));
    }
    if strict && !imported.report.is_empty() {
        output::note(&format!(
            "{}: {} part(s) not mapped; --strict refuses an incomplete import\n",
            results.display(),
            imported.report.unmapped.len()
        ));
        return Err(Failure::CheckFailed);
    }
    let header = format!(
        "Imported from OSCAL assessment results {}",
        results.display()
    );
    let text = to_yaml(&header, &imported.assessment);
    match output_path {
        Some(path) => {
            write_atomically(path, &text)?;
            output::print(&format!(
                "{} wrote {} (assessment)\n",
                styled(MET, "ok"),
                path.display()
            ));
        }
        None => output::print(&text),
    }
    Ok(())
}

/// The format asked for, or the output file's extension, or JSON.
fn format_of(out: &OscalOutput) -> Format {
    match out.format {
        Some(OscalFormat::Json) => Format::Json,
        Some(OscalFormat::Yaml) => Format::Yaml,
        None => match out
            .output
            .as_deref()
            .and_then(Path::extension)
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .as_deref()
        {
            Some("yaml" | "yml") => Format::Yaml,
            _ => Format::Json,
        },
    }
}

fn extension(format: Format) -> &'static str {
    match format {
        Format::Json => "json",
        Format::Yaml => "yaml",
    }
}
