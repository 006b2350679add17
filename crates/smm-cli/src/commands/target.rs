//! `smm target new`: set a target with the five-step interview, from a terminal or an answers
//! file, optionally starting from a template.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use smm_core::interview::{build_profile, parse_answers, Answers, Built, Move, MoveTarget};
use smm_core::located::Position;
use smm_core::mapping::raise_to_standard;
use smm_core::{check_rules, resolve, Catalog};

use crate::commands::template;
use crate::failure::{Failure, Problem};
use crate::input::read_source;
use crate::output::{self, styled, DIM, HEADER, MET};
use crate::write::{refuse_approved_target, to_yaml, write_atomically};

/// What `smm target new` was asked to do.
pub struct NewOptions {
    /// Where the profile goes.
    pub output: Option<PathBuf>,
    /// Run non-interactively from this answers file.
    pub answers: Option<PathBuf>,
    /// Start from this template.
    pub from: Option<String>,
    /// Continue this draft.
    pub resume: Option<PathBuf>,
    /// Standards the target must address (ids or mapping files): practices below what they
    /// need are raised, with the clauses as the rationale.
    pub standards: Vec<String>,
    /// Leave the standards' recommended clauses out.
    pub mandatory: bool,
}

/// The standards a new target must address, loaded before any question is asked.
pub struct Floors {
    mappings: Vec<smm_core::mapping::Mapping>,
    skip: Vec<smm_core::mapping::Obligation>,
}

impl Floors {
    fn load(catalog: &Catalog, options: &NewOptions) -> Result<Floors, Failure> {
        let mut mappings = Vec::new();
        for standard in &options.standards {
            mappings.push(super::map::load_mapping(catalog, standard)?);
        }
        let skip = if options.mandatory {
            vec![smm_core::mapping::Obligation::Recommended]
        } else {
            Vec::new()
        };
        Ok(Floors { mappings, skip })
    }

    /// Raises the built profile to every standard, saying what each raised.
    fn apply(
        &self,
        catalog: &Catalog,
        built: &mut Built,
        output: &Path,
    ) -> Result<String, Failure> {
        let mut report = String::new();
        for mapping in &self.mappings {
            let (profile, raises) = raise_to_standard(catalog, &built.profile, mapping, &self.skip)
                .map_err(|d| {
                    let text: std::sync::Arc<str> = std::sync::Arc::from(String::new());
                    Failure::BadInput(Problem::from_diagnostics(output, &text, d))
                })?;
            built.profile = profile;
            report.push_str(&describe_raises(
                &format!("{} {}", mapping.standard.id.value, mapping.standard.version),
                &raises,
            ));
        }
        Ok(report)
    }
}

/// Runs the command.
pub fn run_new(catalog: &Catalog, options: NewOptions) -> Result<(), Failure> {
    let floors = Floors::load(catalog, &options)?;
    if let Some(path) = &options.answers {
        let output = options
            .output
            .as_deref()
            .ok_or_else(|| usage("--answers needs -o FILE for the profile"))?;
        refuse_approved_target(output)?;
        let (answers, text) = load_answers(path)?;
        let built = build(catalog, options.from.as_deref(), &answers, path, &text)?;
        return finish(catalog, built, output, &floors);
    }
    let (answers, draft, output) = match &options.resume {
        Some(draft) => {
            let (answers, _) = load_answers(draft)?;
            let output = match &options.output {
                Some(o) => o.clone(),
                None => output_for_draft(draft).ok_or_else(|| {
                    usage("give -o FILE: the draft's name does not end in .draft.yaml")
                })?,
            };
            (answers, draft.clone(), output)
        }
        None => {
            let output = options
                .output
                .clone()
                .ok_or_else(|| usage("give -o FILE for the profile"))?;
            // A template's typical factors and role are the starting answers of steps 1 and 2.
            let answers = match options.from.as_deref() {
                Some(name) => Answers::from_template(name, &template::load(name)?),
                None => Answers::default(),
            };
            (answers, draft_for(&output), output)
        }
    };
    if options.resume.is_some() && options.from.is_some() {
        return Err(usage(
            "--from starts a new target; a draft already names its template",
        ));
    }
    if !std::io::stdin().is_terminal() {
        return Err(usage(
            "the interview needs a terminal; use --answers FILE to run it from a file",
        ));
    }
    if let Some(name) = &answers.template {
        template::load(name)?;
    }
    refuse_approved_target(&output)?;
    crate::interview::run(catalog, answers, &draft, &output, &floors)
}

fn usage(message: &str) -> Failure {
    let mut problem = Problem::file(Path::new(""), message);
    problem.path = None;
    problem.into()
}

/// `OUT.draft.yaml` beside the output.
pub fn draft_for(output: &Path) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "target".into());
    let stem = name
        .strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"))
        .unwrap_or(&name);
    output.with_file_name(format!("{stem}.draft.yaml"))
}

fn output_for_draft(draft: &Path) -> Option<PathBuf> {
    let name = draft.file_name()?.to_string_lossy().to_string();
    let stem = name.strip_suffix(".draft.yaml")?;
    Some(draft.with_file_name(format!("{stem}.yaml")))
}

fn load_answers(path: &Path) -> Result<(Answers, std::sync::Arc<str>), Failure> {
    let source = read_source(path)?;
    let answers = parse_answers(&source.text)
        .map_err(|d| Problem::from_diagnostics(path, &source.text, d))?;
    Ok((answers, source.text))
}

/// Builds the profile from answers, loading the template they name (or `--from`).
pub fn build(
    catalog: &Catalog,
    from: Option<&str>,
    answers: &Answers,
    path: &Path,
    text: &std::sync::Arc<str>,
) -> Result<Built, Failure> {
    let template = match (from, answers.template.as_deref()) {
        (Some(name), _) => Some(template::load(name)?),
        (None, Some(name)) => {
            Some(template::load(name).map_err(|f| named_in_answers(f, path, text))?)
        }
        (None, None) => None,
    };
    build_profile(catalog, template.as_ref(), answers)
        .map_err(|d| Problem::from_diagnostics(path, text, d).into())
}

/// An unknown template named in an answers file is that file's mistake: point at its `template`
/// line. (Problems inside a template file that was found keep pointing at that file.)
fn named_in_answers(failure: Failure, path: &Path, text: &std::sync::Arc<str>) -> Failure {
    let Failure::BadInput(problems) = failure else {
        return failure;
    };
    let at = text
        .lines()
        .enumerate()
        .find_map(|(i, l)| {
            let value = l.strip_prefix("template:")?;
            let column = "template:".len() + value.len() - value.trim_start().len() + 1;
            Some(Position::new(i as u64 + 1, column as u64))
        })
        .unwrap_or_default();
    Failure::BadInput(
        problems
            .into_iter()
            .map(|mut p| {
                if p.path.is_none() {
                    p.path = Some(path.to_path_buf());
                    p.text = Some(text.clone());
                    p.diagnostic.at = at;
                    p.diagnostic.field = "template".to_string();
                }
                p
            })
            .collect(),
    )
}

/// The practices a standard raised, a line each.
fn describe_raises(standard: &str, raises: &[smm_core::mapping::Raise]) -> String {
    let mut out = format!(
        "{}\n",
        styled(
            HEADER,
            &format!(
                "{standard}: {} practice{} raised",
                raises.len(),
                if raises.len() == 1 { "" } else { "s" }
            )
        )
    );
    for r in raises {
        out.push_str(&format!(
            "  {} from {} to {} (clauses {})\n",
            r.practice,
            r.from,
            r.to,
            r.clauses.join(", ")
        ));
    }
    out
}

/// One line per factor move: what it moved, from what to what, and why.
pub fn describe_moves(moves: &[Move]) -> String {
    let mut out = String::new();
    for m in moves {
        let what = match &m.target {
            MoveTarget::Goal(id) => format!("the {id} goal"),
            MoveTarget::Subdomain(id) | MoveTarget::Practice(id) => id.clone(),
        };
        let factor = serde_json::to_value(m.factor)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        out.push_str(&format!(
            "  {factor} ({}) moved {what} from {} to {}: {}\n",
            format!("{:?}", m.impact).to_lowercase(),
            m.from,
            m.to,
            m.reason
        ));
    }
    out
}

/// Writes the profile and reports what the factors moved and what the rules say.
pub fn finish(
    catalog: &Catalog,
    mut built: Built,
    output: &Path,
    floors: &Floors,
) -> Result<(), Failure> {
    let mut raised = String::new();
    for (standard, raises) in &built.raises {
        raised.push_str(&describe_raises(standard, raises));
    }
    raised.push_str(&floors.apply(catalog, &mut built, output)?);
    let text = to_yaml(
        "Target profile written by `smm target new`; edit freely, then `smm validate` it.",
        &built.profile,
    );
    refuse_approved_target(output)?;
    write_atomically(output, &text)?;
    let resolved = resolve(catalog, &built.profile).map_err(|d| {
        let text: std::sync::Arc<str> = std::sync::Arc::from(text.as_str());
        Failure::BadInput(Problem::from_diagnostics(output, &text, d))
    })?;
    let mut report = format!(
        "{} wrote {}: TargetProfile `{}`\n",
        styled(MET, "ok"),
        output.display(),
        built.profile.name.value
    );
    if !built.moves.is_empty() {
        report.push_str(&format!(
            "{}\n{}",
            styled(HEADER, "Suggestions the factors raised:"),
            describe_moves(&built.moves)
        ));
    }
    report.push_str(&raised);
    for d in &resolved.domains {
        report.push_str(&format!(
            "  {}: {} / {}\n",
            d.id, d.rollup.comprehensiveness, d.rollup.scope
        ));
    }
    let findings = check_rules(catalog, &resolved);
    report.push_str(&output::render_findings(output, &findings));
    report.push_str(&format!(
        "{}\n",
        styled(DIM, &format!("Next: smm show {}", output.display()))
    ));
    output::print(&report);
    Ok(())
}
