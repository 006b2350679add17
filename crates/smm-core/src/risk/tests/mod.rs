//! The simulation against closed forms, its invariants, and the risk files' diagnostics; the
//! helpers here build small documents in code.

mod diagnostics;
mod simulation;

pub(super) use super::*;
pub(super) use crate::actions::Step;
pub(super) use crate::id::PracticeId;
pub(super) use crate::level::{Comprehensiveness, Level, Scope};
pub(super) use crate::located::{Entries, Located};
pub(super) use crate::{
    current_profile, parse_assessment, parse_target, resolve, Catalog, ProfileView,
};

pub(super) const BOTTLING: &str = include_str!("../../../../../examples/bottling-line/risk.yaml");
pub(super) const HVAC: &str = include_str!("../../../../../examples/hvac/risk.yaml");
pub(super) const BOTTLING_ASSESSMENT: &str =
    include_str!("../../../../../examples/bottling-line/assessment.yaml");
pub(super) const BOTTLING_TARGET: &str =
    include_str!("../../../../../examples/bottling-line/target.yaml");
pub(super) const HVAC_ASSESSMENT: &str =
    include_str!("../../../../../examples/hvac/assessment.yaml");

pub(super) fn options(iterations: u32) -> SimulationOptions {
    SimulationOptions {
        iterations,
        seed: 7,
    }
}

pub(super) fn scenario(
    id: &str,
    tef: Estimate,
    vulnerability: Estimate,
    primary: Estimate,
) -> Scenario {
    Scenario {
        id: Located::new(id.to_string()),
        title: id.to_string(),
        asset: "the line".to_string(),
        threat_community: "anyone".to_string(),
        effect: Effect::Availability,
        threat_event_frequency: tef,
        vulnerability: Some(vulnerability),
        threat_capability: None,
        resistance_strength: None,
        primary_loss: primary,
        secondary_loss_event_frequency: None,
        secondary_loss: None,
        rationale: None,
        effects: Entries::default(),
    }
}

pub(super) fn document(scenarios: Vec<Scenario>) -> RiskScenarios {
    RiskScenarios {
        smm: crate::header::FormatVersion,
        kind: RiskScenariosKind::RiskScenarios,
        system: "test system".to_string(),
        currency: Located::new("EUR".to_string()),
        basis: Basis::Inherent,
        sources: None,
        simulation: None,
        scenarios,
    }
}

pub(super) fn no_effects() -> RiskEffects {
    RiskEffects::from_entries(&Catalog::builtin(), [])
}

pub(super) fn nothing() -> ProfileLevels {
    ProfileLevels::new("nothing", [])
}

pub(super) fn level(c: u64, s: Scope) -> Level {
    Level::new(Comprehensiveness::from_value(c).expect("0-4"), s)
}

pub(super) fn cut(factor: Factor, r: Reduction) -> StepEffect {
    let mut e = StepEffect {
        threat_event_frequency: None,
        vulnerability: None,
        primary_loss: None,
        secondary_loss_event_frequency: None,
        secondary_loss: None,
        applies_to: Vec::new(),
        rationale: Located::new("test".to_string()),
    };
    match factor {
        Factor::ThreatEventFrequency => e.threat_event_frequency = Some(r),
        Factor::Vulnerability => e.vulnerability = Some(r),
        Factor::PrimaryLoss => e.primary_loss = Some(r),
        Factor::SecondaryLossEventFrequency => e.secondary_loss_event_frequency = Some(r),
        Factor::SecondaryLoss => e.secondary_loss = Some(r),
    }
    e
}

pub(super) fn model(effects: &RiskEffects, doc: &RiskScenarios) -> RiskModel {
    RiskModel::new(effects, doc, None).expect("inherent basis needs no assessment")
}
