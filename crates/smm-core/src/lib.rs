//! The IoT Security Maturity Model (IoT SMM) as a library: the pipeline's logic, with no I/O.
//!
//! Everything smm does is one pipeline, and this crate holds all of it that is not about files,
//! terminals or networks:
//!
//! - [`Catalog`]: the model as data (domains, subdomains, practices, level meanings), parsed and
//!   checked by [`parse_catalog`]; the IoT SMM 1.2 catalog is built in ([`Catalog::builtin`]).
//! - [`TargetProfile`] and [`Assessment`]: the documents people keep in git, parsed from YAML or
//!   JSON by [`parse_target`] and [`parse_assessment`], with every error located
//!   ([`Diagnostics`]).
//! - [`resolve`]: defaults flow from domain goals to subdomains to practices, overrides win, and
//!   each value keeps its [`Source`]; the result is a [`ResolvedTarget`] with roll-ups ([`Rollup`]).
//! - [`current_profile`]: an assessment checked against the catalog, as a [`CurrentProfile`].
//! - [`gap()`]: the two compared practice by practice, rolled up per subdomain and domain.
//! - [`compare()`]: any two profiles (targets or assessments) as [`ProfileView`]s, measure by
//!   measure; [`trend()`]: assessments over time and what improved or regressed.
//! - [`portfolio`]: many systems measured as the gap measures one, rolled up per domain.
//! - [`check_rules`]: the catalog's consistency rules on a resolved target ([`RuleFinding`]).
//! - [`content_digest`]: the canonical SHA-256 that binds an assessment to its target.
//! - [`CheckedDocument`]: a submitted text checked once for keeping (kind, resolution, digest,
//!   level summary), the only form in which a server stores a document.
//! - [`mapping`]: a standard's clauses related to the practices, and [`mapping::coverage()`]
//!   of a profile in that standard's terms.
//! - [`diff`] and [`lineage`]: what changed between two assessments or two targets, and the
//!   rules for a reassessment that follows an assessment and a target version that supersedes one.
//! - [`risk`]: Open FAIR loss scenarios, what practice levels do to their factors, and a seeded
//!   Monte Carlo simulation of the annual loss of a profile (current, target, roadmap steps).
#![deny(missing_docs)]

pub mod actions;
pub mod calendar;
pub mod canonical;
pub mod catalog;
pub mod checked;
pub mod compare;
pub mod current;
pub mod diagnostic;
pub mod diff;
pub mod digest;
pub mod document;
pub mod gap;
pub mod header;
pub mod id;
pub mod interview;
pub mod level;
pub mod lineage;
pub mod located;
pub mod mapping;
pub mod portfolio;
pub mod provenance;
pub mod resolve;
pub mod responsibility;
pub mod risk;
pub mod roadmap;
pub mod rollup;
pub mod rules;
pub mod scheme;
pub mod trend;

pub use catalog::{parse_catalog, Catalog};
pub use checked::{CheckError, CheckedDocument, CheckedKind};
pub use compare::{compare, Comparison, ProfileView};
pub use current::{current_profile, CurrentProfile};
pub use diagnostic::{Diagnostic, Diagnostics};
pub use digest::{check_known_target_digest, check_target_digest, content_digest};
pub use document::{
    parse_assessment, parse_document, parse_target, Assessment, Document, TargetProfile,
};
pub use gap::{gap, Gap, Status};
pub use header::Kind;
pub use level::{Comprehensiveness, Level, Scope};
pub use resolve::{resolve, ResolvedTarget, Source};
pub use rollup::Rollup;
pub use rules::{check_rules, stale_acceptances, RuleFinding};
pub use trend::{trend, Trend, TrendInput};
