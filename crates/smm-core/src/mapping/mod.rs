//! Standards in the model's terms: which practices, at which levels, address a standard's clauses.
//!
//! Vendors and asset owners are asked about IEC 62443, ETSI EN 303 645 or the Cyber Resilience
//! Act, not about the IoT SMM. A mapping (`kind: Mapping`) relates each clause of one standard to
//! the practices that address it, with the relationship NIST's OLIR program defines (equal,
//! subset of, superset of, intersects with), the lowest comprehensiveness and scope at which the
//! practice does so, and why. [`coverage()`] then reads any profile in the standard's terms, and
//! [`suggest`] turns "we must meet this standard" into practice levels. Mappings are data: smm
//! ships some (catalog/mappings/) and users add their own.

mod check;
mod coverage;
mod suggest;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use coverage::{
    coverage, coverage_of, ClauseCoverage, ClauseStatus, Coverage, CoverageCounts, RelationCoverage,
};
pub use suggest::{raise_to_standard, suggest, Raise, Suggestion};

use crate::catalog::Catalog;
use crate::diagnostic::Diagnostics;
use crate::document::CatalogReference;
use crate::header::{parse_kind, FormatVersion, Kind};
use crate::level::{Comprehensiveness, Scope};
use crate::located::Located;

/// The `kind` value of a mapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum MappingKind {
    /// The only value.
    Mapping,
}

/// One standard's clauses related to the practices of a catalog.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "smm Mapping",
    description = "A standard's clauses related to IoT SMM practices: relationship, minimum level and rationale per relation."
)]
pub struct Mapping {
    /// Document format version: 1.
    pub smm: FormatVersion,
    /// Always `Mapping`.
    pub kind: MappingKind,
    /// The standard mapped.
    pub standard: Standard,
    /// The catalog whose practices the clauses are related to.
    pub catalog: CatalogReference,
    /// How the mapping was made and reviewed, for a reader who wants to contest it.
    pub method: String,
    /// The clauses, in the standard's order.
    pub clauses: Vec<Clause>,
}

/// Which standard, which edition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Standard {
    /// Short identifier, e.g. `etsi-en-303-645`; `smm map` takes it.
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9.-]*$"))]
    pub id: Located<String>,
    /// Its title as people cite it.
    pub title: String,
    /// The edition mapped: a changed edition needs its own review.
    pub version: String,
    /// Who publishes it.
    pub publisher: String,
    /// Where to obtain it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// One clause (requirement, provision, subcategory, capability) of the standard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Clause {
    /// The clause's identifier in the standard, e.g. `5.1-1`, `CR 1.1`, `GV.OC-01`.
    pub id: Located<String>,
    /// A short title naming the clause (never its text).
    pub title: String,
    /// The section or function it belongs to, for grouping in reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// Whether the standard makes it mandatory, recommended or conditional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub obligation: Option<Obligation>,
    /// The practices address the clause together: it is addressed when every relation is met,
    /// even if none alone is equal to or wider than the clause.
    #[serde(default, skip_serializing_if = "is_false")]
    pub jointly: bool,
    /// The practices that address the clause (none when the model does not reach it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relations: Vec<Relation>,
    /// Why no practice addresses the clause: where the model and the standard do not meet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outside_model: Option<Located<String>>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// How binding a clause is in its standard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Obligation {
    /// Must be met to conform.
    Mandatory,
    /// Advised, not required.
    Recommended,
    /// Required when a stated condition holds (e.g. the device has a user interface).
    Conditional,
}

impl Obligation {
    /// The word used in documents and tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Obligation::Mandatory => "mandatory",
            Obligation::Recommended => "recommended",
            Obligation::Conditional => "conditional",
        }
    }
}

/// One practice related to a clause.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Relation {
    /// The practice's id in the catalog.
    pub practice: Located<String>,
    /// How the clause relates to the practice, as NIST's OLIR program names relationships.
    pub relationship: Relationship,
    /// The lowest comprehensiveness at which the practice addresses the clause (1 to 4).
    pub comprehensiveness: Located<Comprehensiveness>,
    /// The lowest scope at which it does.
    #[serde(default = "general")]
    pub scope: Scope,
    /// Why, in our words: the reasoning a reviewer checks.
    pub rationale: Located<String>,
    /// A published source the relation rests on, when there is one beyond the reasoning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

fn general() -> Scope {
    Scope::General
}

/// The clause set against the practice, in OLIR's terms (read "the clause is ... the practice").
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Relationship {
    /// The clause and the practice ask for the same thing.
    Equal,
    /// The clause asks for part of what the practice covers: the practice covers it whole.
    SubsetOf,
    /// The clause asks for more than the practice covers.
    SupersetOf,
    /// They overlap; each has something the other lacks.
    Intersects,
}

impl Relationship {
    /// The word used in documents and tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Relationship::Equal => "equal",
            Relationship::SubsetOf => "subset-of",
            Relationship::SupersetOf => "superset-of",
            Relationship::Intersects => "intersects",
        }
    }

    /// Whether the practice, once at its minimum, addresses the whole clause on its own.
    pub fn covers(self) -> bool {
        matches!(self, Relationship::Equal | Relationship::SubsetOf)
    }
}

/// The mappings smm ships, one file per standard (catalog/mappings/), by standard id: each
/// file is named after the id it declares (a test checks).
pub const BUILTIN_MAPPINGS: &[(&str, &str)] = &[
    (
        "iec-62443-4-1",
        include_str!("../../../../catalog/mappings/iec-62443-4-1.yaml"),
    ),
    (
        "iec-62443-4-2",
        include_str!("../../../../catalog/mappings/iec-62443-4-2.yaml"),
    ),
    (
        "iec-62443-3-3",
        include_str!("../../../../catalog/mappings/iec-62443-3-3.yaml"),
    ),
    (
        "iec-62443-2-1",
        include_str!("../../../../catalog/mappings/iec-62443-2-1.yaml"),
    ),
    (
        "etsi-en-303-645",
        include_str!("../../../../catalog/mappings/etsi-en-303-645.yaml"),
    ),
    (
        "nist-ir-8259a",
        include_str!("../../../../catalog/mappings/nist-ir-8259a.yaml"),
    ),
    (
        "nist-ir-8259b",
        include_str!("../../../../catalog/mappings/nist-ir-8259b.yaml"),
    ),
    (
        "nist-csf-2.0",
        include_str!("../../../../catalog/mappings/nist-csf-2.0.yaml"),
    ),
    (
        "eu-cra-annex-i",
        include_str!("../../../../catalog/mappings/eu-cra-annex-i.yaml"),
    ),
];

/// The ids of the standards smm ships mappings for, in the order listed.
pub fn builtin_ids() -> impl Iterator<Item = &'static str> {
    BUILTIN_MAPPINGS.iter().map(|(id, _)| *id)
}

/// The built-in mapping of standard `id`, checked against `catalog` (a catalog other than the
/// built-in one may not have the practices it names, hence the result).
pub fn builtin_mapping(catalog: &Catalog, id: &str) -> Option<Result<Mapping, Diagnostics>> {
    BUILTIN_MAPPINGS
        .iter()
        .find(|(known, _)| *known == id)
        .map(|(_, text)| parse_mapping(catalog, text))
}

impl Mapping {
    /// Every mapping smm ships, parsed and checked against the built-in catalog.
    pub fn builtin(catalog: &Catalog) -> Vec<Mapping> {
        // Part of the build and checked by the tests: each parses and checks.
        BUILTIN_MAPPINGS
            .iter()
            .map(|(name, text)| {
                parse_mapping(catalog, text)
                    .unwrap_or_else(|e| panic!("built-in mapping {name}: {e}"))
            })
            .collect()
    }

    /// The clause with this id.
    pub fn clause(&self, id: &str) -> Option<&Clause> {
        self.clauses.iter().find(|c| c.id.value == id)
    }

    /// `etsi-en-303-645 (V3.1.3)`: how reports name the standard.
    pub fn label(&self) -> String {
        format!("{} {}", self.standard.title, self.standard.version)
    }
}

/// Parses a mapping and checks it against `catalog`: known practices, unique clauses, levels
/// that mean something, and a reason wherever the model does not reach a clause.
pub fn parse_mapping(catalog: &Catalog, source: &str) -> Result<Mapping, Diagnostics> {
    let mapping: Mapping = parse_kind(source, Kind::Mapping)?;
    check::check(catalog, &mapping).into_result(mapping)
}

/// Parses a mapping without the catalog checks (for `smm validate` on its own, and the schema).
pub fn parse_mapping_unchecked(source: &str) -> Result<Mapping, Diagnostics> {
    parse_kind(source, Kind::Mapping)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::{coverage, raise_to_standard, ClauseStatus};
    use crate::ProfileView;

    const TARGETS: [&str; 4] = [
        include_str!("../../../../examples/bottling-line/target.yaml"),
        include_str!("../../../../examples/home-cameras/target.yaml"),
        include_str!("../../../../examples/hvac/target.yaml"),
        include_str!("../../../../examples/ota-gateway/target.yaml"),
    ];

    #[test]
    fn every_built_in_mapping_checks_and_is_listed_under_its_own_id() {
        let catalog = Catalog::builtin();
        let mappings = Mapping::builtin(&catalog);
        assert_eq!(mappings.len(), BUILTIN_MAPPINGS.len());
        for (m, (id, _)) in mappings.iter().zip(BUILTIN_MAPPINGS) {
            assert_eq!(m.standard.id.value, *id);
            for c in &m.clauses {
                // Identifiers and short titles only: a clause's own text never travels.
                assert!(
                    c.title.chars().count() <= 80,
                    "{id} {}: title too long",
                    c.id.value
                );
                for r in &c.relations {
                    assert!(
                        r.rationale.value.split_whitespace().count() >= 5,
                        "{id} {}: say why",
                        c.id.value
                    );
                }
            }
        }
    }

    /// Raising any example's target to any standard addresses every clause that a practice
    /// covers whole and that lies wholly inside the model, and lowers nothing.
    #[test]
    fn a_target_raised_to_a_standard_addresses_what_the_model_can() {
        let catalog = Catalog::builtin();
        for text in TARGETS {
            let target = crate::parse_target(text).expect("parses");
            let before = crate::resolve(&catalog, &target).expect("resolves");
            for mapping in Mapping::builtin(&catalog) {
                let (raised, raises) =
                    raise_to_standard(&catalog, &target, &mapping, &[]).expect("raises");
                let after = crate::resolve(&catalog, &raised).expect("resolves");
                for (b, a) in before.practices.iter().zip(&after.practices) {
                    assert!(a.comprehensiveness >= b.comprehensiveness && a.scope >= b.scope);
                }
                for r in &raises {
                    assert!(!r.clauses.is_empty());
                }
                let c = coverage(
                    &catalog,
                    &mapping,
                    Some(&ProfileView::of_target(&after)),
                    None,
                );
                for k in &c.clauses {
                    let whole = k.relations.iter().any(|r| r.relationship.covers())
                        || (k.jointly && !k.relations.is_empty());
                    if whole && k.outside_model.is_none() {
                        assert_eq!(
                            k.planned,
                            Some(ClauseStatus::Addressed),
                            "{} {}",
                            mapping.standard.id.value,
                            k.id
                        );
                    } else if !k.relations.is_empty() {
                        assert_ne!(
                            k.planned,
                            Some(ClauseStatus::NotAddressed),
                            "{} {}",
                            mapping.standard.id.value,
                            k.id
                        );
                    }
                }
                // Raising again changes nothing: the suggestion is a fixed point.
                let (_, again) =
                    raise_to_standard(&catalog, &raised, &mapping, &[]).expect("raises");
                assert!(again.is_empty(), "{again:?}");
            }
        }
    }

    #[test]
    fn mistakes_in_a_mapping_point_at_their_line() {
        let catalog = Catalog::builtin();
        let text = BUILTIN_MAPPINGS[0].1;
        let broken = text.replacen(
            "catalog: {id: iot-smm, version: \"1.2\"}",
            "catalog: {id: iot-smm, version: \"9\"}",
            1,
        );
        assert_ne!(broken, text, "the fixture names its catalog inline");
        let problems = parse_mapping(&catalog, &broken)
            .expect_err("wrong catalog")
            .to_string();
        assert!(
            problems.contains("iot-smm@9") && problems.contains("iot-smm@1.2"),
            "{problems}"
        );
        let broken = format!("{text}\n  - id: extra\n    title: Nothing said\n");
        let line = broken.lines().count() - 1;
        let problems = parse_mapping(&catalog, &broken)
            .expect_err("no relation")
            .to_string();
        assert!(
            problems.contains(&format!("{line}:")) && problems.contains("says nothing about why"),
            "{problems}"
        );
    }
}
