//! Organizations and who acts in them: creating one (its creator owns it), members and their
//! roles (an organization never loses its last owner), API tokens (the secret shown once), and
//! the organization's part of the audit log.

use axum::http::StatusCode;

use smm_store::{
    AuditEntry, OrganizationId, OrganizationInfo, Page, Role, StoreError, TokenGrant, UserId,
};

use crate::access::in_organization;
use crate::auth::{Caller, Principal};
use crate::authz::{allowed, Action};
use crate::problem::Problem;
use crate::state::AppState;

/// Creates an organization; the signed-in person becomes its owner (an API token cannot).
pub async fn create(
    state: &AppState,
    caller: &Caller,
    name: &str,
) -> Result<OrganizationId, Problem> {
    let Principal::User { id, .. } = caller.principal else {
        return Err(Problem::forbidden(
            "an API token acts for its organization only; sign in to create one",
        ));
    };
    let actor = caller.actor();
    let org = state
        .store
        .create_organization(&actor, name)
        .await
        .map_err(|e| field_error(e, "name"))?;
    state
        .store
        .set_membership(&actor, id, org, Role::Owner)
        .await?;
    Ok(org)
}

/// An organization: its name and whether it is a certification body, for its members.
pub async fn organization(
    state: &AppState,
    caller: &Caller,
    org: i64,
) -> Result<OrganizationInfo, Problem> {
    in_organization(caller, org, Action::Read)?;
    Ok(state.store.organization(OrganizationId(org)).await?)
}

/// An organization's name and members (name and role), for anyone in it; whether the caller
/// may manage them.
pub struct Members {
    /// The organization's name.
    pub name: String,
    /// Each member's name and role.
    pub members: Vec<(String, Role)>,
    /// Whether the caller may change members and tokens.
    pub manage: bool,
}

/// The members of an organization.
pub async fn members(state: &AppState, caller: &Caller, org: i64) -> Result<Members, Problem> {
    let role = in_organization(caller, org, Action::Read)?;
    let id = OrganizationId(org);
    Ok(Members {
        name: state.store.organization_name(id).await?,
        members: state
            .store
            .members(id)
            .await?
            .into_iter()
            .map(|(_, name, role)| (name, role))
            .collect(),
        manage: allowed(role, Action::ManageMembers),
    })
}

/// Adds a person to the organization, creating them when a first password is given and the
/// name is new, or changes their role. A password for someone who exists is refused (their
/// password is theirs), and the last owner cannot step down.
pub async fn set_member(
    state: &AppState,
    caller: &Caller,
    org: i64,
    name: &str,
    role: Role,
    password: Option<&str>,
) -> Result<(), Problem> {
    in_organization(caller, org, Action::ManageMembers)?;
    let name = name.trim();
    let user: UserId = match (state.store.user_by_name(name).await?, password) {
        (Some(_), Some(_)) => {
            return Err(Problem::new(
                StatusCode::CONFLICT,
                format!(
                    "user `{name}` already exists: give only the role (their password is theirs)"
                ),
            )
            .with_field("password"))
        }
        (Some(user), None) => user,
        (None, Some(password)) => state
            .store
            .create_user(&caller.actor(), name, password)
            .await
            .map_err(|e| field_error(e, "password"))?,
        (None, None) => {
            return Err(Problem::not_found(format!(
                "user `{name}` (give a first password to create them)"
            ))
            .with_field("name"))
        }
    };
    if caller.user() == Some(user) && role != Role::Owner {
        let owners = state
            .store
            .members(OrganizationId(org))
            .await?
            .iter()
            .filter(|(_, _, r)| *r == Role::Owner)
            .count();
        if owners <= 1 {
            return Err(Problem::new(
                StatusCode::CONFLICT,
                "you are the organization's last owner: make someone else owner first",
            )
            .with_field("role"));
        }
    }
    state
        .store
        .set_membership(&caller.actor(), user, OrganizationId(org), role)
        .await?;
    Ok(())
}

/// Creates an API token for the organization: the grant and its secret, which is never shown
/// again.
pub async fn create_token(
    state: &AppState,
    caller: &Caller,
    org: i64,
    name: &str,
    role: Role,
) -> Result<(TokenGrant, String), Problem> {
    in_organization(caller, org, Action::ManageTokens)?;
    state
        .store
        .create_api_token(&caller.actor(), OrganizationId(org), role, name)
        .await
        .map_err(|e| field_error(e, "name"))
}

/// The organization's API tokens (never their secrets).
pub async fn tokens(
    state: &AppState,
    caller: &Caller,
    org: i64,
) -> Result<Vec<TokenGrant>, Problem> {
    in_organization(caller, org, Action::ManageTokens)?;
    Ok(state.store.api_tokens(OrganizationId(org)).await?)
}

/// Revokes an API token of the organization.
pub async fn revoke_token(
    state: &AppState,
    caller: &Caller,
    org: i64,
    token: i64,
) -> Result<(), Problem> {
    in_organization(caller, org, Action::ManageTokens)?;
    Ok(state
        .store
        .revoke_api_token(&caller.actor(), OrganizationId(org), token)
        .await?)
}

/// A page of the organization's audit log entries, oldest first.
pub async fn audit(
    state: &AppState,
    caller: &Caller,
    org: i64,
    page: Page,
) -> Result<Vec<AuditEntry>, Problem> {
    in_organization(caller, org, Action::ReadAudit)?;
    Ok(state.store.audit_page(OrganizationId(org), page).await?)
}

/// A store refusal of a submitted value, named after the field that carried it.
pub(crate) fn field_error(e: StoreError, field: &str) -> Problem {
    match e {
        StoreError::Invalid(m) => Problem::bad_field(field, m),
        other => Problem::from(other).with_field(field),
    }
}
