//! The charts, as SVG text.
//!
//! Conventions shared by every chart: a `<title>` and `<desc>` for screen readers, real `<text>`
//! labels, the DejaVu Sans font named first with generic fallbacks (the PNG renderer bundles it),
//! the Okabe-Ito colour-blind-safe palette, and no meaning carried by colour alone (scope is a
//! hatching pattern, status is a word or symbol).

mod bar;
mod compare;
mod coverage;
mod exceedance;
mod heatmap;
mod radar;
pub(crate) mod style;
mod timeline;
mod trend;

pub use bar::bar;
pub use compare::compare;
pub use coverage::coverage;
pub(crate) use exceedance::POINTS as EXCEEDANCE_POINTS;
pub use exceedance::{exceedance, short_money};
pub use heatmap::heatmap;
pub use radar::radar;
pub use timeline::timeline;
pub use trend::trend;
