//! Systems and products, their grants to assessor organizations, and the documents in them.

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use smm_store::{DocumentInfo, DocumentKind, Role, SystemInfo, SystemKind};

use crate::app::{documents, systems};
use crate::auth::Caller;
use crate::extract::{ApiJson, ApiPath, ApiQuery, DocumentText};
use crate::problem::Problem;
use crate::routes::documents::{document_response, DocumentView};
use crate::routes::{PageQuery, Paged};
use crate::state::AppState;

/// A system or product.
#[derive(Serialize, ToSchema)]
pub struct SystemView {
    /// Id.
    pub id: i64,
    /// Owning organization.
    pub organization: i64,
    /// Name.
    pub name: String,
    /// `system` or `product`.
    pub kind: String,
    /// Product line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<String>,
    /// Created at.
    pub created_at: String,
    /// The caller's role on it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

impl SystemView {
    fn of(s: SystemInfo, role: Option<Role>) -> SystemView {
        SystemView {
            id: s.id.0,
            organization: s.organization.0,
            name: s.name,
            kind: s.kind.as_str().to_string(),
            line: s.line,
            created_at: s.created_at,
            role: role.map(|r| r.as_str().to_string()),
        }
    }
}

/// A new system or product.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSystem {
    /// Name, unique in the organization.
    pub name: String,
    /// `system` (default) or `product`.
    pub kind: Option<String>,
    /// Product line (products only).
    pub line: Option<String>,
}

/// Filters for the system list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SystemQuery {
    /// `system` or `product`.
    pub kind: Option<String>,
    /// Only names containing this (any case).
    pub q: Option<String>,
    /// Only ids greater than this.
    pub after: Option<i64>,
    /// At most this many (1 to 500; 50 if not given).
    pub limit: Option<i64>,
}

fn parse_kind(text: &str) -> Result<SystemKind, Problem> {
    text.parse::<SystemKind>()
        .map_err(|e| Problem::bad_field("kind", e.to_string()))
}

/// The systems and products the organization owns or was granted, a page at a time.
#[utoipa::path(get, path = "/api/organizations/{org}/systems", tag = "systems",
    params(("org" = i64, Path, description = "Organization id"), SystemQuery),
    responses((status = 200, body = Paged<SystemView>), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<i64>,
    ApiQuery(query): ApiQuery<SystemQuery>,
) -> Result<Json<Paged<SystemView>>, Problem> {
    let kind = query.kind.as_deref().map(parse_kind).transpose()?;
    let page = PageQuery {
        after: query.after,
        limit: query.limit,
    }
    .page();
    let systems = systems::list(&state, &caller, org, kind, query.q.as_deref(), page).await?;
    let items = systems
        .into_iter()
        .map(|s| SystemView::of(s, None))
        .collect();
    Ok(Json(Paged::of(items, page, |s: &SystemView| s.id)))
}

/// Creates a system or product in the organization.
#[utoipa::path(post, path = "/api/organizations/{org}/systems", tag = "systems",
    params(("org" = i64, Path, description = "Organization id")),
    request_body = NewSystem,
    responses((status = 201, body = SystemView), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<i64>,
    ApiJson(new): ApiJson<NewSystem>,
) -> Result<(StatusCode, Json<SystemView>), Problem> {
    let kind = match new.kind.as_deref() {
        Some(k) => parse_kind(k)?,
        None => SystemKind::System,
    };
    let (info, role) = systems::create(
        &state,
        &caller,
        org,
        systems::NewSystem {
            name: &new.name,
            kind,
            line: new.line.as_deref(),
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(SystemView::of(info, Some(role)))))
}

/// A system or product.
#[utoipa::path(get, path = "/api/systems/{id}", tag = "systems",
    params(("id" = i64, Path, description = "System id")),
    responses((status = 200, body = SystemView), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<SystemView>, Problem> {
    let (info, role) = systems::get(&state, &caller, id).await?;
    Ok(Json(SystemView::of(info, Some(role))))
}

/// A grant of a system to another organization.
#[derive(Serialize, ToSchema)]
pub struct GrantView {
    /// The organization given access.
    pub organization: String,
    /// `assessor` or `viewer`.
    pub role: String,
    /// Who granted (offered) it.
    pub granted_by: String,
    /// `accepted` (in force) or `pending` (offered, waiting for the organization's owners).
    pub status: String,
}

/// The organizations given access to a system, and those offered it. Members of the owning
/// organization see every grant and offer; someone who reaches the system through a grant sees
/// only their own organizations' grants (a client's other assessors are the client's business).
#[utoipa::path(get, path = "/api/systems/{id}/grants", tag = "systems",
    params(("id" = i64, Path, description = "System id")),
    responses((status = 200, body = Vec<GrantView>), (status = 404, body = Problem)))]
pub async fn grants(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<GrantView>>, Problem> {
    let grants = systems::grants(&state, &caller, id).await?;
    let offers = systems::offers(&state, &caller, id).await?;
    Ok(Json(
        grants
            .into_iter()
            .map(|g| GrantView {
                organization: g.organization_name,
                role: g.role.as_str().to_string(),
                granted_by: g.granted_by,
                status: "accepted".to_string(),
            })
            .chain(offers.into_iter().map(|o| GrantView {
                organization: o.organization_name,
                role: o.role.as_str().to_string(),
                granted_by: o.offered_by,
                status: "pending".to_string(),
            }))
            .collect(),
    ))
}

/// What a grant gives.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantChange {
    /// `assessor` (assess, upload evidence, issue certificates) or `viewer` (read).
    pub role: String,
}

/// Offers another organization (by name) access to a system: the grant is pending, and gives
/// nothing, until an owner of that organization accepts it. The answer is the same whether or
/// not an organization has that name. API tokens may not.
#[utoipa::path(put, path = "/api/systems/{id}/grants/{organization}", tag = "systems",
    params(("id" = i64, Path, description = "System id"), ("organization" = String, Path, description = "Grantee organization name")),
    request_body = GrantChange,
    responses((status = 202, description = "Offered, waiting for acceptance", body = GrantView), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn set_grant(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((id, organization)): ApiPath<(i64, String)>,
    ApiJson(change): ApiJson<GrantChange>,
) -> Result<(StatusCode, Json<GrantView>), Problem> {
    let role: Role = change
        .role
        .parse()
        .map_err(|e: smm_store::StoreError| Problem::bad_field("role", e.to_string()))?;
    systems::grant(&state, &caller, id, &organization, role).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(GrantView {
            organization: organization.trim().to_string(),
            role: role.as_str().to_string(),
            granted_by: caller.actor(),
            status: "pending".to_string(),
        }),
    ))
}

/// Takes an organization's access to a system away, or withdraws the offer of it.
#[utoipa::path(delete, path = "/api/systems/{id}/grants/{organization}", tag = "systems",
    params(("id" = i64, Path, description = "System id"), ("organization" = String, Path, description = "Grantee organization name")),
    responses((status = 204, description = "Revoked"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn revoke_grant(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((id, organization)): ApiPath<(i64, String)>,
) -> Result<StatusCode, Problem> {
    systems::revoke_grant(&state, &caller, id, &organization).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A document in a list.
#[derive(Serialize, ToSchema)]
pub struct DocumentSummary {
    /// Id.
    pub id: i64,
    /// System.
    pub system: i64,
    /// `TargetProfile`, `Assessment` or `RiskScenarios`.
    pub kind: String,
    /// Latest version.
    pub version: i64,
    /// Its content digest.
    pub sha256: String,
    /// Who wrote it.
    pub author: String,
    /// When.
    pub updated_at: String,
}

impl From<DocumentInfo> for DocumentSummary {
    fn from(d: DocumentInfo) -> Self {
        DocumentSummary {
            id: d.id.0,
            system: d.system.0,
            kind: d.kind.as_str().to_string(),
            version: d.version,
            sha256: d.sha256,
            author: d.author,
            updated_at: d.updated_at,
        }
    }
}

async fn list_documents(
    state: &AppState,
    caller: &Caller,
    id: i64,
    kind: DocumentKind,
    page: PageQuery,
) -> Result<Json<Paged<DocumentSummary>>, Problem> {
    let page = page.page();
    let docs = systems::documents(state, caller, id, kind, page).await?;
    let items = docs.into_iter().map(DocumentSummary::from).collect();
    Ok(Json(Paged::of(items, page, |d: &DocumentSummary| d.id)))
}

/// The target profiles of a system.
#[utoipa::path(get, path = "/api/systems/{id}/targets", tag = "documents",
    params(("id" = i64, Path, description = "System id"), PageQuery),
    responses((status = 200, body = Paged<DocumentSummary>), (status = 404, body = Problem)))]
pub async fn targets(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<Paged<DocumentSummary>>, Problem> {
    list_documents(&state, &caller, id, DocumentKind::TargetProfile, page).await
}

/// The assessments of a system.
#[utoipa::path(get, path = "/api/systems/{id}/assessments", tag = "documents",
    params(("id" = i64, Path, description = "System id"), PageQuery),
    responses((status = 200, body = Paged<DocumentSummary>), (status = 404, body = Problem)))]
pub async fn assessments(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<Paged<DocumentSummary>>, Problem> {
    list_documents(&state, &caller, id, DocumentKind::Assessment, page).await
}

/// The loss scenarios documents of a system.
#[utoipa::path(get, path = "/api/systems/{id}/risk-scenarios", tag = "documents",
    params(("id" = i64, Path, description = "System id"), PageQuery),
    responses((status = 200, body = Paged<DocumentSummary>), (status = 404, body = Problem)))]
pub async fn risk_scenarios(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<Paged<DocumentSummary>>, Problem> {
    list_documents(&state, &caller, id, DocumentKind::RiskScenarios, page).await
}

async fn create_document(
    state: &AppState,
    caller: &Caller,
    id: i64,
    kind: DocumentKind,
    body: String,
) -> Result<Response, Problem> {
    let stored = documents::store_new(state, caller, id, kind, body).await?;
    let mut response = document_response(DocumentView::from(&stored), &stored);
    *response.status_mut() = StatusCode::CREATED;
    if let Ok(v) = HeaderValue::from_str(&format!("/api/documents/{}", stored.id.0)) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

/// Stores a new target profile (YAML or JSON, as the CLI reads it) in a system.
#[utoipa::path(post, path = "/api/systems/{id}/targets", tag = "documents",
    params(("id" = i64, Path, description = "System id")),
    request_body(content = String, content_type = "application/yaml", description = "A TargetProfile document"),
    responses((status = 201, body = DocumentView, headers(("ETag" = String, description = "The version"))),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_target(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    DocumentText(body): DocumentText,
) -> Result<Response, Problem> {
    create_document(&state, &caller, id, DocumentKind::TargetProfile, body).await
}

/// Stores a new assessment (YAML or JSON) in a system.
#[utoipa::path(post, path = "/api/systems/{id}/assessments", tag = "documents",
    params(("id" = i64, Path, description = "System id")),
    request_body(content = String, content_type = "application/yaml", description = "An Assessment document"),
    responses((status = 201, body = DocumentView, headers(("ETag" = String, description = "The version"))),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_assessment(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    DocumentText(body): DocumentText,
) -> Result<Response, Problem> {
    create_document(&state, &caller, id, DocumentKind::Assessment, body).await
}

/// Stores a new loss scenarios document (YAML or JSON, `kind: RiskScenarios`) in a system:
/// checked as `smm validate` checks the file; written by those who may write targets.
#[utoipa::path(post, path = "/api/systems/{id}/risk-scenarios", tag = "documents",
    params(("id" = i64, Path, description = "System id")),
    request_body(content = String, content_type = "application/yaml", description = "A RiskScenarios document"),
    responses((status = 201, body = DocumentView, headers(("ETag" = String, description = "The version"))),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_risk_scenarios(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    DocumentText(body): DocumentText,
) -> Result<Response, Problem> {
    create_document(&state, &caller, id, DocumentKind::RiskScenarios, body).await
}

/// The system routes: systems, grants, and the documents in a system.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get))
        .routes(routes!(grants))
        .routes(routes!(set_grant, revoke_grant))
        .routes(routes!(targets, create_target))
        .routes(routes!(assessments, create_assessment))
        .routes(routes!(risk_scenarios, create_risk_scenarios))
}
