//! Joining an organization with consent: an owner invites a user name with a role, and the
//! person it names accepts or declines after signing in. Inviting answers the same whether or
//! not the name has an account (the store does not look it up), so invitations tell nobody who
//! is on the server. An invitation is answered only by the signed-in person it names, before it
//! expires; an owner may withdraw it until then.

use smm_store::{Invitation, OrganizationId, Role};

use crate::access::in_organization;
use crate::app::organizations::field_error;
use crate::auth::{Caller, Principal};
use crate::authz::Action;
use crate::problem::Problem;
use crate::state::{unix_now, AppState};

/// Invites a user name into the organization with a role.
pub async fn invite(
    state: &AppState,
    caller: &Caller,
    org: i64,
    name: &str,
    role: Role,
) -> Result<Invitation, Problem> {
    in_organization(caller, org, Action::ManageMembers)?;
    state
        .store
        .invite(
            &caller.actor(),
            OrganizationId(org),
            name.trim(),
            role,
            unix_now(),
        )
        .await
        .map_err(|e| field_error(e, "name"))
}

/// The organization's invitations still waiting for an answer.
pub async fn pending(
    state: &AppState,
    caller: &Caller,
    org: i64,
) -> Result<Vec<Invitation>, Problem> {
    in_organization(caller, org, Action::ManageMembers)?;
    Ok(state
        .store
        .invitations_of(OrganizationId(org), unix_now())
        .await?)
}

/// Withdraws one of the organization's invitations.
pub async fn withdraw(state: &AppState, caller: &Caller, org: i64, id: i64) -> Result<(), Problem> {
    in_organization(caller, org, Action::ManageMembers)?;
    Ok(state
        .store
        .withdraw_invitation(&caller.actor(), OrganizationId(org), id)
        .await?)
}

/// The signed-in person: invitations are answered in person, never with a token.
fn person(caller: &Caller) -> Result<(smm_store::UserId, &str), Problem> {
    match &caller.principal {
        Principal::User { id, name, .. } => Ok((*id, name)),
        Principal::Token(_) => Err(Problem::forbidden(
            "invitations are answered by the person invited: sign in",
        )),
    }
}

/// The invitations waiting for the signed-in person.
pub async fn mine(state: &AppState, caller: &Caller) -> Result<Vec<Invitation>, Problem> {
    let (_, name) = person(caller)?;
    Ok(state.store.invitations_for(name, unix_now()).await?)
}

/// Accepts (or declines) an invitation addressed to the signed-in person: the organization and
/// the role. Anyone else's invitation, or one expired or withdrawn, is "not found".
pub async fn answer(
    state: &AppState,
    caller: &Caller,
    id: i64,
    accept: bool,
) -> Result<(OrganizationId, Role), Problem> {
    let (user, _) = person(caller)?;
    Ok(state
        .store
        .answer_invitation(user, id, accept, unix_now())
        .await?)
}
