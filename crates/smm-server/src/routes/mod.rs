//! The REST API's handlers, one module per kind of object.

pub mod analysis;
pub mod certificates;
pub mod documents;
pub mod evidence;
pub mod invitations;
pub mod keys;
pub mod meta;
pub mod organizations;
pub mod oscal;
pub mod register;
pub mod risk;
pub mod session;
pub mod standards;
pub mod systems;
pub mod transparency;

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

/// Every endpoint of the API, each declared once: the route and its description in the OpenAPI
/// document come from the same `#[utoipa::path]` annotation, one router per resource.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(meta::router())
        .merge(session::router())
        .merge(organizations::router())
        .merge(invitations::router())
        .merge(keys::router())
        .merge(systems::router())
        .merge(documents::router())
        .merge(evidence::router())
        .merge(analysis::router())
        .merge(risk::router())
        .merge(certificates::router())
        .merge(transparency::router())
        .merge(register::router())
        .merge(standards::router())
        .merge(oscal::router())
}

/// Which page of a list: items after an id, at most `limit` of them.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Only items with an id greater than this (the `next_after` of the previous page).
    pub after: Option<i64>,
    /// At most this many (1 to 500; 50 if not given).
    pub limit: Option<i64>,
}

impl PageQuery {
    /// The store's page.
    pub fn page(&self) -> smm_store::Page {
        smm_store::Page::new(self.after.unwrap_or(0), self.limit.unwrap_or(50))
    }
}

/// A page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paged<T> {
    /// The items.
    pub items: Vec<T>,
    /// Pass as `after` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_after: Option<i64>,
}

impl<T> Paged<T> {
    /// A page; `id` tells each item's id, and a full page has a next one (maybe empty).
    pub fn of(items: Vec<T>, page: smm_store::Page, id: impl Fn(&T) -> i64) -> Paged<T> {
        let full = i64::try_from(items.len()).unwrap_or(i64::MAX) >= page.limit;
        let next_after = if full { items.last().map(&id) } else { None };
        Paged { items, next_after }
    }
}
