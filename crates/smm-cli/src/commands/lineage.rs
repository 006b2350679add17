//! Lineage at the command line: `smm target lower`, and the checks `smm validate` makes on
//! reassessments (`follows:`) and on target versions given together (`supersedes:`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use smm_core::lineage::{self, Lowering};
use smm_core::{check_rules, content_digest, resolve, Catalog, Diagnostic, Diagnostics};

use crate::failure::{Failure, Problem};
use crate::input::{assessment_from, load_target, read_source, LoadedAssessment, LoadedTarget};
use crate::output::{self, styled, DIM, MET, UNDER};
use crate::write::{refuse_approved_target, to_yaml, write_atomically};

/// `smm target lower`: a level that cannot be met is lowered in a new version, never silently.
#[derive(Debug, clap::Args)]
pub struct LowerArgs {
    /// The current version of the target profile.
    pub target: PathBuf,
    /// The practice to lower (id or name).
    #[arg(
        long,
        value_name = "ID",
        value_parser = crate::catalog_ids::CatalogIdParser::hierarchy(),
        hide_possible_values = true
    )]
    pub practice: String,
    /// The new comprehensiveness (0-4 or a name).
    #[arg(long, value_name = "N", value_parser = parse_comprehensiveness)]
    pub comprehensiveness: Option<smm_core::Comprehensiveness>,
    /// The new scope (general, industry, system).
    #[arg(long, value_name = "S", value_parser = parse_scope)]
    pub scope: Option<smm_core::Scope>,
    /// Why the level cannot be met: the override's rationale and the supersedes reason.
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// The new version (default: the last number of the current one plus one, 1.0 -> 1.1).
    #[arg(long, value_name = "V")]
    pub version: Option<String>,
    /// When the new version was agreed, YYYY-MM-DD (default: today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub date: Option<smm_core::document::Date>,
    /// Where to write the new version (the current one stays as it is).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
}

fn parse_comprehensiveness(text: &str) -> Result<smm_core::Comprehensiveness, String> {
    smm_core::Comprehensiveness::parse(text)
        .ok_or_else(|| format!("`{text}` is not a comprehensiveness: 0-4 or none, minimum, ad-hoc, consistent, formalized"))
}

fn parse_scope(text: &str) -> Result<smm_core::Scope, String> {
    smm_core::Scope::parse(text)
        .ok_or_else(|| format!("`{text}` is not a scope: general, industry or system"))
}

fn parse_date(text: &str) -> Result<smm_core::document::Date, String> {
    smm_core::document::Date::parse(text)
        .ok_or_else(|| format!("`{text}` is not a date: expected YYYY-MM-DD, e.g. 2026-09-01"))
}

/// `smm target lower`: writes the next version of a target with one practice lowered.
pub fn run_lower(catalog: &Catalog, args: &LowerArgs) -> Result<(), Failure> {
    if same_file(&args.target, &args.output) {
        return Err(Problem::file(
            &args.output,
            "is the target being lowered: write the new version to another file, so the version it supersedes stays as it is",
        )
        .into());
    }
    refuse_approved_target(&args.output)?;
    let old = load_target(catalog, &args.target)?;
    let request = Lowering {
        practice: &args.practice,
        comprehensiveness: args.comprehensiveness,
        scope: args.scope,
        reason: &args.reason,
        version: args.version.as_deref(),
        date: match args.date {
            Some(date) => date,
            None => today()?,
        },
    };
    let (new, down) = lineage::lower(catalog, &old.document, &request)
        .map_err(|d| Problem::from_diagnostics(&args.target, &old.source.text, d))?;
    let text = to_yaml(
        "Target profile written by `smm target lower`: a new version that supersedes the one it names.",
        &new,
    );
    write_atomically(&args.output, &text)?;
    let resolved = resolve(catalog, &new).map_err(|d| {
        Failure::BadInput(Problem::from_diagnostics(
            &args.output,
            &Arc::from(text.as_str()),
            d,
        ))
    })?;
    let mut report = format!(
        "{} wrote {}: TargetProfile `{}` version {}\n",
        styled(MET, "ok"),
        args.output.display(),
        new.name.value,
        new.version.as_deref().unwrap_or_default()
    );
    if let Some(record) = &new.supersedes {
        report.push_str(&format!(
            "  supersedes version {} (sha256 {})\n",
            record.version.value, record.sha256.value
        ));
    }
    for l in &down {
        report.push_str(&format!(
            "  {} {}: {}\n",
            styled(UNDER, "lowered"),
            l.practice,
            lineage::describe(&l.change)
        ));
    }
    report.push_str(&format!("  reason: {}\n", args.reason.trim()));
    report.push_str(&output::render_findings(
        &args.output,
        &check_rules(catalog, &resolved),
    ));
    report.push_str(&format!(
        "{}\n",
        styled(
            DIM,
            &format!(
                "Next: smm diff {} {}",
                args.target.display(),
                args.output.display()
            )
        )
    ));
    output::print(&report);
    Ok(())
}

/// Whether two paths name the same file (an output that does not exist yet is not the input).
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Today's date (UTC), for a new version's `date`.
fn today() -> Result<smm_core::document::Date, Failure> {
    smm_core::document::Date::parse(&crate::clock::today()).ok_or_else(|| {
        let mut p = Problem::file(
            Path::new(""),
            "cannot tell today's date from the system clock: give --date YYYY-MM-DD",
        );
        p.path = None;
        p.into()
    })
}

/// Problems of one file, each message followed by a note (which other file it was checked
/// against).
fn problems_in(path: &Path, text: &Arc<str>, d: Diagnostics, note: &str) -> Vec<Problem> {
    let mut problems = Problem::from_diagnostics(path, text, d);
    for p in &mut problems {
        p.diagnostic.message = format!("{} ({note})", p.diagnostic.message);
    }
    problems
}

/// Every reassessment given is checked against the assessment it follows: one of the files
/// given (found by digest), else the file at its `follows.path` when that exists. When neither
/// is at hand there is nothing to check against, and nothing is reported.
pub fn check_follows(catalog: &Catalog, assessments: &[LoadedAssessment]) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (i, a) in assessments.iter().enumerate() {
        let Some(follows) = &a.document.follows else {
            continue;
        };
        let given = assessments
            .iter()
            .enumerate()
            .find(|(j, b)| *j != i && content_digest(&b.document) == follows.sha256.value);
        if let Some((_, previous)) = given {
            if let Err(d) = lineage::check_follows(&a.document, &previous.document) {
                let note = format!("follows {}", previous.source.path.display());
                problems.extend(problems_in(&a.source.path, &a.source.text, d, &note));
            }
            continue;
        }
        let base = a.source.path.parent().unwrap_or(Path::new("."));
        let path = base.join(&follows.path.value);
        if !path.is_file() {
            continue;
        }
        match read_source(&path).and_then(|s| assessment_from(catalog, s)) {
            Ok(previous) => {
                if let Err(d) = lineage::check_follows(&a.document, &previous.document) {
                    let note = format!("follows {}", path.display());
                    problems.extend(problems_in(&a.source.path, &a.source.text, d, &note));
                }
            }
            Err(Failure::BadInput(p)) => {
                problems.push(Problem {
                    path: Some(a.source.path.clone()),
                    text: Some(a.source.text.clone()),
                    diagnostic: Diagnostic::new(
                        follows.path.at,
                        "follows.path",
                        format!(
                            "the assessment this one follows, `{}`, could not be loaded",
                            path.display()
                        ),
                    )
                    .with_help("fix that assessment, or point `follows` at the right file"),
                });
                problems.extend(p);
            }
            Err(Failure::CheckFailed | Failure::BadInputShown) => {}
        }
    }
    problems
}

/// Targets given together that share a name are versions of one profile: ordered by date and
/// version, each is checked against the one before it (a lowered practice needs a `supersedes`
/// record naming the previous version's digest).
pub fn check_versions(targets: &[LoadedTarget]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for t in targets {
        let name = t.document.name.value.trim();
        if seen.contains(&name) {
            continue;
        }
        seen.push(name);
        let mut versions: Vec<(usize, &LoadedTarget)> = targets
            .iter()
            .enumerate()
            .filter(|(_, o)| o.document.name.value.trim() == name)
            .collect();
        versions.sort_by(|(i, a), (j, b)| {
            lineage::version_order(&a.document, &b.document).then(i.cmp(j))
        });
        for pair in versions.windows(2) {
            let (previous, next) = (pair[0].1, pair[1].1);
            if let Err(d) = lineage::check_supersedes(
                &previous.document,
                &previous.resolved,
                &next.document,
                &next.resolved,
            ) {
                let note = format!("previous version: {}", previous.source.path.display());
                problems.extend(problems_in(&next.source.path, &next.source.text, d, &note));
            }
        }
    }
    problems
}
