//! Changes made with a browser's cookie must come from this site's own pages.
//!
//! The CSRF token already ties a session's changes to pages the server rendered; this is a
//! second, independent lock that also covers the sign-in doors, where there is no session yet
//! (a forged sign-in would put the visitor in an account of the attacker's choosing). Browsers
//! say where a request comes from in `Origin`, or failing that (no `Origin`, or `null`) in
//! `Sec-Fetch-Site`, and no page can forge either. The site's own origin is the request's `Host`: a reverse proxy in front of
//! the server must pass `Host` through unchanged.
//!
//! Requests with neither header (older clients, curl with a cookie) go on to the CSRF token
//! check as before; requests with a bearer token are not browser sessions and are not checked.

use axum::extract::Request;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::problem::Problem;

/// Where people sign in: checked even without a cookie.
const SIGN_IN_DOORS: [&str; 2] = ["/api/session", "/login"];

/// The layer: refuses a cross-site state-changing request made with a cookie, or to a sign-in
/// door, with 403.
pub async fn same_origin(request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()))
        .map(str::to_string);
    match check(
        request.method(),
        request.uri().path(),
        request.headers(),
        host.as_deref(),
    ) {
        Ok(()) => next.run(request).await,
        Err(problem) => problem.into_response(),
    }
}

/// Whether a request may go on: see the module's description.
pub fn check(
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    host: Option<&str>,
) -> Result<(), Problem> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bearer "));
    if bearer || (!headers.contains_key(header::COOKIE) && !SIGN_IN_DOORS.contains(&path)) {
        return Ok(());
    }
    let refused = |from: String| {
        Err(Problem::new(
            StatusCode::FORBIDDEN,
            format!(
                "refused: this request comes from another site ({from}); changes made with a \
                 browser session, and signing in, must come from this site's own pages"
            ),
        )
        .with_field("Origin"))
    };
    // `Origin: null` says nothing either way: browsers send it for their own site's forms too
    // when the page's Referrer-Policy is `no-referrer`, as ours is. `Sec-Fetch-Site` decides.
    let origin = headers
        .get(header::ORIGIN)
        .map(|v| v.to_str().unwrap_or("?"))
        .filter(|v| *v != "null");
    if let Some(origin) = origin {
        return match host {
            Some(host) if same_authority(origin, host) => Ok(()),
            _ => refused(format!("Origin `{origin}`")),
        };
    }
    match headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some(site @ ("cross-site" | "same-site")) => refused(format!("Sec-Fetch-Site `{site}`")),
        _ => Ok(()),
    }
}

/// Whether an `Origin` (`scheme://host[:port]`) names the same host and port as `Host`, the
/// scheme's default port being the same as none. Anything unparsable does not.
fn same_authority(origin: &str, host: &str) -> bool {
    let Some((scheme, authority)) = origin.split_once("://") else {
        return false;
    };
    let default_port = match scheme.to_ascii_lowercase().as_str() {
        "http" => ":80",
        "https" => ":443",
        _ => return false,
    };
    let normal = |a: &str| {
        let a = a.to_ascii_lowercase();
        a.strip_suffix(default_port)
            .map_or(a.clone(), str::to_string)
    };
    !authority.is_empty() && !authority.contains(['/', '@']) && normal(authority) == normal(host)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_str(v).expect("value"));
        }
        map
    }

    #[test]
    fn origins_match_their_host_only() {
        assert!(same_authority("http://smm.test:8080", "smm.test:8080"));
        assert!(same_authority("https://SMM.test", "smm.test:443"));
        assert!(same_authority("http://smm.test:80", "smm.test"));
        assert!(!same_authority("https://smm.test:8443", "smm.test"));
        assert!(!same_authority("https://evil.example", "smm.test"));
        assert!(!same_authority("null", "smm.test"));
        assert!(!same_authority("http://", "smm.test"));
        assert!(!same_authority("ftp://smm.test", "smm.test"));
        assert!(!same_authority("http://smm.test@evil.example", "smm.test"));
    }

    #[test]
    fn only_cookie_and_sign_in_changes_are_checked() {
        let post = Method::POST;
        let foreign = [("origin", "https://evil.example")];
        let with_cookie = [("origin", "https://evil.example"), ("cookie", "a=b")];
        let host = Some("smm.test");
        assert!(check(&Method::GET, "/", &headers(&with_cookie), host).is_ok());
        assert!(check(&post, "/api/certificates/verify", &headers(&foreign), host).is_ok());
        assert!(check(&post, "/api/session", &headers(&foreign), host).is_err());
        assert!(check(&post, "/orgs", &headers(&with_cookie), host).is_err());
        let bearer = [
            ("origin", "https://evil.example"),
            ("cookie", "a=b"),
            ("authorization", "Bearer smm_x"),
        ];
        assert!(check(&post, "/orgs", &headers(&bearer), host).is_ok());
        let fetch_site = [("sec-fetch-site", "cross-site"), ("cookie", "a=b")];
        assert!(check(&post, "/orgs", &headers(&fetch_site), host).is_err());
        let same = [("sec-fetch-site", "same-origin"), ("cookie", "a=b")];
        assert!(check(&post, "/orgs", &headers(&same), host).is_ok());
        assert!(check(&post, "/orgs", &headers(&[("cookie", "a=b")]), host).is_ok());
        // `Origin: null` (a `no-referrer` page's own form, or a sandboxed one): Sec-Fetch-Site
        // tells which.
        let null_same = [
            ("origin", "null"),
            ("sec-fetch-site", "same-origin"),
            ("cookie", "a=b"),
        ];
        assert!(check(&post, "/orgs", &headers(&null_same), host).is_ok());
        let null_cross = [
            ("origin", "null"),
            ("sec-fetch-site", "cross-site"),
            ("cookie", "a=b"),
        ];
        assert!(check(&post, "/orgs", &headers(&null_cross), host).is_err());
    }
}
