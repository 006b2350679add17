//! A document's levels in a few bytes, kept beside it so a portfolio of thousands of systems rolls
//! up without parsing every document again.
//!
//! The encoding lives in smm-core ([`smm_core::level::summary`]), next to the levels it encodes;
//! the summary is computed once, when a document is checked ([`smm_core::CheckedDocument`]), and
//! the store keeps it as given. A document stored before summaries existed has none.

pub use smm_core::level::summary::{decode, encode};
