//! What a target and an assessment share: a level for every practice of one catalog, and the
//! names to show them by.

use serde::Serialize;

use super::ComparedProfile;
use crate::catalog::Catalog;
use crate::current::CurrentProfile;
use crate::id::{DomainId, PracticeId, SubdomainId};
use crate::level::Level;
use crate::resolve::{PracticeLimitation, ResolvedTarget};

/// Which kind of document a profile came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ProfileKind {
    /// A target profile: what a stakeholder needs.
    TargetProfile,
    /// An assessment: what a product version has.
    Assessment,
}

/// One practice as a profile states it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ProfilePractice {
    /// Practice id.
    pub id: PracticeId,
    /// Display name.
    pub name: String,
    /// Its domain.
    pub domain: DomainId,
    /// Its subdomain.
    pub subdomain: SubdomainId,
    /// The level the profile gives it (required for a target, achieved for an assessment).
    pub level: Level,
    /// What a target declares it cannot ask of the practice, and what compensates; a compared
    /// level means something else with a limitation beside it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limitation: Option<PracticeLimitation>,
}

/// A domain's id and display name, so results can be grouped and titled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ProfileDomain {
    /// Domain id.
    pub id: DomainId,
    /// Display name.
    pub name: String,
}

/// What a target and an assessment have in common: a level for every practice of a catalog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ProfileView {
    /// Target profile or assessment.
    pub kind: ProfileKind,
    /// The target's name, or the assessed product's name.
    pub name: String,
    /// The target's version, or the assessed product's version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `id@version` of the catalog.
    pub catalog: String,
    /// Domains in catalog order.
    pub domains: Vec<ProfileDomain>,
    /// Practices in catalog order.
    pub practices: Vec<ProfilePractice>,
}

impl ProfileView {
    /// The view of a resolved target: every practice's required level.
    pub fn of_target(target: &ResolvedTarget) -> ProfileView {
        ProfileView {
            kind: ProfileKind::TargetProfile,
            name: target.name.clone(),
            version: target.version.clone(),
            catalog: target.catalog.clone(),
            domains: target
                .domains
                .iter()
                .map(|d| ProfileDomain {
                    id: d.id.clone(),
                    name: d.name.clone(),
                })
                .collect(),
            practices: target
                .practices
                .iter()
                .map(|p| ProfilePractice {
                    id: p.id.clone(),
                    name: p.name.clone(),
                    domain: p.domain.clone(),
                    subdomain: p.subdomain.clone(),
                    level: p.level(),
                    limitation: target.limitation(p.id.as_str()).cloned(),
                })
                .collect(),
        }
    }

    /// The view of a current profile: every practice's achieved level. A current profile keeps
    /// only ids, so names come from the catalog it was checked against.
    pub fn of_current(catalog: &Catalog, current: &CurrentProfile) -> ProfileView {
        let name_of = |id: &str| {
            catalog
                .practice(id)
                .map(|p| p.practice.name.clone())
                .unwrap_or_else(|| id.to_string())
        };
        ProfileView {
            kind: ProfileKind::Assessment,
            name: current.product.clone(),
            version: Some(current.version.clone()),
            catalog: current.catalog.clone(),
            domains: catalog
                .domains
                .iter()
                .map(|d| ProfileDomain {
                    id: d.id.value.clone(),
                    name: d.name.clone(),
                })
                .collect(),
            practices: current
                .practices
                .iter()
                .map(|p| ProfilePractice {
                    id: p.id.clone(),
                    name: name_of(p.id.as_str()),
                    domain: p.domain.clone(),
                    subdomain: p.subdomain.clone(),
                    level: p.level,
                    limitation: None,
                })
                .collect(),
        }
    }

    /// How the profile is named in messages: its name and version.
    pub fn label(&self) -> String {
        ComparedProfile::of(self).label()
    }
}
