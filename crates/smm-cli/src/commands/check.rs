//! `smm check`: the CI gate. The target against an assessment (is the product under target?) or
//! against another target profile (does a vendor's profile cover it?), printed for people and
//! written for CI systems: JSON, JUnit XML and SARIF 2.1.0.

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::Serialize;
use smm_core::compare::PracticeComparison;
use smm_core::gap::{PracticeGap, Status};
use smm_core::provenance::written_at;
use smm_core::{Catalog, Level};
use smm_report::gate::{
    junit::junit_xml, sarif::sarif_log, GateReport, Measured, PracticeVerdict, Verdict,
};

use crate::failure::Failure;
use crate::input::{load_profile, load_target, LoadedProfile, LoadedTarget};
use crate::output::{self, styled, MET, UNDER};
use crate::write::write_atomically;

/// Where the gate's verdict goes besides the terminal.
#[derive(Debug, Default)]
pub struct GateOutputs {
    /// Print JSON instead of text.
    pub json: bool,
    /// Write JUnit XML here.
    pub junit: Option<PathBuf>,
    /// Write a SARIF 2.1.0 log here.
    pub sarif: Option<PathBuf>,
}

/// `smm check TARGET ASSESSMENT|PROFILE`: exit 1 when a practice is under target (or not covered),
/// 0 when none is. The files asked for are written either way, before the exit.
pub fn run(
    catalog: &Catalog,
    target: &Path,
    second: &Path,
    outputs: &GateOutputs,
) -> Result<(), Failure> {
    let target = load_target(catalog, target)?;
    let (report, headline) = match load_profile(catalog, second)? {
        LoadedProfile::Assessment(assessment) => {
            let gap = super::gap::gap_of(&target, &assessment)?;
            let report = gate_of_gap(catalog, &target, &assessment.source.path, &gap);
            let headline = if report.passed() {
                let over = report
                    .practices
                    .iter()
                    .filter(|p| p.verdict == Verdict::Over)
                    .count();
                format!(
                    "{} all {} practices meet the target{}\n",
                    styled(MET, "ok:"),
                    report.practices.len(),
                    if over > 0 {
                        format!(" ({over} above target)")
                    } else {
                        String::new()
                    }
                )
            } else {
                format!(
                    "{} {} of {} practices under target for {} {}\n",
                    styled(UNDER, "FAIL:"),
                    report.under().count(),
                    report.practices.len(),
                    gap.product,
                    gap.version
                )
            };
            (report, headline)
        }
        LoadedProfile::Target(offer) => {
            let c = super::compare::cover(&target, &offer)?;
            let report = gate_of_cover(catalog, &target, &offer.source.path, &c);
            let headline = if report.passed() {
                let above = c.verdict.above;
                format!(
                    "{} {} covers all {} practices of {}{}\n",
                    styled(MET, "ok:"),
                    c.b.label(),
                    c.verdict.total,
                    c.a.label(),
                    if above > 0 {
                        format!(" ({above} above it)")
                    } else {
                        String::new()
                    }
                )
            } else {
                format!(
                    "{} {} does not cover {} of {} practices of {}\n",
                    styled(UNDER, "FAIL:"),
                    c.b.label(),
                    report.under().count(),
                    c.verdict.total,
                    c.a.label()
                )
            };
            (report, headline)
        }
    };
    if let Some(path) = &outputs.junit {
        write_atomically(path, &junit_xml(&report))?;
    }
    if let Some(path) = &outputs.sarif {
        write_atomically(path, &sarif_log(&report))?;
    }
    if outputs.json {
        output::print_tagged_json("Check", &CheckJson::of(&report));
    } else {
        output::print(&render(&report, &headline));
    }
    if report.passed() {
        Ok(())
    } else {
        Err(Failure::CheckFailed)
    }
}

/// The headline, then one line per practice under target.
fn render(report: &GateReport, headline: &str) -> String {
    let mut out = headline.to_string();
    let (required, present) = match report.measured {
        Measured::Assessment => ("target", "current"),
        Measured::Profile => ("needs", "offers"),
    };
    for p in report.under() {
        out.push_str(&format!(
            "  {:<26} {required} {:<12} {present} {:<12} {}\n",
            p.id, p.required, p.present, p.shortfall
        ));
    }
    out
}

/// The gate's verdict on a target against an assessment.
fn gate_of_gap(
    catalog: &Catalog,
    target: &LoadedTarget,
    assessment: &Path,
    gap: &smm_core::Gap,
) -> GateReport {
    GateReport {
        title: format!("{} against {} {}", gap.target, gap.product, gap.version),
        target_file: target.source.path.display().to_string(),
        measured_file: assessment.display().to_string(),
        measured: Measured::Assessment,
        practices: gap
            .practices
            .iter()
            .map(|p: &PracticeGap| {
                verdict(
                    catalog,
                    target,
                    p.id.as_str(),
                    p.target,
                    p.current,
                    p.status,
                    &super::gap::shortfall(p),
                )
            })
            .collect(),
    }
}

/// The gate's verdict on a target against a profile that must cover it.
fn gate_of_cover(
    catalog: &Catalog,
    target: &LoadedTarget,
    offer: &Path,
    c: &smm_core::Comparison,
) -> GateReport {
    GateReport {
        title: format!("{} against {}", c.a.label(), c.b.label()),
        target_file: target.source.path.display().to_string(),
        measured_file: offer.display().to_string(),
        measured: Measured::Profile,
        practices: c
            .practices
            .iter()
            .map(|p: &PracticeComparison| {
                verdict(
                    catalog,
                    target,
                    p.id.as_str(),
                    p.a,
                    p.b,
                    p.status,
                    &super::compare::shortfall(p),
                )
            })
            .collect(),
    }
}

/// One practice's verdict, located at the line of the target that set the measure it misses.
fn verdict(
    catalog: &Catalog,
    target: &LoadedTarget,
    id: &str,
    required: Level,
    present: Level,
    status: Status,
    shortfall: &str,
) -> PracticeVerdict {
    let resolved = target
        .resolved
        .practices
        .iter()
        .find(|p| p.id.as_str() == id);
    let written = resolved
        .map(|p| written_at(catalog, &target.document, p))
        .unwrap_or_default();
    let at = if present.comprehensiveness < required.comprehensiveness {
        written.comprehensiveness
    } else if present.scope < required.scope {
        written.scope
    } else {
        written.comprehensiveness
    };
    let practice = catalog.practice(id);
    PracticeVerdict {
        id: id.to_string(),
        name: practice
            .map(|p| p.practice.name.clone())
            .unwrap_or_default(),
        purpose: practice
            .map(|p| p.practice.purpose.clone())
            .unwrap_or_default(),
        domain: practice
            .map(|p| p.domain.id.to_string())
            .unwrap_or_default(),
        subdomain: practice
            .map(|p| p.subdomain.id.to_string())
            .unwrap_or_default(),
        required: required.to_string(),
        present: present.to_string(),
        verdict: match status {
            Status::Under => Verdict::Under,
            Status::Met => Verdict::Met,
            Status::Over => Verdict::Over,
        },
        shortfall: shortfall.to_string(),
        at,
    }
}

/// `smm check --json`: the verdict, per practice, with the line of the target that sets it.
#[derive(Serialize, JsonSchema)]
pub struct CheckJson {
    /// Whether the gate passes: no practice is under target.
    pub passed: bool,
    /// What was checked, in words.
    pub title: String,
    /// The target profile's path as given.
    pub target: String,
    /// The assessment's or covering profile's path as given.
    pub measured: String,
    /// What the second file is: `assessment` or `profile`.
    pub measured_kind: String,
    /// How many practices are under, met and over.
    pub summary: CheckSummary,
    /// Every practice, in catalog order.
    pub practices: Vec<CheckPractice>,
}

/// Counts of the verdicts.
#[derive(Serialize, JsonSchema)]
pub struct CheckSummary {
    /// Practices checked.
    pub total: usize,
    /// Under target (or not covered).
    pub under: usize,
    /// Exactly on target.
    pub met: usize,
    /// Above target and under in no measure.
    pub over: usize,
}

/// One practice's verdict.
#[derive(Serialize, JsonSchema)]
pub struct CheckPractice {
    /// Practice id.
    pub id: String,
    /// Its name in the catalog.
    pub name: String,
    /// Its domain's id.
    pub domain: String,
    /// Its subdomain's id.
    pub subdomain: String,
    /// The level required, e.g. `3/I`.
    pub required: String,
    /// The level found (an assessment) or offered (a profile).
    pub present: String,
    /// `under`, `met` or `over`.
    pub verdict: String,
    /// What is missing, in words; empty unless under.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub shortfall: String,
    /// The line of the target file that sets the measure it misses (its depth, else its scope);
    /// absent when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

impl CheckJson {
    fn of(report: &GateReport) -> Self {
        let count = |v: Verdict| report.practices.iter().filter(|p| p.verdict == v).count();
        CheckJson {
            passed: report.passed(),
            title: report.title.clone(),
            target: report.target_file.clone(),
            measured: report.measured_file.clone(),
            measured_kind: report.measured.as_str().to_string(),
            summary: CheckSummary {
                total: report.practices.len(),
                under: count(Verdict::Under),
                met: count(Verdict::Met),
                over: count(Verdict::Over),
            },
            practices: report
                .practices
                .iter()
                .map(|p| CheckPractice {
                    id: p.id.clone(),
                    name: p.name.clone(),
                    domain: p.domain.clone(),
                    subdomain: p.subdomain.clone(),
                    required: p.required.clone(),
                    present: p.present.clone(),
                    verdict: match p.verdict {
                        Verdict::Under => "under",
                        Verdict::Met => "met",
                        Verdict::Over => "over",
                    }
                    .to_string(),
                    shortfall: p.shortfall.clone(),
                    line: p.at.is_known().then_some(p.at.line),
                })
                .collect(),
        }
    }
}
