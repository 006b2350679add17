//! The limitations a target declares, as a report shows them beside the levels.
//!
//! A limitation says what a practice cannot do for this product, why, and which measures make up
//! for it. It is part of what the target asks (and what a certificate attests), so a reader sees
//! it with the practice's target level and, in a gap report, the level the assessment found.

use smm_core::gap::Gap;
use smm_core::ResolvedTarget;

use crate::html::words;

/// A practice's limitation, in words.
#[derive(Clone, Debug)]
pub(crate) struct LimitationRow {
    /// The practice's id.
    pub(crate) id: String,
    /// The practice's name.
    pub(crate) practice: String,
    /// Its target level.
    pub(crate) target: String,
    /// The level assessed (gap reports only).
    pub(crate) current: String,
    pub(crate) limited: String,
    pub(crate) because: String,
    pub(crate) compensating: Vec<String>,
}

/// The target's limitations in catalog order, each with its practice's levels.
pub(crate) fn rows(target: &ResolvedTarget, gap: Option<&Gap>) -> Vec<LimitationRow> {
    target
        .limitations
        .iter()
        .map(|l| {
            let practice = target
                .practices
                .iter()
                .find(|p| p.id.as_str() == l.practice);
            LimitationRow {
                id: l.practice.clone(),
                practice: practice
                    .map(|p| p.name.clone())
                    .unwrap_or_else(|| l.practice.clone()),
                target: practice.map(|p| p.level().to_string()).unwrap_or_default(),
                current: gap
                    .and_then(|g| g.practices.iter().find(|p| p.id.as_str() == l.practice))
                    .map(|p| p.current.to_string())
                    .unwrap_or_default(),
                limited: words(&l.limited),
                because: words(&l.because),
                compensating: l.compensating.iter().map(|c| words(c)).collect(),
            }
        })
        .collect()
}
