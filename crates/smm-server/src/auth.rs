//! Who is calling: an API token (`Authorization: Bearer smm_…`) or a browser session (an
//! HttpOnly cookie). Session requests that change state must also carry the session's CSRF token
//! in `X-CSRF-Token` (pages send it as a form field); tokens need none, since browsers never
//! send them on their own.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method};

use smm_store::{OrganizationId, Role, TokenGrant, UserId};

use crate::problem::Problem;
use crate::state::{unix_now, AppState};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "smm_session";
/// The header that carries the CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Who is calling.
#[derive(Clone, Debug)]
pub enum Principal {
    /// A signed-in person.
    User {
        /// The user.
        id: UserId,
        /// Their name.
        name: String,
        /// Their organizations and roles.
        memberships: Vec<(OrganizationId, Role)>,
    },
    /// An API token, acting for one organization with one role.
    Token(TokenGrant),
}

/// The caller of a request that needs one.
#[derive(Clone, Debug)]
pub struct Caller {
    /// Who.
    pub principal: Principal,
}

impl Caller {
    /// The name written into the audit log.
    pub fn actor(&self) -> String {
        match &self.principal {
            Principal::User { name, .. } => name.clone(),
            Principal::Token(t) => format!("token:{}", t.name),
        }
    }

    /// The caller's role in an organization, if it has one.
    pub fn role_in(&self, org: OrganizationId) -> Option<Role> {
        self.organizations()
            .into_iter()
            .find(|(o, _)| *o == org)
            .map(|(_, r)| r)
    }

    /// Every organization the caller acts in, with its role.
    pub fn organizations(&self) -> Vec<(OrganizationId, Role)> {
        match &self.principal {
            Principal::User { memberships, .. } => memberships.clone(),
            Principal::Token(t) => vec![(t.organization, t.role)],
        }
    }

    /// How the caller proved who it is.
    pub fn credential(&self) -> crate::authz::Credential {
        match &self.principal {
            Principal::User { .. } => crate::authz::Credential::Session,
            Principal::Token(_) => crate::authz::Credential::Token,
        }
    }

    /// The user, if the caller is a person.
    pub fn user(&self) -> Option<UserId> {
        match &self.principal {
            Principal::User { id, .. } => Some(*id),
            Principal::Token(_) => None,
        }
    }
}

/// The value of a cookie in the request, if present.
pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    cookie_value(&parts.headers, name)
}

/// The value of a cookie in these headers, if present.
pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Equal, in time that does not depend on where the strings differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, Problem> {
        if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            let secret = value
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .ok_or_else(|| Problem::unauthorized().with_field("Authorization"))?;
            let grant = state
                .store
                .check_api_token(secret, unix_now())
                .await?
                .ok_or_else(|| Problem::unauthorized().with_field("Authorization"))?;
            return Ok(Caller {
                principal: Principal::Token(grant),
            });
        }
        let secret = cookie(parts, SESSION_COOKIE).ok_or_else(Problem::unauthorized)?;
        let session = state
            .store
            .session(secret, unix_now())
            .await?
            .ok_or_else(Problem::unauthorized)?;
        if changes_state(&parts.method) {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !constant_time_eq(sent, &session.csrf_token) {
                return Err(Problem::forbidden(
                    "missing or wrong CSRF token: send the session's csrf_token in X-CSRF-Token",
                )
                .with_field("X-CSRF-Token"));
            }
        }
        let memberships = state.store.session_memberships(&session).await?;
        Ok(Caller {
            principal: Principal::User {
                id: session.user,
                name: session.name,
                memberships,
            },
        })
    }
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, for the whole site, Secure over TLS.
/// `max_age` 0 deletes the cookie.
pub fn cookie_header(name: &str, value: &str, max_age: i64, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    )
}
