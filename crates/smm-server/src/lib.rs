//! The smm server: a JSON API over the store, for teams, assessors and CI.
//!
//! - Everything lives in the database ([`smm_store`]); the server keeps no state of its own
//!   beyond a cache of derived answers, so several servers can share one PostgreSQL.
//! - Callers are people with sessions (HttpOnly cookie plus a CSRF token for every change) or CI
//!   with API tokens ([`auth`]); every object is resolved to its owner and checked against the
//!   caller's role there or a grant ([`access`], [`authz`], docs/permissions.md).
//! - Each organization signs its attestations with its own Ed25519 keys, kept sealed under the
//!   server's secret ([`keyring`], [`app::keys`]); every issuer's public keys are published in
//!   one document (`GET /api/issuers`).
//! - A state-changing request made with a cookie, or to a sign-in door, must come from this
//!   site's own pages (`Origin`/`Sec-Fetch-Site` against `Host`, [`origin`]).
//! - Every error is an RFC 9457 problem ([`problem`]); updates need `If-Match`.
//! - The OpenAPI 3.1 document is generated from the handlers ([`openapi`]) and served at
//!   `/api/openapi.json`.
#![deny(missing_docs)]

pub mod access;
pub mod app;
pub mod audit_watch;
pub mod auth;
pub mod authz;
pub mod cache;
pub mod client;
pub mod connections;
pub mod database_lock;
pub mod extract;
pub mod keyring;
pub mod logs;
pub mod oidc;
pub mod openapi;
pub mod origin;
pub mod problem;
pub mod routes;
pub mod serve;
pub mod state;
pub mod tiles;
pub mod web;

pub use client::parse_trusted_proxy;
pub use connections::ConnectionLimits;
pub use ipnet::IpNet;
pub use serve::{router, run, Config, ServeError};
pub use state::AppState;
