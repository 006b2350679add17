//! The pipeline's later stages over stored documents: the gap of an assessment against the
//! target it names, the roadmap that closes it, two profiles compared, a system's trend, and
//! the downloadable report. Nothing is computed here that the core or the report crate does
//! not compute for the CLI; this module finds the documents, checks the caller may read them,
//! and pairs each assessment with its target.

use smm_core::document::Date;
use smm_core::roadmap::{plan, Budget, BudgetUnit, Month, PeriodKind, PlanInput, Roadmap};
use smm_core::{Comparison, Gap, ProfileView, Trend, TrendInput};
use smm_store::{DocumentId, DocumentKind, OrganizationId, Page, StoredDocument, SystemInfo};

use crate::access;
use crate::app::documents::{self, Current, Target};
use crate::auth::Caller;
use crate::authz::Action;
use crate::cache::GapCache;
use crate::problem::Problem;
use crate::state::{today, AppState};

/// An assessment the caller may read, with the target it measures against: the one asked for
/// (same organization), or else the stored target of its system whose digest it names.
pub async fn assessment_and_target(
    state: &AppState,
    caller: &Caller,
    id: i64,
    target: Option<i64>,
) -> Result<(SystemInfo, Current, Target), Problem> {
    let (org, info, kind) = access::document(state, caller, id, Action::Read).await?;
    paired(state, caller, (org, info, kind), id, target, None).await
}

/// [`assessment_and_target`] once the caller's right to read the assessment is checked.
async fn paired(
    state: &AppState,
    caller: &Caller,
    (org, info, kind): (OrganizationId, SystemInfo, DocumentKind),
    id: i64,
    target: Option<i64>,
    stored: Option<(StoredDocument, Option<StoredDocument>)>,
) -> Result<(SystemInfo, Current, Target), Problem> {
    if kind != DocumentKind::Assessment {
        return Err(Problem::bad_field(
            "id",
            format!(
                "document {id} is {}: a gap is of an assessment",
                documents::described(kind)
            ),
        ));
    }
    if let Some(t) = target {
        let (t_org, _, _) = access::document(state, caller, t, Action::Read)
            .await
            .map_err(|p| p.with_field("target"))?;
        if t_org != org {
            return Err(Problem::bad_field(
                "target",
                "the target profile belongs to another organization than the assessment",
            ));
        }
    }
    // Without a target asked for, the assessment and the target it names are read together.
    let (stored, named) = match stored {
        Some(read) => read,
        None if target.is_none() => {
            let (_, document, named) = state
                .store
                .document_with_named_target(&[org], DocumentId(id))
                .await?;
            (document, named)
        }
        None => (state.store.document(org, DocumentId(id), None).await?, None),
    };
    let current = documents::from_read(state, org, stored, documents::assessment_from).await?;
    let target = match target {
        Some(_) => documents::target_of(state, org, &current, target).await?,
        None => documents::named_target(state, org, &current, named).await?,
    };
    Ok((info, current, target))
}

/// The gap of an assessment, with the documents it was computed from.
pub struct GapOf {
    /// The assessment's system.
    pub system: SystemInfo,
    /// The assessment.
    pub current: Current,
    /// The target it was measured against.
    pub target: Target,
    /// The gap.
    pub gap: Gap,
}

/// The gap between an assessment and its target.
pub async fn gap(
    state: &AppState,
    caller: &Caller,
    id: i64,
    target: Option<i64>,
) -> Result<GapOf, Problem> {
    let read = access::document(state, caller, id, Action::Read).await?;
    gap_of(state, caller, read, id, target, None).await
}

/// [`gap`] once the caller's right to read the assessment is checked.
async fn gap_of(
    state: &AppState,
    caller: &Caller,
    read: (OrganizationId, SystemInfo, DocumentKind),
    id: i64,
    target: Option<i64>,
    stored: Option<(StoredDocument, Option<StoredDocument>)>,
) -> Result<GapOf, Problem> {
    let (system, current, target) = paired(state, caller, read, id, target, stored).await?;
    let gap = smm_core::gap(&target.resolved, &current.current)?;
    Ok(GapOf {
        system,
        current,
        target,
        gap,
    })
}

/// The gap as JSON (what `smm gap --json` prints). The default pairing depends only on the
/// two documents' contents and the assessment's system, so it is cached by system and digest
/// (a byte-identical assessment in another system may have no such target, or another one).
pub async fn gap_json(
    state: &AppState,
    caller: &Caller,
    id: i64,
    target: Option<i64>,
) -> Result<Vec<u8>, Problem> {
    // The access check's query also gives the latest version's digest, the cache's key: a
    // cached gap costs no read of the assessment. (Folding the check into the documents' read
    // saved a round trip on an uncached gap but read both prepared forms for a cached one:
    // 84-88 against 105-124 µs of server CPU per cached gap, docs/performance.md.)
    let home = access::document_home(state, caller, id, Action::Read).await?;
    let read = (home.organization, home.system, home.kind);
    let (key, stored) = if target.is_none() && read.2 == DocumentKind::Assessment {
        if let Some(bytes) = state
            .gaps
            .get(&GapCache::key(read.1.id, &home.latest_sha256))
        {
            return Ok(bytes.to_vec());
        }
        // Read once, with the target it names, and computed from; keyed by what was read (a
        // version stored meanwhile is the one read and the one cached).
        let (_, stored, named) = state
            .store
            .document_with_named_target(&[read.0], DocumentId(id))
            .await?;
        (
            Some(GapCache::key(read.1.id, &stored.sha256)),
            Some((stored, named)),
        )
    } else {
        (None, None)
    };
    let found = gap_of(state, caller, read, id, target, stored).await?;
    let bytes = serde_json::to_vec(&found.gap).map_err(|e| Problem::internal("gap as JSON", &e))?;
    if let Some(key) = key {
        state.gaps.put(key, bytes.clone());
    }
    Ok(bytes)
}

/// How much can be spent per period, as asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BudgetRequest {
    /// Money, or person-days with `unit` [`BudgetUnit::PersonDays`].
    pub amount: u64,
    /// Money or person-days.
    pub unit: BudgetUnit,
    /// Months or quarters.
    pub period: PeriodKind,
}

/// The largest budget per period a request may name: the API declares the budget as a 64-bit
/// signed integer (OpenAPI's `int64`), so a larger amount is refused rather than accepted beyond
/// what the document promises.
pub const MAX_BUDGET: u64 = i64::MAX as u64;

/// A roadmap as asked for: without a budget, the actions ordered and priced; with one,
/// scheduled from `start` (by default the month after the assessment) to `deadline`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoadmapRequest {
    /// A target profile's document id (by default the one the assessment names).
    pub target: Option<i64>,
    /// The budget per period, if the roadmap is to be scheduled.
    pub budget: Option<BudgetRequest>,
    /// The first month.
    pub start: Option<Month>,
    /// The last month.
    pub deadline: Option<Month>,
}

fn month(text: Option<&str>, field: &str) -> Result<Option<Month>, Problem> {
    text.filter(|t| !t.trim().is_empty())
        .map(|t| {
            Month::parse(t.trim())
                .ok_or_else(|| Problem::bad_field(field, "expected a month as YYYY-MM"))
        })
        .transpose()
}

impl RoadmapRequest {
    /// A request from the words a person or a script typed (the API's parameters, the
    /// roadmap page's form): each checked and, when wrong, named by its field.
    pub fn from_words(
        target: Option<i64>,
        budget: Option<u64>,
        unit: Option<&str>,
        period: Option<&str>,
        start: Option<&str>,
        deadline: Option<&str>,
    ) -> Result<RoadmapRequest, Problem> {
        let budget = match budget {
            None => None,
            Some(amount) if amount > MAX_BUDGET => {
                return Err(Problem::bad_field(
                    "budget",
                    format!("the budget is at most {MAX_BUDGET} per period"),
                ))
            }
            Some(amount) => Some(BudgetRequest {
                amount,
                unit: match unit.map(str::trim) {
                    None | Some("") | Some("money") => BudgetUnit::Money,
                    Some("days") => BudgetUnit::PersonDays,
                    Some(other) => {
                        return Err(Problem::bad_field(
                            "unit",
                            format!("unknown unit `{other}`: expected money or days"),
                        ))
                    }
                },
                period: match period.map(str::trim) {
                    None | Some("") | Some("quarter") => PeriodKind::Quarter,
                    Some("month") => PeriodKind::Month,
                    Some(other) => {
                        return Err(Problem::bad_field(
                            "period",
                            format!("unknown period `{other}`: expected quarter or month"),
                        ))
                    }
                },
            }),
        };
        Ok(RoadmapRequest {
            target,
            budget,
            start: month(start, "start")?,
            deadline: month(deadline, "deadline")?,
        })
    }
}

/// A roadmap with the documents it was planned from.
pub struct RoadmapOf {
    /// The assessment's system.
    pub system: SystemInfo,
    /// The roadmap.
    pub roadmap: Roadmap,
    /// The day of the assessment it was planned from.
    pub assessed: Date,
}

/// Plans the roadmap of an assessment against its target.
pub async fn roadmap(
    state: &AppState,
    caller: &Caller,
    id: i64,
    request: &RoadmapRequest,
) -> Result<RoadmapOf, Problem> {
    let (system, current, target) =
        assessment_and_target(state, caller, id, request.target).await?;
    let budget = request.budget.map(|b| Budget {
        // Person-days are counted in tenths by the planner.
        per_period: match b.unit {
            BudgetUnit::PersonDays => b.amount.saturating_mul(10),
            BudgetUnit::Money => b.amount,
        },
        unit: b.unit,
        period: b.period,
        start: request
            .start
            .unwrap_or_else(|| Month::after_assessment(current.current.date)),
        deadline: request.deadline,
    });
    let pricing = state.actions.pricing(None);
    let input = PlanInput {
        catalog: &state.catalog,
        actions: &state.actions,
        pricing: &pricing,
        target: &target.resolved,
        current: &current.current,
        findings: &current.document.findings,
    };
    Ok(RoadmapOf {
        system,
        roadmap: plan(&input, budget.as_ref())?,
        assessed: current.document.date,
    })
}

/// A stored document the caller may read, as a profile to compare; `field` names the side.
pub async fn profile_view(
    state: &AppState,
    caller: &Caller,
    id: i64,
    field: &str,
) -> Result<ProfileView, Problem> {
    let (org, _, kind) = access::document(state, caller, id, Action::Read)
        .await
        .map_err(|p| p.with_field(field))?;
    Ok(match kind {
        DocumentKind::TargetProfile => {
            let t = documents::target(state, org, DocumentId(id), None).await?;
            ProfileView::of_target(&t.resolved)
        }
        DocumentKind::Assessment => {
            let a = documents::assessment(state, org, DocumentId(id)).await?;
            ProfileView::of_current(&state.catalog, &a.current)
        }
        DocumentKind::RiskScenarios => {
            return Err(Problem::bad_field(
                field,
                format!("document {id} is a set of loss scenarios: compare targets or assessments"),
            ))
        }
    })
}

/// Two profiles (targets or assessments, possibly of different organizations the caller can
/// read) compared measure by measure: `left` is the reference (the client's needs), `right`
/// the profile measured against it (a vendor's).
pub async fn compare(
    state: &AppState,
    caller: &Caller,
    left: i64,
    right: i64,
) -> Result<Comparison, Problem> {
    let a = profile_view(state, caller, left, "left").await?;
    let b = profile_view(state, caller, right, "right").await?;
    Ok(smm_core::compare(&a, &b)?)
}

/// A system's assessments over time, each against the target it names. Assessments whose
/// target is not stored are left out (they have no gap to show).
pub async fn trend(state: &AppState, caller: &Caller, id: i64) -> Result<Trend, Problem> {
    let (info, _) = access::system(state, caller, id, Action::Read).await?;
    let docs = state
        .store
        .documents(
            info.id,
            DocumentKind::Assessment,
            Page::new(0, Page::MAX_LIMIT),
        )
        .await?;
    let mut loaded = Vec::new();
    for d in docs {
        // A stored assessment that no longer checks against the catalog has no point to show.
        let Ok(current) = documents::assessment(state, info.organization, d.id).await else {
            continue;
        };
        if let Ok(target) = documents::target_of(state, info.organization, &current, None).await {
            let label = format!(
                "{} {} ({})",
                current.current.product, current.current.version, current.current.date
            );
            loaded.push((label, current, target));
        }
    }
    let inputs: Vec<TrendInput<'_>> = loaded
        .iter()
        .map(|(source, current, target)| TrendInput {
            source,
            assessment: &current.document,
            current: &current.current,
            target: &target.resolved,
        })
        .collect();
    Ok(smm_core::trend(&inputs)?)
}

/// A report's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    /// One self-contained HTML file.
    Html,
    /// A PDF.
    Pdf,
}

/// The report of a document: the gap report of an assessment (against the target it names, or
/// the one asked for), or the profile sheet of a target, dated today.
pub async fn report(
    state: &AppState,
    caller: &Caller,
    id: i64,
    target: Option<i64>,
    format: ReportFormat,
    standard: Option<&str>,
) -> Result<Vec<u8>, Problem> {
    let (org, _, kind) = access::document(state, caller, id, Action::Read).await?;
    // After the access check: what a server maps is public, but not whether a document exists.
    let mapping = standard.map(|s| state.standards.named(s)).transpose()?;
    let (target, assessment) = match kind {
        DocumentKind::TargetProfile => (
            documents::target(state, org, DocumentId(id), None).await?,
            None,
        ),
        DocumentKind::Assessment => {
            let found = gap(state, caller, id, target).await?;
            (found.target, Some((found.current, found.gap)))
        }
        DocumentKind::RiskScenarios => {
            return Err(Problem::bad_field(
                "id",
                format!(
                    "document {id} is a set of loss scenarios: a report is of a target or an \
                     assessment (the risk of an assessment is at /api/documents/ID/risk)"
                ),
            ))
        }
    };
    let date = Date::parse(&today())
        .ok_or_else(|| Problem::internal("report date", &"the clock gives no valid date"))?;
    // Cheap beside the rendering, and it needs only borrowed data: done here, not in the task.
    let coverages: Vec<smm_core::mapping::Coverage> = mapping
        .into_iter()
        .map(|m| {
            smm_core::mapping::coverage_of(
                &state.catalog,
                m,
                Some(&target.resolved),
                assessment.as_ref().map(|(a, _)| &a.current),
            )
        })
        .collect();
    let catalog = state.catalog.clone();
    tokio::task::spawn_blocking(move || {
        let input = smm_report::html::ReportInput {
            standards: &coverages,
            catalog: &catalog,
            profile: &target.document,
            target: &target.resolved,
            assessment: assessment.as_ref().map(|(a, g)| (&a.document, g)),
            date,
        };
        match format {
            ReportFormat::Pdf => smm_report::pdf::report(&input),
            ReportFormat::Html => smm_report::html::report(&input).map(String::into_bytes),
        }
    })
    .await
    .map_err(|e| Problem::internal("report task", &e))?
    .map_err(|e| Problem::internal("report", &e))
}
