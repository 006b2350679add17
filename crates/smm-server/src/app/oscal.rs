//! Stored documents as NIST OSCAL, exactly as `smm oscal export` writes the same files: the
//! catalog (public reference data), a target as a profile, an assessment and its gap as
//! assessment results, its roadmap as a plan of action and milestones.

use serde_json::Value;
use smm_store::{DocumentId, DocumentKind};

use crate::access;
use crate::app::analysis::{self, RoadmapRequest};
use crate::app::documents;
use crate::auth::Caller;
use crate::authz::Action;
use crate::problem::Problem;
use crate::state::AppState;

/// Where this server publishes its catalog as OSCAL: the `href` its profiles import.
pub const CATALOG_PATH: &str = "/api/oscal/catalog";

/// Which OSCAL model of a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Model {
    /// A target profile as an OSCAL profile.
    Profile,
    /// An assessment and its gap as OSCAL assessment results.
    Results,
    /// An assessment's roadmap as an OSCAL plan of action and milestones.
    Poam,
}

impl Model {
    /// Reads the `model` parameter: absent, the model of the document's kind.
    pub fn parse(word: Option<&str>) -> Result<Option<Model>, Problem> {
        match word.map(str::trim) {
            None | Some("") => Ok(None),
            Some("profile") => Ok(Some(Model::Profile)),
            Some("assessment-results") | Some("results") => Ok(Some(Model::Results)),
            Some("poam") => Ok(Some(Model::Poam)),
            Some(other) => Err(Problem::bad_field(
                "model",
                format!("unknown model `{other}`: expected profile, assessment-results or poam"),
            )),
        }
    }
}

/// The catalog as an OSCAL catalog.
pub fn catalog(state: &AppState) -> Value {
    smm_oscal::catalog::catalog(&state.catalog)
}

/// Loss scenarios have no OSCAL model.
fn not_exported(id: i64) -> Problem {
    let detail = "is a set of loss scenarios: OSCAL exports a target or an assessment";
    Problem::bad_field("id", format!("document {id} {detail}"))
}

/// A stored document as the OSCAL model asked for (by default the one its kind gives).
pub async fn of_document(
    state: &AppState,
    caller: &Caller,
    id: i64,
    model: Option<Model>,
    request: &RoadmapRequest,
) -> Result<Value, Problem> {
    let (org, _, kind) = access::document(state, caller, id, Action::Read).await?;
    let model = model.unwrap_or(match kind {
        DocumentKind::TargetProfile => Model::Profile,
        DocumentKind::Assessment => Model::Results,
        DocumentKind::RiskScenarios => return Err(not_exported(id)),
    });
    match (kind, model) {
        (DocumentKind::TargetProfile, Model::Profile) => {
            let t = documents::target(state, org, DocumentId(id), None).await?;
            Ok(smm_oscal::profile::profile(
                &t.document,
                &t.resolved,
                CATALOG_PATH,
            ))
        }
        (DocumentKind::Assessment, Model::Results) => {
            let found = analysis::gap(state, caller, id, request.target).await?;
            Ok(smm_oscal::results::assessment_results(
                &found.current.document,
                &found.gap,
            ))
        }
        (DocumentKind::Assessment, Model::Poam) => {
            let planned = analysis::roadmap(state, caller, id, request).await?;
            Ok(smm_oscal::poam::poam(&planned.roadmap, planned.assessed))
        }
        (DocumentKind::TargetProfile, _) => Err(Problem::bad_field(
            "model",
            "a target profile is exported as an OSCAL profile: model=profile",
        )),
        (DocumentKind::Assessment, Model::Profile) => Err(Problem::bad_field(
            "model",
            "an assessment is exported as assessment-results or poam",
        )),
        (DocumentKind::RiskScenarios, _) => Err(not_exported(id)),
    }
}
