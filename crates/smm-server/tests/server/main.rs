//! The server's tests as one test binary: each module was a test file of its own, and each
//! file linked the whole server again, which made most of the time of a test build. One binary
//! links it once. Run one module with `cargo test -p smm-server --test server MODULE::`.

#[macro_use]
mod common;

mod api;
mod attestations;
mod audit_checkpoints;
mod auth_and_certificates;
mod caching;
mod connections;
mod consent;
mod consent_pages;
mod declared;
mod editor;
mod files;
mod fuzz;
mod keys;
mod oscal;
mod permissions;
mod portfolio;
mod register;
mod risk;
mod schemes;
mod sign_in_defences;
mod sign_in_timing;
mod standards;
mod tiles;
mod transparency;
mod web;
mod wizard_agrees;
