//! A profile read in a standard's terms: which clauses its levels address.
//!
//! A relation is met when the profile's practice reaches the relation's minimum in both
//! measures. A clause is addressed when a practice that covers it whole (equal, or the clause a
//! subset of the practice) is met, or, for a clause marked `jointly`, when all its practices are;
//! partly addressed when some relation is met but not enough; and outside the model when no
//! practice reaches it. A clause that says part of it lies outside the model is never more than
//! partly addressed, however high the levels.

use std::collections::HashMap;

use serde::Serialize;

use crate::catalog::Catalog;
use crate::compare::{ComparedProfile, ProfileView};
use crate::current::CurrentProfile;
use crate::gap::Status;
use crate::level::Level;
use crate::resolve::ResolvedTarget;

use super::{Clause, Mapping, Obligation, Relationship};

/// How a clause stands against a profile.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ClauseStatus {
    /// No related practice reaches its minimum.
    NotAddressed,
    /// Some do, not enough to address the whole clause.
    Partial,
    /// The practices at their levels address the clause.
    Addressed,
    /// No practice of the model reaches the clause: it needs measures the model does not describe.
    OutsideModel,
}

impl ClauseStatus {
    /// The word used in tables, CSV and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ClauseStatus::NotAddressed => "not-addressed",
            ClauseStatus::Partial => "partial",
            ClauseStatus::Addressed => "addressed",
            ClauseStatus::OutsideModel => "outside-model",
        }
    }

    /// In words, for people.
    pub fn label(self) -> &'static str {
        match self {
            ClauseStatus::NotAddressed => "not addressed",
            ClauseStatus::Partial => "partly addressed",
            ClauseStatus::Addressed => "addressed",
            ClauseStatus::OutsideModel => "outside the model",
        }
    }
}

/// One practice related to a clause, against the profile(s).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct RelationCoverage {
    /// Practice id.
    pub practice: String,
    /// Its display name.
    pub name: String,
    /// The clause set against the practice.
    pub relationship: Relationship,
    /// The lowest level at which the practice addresses the clause.
    pub minimum: Level,
    /// The planned (target) level, when a target was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub planned: Option<Level>,
    /// Whether the planned level reaches the minimum.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub planned_met: Option<bool>,
    /// The level assessed today, when an assessment was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<Level>,
    /// Whether today's level reaches the minimum.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_met: Option<bool>,
    /// Why the practice addresses the clause at that level.
    pub rationale: String,
}

/// One clause against the profile(s).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ClauseCoverage {
    /// Clause identifier in the standard.
    pub id: String,
    /// Short title.
    pub title: String,
    /// Section or function.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// How binding the clause is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub obligation: Option<Obligation>,
    /// Whether the practices address it only together.
    pub jointly: bool,
    /// The related practices.
    pub relations: Vec<RelationCoverage>,
    /// What the model does not reach, when the mapping says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outside_model: Option<String>,
    /// The clause against the target, when a target was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub planned: Option<ClauseStatus>,
    /// The clause against the assessment, when one was read: met today or not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<ClauseStatus>,
}

/// Clauses counted by status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CoverageCounts {
    /// Clauses in the mapping.
    pub total: usize,
    /// Addressed.
    pub addressed: usize,
    /// Partly addressed.
    pub partial: usize,
    /// Not addressed.
    pub not_addressed: usize,
    /// Outside the model.
    pub outside_model: usize,
}

impl CoverageCounts {
    /// Counts the statuses given (a section's clauses, or the whole standard's).
    pub fn of(statuses: impl Iterator<Item = ClauseStatus>) -> CoverageCounts {
        let mut c = CoverageCounts::default();
        for s in statuses {
            c.total += 1;
            match s {
                ClauseStatus::Addressed => c.addressed += 1,
                ClauseStatus::Partial => c.partial += 1,
                ClauseStatus::NotAddressed => c.not_addressed += 1,
                ClauseStatus::OutsideModel => c.outside_model += 1,
            }
        }
        c
    }

    /// Addressed clauses as a whole percentage of those the model can reach.
    pub fn addressed_percent(&self) -> u32 {
        let reachable = self.total - self.outside_model;
        (self.addressed * 100)
            .checked_div(reachable)
            .map_or(0, |p| u32::try_from(p).unwrap_or(100))
    }
}

/// A standard read against a target, an assessment, or both.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Coverage {
    /// The standard's id.
    pub standard: String,
    /// Its title.
    pub title: String,
    /// The edition mapped.
    pub version: String,
    /// The target read, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<ComparedProfile>,
    /// The assessment read, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessment: Option<ComparedProfile>,
    /// Every clause in the standard's order.
    pub clauses: Vec<ClauseCoverage>,
    /// Clauses counted against the target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub planned: Option<CoverageCounts>,
    /// Clauses counted against the assessment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<CoverageCounts>,
}

impl Coverage {
    /// The clauses the target (or, without one, the assessment) leaves not addressed or only
    /// partly addressed: what a reader acts on.
    pub fn uncovered(&self) -> impl Iterator<Item = &ClauseCoverage> {
        self.clauses.iter().filter(|c| {
            matches!(
                c.planned.or(c.current),
                Some(ClauseStatus::NotAddressed | ClauseStatus::Partial)
            )
        })
    }
}

/// Reads `mapping` against a target (`planned`) and/or an assessment (`current`). The mapping
/// was checked against `catalog`, and both views come from it, so every practice is found.
pub fn coverage(
    catalog: &Catalog,
    mapping: &Mapping,
    planned: Option<&ProfileView>,
    current: Option<&ProfileView>,
) -> Coverage {
    fn levels(view: Option<&ProfileView>) -> Option<HashMap<&str, Level>> {
        view.map(|v| {
            v.practices
                .iter()
                .map(|p| (p.id.as_str(), p.level))
                .collect()
        })
    }
    let planned_levels = levels(planned);
    let current_levels = levels(current);
    let clauses: Vec<ClauseCoverage> = mapping
        .clauses
        .iter()
        .map(|clause| clause_coverage(catalog, clause, &planned_levels, &current_levels))
        .collect();
    let planned_counts =
        planned.map(|_| CoverageCounts::of(clauses.iter().filter_map(|c| c.planned)));
    let current_counts =
        current.map(|_| CoverageCounts::of(clauses.iter().filter_map(|c| c.current)));
    Coverage {
        standard: mapping.standard.id.value.clone(),
        title: mapping.standard.title.clone(),
        version: mapping.standard.version.clone(),
        target: planned.map(ComparedProfile::of),
        assessment: current.map(ComparedProfile::of),
        clauses,
        planned: planned_counts,
        current: current_counts,
    }
}

/// [`coverage`] of the documents themselves: a resolved target (planned) and a checked
/// assessment (met today), either or both, as every door reads them.
pub fn coverage_of(
    catalog: &Catalog,
    mapping: &Mapping,
    target: Option<&ResolvedTarget>,
    assessment: Option<&CurrentProfile>,
) -> Coverage {
    let planned = target.map(ProfileView::of_target);
    let current = assessment.map(|a| ProfileView::of_current(catalog, a));
    coverage(catalog, mapping, planned.as_ref(), current.as_ref())
}

fn clause_coverage(
    catalog: &Catalog,
    clause: &Clause,
    planned: &Option<HashMap<&str, Level>>,
    current: &Option<HashMap<&str, Level>>,
) -> ClauseCoverage {
    let reached = |levels: &Option<HashMap<&str, Level>>, practice: &str, minimum: Level| {
        levels.as_ref().map(|l| {
            let level = l.get(practice).copied();
            (
                level,
                level.is_some_and(|at| Status::of(minimum, at) != Status::Under),
            )
        })
    };
    let relations: Vec<RelationCoverage> = clause
        .relations
        .iter()
        .map(|r| {
            let minimum = Level::new(r.comprehensiveness.value, r.scope);
            let practice = r.practice.value.as_str();
            let p = reached(planned, practice, minimum);
            let c = reached(current, practice, minimum);
            RelationCoverage {
                practice: practice.to_string(),
                name: catalog
                    .practice(practice)
                    .map_or_else(|| practice.to_string(), |p| p.practice.name.clone()),
                relationship: r.relationship,
                minimum,
                planned: p.and_then(|(l, _)| l),
                planned_met: p.map(|(_, met)| met),
                current: c.and_then(|(l, _)| l),
                current_met: c.map(|(_, met)| met),
                rationale: r.rationale.value.clone(),
            }
        })
        .collect();
    let status = |met: &dyn Fn(&RelationCoverage) -> bool| clause_status(clause, &relations, met);
    ClauseCoverage {
        id: clause.id.value.clone(),
        title: clause.title.clone(),
        section: clause.section.clone(),
        obligation: clause.obligation,
        jointly: clause.jointly,
        outside_model: clause.outside_model.as_ref().map(|o| o.value.clone()),
        planned: planned
            .as_ref()
            .map(|_| status(&|r: &RelationCoverage| r.planned_met == Some(true))),
        current: current
            .as_ref()
            .map(|_| status(&|r: &RelationCoverage| r.current_met == Some(true))),
        relations,
    }
}

/// The one rule of a clause's status (see the module's documentation).
fn clause_status(
    clause: &Clause,
    relations: &[RelationCoverage],
    met: &dyn Fn(&RelationCoverage) -> bool,
) -> ClauseStatus {
    if relations.is_empty() {
        return ClauseStatus::OutsideModel;
    }
    let any = relations.iter().any(met);
    let whole = relations.iter().any(|r| r.relationship.covers() && met(r))
        || (clause.jointly && relations.iter().all(met));
    match (whole, any) {
        (true, _) if clause.outside_model.is_none() => ClauseStatus::Addressed,
        (true, _) | (false, true) => ClauseStatus::Partial,
        (false, false) => ClauseStatus::NotAddressed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::ProfileKind;
    use crate::level::{Comprehensiveness, Scope};

    const MAPPING: &str = r#"smm: 1
kind: Mapping
standard: {id: test-standard, title: A test standard, version: "1", publisher: Us}
catalog: {id: iot-smm, version: "1.2"}
method: Written for the tests.
clauses:
  - id: "1"
    title: Covered whole by patching
    relations:
      - {practice: patch-management, relationship: subset-of, comprehensiveness: 2, rationale: r}
      - {practice: monitoring, relationship: intersects, comprehensiveness: 3, rationale: r}
  - id: "2"
    title: Only together
    jointly: true
    relations:
      - {practice: identities, relationship: intersects, comprehensiveness: 2, rationale: r}
      - {practice: access-control, relationship: intersects, comprehensiveness: 2, scope: industry, rationale: r}
  - id: "3"
    title: Partly outside
    outside-model: The model says nothing of packaging.
    relations:
      - {practice: data-controls, relationship: equal, comprehensiveness: 1, rationale: r}
  - id: "4"
    title: Outside
    outside-model: Not a security practice.
"#;

    const TARGET: &str = include_str!("../../../../examples/bottling-line/target.yaml");

    /// The bottling line's target with every practice set to `levels`, or to 0 when not named.
    fn view(catalog: &Catalog, kind: ProfileKind, levels: &[(&str, u8, Scope)]) -> ProfileView {
        let target = crate::parse_target(TARGET).expect("parses");
        let mut v = ProfileView::of_target(&crate::resolve(catalog, &target).expect("resolves"));
        v.kind = kind;
        for p in &mut v.practices {
            p.level = Level::new(Comprehensiveness::None, Scope::General);
            if let Some((_, c, s)) = levels.iter().find(|(id, _, _)| *id == p.id.as_str()) {
                p.level = Level::new(
                    Comprehensiveness::from_value(u64::from(*c)).expect("level"),
                    *s,
                );
            }
        }
        v
    }

    fn statuses(c: &Coverage, planned: bool) -> Vec<ClauseStatus> {
        c.clauses
            .iter()
            .map(|c| if planned { c.planned } else { c.current }.expect("read"))
            .collect()
    }

    #[test]
    fn a_covering_practice_at_its_minimum_addresses_the_clause_and_one_below_does_not() {
        let catalog = Catalog::builtin();
        let mapping = super::super::parse_mapping(&catalog, MAPPING).expect("parses");
        let g = Scope::General;
        let at = view(
            &catalog,
            ProfileKind::TargetProfile,
            &[
                ("patch-management", 2, g),
                ("data-controls", 4, Scope::System),
            ],
        );
        let below = view(
            &catalog,
            ProfileKind::Assessment,
            &[("patch-management", 1, Scope::System), ("monitoring", 3, g)],
        );
        let c = coverage(&catalog, &mapping, Some(&at), Some(&below));
        use ClauseStatus::*;
        assert_eq!(
            statuses(&c, true),
            [Addressed, NotAddressed, Partial, OutsideModel]
        );
        assert_eq!(
            statuses(&c, false),
            [Partial, NotAddressed, NotAddressed, OutsideModel]
        );
        let counts = c.planned.expect("counted");
        assert_eq!(
            (
                counts.addressed,
                counts.partial,
                counts.not_addressed,
                counts.outside_model
            ),
            (1, 1, 1, 1)
        );
        assert_eq!(counts.addressed_percent(), 33);
        assert_eq!(
            c.uncovered().map(|c| c.id.as_str()).collect::<Vec<_>>(),
            ["2", "3"]
        );
    }

    #[test]
    fn jointly_needs_every_practice_in_both_measures() {
        let catalog = Catalog::builtin();
        let mapping = super::super::parse_mapping(&catalog, MAPPING).expect("parses");
        let both = view(
            &catalog,
            ProfileKind::TargetProfile,
            &[
                ("identities", 2, Scope::General),
                ("access-control", 3, Scope::Industry),
            ],
        );
        let general = view(
            &catalog,
            ProfileKind::TargetProfile,
            &[
                ("identities", 2, Scope::General),
                ("access-control", 4, Scope::General),
            ],
        );
        let c = coverage(&catalog, &mapping, Some(&both), Some(&general));
        assert_eq!(c.clauses[1].planned, Some(ClauseStatus::Addressed));
        assert_eq!(c.clauses[1].current, Some(ClauseStatus::Partial));
        assert_eq!(c.clauses[1].relations[1].current_met, Some(false));
    }
}
