//! Pictures and documents for people: charts, reports and exports of IoT SMM targets and gaps.
//!
//! Everything here renders data that smm-core computed; nothing here decides anything.
//!
//! - [`model`]: the chart data (practices, subdomains or domains with target and current levels).
//! - [`chart`]: SVG bar charts hatched by scope, radar charts, heat maps, and the comparison and
//!   trend charts; accessible (`<title>`, `<desc>`, real text), printable, colour-blind safe, no
//!   external resources.
//! - [`png`]: SVG to PNG in Rust (resvg) with the bundled DejaVu fonts.
//! - [`html`]: the self-contained HTML report: a gap report, or a target profile sheet. Both open
//!   with an identification block (documents, digests, assessors, report date, [`TOOL`]).
//! - [`pdf`]: the same report as a PDF, typeset natively in Rust (typst as a library).
//! - [`export`]: the gap table as CSV or XLSX.
//! - [`gate`]: `smm check`'s verdict as JUnit XML and SARIF 2.1.0, for CI dashboards.
//! - [`risk`]: risk in money as CSV or XLSX, as ranges in words, and as a report section.
//! - [`roadmap`]: the roadmap as Markdown and HTML (with [`chart::timeline`]).
//! - [`parties`]: who answers for what and who pays, goal plans and the approval, in words.
//! - [`attestation`]: the one-page certificate or declaration document to hand over (HTML, PDF),
//!   with its verification link as a QR code.
#![deny(missing_docs)]

pub mod attestation;
pub mod chart;
pub mod coverage;
pub mod export;
mod findings;
pub mod gate;
pub mod html;
mod identification;
mod limitations;
pub mod model;
pub mod parties;
pub mod pdf;
pub mod png;
pub mod risk;
pub mod roadmap;
pub mod svg;

pub use identification::TOOL;
pub use model::{chart_data, ChartData, ChartItem, Granularity};
