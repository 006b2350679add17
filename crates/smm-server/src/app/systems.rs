//! Systems and products, and the grants that open one to another organization (an assessor
//! lab, a client). Grants are made by the owning organization's owners only, never through a
//! grant; someone who reaches a system through a grant sees only their own organizations'
//! grants.

use smm_store::{Grant, OrganizationId, Role, SystemId, SystemInfo, SystemKind};

use crate::access::{self, in_organization};
use crate::app::organizations::field_error;
use crate::auth::Caller;
use crate::authz::Action;
use crate::problem::Problem;
use crate::state::AppState;

/// A new system or product.
pub struct NewSystem<'a> {
    /// Its name, unique in the organization.
    pub name: &'a str,
    /// System or product.
    pub kind: SystemKind,
    /// The product line (products only; ignored for systems).
    pub line: Option<&'a str>,
}

/// Creates a system or product in an organization; the caller's role there comes back with it.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    org: i64,
    new: NewSystem<'_>,
) -> Result<(SystemInfo, Role), Problem> {
    let role = in_organization(caller, org, Action::CreateSystem)?;
    let line = new
        .line
        .map(str::trim)
        .filter(|l| !l.is_empty() && new.kind == SystemKind::Product);
    let id = state
        .store
        .create_system_of_kind(
            &caller.actor(),
            OrganizationId(org),
            new.name,
            new.kind,
            line,
        )
        .await
        .map_err(|e| field_error(e, "name"))?;
    Ok((state.store.system(id).await?, role))
}

/// The grants of a system that the caller may see.
pub async fn grants(state: &AppState, caller: &Caller, id: i64) -> Result<Vec<Grant>, Problem> {
    let (info, _) = access::system(state, caller, id, Action::Read).await?;
    let grants = state.store.grants(info.id).await?;
    let member = caller.role_in(info.organization).is_some();
    let mine: Vec<_> = caller.organizations().into_iter().map(|(o, _)| o).collect();
    Ok(grants
        .into_iter()
        .filter(|g| member || mine.contains(&g.organization))
        .collect())
}

/// The system, if the caller may manage its grants.
async fn owned_system(state: &AppState, caller: &Caller, id: i64) -> Result<SystemInfo, Problem> {
    let (info, _) = access::system(state, caller, id, Action::Read).await?;
    match caller.role_in(info.organization) {
        Some(role) => access::require(role, Action::ManageGrants)?,
        None => access::require(Role::Viewer, Action::ManageGrants)?,
    }
    Ok(info)
}

/// Gives another organization (by name) access to a system as `assessor` or `viewer`, or
/// changes what it has.
pub async fn grant(
    state: &AppState,
    caller: &Caller,
    id: i64,
    organization: &str,
    role: Role,
) -> Result<SystemId, Problem> {
    let info = owned_system(state, caller, id).await?;
    let grantee = state
        .store
        .organization_by_name(organization.trim())
        .await?
        .ok_or_else(|| {
            Problem::not_found(format!("organization `{}`", organization.trim()))
                .with_field("organization")
        })?;
    state
        .store
        .grant(&caller.actor(), info.id, grantee, role)
        .await
        .map_err(|e| field_error(e, "role"))?;
    Ok(info.id)
}

/// Takes an organization's access to a system away.
pub async fn revoke_grant(
    state: &AppState,
    caller: &Caller,
    id: i64,
    organization: &str,
) -> Result<(), Problem> {
    let info = owned_system(state, caller, id).await?;
    let grantee = state
        .store
        .organization_by_name(organization.trim())
        .await?
        .ok_or_else(|| Problem::not_found(format!("organization `{}`", organization.trim())))?;
    Ok(state
        .store
        .revoke_grant(&caller.actor(), info.id, grantee)
        .await?)
}
