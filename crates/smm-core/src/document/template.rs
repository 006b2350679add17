//! Templates: partial target profiles for an industry, to start a target from.
//!
//! A template carries what is typical for a sector (factors, goals, a few overrides with their
//! industry reasons); the person setting a target adds what is particular to their system.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::target::{
    CatalogReference, Factor, Goal, Override, StakeholderRole, TargetProfile, TargetProfileKind,
};
use super::Date;
use crate::diagnostic::Diagnostics;
use crate::header::{parse_kind, FormatVersion, Kind};
use crate::located::{Entries, Located};

/// The `kind` value of a template.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum TemplateKind {
    /// The only value.
    Template,
}

/// A template as written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// Document format version: 1.
    pub smm: FormatVersion,
    /// Always `Template`.
    pub kind: TemplateKind,
    /// Stable id, e.g. `smart-manufacturing`.
    pub id: Located<String>,
    /// Display name.
    pub title: String,
    /// Which systems it suits and what it emphasizes.
    pub description: String,
    /// The sector, in a word or two.
    pub industry: String,
    /// The catalog it is written against.
    pub catalog: CatalogReference,
    /// The stakeholder role it suggests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<StakeholderRole>,
    /// A hint for step 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background: Option<String>,
    /// Typical factors of the sector.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub factors: Vec<Factor>,
    /// Goals per domain.
    pub goals: Entries<Goal>,
    /// Subdomain overrides, with rationales.
    #[serde(default, skip_serializing_if = "Entries::is_empty")]
    pub subdomains: Entries<Override>,
    /// Practice overrides, with rationales.
    #[serde(default, skip_serializing_if = "Entries::is_empty")]
    pub practices: Entries<Override>,
}

/// Parses a template, refusing other kinds.
pub fn parse_template(source: &str) -> Result<Template, Diagnostics> {
    parse_kind(source, Kind::Template)
}

/// What a person adds to a template to make it their target.
#[derive(Clone, Debug)]
pub struct Particulars {
    /// Profile name.
    pub name: String,
    /// System of interest.
    pub system: String,
    /// Role; the template's suggestion when `None`.
    pub role: Option<StakeholderRole>,
    /// Authors.
    pub authors: Vec<String>,
    /// Date agreed.
    pub date: Date,
}

impl Template {
    /// A target profile starting from this template.
    pub fn to_profile(&self, particulars: Particulars) -> TargetProfile {
        TargetProfile {
            smm: FormatVersion,
            kind: TargetProfileKind::TargetProfile,
            name: Located::new(particulars.name),
            version: None,
            supersedes: None,
            system: particulars.system,
            role: particulars
                .role
                .or(self.role)
                .unwrap_or(StakeholderRole::Vendor),
            authors: particulars.authors,
            date: particulars.date,
            catalog: self.catalog.clone(),
            background: self.background.clone(),
            factors: self.factors.clone(),
            goals: self.goals.clone(),
            subdomains: self.subdomains.clone(),
            practices: self.practices.clone(),
            accepted_rules: Entries::default(),
            limitations: Entries::default(),
            stakeholders: Entries::default(),
            approval: None,
        }
    }
}

/// The templates shipped with smm, by file name.
pub const BUILTIN_TEMPLATES: [(&str, &str); 6] = [
    (
        "smart-manufacturing",
        include_str!("../../../../catalog/templates/smart-manufacturing.yaml"),
    ),
    (
        "building-automation",
        include_str!("../../../../catalog/templates/building-automation.yaml"),
    ),
    (
        "automotive-supplier",
        include_str!("../../../../catalog/templates/automotive-supplier.yaml"),
    ),
    (
        "consumer-iot",
        include_str!("../../../../catalog/templates/consumer-iot.yaml"),
    ),
    (
        "medical-devices",
        include_str!("../../../../catalog/templates/medical-devices.yaml"),
    ),
    (
        "energy-utilities",
        include_str!("../../../../catalog/templates/energy-utilities.yaml"),
    ),
];

/// The built-in templates, parsed. They are checked by the test suite.
pub fn builtin_templates() -> Vec<Template> {
    BUILTIN_TEMPLATES
        .iter()
        .map(|(name, source)| {
            parse_template(source)
                .unwrap_or_else(|e| panic!("built-in template {name} is invalid:\n{e}"))
        })
        .collect()
}
