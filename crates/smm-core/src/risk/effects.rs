//! What each practice step does to the Open FAIR factors, as data: a companion file of the
//! catalog (`iot-smm-1.2.risk.yaml`, `kind: RiskEffects`), checked against the catalog as the
//! actions file is.

use std::collections::HashMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::check::{check_practice, check_step_effect};
use super::estimate::StepEffect;
use crate::actions::Step;
use crate::catalog::Catalog;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::document::CatalogReference;
use crate::header::{parse_kind, FormatVersion, Kind};
use crate::id::PracticeId;
use crate::located::Entries;

/// The effects of the IoT SMM 1.2 catalog's practices, shipped in the binary.
pub const BUILTIN_RISK_EFFECTS_YAML: &str =
    include_str!("../../../../catalog/iot-smm-1.2.risk.yaml");

/// The `kind` value of an effects file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum RiskEffectsKind {
    /// The only value.
    RiskEffects,
}

/// An effects file as written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(
    title = "smm RiskEffects",
    description = "Which Open FAIR factors each practice step of a catalog reduces, and by how much."
)]
pub struct RiskEffectsFile {
    /// Document format version: 1.
    pub smm: FormatVersion,
    /// Always `RiskEffects`.
    pub kind: RiskEffectsKind,
    /// The catalog whose practices these are.
    pub catalog: CatalogReference,
    /// A human title.
    pub title: String,
    /// How the ranges were judged.
    pub calibration: String,
    /// Practice id, then step (`c1`..`c4`, `industry`, `system`), then the effect.
    pub practices: Entries<Entries<StepEffect>>,
}

/// A checked effects file: each practice step's effect, ready for lookup.
#[derive(Clone, Debug)]
pub struct RiskEffects {
    /// The catalog it belongs to, as `id@version`.
    pub catalog: String,
    /// A human title.
    pub title: String,
    /// How the ranges were judged.
    pub calibration: String,
    effects: HashMap<(PracticeId, Step), StepEffect>,
}

impl RiskEffects {
    /// The built-in effects of the built-in catalog.
    ///
    /// Checked by the test suite, so a failure here is a build defect, not a user error.
    pub fn builtin(catalog: &Catalog) -> RiskEffects {
        match parse_risk_effects(catalog, BUILTIN_RISK_EFFECTS_YAML) {
            Ok(effects) => effects,
            Err(problems) => panic!("the built-in risk effects are invalid:\n{problems}"),
        }
    }

    /// What `step` of `practice` does, if the file says it does anything.
    pub fn effect(&self, practice: &str, step: Step) -> Option<&StepEffect> {
        self.effects.get(&(PracticeId::new(practice), step))
    }

    /// Every stated effect, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&PracticeId, Step, &StepEffect)> {
        self.effects.iter().map(|((p, s), e)| (p, *s, e))
    }

    /// An effects table built in code (tests): `(practice, step, effect)` triples.
    pub fn from_entries(
        catalog: &Catalog,
        entries: impl IntoIterator<Item = (PracticeId, Step, StepEffect)>,
    ) -> RiskEffects {
        RiskEffects {
            catalog: catalog.reference(),
            title: String::new(),
            calibration: String::new(),
            effects: entries.into_iter().map(|(p, s, e)| ((p, s), e)).collect(),
        }
    }
}

/// Parses an effects file and checks it against `catalog`: the catalog it names, practice ids,
/// steps, reductions from 0 to 1 in order, at least one factor and a rationale per step.
pub fn parse_risk_effects(catalog: &Catalog, source: &str) -> Result<RiskEffects, Diagnostics> {
    let file: RiskEffectsFile = parse_kind(source, Kind::RiskEffects)?;
    let mut problems = Diagnostics::default();
    if file.catalog.id.value != catalog.id.value
        || file.catalog.version.value != catalog.version.value
    {
        problems.push(Diagnostic::new(
            file.catalog.id.at,
            "catalog",
            format!(
                "these effects are for catalog {}@{}, but the catalog in use is {}",
                file.catalog.id.value,
                file.catalog.version.value,
                catalog.reference()
            ),
        ));
    }
    let mut effects = HashMap::new();
    for (practice, steps) in file.practices.iter() {
        let pfield = format!("practices.{}", practice.value);
        let known = check_practice(catalog, practice, &pfield, &mut problems);
        for (key, effect) in steps.iter() {
            let field = format!("{pfield}.{}", key.value);
            check_step_effect(effect, &field, &mut problems);
            if effect.reductions().next().is_none() {
                problems.push(
                    Diagnostic::new(key.at, field.clone(), "the step names no factor")
                        .with_help("leave a step out when it does not plausibly move a factor"),
                );
            }
            let Some(step) = Step::parse(&key.value) else {
                problems.push(Diagnostic::new(
                    key.at,
                    field,
                    format!(
                        "unknown step `{}`: expected c1, c2, c3, c4, industry or system",
                        key.value
                    ),
                ));
                continue;
            };
            if known
                && effects
                    .insert((PracticeId::new(&practice.value), step), effect.clone())
                    .is_some()
            {
                problems.push(Diagnostic::new(key.at, field, "this step is listed twice"));
            }
        }
    }
    problems.into_result(RiskEffects {
        catalog: format!("{}@{}", file.catalog.id.value, file.catalog.version.value),
        title: file.title,
        calibration: file.calibration.trim().to_string(),
        effects,
    })
}
