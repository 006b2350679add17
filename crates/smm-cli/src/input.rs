//! Reading the user's files: the only place the CLI touches the file system for input.
//!
//! Every failure becomes a [`Problem`] naming the file, so the user always learns which file,
//! which line and which field is wrong.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use smm_core::actions::{parse_actions, parse_costs, ActionCatalog, Costs, BUILTIN_ACTIONS_YAML};
use smm_core::document::{Assessment, TargetProfile};
use smm_core::{
    current_profile, parse_assessment, parse_catalog, parse_target, resolve, Catalog,
    CurrentProfile, ResolvedTarget,
};

use crate::failure::{Failure, Problem};

/// Documents larger than this are refused before parsing: no real profile comes close.
const MAX_DOCUMENT_BYTES: u64 = 16 * 1024 * 1024;

/// A file's path and text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// As given on the command line.
    pub path: PathBuf,
    /// Its UTF-8 text.
    pub text: Arc<str>,
}

/// Reads a text file, refusing what is not UTF-8 or is absurdly large.
pub fn read_source(path: &Path) -> Result<SourceFile, Failure> {
    let meta = fs::metadata(path).map_err(|e| Problem::file(path, format!("cannot read: {e}")))?;
    if meta.is_dir() {
        return Err(Problem::file(path, "is a directory, expected a YAML or JSON file").into());
    }
    if meta.len() > MAX_DOCUMENT_BYTES {
        return Err(Problem::file(
            path,
            format!(
                "is {} bytes; documents are limited to {MAX_DOCUMENT_BYTES}",
                meta.len()
            ),
        )
        .into());
    }
    let bytes = fs::read(path).map_err(|e| Problem::file(path, format!("cannot read: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Problem::file(
            path,
            format!(
                "is not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    Ok(SourceFile {
        path: path.to_path_buf(),
        text: Arc::from(text),
    })
}

/// The built-in catalog, checked and prepared when smm was built (`build.rs`): reading it is a
/// fraction of parsing its YAML, which was most of a short command's time.
const BUILTIN_CATALOG: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/iot-smm-1.2.catalog"));

/// The catalog in use: the built-in one, or `--catalog FILE` (always read as YAML or JSON).
pub fn load_catalog(path: Option<&Path>) -> Result<Catalog, Failure> {
    let Some(path) = path else {
        return Ok(builtin_catalog());
    };
    let source = read_source(path)?;
    parse_catalog(&source.text).map_err(|d| Problem::from_diagnostics(path, &source.text, d).into())
}

/// The built-in catalog, from its prepared form.
///
/// The build script checked it, and the test suite checks that it equals the YAML, so a failure
/// here is a build defect, not a user error (as with `Catalog::builtin`).
pub fn builtin_catalog() -> Catalog {
    match Catalog::from_prepared(BUILTIN_CATALOG) {
        Ok(catalog) => catalog,
        Err(problems) => panic!("the prepared built-in catalog is invalid:\n{problems}"),
    }
}

/// The actions in use: `--actions FILE`, or the built-in ones (for the built-in catalog).
pub fn load_actions(catalog: &Catalog, path: Option<&Path>) -> Result<ActionCatalog, Failure> {
    let Some(path) = path else {
        return parse_actions(catalog, BUILTIN_ACTIONS_YAML).map_err(|d| {
            let mut problems = Problem::from_diagnostics(
                Path::new("<built-in actions>"),
                &Arc::from(BUILTIN_ACTIONS_YAML),
                d,
            );
            for p in &mut problems {
                p.diagnostic.help = Some(
                    "the built-in actions belong to the built-in catalog: give the actions of \
                     your catalog with --actions FILE"
                        .to_string(),
                );
            }
            Failure::BadInput(problems)
        });
    };
    let source = read_source(path)?;
    parse_actions(catalog, &source.text)
        .map_err(|d| Problem::from_diagnostics(path, &source.text, d).into())
}

/// An organization's costs (`--costs FILE`), checked against the actions in use.
pub fn load_costs(actions: &ActionCatalog, path: &Path) -> Result<Costs, Failure> {
    let source = read_source(path)?;
    parse_costs(actions, &source.text)
        .map_err(|d| Problem::from_diagnostics(path, &source.text, d).into())
}

/// A target profile read, parsed and resolved.
pub struct LoadedTarget {
    /// The file.
    pub source: SourceFile,
    /// As written.
    pub document: TargetProfile,
    /// As resolved.
    pub resolved: ResolvedTarget,
}

/// Reads, parses and resolves a target profile.
pub fn load_target(catalog: &Catalog, path: &Path) -> Result<LoadedTarget, Failure> {
    target_from(catalog, read_source(path)?)
}

/// Parses and resolves a target profile already read (each input is read once: stdin can't be
/// read twice).
pub fn target_from(catalog: &Catalog, source: SourceFile) -> Result<LoadedTarget, Failure> {
    let path = source.path.clone();
    let path = path.as_path();
    let document =
        parse_target(&source.text).map_err(|d| Problem::from_diagnostics(path, &source.text, d))?;
    let resolved = resolve(catalog, &document)
        .map_err(|d| Problem::from_diagnostics(path, &source.text, d))?;
    Ok(LoadedTarget {
        source,
        document,
        resolved,
    })
}

/// An assessment read, parsed and checked.
pub struct LoadedAssessment {
    /// The file.
    pub source: SourceFile,
    /// As written.
    pub document: Assessment,
    /// As checked.
    pub current: CurrentProfile,
}

/// Reads, parses and checks an assessment.
pub fn load_assessment(catalog: &Catalog, path: &Path) -> Result<LoadedAssessment, Failure> {
    assessment_from(catalog, read_source(path)?)
}

/// Parses and checks an assessment already read.
pub fn assessment_from(catalog: &Catalog, source: SourceFile) -> Result<LoadedAssessment, Failure> {
    let path = source.path.clone();
    let path = path.as_path();
    let document = parse_assessment(&source.text)
        .map_err(|d| Problem::from_diagnostics(path, &source.text, d))?;
    let current = current_profile(catalog, &document)
        .map_err(|d| Problem::from_diagnostics(path, &source.text, d))?;
    Ok(LoadedAssessment {
        source,
        document,
        current,
    })
}

/// Fails unless the assessment names this target by its digest.
pub fn check_pairing(target: &LoadedTarget, assessment: &LoadedAssessment) -> Result<(), Failure> {
    smm_core::check_target_digest(&assessment.document, &target.document).map_err(|d| {
        let mut problems =
            Problem::from_diagnostics(&assessment.source.path, &assessment.source.text, d);
        for p in &mut problems {
            p.diagnostic.message = format!(
                "{} ({})",
                p.diagnostic.message,
                target.source.path.display()
            );
        }
        Failure::BadInput(problems)
    })
}

/// Either side of `smm compare` (and the second argument of `smm check`): a target profile or an
/// assessment, told apart by the header's `kind`. Two of them live for one command, so the size
/// difference between the variants does not matter.
#[allow(clippy::large_enum_variant)]
pub enum LoadedProfile {
    /// `kind: TargetProfile`.
    Target(LoadedTarget),
    /// `kind: Assessment`.
    Assessment(LoadedAssessment),
}

impl LoadedProfile {
    /// The file.
    pub fn source(&self) -> &SourceFile {
        match self {
            LoadedProfile::Target(t) => &t.source,
            LoadedProfile::Assessment(a) => &a.source,
        }
    }

    /// What the comparison works on: a level per practice, however the profile came about.
    pub fn view(&self, catalog: &Catalog) -> smm_core::ProfileView {
        match self {
            LoadedProfile::Target(t) => smm_core::ProfileView::of_target(&t.resolved),
            LoadedProfile::Assessment(a) => smm_core::ProfileView::of_current(catalog, &a.current),
        }
    }
}

/// Reads a target profile or an assessment (each file read once); any other kind is refused at
/// its `kind:` line.
pub fn load_profile(catalog: &Catalog, path: &Path) -> Result<LoadedProfile, Failure> {
    use smm_core::header::{expect_kind, read_kind};
    use smm_core::Kind;
    let source = read_source(path)?;
    let kind =
        read_kind(&source.text).map_err(|d| Problem::from_diagnostics(path, &source.text, d))?;
    match kind {
        Kind::TargetProfile => target_from(catalog, source).map(LoadedProfile::Target),
        Kind::Assessment => assessment_from(catalog, source).map(LoadedProfile::Assessment),
        other => {
            // Reuse the header's diagnostic for its position, with a message naming both kinds.
            let mut d = expect_kind(&source.text, Kind::TargetProfile)
                .err()
                .unwrap_or_default();
            for d in &mut d.0 {
                d.message = format!(
                    "expected a TargetProfile or an Assessment, found kind `{}`",
                    other.name()
                );
            }
            Err(Problem::from_diagnostics(path, &source.text, d).into())
        }
    }
}

/// The target an assessment names (its `target.path`, relative to the assessment), loaded and
/// checked against the digest the assessment recorded; `help` says what else the user can do
/// when it cannot be loaded.
pub fn load_named_target(
    catalog: &Catalog,
    assessment: &LoadedAssessment,
    help: &str,
) -> Result<LoadedTarget, Failure> {
    let base = assessment.source.path.parent().unwrap_or(Path::new("."));
    let path = base.join(&assessment.document.target.path);
    match load_target(catalog, &path) {
        Ok(target) => {
            check_pairing(&target, assessment)?;
            Ok(target)
        }
        Err(Failure::BadInput(mut problems)) => {
            let why = smm_core::Diagnostic::new(
                assessment.document.target.sha256.at,
                "target.path",
                format!(
                    "the target `{}` this assessment names could not be loaded",
                    path.display()
                ),
            )
            .with_help(help);
            problems.insert(
                0,
                Problem {
                    path: Some(assessment.source.path.clone()),
                    text: Some(assessment.source.text.clone()),
                    diagnostic: why,
                },
            );
            Err(Failure::BadInput(problems))
        }
        Err(other) => Err(other),
    }
}
