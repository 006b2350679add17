//! Comparing two profiles practice by practice: does profile B cover what profile A states?
//!
//! The gap measures an assessment against the target it was made for. A comparison is looser
//! and more general: either side may be a target or an assessment, because the question a client
//! asks a vendor ("does your certified profile cover what I need?") has the same shape as "is
//! this assessed product at least as good as that one?". A is the reference, B is measured
//! against it; both are first reduced to a [`ProfileView`], the part the two kinds share.
//!
//! The two measures are compared separately ([`Relation`]), because "higher comprehensiveness
//! but narrower scope" is a different conversation from "lower on both". B *covers* a practice
//! of A when it is at least A's level on both measures, which is exactly when the gap would not
//! call B under target with A as the target.

mod verdict;
mod view;

pub use verdict::{Shortfall, Verdict};
pub use view::{ProfileDomain, ProfileKind, ProfilePractice, ProfileView};

use std::collections::HashMap;

use serde::Serialize;

use crate::gap::Status;
use crate::id::{DomainId, PracticeId, SubdomainId};
use crate::level::Level;
use verdict::verdict;

/// Where one measure of B stands against the same measure of A.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Relation {
    /// B is lower than A.
    Below,
    /// B equals A.
    Equal,
    /// B is higher than A.
    Above,
}

impl Relation {
    /// Where `other` stands against `reference`.
    pub fn of<T: Ord>(reference: T, other: T) -> Relation {
        match other.cmp(&reference) {
            std::cmp::Ordering::Less => Relation::Below,
            std::cmp::Ordering::Equal => Relation::Equal,
            std::cmp::Ordering::Greater => Relation::Above,
        }
    }

    /// The same relation seen from the other side.
    pub fn reverse(self) -> Relation {
        match self {
            Relation::Below => Relation::Above,
            Relation::Equal => Relation::Equal,
            Relation::Above => Relation::Below,
        }
    }

    /// The word used in tables and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Below => "below",
            Relation::Equal => "equal",
            Relation::Above => "above",
        }
    }
}

/// One practice of A and B side by side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PracticeComparison {
    /// Practice id.
    pub id: PracticeId,
    /// Display name.
    pub name: String,
    /// Its domain.
    pub domain: DomainId,
    /// Its subdomain.
    pub subdomain: SubdomainId,
    /// A's level.
    pub a: Level,
    /// B's level.
    pub b: Level,
    /// B's comprehensiveness against A's.
    pub comprehensiveness: Relation,
    /// B's scope against A's.
    pub scope: Relation,
    /// B against A as the gap would put it with A as the target: under, met or over.
    pub status: Status,
    /// Whether B reaches A on both measures (status met or over).
    pub covered: bool,
    /// A's limitation on the practice, if A is a target that declares one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub a_limitation: Option<crate::resolve::PracticeLimitation>,
    /// B's limitation on the practice, if B is a target that declares one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub b_limitation: Option<crate::resolve::PracticeLimitation>,
}

impl PracticeComparison {
    /// Whether either side declares a limitation on the practice.
    pub fn limited(&self) -> bool {
        self.a_limitation.is_some() || self.b_limitation.is_some()
    }
}

/// How many practices stand below, equal to and above, on one measure.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct RelationCounts {
    /// B lower than A.
    pub below: usize,
    /// B equal to A.
    pub equal: usize,
    /// B higher than A.
    pub above: usize,
}

impl RelationCounts {
    fn add(&mut self, relation: Relation) {
        match relation {
            Relation::Below => self.below += 1,
            Relation::Equal => self.equal += 1,
            Relation::Above => self.above += 1,
        }
    }
}

/// A domain's practices counted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DomainComparison {
    /// Domain id.
    pub id: DomainId,
    /// Display name.
    pub name: String,
    /// Practices in the domain.
    pub total: usize,
    /// Practices B covers.
    pub covered: usize,
    /// Under if B falls short anywhere in the domain, else over if B is above anywhere, else met.
    pub status: Status,
    /// The comprehensiveness relations.
    pub comprehensiveness: RelationCounts,
    /// The scope relations.
    pub scope: RelationCounts,
}

/// How a compared profile is named.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ComparedProfile {
    /// Target profile or assessment.
    pub kind: ProfileKind,
    /// Target name or product name.
    pub name: String,
    /// Target version or product version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

impl ComparedProfile {
    pub(crate) fn of(view: &ProfileView) -> ComparedProfile {
        ComparedProfile {
            kind: view.kind,
            name: view.name.clone(),
            version: view.version.clone(),
        }
    }

    /// `Smart beverage bottling line 1.0`: the name, and the version when there is one.
    pub fn label(&self) -> String {
        match &self.version {
            Some(v) if !v.trim().is_empty() => format!("{} {v}", self.name),
            _ => self.name.clone(),
        }
    }
}

/// Profile A and profile B, practice by practice, per domain, and the verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Comparison {
    /// The reference profile.
    pub a: ComparedProfile,
    /// The profile measured against it.
    pub b: ComparedProfile,
    /// `id@version` of the catalog both use.
    pub catalog: String,
    /// Every practice, in A's (catalog) order.
    pub practices: Vec<PracticeComparison>,
    /// Every domain, in catalog order.
    pub domains: Vec<DomainComparison>,
    /// Whether B covers A, and where not.
    pub verdict: Verdict,
}

impl Comparison {
    /// The practices B does not cover, in catalog order.
    pub fn short(&self) -> impl Iterator<Item = &PracticeComparison> {
        self.practices.iter().filter(|p| !p.covered)
    }
}

/// Profiles built from different catalogs cannot be compared: their practices need not match.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{a} uses catalog {a_catalog} but {b} uses {b_catalog}; only profiles of the same catalog can be compared")]
pub struct CatalogMismatch {
    /// A's label.
    pub a: String,
    /// A's catalog (`id@version`).
    pub a_catalog: String,
    /// B's label.
    pub b: String,
    /// B's catalog.
    pub b_catalog: String,
}

/// Compares B with A, practice by practice.
pub fn compare(a: &ProfileView, b: &ProfileView) -> Result<Comparison, CatalogMismatch> {
    let mismatch = || CatalogMismatch {
        a: a.label(),
        a_catalog: a.catalog.clone(),
        b: b.label(),
        b_catalog: b.catalog.clone(),
    };
    let levels: HashMap<&str, (Level, Option<&crate::resolve::PracticeLimitation>)> = b
        .practices
        .iter()
        .map(|p| (p.id.as_str(), (p.level, p.limitation.as_ref())))
        .collect();
    if a.catalog != b.catalog || levels.len() != a.practices.len() {
        return Err(mismatch());
    }
    let mut practices = Vec::with_capacity(a.practices.len());
    for p in &a.practices {
        let Some(&(other, b_limitation)) = levels.get(p.id.as_str()) else {
            return Err(mismatch());
        };
        let status = Status::of(p.level, other);
        practices.push(PracticeComparison {
            id: p.id.clone(),
            name: p.name.clone(),
            domain: p.domain.clone(),
            subdomain: p.subdomain.clone(),
            a: p.level,
            b: other,
            comprehensiveness: Relation::of(p.level.comprehensiveness, other.comprehensiveness),
            scope: Relation::of(p.level.scope, other.scope),
            status,
            covered: status != Status::Under,
            a_limitation: p.limitation.clone(),
            b_limitation: b_limitation.cloned(),
        });
    }
    let domains = a
        .domains
        .iter()
        .map(|d| domain_counts(d, &practices))
        .collect();
    let catalog = a.catalog.clone();
    let (a, b) = (ComparedProfile::of(a), ComparedProfile::of(b));
    let verdict = verdict(&a, &b, &practices);
    Ok(Comparison {
        a,
        b,
        catalog,
        practices,
        domains,
        verdict,
    })
}

fn domain_counts(domain: &ProfileDomain, practices: &[PracticeComparison]) -> DomainComparison {
    let mut counts = DomainComparison {
        id: domain.id.clone(),
        name: domain.name.clone(),
        total: 0,
        covered: 0,
        status: Status::Met,
        comprehensiveness: RelationCounts::default(),
        scope: RelationCounts::default(),
    };
    let (mut under, mut over) = (false, false);
    for p in practices.iter().filter(|p| p.domain == domain.id) {
        counts.total += 1;
        counts.covered += usize::from(p.covered);
        counts.comprehensiveness.add(p.comprehensiveness);
        counts.scope.add(p.scope);
        under |= p.status == Status::Under;
        over |= p.status == Status::Over;
    }
    counts.status = if under {
        Status::Under
    } else if over {
        Status::Over
    } else {
        Status::Met
    };
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::level::{Comprehensiveness as C, Scope as S};

    fn view(name: &str, levels: &[(&str, &str, Level)]) -> ProfileView {
        ProfileView {
            kind: ProfileKind::TargetProfile,
            name: name.to_string(),
            version: Some("1.0".to_string()),
            catalog: "iot-smm@1.2".to_string(),
            domains: ["governance", "hardening"]
                .map(|d| ProfileDomain {
                    id: DomainId::new(d),
                    name: d.to_string(),
                })
                .to_vec(),
            practices: levels
                .iter()
                .map(|(id, domain, level)| ProfilePractice {
                    id: PracticeId::new(*id),
                    name: id.to_string(),
                    domain: DomainId::new(*domain),
                    subdomain: SubdomainId::new("s"),
                    level: *level,
                    limitation: None,
                })
                .collect(),
        }
    }

    #[test]
    fn each_measure_is_compared_on_its_own_and_the_verdict_names_the_shortfalls() {
        let a = view(
            "Needs",
            &[
                (
                    "threat-modeling",
                    "governance",
                    Level::new(C::Consistent, S::Industry),
                ),
                (
                    "patch-management",
                    "hardening",
                    Level::new(C::AdHoc, S::Industry),
                ),
                ("monitoring", "hardening", Level::new(C::AdHoc, S::General)),
            ],
        );
        let b = view(
            "Offer",
            &[
                ("monitoring", "hardening", Level::new(C::AdHoc, S::Industry)),
                (
                    "patch-management",
                    "hardening",
                    Level::new(C::Consistent, S::General),
                ),
                (
                    "threat-modeling",
                    "governance",
                    Level::new(C::AdHoc, S::Industry),
                ),
            ],
        );
        let c = compare(&a, &b).expect("same catalog");
        let tm = &c.practices[0];
        assert_eq!(
            (tm.comprehensiveness, tm.scope),
            (Relation::Below, Relation::Equal)
        );
        let pm = &c.practices[1];
        assert_eq!(
            (pm.comprehensiveness, pm.scope),
            (Relation::Above, Relation::Below)
        );
        assert_eq!(pm.status, Status::Under);
        assert!(c.practices[2].covered && c.practices[2].status == Status::Over);
        assert_eq!(
            (c.verdict.covered, c.verdict.total, c.verdict.above),
            (1, 3, 1)
        );
        assert_eq!(
            c.verdict.text,
            "Offer 1.0 covers 1 of 3 practices of Needs 1.0; falls short on threat-modeling \
             (2/industry < 3/industry), patch-management (3/general vs 2/industry: scope short)"
        );
        let hardening = &c.domains[1];
        assert_eq!((hardening.total, hardening.covered), (2, 1));
        assert_eq!(
            hardening.scope,
            RelationCounts {
                below: 1,
                equal: 0,
                above: 1
            }
        );
        assert_eq!(hardening.status, Status::Under);
    }

    #[test]
    fn profiles_of_different_catalogs_are_refused() {
        let a = view("A", &[("x", "governance", Level::new(C::None, S::General))]);
        let mut b = a.clone();
        b.catalog = "iot-smm@2.0".to_string();
        let err = compare(&a, &b).expect_err("different catalogs");
        assert!(err.to_string().contains("iot-smm@2.0"), "{err}");
        let mut c = a.clone();
        c.practices[0].id = PracticeId::new("y");
        assert!(compare(&a, &c).is_err());
    }

    #[test]
    fn a_profile_that_covers_everything_says_so() {
        let a = view(
            "A",
            &[("x", "governance", Level::new(C::AdHoc, S::General))],
        );
        let mut b = a.clone();
        b.name = "B".to_string();
        b.version = None;
        b.practices[0].level = Level::new(C::AdHoc, S::System);
        let c = compare(&a, &b).expect("same catalog");
        assert_eq!(
            c.verdict.text,
            "B covers the one practice of A 1.0; it is above on 1 of them"
        );
    }
}
