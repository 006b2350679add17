//! The model itself as data: domains, subdomains, practices and what each level means.
//!
//! Nothing about the model's content lives in Rust code: the catalog is read from YAML (the
//! IoT SMM 1.2 catalog is built in) and checked when loaded, so an organization can ship its own
//! edition or an industry extension without rebuilding smm.

mod guide;
mod load;
mod prepared;

pub use guide::{Adjustment, AdjustmentTarget, FactorGuide, GoalOption, Minimum};

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::header::FormatVersion;
use crate::id::{DomainId, PracticeId, SubdomainId};
use crate::level::{Comprehensiveness, Scope};
use crate::located::Located;

pub use load::parse_catalog;
pub use prepared::prepare;

/// The IoT SMM 1.2 catalog, shipped in the binary.
pub const BUILTIN_CATALOG_YAML: &str = include_str!("../../../../catalog/iot-smm-1.2.yaml");

/// The `kind` value of a catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub enum CatalogKind {
    /// The only value.
    Catalog,
}

/// A loaded, checked catalog.
///
/// Only [`parse_catalog`] and [`Catalog::from_prepared`] make one (it is `Serialize` but not
/// `Deserialize`), and both check and index it, so every catalog in use has been checked.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Catalog {
    /// Document format version; always 1.
    pub smm: FormatVersion,
    /// Always `Catalog`.
    pub kind: CatalogKind,
    /// The model's id, e.g. `iot-smm`.
    pub id: Located<String>,
    /// The model's edition, e.g. `1.2`.
    pub version: Located<String>,
    /// A human title.
    pub title: String,
    /// What each comprehensiveness level means in general.
    pub comprehensiveness: Vec<ComprehensivenessMeaning>,
    /// What each scope means in general.
    pub scopes: Vec<ScopeMeaning>,
    /// The hierarchy.
    pub domains: Vec<Domain>,
    /// How the factors of step 2 move suggested defaults.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub factors: Vec<FactorGuide>,
    /// Consistency rules evaluated on every resolved target.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<crate::rules::Rule>,
    /// Rules the catalog once had and dropped. Profiles that still accept one keep loading; the
    /// acceptance no longer does anything.
    #[serde(rename = "retired-rules", skip_serializing_if = "Vec::is_empty")]
    pub retired_rules: Vec<RetiredRule>,
    #[serde(skip)]
    pub(crate) index: Index,
    #[serde(skip)]
    pub(crate) compiled_rules: Vec<crate::rules::CompiledRule>,
}

/// A rule the catalog no longer has, and why it was dropped.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RetiredRule {
    /// The id profiles may still accept.
    pub id: Located<String>,
    /// Why it was dropped.
    pub why: String,
}

/// The general meaning of one comprehensiveness level.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ComprehensivenessMeaning {
    /// The level.
    pub level: Located<Comprehensiveness>,
    /// Its display name, e.g. `Ad hoc`.
    pub name: String,
    /// What it means, in a sentence or two.
    pub summary: String,
}

/// The general meaning of one scope.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScopeMeaning {
    /// The scope.
    pub scope: Located<Scope>,
    /// Its display name, e.g. `Industry`.
    pub name: String,
    /// What it means.
    pub summary: String,
}

/// A domain: a strategic priority.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Domain {
    /// Stable id.
    pub id: Located<DomainId>,
    /// Display name.
    pub name: String,
    /// Names used by other editions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// What the domain covers.
    pub summary: String,
    /// Goal options for step 3 of setting a target.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub goals: Vec<GoalOption>,
    /// Its subdomains.
    pub subdomains: Vec<Subdomain>,
}

/// A subdomain: a typical concern, at the planning level.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Subdomain {
    /// Stable id.
    pub id: Located<SubdomainId>,
    /// Display name.
    pub name: String,
    /// Names used by other editions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// The concern it addresses.
    pub summary: String,
    /// Its practices.
    pub practices: Vec<Practice>,
}

/// A practice: a concrete activity, assessed by comprehensiveness and scope.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Practice {
    /// Stable id.
    pub id: Located<PracticeId>,
    /// Display name.
    pub name: String,
    /// Names used by other editions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// What the practice is for.
    pub purpose: String,
    /// What levels 1 to 4 mean for this practice, in order.
    pub levels: Vec<PracticeLevel>,
    /// What the narrower scopes add.
    pub scope: ScopeAdditions,
}

/// What one comprehensiveness level means for one practice.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PracticeLevel {
    /// The level (1 to 4).
    pub level: Located<Comprehensiveness>,
    /// What is done and what assurance exists at this level.
    pub description: String,
    /// What typically has to be done to reach it.
    pub actions: Vec<String>,
    /// What an assessor looks for to confirm it.
    pub indicators: Vec<String>,
}

/// What Industry and System scope add to a practice.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScopeAdditions {
    /// What tailoring to the sector adds.
    pub industry: String,
    /// What tailoring to this system adds.
    pub system: String,
}

/// Where an id sits in the hierarchy, by position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Node {
    /// `domains[d]`.
    Domain(usize),
    /// `domains[d].subdomains[s]`.
    Subdomain(usize, usize),
    /// `domains[d].subdomains[s].practices[p]`.
    Practice(usize, usize, usize),
}

/// Lookups built once at load time, so resolution never scans the tree.
#[derive(Clone, Debug, Default)]
pub(crate) struct Index {
    by_id: HashMap<String, Node>,
    by_name: HashMap<String, Node>,
    practices: Vec<(usize, usize, usize)>,
    subdomains: Vec<(usize, usize)>,
}

/// A practice together with its place in the hierarchy.
#[derive(Clone, Copy, Debug)]
pub struct PracticeRef<'c> {
    /// The domain above it.
    pub domain: &'c Domain,
    /// The subdomain above it.
    pub subdomain: &'c Subdomain,
    /// The practice.
    pub practice: &'c Practice,
}

/// A subdomain together with its domain.
#[derive(Clone, Copy, Debug)]
pub struct SubdomainRef<'c> {
    /// The domain above it.
    pub domain: &'c Domain,
    /// The subdomain.
    pub subdomain: &'c Subdomain,
}

impl Catalog {
    /// The built-in IoT SMM 1.2 catalog.
    ///
    /// It is checked by the test suite, so a failure here is a build defect, not a user error.
    pub fn builtin() -> Catalog {
        match parse_catalog(BUILTIN_CATALOG_YAML) {
            Ok(catalog) => catalog,
            Err(problems) => panic!("the built-in catalog is invalid:\n{problems}"),
        }
    }

    /// A catalog from the bytes [`prepare`] wrote, checked and indexed as [`parse_catalog`] does.
    ///
    /// The `smm` command keeps the built-in catalog in this form, prepared when it is built, so
    /// that it does not parse YAML at every start.
    pub fn from_prepared(bytes: &[u8]) -> Result<Catalog, crate::diagnostic::Diagnostics> {
        prepared::read_prepared(bytes)
    }

    /// `id@version`, e.g. `iot-smm@1.2`.
    pub fn reference(&self) -> String {
        format!("{}@{}", self.id.value, self.version.value)
    }

    /// Every practice in catalog order, with its domain and subdomain.
    pub fn practices(&self) -> impl ExactSizeIterator<Item = PracticeRef<'_>> + '_ {
        self.index.practices.iter().map(|&(d, s, p)| {
            let domain = &self.domains[d];
            let subdomain = &domain.subdomains[s];
            PracticeRef {
                domain,
                subdomain,
                practice: &subdomain.practices[p],
            }
        })
    }

    /// Every subdomain in catalog order, with its domain.
    pub fn subdomains(&self) -> impl ExactSizeIterator<Item = SubdomainRef<'_>> + '_ {
        self.index.subdomains.iter().map(|&(d, s)| {
            let domain = &self.domains[d];
            SubdomainRef {
                domain,
                subdomain: &domain.subdomains[s],
            }
        })
    }

    /// Finds a domain, subdomain or practice by id, or by name or alias (ignoring case).
    pub fn find(&self, key: &str) -> Option<Node> {
        let key = key.trim();
        self.index
            .by_id
            .get(key)
            .or_else(|| self.index.by_name.get(&key.to_lowercase()))
            .copied()
    }

    /// The practice with this id, name or alias.
    pub fn practice(&self, key: &str) -> Option<PracticeRef<'_>> {
        match self.find(key)? {
            Node::Practice(d, s, p) => {
                let domain = &self.domains[d];
                let subdomain = &domain.subdomains[s];
                Some(PracticeRef {
                    domain,
                    subdomain,
                    practice: &subdomain.practices[p],
                })
            }
            _ => None,
        }
    }

    /// The subdomain with this id, name or alias.
    pub fn subdomain(&self, key: &str) -> Option<SubdomainRef<'_>> {
        match self.find(key)? {
            Node::Subdomain(d, s) => {
                let domain = &self.domains[d];
                Some(SubdomainRef {
                    domain,
                    subdomain: &domain.subdomains[s],
                })
            }
            _ => None,
        }
    }

    /// The domain with this id, name or alias.
    pub fn domain(&self, key: &str) -> Option<&Domain> {
        match self.find(key)? {
            Node::Domain(d) => Some(&self.domains[d]),
            _ => None,
        }
    }

    /// The ids of every practice, for suggestions.
    pub fn practice_ids(&self) -> impl Iterator<Item = &str> + '_ {
        self.practices().map(|p| p.practice.id.as_str())
    }

    /// The ids of every subdomain, for suggestions.
    pub fn subdomain_ids(&self) -> impl Iterator<Item = &str> + '_ {
        self.subdomains().map(|s| s.subdomain.id.as_str())
    }

    /// The ids of every domain, for suggestions.
    pub fn domain_ids(&self) -> impl Iterator<Item = &str> + '_ {
        self.domains.iter().map(|d| d.id.as_str())
    }

    /// The consistency rules, compiled.
    pub fn rules(&self) -> &[crate::rules::CompiledRule] {
        &self.compiled_rules
    }

    /// The rule with this id.
    pub fn rule(&self, id: &str) -> Option<&crate::rules::CompiledRule> {
        self.compiled_rules.iter().find(|r| r.rule.id.value == id)
    }

    /// A retired rule by id.
    pub fn retired_rule(&self, id: &str) -> Option<&RetiredRule> {
        self.retired_rules.iter().find(|r| r.id.value == id)
    }

    /// The general meaning of a comprehensiveness level.
    pub fn comprehensiveness_meaning(
        &self,
        level: Comprehensiveness,
    ) -> Option<&ComprehensivenessMeaning> {
        self.comprehensiveness
            .iter()
            .find(|m| m.level.value == level)
    }

    /// The general meaning of a scope.
    pub fn scope_meaning(&self, scope: Scope) -> Option<&ScopeMeaning> {
        self.scopes.iter().find(|m| m.scope.value == scope)
    }
}

impl Practice {
    /// What `level` means for this practice; `None` for level 0, which means "nothing".
    pub fn level(&self, level: Comprehensiveness) -> Option<&PracticeLevel> {
        self.levels.iter().find(|l| l.level.value == level)
    }

    /// What `scope` adds for this practice; `None` for General, which adds nothing.
    pub fn scope_addition(&self, scope: Scope) -> Option<&str> {
        match scope {
            Scope::General => None,
            Scope::Industry => Some(&self.scope.industry),
            Scope::System => Some(&self.scope.system),
        }
    }
}
