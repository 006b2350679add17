//! Signing in and out. Failed logins are throttled per user name and per address; the answer
//! to a wrong name and to a wrong password is the same, and takes as long.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{cookie_header, Caller, Principal, SESSION_COOKIE};
use crate::extract::{ApiJson, RemoteAddr};
use crate::problem::Problem;
use crate::state::{unix_now, AppState};

/// How long a session lasts.
pub const SESSION_SECONDS: i64 = 12 * 3600;
/// The window failed logins are counted over.
pub const FAILURE_WINDOW_SECONDS: i64 = 15 * 60;
/// Failed logins allowed per user name in the window.
pub const MAX_FAILURES_PER_NAME: i64 = 5;
/// Failed logins allowed per address in the window.
pub const MAX_FAILURES_PER_ADDRESS: i64 = 30;

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

/// The client's address as the login throttle counts it.
pub fn remote(connect: &RemoteAddr) -> String {
    connect
        .0
        .map_or_else(|| "local".to_string(), |a| a.to_string())
}

async fn memberships(state: &AppState, caller: &Caller) -> Result<Vec<Membership>, Problem> {
    let mut out = Vec::new();
    for (org, role) in caller.organizations() {
        out.push(Membership {
            id: org.0,
            name: state.store.organization_name(org).await?,
            role: role.as_str().to_string(),
        });
    }
    Ok(out)
}

/// Whether the client reached the server over TLS (or the server says it always does).
pub fn is_tls(headers: &HeaderMap, state: &AppState) -> bool {
    state.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// Checks a login (throttled per name and per address) and opens a session: the cookie's
/// secret and the session. Shared by the API and the sign-in page.
pub async fn sign_in(
    state: &AppState,
    name: &str,
    password: &str,
    address: &str,
) -> Result<(String, smm_store::session::Session), Problem> {
    let now = unix_now();
    let (by_name, by_address) = state
        .store
        .login_failures(name, address, now - FAILURE_WINDOW_SECONDS)
        .await?;
    if by_name >= MAX_FAILURES_PER_NAME || by_address >= MAX_FAILURES_PER_ADDRESS {
        let mut p = Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too many failed logins: wait before trying again",
        );
        p.retry_after = Some(u64::try_from(FAILURE_WINDOW_SECONDS).unwrap_or(900));
        return Err(p);
    }
    let Some(user) = state.store.check_password(name, password).await? else {
        state.store.record_login_failure(name, address, now).await?;
        tracing::warn!(user = %name, %address, "failed login");
        return Err(Problem::new(
            StatusCode::UNAUTHORIZED,
            "wrong user name or password",
        ));
    };
    state
        .store
        .clear_login_failures(name, now - FAILURE_WINDOW_SECONDS)
        .await?;
    Ok(state
        .store
        .create_session(user, now + SESSION_SECONDS)
        .await?)
}

/// Signs in.
#[utoipa::path(post, path = "/api/session", tag = "session", request_body = Login,
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = SessionView),
        (status = 401, description = "Wrong name or password", body = Problem),
        (status = 429, description = "Too many failed logins; see Retry-After", body = Problem)))]
pub async fn login(
    State(state): State<AppState>,
    connect: RemoteAddr,
    headers: HeaderMap,
    ApiJson(login): ApiJson<Login>,
) -> Result<Response, Problem> {
    let (secret, session) =
        sign_in(&state, &login.name, &login.password, &remote(&connect)).await?;
    let user = session.user;
    let caller = Caller {
        principal: Principal::User {
            id: user,
            name: session.name.clone(),
            memberships: state.store.memberships(user).await?,
        },
    };
    let view = SessionView {
        user: session.name,
        organizations: memberships(&state, &caller).await?,
        csrf_token: Some(session.csrf_token),
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
    let csrf_token = match (
        &caller.principal,
        crate::auth::cookie_value(&headers, SESSION_COOKIE),
    ) {
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
    if let (Principal::User { .. }, Some(secret)) = (
        &caller.principal,
        crate::auth::cookie_value(&headers, SESSION_COOKIE),
    ) {
        state.store.end_session(secret, unix_now()).await?;
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
    /// The new one (12+ characters).
    pub new: String,
}

/// Changes the signed-in user's password; every other session of theirs ends.
#[utoipa::path(put, path = "/api/session/password", tag = "session", request_body = PasswordChange,
    responses((status = 204, description = "Changed; signed out everywhere"),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(change): ApiJson<PasswordChange>,
) -> Result<StatusCode, Problem> {
    let Principal::User { id, name, .. } = &caller.principal else {
        return Err(Problem::forbidden("an API token has no password"));
    };
    if state.store.check_password(name, &change.current).await? != Some(*id) {
        return Err(Problem::forbidden("the current password is wrong").with_field("current"));
    }
    state
        .store
        .set_password(
            name,
            *id,
            &change.new,
            crate::auth::cookie_value(&headers, SESSION_COOKIE),
        )
        .await
        .map_err(|e| match e {
            smm_store::StoreError::Invalid(m) => Problem::bad_field("new", m),
            other => other.into(),
        })?;
    Ok(StatusCode::NO_CONTENT)
}
