//! Managing an organization in pages: creating organizations and systems, members and their
//! roles, invitations (sent here, answered on `/invitations`), removing members and ending
//! their sessions, grants offered to the organization, API tokens (the secret shown once), and
//! the organization's page with its signing keys (their forms are in `keys`).

use askama::Template;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};

use smm_store::{OrganizationId, Role, SystemKind};

use super::{field, render, Confirmation, Done, Nav, PageResult, PageUser};
use crate::access;
use crate::app::{invitations, organizations, systems};
use crate::authz::Action;
use crate::extract::ApiPath;
use crate::problem::Problem;
use crate::state::AppState;

/// Creates an organization; its creator is its owner.
pub async fn create_organization(
    State(state): State<AppState>,
    user: PageUser,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_csrf(&field(&fields, "csrf"))?;
    let org = organizations::create(&state, &user.caller, &field(&fields, "name")).await?;
    Ok(Redirect::to(&Done::OrganizationCreated.on(&format!("/orgs/{}", org.0))).into_response())
}

/// Creates a system or product in an organization.
pub async fn create_system(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(org): ApiPath<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_csrf(&field(&fields, "csrf"))?;
    let kind = if field(&fields, "kind") == "product" {
        SystemKind::Product
    } else {
        SystemKind::System
    };
    let line = field(&fields, "line");
    let (info, _) = systems::create(
        &state,
        &user.caller,
        org,
        systems::NewSystem {
            name: &field(&fields, "name"),
            kind,
            line: Some(&line),
        },
    )
    .await?;
    Ok(Redirect::to(&Done::SystemCreated.on(&format!("/systems/{}", info.id.0))).into_response())
}

/// Gives another organization access to a system, from the system page.
pub async fn grant(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(id): ApiPath<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_csrf(&field(&fields, "csrf"))?;
    let role = field(&fields, "role")
        .parse::<Role>()
        .map_err(|_| Problem::bad_field("role", "choose assessor or viewer"))?;
    systems::grant(
        &state,
        &user.caller,
        id,
        &field(&fields, "organization"),
        role,
    )
    .await?;
    Ok(Redirect::to(&Done::AccessGiven.on(&format!("/systems/{id}"))).into_response())
}

/// Takes an organization's access to a system away, from the system page.
pub async fn revoke_grant(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(id): ApiPath<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_csrf(&field(&fields, "csrf"))?;
    systems::revoke_grant(&state, &user.caller, id, &field(&fields, "organization")).await?;
    Ok(Redirect::to(&Done::AccessTaken.on(&format!("/systems/{id}"))).into_response())
}

struct MemberRow {
    name: String,
    role: String,
}

struct TokenRow {
    id: i64,
    name: String,
    role: String,
    /// The day it stops working.
    expires: String,
}

struct InvitationRow {
    id: i64,
    name: String,
    role: String,
    expires: String,
}

struct OfferRow {
    id: i64,
    system_name: String,
    owner: String,
    role: String,
    offered_by: String,
}

/// A Unix time as the day it falls on.
pub(super) fn day_of(unix: i64) -> String {
    let (y, m, d) = smm_core::calendar::civil_from_days(unix.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

#[derive(Template)]
#[template(path = "members.html")]
struct MembersPage {
    nav: Option<Nav>,
    csrf: String,
    org_id: i64,
    org_name: String,
    certification_body: bool,
    manage: bool,
    manage_keys: bool,
    keys: Vec<super::keys::KeyRow>,
    today: String,
    members: Vec<MemberRow>,
    tokens: Vec<TokenRow>,
    invitations: Vec<InvitationRow>,
    offers: Vec<OfferRow>,
    /// The signed-in person's name, for the button that lets them leave.
    me: String,
    default_token_days: i64,
    max_token_days: i64,
    roles: Vec<&'static str>,
    secret: Option<(String, String)>,
    error: Option<String>,
    confirmation: Option<String>,
}

async fn members_page(
    state: &AppState,
    user: &PageUser,
    org: i64,
    secret: Option<(String, String)>,
    error: Option<String>,
    confirmation: Option<String>,
) -> PageResult {
    let found = organizations::members(state, &user.caller, org).await?;
    let organization = organizations::organization(state, &user.caller, org).await?;
    let keys = crate::app::keys::list(state, &user.caller, org).await?;
    let manage_keys = user
        .caller
        .role_in(OrganizationId(org))
        .is_some_and(|r| crate::authz::allowed(r, Action::ManageKeys));
    let (tokens, pending, offers) = if found.manage {
        (
            organizations::tokens(state, &user.caller, org).await?,
            invitations::pending(state, &user.caller, org).await?,
            systems::offered_to(state, &user.caller, org).await?,
        )
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    let mut response = render(&MembersPage {
        nav: Some(user.nav(state, org).await),
        csrf: user.csrf.clone(),
        org_id: org,
        org_name: found.name,
        certification_body: organization.certification_body,
        manage: found.manage,
        manage_keys,
        keys: keys.into_iter().map(super::keys::KeyRow::from).collect(),
        today: crate::state::today(),
        members: found
            .members
            .into_iter()
            .map(|(name, role)| MemberRow {
                name,
                role: role.as_str().to_string(),
            })
            .collect(),
        tokens: tokens
            .into_iter()
            .map(|t| TokenRow {
                id: t.id,
                name: t.name,
                role: t.role.as_str().to_string(),
                expires: day_of(t.expires_at),
            })
            .collect(),
        invitations: pending
            .into_iter()
            .map(|i| InvitationRow {
                id: i.id,
                name: i.user_name,
                role: i.role.as_str().to_string(),
                expires: day_of(i.expires_at),
            })
            .collect(),
        offers: offers
            .into_iter()
            .map(|o| OfferRow {
                id: o.id,
                system_name: o.system_name,
                owner: o.owner_name,
                role: o.role.as_str().to_string(),
                offered_by: o.offered_by,
            })
            .collect(),
        me: user.caller.actor(),
        default_token_days: organizations::DEFAULT_TOKEN_DAYS,
        max_token_days: smm_store::MAX_TOKEN_DAYS,
        roles: Role::ALL.iter().map(|r| r.as_str()).collect(),
        secret,
        error: error.clone(),
        confirmation,
    });
    if error.is_some() {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// The members page again with what went wrong, unless the problem is one the page cannot
/// help with (not found, forbidden, the database).
pub(super) async fn members_again(
    state: &AppState,
    user: &PageUser,
    org: i64,
    problem: Problem,
) -> PageResult {
    if matches!(problem.status, 400 | 409 | 422) || problem.field.is_some() && problem.status == 404
    {
        let mut response =
            members_page(state, user, org, None, Some(problem.detail.clone()), None).await?;
        *response.status_mut() = problem.status_code();
        Ok(response)
    } else {
        Err(problem.into())
    }
}

/// Members and API tokens of an organization.
pub async fn members(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(org): ApiPath<i64>,
    Confirmation(confirmation): Confirmation,
) -> PageResult {
    members_page(&state, &user, org, None, None, confirmation).await
}

/// Changes a role, or with a first password makes sure the account exists and invites it.
pub async fn set_member(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(org): ApiPath<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_csrf(&field(&fields, "csrf"))?;
    access::in_organization(&user.caller, org, Action::ManageMembers)?;
    let Ok(role) = field(&fields, "role").parse::<Role>() else {
        return members_page(
            &state,
            &user,
            org,
            None,
            Some("Choose a role.".to_string()),
            None,
        )
        .await;
    };
    let password = field(&fields, "password");
    let name = field(&fields, "name");
    match organizations::set_member(
        &state,
        &user.caller,
        org,
        &name,
        role,
        Some(password.as_str()).filter(|p| !p.is_empty()),
    )
    .await
    {
        Ok(change) => {
            let done = match change {
                organizations::MemberChange::RoleChanged => Done::MemberSaved,
                organizations::MemberChange::Invited => Done::Invited,
            };
            Ok(Redirect::to(&done.on(&format!("/orgs/{org}/members"))).into_response())
        }
        Err(problem) => members_again(&state, &user, org, problem).await,
    }
}

/// Creates an API token and shows its secret, this once.
pub async fn create_token(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(org): ApiPath<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_csrf(&field(&fields, "csrf"))?;
    access::in_organization(&user.caller, org, Action::ManageTokens)?;
    let Ok(role) = field(&fields, "role").parse::<Role>() else {
        return members_page(
            &state,
            &user,
            org,
            None,
            Some("Choose the token's role.".to_string()),
            None,
        )
        .await;
    };
    let days = field(&fields, "days");
    let Ok(days) = days.parse::<i64>() else {
        return members_again(
            &state,
            &user,
            org,
            Problem::bad_field("days", "give the token's lifetime in days, from 1 to 365"),
        )
        .await;
    };
    match organizations::create_token(
        &state,
        &user.caller,
        org,
        &field(&fields, "name"),
        role,
        days,
    )
    .await
    {
        Ok((grant, secret)) => {
            members_page(&state, &user, org, Some((grant.name, secret)), None, None).await
        }
        Err(problem) => members_again(&state, &user, org, problem).await,
    }
}

/// Revokes an API token.
pub async fn revoke_token(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath((org, token)): ApiPath<(i64, i64)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_csrf(&field(&fields, "csrf"))?;
    organizations::revoke_token(&state, &user.caller, org, token).await?;
    Ok(Redirect::to(&Done::TokenRevoked.on(&format!("/orgs/{org}/members"))).into_response())
}

/// Invites a user name into the organization.
pub async fn invite(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(org): ApiPath<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_csrf(&field(&fields, "csrf"))?;
    access::in_organization(&user.caller, org, Action::ManageMembers)?;
    let Ok(role) = field(&fields, "role").parse::<Role>() else {
        return members_again(
            &state,
            &user,
            org,
            Problem::bad_field("role", "Choose a role."),
        )
        .await;
    };
    match invitations::invite(&state, &user.caller, org, &field(&fields, "name"), role).await {
        Ok(_) => {
            Ok(Redirect::to(&Done::Invited.on(&format!("/orgs/{org}/members"))).into_response())
        }
        Err(problem) => members_again(&state, &user, org, problem).await,
    }
}

/// Withdraws an invitation.
pub async fn withdraw_invitation(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath((org, id)): ApiPath<(i64, i64)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_csrf(&field(&fields, "csrf"))?;
    invitations::withdraw(&state, &user.caller, org, id).await?;
    Ok(
        Redirect::to(&Done::InvitationWithdrawn.on(&format!("/orgs/{org}/members")))
            .into_response(),
    )
}

/// Removes a member, or lets the signed-in person leave.
pub async fn remove_member(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(org): ApiPath<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_csrf(&field(&fields, "csrf"))?;
    let name = field(&fields, "name");
    match organizations::remove_member(&state, &user.caller, org, &name).await {
        Ok(()) if name == user.caller.actor() => {
            Ok(Redirect::to(&Done::Left.on("/")).into_response())
        }
        Ok(()) => Ok(
            Redirect::to(&Done::MemberRemoved.on(&format!("/orgs/{org}/members"))).into_response(),
        ),
        Err(problem) => members_again(&state, &user, org, problem).await,
    }
}

/// Ends a member's sessions in the organization.
pub async fn end_sessions(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(org): ApiPath<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_csrf(&field(&fields, "csrf"))?;
    match organizations::end_sessions(&state, &user.caller, org, &field(&fields, "name")).await {
        Ok(()) => Ok(
            Redirect::to(&Done::SessionsEnded.on(&format!("/orgs/{org}/members"))).into_response(),
        ),
        Err(problem) => members_again(&state, &user, org, problem).await,
    }
}

/// Accepts or declines a grant offered to the organization (`answer` is `accept` or
/// `decline`).
pub async fn answer_offer(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath((org, id)): ApiPath<(i64, i64)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_csrf(&field(&fields, "csrf"))?;
    let accept = match field(&fields, "answer").as_str() {
        "accept" => true,
        "decline" => false,
        _ => return Err(Problem::bad_field("answer", "accept or decline").into()),
    };
    systems::answer_offer(&state, &user.caller, org, id, accept).await?;
    let done = if accept {
        Done::OfferAccepted
    } else {
        Done::OfferDeclined
    };
    Ok(Redirect::to(&done.on(&format!("/orgs/{org}/members"))).into_response())
}
