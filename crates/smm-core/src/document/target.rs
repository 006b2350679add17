//! The target profile document: what a stakeholder needs for one system of interest.

use schemars::{JsonSchema, Schema};
use serde::{Deserialize, Serialize};

use super::Date;
use crate::header::FormatVersion;
use crate::level::{Comprehensiveness, Scope};
use crate::located::{Entries, Located};

/// The `kind` value of a target profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum TargetProfileKind {
    /// The only value.
    TargetProfile,
}

/// A target profile as written: the five steps of setting a target, from background to practices.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "smm TargetProfile",
    description = "What one stakeholder needs from one system of interest, per IoT SMM domain, subdomain and practice."
)]
pub struct TargetProfile {
    /// Document format version: 1.
    pub smm: FormatVersion,
    /// Always `TargetProfile`.
    pub kind: TargetProfileKind,
    /// A short name for the profile.
    pub name: Located<String>,
    /// The profile's own version, e.g. `1.0`; a lowered level means a new version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The earlier version of this target that this one replaces, and why it changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<Supersedes>,
    /// The system of interest this target is for.
    pub system: String,
    /// Who sets the target.
    pub role: StakeholderRole,
    /// The parties with a stake in the system, keyed by a short id the target uses to say who is
    /// responsible for a practice and who bears its cost (the model's "who chooses, who pays").
    #[serde(default, skip_serializing_if = "Entries::is_empty")]
    pub stakeholders: Entries<Stakeholder>,
    /// Who wrote it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// When it was agreed.
    pub date: Date,
    /// The catalog (model edition) it is written against.
    pub catalog: CatalogReference,
    /// Step 1: background and problem, what is at stake.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background: Option<String>,
    /// Step 2: the factors that shape the target.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub factors: Vec<Factor>,
    /// Step 3: one goal per domain, keyed by domain id.
    pub goals: Entries<Goal>,
    /// Step 4: needs per subdomain that differ from (or confirm) the domain's goal.
    #[serde(default, skip_serializing_if = "Entries::is_empty")]
    pub subdomains: Entries<Override>,
    /// Step 5: purposes per practice that differ from (or confirm) the defaults.
    #[serde(default, skip_serializing_if = "Entries::is_empty")]
    pub practices: Entries<Override>,
    /// Consistency rules this profile knowingly departs from, keyed by rule id, with the reason.
    #[serde(
        default,
        rename = "accepted-rules",
        skip_serializing_if = "Entries::is_empty"
    )]
    pub accepted_rules: Entries<Acceptance>,
    /// What this profile cannot ask of a practice, why, and what makes up for it, keyed by
    /// practice id. A customer reads these with the levels: they are part of what is attested.
    #[serde(default, skip_serializing_if = "Entries::is_empty")]
    pub limitations: Entries<Limitation>,
    /// Who approved this version, when, and with what statement. An approved version is never
    /// edited: a change is a new version that records `supersedes`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<Approval>,
}

/// A party with a stake in the system of interest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Stakeholder {
    /// Its role towards the system.
    pub role: Located<StakeholderRole>,
    /// Its name, e.g. the company; the id stands in when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// The agreement that makes a version of a target binding.
///
/// The approval is part of the content (and so of the digest): what was approved is exactly the
/// document that carries it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// Who approved it: a person, and whom they speak for.
    #[schemars(length(min = 1))]
    pub by: Located<String>,
    /// When; not before the target's own `date`.
    pub date: Located<Date>,
    /// What they approved it as, in their words.
    #[schemars(length(min = 1))]
    pub statement: Located<String>,
}

/// A budget for a domain's work, in a currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalBudget {
    /// Whole currency units.
    pub amount: u64,
    /// ISO 4217 code, e.g. `EUR`; compared with the costs' currency in the roadmap.
    pub currency: Located<String>,
}

/// A limitation on one practice: the product's conditions keep it from going further (real-time
/// operation that a measure would break, a certified safety function that may not change), and
/// other measures compensate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Limitation {
    /// What is limited.
    pub limited: Located<String>,
    /// Why it cannot be otherwise.
    pub because: Located<String>,
    /// What makes up for it; at least one measure.
    #[schemars(length(min = 1))]
    pub compensating: Vec<Located<String>>,
}

/// The version of a target that a newer version replaces.
///
/// A level that turns out not to be achievable is lowered in a new version of the profile, never
/// silently: the record names the old version by its digest and says why it changed, so whoever
/// relies on a certificate issued against the old version can see what it no longer promises.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Supersedes {
    /// The `version` of the replaced profile.
    pub version: Located<String>,
    /// SHA-256 of the replaced profile's canonical content (see `smm digest`).
    #[schemars(regex(pattern = r"^[0-9a-f]{64}$"))]
    pub sha256: Located<String>,
    /// Why the profile changed; required, and shown wherever the change is reported.
    #[schemars(length(min = 1))]
    pub reason: Located<String>,
}

/// Why a profile accepts what a consistency rule warns about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Acceptance {
    /// The reason, required: an accepted warning stays visible with it.
    pub reason: Located<String>,
}

/// A stakeholder's role towards the system; the same system needs different things from each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum StakeholderRole {
    /// Builds and sells the product.
    Vendor,
    /// Puts products together into a system for a client.
    Integrator,
    /// Owns or operates the system.
    #[serde(alias = "owner")]
    Operator,
    /// Uses the product.
    Consumer,
    /// Runs, maintains or supports the system for its owner under a contract.
    ServiceProvider,
    /// Supplies a component (a chip, a module, a library) that goes into the product.
    ComponentVendor,
    /// Supplies the platform the system runs on (a cloud, an operating system, a device
    /// platform).
    PlatformVendor,
    /// Sets or enforces rules the system must follow.
    Regulator,
    /// Assesses the system against a scheme and certifies it.
    CertificationBody,
}

impl StakeholderRole {
    /// Every role, in the order they are offered.
    pub const ALL: [StakeholderRole; 9] = [
        StakeholderRole::Vendor,
        StakeholderRole::Integrator,
        StakeholderRole::Operator,
        StakeholderRole::Consumer,
        StakeholderRole::ServiceProvider,
        StakeholderRole::ComponentVendor,
        StakeholderRole::PlatformVendor,
        StakeholderRole::Regulator,
        StakeholderRole::CertificationBody,
    ];

    /// The word used in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            StakeholderRole::Vendor => "vendor",
            StakeholderRole::Integrator => "integrator",
            StakeholderRole::Operator => "operator",
            StakeholderRole::Consumer => "consumer",
            StakeholderRole::ServiceProvider => "service-provider",
            StakeholderRole::ComponentVendor => "component-vendor",
            StakeholderRole::PlatformVendor => "platform-vendor",
            StakeholderRole::Regulator => "regulator",
            StakeholderRole::CertificationBody => "certification-body",
        }
    }

    /// The role as a reader says it.
    pub fn words(self) -> &'static str {
        match self {
            StakeholderRole::ServiceProvider => "service provider",
            StakeholderRole::ComponentVendor => "component vendor",
            StakeholderRole::PlatformVendor => "platform vendor",
            StakeholderRole::CertificationBody => "certification body",
            other => other.as_str(),
        }
    }

    /// The role named by its document word (or the alias `owner`).
    pub fn parse(word: &str) -> Option<StakeholderRole> {
        let word = word.trim();
        if word.eq_ignore_ascii_case("owner") {
            return Some(StakeholderRole::Operator);
        }
        Self::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(word))
    }
}

/// Which catalog a document is written against.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogReference {
    /// The model's id, e.g. `iot-smm`.
    pub id: Located<String>,
    /// The edition, e.g. `1.2`.
    pub version: Located<String>,
}

/// One factor of step 2: something about the system or business that shapes the target.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Factor {
    /// What kind of factor it is.
    pub kind: FactorKind,
    /// How strongly it weighs, when that is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<Impact>,
    /// The factor, in the author's words.
    pub description: String,
}

/// The kinds of factor the five-step method asks about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FactorKind {
    /// Harm to people or the environment.
    Safety,
    /// Need for uninterrupted service.
    Continuity,
    /// Length and kind of the lifecycle.
    Lifecycle,
    /// Exposure to networks, the internet or the public.
    Exposure,
    /// Laws, regulation and mandatory standards.
    Regulation,
    /// Constraints of the industry.
    Industry,
    /// Constraints of this particular system.
    System,
    /// Size, timing, competition, budget.
    Business,
    /// Known threats, threat sources and worst impacts.
    Threats,
    /// Expectations, priorities and indicators of success.
    Expectations,
    /// What is already in place.
    InPlace,
}

/// How much a factor weighs.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Impact {
    /// Weighs little.
    Low,
    /// Weighs noticeably.
    Medium,
    /// Weighs heavily.
    High,
}

/// A domain's goal: a statement and the default level it sets for everything below.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    /// The goal in plain words.
    pub statement: String,
    /// Default comprehensiveness for the domain's subdomains and practices.
    pub comprehensiveness: Located<Comprehensiveness>,
    /// Default scope for the domain's subdomains and practices.
    pub scope: Located<Scope>,
    /// How much this goal weighs against the other domains' when gaps compete for a budget
    /// (the roadmap); `normal` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// The day by which the domain's practices must reach their levels; the roadmap schedules
    /// their work no later, or says that it cannot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Located<Date>>,
    /// What the business sets aside for the domain's work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<GoalBudget>,
    /// The stakeholder (an id under `stakeholders`) who decides and does the domain's work, unless a
    /// subdomain or practice names another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsible: Option<Located<String>>,
    /// The stakeholder (an id under `stakeholders`) who bears the cost.
    #[serde(
        default,
        rename = "cost-bearer",
        skip_serializing_if = "Option::is_none"
    )]
    pub cost_bearer: Option<Located<String>>,
}

/// A business goal's weight in planning: the roadmap closes gaps of higher-priority domains first.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Priority {
    /// Can wait for the others.
    Low,
    /// The default.
    #[default]
    Normal,
    /// Ahead of the others.
    High,
    /// Before anything else.
    Critical,
}

impl Priority {
    /// The factor a gap in a domain of this priority is weighted by.
    pub fn weight(self) -> u32 {
        match self {
            Priority::Low => 1,
            Priority::Normal => 2,
            Priority::High => 3,
            Priority::Critical => 4,
        }
    }

    /// The word used in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Critical => "critical",
        }
    }
}

/// A specialist's decision on a subdomain or practice: a new level, or a confirmation of the
/// default, always with the reason; and, on its own or beside it, who is responsible and who
/// pays (which needs no rationale: it does not move a level).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = require_rationale)]
pub struct Override {
    /// New comprehensiveness; absent keeps the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comprehensiveness: Option<Located<Comprehensiveness>>,
    /// New scope; absent keeps the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Located<Scope>>,
    /// Why: required, so every deviation from the defaults can be explained to the next reader.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rationale: Option<Located<String>>,
    /// The stakeholder (an id under `stakeholders`) who decides and does the work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsible: Option<Located<String>>,
    /// The stakeholder (an id under `stakeholders`) who bears the cost.
    #[serde(
        default,
        rename = "cost-bearer",
        skip_serializing_if = "Option::is_none"
    )]
    pub cost_bearer: Option<Located<String>>,
}

impl Override {
    /// Whether it says anything about the level (a new level, or a confirmation): only then is
    /// a rationale required.
    pub fn decides_level(&self) -> bool {
        self.comprehensiveness.is_some()
            || self.scope.is_some()
            || self.rationale.is_some()
            || (self.responsible.is_none() && self.cost_bearer.is_none())
    }
}

/// The schema says what resolution enforces: an override that sets a level needs a rationale,
/// and an empty one is refused. (In Rust the field is optional so the error can name the
/// override that lacks it.)
fn require_rationale(schema: &mut Schema) {
    if let Some(object) = schema.as_object_mut() {
        object.insert(
            "dependentRequired".into(),
            serde_json::json!({"comprehensiveness": ["rationale"], "scope": ["rationale"]}),
        );
        object.insert("minProperties".into(), serde_json::json!(1));
    }
    if let Some(props) = schema
        .get_mut("properties")
        .and_then(|p| p.get_mut("rationale"))
        .and_then(|r| r.as_object_mut())
    {
        props.insert("minLength".into(), serde_json::json!(1));
    }
}
