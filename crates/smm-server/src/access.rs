//! Resolving an object to its owner and checking the caller's role against it, before any read
//! or write. Objects of organizations the caller cannot reach are "not found", never "forbidden",
//! so ids cannot be probed; objects the caller can see but not change are "forbidden".

use smm_store::{DocumentId, DocumentKind, OrganizationId, Role, SystemId, SystemInfo};

use crate::auth::Caller;
use crate::authz::{allowed, stronger, through_grant, Action};
use crate::problem::Problem;
use crate::state::AppState;

/// Fails with 403 unless the role allows the action.
pub fn require(role: Role, action: Action) -> Result<(), Problem> {
    if allowed(role, action) {
        Ok(())
    } else {
        Err(Problem::forbidden(format!(
            "the role `{}` may not {}",
            role.as_str(),
            describe(action)
        )))
    }
}

fn describe(action: Action) -> &'static str {
    match action {
        Action::Read => "read this",
        Action::CreateSystem => "create systems or products",
        Action::WriteTarget => "write target profiles",
        Action::WriteAssessment => "write assessments",
        Action::UploadEvidence => "upload evidence",
        Action::IssueCertificate => "issue certificates",
        Action::RevokeCertificate => "revoke certificates",
        Action::ReadAudit => "read the audit log",
        Action::ManageMembers => "manage members",
        Action::ManageTokens => "create API tokens",
        Action::ManageGrants => "grant access to systems",
    }
}

/// The caller's role in an organization, checked against an action (404 if not a member).
pub fn in_organization(caller: &Caller, org: i64, action: Action) -> Result<Role, Problem> {
    let role = caller
        .role_in(OrganizationId(org))
        .ok_or_else(|| Problem::not_found(format!("organization {org}")))?;
    require(role, action)?;
    Ok(role)
}

/// A system and the caller's role on it (membership of its owner, or a grant), checked against
/// an action.
pub async fn system(
    state: &AppState,
    caller: &Caller,
    id: i64,
    action: Action,
) -> Result<(SystemInfo, Role), Problem> {
    let hidden = || Problem::not_found(format!("system {id}"));
    let info = state
        .store
        .system(SystemId(id))
        .await
        .map_err(|_| hidden())?;
    let role = role_on(state, caller, &info).await?.ok_or_else(hidden)?;
    require(role, action)?;
    Ok((info, role))
}

/// The caller's role on a system: through membership of its owner, or through a grant to one of
/// the caller's organizations (the stronger, if both); `None` if it cannot reach the system.
async fn role_on(
    state: &AppState,
    caller: &Caller,
    info: &SystemInfo,
) -> Result<Option<Role>, Problem> {
    let mut role = caller.role_in(info.organization);
    for (org, member) in caller.organizations() {
        if org == info.organization {
            continue;
        }
        if let Some(grant) = state.store.grant_for(info.id, org).await? {
            let via = through_grant(member, grant);
            role = Some(role.map_or(via, |r| stronger(r, via)));
        }
    }
    Ok(role)
}

/// A document's owner, system and kind, with the caller's role on its system checked against an
/// action.
pub async fn document(
    state: &AppState,
    caller: &Caller,
    id: i64,
    action: Action,
) -> Result<(OrganizationId, SystemInfo, DocumentKind), Problem> {
    let hidden = || Problem::not_found(format!("document {id}"));
    // One query for the document and its system: this runs on every document request.
    let (org, kind, info) = state
        .store
        .document_system(DocumentId(id))
        .await
        .map_err(|_| hidden())?;
    let role = role_on(state, caller, &info)
        .await
        .map_err(|_| hidden())?
        .ok_or_else(hidden)?;
    let action = match (action, kind) {
        (Action::WriteTarget | Action::WriteAssessment, DocumentKind::TargetProfile) => {
            Action::WriteTarget
        }
        (Action::WriteTarget | Action::WriteAssessment, DocumentKind::Assessment) => {
            Action::WriteAssessment
        }
        (other, _) => other,
    };
    require(role, action)?;
    Ok((org, info, kind))
}
