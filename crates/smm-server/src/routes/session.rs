//! Signing in and out. Password checks are throttled per user name and per address; the answer
//! to a wrong name and to a wrong password is the same, and takes as long. A sign-in must be
//! JSON and come from this site ([`crate::origin`]), so no other site can sign a visitor in.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::session::{self, SESSION_SECONDS};
use crate::auth::{cookie_header, cookie_value, Caller, Principal, SESSION_COOKIE};
use crate::client::{is_tls, remote};
use crate::extract::{ApiJson, RemoteAddr};
use crate::problem::Problem;
use crate::state::{unix_now, AppState};

/// A login.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Login {
    /// User name.
    pub name: String,
    /// Password.
    pub password: String,
}

/// An organization the caller belongs to.
#[derive(Serialize, ToSchema)]
pub struct Membership {
    /// Organization id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// The caller's role there.
    pub role: String,
    /// Whether the server's administrator designated it a certification body (which may issue
    /// certificates; every organization may sign its own supplier's declarations).
    pub certification_body: bool,
}

impl Membership {
    /// The organization and the caller's role there.
    pub fn of(org: smm_store::OrganizationInfo, role: smm_store::Role) -> Membership {
        Membership {
            id: org.id.0,
            name: org.name,
            role: role.as_str().to_string(),
            certification_body: org.certification_body,
        }
    }
}

/// The signed-in caller.
#[derive(Serialize, ToSchema)]
pub struct SessionView {
    /// User name (or `token:NAME`).
    pub user: String,
    /// Organizations and roles.
    pub organizations: Vec<Membership>,
    /// Send this in `X-CSRF-Token` with every request that changes something (sessions only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
}

async fn memberships(state: &AppState, caller: &Caller) -> Result<Vec<Membership>, Problem> {
    Ok(session::organizations(state, caller)
        .await?
        .into_iter()
        .map(|(org, role)| Membership::of(org, role))
        .collect())
}

/// Signs in.
#[utoipa::path(post, path = "/api/session", tag = "session", request_body = Login,
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = SessionView),
        (status = 401, description = "Wrong name or password", body = Problem),
        (status = 403, description = "Sent from another site's page (Origin or Sec-Fetch-Site)", body = Problem),
        (status = 415, description = "The body is not sent as application/json", body = Problem),
        (status = 429, description = "Too many password checks for the name or address; see Retry-After", body = Problem)))]
pub async fn login(
    State(state): State<AppState>,
    connect: RemoteAddr,
    headers: HeaderMap,
    ApiJson(login): ApiJson<Login>,
) -> Result<Response, Problem> {
    let (secret, opened) =
        session::sign_in(&state, &login.name, &login.password, &remote(&connect)).await?;
    let caller = session::caller_of(&state, &opened).await?;
    let view = SessionView {
        user: opened.name,
        organizations: memberships(&state, &caller).await?,
        csrf_token: Some(opened.csrf_token),
    };
    let cookie = cookie_header(
        SESSION_COOKIE,
        &secret,
        SESSION_SECONDS,
        is_tls(&headers, &state),
    );
    let mut response = Json(view).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// Who is signed in (or which token is calling).
#[utoipa::path(get, path = "/api/session", tag = "session",
    responses((status = 200, body = SessionView), (status = 401, body = Problem)))]
pub async fn current(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> Result<Json<SessionView>, Problem> {
    let csrf_token = match (&caller.principal, cookie_value(&headers, SESSION_COOKIE)) {
        (Principal::User { .. }, Some(secret)) => state
            .store
            .session(secret, unix_now())
            .await?
            .map(|s| s.csrf_token),
        _ => None,
    };
    Ok(Json(SessionView {
        user: caller.actor(),
        organizations: memberships(&state, &caller).await?,
        csrf_token,
    }))
}

/// Signs out (ends the session and clears the cookie).
#[utoipa::path(delete, path = "/api/session", tag = "session",
    responses((status = 204, description = "Signed out"), (status = 401, body = Problem),
        (status = 403, description = "Missing CSRF token", body = Problem)))]
pub async fn logout(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    if let Principal::User { .. } = &caller.principal {
        session::sign_out(&state, cookie_value(&headers, SESSION_COOKIE)).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    let cookie = cookie_header(SESSION_COOKIE, "", 0, is_tls(&headers, &state));
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// A password change.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// The current password.
    pub current: String,
    /// The new one: 12+ characters and hard to guess (common passwords, words, repeats,
    /// sequences and the user's name are refused, with the reason).
    pub new: String,
}

/// Changes the signed-in user's password; every other session of theirs ends.
#[utoipa::path(put, path = "/api/session/password", tag = "session", request_body = PasswordChange,
    responses((status = 204, description = "Changed; signed out everywhere"),
        (status = 400, description = "The new password is too short or too easy to guess", body = Problem),
        (status = 401, body = Problem),
        (status = 403, description = "Wrong current password, missing CSRF token or a cross-site request", body = Problem),
        (status = 429, description = "Too many wrong passwords; see Retry-After", body = Problem)))]
pub async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    connect: RemoteAddr,
    headers: HeaderMap,
    ApiJson(change): ApiJson<PasswordChange>,
) -> Result<StatusCode, Problem> {
    session::change_password(
        &state,
        &caller,
        &change.current,
        &change.new,
        cookie_value(&headers, SESSION_COOKIE),
        &remote(&connect),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The session routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login, current, logout))
        .routes(routes!(change_password))
}
