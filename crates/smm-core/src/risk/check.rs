//! What the types of the risk files cannot say: ranges in order, values within what they
//! measure, a known currency, unique scenario ids, and overrides that name real practice steps.

use std::collections::HashSet;

use super::currency::{currencies, is_currency};
use super::estimate::{Estimate, Reduction, StepEffect};
use super::scenarios::{RiskScenarios, Scenario};
use crate::actions::Step;
use crate::catalog::Catalog;
use crate::diagnostic::{nearest, Diagnostic, Diagnostics};
use crate::located::{Entries, Located};

/// The fewest and most simulated years a document may ask for.
pub const ITERATIONS: std::ops::RangeInclusive<u32> = 1_000..=10_000_000;

/// The largest cut one step may claim. A step that removed a factor entirely would make the
/// loss vanish whatever else happens, which no control earns; it would also leave nothing to
/// divide by when a profile falls below the assessed one.
pub const MAX_REDUCTION: f64 = 0.95;

/// The most threat events a year a scenario may estimate. Every loss event is simulated on its
/// own, so the bound keeps a run finite; a scenario with more events than this is better
/// described at a coarser grain anyway.
pub const MAX_FREQUENCY: f64 = 10_000.0;

/// What an estimated quantity measures, which bounds its values.
#[derive(Clone, Copy)]
enum Measure {
    /// Events per year: at least 0.
    Frequency,
    /// A probability: 0 to 1.
    Probability,
    /// A percentile of threat capability: 0 to 100.
    Percentile,
    /// Money: at least 0.
    Money,
}

impl Measure {
    fn bounds(self) -> (f64, f64, &'static str) {
        match self {
            Measure::Frequency => (
                0.0,
                MAX_FREQUENCY,
                "a frequency from 0 to 10,000 a year (model a more frequent threat at a coarser grain, e.g. campaigns rather than emails)",
            ),
            Measure::Probability => (0.0, 1.0, "a probability from 0 to 1"),
            Measure::Percentile => (0.0, 100.0, "a percentile from 0 to 100"),
            Measure::Money => (0.0, f64::INFINITY, "an amount of at least 0"),
        }
    }
}

/// Checks a scenarios document; the catalog, when given, checks the practice ids of overrides.
pub(crate) fn check_scenarios(catalog: Option<&Catalog>, doc: &RiskScenarios) -> Diagnostics {
    let mut problems = Diagnostics::default();
    check_currency(&doc.currency, &mut problems);
    if let Some(iterations) = doc.simulation.as_ref().and_then(|s| s.iterations.as_ref()) {
        if !ITERATIONS.contains(&iterations.value) {
            problems.push(Diagnostic::new(
                iterations.at,
                "simulation.iterations",
                format!(
                    "{} simulated years: expected {} to {}",
                    iterations.value,
                    ITERATIONS.start(),
                    ITERATIONS.end()
                ),
            ));
        }
    }
    if doc.scenarios.is_empty() {
        problems.push(Diagnostic::new(
            doc.currency.at,
            "scenarios",
            "name at least one loss scenario",
        ));
    }
    let mut seen = HashSet::new();
    for (i, scenario) in doc.scenarios.iter().enumerate() {
        let field = format!("scenarios[{i}]");
        if !crate::id::is_well_formed(&scenario.id.value) {
            problems.push(Diagnostic::new(
                scenario.id.at,
                format!("{field}.id"),
                format!(
                    "`{}` is not an id: use lowercase letters, digits and hyphens",
                    scenario.id.value
                ),
            ));
        } else if !seen.insert(scenario.id.value.as_str()) {
            problems.push(Diagnostic::new(
                scenario.id.at,
                format!("{field}.id"),
                format!("scenario `{}` is defined twice", scenario.id.value),
            ));
        }
        check_scenario(catalog, scenario, &field, &mut problems);
    }
    problems
}

fn check_currency(currency: &Located<String>, problems: &mut Diagnostics) {
    if is_currency(&currency.value) {
        return;
    }
    let mut d = Diagnostic::new(
        currency.at,
        "currency",
        format!(
            "`{}` is not an ISO 4217 currency code (e.g. EUR, USD, CHF)",
            currency.value
        ),
    );
    let upper = currency.value.to_ascii_uppercase();
    if is_currency(&upper) {
        d = d.with_help(format!("did you mean `{upper}`?"));
    } else {
        // `nearest` compares in lower case.
        let known: Vec<String> = currencies().map(str::to_ascii_lowercase).collect();
        if let Some(near) = nearest(&upper, known.iter().map(String::as_str)) {
            d = d.with_help(format!("did you mean `{}`?", near.to_ascii_uppercase()));
        }
    }
    problems.push(d);
}

fn check_scenario(
    catalog: Option<&Catalog>,
    s: &Scenario,
    field: &str,
    problems: &mut Diagnostics,
) {
    let id = &s.id.value;
    let at = s.id.at;
    check_estimate(
        &s.threat_event_frequency,
        Measure::Frequency,
        &format!("{field}.threat-event-frequency"),
        problems,
    );
    match (&s.vulnerability, &s.threat_capability, &s.resistance_strength) {
        (Some(v), None, None) => check_estimate(
            v,
            Measure::Probability,
            &format!("{field}.vulnerability"),
            problems,
        ),
        (None, Some(tcap), Some(rs)) => {
            check_estimate(
                tcap,
                Measure::Percentile,
                &format!("{field}.threat-capability"),
                problems,
            );
            check_estimate(
                rs,
                Measure::Percentile,
                &format!("{field}.resistance-strength"),
                problems,
            );
        }
        _ => problems.push(
            Diagnostic::new(
                at,
                format!("{field}.vulnerability"),
                format!(
                    "scenario `{id}` needs either `vulnerability` or both `threat-capability` and `resistance-strength`, not both ways nor half of one"
                ),
            )
            .with_help("a probability 0-1 is simplest; the percentile pair derives it"),
        ),
    }
    check_estimate(
        &s.primary_loss,
        Measure::Money,
        &format!("{field}.primary-loss"),
        problems,
    );
    match (&s.secondary_loss_event_frequency, &s.secondary_loss) {
        (Some(f), Some(m)) => {
            check_estimate(
                f,
                Measure::Probability,
                &format!("{field}.secondary-loss-event-frequency"),
                problems,
            );
            check_estimate(
                m,
                Measure::Money,
                &format!("{field}.secondary-loss"),
                problems,
            );
        }
        (None, None) => {}
        _ => problems.push(Diagnostic::new(
            at,
            format!("{field}.secondary-loss"),
            format!(
                "scenario `{id}` gives only half of the secondary loss: give both `secondary-loss-event-frequency` and `secondary-loss`, or neither"
            ),
        )),
    }
    check_overrides(catalog, &s.effects, &format!("{field}.effects"), problems);
}

fn check_estimate(e: &Estimate, measure: Measure, field: &str, problems: &mut Diagnostics) {
    let (low, high, what) = measure.bounds();
    let mut fine = true;
    for (name, value) in [("min", &e.min), ("likely", &e.likely), ("max", &e.max)] {
        if !value.value.is_finite() || value.value < low || value.value > high {
            problems.push(Diagnostic::new(
                value.at,
                format!("{field}.{name}"),
                format!("{} is out of range: expected {what}", value.value),
            ));
            fine = false;
        }
    }
    if fine {
        check_order(&e.min, &e.likely, &e.max, field, problems);
    }
}

fn check_order(
    min: &Located<f64>,
    likely: &Located<f64>,
    max: &Located<f64>,
    field: &str,
    problems: &mut Diagnostics,
) {
    if !(min.value <= likely.value && likely.value <= max.value) {
        problems.push(Diagnostic::new(
            likely.at,
            field.to_string(),
            format!(
                "the range must run min <= likely <= max, found {} / {} / {}",
                min.value, likely.value, max.value
            ),
        ));
    }
}

/// Checks a reduction: fractions from 0 to 1, in order.
pub(crate) fn check_reduction(r: &Reduction, field: &str, problems: &mut Diagnostics) {
    let mut fine = true;
    for (name, value) in [("min", &r.min), ("likely", &r.likely), ("max", &r.max)] {
        if !value.value.is_finite() || !(0.0..=MAX_REDUCTION).contains(&value.value) {
            problems.push(Diagnostic::new(
                value.at,
                format!("{field}.{name}"),
                format!(
                    "{} is out of range: a reduction is the fraction of the factor removed, from 0 to {MAX_REDUCTION} (no single step removes a factor entirely)",
                    value.value
                ),
            ));
            fine = false;
        }
    }
    if fine {
        check_order(&r.min, &r.likely, &r.max, field, problems);
    }
}

/// Checks one step's effect: its reductions and a rationale.
pub(crate) fn check_step_effect(effect: &StepEffect, field: &str, problems: &mut Diagnostics) {
    for (factor, r) in effect.reductions() {
        check_reduction(r, &format!("{field}.{}", factor.key()), problems);
    }
    if effect.rationale.value.trim().is_empty() {
        problems.push(Diagnostic::new(
            effect.rationale.at,
            format!("{field}.rationale"),
            "say why the step has this effect",
        ));
    }
}

/// Checks a practice → step → effect table: known practices (when a catalog is given), known
/// steps, and each effect.
pub(crate) fn check_overrides(
    catalog: Option<&Catalog>,
    table: &Entries<Entries<StepEffect>>,
    field: &str,
    problems: &mut Diagnostics,
) {
    for (practice, steps) in table.iter() {
        let pfield = format!("{field}.{}", practice.value);
        if let Some(catalog) = catalog {
            check_practice(catalog, practice, &pfield, problems);
        }
        for (step, effect) in steps.iter() {
            let sfield = format!("{pfield}.{}", step.value);
            if Step::parse(&step.value).is_none() {
                problems.push(Diagnostic::new(
                    step.at,
                    sfield.clone(),
                    format!(
                        "unknown step `{}`: expected c1, c2, c3, c4, industry or system",
                        step.value
                    ),
                ));
            }
            check_step_effect(effect, &sfield, problems);
        }
    }
}

/// Whether `practice` is a practice id of `catalog`, with the nearest one when it is not.
pub(crate) fn check_practice(
    catalog: &Catalog,
    practice: &Located<String>,
    field: &str,
    problems: &mut Diagnostics,
) -> bool {
    if catalog
        .practice(&practice.value)
        .is_some_and(|p| p.practice.id.as_str() == practice.value)
    {
        return true;
    }
    let mut d = Diagnostic::new(
        practice.at,
        field.to_string(),
        format!(
            "`{}` is not a practice id of {}",
            practice.value,
            catalog.reference()
        ),
    );
    if let Some(near) = nearest(&practice.value, catalog.practice_ids()) {
        d = d.with_help(format!("did you mean `{near}`?"));
    }
    problems.push(d);
    false
}
