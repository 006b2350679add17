//! Organizations and who acts in them: creating one (its creator owns it), members and their
//! roles (an organization never loses its last owner: the store checks it inside the change's
//! own transaction), removing members and ending their sessions, API tokens (the secret shown
//! once, with an expiry, working only while their maker is an owner), and the organization's
//! part of the audit log. People join through invitations they accept (`invitations`).

use axum::http::StatusCode;

use smm_store::{
    AuditEntry, OrganizationId, OrganizationInfo, Page, Role, StoreError, TokenGrant,
    MAX_TOKEN_DAYS,
};

use crate::access::in_organization;
use crate::auth::{Caller, Principal};
use crate::authz::{permitted, Action};
use crate::problem::Problem;
use crate::state::{unix_now, AppState};

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
        manage: permitted(caller.credential(), role, Action::ManageMembers),
    })
}

/// What setting a member did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberChange {
    /// A member's role changed.
    RoleChanged,
    /// An invitation waits for the name: a brand-new account made with the given password, or
    /// someone who already had one (their password stays theirs). The answer is the same either
    /// way, so nobody learns which names exist.
    Invited,
}

/// Changes a member's role or, when a first password is given, makes sure an account of that
/// name exists and invites it. Nobody joins without accepting: a new account accepts at its
/// first sign-in, an existing one whenever its holder chooses. Creating and finding an account
/// cost the same (the password is hashed and checked for strength first in both cases), and
/// the answers are identical. The organization keeps an owner.
pub async fn set_member(
    state: &AppState,
    caller: &Caller,
    org: i64,
    name: &str,
    role: Role,
    password: Option<&str>,
) -> Result<MemberChange, Problem> {
    in_organization(caller, org, Action::ManageMembers)?;
    let id = OrganizationId(org);
    let name = name.trim();
    let actor = caller.actor();
    match password {
        None => {
            state
                .store
                .change_role(&actor, id, name, role)
                .await
                .map_err(|e| member_error(e, name))?;
            Ok(MemberChange::RoleChanged)
        }
        Some(password) => {
            match state.store.create_user(&actor, name, password).await {
                Ok(_) | Err(StoreError::Exists(_)) => {}
                Err(other) => return Err(field_error(other, "password")),
            }
            crate::app::invitations::invite(state, caller, org, name, role).await?;
            Ok(MemberChange::Invited)
        }
    }
}

/// Removes a member, or lets a member leave: anyone may remove themselves, only an owner (in
/// person) others. The organization keeps an owner. Their sessions stop acting here at once.
pub async fn remove_member(
    state: &AppState,
    caller: &Caller,
    org: i64,
    name: &str,
) -> Result<(), Problem> {
    let leaving =
        matches!(&caller.principal, Principal::User { name: me, .. } if me == name.trim());
    let action = if leaving {
        Action::Read
    } else {
        Action::ManageMembers
    };
    in_organization(caller, org, action)?;
    state
        .store
        .remove_member(&caller.actor(), OrganizationId(org), name)
        .await
        .map_err(|e| member_error(e, name.trim()))
}

/// Ends a member's sessions in this organization: whatever they opened until now no longer acts
/// here (they sign in again to come back, if they are still a member).
pub async fn end_sessions(
    state: &AppState,
    caller: &Caller,
    org: i64,
    name: &str,
) -> Result<(), Problem> {
    in_organization(caller, org, Action::ManageMembers)?;
    state
        .store
        .end_member_sessions(&caller.actor(), OrganizationId(org), name)
        .await
        .map_err(|e| member_error(e, name.trim()))
}

/// A store refusal of a change to a member, said in the words of the members' page.
fn member_error(e: StoreError, name: &str) -> Problem {
    match e {
        StoreError::LastOwner => Problem::new(
            StatusCode::CONFLICT,
            "that would leave the organization without an owner: make someone else owner first",
        )
        .with_field("role"),
        StoreError::NotFound(_) => Problem::not_found(format!(
            "no member named `{name}`: to add someone, invite them"
        ))
        .with_field("name"),
        other => other.into(),
    }
}

/// The lifetime of a token when none is asked for, in days.
pub const DEFAULT_TOKEN_DAYS: i64 = 90;

/// Creates an API token for the organization, working for `days` (1 to [`MAX_TOKEN_DAYS`]):
/// the grant and its secret, which is never shown again. Only a signed-in owner may, and the
/// token works only while that person stays an owner here.
pub async fn create_token(
    state: &AppState,
    caller: &Caller,
    org: i64,
    name: &str,
    role: Role,
    days: i64,
) -> Result<(TokenGrant, String), Problem> {
    in_organization(caller, org, Action::ManageTokens)?;
    if !(1..=MAX_TOKEN_DAYS).contains(&days) {
        return Err(Problem::bad_field(
            "expires_in_days",
            format!("a token lives from 1 to {MAX_TOKEN_DAYS} days"),
        ));
    }
    state
        .store
        .create_api_token(
            &caller.actor(),
            OrganizationId(org),
            role,
            name,
            unix_now() + days * 86_400,
            caller.user(),
        )
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
