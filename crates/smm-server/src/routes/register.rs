//! The public register's API: search attestations by vendor, product, product line and issuer,
//! without signing in. The page (`/register`) and the Atom feed (`/register/feed.atom`) answer
//! the same questions through the same application layer. See docs/server.md.

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use smm_store::RegisterEntry;

use crate::app::register::{self, kind_label, Asked};
use crate::extract::ApiQuery;
use crate::problem::Problem;
use crate::state::AppState;

/// How long a browser or proxy may keep an answer of the register: a new attestation or a
/// revocation shows within a minute.
pub const REGISTER_CACHE: &str = "public, max-age=60";

/// A product and version an attestation covers.
#[derive(Serialize, ToSchema)]
pub struct ProductView {
    /// The product's name.
    pub name: String,
    /// Its version.
    pub version: String,
}

/// An attestation as the register shows it.
#[derive(Serialize, ToSchema)]
pub struct RegisterItem {
    /// The statement's serial.
    pub serial: String,
    /// `certificate` (a certification body's) or `declaration` (the supplier's own).
    pub kind: String,
    /// The kind in words: "Certificate (third-party certification)" or "Supplier's
    /// declaration (self-assessed)".
    pub kind_label: String,
    /// `valid`, `not-yet-valid`, `expired`, `revoked` or `superseded`, today.
    pub status: String,
    /// The organization owning the attested products.
    pub vendor: String,
    /// The organization that signed it.
    pub issuer: String,
    /// The product line, when it covers one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_line: Option<String>,
    /// Every product and version covered.
    pub products: Vec<ProductView>,
    /// Day of issue.
    pub issued: String,
    /// Last day of validity.
    pub valid_until: String,
    /// When it was revoked, if it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
    /// The serial of the newest attestation that supersedes it, when superseded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub superseded_by: Option<String>,
    /// Its public page.
    pub href: String,
}

impl From<RegisterEntry> for RegisterItem {
    fn from(e: RegisterEntry) -> RegisterItem {
        RegisterItem {
            href: register::attestation_href(&e.serial),
            kind_label: kind_label(&e.kind).to_string(),
            status: e.status.as_str().to_string(),
            serial: e.serial,
            kind: e.kind,
            vendor: e.vendor,
            issuer: e.issuer,
            product_line: e.product_line,
            products: e
                .products
                .into_iter()
                .map(|(name, version)| ProductView { name, version })
                .collect(),
            issued: e.issued,
            valid_until: e.valid_until,
            revoked_at: e.revoked_at,
            superseded_by: e.superseded_by,
        }
    }
}

/// A page of the register.
#[derive(Serialize, ToSchema)]
pub struct RegisterPage {
    /// The attestations, newest first.
    pub items: Vec<RegisterItem>,
    /// Pass as `after` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_after: Option<String>,
}

/// Searches the public register: attestations whose vendor's, product's, product line's and
/// issuer's names start with what is given (case-insensitive; `%` and `_` are plain
/// characters), of a kind and status, newest first, a page at a time.
#[utoipa::path(get, path = "/api/register", tag = "register", params(Asked),
    responses((status = 200, body = RegisterPage),
        (status = 400, description = "A filter too long, an unknown kind or status, a bad limit or after", body = Problem)))]
pub async fn search(
    State(state): State<AppState>,
    ApiQuery(asked): ApiQuery<Asked>,
) -> Result<Response, Problem> {
    // The API documents `limit` as an integer: an empty one is a malformed request here, while
    // the register's page, whose form sends an empty field for "not given", reads it as absent.
    if asked.limit.as_deref().is_some_and(|l| l.trim().is_empty()) {
        return Err(register::bad_limit());
    }
    let found = register::search(&state, &asked).await?;
    let page = RegisterPage {
        items: found.entries.into_iter().map(RegisterItem::from).collect(),
        next_after: found.next_after,
    };
    let mut response = Json(page).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(REGISTER_CACHE),
    );
    Ok(response)
}

/// The register's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(search))
}
