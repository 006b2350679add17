//! Documents in and out of the store.
//!
//! In: a submitted text is checked once, here, against the server's catalog
//! ([`smm_core::CheckedDocument`]: parsed as the kind the caller expects, resolved or checked,
//! digested and summarized), and only a checked document reaches the store ([`create`],
//! [`update`]); the store never parses.
//!
//! Out: stored documents back into the pipeline, parsed and resolved or checked against the
//! catalog, with the core's located problems as a 422 when a stored document no longer resolves.
//! "Parsed" reads the version's prepared form when it has one this build wrote
//! ([`smm_core::document::prepared`]: a tenth of the YAML's cost), and its text otherwise.

use axum::http::StatusCode;
use smm_core::document::prepared;
use smm_core::{
    current_profile, parse_assessment, parse_target, resolve, Assessment, CheckError,
    CheckedDocument, CheckedKind, CurrentProfile, Diagnostics, ResolvedTarget, TargetProfile,
};
use smm_store::{DocumentId, DocumentKind, OrganizationId, StoreError, StoredDocument, SystemId};

use crate::access;
use crate::auth::Caller;
use crate::authz::Action;
use crate::problem::{document_problem, Problem};
use crate::state::AppState;

/// A stored target profile, parsed and resolved.
pub struct Target {
    /// As stored.
    pub stored: StoredDocument,
    /// As parsed.
    pub document: TargetProfile,
    /// Resolved against the catalog.
    pub resolved: ResolvedTarget,
}

/// A stored assessment, parsed and checked.
pub struct Current {
    /// As stored.
    pub stored: StoredDocument,
    /// As parsed.
    pub document: Assessment,
    /// Checked against the catalog.
    pub current: CurrentProfile,
}

/// A kind with its article, for messages: "a target profile".
pub fn described(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::TargetProfile => "a target profile",
        DocumentKind::Assessment => "an assessment",
        DocumentKind::RiskScenarios => "a set of loss scenarios",
    }
}

/// Loads a target profile of an organization (access already checked).
pub async fn target(
    state: &AppState,
    org: OrganizationId,
    id: DocumentId,
    version: Option<i64>,
) -> Result<Target, Problem> {
    let stored = state.store.document(org, id, version).await?;
    target_from(state, stored)
}

/// A target profile from its stored text, parsed and resolved against the catalog.
pub fn target_from(state: &AppState, stored: StoredDocument) -> Result<Target, Problem> {
    if stored.kind != DocumentKind::TargetProfile {
        return Err(Problem::bad_field(
            "target",
            format!(
                "document {} is {}, not a target profile",
                stored.id.0,
                described(stored.kind)
            ),
        ));
    }
    let document = parsed_target(&stored).map_err(|d| document_problem(&d))?;
    let resolved = resolve(&state.catalog, &document).map_err(|d| document_problem(&d))?;
    Ok(Target {
        stored,
        document,
        resolved,
    })
}

/// A stored target profile as parsed: from its prepared form, or else from its text.
pub fn parsed_target(stored: &StoredDocument) -> Result<TargetProfile, Diagnostics> {
    parsed(stored.prepared.as_deref(), &stored.body, parse_target)
}

/// A stored assessment as parsed: from its prepared form, or else from its text.
pub fn parsed_assessment(stored: &StoredDocument) -> Result<Assessment, Diagnostics> {
    parsed(stored.prepared.as_deref(), &stored.body, parse_assessment)
}

/// A document read back from its prepared form when there is one this build can read, and
/// parsed from its text otherwise.
fn parsed<T: prepared::Prepared>(
    form: Option<&[u8]>,
    text: &str,
    parse: fn(&str) -> Result<T, Diagnostics>,
) -> Result<T, Diagnostics> {
    let Some(form) = form else {
        return parse(text);
    };
    match prepared::read(form) {
        Some(document) => Ok(document),
        None => {
            unreadable_form_met();
            parse(text)
        }
    }
}

/// Says once in the server's life, in its log, that it met a prepared form it does not read:
/// after an upgrade that is every version an older release stored, each parsed at every read
/// until the operator runs `smm admin prepare-forms`, which nothing else would tell them.
fn unreadable_form_met() {
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        tracing::warn!(
            "a stored version's prepared form was written by another release (or is damaged): \
             such versions are parsed from their text at every read; once every server runs \
             this release, run `smm admin prepare-forms` (docs/deploy.md, \"Upgrades\")"
        );
    });
}

/// A document from a version read without its text when its prepared form is one this build
/// writes ([`smm_store::Store::document_with_named_target`]), by `from`: when that form turns
/// out damaged, the version is read again whole and its text decides, as everywhere else.
pub async fn from_read<T>(
    state: &AppState,
    org: OrganizationId,
    stored: StoredDocument,
    from: fn(&AppState, StoredDocument) -> Result<T, Problem>,
) -> Result<T, Problem> {
    if !stored.body.is_empty() {
        return from(state, stored);
    }
    let (id, version) = (stored.id, stored.version);
    match from(state, stored) {
        Ok(read) => Ok(read),
        Err(_) => from(state, state.store.document(org, id, Some(version)).await?),
    }
}

/// Loads an assessment of an organization (access already checked).
pub async fn assessment(
    state: &AppState,
    org: OrganizationId,
    id: DocumentId,
) -> Result<Current, Problem> {
    let stored = state.store.document(org, id, None).await?;
    assessment_from(state, stored)
}

/// An assessment from its stored text, parsed and resolved against the catalog.
pub fn assessment_from(state: &AppState, stored: StoredDocument) -> Result<Current, Problem> {
    if stored.kind != DocumentKind::Assessment {
        return Err(Problem::bad_field(
            "assessment",
            format!(
                "document {} is {}, not an assessment",
                stored.id.0,
                described(stored.kind)
            ),
        ));
    }
    let document = parsed_assessment(&stored).map_err(|d| document_problem(&d))?;
    let current = current_profile(&state.catalog, &document).map_err(|d| document_problem(&d))?;
    Ok(Current {
        stored,
        document,
        current,
    })
}

/// Checks that an assessment was made against this target (by content digest). The target's
/// digest is the one stored with its version, computed when the version was checked: hashing the
/// target again was as costly as reading it.
pub fn check_pairing(target: &Target, assessment: &Current) -> Result<(), Problem> {
    smm_core::check_known_target_digest(
        &assessment.document,
        &target.document,
        &target.stored.sha256,
    )
    .map_err(|d| {
        let mut p = document_problem(&d);
        p.detail = format!(
            "assessment {} was made against another target than document {}: {}",
            assessment.stored.id.0, target.stored.id.0, p.detail
        );
        p
    })
}

/// The target an assessment was made against: the one asked for, or else the newest stored
/// version in the assessment's system whose content digest the assessment names.
pub async fn target_of(
    state: &AppState,
    org: OrganizationId,
    assessment: &Current,
    asked: Option<i64>,
) -> Result<Target, Problem> {
    let target = match asked {
        Some(id) => target(state, org, DocumentId(id), None).await?,
        None => {
            let digest = &assessment.document.target.sha256.value;
            let stored = state
                .store
                .document_by_digest(
                    org,
                    assessment.stored.system,
                    DocumentKind::TargetProfile,
                    digest,
                )
                .await?
                .ok_or_else(|| {
                    Problem::new(
                        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                        format!(
                            "no stored target profile of this system has the digest {digest} \
                             that assessment {} names: store that target first, or name one \
                             with ?target=ID",
                            assessment.stored.id.0
                        ),
                    )
                    .with_field("target.sha256")
                })?;
            target_from(state, stored)?
        }
    };
    made_against(target, assessment)
}

/// [`target_of`] with no target asked for, when the store has read the target the assessment
/// names beside it ([`smm_store::Store::document_with_named_target`]). When it found none, the
/// target is looked up by the digest the assessment's text names, as [`target_of`] does, so
/// the answer (a target, or the 422 that names the digest) is the same.
pub async fn named_target(
    state: &AppState,
    org: OrganizationId,
    assessment: &Current,
    read: Option<StoredDocument>,
) -> Result<Target, Problem> {
    match read {
        Some(stored) => made_against(
            from_read(state, org, stored, target_from).await?,
            assessment,
        ),
        None => target_of(state, org, assessment, None).await,
    }
}

/// The target, once checked to be of the assessment's system and the one it was made against.
fn made_against(target: Target, assessment: &Current) -> Result<Target, Problem> {
    if target.stored.system != assessment.stored.system {
        return Err(Problem::bad_field(
            "target",
            "the target profile belongs to another system than the assessment",
        ));
    }
    check_pairing(&target, assessment)?;
    Ok(target)
}

/// Checks a submitted text for storing as a document of `kind`, against the server's catalog.
///
/// Refused as a 422: a document of another kind (field `kind`), or one that does not parse or
/// does not resolve (every problem located, the first one's field named).
pub fn check(
    state: &AppState,
    kind: DocumentKind,
    text: impl Into<String>,
) -> Result<CheckedDocument, Problem> {
    CheckedDocument::check(&state.catalog, checked_kind(kind), text).map_err(|e| match e {
        CheckError::WrongKind { .. } => Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("this endpoint takes a document of kind `{}`", kind.as_str()),
        )
        .with_field("kind"),
        CheckError::Invalid(diagnostics) => document_problem(&diagnostics),
    })
}

/// The core's kind for a stored kind: what a text is checked as.
pub fn checked_kind(kind: DocumentKind) -> CheckedKind {
    match kind {
        DocumentKind::TargetProfile => CheckedKind::TargetProfile,
        DocumentKind::Assessment => CheckedKind::Assessment,
        DocumentKind::RiskScenarios => CheckedKind::RiskScenarios,
    }
}

/// The action that writes documents of a kind. Loss scenarios are the owner's statement of what
/// the system stands to lose, as the target is of what it needs: those who set targets write
/// them, an assessor does not.
pub fn write_action(kind: DocumentKind) -> Action {
    match kind {
        DocumentKind::TargetProfile | DocumentKind::RiskScenarios => Action::WriteTarget,
        DocumentKind::Assessment => Action::WriteAssessment,
    }
}

/// Stores a new document of `kind` in a system (access already checked): checked first, so a
/// refused text never reaches the store.
pub async fn create(
    state: &AppState,
    actor: &str,
    org: OrganizationId,
    system: SystemId,
    kind: DocumentKind,
    text: impl Into<String>,
) -> Result<StoredDocument, Problem> {
    let checked = check(state, kind, text)?;
    create_checked(state, actor, org, system, &checked).await
}

/// Stores a document already checked against the server's catalog (the editor's typed
/// assessment): nothing is parsed again.
pub async fn create_checked(
    state: &AppState,
    actor: &str,
    org: OrganizationId,
    system: SystemId,
    checked: &CheckedDocument,
) -> Result<StoredDocument, Problem> {
    Ok(state
        .store
        .create_document(actor, org, system, checked)
        .await?)
}

/// Why an update was not stored.
#[derive(Debug)]
pub enum UpdateError {
    /// Someone stored a newer version since the one the change is based on; nothing was written.
    Conflict {
        /// The latest version now.
        current: i64,
        /// The version the change was based on.
        expected: i64,
    },
    /// Refused for another reason (the text, the document, the database).
    Refused(Problem),
}

impl From<UpdateError> for Problem {
    fn from(e: UpdateError) -> Problem {
        match e {
            UpdateError::Conflict { current, expected } => {
                StoreError::Conflict { current, expected }.into()
            }
            UpdateError::Refused(problem) => problem,
        }
    }
}

/// Stores a new version of a document of `kind` (access already checked), if `if_version` is
/// still its latest: checked first, then written only when nobody stored a version since.
pub async fn update(
    state: &AppState,
    actor: &str,
    org: OrganizationId,
    id: DocumentId,
    kind: DocumentKind,
    if_version: i64,
    text: impl Into<String>,
) -> Result<StoredDocument, UpdateError> {
    let checked = check(state, kind, text).map_err(UpdateError::Refused)?;
    update_checked(state, actor, org, id, if_version, &checked).await
}

/// Stores a new version already checked against the server's catalog, as [`update`] does.
///
/// A target profile whose latest version is approved is never edited: a new version is taken
/// only when it records `supersedes` with that version's digest (the core's
/// [`smm_core::lineage::check_after_approved`], the rule `smm validate` applies to files);
/// anything else is refused as a 409 naming the approval.
pub async fn update_checked(
    state: &AppState,
    actor: &str,
    org: OrganizationId,
    id: DocumentId,
    if_version: i64,
    checked: &CheckedDocument,
) -> Result<StoredDocument, UpdateError> {
    if checked.kind() == CheckedKind::TargetProfile {
        let latest = state
            .store
            .document(org, id, None)
            .await
            .map_err(|e| UpdateError::Refused(e.into()))?;
        // A stored text that no longer parses cannot be approved; the new one parsed when checked.
        let next = parsed(checked.prepared(), checked.text(), parse_target);
        if let (Ok(approved), Ok(next)) = (parsed_target(&latest), next) {
            smm_core::lineage::check_after_approved(&approved, &next)
                .map_err(|d| UpdateError::Refused(approved_problem(&d, latest.version)))?;
        }
    }
    match state
        .store
        .update_document(actor, org, id, if_version, checked)
        .await
    {
        Ok(stored) => Ok(stored),
        Err(StoreError::Conflict { current, expected }) => {
            Err(UpdateError::Conflict { current, expected })
        }
        Err(e) => Err(UpdateError::Refused(e.into())),
    }
}

/// 409: the latest version is approved and the new text does not supersede it.
fn approved_problem(diagnostics: &smm_core::Diagnostics, version: i64) -> Problem {
    let first = diagnostics.0.first();
    let detail = first.map_or_else(String::new, |d| match &d.help {
        Some(help) => format!("{} (stored version {version}); {help}", d.message),
        None => format!("{} (stored version {version})", d.message),
    });
    let field = first.map_or("supersedes", |d| d.field.as_str());
    Problem::new(StatusCode::CONFLICT, detail).with_field(field)
}

/// Fills in the levels and named target kept beside each version (what the portfolio rolls up)
/// for versions stored before they were kept: each is checked against the server's catalog, as
/// a new one would be. A version that no longer checks keeps none (its system then counts as
/// without a target, as the gap would refuse it). Runs when the server starts, a batch at a time.
pub async fn fill_in_levels(
    store: &smm_store::Store,
    catalog: &smm_core::Catalog,
) -> Result<usize, smm_store::StoreError> {
    const BATCH: i64 = 200;
    let mut after = (DocumentId(0), 0);
    let mut filled = 0;
    loop {
        let versions = store.versions_to_fill(after, BATCH).await?;
        let Some(last) = versions.last() else {
            return Ok(filled);
        };
        after = (last.document, last.version);
        for v in &versions {
            if let Ok(checked) =
                CheckedDocument::check(catalog, checked_kind(v.kind), v.body.as_str())
            {
                let levels = smm_store::VersionLevels::of(&checked);
                store.fill_in_levels(v.document, v.version, &levels).await?;
                filled += 1;
            }
        }
    }
}

/// Stores a new document of `kind` in a system, if the caller may write that kind there.
pub async fn store_new(
    state: &AppState,
    caller: &Caller,
    system: i64,
    kind: DocumentKind,
    text: impl Into<String>,
) -> Result<StoredDocument, Problem> {
    let (info, _) = access::system(state, caller, system, write_action(kind)).await?;
    create(
        state,
        &caller.actor(),
        info.organization,
        info.id,
        kind,
        text,
    )
    .await
}

/// Stores a new version of a document the caller may write, based on `if_version`.
pub async fn store_version(
    state: &AppState,
    caller: &Caller,
    id: i64,
    if_version: i64,
    text: impl Into<String>,
) -> Result<StoredDocument, UpdateError> {
    // The write action follows the document's kind (see `access::document`).
    let (org, _, kind) = access::document(state, caller, id, Action::WriteTarget)
        .await
        .map_err(UpdateError::Refused)?;
    update(
        state,
        &caller.actor(),
        org,
        DocumentId(id),
        kind,
        if_version,
        text,
    )
    .await
}

/// A version of a document the caller may read (the latest if none is named).
pub async fn read(
    state: &AppState,
    caller: &Caller,
    id: i64,
    version: Option<i64>,
) -> Result<StoredDocument, Problem> {
    let (org, _, _) = access::document(state, caller, id, Action::Read).await?;
    Ok(state.store.document(org, DocumentId(id), version).await?)
}

/// Every version of a document the caller may read, oldest first.
pub async fn versions(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<Vec<smm_store::VersionInfo>, Problem> {
    let (org, _, _) = access::document(state, caller, id, Action::Read).await?;
    Ok(state.store.versions(org, DocumentId(id)).await?)
}
