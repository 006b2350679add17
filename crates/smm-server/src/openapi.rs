//! The OpenAPI 3.1 document, generated from the handlers' annotations.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes::{
    analysis, certificates, documents, evidence, meta, organizations, session, systems,
};

/// The API's description.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "smm",
        description = "IoT Security Maturity Model: organizations, systems, target profiles, \
                       assessments, evidence, gap, roadmap, comparison, reports, certificates \
                       and the audit log. Errors are RFC 9457 problem details.",
        license(name = "Apache-2.0")
    ),
    paths(
        meta::health, meta::ready,
        session::login, session::current, session::logout, session::change_password,
        organizations::list, organizations::create, organizations::members,
        organizations::set_member, organizations::create_token, organizations::tokens,
        organizations::revoke_token, organizations::portfolio, organizations::audit,
        systems::list, systems::create, systems::get, systems::grants, systems::set_grant,
        systems::revoke_grant, systems::targets, systems::assessments,
        systems::create_target, systems::create_assessment,
        documents::get, documents::put, documents::versions,
        evidence::upload, evidence::download,
        analysis::gap_of, analysis::roadmap, analysis::compare_profiles, analysis::report,
        certificates::issue_certificate, certificates::list, certificates::get,
        certificates::revoke_certificate, certificates::revocations, certificates::issuer_key,
        certificates::verify_certificate,
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

/// The document as JSON.
pub fn document() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_default()
}
