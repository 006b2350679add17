//! The attestation document: one page, as HTML or PDF, that a vendor hands to a client with a
//! certificate or a supplier's declaration.
//!
//! It is drawn from the signed statement alone ([`smm_cert::Attestation`]), plus two things that
//! are not claims about the product: the link (and QR code) where the reader verifies the
//! signature and the current status, and the date the document was rendered. The kind comes
//! first, in words nobody can misread, because a supplier's declaration must never pass for a
//! certificate. The profile's summary is the statement's per-domain result; no practice-level
//! figure is shown, because the statement carries none.
//!
//! - [`VerifyBase`]: the base URL of the verification page, checked once.
//! - [`html`] and [`pdf`]: the two renderings of the same [`Input`].
//! - [`qr`]: the verification link as a QR code (SVG).
//! - [`chart`]: the per-domain summary as a small SVG bar chart.

pub mod chart;
mod page;
mod pdf;
pub mod qr;

use askama::Template;
use smm_cert::Attestation;

pub use page::VerifyBase;

/// What the document is rendered from.
pub struct Input<'a> {
    /// The attestation, decoded from a statement whose signature held.
    pub attestation: &'a Attestation,
    /// Where the reader verifies it.
    pub verify: &'a VerifyBase,
    /// The date of rendering, `YYYY-MM-DD`.
    pub rendered: &'a str,
}

/// The document as one self-contained HTML file (inline CSS and SVG; no script, no network),
/// laid out to print on one A4 page.
pub fn html(input: &Input<'_>) -> Result<String, String> {
    page::page(input)?
        .render()
        .map_err(|e| format!("cannot render the attestation: {e}"))
}

/// The document as a one-page PDF (typst). A very long list of covered products is set smaller
/// until it fits; only beyond what 6 pt type holds does it run onto a second page.
pub fn pdf(input: &Input<'_>) -> Result<Vec<u8>, String> {
    pdf::render(&page::page(input)?)
}
