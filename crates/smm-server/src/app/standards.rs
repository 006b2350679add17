//! The standards a profile can be read in: the mappings smm ships and any given at start
//! (`smm serve --mapping FILE`), and a stored target or assessment read clause by clause with
//! the core's one coverage rule, the same `smm map` applies.

use smm_core::mapping::{coverage_of, Coverage, Mapping};
use smm_core::Catalog;
use smm_store::{DocumentKind, SystemInfo};

use crate::access;
use crate::app::{analysis, documents};
use crate::auth::Caller;
use crate::authz::Action;
use crate::problem::Problem;
use crate::state::AppState;

/// The mappings, those given at start first.
#[derive(Debug)]
pub struct Standards {
    mappings: Vec<Mapping>,
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
    pub fn new(catalog: &Catalog, given: Vec<Mapping>) -> Result<Standards, DuplicateStandard> {
        let mut mappings: Vec<Mapping> = Vec::new();
        for m in given {
            if mappings
                .iter()
                .any(|k| k.standard.id.value == m.standard.id.value)
            {
                return Err(DuplicateStandard(m.standard.id.value));
            }
            mappings.push(m);
        }
        for m in Mapping::builtin(catalog) {
            if !mappings
                .iter()
                .any(|k| k.standard.id.value == m.standard.id.value)
            {
                mappings.push(m);
            }
        }
        Ok(Standards { mappings })
    }

    /// Every mapping.
    pub fn all(&self) -> &[Mapping] {
        &self.mappings
    }

    /// The mapping of standard `id`; an unknown id is a 404 naming the ids there are.
    pub fn named(&self, id: &str) -> Result<&Mapping, Problem> {
        self.mappings
            .iter()
            .find(|m| m.standard.id.value == id)
            .ok_or_else(|| {
                let known: Vec<&str> = self
                    .mappings
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
