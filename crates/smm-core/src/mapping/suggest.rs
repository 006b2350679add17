//! "We must meet this standard": the practice levels that address its clauses.
//!
//! For each chosen clause the suggestion takes what addresses it at least cost: the covering
//! relation (equal, or the clause a subset of the practice) with the lowest minimum, or every
//! relation when the clause is addressed only jointly or only partly. Each practice then gets the
//! highest of the minimums asked of it, in both measures, with the clauses that asked.

use serde::Serialize;

use crate::catalog::Catalog;
use crate::diagnostic::Diagnostics;
use crate::document::{Override, TargetProfile};
use crate::level::Level;
use crate::located::Located;

use super::{Clause, Mapping, Obligation, Relation};

/// One practice's suggested level and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Suggestion {
    /// Practice id.
    pub practice: String,
    /// The lowest level that addresses every chosen clause relying on the practice.
    pub level: Level,
    /// Those clauses, in the standard's order.
    pub clauses: Vec<String>,
}

/// The practices and levels that address `mapping`'s clauses, in catalog order. Clauses whose
/// obligation is in `skip` (e.g. recommended provisions) are left out.
pub fn suggest(catalog: &Catalog, mapping: &Mapping, skip: &[Obligation]) -> Vec<Suggestion> {
    let mut asked: Vec<(&str, Level, &str)> = Vec::new();
    for clause in &mapping.clauses {
        if clause.obligation.is_some_and(|o| skip.contains(&o)) {
            continue;
        }
        for relation in needed(clause) {
            asked.push((
                relation.practice.value.as_str(),
                Level::new(relation.comprehensiveness.value, relation.scope),
                clause.id.value.as_str(),
            ));
        }
    }
    catalog
        .practice_ids()
        .filter_map(|practice| {
            let mine: Vec<_> = asked.iter().filter(|(p, _, _)| *p == practice).collect();
            let first = mine.first()?;
            let level = mine.iter().fold(first.1, |acc, (_, l, _)| {
                Level::new(
                    acc.comprehensiveness.max(l.comprehensiveness),
                    acc.scope.max(l.scope),
                )
            });
            let mut clauses: Vec<String> = Vec::new();
            for (_, _, c) in &mine {
                if !clauses.iter().any(|k| k == c) {
                    clauses.push((*c).to_string());
                }
            }
            Some(Suggestion {
                practice: practice.to_string(),
                level,
                clauses,
            })
        })
        .collect()
}

/// A practice a standard raised in a target.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Raise {
    /// Practice id.
    pub practice: String,
    /// Its level before.
    pub from: Level,
    /// Its level now: the suggestion, never lower than before in either measure.
    pub to: Level,
    /// The clauses that asked for it.
    pub clauses: Vec<String>,
}

/// `target` with every practice below what `mapping` suggests raised to it, as a practice
/// override whose rationale names the standard and its clauses; levels already high enough are
/// left alone (a standard is a floor, never a reason to lower a target).
pub fn raise_to_standard(
    catalog: &Catalog,
    target: &TargetProfile,
    mapping: &Mapping,
    skip: &[Obligation],
) -> Result<(TargetProfile, Vec<Raise>), Diagnostics> {
    let resolved = crate::resolve(catalog, target)?;
    let mut raised = target.clone();
    let mut raises = Vec::new();
    for s in suggest(catalog, mapping, skip) {
        let Some(p) = resolved
            .practices
            .iter()
            .find(|p| p.id.as_str() == s.practice)
        else {
            continue;
        };
        let from = p.level();
        let to = Level::new(
            from.comprehensiveness.max(s.level.comprehensiveness),
            from.scope.max(s.level.scope),
        );
        if to == from {
            continue;
        }
        let why = format!(
            "Raised from {from} to {to} to address {} {} clause{} {}.",
            mapping.standard.title,
            mapping.standard.version,
            if s.clauses.len() == 1 { "" } else { "s" },
            s.clauses.join(", ")
        );
        let practices = &mut raised.practices.0;
        let at = practices
            .iter()
            .position(|(key, _)| {
                catalog
                    .practice(&key.value)
                    .is_some_and(|c| c.practice.id.as_str() == s.practice)
            })
            .unwrap_or_else(|| {
                practices.push((Located::new(s.practice.clone()), Override::default()));
                practices.len() - 1
            });
        let entry = &mut practices[at].1;
        entry.comprehensiveness = Some(Located::new(to.comprehensiveness));
        entry.scope = Some(Located::new(to.scope));
        entry.rationale = Some(Located::new(match &entry.rationale {
            Some(old) if !old.value.trim().is_empty() => format!("{} {why}", old.value.trim()),
            _ => why,
        }));
        raises.push(Raise {
            practice: s.practice,
            from,
            to,
            clauses: s.clauses,
        });
    }
    Ok((raised, raises))
}

/// The relations a clause needs met (see the module's documentation).
fn needed(clause: &Clause) -> Vec<&Relation> {
    let cheapest = clause
        .relations
        .iter()
        .filter(|r| r.relationship.covers())
        .min_by_key(|r| (r.comprehensiveness.value, r.scope));
    match cheapest {
        Some(r) if !clause.jointly => vec![r],
        _ => clause.relations.iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::level::{Comprehensiveness, Scope};

    const MAPPING: &str = r#"smm: 1
kind: Mapping
standard: {id: test-standard, title: A test standard, version: "1", publisher: Us}
catalog: {id: iot-smm, version: "1.2"}
method: Written for the tests.
clauses:
  - id: a
    title: Two ways to cover it
    obligation: mandatory
    relations:
      - {practice: patch-management, relationship: subset-of, comprehensiveness: 3, rationale: r}
      - {practice: vulnerability-assessment, relationship: equal, comprehensiveness: 2, scope: industry, rationale: r}
      - {practice: monitoring, relationship: intersects, comprehensiveness: 4, rationale: r}
  - id: b
    title: Asks more of vulnerability assessment
    obligation: mandatory
    relations:
      - {practice: vulnerability-assessment, relationship: subset-of, comprehensiveness: 3, rationale: r}
  - id: c
    title: Only partly reachable
    obligation: recommended
    relations:
      - {practice: monitoring, relationship: intersects, comprehensiveness: 2, rationale: r}
      - {practice: information-sharing, relationship: superset-of, comprehensiveness: 1, scope: system, rationale: r}
"#;

    #[test]
    fn the_cheapest_covering_practice_is_chosen_and_the_highest_minimum_wins() {
        let catalog = Catalog::builtin();
        let mapping = super::super::parse_mapping(&catalog, MAPPING).expect("parses");
        let s = suggest(&catalog, &mapping, &[]);
        let found: Vec<(&str, Level, Vec<&str>)> = s
            .iter()
            .map(|s| {
                (
                    s.practice.as_str(),
                    s.level,
                    s.clauses.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        let at = |c: u64, s: Scope| Level::new(Comprehensiveness::from_value(c).expect("c"), s);
        assert_eq!(
            found,
            [
                (
                    "vulnerability-assessment",
                    at(3, Scope::Industry),
                    vec!["a", "b"]
                ),
                ("monitoring", at(2, Scope::General), vec!["c"]),
                ("information-sharing", at(1, Scope::System), vec!["c"]),
            ]
        );
        let mandatory = suggest(&catalog, &mapping, &[Obligation::Recommended]);
        assert_eq!(mandatory.len(), 1, "{mandatory:?}");
    }
}
