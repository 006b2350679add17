//! smm-report's integration tests as one test binary: a binary per file linked the
//! report engine (typst, resvg) once per file. Run one module with
//! `cargo test -p smm-report --test report MODULE::`.

#[macro_use]
mod support;

mod attestation;
mod charts;
mod export;
mod report;
mod risk;
mod snapshots;
