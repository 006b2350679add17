//! The OpenAPI 3.1 document, generated from the same declarations that route the requests
//! ([`crate::routes::api`]), so no endpoint can be served undocumented or documented unserved.

use utoipa::openapi::path::{Operation, ParameterIn, PathItem};
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{ContentBuilder, Ref, RefOr};
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
        (name = "documents", description = "Target profiles, assessments and loss scenarios, with versions"),
        (name = "evidence", description = "Evidence files"),
        (name = "analysis", description = "Gap, roadmap, comparison, reports"),
        (name = "risk", description = "Risk in money: a system's loss scenarios simulated for an assessment, today and with its target reached"),
        (name = "certificates", description = "Issue, revoke and verify certificates"),
        (name = "keys", description = "Organizations' signing keys and the public issuers document"),
        (name = "register", description = "The public register: search attestations by vendor, product, product line and issuer"),
        (name = "oscal", description = "NIST OSCAL: the catalog, and a stored target, assessment or roadmap as OSCAL"),
        (name = "standards", description = "Standards mapped to the model's practices, and a stored profile read in a standard's terms"),
        (name = "transparency", description = "The public transparency log of attestations and revocations: checkpoints, entries, proofs"),
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

/// The operations anyone may call: every other one needs an API token or a session, and says so.
///
/// `tests/openapi.rs` holds this list to the handlers: an operation here must never answer 401,
/// and one missing from it must answer 401 to a request without credentials.
pub const PUBLIC_OPERATIONS: &[(&str, &str)] = &[
    ("get", "/api/health"),
    ("get", "/api/ready"),
    ("post", "/api/session"),
    ("get", "/api/schemes"),
    ("get", "/api/issuers"),
    ("get", "/api/issuers/{issuer}/revocations"),
    ("post", "/api/certificates/verify"),
    ("get", "/api/log"),
    ("get", "/api/log/checkpoint"),
    ("get", "/api/log/audit-checkpoint"),
    ("get", "/api/log/entries"),
    ("get", "/api/log/proofs/inclusion"),
    ("get", "/api/log/proofs/consistency"),
    ("get", "/api/log/attestations/{serial}"),
    ("get", "/api/log/attestations/{serial}/proof"),
    ("get", "/api/register"),
    ("get", "/api/standards"),
    ("get", "/api/standards/{standard}"),
    ("get", "/api/oscal/catalog"),
];

/// The answers every handler can give without saying so in its own annotation, because the
/// shared layers give them: the extractors of [`crate::extract`] and [`crate::auth`], and the
/// body limit. Declared here once, from what each operation takes, so the document lists every
/// status a client can meet; and every problem is declared as `application/problem+json`, the
/// type [`Problem`](crate::problem::Problem) is sent with.
struct CommonResponses;

/// The media type of every error answer (RFC 9457).
const PROBLEM_JSON: &str = "application/problem+json";

impl Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            for (method, operation) in operations(item) {
                let public = PUBLIC_OPERATIONS.contains(&(method, path.as_str()));
                declare_common_responses(operation, method, public);
                for response in operation.responses.responses.values_mut() {
                    if let RefOr::T(response) = response {
                        problems_as_problem_json(response);
                    }
                }
            }
        }
    }
}

/// The operations of a path, with their methods in lower case.
fn operations(item: &mut PathItem) -> Vec<(&'static str, &mut Operation)> {
    [
        ("get", item.get.as_mut()),
        ("put", item.put.as_mut()),
        ("post", item.post.as_mut()),
        ("delete", item.delete.as_mut()),
        ("patch", item.patch.as_mut()),
        ("head", item.head.as_mut()),
        ("options", item.options.as_mut()),
        ("trace", item.trace.as_mut()),
    ]
    .into_iter()
    .filter_map(|(method, operation)| operation.map(|o| (method, o)))
    .collect()
}

fn declare_common_responses(operation: &mut Operation, method: &str, public: bool) {
    let takes = |place: ParameterIn| {
        operation
            .parameters
            .iter()
            .flatten()
            .any(|p| p.parameter_in == place)
    };
    let (in_path, in_query) = (takes(ParameterIn::Path), takes(ParameterIn::Query));
    let has_body = operation.request_body.is_some();
    let json_body = operation
        .request_body
        .as_ref()
        .is_some_and(|b| b.content.contains_key("application/json"));
    let changes_state = !matches!(method, "get" | "head" | "options");
    let mut add = |status: &str, description: &str| {
        operation
            .responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| RefOr::T(problem_response(description)));
    };
    if in_query {
        add("400", "A query parameter is malformed or unknown");
    }
    if has_body {
        add("400", "The body is malformed");
        add("413", "The body is larger than this operation accepts");
    }
    if json_body {
        add(
            "415",
            "The body is not labelled as JSON (Content-Type: application/json)",
        );
    }
    if in_path {
        add("404", "No such object, or not the caller's to see");
    }
    if !public {
        add(
            "401",
            "No credentials, or an unknown, expired or revoked token or session",
        );
        if changes_state {
            add(
                "403",
                "Not the caller's to do, or a session request without its X-CSRF-Token",
            );
        }
        operation.security = Some(vec![
            SecurityRequirement::new("token", Vec::<String>::new()),
            SecurityRequirement::new("session", Vec::<String>::new()),
        ]);
    }
}

fn problem_response(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}

/// A response declared with `body = Problem` is sent as `application/problem+json`, not the
/// `application/json` utoipa assumes.
fn problems_as_problem_json(response: &mut Response) {
    let is_problem = |content: &utoipa::openapi::Content| matches!(&content.schema, Some(RefOr::Ref(r)) if r.ref_location == "#/components/schemas/Problem");
    if let Some(content) = response.content.shift_remove("application/json") {
        if is_problem(&content) {
            response.content.insert(PROBLEM_JSON.to_string(), content);
        } else {
            response
                .content
                .insert("application/json".to_string(), content);
        }
    }
}

/// The API's routes and their description, from one declaration.
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut openapi) = utoipa_axum::router::OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(crate::routes::api())
        .split_for_parts();
    // After the merge: the paths come from the routers, not from `ApiDoc`'s own modifiers.
    CommonResponses.modify(&mut openapi);
    (router, openapi)
}

/// The document as JSON (built once per process).
pub fn document() -> String {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT
        .get_or_init(|| api().1.to_pretty_json().unwrap_or_default())
        .clone()
}
