//! `smm map STANDARD [TARGET] [ASSESSMENT]`: a profile read in a standard's terms, and
//! `smm map --list`: the standards smm knows.

use std::path::{Path, PathBuf};

use smm_core::mapping::{
    builtin_ids, builtin_mapping, coverage_of, parse_mapping, ClauseStatus, Coverage, Mapping,
    Obligation,
};
use smm_core::Catalog;

use crate::failure::{Failure, Problem};
use crate::input::{
    check_pairing, load_profile, read_source, LoadedAssessment, LoadedProfile, LoadedTarget,
};
use crate::output::{self, styled, Table, DIM, HEADER, MET, OVER, UNDER};
use crate::write::write_bytes_atomically;

use super::report::{write_chart, wrote};

/// Finds a standard: a mapping file (a path that exists, or one ending in .yaml/.yml/.json), or
/// the id of a mapping smm ships.
pub fn load_mapping(catalog: &Catalog, standard: &str) -> Result<Mapping, Failure> {
    let path = Path::new(standard);
    let looks_like_file = path.exists()
        || [".yaml", ".yml", ".json"]
            .iter()
            .any(|e| standard.ends_with(e));
    if looks_like_file {
        return load_mapping_file(catalog, path);
    }
    match builtin_mapping(catalog, standard) {
        Some(Ok(m)) => Ok(m),
        // The built-in mappings are checked against the built-in catalog by the tests; another
        // catalog may lack their practices.
        Some(Err(d)) => Err(Problem::file(
            Path::new(standard),
            format!("the built-in mapping does not fit the catalog in use: {d}"),
        )
        .into()),
        None => {
            let known: Vec<&str> = builtin_ids().collect();
            let mut problem = Problem::file(
                Path::new(standard),
                format!(
                    "no such standard: expected one of {}, or a mapping file",
                    known.join(", ")
                ),
            );
            if let Some(near) = smm_core::diagnostic::nearest(standard, known.iter().copied()) {
                problem.diagnostic = problem
                    .diagnostic
                    .with_help(format!("did you mean `{near}`?"));
            }
            Err(problem.into())
        }
    }
}

/// Reads a mapping file and checks it against the catalog.
pub fn load_mapping_file(catalog: &Catalog, path: &Path) -> Result<Mapping, Failure> {
    let source = read_source(path)?;
    parse_mapping(catalog, &source.text)
        .map_err(|d| Problem::from_diagnostics(path, &source.text, d).into())
}

/// `smm map --list --json`: the standards smm ships mappings for.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct StandardsJson {
    /// One per built-in mapping.
    pub standards: Vec<StandardJson>,
}

/// A standard smm maps the model to.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct StandardJson {
    /// The id `smm map` takes, e.g. `iec-62443-4-2`.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The edition mapped.
    pub version: String,
    /// Who publishes it.
    pub publisher: String,
    /// How many of its clauses the mapping lists.
    pub clauses: usize,
}

/// `smm map --list`.
pub fn run_list(catalog: &Catalog, json: bool) -> Result<(), Failure> {
    let mut mappings = Vec::new();
    for id in builtin_ids() {
        mappings.push(load_mapping(catalog, id)?);
    }
    if json {
        let standards = mappings
            .iter()
            .map(|m| StandardJson {
                id: m.standard.id.value.clone(),
                title: m.standard.title.clone(),
                version: m.standard.version.clone(),
                publisher: m.standard.publisher.clone(),
                clauses: m.clauses.len(),
            })
            .collect();
        output::print_tagged_json("Standards", &StandardsJson { standards });
        return Ok(());
    }
    let mut table = Table::new(&["Standard", "Edition", "Clauses", "Title"]);
    for m in &mappings {
        table.row(vec![
            m.standard.id.value.clone(),
            m.standard.version.clone(),
            m.clauses.len().to_string(),
            m.standard.title.clone(),
        ]);
    }
    output::print(&table.render());
    Ok(())
}

/// What `smm map` was asked for.
pub struct MapRequest<'a> {
    /// A built-in standard id or a mapping file.
    pub standard: &'a str,
    /// A target, an assessment, or one of each.
    pub profiles: &'a [PathBuf],
    /// JSON instead of the table.
    pub json: bool,
    /// Files to write: .csv, .xlsx, .svg or .png.
    pub outputs: &'a [PathBuf],
    /// Fail (exit 1) when a clause the model reaches is not addressed.
    pub check: bool,
    /// Leave recommended clauses out of the check.
    pub mandatory: bool,
}

/// Reads the profiles: at most one target and one assessment, paired when both are given.
fn profiles(
    catalog: &Catalog,
    profiles: &[PathBuf],
) -> Result<(Option<LoadedTarget>, Option<LoadedAssessment>), Failure> {
    let mut target = None;
    let mut assessment = None;
    for path in profiles {
        match load_profile(catalog, path)? {
            LoadedProfile::Target(t) if target.is_none() => target = Some(t),
            LoadedProfile::Assessment(a) if assessment.is_none() => assessment = Some(a),
            _ => {
                return Err(Problem::file(
                    path,
                    "give at most one target profile and one assessment",
                )
                .into())
            }
        }
    }
    if let (Some(t), Some(a)) = (&target, &assessment) {
        check_pairing(t, a)?;
    }
    Ok((target, assessment))
}

/// `smm map STANDARD [PROFILE...]`.
pub fn run(catalog: &Catalog, request: &MapRequest) -> Result<(), Failure> {
    let mapping = load_mapping(catalog, request.standard)?;
    let (target, assessment) = profiles(catalog, request.profiles)?;
    let c = coverage_of(
        catalog,
        &mapping,
        target.as_ref().map(|t| &t.resolved),
        assessment.as_ref().map(|a| &a.current),
    );
    if request.json {
        output::print_tagged_json("Coverage", &c);
    } else {
        output::print(&render(&c));
    }
    for path in request.outputs {
        write_output(path, &c)?;
        if !request.json {
            wrote(path, "coverage");
        }
    }
    if request.check {
        return gate(&c, request.mandatory);
    }
    Ok(())
}

fn write_output(path: &Path, c: &Coverage) -> Result<(), Failure> {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let bytes = match extension.as_str() {
        "svg" | "png" => return write_chart(path, &smm_report::chart::coverage(c)),
        "csv" => smm_report::coverage::csv(c),
        "xlsx" => smm_report::coverage::xlsx(c),
        other => {
            return Err(Problem::file(
                path,
                format!("cannot write coverage as `.{other}`: use .csv, .xlsx, .svg or .png"),
            )
            .into())
        }
    }
    .map_err(|e| Failure::from(Problem::file(path, e)))?;
    write_bytes_atomically(path, &bytes)
}

/// `--check`: every clause the model reaches must be addressed (by the assessment when one was
/// read, else by the target).
fn gate(c: &Coverage, mandatory: bool) -> Result<(), Failure> {
    let short: Vec<_> = c
        .clauses
        .iter()
        .filter(|k| !(mandatory && k.obligation == Some(Obligation::Recommended)))
        .filter(|k| {
            matches!(
                k.current.or(k.planned),
                Some(ClauseStatus::NotAddressed | ClauseStatus::Partial)
            )
        })
        .collect();
    if short.is_empty() {
        output::print(&format!(
            "{} every clause of {} the model reaches is addressed\n",
            styled(MET, "ok:"),
            c.standard
        ));
        return Ok(());
    }
    let mut out = format!(
        "{} {} clauses of {} are not addressed\n",
        styled(UNDER, "FAIL:"),
        short.len(),
        c.standard
    );
    for k in short {
        out.push_str(&format!(
            "  {:<12} {}\n",
            k.id,
            k.current.or(k.planned).map_or("", |s| s.label())
        ));
    }
    output::print(&out);
    Err(Failure::CheckFailed)
}

fn status_cell(status: Option<ClauseStatus>) -> (String, anstyle::Style) {
    match status {
        None => (String::new(), anstyle::Style::new()),
        Some(s) => (
            s.label().to_string(),
            match s {
                ClauseStatus::Addressed => MET,
                ClauseStatus::Partial => OVER,
                ClauseStatus::NotAddressed => UNDER,
                ClauseStatus::OutsideModel => DIM,
            },
        ),
    }
}

/// The table, the counts and what is left uncovered.
fn render(c: &Coverage) -> String {
    let mut out = format!(
        "{}\n",
        styled(HEADER, &format!("{} {}", c.title, c.version))
    );
    for (what, p) in [("target", &c.target), ("assessment", &c.assessment)] {
        if let Some(p) = p {
            out.push_str(&format!("{what}: {}\n", p.label()));
        }
    }
    out.push('\n');
    let mut header = vec!["Clause", "Title"];
    if c.planned.is_some() {
        header.push("Target");
    }
    if c.current.is_some() {
        header.push("Today");
    }
    header.push("Practices (relationship, minimum)");
    let mut table = Table::new(&header);
    for k in &c.clauses {
        let mut row = vec![
            (k.id.clone(), anstyle::Style::new()),
            (k.title.clone(), anstyle::Style::new()),
        ];
        if c.planned.is_some() {
            row.push(status_cell(k.planned));
        }
        if c.current.is_some() {
            row.push(status_cell(k.current));
        }
        let practices = if k.relations.is_empty() {
            "(outside the model)".to_string()
        } else {
            smm_report::coverage::practices_text(k)
        };
        row.push((practices, anstyle::Style::new()));
        table.styled_row(row);
    }
    out.push_str(&table.render());
    for (what, counts) in [("target", &c.planned), ("today", &c.current)] {
        if let Some(n) = counts {
            out.push_str(&format!(
                "\n{what}: {}",
                smm_report::coverage::counts_sentence(n)
            ));
        }
    }
    out.push('\n');
    let uncovered: Vec<_> = c.uncovered().collect();
    if !uncovered.is_empty() {
        out.push_str(&format!(
            "\n{}\n",
            styled(
                HEADER,
                "Not (fully) addressed, and what would address them:"
            )
        ));
        for k in uncovered {
            let needs: Vec<String> = k
                .relations
                .iter()
                .filter(|r| r.current_met.or(r.planned_met) == Some(false))
                .map(|r| format!("{} to {}", r.practice, r.minimum))
                .collect();
            out.push_str(&format!("  {:<12} {}", k.id, k.title));
            if !needs.is_empty() {
                out.push_str(&format!(": raise {}", needs.join(", ")));
            } else if k.outside_model.is_none() {
                out.push_str(": the practices related reach it only in part, at any level");
            }
            if let Some(o) = &k.outside_model {
                out.push_str(&format!(
                    " {}",
                    styled(DIM, &format!("(outside the model: {o})"))
                ));
            }
            out.push('\n');
        }
    }
    out
}
