//! Reliability of `smm serve`, run as the real binary: what a crash, a deploy, a second server
//! and a database outage do to the data and to the clients.
//!
//! - `backup`: a backup taken under write load restores every acknowledged write (SQLite,
//!   PostgreSQL); damaged archives and used targets are refused; the keys secret only on request.
//! - `crash`: SIGKILL under concurrent writes loses no acknowledged write (SQLite, PostgreSQL).
//! - `cluster`: two servers on one PostgreSQL database act as one.
//! - `balanced`: three servers on one PostgreSQL database behind a real HAProxy keep every
//!   acknowledged write, sessions, the login throttle and both logs through a SIGKILL and a
//!   SIGTERM mid-run (`haproxy`: the proxy's process and configuration).
//! - `contention`: sign-ins during document writes fail neither.
//! - `shutdown`: SIGTERM finishes requests in flight, refuses new ones, exits 0.
//! - `health`: liveness, readiness and request ids.
//! - `files`: a private data directory and database, and one server per SQLite file.
//! - `limits`: the connection limits, from flags and environment.
//! - `memory`: the memory argon2 takes to check a password goes back to the system.
//!
//! The PostgreSQL tests need `SMM_TEST_POSTGRES_URL` (scripts/test provides it); without it they
//! are skipped with a note, except under `CI=true`, where they fail; so is `balanced` without
//! HAProxy (scripts/test installs it).

mod accounts;
mod backup;
mod balanced;
mod cluster;
mod contention;
mod crash;
mod files;
mod forms;
mod haproxy;
mod health;
mod limits;
mod memory;
mod oidc;
mod server;
mod shutdown;
#[path = "../cli/support/mod.rs"]
mod support;
