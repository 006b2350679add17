//! The standards a profile can be read in: the mappings smm ships and any given at start
//! (`smm serve --mapping FILE`), and a stored target or assessment read clause by clause with
//! the core's one coverage rule, the same `smm map` applies.

use std::sync::Arc;

use smm_core::mapping::{coverage_of, Coverage, Mapping};
use smm_core::Catalog;
use smm_store::{DocumentKind, SystemInfo};

use crate::access;
use crate::app::{analysis, documents};
use crate::auth::Caller;
use crate::authz::Action;
use crate::problem::Problem;
use crate::state::{AppState, OnFirstUse};

/// The mappings, those given at start first.
///
/// The built-in ones are read on first use, not at start: parsing them took about half of a
/// server's start (docs/performance.md), and most requests never need them. `smm serve` reads
/// them in the background once it listens.
#[derive(Debug)]
pub struct Standards {
    mappings: OnFirstUse<Vec<Mapping>>,
}

/// Two mappings with one standard id: which one a request means would be ambiguous.
#[derive(Debug, thiserror::Error)]
#[error(
    "two mappings are of the standard {0}: give each its own id (or leave out the one not meant)"
)]
pub struct DuplicateStandard(pub String);

impl Standards {
    /// The mappings given at start, then the built-in ones whose id none of them takes (an
    /// organization may ship its own reading of a standard smm maps).
    pub fn new(catalog: Arc<Catalog>, given: Vec<Mapping>) -> Result<Standards, DuplicateStandard> {
        for (i, m) in given.iter().enumerate() {
            let id = &m.standard.id.value;
            if given[..i].iter().any(|k| &k.standard.id.value == id) {
                return Err(DuplicateStandard(id.clone()));
            }
        }
        Ok(Standards {
            mappings: OnFirstUse::new(move || {
                let mut mappings = given.clone();
                for m in Mapping::builtin(&catalog) {
                    let id = &m.standard.id.value;
                    if !given.iter().any(|k| &k.standard.id.value == id) {
                        mappings.push(m);
                    }
                }
                mappings
            }),
        })
    }

    /// Every mapping.
    pub fn all(&self) -> &[Mapping] {
        self.mappings.get()
    }

    /// The mapping of standard `id`; an unknown id is a 404 naming the ids there are.
    pub fn named(&self, id: &str) -> Result<&Mapping, Problem> {
        self.all()
            .iter()
            .find(|m| m.standard.id.value == id)
            .ok_or_else(|| {
                let known: Vec<&str> = self
                    .all()
                    .iter()
                    .map(|m| m.standard.id.value.as_str())
                    .collect();
                Problem::new(
                    axum::http::StatusCode::NOT_FOUND,
                    format!("no standard {id:?}: this server maps {}", known.join(", ")),
                )
            })
    }
}

/// A document read in a standard's terms, and the system it belongs to.
pub struct CoverageOf {
    /// The document's system.
    pub system: SystemInfo,
    /// The coverage.
    pub coverage: Coverage,
}

/// A stored document read in a standard's terms: a target alone, or an assessment (met today)
/// beside the target it is measured against (the one asked for, or the one it names).
pub async fn of_document(
    state: &AppState,
    caller: &Caller,
    id: i64,
    target: Option<i64>,
    standard: &str,
) -> Result<CoverageOf, Problem> {
    let (org, system, kind) = access::document(state, caller, id, Action::Read).await?;
    // Access first: whether a standard exists must not tell apart documents one cannot read.
    let mapping = state.standards.named(standard)?;
    let catalog = &state.catalog;
    match kind {
        DocumentKind::TargetProfile => {
            if target.is_some() {
                return Err(Problem::bad_field(
                    "target",
                    "a target profile is read alone: `target` is for an assessment",
                ));
            }
            let t = documents::target(state, org, smm_store::DocumentId(id), None).await?;
            Ok(CoverageOf {
                system,
                coverage: coverage_of(catalog, mapping, Some(&t.resolved), None),
            })
        }
        DocumentKind::Assessment => {
            let (_, current, t) =
                analysis::assessment_and_target(state, caller, id, target).await?;
            Ok(CoverageOf {
                system,
                coverage: coverage_of(catalog, mapping, Some(&t.resolved), Some(&current.current)),
            })
        }
        DocumentKind::RiskScenarios => Err(Problem::bad_field(
            "id",
            format!(
                "document {id} is a set of loss scenarios: a standard reads a target or an assessment"
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A mapping given at start with a built-in standard's id is the one the server uses (an
    /// organization's own reading), listed first; the other built-in ones follow, read on
    /// first use.
    #[test]
    fn a_given_mapping_takes_a_built_in_ones_place() {
        let catalog = Catalog::builtin();
        let shipped = Mapping::builtin(&catalog);
        assert!(shipped.len() >= 2, "the test needs two built-in mappings");
        let mut own = shipped[1].clone();
        own.method = "our own reading".to_string();
        let standards =
            Standards::new(Arc::new(catalog.clone()), vec![own.clone()]).expect("no duplicate");
        let all = standards.all();
        assert_eq!(all.len(), shipped.len());
        assert_eq!(all[0], own);
        let id = &own.standard.id.value;
        assert_eq!(
            standards.named(id).expect("named").method,
            "our own reading"
        );
        let others: Vec<&Mapping> = all[1..].iter().collect();
        let expected: Vec<&Mapping> = shipped
            .iter()
            .filter(|m| &m.standard.id.value != id)
            .collect();
        assert_eq!(others, expected);
        assert!(standards.named("no-such-standard").is_err());
    }

    /// Two given mappings of one standard are refused at start, not at the first request.
    #[test]
    fn two_given_mappings_of_one_standard_are_refused_at_start() {
        let catalog = Catalog::builtin();
        let one = Mapping::builtin(&catalog).remove(0);
        let Err(refused) = Standards::new(Arc::new(catalog), vec![one.clone(), one.clone()]) else {
            panic!("two mappings of one standard were taken");
        };
        assert_eq!(refused.0, one.standard.id.value);
    }
}
