//! The transparency log as static resources in the C2SP tlog-tiles layout, under the prefix
//! `/log`: `/log/checkpoint`, `/log/tile/<L>/<N>[.p/<W>]` and `/log/tile/entries/<N>[.p/<W>]`.
//! A tile never changes once it exists (a partial tile of width `W` is a prefix of the full one),
//! so mirrors and monitors can copy the log with plain HTTP caching; only the checkpoint moves.
//! These are not API operations (no JSON, no problem documents): a missing or malformed tile is a
//! plain 404, as a static file server would answer. See docs/transparency.md.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use smm_cert::tlog::tiles::{entry_bundle, TilePath, TILE_WIDTH};

use crate::app::transparency;
use crate::problem::Problem;
use crate::state::AppState;

/// The routes, public.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/log/checkpoint", get(checkpoint))
        .route("/log/tile/{*path}", get(tile))
}

fn answer(content_type: &'static str, cache: &'static str, body: impl IntoResponse) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

fn missing() -> Response {
    answer(
        "text/plain; charset=utf-8",
        "no-store",
        (StatusCode::NOT_FOUND, "no such tile\n"),
    )
}

/// The latest checkpoint, cached for a few seconds at most.
async fn checkpoint(State(state): State<AppState>) -> Result<Response, Problem> {
    let signed = transparency::checkpoint(&state).await?;
    Ok(answer(
        "text/plain; charset=utf-8",
        "public, max-age=5",
        signed.note.to_string(),
    ))
}

/// A tile or an entry bundle, if the log has grown far enough to hold all of it.
async fn tile(
    State(state): State<AppState>,
    Path(path): Path<String>,
) -> Result<Response, Problem> {
    let Ok(tile) = TilePath::parse(&path) else {
        return Ok(missing());
    };
    let Some(start) = tile.index.checked_mul(TILE_WIDTH) else {
        return Ok(missing());
    };
    let body = match tile.tree_level() {
        Some(level) => {
            let hashes = state.store.log_hash_range(level, start, tile.width).await?;
            if hashes.len() as u64 != tile.width {
                return Ok(missing());
            }
            hashes.concat()
        }
        None => {
            let entries = state.store.log_entries(start, tile.width).await?;
            if entries.len() as u64 != tile.width {
                return Ok(missing());
            }
            entry_bundle(entries.iter().map(|e| e.data.as_bytes()))
                .map_err(|e| Problem::internal("entry bundle", &e))?
        }
    };
    Ok(answer(
        "application/octet-stream",
        "public, max-age=31536000, immutable",
        body,
    ))
}
