//! Managing an organization in pages: creating organizations and systems, members and their
//! roles, API tokens (the secret shown once), and reading the audit log.

use askama::Template;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use smm_store::{OrganizationId, Page, Role, StoreError, SystemKind};

use super::{field, page_error, render, Nav, PageUser};
use crate::access;
use crate::audit_watch::ChainStatus;
use crate::auth::Principal;
use crate::authz::{allowed, Action};
use crate::extract::{ApiPath, ApiQuery};
use crate::problem::Problem;
use crate::state::{unix_now, AppState};

/// Creates an organization; its creator is its owner.
pub async fn create_organization(
    State(state): State<AppState>,
    user: PageUser,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if let Err(p) = user.check_csrf(&field(&fields, "csrf")) {
        return page_error(p);
    }
    let Principal::User { id, .. } = &user.caller.principal else {
        return page_error(Problem::forbidden("sign in to create an organization"));
    };
    let actor = user.caller.actor();
    let made = async {
        let org = state
            .store
            .create_organization(&actor, &field(&fields, "name"))
            .await?;
        state
            .store
            .set_membership(&actor, *id, org, Role::Owner)
            .await?;
        Ok::<_, StoreError>(org)
    }
    .await;
    match made {
        Ok(org) => Redirect::to(&format!("/orgs/{}", org.0)).into_response(),
        Err(e) => page_error(e.into()),
    }
}

/// Creates a system or product in an organization.
pub async fn create_system(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(org): ApiPath<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if let Err(p) = user.check_csrf(&field(&fields, "csrf")) {
        return page_error(p);
    }
    if let Err(p) = access::in_organization(&user.caller, org, Action::CreateSystem) {
        return page_error(p);
    }
    let kind = if field(&fields, "kind") == "product" {
        SystemKind::Product
    } else {
        SystemKind::System
    };
    let line =
        Some(field(&fields, "line")).filter(|l| !l.is_empty() && kind == SystemKind::Product);
    match state
        .store
        .create_system_of_kind(
            &user.caller.actor(),
            OrganizationId(org),
            &field(&fields, "name"),
            kind,
            line.as_deref(),
        )
        .await
    {
        Ok(id) => Redirect::to(&format!("/systems/{}", id.0)).into_response(),
        Err(e) => page_error(e.into()),
    }
}

struct MemberRow {
    name: String,
    role: String,
}

struct TokenRow {
    id: i64,
    name: String,
    role: String,
}

#[derive(Template)]
#[template(path = "members.html")]
struct MembersPage {
    nav: Option<Nav>,
    csrf: String,
    org_id: i64,
    org_name: String,
    manage: bool,
    members: Vec<MemberRow>,
    tokens: Vec<TokenRow>,
    roles: Vec<&'static str>,
    secret: Option<(String, String)>,
    error: Option<String>,
}

async fn members_page(
    state: &AppState,
    user: &PageUser,
    org: i64,
    secret: Option<(String, String)>,
    error: Option<String>,
) -> Response {
    let role = match access::in_organization(&user.caller, org, Action::Read) {
        Ok(r) => r,
        Err(p) => return page_error(p),
    };
    let manage = allowed(role, Action::ManageMembers);
    let id = OrganizationId(org);
    let loaded = async {
        Ok::<_, StoreError>((
            state.store.organization_name(id).await?,
            state.store.members(id).await?,
            if manage {
                state.store.api_tokens(id).await?
            } else {
                Vec::new()
            },
        ))
    }
    .await;
    let (org_name, members, tokens) = match loaded {
        Ok(l) => l,
        Err(e) => return page_error(e.into()),
    };
    render(&MembersPage {
        nav: Some(user.nav(state, org).await),
        csrf: user.csrf.clone(),
        org_id: org,
        org_name,
        manage,
        members: members
            .into_iter()
            .map(|(_, name, role)| MemberRow {
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
            })
            .collect(),
        roles: Role::ALL.iter().map(|r| r.as_str()).collect(),
        secret,
        error,
    })
}

/// Members and API tokens of an organization.
pub async fn members(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(org): ApiPath<i64>,
) -> Response {
    members_page(&state, &user, org, None, None).await
}

/// Adds a member (creating the user when a password is given) or changes a role.
pub async fn set_member(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(org): ApiPath<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if let Err(p) = user.check_csrf(&field(&fields, "csrf")) {
        return page_error(p);
    }
    if let Err(p) = access::in_organization(&user.caller, org, Action::ManageMembers) {
        return page_error(p);
    }
    let name = field(&fields, "name");
    let password = field(&fields, "password");
    let Ok(role) = field(&fields, "role").parse::<Role>() else {
        return members_page(&state, &user, org, None, Some("Choose a role.".to_string())).await;
    };
    let actor = user.caller.actor();
    let result = async {
        let user_id = match state.store.user_by_name(&name).await? {
            Some(u) => u,
            None if !password.is_empty() => {
                state.store.create_user(&actor, &name, &password).await?
            }
            None => {
                return Err(StoreError::NotFound(format!(
                    "user `{name}` (give a first password to create them)"
                )))
            }
        };
        if user.caller.user() == Some(user_id) && role != Role::Owner {
            let owners = state
                .store
                .members(OrganizationId(org))
                .await?
                .iter()
                .filter(|(_, _, r)| *r == Role::Owner)
                .count();
            if owners <= 1 {
                return Err(StoreError::Invalid(
                    "you are the last owner: make someone else owner first".to_string(),
                ));
            }
        }
        state
            .store
            .set_membership(&actor, user_id, OrganizationId(org), role)
            .await
    }
    .await;
    match result {
        Ok(()) => Redirect::to(&format!("/orgs/{org}/members")).into_response(),
        Err(e) => {
            let message = e.to_string();
            let mut r = members_page(&state, &user, org, None, Some(message)).await;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            r
        }
    }
}

/// Creates an API token and shows its secret, this once.
pub async fn create_token(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(org): ApiPath<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if let Err(p) = user.check_csrf(&field(&fields, "csrf")) {
        return page_error(p);
    }
    if let Err(p) = access::in_organization(&user.caller, org, Action::ManageTokens) {
        return page_error(p);
    }
    let Ok(role) = field(&fields, "role").parse::<Role>() else {
        return members_page(
            &state,
            &user,
            org,
            None,
            Some("Choose the token's role.".to_string()),
        )
        .await;
    };
    match state
        .store
        .create_api_token(
            &user.caller.actor(),
            OrganizationId(org),
            role,
            &field(&fields, "name"),
        )
        .await
    {
        Ok((grant, secret)) => {
            members_page(&state, &user, org, Some((grant.name, secret)), None).await
        }
        Err(e) => members_page(&state, &user, org, None, Some(e.to_string())).await,
    }
}

/// Revokes an API token.
pub async fn revoke_token(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath((org, token)): ApiPath<(i64, i64)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if let Err(p) = user.check_csrf(&field(&fields, "csrf")) {
        return page_error(p);
    }
    if let Err(p) = access::in_organization(&user.caller, org, Action::ManageTokens) {
        return page_error(p);
    }
    match state
        .store
        .revoke_api_token(&user.caller.actor(), OrganizationId(org), token)
        .await
    {
        Ok(()) => Redirect::to(&format!("/orgs/{org}/members")).into_response(),
        Err(e) => page_error(e.into()),
    }
}

struct AuditRow {
    /// The entry's content no longer matches its hash.
    altered: bool,
    seq: i64,
    at: String,
    actor: String,
    action: String,
    object: String,
    hash: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    nav: Option<Nav>,
    org_id: i64,
    org_name: String,
    rows: Vec<AuditRow>,
    next: Option<i64>,
    chain: Option<ChainStatus>,
    /// Seconds since `chain` was checked.
    checked_ago: i64,
}

/// Which page of the log.
#[derive(Deserialize)]
pub struct AuditQuery {
    after: Option<i64>,
}

/// The organization's audit log, a page at a time, and whether the whole chain holds.
pub async fn audit(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(org): ApiPath<i64>,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Response {
    if let Err(p) = access::in_organization(&user.caller, org, Action::ReadAudit) {
        return page_error(p);
    }
    let page = Page::new(query.after.unwrap_or(0), 100);
    let loaded = async {
        Ok::<_, StoreError>((
            state.store.organization_name(OrganizationId(org)).await?,
            state.store.audit_page(OrganizationId(org), page).await?,
        ))
    }
    .await;
    let (org_name, entries) = match loaded {
        Ok(l) => l,
        Err(e) => return page_error(e.into()),
    };
    // Each shown entry is checked now; the whole chain at most once a minute, or at once when
    // this page holds an altered entry.
    let altered: Vec<bool> = entries
        .iter()
        .map(|e| e.expected_hash() != e.hash)
        .collect();
    let chain = state
        .audit
        .status(&state.store, altered.contains(&true))
        .await;
    let checked_ago = chain.map_or(0, |c| (unix_now() - c.checked_at).max(0));
    let next = (entries.len() as i64 >= page.limit)
        .then(|| entries.last().map(|e| e.seq))
        .flatten();
    render(&AuditPage {
        nav: Some(user.nav(&state, org).await),
        org_id: org,
        org_name,
        rows: entries
            .into_iter()
            .zip(altered)
            .map(|(e, altered)| AuditRow {
                altered,
                seq: e.seq,
                at: e.at,
                actor: e.actor,
                action: e.action,
                object: e.object,
                hash: e.hash[..16].to_string(),
            })
            .collect(),
        next,
        chain,
        checked_ago,
    })
}
