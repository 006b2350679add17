//! Consent and an end to access: invitations an owner sends and the invited person answers,
//! removing members and ending their sessions, and the grants offered to an organization that
//! its owners accept or decline.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use smm_store::{GrantOffer, Invitation};

use crate::app::{invitations, organizations, systems};
use crate::auth::Caller;
use crate::extract::{ApiJson, ApiPath};
use crate::problem::Problem;
use crate::routes::organizations::parse_role;
use crate::state::AppState;

/// A new invitation.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInvitation {
    /// The user name of the person invited.
    pub name: String,
    /// The role they get on accepting: owner, assessor, editor, viewer or auditor.
    pub role: String,
}

/// An invitation waiting for an answer.
#[derive(Serialize, ToSchema)]
pub struct InvitationView {
    /// Id.
    pub id: i64,
    /// The organization's id.
    pub organization: i64,
    /// The organization's name.
    pub organization_name: String,
    /// The user name invited.
    pub name: String,
    /// The role on accepting.
    pub role: String,
    /// Who invited.
    pub invited_by: String,
    /// When it can no longer be accepted, in Unix seconds.
    pub expires_at: i64,
}

impl From<Invitation> for InvitationView {
    fn from(i: Invitation) -> InvitationView {
        InvitationView {
            id: i.id,
            organization: i.organization.0,
            organization_name: i.organization_name,
            name: i.user_name,
            role: i.role.as_str().to_string(),
            invited_by: i.invited_by,
            expires_at: i.expires_at,
        }
    }
}

/// Invites a user name into the organization with a role, for seven days. The answer is the
/// same whether or not the name has an account; nobody joins until the person accepts.
#[utoipa::path(post, path = "/api/organizations/{org}/invitations", tag = "organizations",
    params(("org" = i64, Path, description = "Organization id")),
    request_body = NewInvitation,
    responses((status = 201, body = InvitationView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn invite(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<i64>,
    ApiJson(new): ApiJson<NewInvitation>,
) -> Result<(StatusCode, Json<InvitationView>), Problem> {
    let role = parse_role(&new.role, "role")?;
    let invitation = invitations::invite(&state, &caller, org, &new.name, role).await?;
    Ok((StatusCode::CREATED, Json(invitation.into())))
}

/// The organization's invitations still waiting for an answer.
#[utoipa::path(get, path = "/api/organizations/{org}/invitations", tag = "organizations",
    params(("org" = i64, Path, description = "Organization id")),
    responses((status = 200, body = Vec<InvitationView>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn pending(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<i64>,
) -> Result<Json<Vec<InvitationView>>, Problem> {
    let found = invitations::pending(&state, &caller, org).await?;
    Ok(Json(found.into_iter().map(Into::into).collect()))
}

/// Withdraws an invitation before it is answered.
#[utoipa::path(delete, path = "/api/organizations/{org}/invitations/{invitation}", tag = "organizations",
    params(("org" = i64, Path, description = "Organization id"), ("invitation" = i64, Path, description = "Invitation id")),
    responses((status = 204, description = "Withdrawn"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn withdraw(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(i64, i64)>,
) -> Result<StatusCode, Problem> {
    invitations::withdraw(&state, &caller, org, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The invitations waiting for the signed-in person.
#[utoipa::path(get, path = "/api/invitations", tag = "session",
    responses((status = 200, body = Vec<InvitationView>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn mine(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<InvitationView>>, Problem> {
    let found = invitations::mine(&state, &caller).await?;
    Ok(Json(found.into_iter().map(Into::into).collect()))
}

/// What accepting an invitation made of the signed-in person.
#[derive(Serialize, ToSchema)]
pub struct Joined {
    /// The organization's id.
    pub organization: i64,
    /// The role there.
    pub role: String,
}

/// Accepts an invitation addressed to the signed-in person: they become a member with its role.
#[utoipa::path(post, path = "/api/invitations/{invitation}/accept", tag = "session",
    params(("invitation" = i64, Path, description = "Invitation id")),
    responses((status = 200, body = Joined), (status = 403, body = Problem),
        (status = 404, description = "No such invitation for you, or expired", body = Problem)))]
pub async fn accept(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Joined>, Problem> {
    let (org, role) = invitations::answer(&state, &caller, id, true).await?;
    Ok(Json(Joined {
        organization: org.0,
        role: role.as_str().to_string(),
    }))
}

/// Declines an invitation addressed to the signed-in person.
#[utoipa::path(post, path = "/api/invitations/{invitation}/decline", tag = "session",
    params(("invitation" = i64, Path, description = "Invitation id")),
    responses((status = 204, description = "Declined"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn decline(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, Problem> {
    invitations::answer(&state, &caller, id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a member; a member may remove themselves (leave). The organization keeps an owner,
/// and the member's sessions stop acting in it at once.
#[utoipa::path(delete, path = "/api/organizations/{org}/members/{name}", tag = "organizations",
    params(("org" = i64, Path, description = "Organization id"), ("name" = String, Path, description = "User name")),
    responses((status = 204, description = "Removed"), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "The last owner would go", body = Problem)))]
pub async fn remove_member(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((org, name)): ApiPath<(i64, String)>,
) -> Result<StatusCode, Problem> {
    organizations::remove_member(&state, &caller, org, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends a member's sessions in this organization: every session they opened until now stops
/// acting in it.
#[utoipa::path(delete, path = "/api/organizations/{org}/members/{name}/sessions", tag = "organizations",
    params(("org" = i64, Path, description = "Organization id"), ("name" = String, Path, description = "User name")),
    responses((status = 204, description = "Ended"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn end_sessions(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((org, name)): ApiPath<(i64, String)>,
) -> Result<StatusCode, Problem> {
    organizations::end_sessions(&state, &caller, org, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A grant offered to an organization, waiting for its owners' answer.
#[derive(Serialize, ToSchema)]
pub struct OfferView {
    /// Id.
    pub id: i64,
    /// The system offered.
    pub system: i64,
    /// Its name.
    pub system_name: String,
    /// The organization that owns it.
    pub owner: String,
    /// `assessor` or `viewer`.
    pub role: String,
    /// Who offered it.
    pub offered_by: String,
}

impl From<GrantOffer> for OfferView {
    fn from(o: GrantOffer) -> OfferView {
        OfferView {
            id: o.id,
            system: o.system.0,
            system_name: o.system_name,
            owner: o.owner_name,
            role: o.role.as_str().to_string(),
            offered_by: o.offered_by,
        }
    }
}

/// The grants other organizations offered this one, waiting for an owner to accept or decline.
#[utoipa::path(get, path = "/api/organizations/{org}/offers", tag = "organizations",
    params(("org" = i64, Path, description = "Organization id")),
    responses((status = 200, body = Vec<OfferView>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn offers(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<i64>,
) -> Result<Json<Vec<OfferView>>, Problem> {
    let found = systems::offered_to(&state, &caller, org).await?;
    Ok(Json(found.into_iter().map(Into::into).collect()))
}

/// Accepts a grant offered to this organization: the system joins its list and its members
/// get access.
#[utoipa::path(post, path = "/api/organizations/{org}/offers/{offer}/accept", tag = "organizations",
    params(("org" = i64, Path, description = "Organization id"), ("offer" = i64, Path, description = "Offer id")),
    responses((status = 200, body = OfferView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn accept_offer(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(i64, i64)>,
) -> Result<Json<OfferView>, Problem> {
    let offer = systems::answer_offer(&state, &caller, org, id, true).await?;
    Ok(Json(offer.into()))
}

/// Declines a grant offered to this organization.
#[utoipa::path(post, path = "/api/organizations/{org}/offers/{offer}/decline", tag = "organizations",
    params(("org" = i64, Path, description = "Organization id"), ("offer" = i64, Path, description = "Offer id")),
    responses((status = 204, description = "Declined"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn decline_offer(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(i64, i64)>,
) -> Result<StatusCode, Problem> {
    systems::answer_offer(&state, &caller, org, id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The routes of invitations, member removal and offered grants.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(invite, pending))
        .routes(routes!(withdraw))
        .routes(routes!(mine))
        .routes(routes!(accept))
        .routes(routes!(decline))
        .routes(routes!(remove_member))
        .routes(routes!(end_sessions))
        .routes(routes!(offers))
        .routes(routes!(accept_offer))
        .routes(routes!(decline_offer))
}
