//! The store's integration tests as one test binary. Run one module with
//! `cargo test -p smm-store --test store MODULE::`.

#[macro_use]
mod support;

mod backup;
mod forms;
mod group_commit;
mod issuers;
mod oidc;
mod standing;
mod store;
