//! The trend: assessments of one system over time, each measured against its target, and how
//! the gap moved from one to the next.
//!
//! Points are ordered by assessment date, and by the order given when two share a date, so the
//! same files always give the same story. Between consecutive points each practice is classified
//! by its *achieved* levels ([`Change`]): the assessed system is what improves or regresses. The
//! gap can move for another reason too (a later assessment may be measured against a newer
//! target), so each step also records the status before and after, and whether the target
//! changed.

mod step;

pub use step::{Change, DomainStep, PracticeChange, TrendStep};

use serde::Serialize;

use crate::current::CurrentProfile;
use crate::document::{Assessment, Date};
use crate::gap::{gap, PracticeGap, Status, Summary};
use crate::id::{DomainId, PracticeId, SubdomainId};
use crate::level::Level;
use crate::resolve::ResolvedTarget;
use step::step;

/// One assessment of the trend, with the target it is measured against.
#[derive(Clone, Copy, Debug)]
pub struct TrendInput<'a> {
    /// How the user named it (a file path), for messages and output.
    pub source: &'a str,
    /// The assessment as written: its date, and the target it names.
    pub assessment: &'a Assessment,
    /// The assessment checked against the catalog.
    pub current: &'a CurrentProfile,
    /// The target it is measured against.
    pub target: &'a ResolvedTarget,
}

/// A practice of the catalog, as the trend lists it (rows of the grid).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct TrendPractice {
    /// Practice id.
    pub id: PracticeId,
    /// Display name.
    pub name: String,
    /// Its domain.
    pub domain: DomainId,
    /// Its subdomain.
    pub subdomain: SubdomainId,
}

/// A domain of the catalog, as the trend lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct TrendDomain {
    /// Domain id.
    pub id: DomainId,
    /// Display name.
    pub name: String,
}

/// One practice at one point.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PracticePoint {
    /// Practice id.
    pub id: PracticeId,
    /// Required.
    pub target: Level,
    /// Achieved.
    pub current: Level,
    /// Under, met or over.
    pub status: Status,
    /// Steps still missing to reach the target: comprehensiveness levels plus scope ranks short.
    pub missing: u32,
}

/// One domain at one point.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DomainPoint {
    /// Domain id.
    pub id: DomainId,
    /// Under, met and over counts of its practices.
    #[serde(flatten)]
    pub summary: Summary,
    /// Steps missing over its practices.
    pub missing: u32,
}

/// One assessment in the trend: its gap, summarized.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct TrendPoint {
    /// How the user named it (a file path).
    pub source: String,
    /// Its position among the inputs as given (0 for the first), which breaks ties of date.
    pub given: usize,
    /// Product assessed.
    pub product: String,
    /// Version assessed.
    pub version: String,
    /// Assessment date.
    pub date: Date,
    /// The target's name.
    pub target: String,
    /// The target's version, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_version: Option<String>,
    /// Under, met and over counts over all practices.
    pub summary: Summary,
    /// Steps missing over all practices.
    pub missing: u32,
    /// Per domain, in catalog order.
    pub domains: Vec<DomainPoint>,
    /// Per practice, in catalog order.
    pub practices: Vec<PracticePoint>,
}

/// Assessments of one system in date order, and what moved between them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Trend {
    /// The product(s) assessed, each named once, in order of first appearance.
    pub products: Vec<String>,
    /// `id@version` of the catalog.
    pub catalog: String,
    /// Domains in catalog order.
    pub domains: Vec<TrendDomain>,
    /// Practices in catalog order.
    pub practices: Vec<TrendPractice>,
    /// The assessments, oldest first.
    pub points: Vec<TrendPoint>,
    /// Between consecutive points.
    pub steps: Vec<TrendStep>,
}

/// An assessment as named in a [`TrendError`]: its source, product and the target it names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    /// How the user named it (a file path).
    pub source: String,
    /// Product and version.
    pub product: String,
    /// The target it names: the path as written and the start of the digest, since the same
    /// relative path beside two assessments may be two different targets.
    pub target: String,
}

/// Why assessments do not make a trend.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TrendError {
    /// Nothing to show.
    #[error("a trend needs at least one assessment")]
    Empty,
    /// A trend follows one system: several products are only comparable against one target.
    #[error("{}", different_products(.0))]
    DifferentProducts(Vec<Named>),
    /// An assessment or its target uses another catalog than the first assessment.
    #[error(
        "{assessment} uses catalog {found} but {first} uses {expected}; a trend needs one catalog"
    )]
    CatalogMismatch {
        /// The odd one out.
        assessment: String,
        /// Its catalog.
        found: String,
        /// The first assessment.
        first: String,
        /// The first assessment's catalog.
        expected: String,
    },
}

fn different_products(named: &[Named]) -> String {
    let list: Vec<String> = named
        .iter()
        .map(|n| format!("{} ({}, target {})", n.source, n.product, n.target))
        .collect();
    format!(
        "these assessments are of different products and name different targets: {}; a trend follows one system, so give assessments of one product, or assessments that name the same target",
        list.join(", ")
    )
}

/// Steps missing to reach `target`: comprehensiveness levels plus scope ranks short.
fn missing(p: &PracticeGap) -> u32 {
    let short = |delta: i8| u32::from(delta.min(0).unsigned_abs());
    short(p.comprehensiveness_delta) + short(p.scope_delta)
}

/// Orders the assessments by date (then as given), measures each against its target, and
/// describes every step from one to the next.
pub fn trend(inputs: &[TrendInput<'_>]) -> Result<Trend, TrendError> {
    let Some(first) = inputs.first() else {
        return Err(TrendError::Empty);
    };
    check_one_system(inputs)?;
    let mut order: Vec<usize> = (0..inputs.len()).collect();
    // A stable sort keeps the given order for assessments of the same date.
    order.sort_by_key(|&i| inputs[i].assessment.date);

    let mut points = Vec::with_capacity(inputs.len());
    for &i in &order {
        let input = &inputs[i];
        for catalog in [&input.target.catalog, &input.current.catalog] {
            if *catalog != first.target.catalog {
                return Err(TrendError::CatalogMismatch {
                    assessment: input.source.to_string(),
                    found: catalog.clone(),
                    first: first.source.to_string(),
                    expected: first.target.catalog.clone(),
                });
            }
        }
        let g = gap(input.target, input.current).map_err(|e| TrendError::CatalogMismatch {
            assessment: input.source.to_string(),
            found: e.current,
            first: first.source.to_string(),
            expected: e.target,
        })?;
        points.push(point(i, input, &g));
    }

    let practices: Vec<TrendPractice> = first
        .target
        .practices
        .iter()
        .map(|p| TrendPractice {
            id: p.id.clone(),
            name: p.name.clone(),
            domain: p.domain.clone(),
            subdomain: p.subdomain.clone(),
        })
        .collect();
    let domains: Vec<TrendDomain> = first
        .target
        .domains
        .iter()
        .map(|d| TrendDomain {
            id: d.id.clone(),
            name: d.name.clone(),
        })
        .collect();
    let steps = (1..points.len())
        .map(|to| step(to - 1, to, &points, &practices))
        .collect();
    let mut products: Vec<String> = Vec::new();
    for p in &points {
        if !products.contains(&p.product) {
            products.push(p.product.clone());
        }
    }
    Ok(Trend {
        products,
        catalog: first.target.catalog.clone(),
        domains,
        practices,
        points,
        steps,
    })
}

/// One product, or else one named target for all.
fn check_one_system(inputs: &[TrendInput<'_>]) -> Result<(), TrendError> {
    if all_same(inputs, |i| &i.assessment.product.name)
        || all_same(inputs, |i| &i.assessment.target.sha256.value)
    {
        return Ok(());
    }
    Err(TrendError::DifferentProducts(
        inputs
            .iter()
            .map(|i| Named {
                source: i.source.to_string(),
                product: format!(
                    "{} {}",
                    i.assessment.product.name, i.assessment.product.version
                ),
                target: {
                    let digest = &i.assessment.target.sha256.value;
                    format!(
                        "{}, sha256 {}\u{2026}",
                        i.assessment.target.path,
                        digest.get(..12).unwrap_or(digest)
                    )
                },
            })
            .collect(),
    ))
}

fn all_same<'a>(
    inputs: &'a [TrendInput<'a>],
    key: impl Fn(&'a TrendInput<'a>) -> &'a String,
) -> bool {
    inputs.windows(2).all(|pair| key(&pair[0]) == key(&pair[1]))
}

fn point(given: usize, input: &TrendInput<'_>, g: &crate::gap::Gap) -> TrendPoint {
    let practices: Vec<PracticePoint> = g
        .practices
        .iter()
        .map(|p| PracticePoint {
            id: p.id.clone(),
            target: p.target,
            current: p.current,
            status: p.status,
            missing: missing(p),
        })
        .collect();
    let domains = g
        .domains
        .iter()
        .map(|d| DomainPoint {
            id: DomainId::new(d.id.clone()),
            summary: d.summary,
            missing: g
                .practices
                .iter()
                .filter(|p| p.domain.as_str() == d.id)
                .map(missing)
                .sum(),
        })
        .collect();
    TrendPoint {
        source: input.source.to_string(),
        given,
        product: input.current.product.clone(),
        version: input.current.version.clone(),
        date: input.assessment.date,
        target: input.target.name.clone(),
        target_version: input.target.version.clone(),
        summary: g.summary,
        missing: practices.iter().map(|p| p.missing).sum(),
        domains,
        practices,
    }
}
