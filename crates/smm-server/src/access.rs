//! Resolving an object to its owner and checking the caller's role against it, before any read
//! or write. Objects of organizations the caller cannot reach are "not found", never "forbidden",
//! so ids cannot be probed; objects the caller can see but not change are "forbidden".

use smm_store::{
    DocumentHome, DocumentId, DocumentKind, OrganizationId, Role, SystemId, SystemInfo,
};

use crate::auth::Caller;
use crate::authz::{allowed, permitted, stronger, through_grant, Action, Credential};
use crate::problem::Problem;
use crate::state::AppState;

/// Fails with 403 unless the role allows the action to this caller (see `authz::permitted`).
pub fn require_of(caller: &Caller, role: Role, action: Action) -> Result<(), Problem> {
    if permitted(caller.credential(), role, action) {
        Ok(())
    } else if caller.credential() == Credential::Token && allowed(role, action) {
        Err(Problem::forbidden(format!(
            "an API token may not {}, whatever its role: sign in as an owner",
            describe(action)
        )))
    } else {
        require(role, action)
    }
}

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
        Action::IssueDeclaration => "sign supplier's declarations",
        Action::RevokeCertificate => "revoke certificates",
        Action::ReadAudit => "read the audit log",
        Action::ManageMembers => "manage members or invitations",
        Action::ManageTokens => "manage API tokens",
        Action::ManageGrants => "offer, withdraw or accept grants of access to systems",
        Action::ManageKeys => "manage the organization's signing keys",
    }
}

/// The caller's role in an organization, checked against an action (404 if not a member).
pub fn in_organization(caller: &Caller, org: i64, action: Action) -> Result<Role, Problem> {
    let role = caller
        .role_in(OrganizationId(org))
        .ok_or_else(|| Problem::not_found(format!("organization {org}")))?;
    require_of(caller, role, action)?;
    Ok(role)
}

/// A system and every role the caller has on it: a membership of its owner, and grants to
/// other organizations the caller belongs to. Not found when there is none.
pub async fn system_roles(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<(SystemInfo, Vec<Role>), Problem> {
    let hidden = || Problem::not_found(format!("system {id}"));
    let info = state
        .store
        .system(SystemId(id))
        .await
        .map_err(|_| hidden())?;
    let roles = roles_on(state, caller, &info).await?;
    if roles.is_empty() {
        return Err(hidden());
    }
    Ok((info, roles))
}

/// Every role the caller has on a system: a membership of its owner, and grants to its other
/// organizations (none: it cannot reach the system).
async fn roles_on(
    state: &AppState,
    caller: &Caller,
    info: &SystemInfo,
) -> Result<Vec<Role>, Problem> {
    let mut roles: Vec<Role> = caller.role_in(info.organization).into_iter().collect();
    for (org, member) in caller.organizations() {
        if org == info.organization {
            continue;
        }
        if let Some(grant) = state.store.grant_for(info.id, org).await? {
            roles.push(through_grant(member, grant));
        }
    }
    Ok(roles)
}

/// Whether any of the roles allows the action.
pub fn any_allows(roles: &[Role], action: Action) -> bool {
    roles.iter().any(|r| allowed(*r, action))
}

/// A system and the caller's role on it (membership of its owner, or a grant), checked against
/// an action.
pub async fn system(
    state: &AppState,
    caller: &Caller,
    id: i64,
    action: Action,
) -> Result<(SystemInfo, Role), Problem> {
    let (info, roles) = system_roles(state, caller, id).await?;
    // A person may reach the system in several ways. No single role need allow everything they
    // together allow (an editor there and a lab's owner here), so the action is allowed if any
    // way allows it; the role reported is the strongest way that does.
    let role = roles
        .iter()
        .copied()
        .filter(|r| allowed(*r, action))
        .reduce(stronger)
        .or_else(|| roles.iter().copied().reduce(stronger))
        .ok_or_else(|| Problem::not_found(format!("system {id}")))?;
    require_of(caller, role, action)?;
    Ok((info, role))
}

/// A document's owner, system and kind, with the caller's role on its system checked against an
/// action.
pub async fn document(
    state: &AppState,
    caller: &Caller,
    id: i64,
    action: Action,
) -> Result<(OrganizationId, SystemInfo, DocumentKind), Problem> {
    let home = document_home(state, caller, id, action).await?;
    Ok((home.organization, home.system, home.kind))
}

/// [`document`], with its latest version's digest found by the same query.
pub async fn document_home(
    state: &AppState,
    caller: &Caller,
    id: i64,
    action: Action,
) -> Result<DocumentHome, Problem> {
    let hidden = || Problem::not_found(format!("document {id}"));
    // One query for the document and its system: this runs on every document request.
    let home = state
        .store
        .document_home(DocumentId(id))
        .await
        .map_err(|_| hidden())?;
    let kind = home.kind;
    let roles = roles_on(state, caller, &home.system).await?;
    if roles.is_empty() {
        return Err(hidden());
    }
    let action = match action {
        Action::WriteTarget | Action::WriteAssessment => crate::app::documents::write_action(kind),
        other => other,
    };
    // Allowed if any way onto the system allows it (see `system`).
    if !any_allows(&roles, action) {
        let role = roles.iter().copied().reduce(stronger).ok_or_else(hidden)?;
        require(role, action)?;
    }
    Ok(home)
}
