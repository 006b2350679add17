//! Signing in and out, and a person's own password. Password checks are throttled per user name
//! and per address, the attempt reserved before the check; a wrong name and a wrong password get
//! the same answer and take as long.

use axum::http::StatusCode;

use smm_store::session::Session;
use smm_store::{OrganizationInfo, Role, StoreError, UserId};

use crate::auth::{Caller, Principal};
use crate::problem::Problem;
use crate::state::{unix_now, AppState};

/// How long a session lasts.
pub const SESSION_SECONDS: i64 = 12 * 3600;
/// The window login attempts are counted over.
pub const FAILURE_WINDOW_SECONDS: i64 = 15 * 60;
/// Password checks allowed per user name in the window (a success starts the count again).
pub const MAX_FAILURES_PER_NAME: i64 = 5;
/// Password checks allowed per address in the window (successes are not counted).
pub const MAX_FAILURES_PER_ADDRESS: i64 = 30;

/// Checks a login (throttled per name and per address) and opens a session: the cookie's
/// secret and the session. Shared by the API and the sign-in page.
pub async fn sign_in(
    state: &AppState,
    name: &str,
    password: &str,
    address: &str,
) -> Result<(String, smm_store::session::Session), Problem> {
    passwords_allowed(state)?;
    let Some(user) = throttled_check(state, name, password, address).await? else {
        tracing::warn!(user = %name, %address, "failed login");
        return Err(Problem::new(
            StatusCode::UNAUTHORIZED,
            "wrong user name or password",
        ));
    };
    Ok(state
        .store
        .create_session(user, unix_now() + SESSION_SECONDS)
        .await?)
}

/// Checks a name's password under the throttle: the attempt is reserved first, in one atomic
/// step per counter, and only an attempt within both limits goes on to the (argon2) check, so
/// concurrent guesses cannot all slip under the limit. An unknown name costs exactly what a
/// wrong password costs. Signing in and changing one's password both come here.
async fn throttled_check(
    state: &AppState,
    name: &str,
    password: &str,
    address: &str,
) -> Result<Option<UserId>, Problem> {
    let now = unix_now();
    let counts = state
        .store
        .reserve_login_attempt(name, address, now, FAILURE_WINDOW_SECONDS)
        .await?;
    if counts.by_name > MAX_FAILURES_PER_NAME || counts.by_address > MAX_FAILURES_PER_ADDRESS {
        state.store.release_login_attempt(name, address).await?;
        let mut p = Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too many failed logins: wait before trying again",
        );
        p.retry_after = Some(u64::try_from(FAILURE_WINDOW_SECONDS).unwrap_or(900));
        return Err(p);
    }
    let user = state.store.check_password(name, password).await?;
    if user.is_some() {
        state
            .store
            .login_succeeded(name, address, now - FAILURE_WINDOW_SECONDS)
            .await?;
    }
    Ok(user)
}

/// Ends a session (signing out); an unknown or ended one is no error.
pub async fn sign_out(state: &AppState, secret: Option<&str>) -> Result<(), Problem> {
    if let Some(secret) = secret {
        state.store.end_session(secret, unix_now()).await?;
    }
    Ok(())
}

/// The signed-in person's session as a caller, if the secret opens a live one, with its CSRF
/// token.
pub async fn session_caller(
    state: &AppState,
    secret: &str,
) -> Result<Option<(Caller, Session)>, Problem> {
    let Some(session) = state.store.session(secret, unix_now()).await? else {
        return Ok(None);
    };
    let caller = caller_of(state, &session).await?;
    Ok(Some((caller, session)))
}

/// The person a session belongs to, with their memberships as they are now.
pub async fn caller_of(state: &AppState, session: &Session) -> Result<Caller, Problem> {
    Ok(Caller {
        principal: Principal::User {
            id: session.user,
            name: session.name.clone(),
            memberships: state.store.session_memberships(session).await?,
        },
    })
}

/// The caller's organizations, each with its name, whether it is a certification body, and the
/// caller's role there.
pub async fn organizations(
    state: &AppState,
    caller: &Caller,
) -> Result<Vec<(OrganizationInfo, Role)>, Problem> {
    let mut out = Vec::new();
    for (org, role) in caller.organizations() {
        out.push((state.store.organization(org).await?, role));
    }
    Ok(out)
}

/// Changes the signed-in person's password after checking the current one, under the same
/// throttle as signing in (a stolen session must not become a way to guess the password); the
/// new one must pass [`smm_store::auth::password_weakness`]. Every other session of theirs
/// ends (`keep` is the session making the change).
pub async fn change_password(
    state: &AppState,
    caller: &Caller,
    current: &str,
    new: &str,
    keep: Option<&str>,
    address: &str,
) -> Result<(), Problem> {
    let Principal::User { id, name, .. } = &caller.principal else {
        return Err(Problem::forbidden("an API token has no password"));
    };
    passwords_allowed(state)?;
    if throttled_check(state, name, current, address).await? != Some(*id) {
        return Err(Problem::forbidden("the current password is wrong").with_field("current"));
    }
    state
        .store
        .set_password(name, *id, new, keep)
        .await
        .map_err(|e| match e {
            StoreError::Invalid(m) => Problem::bad_field("new", m),
            other => other.into(),
        })
}

/// Refuses password sign-in and password changes when the configuration leaves sign-in to the
/// OpenID Connect provider (`local_passwords: false`). API tokens and `smm admin` still work.
fn passwords_allowed(state: &AppState) -> Result<(), Problem> {
    match state.oidc.as_deref() {
        Some(oidc) if !oidc.config.local_passwords => Err(Problem::forbidden(format!(
            "password sign-in is turned off on this server: sign in with {}",
            oidc.config.name
        ))),
        _ => Ok(()),
    }
}
