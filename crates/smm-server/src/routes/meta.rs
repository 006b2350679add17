//! Liveness, readiness and the API's own description.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::problem::Problem;
use crate::state::AppState;

/// How the server is.
#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: &'static str,
    /// The server's version.
    pub version: &'static str,
}

/// Liveness: the process answers.
#[utoipa::path(get, path = "/api/health", tag = "meta", responses((status = 200, body = Health)))]
pub async fn health() -> Json<Health> {
    Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// Readiness: the database answers too.
#[utoipa::path(get, path = "/api/ready", tag = "meta",
    responses((status = 200, body = Health), (status = 503, body = Problem)))]
pub async fn ready(State(state): State<AppState>) -> Result<Json<Health>, Problem> {
    state.store.ping().await.map_err(|e| {
        // Public: the reason (addresses, user names, driver text) goes to the log only.
        tracing::error!(error = %e, "not ready: the database does not answer");
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "the database does not answer",
        )
    })?;
    Ok(Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    }))
}

/// The health and readiness routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(ready))
}
