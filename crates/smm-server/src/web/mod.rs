//! The web pages: server-rendered HTML over the same store and pipeline as the API, usable with
//! JavaScript off. Forms carry the session's CSRF token; templates escape everything they print;
//! a strict Content-Security-Policy allows nothing but this server's own styles and images.

mod attestation;
mod audit;
mod certs;
mod editor;
mod invitations;
mod keys;
mod manage;
mod oidc;
mod pages;
mod plans;
mod register;
mod risk;
mod standards;
mod verify;
mod wizard;

use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use askama::Template;

use crate::app::session::session_caller;
use crate::auth::{constant_time_eq, cookie_value, Caller, SESSION_COOKIE};
use crate::problem::Problem;
use crate::state::AppState;

/// The policy for every page: this server's own styles, images and script files only (no inline
/// script or style, no eval), requests back to it only, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; \
     frame-ancestors 'none'; base-uri 'none'";

/// The pages' routes.
pub fn routes(state: AppState) -> Router<AppState> {
    pages_only().layer(middleware::from_fn_with_state(state, signed_in_errors))
}

fn pages_only() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::home))
        .route("/static/app.css", get(stylesheet))
        .route("/static/favicon.svg", get(favicon))
        .route("/static/live.js", get(live_script))
        .route("/static/time.js", get(time_script))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/auth/oidc/start", get(oidc::start))
        .route("/auth/oidc/callback", get(oidc::callback))
        .route("/logout", post(pages::logout))
        .route("/switch", get(pages::switch))
        .route("/orgs/{org}", get(pages::portfolio))
        .route("/systems/{id}", get(pages::system))
        .route("/documents/{id}/gap", get(pages::gap))
        .route("/documents/{id}/chart.svg", get(pages::chart))
        .route("/documents/{id}/standards", get(standards::show))
        .route("/documents/{id}/risk", get(risk::show))
        .route("/verify", get(verify::form).post(verify::check))
        .route("/attestations/{serial}", get(attestation::show))
        .route("/register", get(register::page))
        .route("/register/feed.atom", get(register::feed))
        .route("/systems/{id}/drafts", post(wizard::start))
        .route("/orgs", post(manage::create_organization))
        .route("/systems/{id}/grants", post(manage::grant))
        .route("/systems/{id}/grants/revoke", post(manage::revoke_grant))
        .route("/orgs/{org}/systems", post(manage::create_system))
        .route(
            "/orgs/{org}/members",
            get(manage::members).post(manage::set_member),
        )
        .route("/orgs/{org}/tokens", post(manage::create_token))
        .route("/orgs/{org}/invitations", post(manage::invite))
        .route(
            "/orgs/{org}/invitations/{id}/withdraw",
            post(manage::withdraw_invitation),
        )
        .route("/orgs/{org}/members/remove", post(manage::remove_member))
        .route("/orgs/{org}/members/sessions", post(manage::end_sessions))
        .route("/orgs/{org}/offers/{id}", post(manage::answer_offer))
        .route("/invitations", get(invitations::invitations))
        .route("/invitations/{id}", post(invitations::answer))
        .route(
            "/orgs/{org}/tokens/{token}/revoke",
            post(manage::revoke_token),
        )
        .route("/orgs/{org}/keys", post(keys::create))
        .route("/orgs/{org}/keys/import", post(keys::import))
        .route("/orgs/{org}/keys/{keyid}/retire", post(keys::retire))
        .route("/orgs/{org}/keys/{keyid}/revoke", post(keys::revoke))
        .route("/orgs/{org}/audit", get(audit::audit))
        .route("/orgs/{org}/compare", get(plans::compare_page))
        .route("/orgs/{org}/compare.svg", get(plans::compare_chart))
        .route("/documents/{id}/roadmap", get(plans::roadmap))
        .route("/documents/{id}/timeline.svg", get(plans::timeline))
        .route("/systems/{id}/trend.svg", get(plans::trend_chart))
        .route("/systems/{id}/certificates", post(certs::issue))
        .route("/certificates/{id}/cert.json", get(certs::download))
        .route(
            "/certificates/{id}/cert.proof.json",
            get(certs::download_proof),
        )
        .route("/certificates/{id}/cert.pdf", get(certs::document_pdf))
        .route("/certificates/{id}/cert.html", get(certs::document_html))
        .route(
            "/certificates/{id}/revoke",
            get(certs::confirm_revoke).post(certs::revoke),
        )
        .merge(
            // Evidence files travel with the editor's form.
            Router::new()
                .route(
                    "/systems/{id}/assessments/new",
                    get(editor::new).post(editor::create),
                )
                .route(
                    "/documents/{id}/edit",
                    get(editor::edit).post(editor::update),
                )
                .layer(axum::extract::DefaultBodyLimit::max(
                    smm_store::MAX_EVIDENCE_BYTES + 1024 * 1024,
                )),
        )
        .route("/drafts/{id}/finish", post(wizard::finish))
        .route("/drafts/{id}/{step}", get(wizard::show).post(wizard::save))
}

async fn live_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/live.js"),
    )
        .into_response()
}

async fn time_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/time.js"),
    )
        .into_response()
}

/// A stored moment (`2026-12-05T10:48:05.936Z`) as people read it: `5 Dec 2026, 10:48 UTC`.
/// Pages print it inside `<time datetime>`, and a small script shows it in the reader's own
/// time zone; anything that is not such a moment is shown as it is.
pub fn when(stored: impl AsRef<str>) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let text = stored.as_ref();
    let parsed = (|| {
        let date = smm_core::document::Date::parse(text.get(..10)?)?;
        let time = text.get(11..16)?;
        let ok = text.as_bytes().get(10) == Some(&b'T')
            && time.as_bytes()[2] == b':'
            && time
                .bytes()
                .enumerate()
                .all(|(i, b)| i == 2 || b.is_ascii_digit());
        ok.then(|| {
            format!(
                "{} {} {}, {time} UTC",
                date.day(),
                MONTHS[usize::from(date.month() - 1)],
                date.year()
            )
        })
    })();
    parsed.unwrap_or_else(|| text.to_string())
}

async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../static/favicon.svg"),
    )
        .into_response()
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/app.css"),
    )
        .into_response()
}

/// What the header of every signed-in page shows.
pub struct Nav {
    /// The user's name.
    pub user: String,
    /// The organization in view.
    pub org_id: i64,
    /// The user's organizations: id and name.
    pub organizations: Vec<(i64, String)>,
    /// The session's CSRF token, for the forms.
    pub csrf: String,
}

/// A signed-in person on a page (API tokens do not open pages).
pub struct PageUser {
    /// As the API sees them.
    pub caller: Caller,
    /// The session's CSRF token.
    pub csrf: String,
}

/// Where an anonymous visitor goes: the sign-in page, then back.
pub struct SignIn(String);

impl IntoResponse for SignIn {
    fn into_response(self) -> Response {
        let target = match same_site_path(&self.0) {
            Some(next) => format!("/login?next={}", urlencode(next)),
            None => "/login".to_string(),
        };
        Redirect::to(&target).into_response()
    }
}

/// `next` if it is a path on this site that is safe to redirect to, else `None`: one `/` then
/// anything but a second `/` or a `\` (both make browsers read `//host`, another site), only
/// printable ASCII without spaces (browsers drop tabs and newlines from a URL, so `/\t/evil`
/// would become `//evil`; a newline cannot go in a `Location` header at all), and it parses as
/// a path with no scheme or host. Every `next` the server follows passes through here.
pub fn same_site_path(next: &str) -> Option<&str> {
    let mut chars = next.chars();
    let safe = chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && next.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
        && next
            .parse::<axum::http::Uri>()
            .is_ok_and(|uri| uri.scheme().is_none() && uri.authority().is_none());
    safe.then_some(next)
}

/// The value a submitted form gave `name`, trimmed (the first if repeated), or "" when absent.
pub fn field(fields: &[(String, String)], name: &str) -> String {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default()
}

/// A confirmation carried by a redirect after a form succeeded, shown by the page it lands on.
///
/// The redirect adds it to the query (`?done=assessment-saved&version=3`); the page takes a
/// [`Confirmation`] and includes `notice.html`. The query only picks one of our own sentences,
/// never supplies text, so a crafted link cannot make a page say anything else.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Done {
    /// An assessment was stored as this version.
    AssessmentSaved {
        /// The version stored (1 for a new assessment).
        version: i64,
    },
    /// A target profile was stored as this version.
    TargetSaved {
        /// The version stored.
        version: i64,
    },
    /// An organization was created.
    OrganizationCreated,
    /// A system or product was created.
    SystemCreated,
    /// A member was added or their role changed.
    MemberSaved,
    /// An API token was revoked.
    TokenRevoked,
    /// Another organization was offered access (pending its acceptance).
    AccessGiven,
    /// Someone was invited.
    Invited,
    /// An invitation was withdrawn.
    InvitationWithdrawn,
    /// The signed-in person accepted an invitation.
    InvitationAccepted,
    /// The signed-in person declined an invitation.
    InvitationDeclined,
    /// A member was removed.
    MemberRemoved,
    /// The signed-in person left an organization.
    Left,
    /// A member's sessions were ended.
    SessionsEnded,
    /// A grant offered to this organization was accepted.
    OfferAccepted,
    /// A grant offered to this organization was declined.
    OfferDeclined,
    /// An organization's access was taken away.
    AccessTaken,
    /// A certificate was issued.
    CertificateIssued,
    /// A certificate was revoked.
    CertificateRevoked,
    /// A signing key was created on the server.
    KeyCreated,
    /// A signing key was imported.
    KeyImported,
    /// A signing key was retired.
    KeyRetired,
    /// A signing key was revoked.
    KeyRevoked,
}

/// The confirmations without parameters, by their word in the query.
const PLAIN: [(&str, Done); 21] = [
    ("invited", Done::Invited),
    ("invitation-withdrawn", Done::InvitationWithdrawn),
    ("invitation-accepted", Done::InvitationAccepted),
    ("invitation-declined", Done::InvitationDeclined),
    ("member-removed", Done::MemberRemoved),
    ("left", Done::Left),
    ("sessions-ended", Done::SessionsEnded),
    ("offer-accepted", Done::OfferAccepted),
    ("offer-declined", Done::OfferDeclined),
    ("organization-created", Done::OrganizationCreated),
    ("system-created", Done::SystemCreated),
    ("member-saved", Done::MemberSaved),
    ("token-revoked", Done::TokenRevoked),
    ("access-given", Done::AccessGiven),
    ("access-taken", Done::AccessTaken),
    ("certificate-issued", Done::CertificateIssued),
    ("certificate-revoked", Done::CertificateRevoked),
    ("key-created", Done::KeyCreated),
    ("key-imported", Done::KeyImported),
    ("key-retired", Done::KeyRetired),
    ("key-revoked", Done::KeyRevoked),
];

impl Done {
    /// `path` with this confirmation added to its query.
    pub fn on(&self, path: &str) -> String {
        let separator = if path.contains('?') { '&' } else { '?' };
        match self {
            Done::AssessmentSaved { version } => {
                format!("{path}{separator}done=assessment-saved&version={version}")
            }
            Done::TargetSaved { version } => {
                format!("{path}{separator}done=target-saved&version={version}")
            }
            plain => {
                let word = PLAIN
                    .iter()
                    .find(|(_, d)| d == plain)
                    .map_or("", |(w, _)| *w);
                format!("{path}{separator}done={word}")
            }
        }
    }

    /// The confirmation named by a query's `done` (and its parameters), if it is one of ours.
    fn from_query(pairs: &[(String, String)]) -> Option<Done> {
        let value = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v);
        let version = || value("version")?.parse().ok().filter(|v: &i64| *v > 0);
        match value("done")?.as_str() {
            "assessment-saved" => Some(Done::AssessmentSaved {
                version: version()?,
            }),
            "target-saved" => Some(Done::TargetSaved {
                version: version()?,
            }),
            word => PLAIN.iter().find(|(w, _)| *w == word).map(|(_, d)| *d),
        }
    }

    /// The sentence the page shows.
    pub fn message(&self) -> String {
        match self {
            Done::AssessmentSaved { version } => format!("Assessment saved as version {version}."),
            Done::TargetSaved { version } => format!("Target profile saved as version {version}."),
            Done::OrganizationCreated => "Organization created: you are its owner.".to_string(),
            Done::SystemCreated => "Created.".to_string(),
            Done::MemberSaved => "Member saved.".to_string(),
            Done::TokenRevoked => "Token revoked: it no longer opens anything.".to_string(),
            Done::AccessGiven => {
                "Access offered: it takes effect when an owner of that organization accepts it."
                    .to_string()
            }
            Done::Invited => {
                "Invitation sent: the person becomes a member when they accept it (within 7 days)."
                    .to_string()
            }
            Done::InvitationWithdrawn => "Invitation withdrawn.".to_string(),
            Done::InvitationAccepted => "Invitation accepted: welcome.".to_string(),
            Done::InvitationDeclined => "Invitation declined.".to_string(),
            Done::MemberRemoved => "Member removed: their sessions no longer act here.".to_string(),
            Done::Left => "You left the organization.".to_string(),
            Done::SessionsEnded => {
                "Sessions ended: the member must sign in again to act here.".to_string()
            }
            Done::OfferAccepted => "Access accepted: the system is now in your list.".to_string(),
            Done::OfferDeclined => "Offer declined.".to_string(),
            Done::AccessTaken => "Access taken away.".to_string(),
            Done::CertificateIssued => {
                "Certificate issued: download it below, or verify it on the public page."
                    .to_string()
            }
            Done::CertificateRevoked => {
                "Certificate revoked: verifying it now fails with your reason.".to_string()
            }
            Done::KeyCreated => {
                "Signing key created: it is active, and the newest active key signs from now on."
                    .to_string()
            }
            Done::KeyImported => {
                "Signing key imported: it is active, and the newest active key signs from now on."
                    .to_string()
            }
            Done::KeyRetired => {
                "Signing key retired: it signs no more, and what it signed still verifies."
                    .to_string()
            }
            Done::KeyRevoked => {
                "Signing key revoked: nothing it signed from that day on is trusted.".to_string()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_moment_reads_as_people_write_it() {
        assert_eq!(when("2026-12-05T10:48:05.936Z"), "5 Dec 2026, 10:48 UTC");
        assert_eq!(when("2027-01-31T00:00:00Z"), "31 Jan 2027, 00:00 UTC");
        assert_eq!(when("yesterday"), "yesterday");
        assert_eq!(when("2026-13-05T10:48:05Z"), "2026-13-05T10:48:05Z");
        assert_eq!(when("2026-12-05T1x:48"), "2026-12-05T1x:48");
    }

    #[test]
    fn every_confirmation_survives_its_own_link() {
        let all = PLAIN.iter().map(|(_, d)| *d).chain([
            Done::AssessmentSaved { version: 3 },
            Done::TargetSaved { version: 2 },
        ]);
        for done in all {
            let link = done.on("/systems/1");
            let query = link.split_once('?').expect("query").1;
            let pairs: Vec<(String, String)> = query
                .split('&')
                .filter_map(|p| p.split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            assert_eq!(Done::from_query(&pairs), Some(done), "{link}");
        }
    }

    #[test]
    fn a_query_cannot_make_a_page_say_something_of_its_own() {
        let pairs = vec![("done".to_string(), "<script>".to_string())];
        assert_eq!(Done::from_query(&pairs), None);
        let pairs = vec![("done".to_string(), "assessment-saved".to_string())];
        assert_eq!(Done::from_query(&pairs), None, "a version is required");
    }
}

/// The confirmation a page was redirected with, as the sentence to show (`None` without one,
/// or with a query that names none of ours). Render it with `{% include "notice.html" %}` from
/// a template field named `confirmation`.
pub struct Confirmation(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for Confirmation {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let pairs = axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
            .map(|q| q.0)
            .unwrap_or_default();
        Ok(Confirmation(
            Done::from_query(&pairs).map(|done| done.message()),
        ))
    }
}

/// Percent-encodes a query value.
pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let here = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".to_string());
        let Some(secret) = crate::auth::cookie(parts, SESSION_COOKIE) else {
            return Err(SignIn(here).into_response());
        };
        match session_caller(state, secret).await {
            Ok(Some((caller, session))) => Ok(PageUser {
                caller,
                csrf: session.csrf_token,
            }),
            Ok(None) => Err(SignIn(here).into_response()),
            Err(p) => Err(page_error(p)),
        }
    }
}

impl PageUser {
    /// Fails unless a form's `csrf` field is this session's token.
    pub fn check_csrf(&self, sent: &str) -> Result<(), Problem> {
        if constant_time_eq(sent, &self.csrf) {
            Ok(())
        } else {
            Err(Problem::forbidden(
                "this form is out of date or was not sent from this site: reload the page and try again",
            ))
        }
    }

    /// The header for a page about an organization.
    pub async fn nav(&self, state: &AppState, org_id: i64) -> Nav {
        let mut organizations = Vec::new();
        for (org, _) in self.caller.organizations() {
            let name = state
                .store
                .organization_name(org)
                .await
                .unwrap_or_else(|_| format!("organization {}", org.0));
            organizations.push((org.0, name));
        }
        Nav {
            user: self.caller.actor(),
            org_id,
            organizations,
            csrf: self.csrf.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    nav: Option<Nav>,
    title: String,
    detail: String,
    /// Every reason, when the problem lists several.
    reasons: Vec<String>,
    /// Where to go from here: (link, words).
    back: (String, String),
}

/// What an error page says, kept on its response so that `signed_in_errors` can render it again
/// with the signed-in header.
#[derive(Clone)]
struct ShownProblem {
    title: String,
    detail: String,
    reasons: Vec<String>,
    back: (String, String),
}

/// Why a page could not be shown: the problem the API would answer, rendered as the error
/// page with the same status and words (and every reason it lists). Page handlers return it
/// with `?`; [`PageError::back_to`] says where the way back leads.
pub struct PageError(pub Problem, pub Option<(String, String)>);

impl PageError {
    /// The error page leads back to `href` (described by `words`) instead of the start.
    pub fn back_to(problem: Problem, href: String, words: &str) -> PageError {
        PageError(problem, Some((href, words.to_string())))
    }
}

impl From<Problem> for PageError {
    fn from(problem: Problem) -> PageError {
        PageError(problem, None)
    }
}

impl From<smm_store::StoreError> for PageError {
    fn from(e: smm_store::StoreError) -> PageError {
        PageError(e.into(), None)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        page_error_back(self.0, self.1)
    }
}

/// What a page handler returns.
pub type PageResult = Result<Response, PageError>;

/// A problem as a page (same status, same words as the API would give).
pub fn page_error(problem: Problem) -> Response {
    page_error_back(problem, None)
}

/// A problem as a page, with its way back.
fn page_error_back(problem: Problem, back: Option<(String, String)>) -> Response {
    let status = problem.status_code();
    let detail = if status == StatusCode::INTERNAL_SERVER_ERROR {
        if problem.detail != crate::problem::INTERNAL_DETAIL {
            tracing::error!(detail = %problem.detail, "server error");
        }
        crate::problem::INTERNAL_DETAIL.to_string()
    } else {
        problem.detail.clone()
    };
    let reasons: Vec<String> =
        if status == StatusCode::INTERNAL_SERVER_ERROR || problem.errors.len() < 2 {
            Vec::new()
        } else {
            problem.errors.iter().map(|e| e.detail.clone()).collect()
        };
    // With the reasons listed one by one, the detail's lead ("no certificate issued") heads them.
    let detail = match detail.split_once(": ") {
        Some((lead, _)) if !reasons.is_empty() => lead.to_string(),
        _ => detail,
    };
    let page = ErrorPage {
        nav: None,
        title: problem.title.clone(),
        detail,
        reasons,
        back: back.unwrap_or_else(|| ("/".to_string(), "Back to the start".to_string())),
    };
    let mut response = render(&page);
    *response.status_mut() = status;
    response.extensions_mut().insert(ShownProblem {
        title: page.title,
        detail: page.detail,
        reasons: page.reasons,
        back: page.back,
    });
    response
}

/// Gives an error page the signed-in header when the request has a live session, so a person
/// who followed a stale link still sees who they are and has the way back to their portfolio.
/// Handlers report errors without looking up the header (most errors happen before there is an
/// organization to show); this looks it up only for the few requests that end in an error.
async fn signed_in_errors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let secret = cookie_value(request.headers(), SESSION_COOKIE).map(str::to_string);
    let mut response = next.run(request).await;
    let Some(shown) = response.extensions_mut().remove::<ShownProblem>() else {
        return response;
    };
    let Some(secret) = secret else {
        return response;
    };
    let Ok(Some((caller, session))) = session_caller(&state, &secret).await else {
        return response;
    };
    let Some((org, _)) = caller.organizations().first().copied() else {
        return response;
    };
    let user = PageUser {
        caller,
        csrf: session.csrf_token,
    };
    let page = ErrorPage {
        nav: Some(user.nav(&state, org.0).await),
        title: shown.title,
        detail: shown.detail,
        reasons: shown.reasons,
        back: shown.back,
    };
    match page.render() {
        Ok(html) => {
            let (mut parts, _) = response.into_parts();
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(html))
        }
        Err(_) => response,
    }
}

/// Renders a template as an HTML page with the pages' security headers.
pub fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => {
            let mut response = Html(html).into_response();
            secure(&mut response);
            response
        }
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page could not be rendered",
            )
                .into_response()
        }
    }
}

/// The headers every page carries.
pub fn secure(response: &mut Response) {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}
