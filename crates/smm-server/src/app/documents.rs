//! Stored documents back into the pipeline: parsed, resolved or checked against the catalog,
//! with the core's located problems as a 422 when a stored document no longer resolves.

use smm_core::{
    current_profile, parse_assessment, parse_target, resolve, Assessment, CurrentProfile,
    ResolvedTarget, TargetProfile,
};
use smm_store::{DocumentId, DocumentKind, OrganizationId, StoredDocument};

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

/// Loads a target profile of an organization (access already checked).
pub async fn target(
    state: &AppState,
    org: OrganizationId,
    id: DocumentId,
    version: Option<i64>,
) -> Result<Target, Problem> {
    let stored = state.store.document(org, id, version).await?;
    if stored.kind != DocumentKind::TargetProfile {
        return Err(Problem::bad_field(
            "target",
            format!("document {} is an assessment, not a target profile", id.0),
        ));
    }
    let document = parse_target(&stored.body).map_err(|d| document_problem(&d))?;
    let resolved = resolve(&state.catalog, &document).map_err(|d| document_problem(&d))?;
    Ok(Target {
        stored,
        document,
        resolved,
    })
}

/// Loads an assessment of an organization (access already checked).
pub async fn assessment(
    state: &AppState,
    org: OrganizationId,
    id: DocumentId,
) -> Result<Current, Problem> {
    let stored = state.store.document(org, id, None).await?;
    if stored.kind != DocumentKind::Assessment {
        return Err(Problem::bad_field(
            "assessment",
            format!("document {} is a target profile, not an assessment", id.0),
        ));
    }
    let document = parse_assessment(&stored.body).map_err(|d| document_problem(&d))?;
    let current = current_profile(&state.catalog, &document).map_err(|d| document_problem(&d))?;
    Ok(Current {
        stored,
        document,
        current,
    })
}

/// Checks that an assessment was made against this target (by content digest).
pub fn check_pairing(target: &Target, assessment: &Current) -> Result<(), Problem> {
    smm_core::check_target_digest(&assessment.document, &target.document).map_err(|d| {
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
            let (id, version) = state
                .store
                .version_by_digest(
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
            target(state, org, id, Some(version)).await?
        }
    };
    if target.stored.system != assessment.stored.system {
        return Err(Problem::bad_field(
            "target",
            "the target profile belongs to another system than the assessment",
        ));
    }
    check_pairing(&target, assessment)?;
    Ok(target)
}
