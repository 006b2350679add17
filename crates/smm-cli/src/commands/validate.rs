//! `smm validate FILE...`: every document checked, alone and against the others.

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::Serialize;

use smm_core::digest::sha256_hex;
use smm_core::document::Assessment;
use smm_core::header::read_kind;
use smm_core::{
    check_rules, content_digest, parse_catalog, stale_acceptances, Catalog, Diagnostic, Kind,
};

use crate::commands::lineage;
use crate::failure::{Failure, Problem};
use crate::input::{
    assessment_from, load_actions, read_source, target_from, LoadedTarget, SourceFile,
};
use crate::output::{self, styled, ProblemJson, MET};
use smm_core::actions::{parse_actions, parse_costs};

/// Runs the command: reports every file (as text, or as one JSON document with `json`), then
/// fails if any had a problem.
pub fn run(
    catalog: &Catalog,
    files: &[PathBuf],
    deny_warnings: bool,
    json: bool,
) -> Result<(), Failure> {
    let mut problems: Vec<Problem> = Vec::new();
    let mut report = String::new();
    let mut records: Vec<FileJson> = Vec::new();
    // Targets given on the command line, so an assessment can be checked against them.
    let mut targets: Vec<LoadedTarget> = Vec::new();
    let mut assessments = Vec::new();
    let mut warnings = 0usize;

    for path in files {
        let source = match read_source(path) {
            Ok(source) => source,
            Err(Failure::BadInput(p)) => {
                problems.extend(p);
                continue;
            }
            Err(Failure::CheckFailed | Failure::BadInputShown) => continue,
        };
        let kind = match read_kind(&source.text) {
            Ok(kind) => kind,
            Err(d) => {
                problems.extend(Problem::from_diagnostics(path, &source.text, d));
                continue;
            }
        };
        let mut record = FileJson {
            path: path.display().to_string(),
            kind: format!("{kind:?}"),
            ok: false,
            summary: None,
            warnings: Vec::new(),
            stale_acceptances: Vec::new(),
        };
        let outcome = match kind {
            Kind::Catalog => validate_catalog(&source),
            Kind::Template => validate_template(catalog, &source).map(|(line, open)| {
                warnings += open;
                line
            }),
            Kind::Answers => validate_answers(catalog, &source),
            Kind::Actions => validate_actions(catalog, &source),
            Kind::Costs => validate_costs(catalog, &source),
            Kind::Scheme => validate_scheme(&source),
            Kind::Mapping => validate_mapping(catalog, &source),
            Kind::RiskScenarios => validate_risk_scenarios(catalog, &source),
            Kind::RiskEffects => validate_risk_effects(catalog, &source),
            Kind::TargetProfile => target_from(catalog, source).map(|t| {
                let findings = check_rules(catalog, &t.resolved);
                let open = findings.iter().filter(|f| f.accepted.is_none()).count();
                // Reported, but not counted by --deny-warnings: the file validated before the
                // rule stopped firing (or was retired), and removing the acceptance is tidying.
                let stale = stale_acceptances(catalog, &t.document, &findings);
                warnings += open;
                let mut line = format!(
                    "TargetProfile `{}`: {} practices resolved, {}",
                    t.resolved.name,
                    t.resolved.practices.len(),
                    consistency(open, findings.len() - open)
                );
                line.push('\n');
                line.push_str(&output::render_findings(path, &findings));
                line.push_str(&output::render_stale_acceptances(path, &stale));
                record.stale_acceptances = stale.iter().map(ProblemJson::of_diagnostic).collect();
                record.warnings = findings;
                targets.push(t);
                line.trim_end().to_string()
            }),
            Kind::Assessment => assessment_from(catalog, source).map(|a| {
                let line = format!(
                    "Assessment of {} {}: {} practices",
                    a.document.product.name,
                    a.document.product.version,
                    a.current.practices.len()
                );
                assessments.push(a);
                line
            }),
        };
        match outcome {
            Ok(line) => {
                report.push_str(&format!(
                    "{} {}  {line}\n",
                    styled(MET, "ok"),
                    path.display()
                ));
                record.summary = line.lines().next().map(str::to_string);
            }
            Err(Failure::BadInput(p)) => problems.extend(p),
            Err(_) => {}
        }
        records.push(record);
    }

    for a in &assessments {
        problems.extend(check_evidence(&a.source.path, &a.source.text, &a.document));
        problems.extend(check_target(catalog, &targets, a));
    }
    problems.extend(lineage::check_follows(catalog, &assessments));
    problems.extend(lineage::check_versions(&targets));

    if json {
        for record in &mut records {
            record.ok = !problems
                .iter()
                .any(|p| p.path.as_deref() == Some(Path::new(&record.path)));
        }
        let denied = deny_warnings && warnings > 0;
        output::print_tagged_json(
            "Validation",
            &ValidationJson {
                valid: problems.is_empty() && !denied,
                open_warnings: warnings,
                files: records,
                problems: problems.iter().map(ProblemJson::of).collect(),
            },
        );
        return if !problems.is_empty() {
            Err(Failure::BadInputShown)
        } else if denied {
            Err(Failure::CheckFailed)
        } else {
            Ok(())
        };
    }
    output::print(&report);
    if !problems.is_empty() {
        Err(Failure::BadInput(problems))
    } else if deny_warnings && warnings > 0 {
        output::print(&format!(
            "{} and --deny-warnings: failing\n",
            consistency(warnings, 0)
        ));
        Err(Failure::CheckFailed)
    } else {
        Ok(())
    }
}

fn validate_scheme(source: &SourceFile) -> Result<String, Failure> {
    let path = source.path.as_path();
    let scheme = smm_core::scheme::parse_scheme(&source.text)
        .map_err(|d| Problem::from_diagnostics(path, &source.text, d))?;
    let kinds: Vec<&str> = scheme.attestations.iter().map(|k| k.as_str()).collect();
    Ok(format!(
        "Scheme {} {} for {}",
        scheme.id.value,
        scheme.version,
        kinds.join(" and ")
    ))
}

fn validate_mapping(catalog: &Catalog, source: &SourceFile) -> Result<String, Failure> {
    let path = source.path.as_path();
    let mapping = smm_core::mapping::parse_mapping(catalog, &source.text)
        .map_err(|d| Problem::from_diagnostics(path, &source.text, d))?;
    let relations: usize = mapping.clauses.iter().map(|c| c.relations.len()).sum();
    let outside = mapping
        .clauses
        .iter()
        .filter(|c| c.relations.is_empty())
        .count();
    Ok(format!(
        "Mapping {} {}: {} clauses, {relations} relations, {outside} outside the model",
        mapping.standard.id.value,
        mapping.standard.version,
        mapping.clauses.len()
    ))
}

fn validate_catalog(source: &SourceFile) -> Result<String, Failure> {
    let path = source.path.as_path();
    let catalog = parse_catalog(&source.text)
        .map_err(|d| Problem::from_diagnostics(path, &source.text, d))?;
    Ok(format!(
        "Catalog {}: {} practices",
        catalog.reference(),
        catalog.practices().len()
    ))
}

fn validate_answers(catalog: &Catalog, source: &SourceFile) -> Result<String, Failure> {
    let path = source.path.as_path();
    let answers = smm_core::interview::parse_answers(&source.text)
        .map_err(|d| Problem::from_diagnostics(path, &source.text, d))?;
    let built = crate::commands::target::build(catalog, None, &answers, path, &source.text)?;
    Ok(format!(
        "Answers: lead to TargetProfile `{}`",
        built.profile.name.value
    ))
}

fn validate_template(catalog: &Catalog, source: &SourceFile) -> Result<(String, usize), Failure> {
    let path = source.path.as_path();
    let template = smm_core::document::parse_template(&source.text)
        .map_err(|d| Problem::from_diagnostics(path, &source.text, d))?;
    let resolved = crate::commands::template::preview(catalog, &template)?;
    let findings = check_rules(catalog, &resolved);
    let line = format!(
        "Template `{}`: {} practices resolved, {}\n{}",
        template.id.value,
        resolved.practices.len(),
        consistency(findings.len(), 0),
        output::render_findings(path, &findings)
    );
    Ok((line.trim_end().to_string(), findings.len()))
}

/// "consistent", "2 warnings", "1 accepted warning", ...
fn consistency(open: usize, accepted: usize) -> String {
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    match (open, accepted) {
        (0, 0) => "consistent".to_string(),
        (o, 0) => plural(o, "warning"),
        (0, a) => plural(a, "accepted warning"),
        (o, a) => format!(
            "{}, {}",
            plural(o, "warning"),
            plural(a, "accepted warning")
        ),
    }
}

/// Evidence files must exist beside the assessment and still have the digest it recorded.
fn check_evidence(
    path: &Path,
    text: &std::sync::Arc<str>,
    assessment: &Assessment,
) -> Vec<Problem> {
    let base = path.parent().unwrap_or(Path::new("."));
    let mut problems = Vec::new();
    for (key, practice) in assessment.practices.iter() {
        for (i, evidence) in practice.evidence.iter().enumerate() {
            let (Some(file), Some(sha)) = (&evidence.file, &evidence.sha256) else {
                continue;
            };
            let field = format!("practices.{}.evidence[{i}].file", key.value);
            let located = |message: String| Problem {
                path: Some(path.to_path_buf()),
                text: Some(text.clone()),
                diagnostic: Diagnostic::new(file.at, field.clone(), message),
            };
            match std::fs::read(base.join(&file.value)) {
                Ok(bytes) => {
                    let actual = sha256_hex(&bytes);
                    if actual != sha.value {
                        problems.push(located(format!("evidence `{}` has changed: its sha256 is {actual}, the assessment recorded {}", file.value, sha.value)));
                    }
                }
                Err(e) => problems.push(located(format!(
                    "cannot read evidence `{}`: {e}",
                    base.join(&file.value).display()
                ))),
            }
        }
    }
    problems
}

/// The assessment's target must be one of the given files, or found at its recorded path, and
/// must still have the digest the assessment recorded.
fn check_target(
    catalog: &Catalog,
    given: &[LoadedTarget],
    a: &crate::input::LoadedAssessment,
) -> Vec<Problem> {
    let written = &a.document.target.sha256.value;
    if given
        .iter()
        .any(|t| &content_digest(&t.document) == written)
    {
        return Vec::new();
    }
    let help = "fix the target, or give the right target file to `smm validate` as well";
    match crate::input::load_named_target(catalog, a, help) {
        Ok(_) => Vec::new(),
        Err(Failure::BadInput(p)) => p,
        Err(Failure::CheckFailed | Failure::BadInputShown) => Vec::new(),
    }
}

fn validate_actions(catalog: &Catalog, source: &SourceFile) -> Result<String, Failure> {
    let actions = parse_actions(catalog, &source.text)
        .map_err(|d| Problem::from_diagnostics(&source.path, &source.text, d))?;
    Ok(format!(
        "Actions for {}: {} actions, {} dependency entries, no cycle",
        actions.catalog,
        actions.actions.len(),
        actions.dependencies.len()
    ))
}

fn validate_risk_scenarios(catalog: &Catalog, source: &SourceFile) -> Result<String, Failure> {
    let scenarios = smm_core::risk::parse_risk_scenarios(catalog, &source.text)
        .map_err(|d| Problem::from_diagnostics(&source.path, &source.text, d))?;
    Ok(format!(
        "RiskScenarios of {}: {} loss scenarios in {}",
        scenarios.system,
        scenarios.scenarios.len(),
        scenarios.currency.value
    ))
}

fn validate_risk_effects(catalog: &Catalog, source: &SourceFile) -> Result<String, Failure> {
    let effects = smm_core::risk::parse_risk_effects(catalog, &source.text)
        .map_err(|d| Problem::from_diagnostics(&source.path, &source.text, d))?;
    Ok(format!(
        "RiskEffects: {} practice steps that move a factor",
        effects.iter().count()
    ))
}

fn validate_costs(catalog: &Catalog, source: &SourceFile) -> Result<String, Failure> {
    let actions = load_actions(catalog, None)?;
    let costs = parse_costs(&actions, &source.text)
        .map_err(|d| Problem::from_diagnostics(&source.path, &source.text, d))?;
    Ok(format!(
        "Costs: {} cost classes and {} actions priced for {}",
        costs.cost_classes.len(),
        costs.actions.len(),
        actions.catalog
    ))
}

/// `smm validate --json`: every file's verdict and every problem, in one document.
#[derive(Serialize, JsonSchema)]
pub struct ValidationJson {
    /// Whether every file is valid (and, with `--deny-warnings`, no warning is open).
    pub valid: bool,
    /// Consistency-rule warnings not accepted by their profile.
    pub open_warnings: usize,
    /// Each file that could be read and named its kind, in the order given.
    pub files: Vec<FileJson>,
    /// Every problem, in any file or between files, located where possible.
    pub problems: Vec<ProblemJson>,
}

/// One file's verdict.
#[derive(Serialize, JsonSchema)]
pub struct FileJson {
    /// As given.
    pub path: String,
    /// The document's kind, e.g. `TargetProfile`.
    pub kind: String,
    /// Whether no problem names this file.
    pub ok: bool,
    /// What it holds, in words, when it parsed: "TargetProfile `X`: 18 practices resolved, …".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// The consistency rules that fired on a target, accepted or not.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<smm_core::RuleFinding>,
    /// Rules the target accepts that no longer fire.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stale_acceptances: Vec<ProblemJson>,
}
