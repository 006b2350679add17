//! The risk of a stored assessment in money: the system's loss scenarios (`kind:
//! RiskScenarios`) simulated today and with the target reached, by the core's one
//! [`smm_core::risk::outlook`], as `smm risk` does for files.
//!
//! A simulation is CPU work a caller can ask for again and again, so it is bounded three ways:
//! the years simulated are capped ([`MAX_ITERATIONS`]); it runs off the async runtime
//! (`spawn_blocking`) with at most a fixed number at once ([`Simulations`]), and a request that
//! finds every place taken is answered 503 with `Retry-After` instead of queueing; and the
//! figures are kept by the content digests of the three documents, the years and the seed, so
//! asking again (a page view and then its chart) costs nothing. The figures depend on nothing
//! else: the catalog and its effects are fixed for the server's life, and every random number
//! comes from the seed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use serde::Serialize;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use smm_core::risk::{
    outlook, parse_risk_scenarios, LossDistribution, RiskEffects, RiskOutlook, RiskResult,
    RiskScenarios, ScenarioRisk, SimulationOptions, ITERATIONS,
};
use smm_store::{DocumentId, DocumentKind, StoredDocument, SystemInfo};

use crate::access;
use crate::app::analysis;
use crate::app::documents::{self, Current, Target};
use crate::auth::Caller;
use crate::authz::Action;
use crate::problem::{document_problem, Problem};
use crate::state::{AppState, OnFirstUse};

/// The most simulated years one request may cost, whatever the document or the caller asks
/// (the core allows ten million for a file on one's own machine). A million years of two
/// profiles take about a second of one core and keep the 1-in-100-years figure on ten thousand
/// years.
pub const MAX_ITERATIONS: u32 = 1_000_000;

/// How many sets of figures are kept before the cache starts over (each a few kilobytes).
const CACHED: usize = 256;

/// Seconds a caller is asked to wait when every simulation place is taken.
pub const RETRY_AFTER: u64 = 2;

/// What names one set of figures: the content of every input, and how it was simulated.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct RunKey {
    scenarios: String,
    assessment: String,
    target: String,
    iterations: u32,
    seed: u64,
}

/// The simulations running now, and the figures of those that ran.
pub struct Simulations {
    places: Arc<Semaphore>,
    figures: Mutex<HashMap<RunKey, Arc<Figures>>>,
    effects: OnFirstUse<RiskEffects>,
}

impl Simulations {
    /// At most `concurrent` simulations at once (at least one).
    pub fn new(catalog: Arc<smm_core::Catalog>, concurrent: usize) -> Simulations {
        Simulations {
            places: Arc::new(Semaphore::new(concurrent.max(1))),
            figures: Mutex::new(HashMap::new()),
            effects: OnFirstUse::new(move || RiskEffects::builtin(&catalog)),
        }
    }

    /// What the practices' levels do to the loss scenarios (the built-in table, read on first
    /// use).
    pub fn effects(&self) -> &OnFirstUse<RiskEffects> {
        &self.effects
    }

    /// Half this machine's cores (at least one): the other half stays for every other request.
    pub fn for_this_machine(catalog: Arc<smm_core::Catalog>) -> Simulations {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Simulations::new(catalog, cores / 2)
    }

    /// A place for one simulation, held until it is dropped; `None` when every place is taken.
    pub fn try_start(&self) -> Option<OwnedSemaphorePermit> {
        self.places.clone().try_acquire_owned().ok()
    }

    fn get(&self, key: &RunKey) -> Option<Arc<Figures>> {
        self.figures.lock().ok()?.get(key).cloned()
    }

    fn put(&self, key: RunKey, figures: Arc<Figures>) {
        if let Ok(mut kept) = self.figures.lock() {
            if kept.len() >= CACHED {
                kept.clear();
            }
            kept.insert(key, figures);
        }
    }
}

/// One profile's figures: a [`RiskResult`] without the simulated years (eight bytes a year,
/// which only the chart needs, and it is drawn before they are dropped).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProfileFigures {
    /// `today` or `target reached`.
    pub profile: String,
    /// ISO 4217 code of every amount.
    pub currency: String,
    /// Simulated years.
    pub iterations: u32,
    /// The seed.
    pub seed: u64,
    /// The annual loss.
    pub annual_loss: LossDistribution,
    /// The share of years with any loss.
    pub probability_of_loss: f64,
    /// Each scenario's part, in document order.
    pub scenarios: Vec<ScenarioRisk>,
}

impl ProfileFigures {
    fn of(r: &RiskResult) -> ProfileFigures {
        ProfileFigures {
            profile: r.profile.clone(),
            currency: r.currency.clone(),
            iterations: r.iterations,
            seed: r.seed,
            annual_loss: r.annual_loss,
            probability_of_loss: r.probability_of_loss,
            scenarios: r.scenarios.clone(),
        }
    }
}

/// What a simulation leaves for the doors.
pub struct Figures {
    /// Today first, then with the target reached.
    pub profiles: Vec<ProfileFigures>,
    /// Today's mean annual loss minus the target's.
    pub mean_reduction: Option<f64>,
    /// The [`RiskOutlook`] as JSON (what `smm risk --json` prints, without its tag).
    pub json: Vec<u8>,
    /// The loss exceedance curves (SVG).
    pub chart: String,
    /// The figures as one CSV table (`smm risk -o risk.csv`).
    pub csv: Vec<u8>,
    /// The figures as a workbook with the curves (`smm risk -o risk.xlsx`); made with the
    /// figures because the curves need the simulated years, which are not kept.
    pub xlsx: Vec<u8>,
}

/// What was asked for, besides the assessment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RiskRequest {
    /// A loss scenarios document of the assessment's system (by default its latest one).
    pub scenarios: Option<i64>,
    /// Simulated years, instead of the document's.
    pub iterations: Option<u32>,
    /// The seed, instead of the document's.
    pub seed: Option<u64>,
}

/// The risk of an assessment, with the documents it was computed from.
pub struct RiskOf {
    /// The assessment's system.
    pub system: SystemInfo,
    /// The assessment.
    pub current: Current,
    /// The target it is paired with.
    pub target: Target,
    /// The scenarios document, as stored.
    pub stored: StoredDocument,
    /// The scenarios, parsed.
    pub scenarios: RiskScenarios,
    /// The years the document (or the caller) asked for, before [`MAX_ITERATIONS`].
    pub asked_iterations: u32,
    /// The figures.
    pub figures: Arc<Figures>,
}

/// The risk of an assessment, or why there is none to show.
pub enum Risk {
    /// The figures.
    Computed(Box<RiskOf>),
    /// The system keeps no loss scenarios yet.
    NoScenarios(SystemInfo),
}

/// The answer of a door that needs figures when the system has no scenarios.
pub fn no_scenarios(system: &SystemInfo) -> Problem {
    Problem::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        format!(
            "system {} keeps no loss scenarios: store a `kind: RiskScenarios` document with \
             POST /api/systems/{}/risk-scenarios first",
            system.id.0, system.id.0
        ),
    )
    .with_field("scenarios")
}

/// The annual loss of an assessment's system today and with its target reached.
///
/// The caller must be able to read the assessment; the target is the one the gap pairs it with
/// (the stored target it names by digest); the scenarios are the system's latest, or the ones
/// asked for, which must be of the same system.
pub async fn risk(
    state: &AppState,
    caller: &Caller,
    id: i64,
    request: RiskRequest,
) -> Result<Risk, Problem> {
    // Access first, through the gap's own pairing: nothing below tells apart documents the
    // caller cannot read.
    let (system, current, target) =
        analysis::assessment_and_target(state, caller, id, None).await?;
    let org = system.organization;
    let scenarios_id = match request.scenarios {
        Some(asked) => {
            let (_, asked_system, kind) = access::document(state, caller, asked, Action::Read)
                .await
                .map_err(|p| p.with_field("scenarios"))?;
            if asked_system.id != system.id {
                return Err(Problem::bad_field(
                    "scenarios",
                    format!("document {asked} belongs to another system than the assessment"),
                ));
            }
            if kind != DocumentKind::RiskScenarios {
                return Err(Problem::bad_field(
                    "scenarios",
                    format!(
                        "document {asked} is {}, not loss scenarios",
                        documents::described(kind)
                    ),
                ));
            }
            DocumentId(asked)
        }
        None => match state
            .store
            .latest_document(system.id, DocumentKind::RiskScenarios)
            .await?
        {
            Some(found) => found,
            None => return Ok(Risk::NoScenarios(system)),
        },
    };
    let stored = state.store.document(org, scenarios_id, None).await?;
    // Checked when stored; a document that no longer checks (a newer catalog) says where.
    let scenarios =
        parse_risk_scenarios(&state.catalog, &stored.body).map_err(|d| document_problem(&d))?;
    let mut options = SimulationOptions::of(&scenarios);
    if let Some(n) = request.iterations {
        if !ITERATIONS.contains(&n) || n > MAX_ITERATIONS {
            return Err(Problem::bad_field(
                "iterations",
                format!(
                    "{n} simulated years: this server simulates {} to {MAX_ITERATIONS}",
                    ITERATIONS.start()
                ),
            ));
        }
        options.iterations = n;
    }
    if let Some(seed) = request.seed {
        options.seed = seed;
    }
    let asked_iterations = options.iterations;
    options.iterations = options.iterations.min(MAX_ITERATIONS);
    let key = RunKey {
        scenarios: stored.sha256.clone(),
        assessment: current.stored.sha256.clone(),
        target: target.stored.sha256.clone(),
        iterations: options.iterations,
        seed: options.seed,
    };
    let simulations = &state.simulations;
    let figures = match simulations.get(&key) {
        Some(kept) => kept,
        None => {
            let place = simulations.try_start().ok_or_else(|| {
                let mut p = Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "every simulation place of this server is taken: try again in a moment",
                );
                p.retry_after = Some(RETRY_AFTER);
                p
            })?;
            let state = state.clone();
            let (scenarios, profile, resolved) = (
                scenarios.clone(),
                current.current.clone(),
                target.resolved.clone(),
            );
            let figures = tokio::task::spawn_blocking(move || {
                // The place is held until the simulation ends, even if the caller goes away.
                let _place = place;
                simulate(&state, &scenarios, &profile, &resolved, &options)
            })
            .await
            .map_err(|e| Problem::internal("risk simulation task", &e))??;
            let figures = Arc::new(figures);
            simulations.put(key, figures.clone());
            figures
        }
    };
    Ok(Risk::Computed(Box::new(RiskOf {
        system,
        current,
        target,
        stored,
        scenarios,
        asked_iterations,
        figures,
    })))
}

/// Runs the core's outlook and keeps what the doors show.
fn simulate(
    state: &AppState,
    scenarios: &RiskScenarios,
    current: &smm_core::CurrentProfile,
    target: &smm_core::ResolvedTarget,
    options: &SimulationOptions,
) -> Result<Figures, Problem> {
    let found: RiskOutlook = outlook(
        &state.catalog,
        &state.simulations.effects,
        scenarios,
        current,
        Some(target),
        options,
    )
    .map_err(|e| {
        Problem::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()).with_field("basis")
    })?;
    let json = serde_json::to_vec(&found).map_err(|e| Problem::internal("risk as JSON", &e))?;
    let refs: Vec<&RiskResult> = found.profiles.iter().collect();
    Ok(Figures {
        profiles: found.profiles.iter().map(ProfileFigures::of).collect(),
        mean_reduction: found.mean_reduction,
        chart: smm_report::chart::exceedance(&refs),
        csv: smm_report::risk::csv(&found.profiles)
            .map_err(|e| Problem::internal("risk as CSV", &e))?,
        xlsx: smm_report::risk::xlsx(&found.profiles)
            .map_err(|e| Problem::internal("risk as XLSX", &e))?,
        json,
    })
}
