//! The documents people keep in git: target profiles and assessments.
//!
//! These types are the file format, nothing more: they keep what was written (and where) so
//! errors can point at it and a document survives a round trip. Checking against the catalog
//! happens in [`crate::resolve`] and [`crate::current`], which turn them into checked types.

mod assessment;
mod date;
mod draft;
pub mod prepared;
mod target;
mod template;
mod title;

pub use assessment::{
    AssessedPractice, Assessment, AssessmentKind, AssessmentReference, Evidence, Finding,
    FindingKind, FindingStatus, Method, Product, Recommendation, Severity, TargetReference,
};
pub use date::Date;
pub use draft::{AssessmentDraft, Incomplete, PracticeDraft};
pub use target::{
    Acceptance, Approval, CatalogReference, Factor, FactorKind, Goal, GoalBudget, Impact,
    Limitation, Override, Priority, Stakeholder, StakeholderRole, Supersedes, TargetProfile,
    TargetProfileKind,
};
pub use template::{builtin_templates, parse_template, Particulars, Template, BUILTIN_TEMPLATES};

use crate::diagnostic::Diagnostics;
use crate::header::{parse_kind, read_kind, Kind};

/// Any document smm reads, by its `kind`.
#[derive(Clone, Debug)]
pub enum Document {
    /// `kind: TargetProfile`.
    TargetProfile(Box<TargetProfile>),
    /// `kind: Assessment`.
    Assessment(Box<Assessment>),
    /// `kind: Catalog`.
    Catalog(Box<crate::catalog::Catalog>),
    /// `kind: Template`.
    Template(Box<Template>),
    /// `kind: Answers` (answers to the target interview, or a draft).
    Answers(Box<crate::interview::Answers>),
    /// `kind: Scheme`.
    Scheme(Box<crate::scheme::Scheme>),
    /// `kind: Mapping` (read without a catalog: [`crate::mapping::parse_mapping`] checks one).
    Mapping(Box<crate::mapping::Mapping>),
    /// `kind: RiskScenarios` (read without a catalog:
    /// [`crate::risk::parse_risk_scenarios`] checks the practice ids of its overrides).
    RiskScenarios(Box<crate::risk::RiskScenarios>),
    /// `kind: Actions`, `kind: Costs` or `kind: RiskEffects`: planning data, checked only against a catalog (see
    /// [`crate::actions`]).
    Planning {
        /// Which of the two.
        kind: Kind,
        /// The content as parsed, unchecked.
        content: serde_json::Value,
    },
}

/// Parses a document of any kind from YAML or JSON text.
pub fn parse_document(source: &str) -> Result<Document, Diagnostics> {
    Ok(match read_kind(source)? {
        Kind::TargetProfile => Document::TargetProfile(Box::new(parse_target(source)?)),
        Kind::Assessment => Document::Assessment(Box::new(parse_assessment(source)?)),
        Kind::Catalog => Document::Catalog(Box::new(crate::catalog::parse_catalog(source)?)),
        Kind::Template => Document::Template(Box::new(parse_template(source)?)),
        Kind::Answers => Document::Answers(Box::new(crate::interview::parse_answers(source)?)),
        Kind::Scheme => Document::Scheme(Box::new(crate::scheme::parse_scheme(source)?)),
        Kind::Mapping => {
            Document::Mapping(Box::new(crate::mapping::parse_mapping_unchecked(source)?))
        }
        Kind::RiskScenarios => Document::RiskScenarios(Box::new(
            crate::risk::parse_risk_scenarios_unchecked(source)?,
        )),
        kind @ (Kind::Actions | Kind::Costs | Kind::RiskEffects) => Document::Planning {
            kind,
            content: serde_saphyr::from_str(source)
                .map_err(|e| Diagnostics::from(crate::Diagnostic::from_yaml(&e)))?,
        },
    })
}

/// Parses a target profile, refusing other kinds.
pub fn parse_target(source: &str) -> Result<TargetProfile, Diagnostics> {
    parse_kind(source, Kind::TargetProfile)
}

/// Parses an assessment, refusing other kinds.
pub fn parse_assessment(source: &str) -> Result<Assessment, Diagnostics> {
    parse_kind(source, Kind::Assessment)
}
