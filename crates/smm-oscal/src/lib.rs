//! NIST OSCAL for smm: the model's documents as OSCAL, and OSCAL assessment results back.
//!
//! Compliance teams exchange assessment data in OSCAL. This crate maps smm's documents onto the
//! OSCAL models they correspond to, with no I/O (the CLI reads and writes the files):
//!
//! - [`catalog::catalog`]: the model catalog as an OSCAL catalog (domains and subdomains as
//!   groups, practices as controls, each comprehensiveness level's meaning as a part, the target
//!   comprehensiveness and scope as parameters).
//! - [`profile::profile`]: a resolved target profile as an OSCAL profile that selects practices
//!   and sets their parameters to the target's levels.
//! - [`results::assessment_results`]: an assessment and its gap as OSCAL assessment results.
//! - [`poam::poam`]: a roadmap as an OSCAL plan of action and milestones.
//! - [`import::import_results`]: OSCAL assessment results back into an [`Assessment`], losslessly
//!   for smm's own exports, as far as they map for other tools', with an [`ImportReport`] of
//!   what could not be mapped.
//!
//! Every UUID is a version 5 UUID over [`SMM_UUID_NAMESPACE`] and the content's identity, so the
//! same input always exports the same bytes. What smm records that OSCAL has no field for is kept
//! in `props` in the [`SMM_NS`] namespace.
//!
//! [`Assessment`]: smm_core::Assessment
#![deny(missing_docs)]

pub mod catalog;
pub mod import;
pub mod poam;
pub mod profile;
pub mod results;
mod shared;

pub use import::{import_results, ImportReport, Imported, Unmapped};
pub use shared::{render, Format, OSCAL_VERSION, SMM_NS, SMM_UUID_NAMESPACE};
