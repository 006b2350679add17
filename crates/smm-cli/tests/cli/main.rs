//! The smm command's tests (each runs the real binary) as one test binary: a binary per file
//! linked the test helpers once per file. Run one module with `cargo test -p smm-cli --test cli MODULE::`.
//! The server's own harness is tests/serve.

#[macro_use]
mod support;

mod audit;
mod binaries;
mod browser;
mod cert;
mod cli;
mod completions;
mod deb;
mod gate;
mod interview_pty;
mod json_outputs;
mod lineage;
mod log;
mod map;
mod oscal;
mod prepared_catalog;
mod progress;
mod risk;
mod roadmap;
mod roadmap_risk;
