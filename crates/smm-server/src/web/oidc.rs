//! The sign-in provider's two pages: the start (off to the provider) and the callback (back,
//! signed in). The rules are in `app::oidc`.

use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::IntoResponse;

use crate::app::oidc::{self, Callback, PENDING_SECONDS};
use crate::app::session::SESSION_SECONDS;
use crate::auth::{cookie_header, cookie_value, SESSION_COOKIE};
use crate::client::{is_tls, remote};
use crate::extract::{ApiQuery, RemoteAddr};
use crate::state::AppState;

use super::pages::{safe_next, NextQuery};
use super::{render, PageError, PageResult};

/// The cookie that ties a sign-in to the browser that started it. `SameSite=Lax`, not Strict:
/// the browser must send it on the provider's redirect back, which is a cross-site navigation;
/// it is sent only to the callback.
const STATE_COOKIE: &str = "smm_oidc";

fn state_cookie(value: &str, max_age: i64, secure: bool) -> String {
    format!(
        "{STATE_COOKIE}={value}; Path=/auth/oidc/callback; Max-Age={max_age}; HttpOnly; SameSite=Lax{}",
        if secure { "; Secure" } else { "" }
    )
}

/// `GET /auth/oidc/start?next=PATH`: off to the provider.
pub async fn start(
    State(state): State<AppState>,
    connect: RemoteAddr,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<NextQuery>,
) -> PageResult {
    let next = safe_next(query.next.as_deref());
    let (url, csrf) = oidc::start(&state, &next, &remote(&connect)).await?;
    let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, url)]).into_response();
    let cookie = state_cookie(&csrf, PENDING_SECONDS, is_tls(&headers, &state));
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}

#[derive(Template)]
#[template(path = "signed_in.html")]
struct SignedIn {
    nav: Option<super::Nav>,
    provider: String,
    next: String,
}

/// `GET /auth/oidc/callback`: the provider's answer. Signed in, the page sends the browser on
/// with a refresh rather than a redirect: the session cookie is `SameSite=Strict`, and a
/// redirect at the end of the provider's cross-site navigation would arrive without it.
pub async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<Callback>,
) -> PageResult {
    let cookie_state = cookie_value(&headers, STATE_COOKIE).map(str::to_string);
    let tls = is_tls(&headers, &state);
    let outcome = oidc::finish(&state, query, cookie_state.as_deref()).await;
    let (secret, next) = match outcome {
        Ok(done) => done,
        Err(problem) => {
            let mut response = PageError::back_to(problem, "/login".to_string(), "Back to sign-in")
                .into_response();
            if let Ok(v) = HeaderValue::from_str(&state_cookie("", 0, tls)) {
                response.headers_mut().append(header::SET_COOKIE, v);
            }
            return Ok(response);
        }
    };
    let provider = oidc::provider(&state)?.config.name.clone();
    let mut response = render(&SignedIn {
        nav: None,
        provider,
        next,
    });
    for cookie in [
        cookie_header(SESSION_COOKIE, &secret, SESSION_SECONDS, tls),
        state_cookie("", 0, tls),
    ] {
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    Ok(response)
}
