//! A pass over the stored versions that gives each target profile and assessment a prepared form
//! this release reads (`smm admin prepare-forms`).
//!
//! Readers take a version's prepared form instead of parsing its text
//! ([`crate::app::documents`]). Versions without one this release reads (stored before forms
//! existed, saved from the web editor, or prepared by a release whose document types differ)
//! are parsed at every read instead. The pass parses each such text once, the way a create does
//! (the form is the document as parsed from its text, positions included), and keeps the form.
//! It is the operator's to run, once every server runs the release: a server of the previous
//! release would read the new forms as foreign, and a pass it ran would write its own back.

use std::num::NonZeroUsize;

use smm_core::document::prepared;
use smm_core::{parse_assessment, parse_target, Diagnostics};
use smm_store::{
    DocumentId, DocumentKind, FormsCursor, PreparedForm, Store, StoreError, VersionToPrepare,
};

/// Versions read, parsed and written together: one statement to find them and one transaction
/// to keep their forms, short enough not to hold SQLite's writer for long.
const BATCH: i64 = 128;
/// Versions given their form's key in one statement.
const KEYS_BATCH: i64 = 1000;
/// A pass that rewrote at least one version in this many rebuilds the versions' indexes.
const REINDEX_SHARE: u64 = 10;

/// At most this many versions whose text does not parse are named in a report (all are
/// counted).
pub const NAMED_UNPARSED: usize = 100;

/// What a pass found and did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FormsReport {
    /// Versions found without a form this release reads.
    pub found: u64,
    /// Target profile versions given a form (or, in a dry run, that would be).
    pub targets: u64,
    /// Assessment versions given a form (or, in a dry run, that would be).
    pub assessments: u64,
    /// Versions given a form by a pass running beside this one, between this pass's finding them
    /// and its writing.
    pub raced: u64,
    /// Versions whose text this release does not parse: every read of them fails as it did
    /// before, and they keep no form. Counted here; the first [`NAMED_UNPARSED`] are named in
    /// `unparsed`.
    pub unparsed_count: u64,
    /// The first of them, newest first, with the first problem found.
    pub unparsed: Vec<Unparsed>,
    /// Versions stored without their form's key in their row, given it from their form.
    pub keys_copied: u64,
    /// Whether the versions' indexes were rebuilt afterwards (on PostgreSQL, when the pass
    /// rewrote a tenth of the versions or more: see [`Store::reindex_versions`]).
    pub reindexed: bool,
}

/// A version whose text does not parse with this release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unparsed {
    /// The document.
    pub document: DocumentId,
    /// The version.
    pub version: i64,
    /// The first problem, with its line when known: `line 4: …`.
    pub problem: String,
}

/// Finds every version without a form this release reads and, unless `dry_run`, keeps a new
/// one, parsing on `threads` threads (one without); `progress` hears of each batch (versions
/// looked at so far).
pub async fn prepare_forms(
    store: &Store,
    dry_run: bool,
    threads: Option<NonZeroUsize>,
    mut progress: impl FnMut(u64),
) -> Result<FormsReport, StoreError> {
    let threads = threads.map_or(1, NonZeroUsize::get);
    let mut report = FormsReport::default();
    // Versions stored without their form's key get it first, so that this walk and every later
    // one tell from the rows alone which forms this release reads. A dry run writes nothing: its
    // walk reads those forms' first bytes instead.
    if !dry_run {
        let mut cursor = FormsCursor::START;
        while let Some((next, filled)) = store.fill_in_prepared_keys(cursor, KEYS_BATCH).await? {
            cursor = next;
            report.keys_copied += filled;
        }
    }
    let mut cursor = FormsCursor::START;
    loop {
        let versions = store.versions_to_prepare(cursor, BATCH).await?;
        let Some(last) = versions.last() else {
            break;
        };
        cursor = FormsCursor {
            document: last.document,
            version: last.version,
        };
        report.found += versions.len() as u64;
        let (versions, outcomes) = tokio::task::spawn_blocking(move || {
            let outcomes = parse_all(&versions, threads);
            (versions, outcomes)
        })
        .await
        .map_err(|e| StoreError::Invalid(format!("the parse stopped: {e}")))?;
        let mut forms = Vec::with_capacity(outcomes.len());
        for (version, outcome) in versions.iter().zip(outcomes) {
            match outcome {
                Ok(form) => {
                    match version.kind {
                        DocumentKind::TargetProfile => report.targets += 1,
                        _ => report.assessments += 1,
                    }
                    forms.push(form);
                }
                Err(problem) => {
                    report.unparsed_count += 1;
                    if report.unparsed.len() < NAMED_UNPARSED {
                        report.unparsed.push(Unparsed {
                            document: version.document,
                            version: version.version,
                            problem,
                        });
                    }
                }
            }
        }
        if !dry_run {
            let written = store.keep_prepared(&forms).await?;
            report.raced += forms.len() as u64 - written;
        }
        progress(report.found);
    }
    let rewritten = report.keys_copied + report.targets + report.assessments - report.raced;
    if !dry_run && rewritten > 0 && rewritten * REINDEX_SHARE >= store.count_versions().await? {
        report.reindexed = store.reindex_versions().await?;
    }
    Ok(report)
}

/// Each version's new form, or the first problem of its text, in order, parsed on `threads`
/// threads.
fn parse_all(versions: &[VersionToPrepare], threads: usize) -> Vec<Result<PreparedForm, String>> {
    let per_thread = versions.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = versions
            .chunks(per_thread)
            .map(|chunk| scope.spawn(move || chunk.iter().map(form_of).collect::<Vec<_>>()))
            .collect();
        workers
            .into_iter()
            // The parser answers every text with a document or its problems; a panic would be
            // a bug of ours, shown as one rather than hidden as a version left unprepared.
            .flat_map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// A version's form, made as a create makes it: from the document parsed from its text.
fn form_of(v: &VersionToPrepare) -> Result<PreparedForm, String> {
    let form = match v.kind {
        DocumentKind::TargetProfile => parse_target(&v.body).map(|d| prepared::prepare(&d)),
        DocumentKind::Assessment => parse_assessment(&v.body).map(|d| prepared::prepare(&d)),
        DocumentKind::RiskScenarios => {
            return Err("loss scenarios have no prepared form".to_string())
        }
    }
    .map_err(|d| first_problem(&d))?;
    Ok(PreparedForm {
        document: v.document,
        version: v.version,
        form,
    })
}

/// The first problem of a text, with its line and field.
fn first_problem(diagnostics: &Diagnostics) -> String {
    let Some(d) = diagnostics.0.first() else {
        return "it does not parse".to_string();
    };
    let field = if d.field.is_empty() {
        String::new()
    } else {
        format!("`{}`: ", d.field)
    };
    match d.at.line {
        0 => format!("{field}{}", d.message),
        line => format!("line {line}: {field}{}", d.message),
    }
}
