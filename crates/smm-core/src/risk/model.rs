//! A checked scenarios document and an effects table, compiled once into what the simulation
//! samples: each estimate's tabulated distribution, and each practice step's reductions.

use std::collections::HashMap;

use super::effects::RiskEffects;
use super::estimate::{Effect, Factor, StepEffect};
use super::pert::Pert;
use super::profile::ProfileLevels;
use super::scenarios::{Basis, RiskScenarios, Scenario};
use super::SimulationOptions;
use crate::actions::Step;
use crate::id::PracticeId;

/// Everything a simulation needs, precomputed: build it once, simulate many profiles.
#[derive(Clone, Debug)]
pub struct RiskModel {
    /// The system the scenarios are about.
    pub system: String,
    /// ISO 4217 code of every amount.
    pub currency: String,
    /// The document's simulation settings, or the defaults.
    pub options: SimulationOptions,
    pub(crate) scenarios: Vec<CompiledScenario>,
    /// Every practice step that has an effect somewhere; its index keys its random numbers, so a
    /// step's effectiveness in a simulated year is the same in every scenario and every profile.
    pub(crate) slots: Vec<(PracticeId, Step)>,
    /// The effects each scenario uses: one set per kind of effect (confidentiality, ...) for
    /// scenarios that keep the table's effects, one per scenario with overrides.
    pub(crate) effect_sets: Vec<Vec<CompiledEffect>>,
    /// Every distinct reduction, with the slot whose random numbers draw it.
    pub(crate) reductions: Vec<(usize, Pert)>,
    /// Per slot: whether the profile the estimates describe has taken the step.
    pub(crate) baseline: Vec<bool>,
}

/// A scenario's distributions.
#[derive(Clone, Debug)]
pub(crate) struct CompiledScenario {
    pub id: String,
    pub title: String,
    pub threat_event_frequency: Pert,
    pub vulnerability: Vulnerability,
    pub primary_loss: Pert,
    pub secondary: Option<(Pert, Pert)>,
    pub effect_set: usize,
}

/// How a scenario's vulnerability is drawn.
#[derive(Clone, Debug)]
pub(crate) enum Vulnerability {
    /// A probability estimated directly.
    Direct(Pert),
    /// The share of the threat community whose capability exceeds a drawn resistance strength.
    Strength { capability: Pert, resistance: Pert },
}

/// One factor reduction of one practice step, as a scenario uses it.
#[derive(Clone, Debug)]
pub(crate) struct CompiledEffect {
    pub slot: usize,
    pub factor: Factor,
    /// Index in [`RiskModel::reductions`]: the table's reductions are shared by every scenario
    /// that uses them, so each is drawn once a year however many scenarios it acts on.
    pub reduction: usize,
}

/// The reductions one effect set applies for one profile, as indices into
/// [`RiskModel::reductions`], per factor: a compact layout for the simulation's inner loop.
#[derive(Clone, Debug, Default)]
pub(crate) struct AppliedSet {
    /// Steps taken beyond the baseline: multiply the factor by what each leaves.
    pub lower: Vec<(Factor, usize)>,
    /// Baseline steps not taken: divide the factor by what each leaves.
    pub raise: Vec<(Factor, usize)>,
}

impl AppliedSet {
    /// Every reduction it uses.
    pub fn reductions(&self) -> impl Iterator<Item = usize> + '_ {
        self.lower.iter().chain(&self.raise).map(|&(_, r)| r)
    }
}

/// Numbers the practice steps and the distinct reductions while a model is compiled.
#[derive(Default)]
struct Registry {
    slots: Vec<(PracticeId, Step)>,
    slot_of: HashMap<(PracticeId, Step), usize>,
    reductions: Vec<(usize, Pert)>,
    shared: HashMap<(usize, Factor), usize>,
}

impl Registry {
    fn slot(&mut self, practice: &PracticeId, step: Step) -> usize {
        let next = self.slots.len();
        let slot = *self.slot_of.entry((practice.clone(), step)).or_insert(next);
        if slot == next {
            self.slots.push((practice.clone(), step));
        }
        slot
    }

    /// The effects of one step on scenarios with effect `on`; `shared` for the table's entries,
    /// which many scenarios use, and not for a scenario's own overrides.
    fn effects(
        &mut self,
        practice: &PracticeId,
        step: Step,
        effect: &StepEffect,
        on: Effect,
        shared: bool,
    ) -> Vec<CompiledEffect> {
        if !effect.applies(on) {
            return Vec::new();
        }
        let slot = self.slot(practice, step);
        effect
            .reductions()
            .map(|(factor, r)| {
                let known = shared
                    .then(|| self.shared.get(&(slot, factor)).copied())
                    .flatten();
                let reduction = known.unwrap_or_else(|| {
                    self.reductions.push((slot, Pert::of(&r.as_estimate())));
                    let index = self.reductions.len() - 1;
                    if shared {
                        self.shared.insert((slot, factor), index);
                    }
                    index
                });
                CompiledEffect {
                    slot,
                    factor,
                    reduction,
                }
            })
            .collect()
    }
}

/// Why a model cannot be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RiskError {
    /// The estimates describe the assessed system, but no assessed levels were given.
    #[error(
        "the scenarios of `{0}` are estimated for the system as assessed (basis: assessed): give the assessment they were estimated on, or set basis: inherent"
    )]
    NeedsAssessment(String),
}

impl RiskModel {
    /// Compiles checked scenarios with the effects of their catalog.
    ///
    /// `assessed` is the profile the estimates describe when the document's basis is `assessed`
    /// (it is ignored for `inherent`): simulating exactly that profile reproduces the estimates.
    pub fn new(
        effects: &RiskEffects,
        scenarios: &RiskScenarios,
        assessed: Option<&ProfileLevels>,
    ) -> Result<RiskModel, RiskError> {
        let baseline = match (scenarios.basis, assessed) {
            (Basis::Inherent, _) => None,
            (Basis::Assessed, Some(levels)) => Some(levels),
            (Basis::Assessed, None) => {
                return Err(RiskError::NeedsAssessment(scenarios.system.clone()))
            }
        };
        let mut registry = Registry::default();
        let mut table: Vec<(PracticeId, Step, &StepEffect)> =
            effects.iter().map(|(p, s, e)| (p.clone(), s, e)).collect();
        // A stable slot order, whatever the table's, so a seed means the same everywhere.
        table.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        let mut effect_sets: Vec<Vec<CompiledEffect>> = Vec::new();
        let mut shared: HashMap<Effect, usize> = HashMap::new();
        let mut compiled = Vec::new();
        for s in &scenarios.scenarios {
            let overrides: Vec<(PracticeId, Step, &StepEffect)> = s
                .effects
                .iter()
                .flat_map(|(p, steps)| {
                    steps.iter().filter_map(|(step, e)| {
                        Step::parse(&step.value).map(|st| (PracticeId::new(&p.value), st, e))
                    })
                })
                .collect();
            let reuse = if overrides.is_empty() {
                shared.get(&s.effect).copied()
            } else {
                None
            };
            let effect_set = match reuse {
                Some(set) => set,
                None => {
                    let mut set: Vec<CompiledEffect> = Vec::new();
                    for (p, st, e) in &table {
                        if !overrides.iter().any(|(op, os, _)| op == p && os == st) {
                            set.extend(registry.effects(p, *st, e, s.effect, true));
                        }
                    }
                    for (p, st, e) in &overrides {
                        set.extend(registry.effects(p, *st, e, s.effect, false));
                    }
                    effect_sets.push(set);
                    if overrides.is_empty() {
                        shared.insert(s.effect, effect_sets.len() - 1);
                    }
                    effect_sets.len() - 1
                }
            };
            compiled.push(compile_scenario(s, effect_set));
        }
        let Registry {
            slots, reductions, ..
        } = registry;
        let baseline = slots
            .iter()
            .map(|(p, st)| baseline.is_some_and(|b| b.has_taken(p.as_str(), *st)))
            .collect();
        Ok(RiskModel {
            system: scenarios.system.clone(),
            currency: scenarios.currency.value.clone(),
            options: SimulationOptions::of(scenarios),
            scenarios: compiled,
            slots,
            reductions,
            effect_sets,
            baseline,
        })
    }

    /// The ids and titles of the scenarios, in document order.
    pub fn scenarios(&self) -> impl Iterator<Item = (&str, &str)> {
        self.scenarios
            .iter()
            .map(|s| (s.id.as_str(), s.title.as_str()))
    }

    /// The practice steps whose effects reach at least one scenario, for a ranking to try.
    pub fn steps(&self) -> &[(PracticeId, Step)] {
        &self.slots
    }

    /// For each effect set, the reductions whose step `profile` and the baseline disagree on,
    /// factor by factor: those `profile` has taken and the baseline has not (the factor falls),
    /// and those the baseline has and `profile` lacks (the factor rises back).
    pub(crate) fn applied(&self, profile: &ProfileLevels) -> Vec<AppliedSet> {
        let taken: Vec<bool> = self
            .slots
            .iter()
            .map(|(p, s)| profile.has_taken(p.as_str(), *s))
            .collect();
        self.effect_sets
            .iter()
            .map(|set| {
                let mut applied = AppliedSet::default();
                for e in set
                    .iter()
                    .filter(|e| taken[e.slot] != self.baseline[e.slot])
                {
                    let side = if self.baseline[e.slot] {
                        &mut applied.raise
                    } else {
                        &mut applied.lower
                    };
                    side.push((e.factor, e.reduction));
                }
                applied
            })
            .collect()
    }
}

fn compile_scenario(s: &Scenario, effect_set: usize) -> CompiledScenario {
    let vulnerability = match (
        &s.vulnerability,
        &s.threat_capability,
        &s.resistance_strength,
    ) {
        (Some(v), _, _) => Vulnerability::Direct(Pert::of(v)),
        (None, Some(c), Some(r)) => Vulnerability::Strength {
            capability: Pert::of(c),
            resistance: Pert::of(r),
        },
        // Refused by the checks; an unchecked document gets a certain loss per threat event
        // rather than a panic.
        _ => Vulnerability::Direct(Pert::new(1.0, 1.0, 1.0, 4.0)),
    };
    CompiledScenario {
        id: s.id.value.clone(),
        title: s.title.clone(),
        threat_event_frequency: Pert::of(&s.threat_event_frequency),
        vulnerability,
        primary_loss: Pert::of(&s.primary_loss),
        secondary: s
            .secondary_loss_event_frequency
            .as_ref()
            .zip(s.secondary_loss.as_ref())
            .map(|(f, m)| (Pert::of(f), Pert::of(m))),
        effect_set,
    }
}
