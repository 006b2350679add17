//! The OpenAPI 3.1 document, generated from the same declarations that route the requests
//! ([`crate::routes::api`]), so no endpoint can be served undocumented or documented unserved.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use std::sync::OnceLock;

use axum::Router;

use crate::state::AppState;

/// The API's description.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "smm",
        description = "IoT Security Maturity Model: organizations, systems, target profiles, \
                       assessments, evidence, gap, roadmap, comparison, reports, certificates \
                       and the audit log. Errors are RFC 9457 problem details. JSON bodies \
                       need Content-Type: application/json (else 415); a change made with a \
                       session cookie, and a sign-in, is refused with 403 when Origin (or \
                       Sec-Fetch-Site) names another site.",
        license(name = "Apache-2.0")
    ),
    modifiers(&Security),
    tags(
        (name = "meta", description = "Health and readiness"),
        (name = "session", description = "Signing in and out"),
        (name = "organizations", description = "Organizations, members, tokens, portfolio, audit log"),
        (name = "systems", description = "Systems, products and grants"),
        (name = "documents", description = "Target profiles and assessments, with versions"),
        (name = "evidence", description = "Evidence files"),
        (name = "analysis", description = "Gap, roadmap, comparison, reports"),
        (name = "certificates", description = "Issue, revoke and verify certificates"),
        (name = "keys", description = "Organizations' signing keys and the public issuers document"),
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API token (`smm_…`) for one organization and role"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::SESSION_COOKIE,
                "The session cookie from POST /api/session; changes also need X-CSRF-Token",
            ))),
        );
    }
}

/// The API's routes and their description, from one declaration.
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    utoipa_axum::router::OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(crate::routes::api())
        .split_for_parts()
}

/// The document as JSON (built once per process).
pub fn document() -> String {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT
        .get_or_init(|| api().1.to_pretty_json().unwrap_or_default())
        .clone()
}
