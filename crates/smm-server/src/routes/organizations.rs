//! Organizations: creating one, members and roles, API tokens, the portfolio and the audit log.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use smm_store::Role;

use crate::app::organizations;
use crate::app::portfolio::{self, Filter, Portfolio, SystemStatus};
use crate::auth::Caller;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::problem::Problem;
use crate::routes::session::Membership;
use crate::routes::{PageQuery, Paged};
use crate::state::AppState;

/// A new organization.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganization {
    /// Its name (unique).
    pub name: String,
}

/// An organization.
#[derive(Serialize, ToSchema)]
pub struct OrganizationView {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Whether the server's administrator designated it a certification body (`smm admin
    /// designate-body`; never through the API).
    pub certification_body: bool,
}

/// An organization the caller belongs to: its name and whether it is a certification body.
#[utoipa::path(get, path = "/api/organizations/{org}", tag = "organizations",
    params(("org" = i64, Path, description = "Organization id")),
    responses((status = 200, body = OrganizationView), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<i64>,
) -> Result<Json<OrganizationView>, Problem> {
    let info = organizations::organization(&state, &caller, org).await?;
    Ok(Json(OrganizationView {
        id: info.id.0,
        name: info.name,
        certification_body: info.certification_body,
    }))
}

/// The organizations the caller belongs to.
#[utoipa::path(get, path = "/api/organizations", tag = "organizations",
    responses((status = 200, body = Vec<Membership>), (status = 401, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Membership>>, Problem> {
    Ok(Json(
        crate::app::session::organizations(&state, &caller)
            .await?
            .into_iter()
            .map(|(org, role)| Membership::of(org, role))
            .collect(),
    ))
}

/// Creates an organization; the signed-in user becomes its owner. (API tokens cannot.)
#[utoipa::path(post, path = "/api/organizations", tag = "organizations",
    request_body = NewOrganization,
    responses((status = 201, body = OrganizationView), (status = 403, body = Problem),
        (status = 409, description = "Name taken", body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(new): ApiJson<NewOrganization>,
) -> Result<(StatusCode, Json<OrganizationView>), Problem> {
    let org = organizations::create(&state, &caller, &new.name).await?;
    Ok((
        StatusCode::CREATED,
        Json(OrganizationView {
            id: org.0,
            name: new.name.trim().to_string(),
            certification_body: false,
        }),
    ))
}

/// A member.
#[derive(Serialize, ToSchema)]
pub struct Member {
    /// User name.
    pub name: String,
    /// Role.
    pub role: String,
}

/// The members of an organization.
#[utoipa::path(get, path = "/api/organizations/{org}/members", tag = "organizations",
    params(("org" = i64, Path, description = "Organization id")),
    responses((status = 200, body = Vec<Member>), (status = 404, body = Problem)))]
pub async fn members(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<i64>,
) -> Result<Json<Vec<Member>>, Problem> {
    let members = organizations::members(&state, &caller, org).await?;
    Ok(Json(
        members
            .members
            .into_iter()
            .map(|(name, role)| Member {
                name,
                role: role.as_str().to_string(),
            })
            .collect(),
    ))
}

/// A role to give a member, or for a brand-new account its first password.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleChange {
    /// owner, assessor, editor, viewer or auditor.
    pub role: String,
    /// Makes sure an account of this name exists (creating it with this password, 12+
    /// characters and hard to guess: see `PUT /api/session/password`) and invites it: the
    /// person joins by accepting, at first sign-in for a new account. The answer (202) is the
    /// same whether the name was taken or not; a taken name keeps its own password.
    pub password: Option<String>,
}

pub(crate) fn parse_role(text: &str, field: &str) -> Result<Role, Problem> {
    text.parse::<Role>()
        .map_err(|e| Problem::bad_field(field, e.to_string()))
}

/// Changes a member's role (200), or with a password makes sure the account exists and invites
/// it (202, the same answer for a new and a taken name). Nobody joins without accepting. The
/// organization always keeps an owner. API tokens may not.
#[utoipa::path(put, path = "/api/organizations/{org}/members/{name}", tag = "organizations",
    params(("org" = i64, Path, description = "Organization id"), ("name" = String, Path, description = "User name")),
    request_body = RoleChange,
    responses((status = 200, description = "The member's role changed", body = Member),
        (status = 202, description = "An invitation waits for the name (a new account, or one that existed)", body = Member),
        (status = 403, body = Problem),
        (status = 404, description = "No member of that name (invite them)", body = Problem),
        (status = 409, description = "The last owner would go", body = Problem),
        (status = 422, description = "The password is too short or too easy to guess", body = Problem)))]
pub async fn set_member(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((org, name)): ApiPath<(i64, String)>,
    ApiJson(request): ApiJson<RoleChange>,
) -> Result<(StatusCode, Json<Member>), Problem> {
    let role = parse_role(&request.role, "role")?;
    let change = organizations::set_member(
        &state,
        &caller,
        org,
        &name,
        role,
        request.password.as_deref(),
    )
    .await?;
    let status = match change {
        organizations::MemberChange::RoleChanged => StatusCode::OK,
        organizations::MemberChange::Invited => StatusCode::ACCEPTED,
    };
    Ok((
        status,
        Json(Member {
            name,
            role: role.as_str().to_string(),
        }),
    ))
}

/// A new API token.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// What it is for (e.g. `ci`).
    pub name: String,
    /// The role it acts with.
    pub role: String,
    /// How many days it works: 1 to 365 (pages suggest 90).
    pub expires_in_days: i64,
}

/// An API token (its secret only once, when created).
#[derive(Serialize, ToSchema)]
pub struct TokenView {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Role.
    pub role: String,
    /// When it stops working, in Unix seconds.
    pub expires_at: i64,
    /// The secret: shown only in the answer that creates the token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

/// Creates an API token for the organization, working for the days asked (at most 365) and only
/// while its maker stays an owner with an account in use. The secret is in this answer only.
/// Only a signed-in owner may: API tokens never make tokens.
#[utoipa::path(post, path = "/api/organizations/{org}/tokens", tag = "organizations",
    params(("org" = i64, Path, description = "Organization id")),
    request_body = NewToken,
    responses((status = 201, body = TokenView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<i64>,
    ApiJson(new): ApiJson<NewToken>,
) -> Result<(StatusCode, Json<TokenView>), Problem> {
    let role = parse_role(&new.role, "role")?;
    let (grant, secret) =
        organizations::create_token(&state, &caller, org, &new.name, role, new.expires_in_days)
            .await?;
    Ok((
        StatusCode::CREATED,
        Json(TokenView {
            id: grant.id,
            name: grant.name,
            role: role.as_str().to_string(),
            expires_at: grant.expires_at,
            secret: Some(secret),
        }),
    ))
}

/// The organization's API tokens (without secrets).
#[utoipa::path(get, path = "/api/organizations/{org}/tokens", tag = "organizations",
    params(("org" = i64, Path, description = "Organization id")),
    responses((status = 200, body = Vec<TokenView>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn tokens(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<i64>,
) -> Result<Json<Vec<TokenView>>, Problem> {
    let tokens = organizations::tokens(&state, &caller, org).await?;
    Ok(Json(
        tokens
            .into_iter()
            .map(|t| TokenView {
                id: t.id,
                name: t.name,
                role: t.role.as_str().to_string(),
                expires_at: t.expires_at,
                secret: None,
            })
            .collect(),
    ))
}

/// Revokes an API token.
#[utoipa::path(delete, path = "/api/organizations/{org}/tokens/{token}", tag = "organizations",
    params(("org" = i64, Path, description = "Organization id"), ("token" = i64, Path, description = "Token id")),
    responses((status = 204, description = "Revoked"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((org, token)): ApiPath<(i64, i64)>,
) -> Result<StatusCode, Problem> {
    organizations::revoke_token(&state, &caller, org, token).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What the portfolio lists.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PortfolioQuery {
    /// Only systems whose name contains this (any case).
    pub q: Option<String>,
    /// Only systems with this status: met, under, no-target, not-assessed.
    pub status: Option<String>,
    /// At most this many systems listed (all are counted); 100 if not given, at most 10000.
    pub limit: Option<usize>,
}

/// Every system the organization sees (its own and those granted to it) with the status of its
/// latest assessment against the target it names, and a roll-up per domain.
#[utoipa::path(get, path = "/api/organizations/{org}/portfolio", tag = "organizations",
    params(("org" = i64, Path, description = "Organization id"), PortfolioQuery),
    responses((status = 200, body = Portfolio), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn portfolio(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<i64>,
    ApiQuery(query): ApiQuery<PortfolioQuery>,
) -> Result<Json<Portfolio>, Problem> {
    let filter = Filter {
        status: SystemStatus::parse_filter(query.status.as_deref())?,
        name_contains: query.q,
        limit: query.limit.unwrap_or(100).min(10_000),
    };
    let seen = portfolio::portfolio(&state, &caller, org, filter).await?;
    Ok(Json(seen.portfolio))
}

/// An audit log entry.
#[derive(Serialize, ToSchema)]
pub struct AuditView {
    /// Sequence number in the whole log.
    pub seq: i64,
    /// When.
    pub at: String,
    /// Who.
    pub actor: String,
    /// What.
    pub action: String,
    /// On what.
    pub object: String,
    /// Digest before.
    pub before_hash: Option<String>,
    /// Digest after.
    pub after_hash: Option<String>,
    /// The previous entry's hash.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

/// The organization's entries of the audit log, oldest first, a page at a time.
#[utoipa::path(get, path = "/api/organizations/{org}/audit", tag = "organizations",
    params(("org" = i64, Path, description = "Organization id"), PageQuery),
    responses((status = 200, body = Paged<AuditView>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn audit(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<i64>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<Paged<AuditView>>, Problem> {
    let page = page.page();
    let entries = organizations::audit(&state, &caller, org, page).await?;
    let items = entries
        .into_iter()
        .map(|e| AuditView {
            seq: e.seq,
            at: e.at,
            actor: e.actor,
            action: e.action,
            object: e.object,
            before_hash: e.before_hash,
            after_hash: e.after_hash,
            prev_hash: e.prev_hash,
            hash: e.hash,
        })
        .collect();
    Ok(Json(Paged::of(items, page, |e| e.seq)))
}

/// The organization routes: members, tokens, portfolio, audit log.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get))
        .routes(routes!(members))
        .routes(routes!(set_member))
        .routes(routes!(tokens, create_token))
        .routes(routes!(revoke_token))
        .routes(routes!(portfolio))
        .routes(routes!(audit))
}
