//! smm-core's integration tests as one test binary: a binary per file linked the
//! crate and the test helpers once per file. Run one module with
//! `cargo test -p smm-core --test core MODULE::`.

#[macro_use]
mod support;

mod compare_trend;
mod diff;
mod examples;
mod interview;
mod limitations;
mod parsers_never_panic;
mod risk_roadmap;
mod roadmap;
mod rules;
mod scheme;
mod sources;
