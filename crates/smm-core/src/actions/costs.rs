//! An organization's own prices: its day rate, what its cost classes amount to, and its own
//! effort for particular actions, kept in a `costs.yaml` next to its profiles.
//!
//! ```yaml
//! smm: 1
//! kind: Costs
//! currency: EUR
//! day-rate: 950
//! cost-classes: { medium: 15000 }
//! actions:
//!   threat-modeling/c3: { effort: 12, cost: low }
//! ```

use serde::{Deserialize, Serialize};

use super::{ActionCatalog, ActionId, Effort};
use crate::diagnostic::{nearest, Diagnostic, Diagnostics};
use crate::header::{parse_kind, FormatVersion, Kind};
use crate::located::{Entries, Located};

/// A checked costs document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Costs {
    /// Replaces the actions' currency.
    pub currency: Option<String>,
    /// Replaces the default day rate.
    pub day_rate: Option<u64>,
    /// Replaces the amounts of some cost classes.
    pub cost_classes: Vec<(String, u64)>,
    /// Per-action effort and cost class, by action index.
    pub actions: Vec<(usize, Option<Effort>, Option<String>)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct CostsFile {
    #[allow(dead_code)]
    smm: FormatVersion,
    #[allow(dead_code)]
    kind: CostsKind,
    #[serde(default)]
    currency: Option<Located<String>>,
    #[serde(default)]
    day_rate: Option<Located<u64>>,
    #[serde(default)]
    cost_classes: Entries<u64>,
    #[serde(default)]
    actions: Entries<ActionCost>,
}

#[derive(Deserialize)]
enum CostsKind {
    Costs,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionCost {
    #[serde(default)]
    effort: Option<Located<f64>>,
    #[serde(default)]
    cost: Option<Located<String>>,
}

/// Parses a costs document and checks every id in it against `actions`.
pub fn parse_costs(actions: &ActionCatalog, source: &str) -> Result<Costs, Diagnostics> {
    let file: CostsFile = parse_kind(source, Kind::Costs)?;
    let mut problems = Diagnostics::default();
    let class_ids: Vec<&str> = actions.cost_classes.iter().map(|c| c.id.as_str()).collect();
    let unknown_class = |id: &Located<String>, field: String, problems: &mut Diagnostics| {
        let mut d = Diagnostic::new(
            id.at,
            field,
            format!(
                "unknown cost class `{}`: expected one of {}",
                id.value,
                class_ids.join(", ")
            ),
        );
        if let Some(near) = nearest(&id.value, class_ids.iter().copied()) {
            d = d.with_help(format!("did you mean `{near}`?"));
        }
        problems.push(d);
    };
    let mut costs = Costs {
        currency: file.currency.map(|c| c.value.trim().to_string()),
        day_rate: file.day_rate.map(|d| d.value),
        ..Costs::default()
    };
    for (key, amount) in file.cost_classes.iter() {
        if actions.cost_class(&key.value).is_some() {
            costs.cost_classes.push((key.value.clone(), *amount));
        } else {
            unknown_class(key, format!("cost-classes.{}", key.value), &mut problems);
        }
    }
    for (key, cost) in file.actions.iter() {
        let field = format!("actions.{}", key.value);
        let Some(index) = ActionId::parse(&key.value).and_then(|id| actions.find(&id)) else {
            let ids: Vec<String> = actions.actions.iter().map(|a| a.id.to_string()).collect();
            let mut d = Diagnostic::new(
                key.at,
                field,
                format!(
                    "`{}` is not an action: expected practice/step, e.g. threat-modeling/c3",
                    key.value
                ),
            );
            if let Some(near) = nearest(&key.value, ids.iter().map(String::as_str)) {
                d = d.with_help(format!("did you mean `{near}`?"));
            }
            problems.push(d);
            continue;
        };
        let effort = match &cost.effort {
            Some(days) => match Effort::from_days(days.value) {
                Some(e) => Some(e),
                None => {
                    problems.push(Diagnostic::new(
                        days.at,
                        format!("{field}.effort"),
                        format!(
                            "effort must be a number of person-days above 0 and at most {}, found {}",
                            Effort::MAX_DAYS,
                            days.value
                        ),
                    ));
                    continue;
                }
            },
            None => None,
        };
        if let Some(class) = &cost.cost {
            if actions.cost_class(&class.value).is_none() {
                unknown_class(class, format!("{field}.cost"), &mut problems);
                continue;
            }
        }
        costs
            .actions
            .push((index, effort, cost.cost.as_ref().map(|c| c.value.clone())));
    }
    problems.into_result(costs)
}

/// What each action costs an organization: defaults with its `costs.yaml` applied.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Pricing {
    /// Currency of every amount.
    pub currency: String,
    /// Cost of a person-day.
    pub day_rate: u64,
    /// One price per action, in [`ActionCatalog::actions`] order.
    pub prices: Vec<Price>,
}

/// One action's effort and amount.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Price {
    /// Staff effort.
    pub effort: Effort,
    /// Cost class of its external spend.
    pub cost_class: String,
    /// Staff time at the day rate plus the class's amount, in whole currency units.
    pub amount: u64,
}

impl ActionCatalog {
    /// Prices every action: the file's defaults, overridden by `costs` where it says so.
    pub fn pricing(&self, costs: Option<&Costs>) -> Pricing {
        let currency = costs
            .and_then(|c| c.currency.clone())
            .unwrap_or_else(|| self.currency.clone());
        let day_rate = costs.and_then(|c| c.day_rate).unwrap_or(self.day_rate);
        let class_amount = |id: &str| {
            costs
                .and_then(|c| c.cost_classes.iter().find(|(k, _)| k == id))
                .map(|(_, amount)| *amount)
                .or_else(|| self.cost_class(id).map(|c| c.amount))
                .unwrap_or(0)
        };
        let prices = self
            .actions
            .iter()
            .enumerate()
            .map(|(i, action)| {
                let own = costs.and_then(|c| c.actions.iter().find(|(a, _, _)| *a == i));
                let effort = own.and_then(|(_, e, _)| *e).unwrap_or(action.effort);
                let cost_class = own
                    .and_then(|(_, _, c)| c.clone())
                    .unwrap_or_else(|| action.cost_class.clone());
                // Tenths of a day times the rate, rounded up to a whole unit: a plan must never
                // promise less than it will cost.
                let staff = (u64::from(effort.tenths()).saturating_mul(day_rate)).div_ceil(10);
                Price {
                    amount: staff.saturating_add(class_amount(&cost_class)),
                    effort,
                    cost_class,
                }
            })
            .collect();
        Pricing {
            currency,
            day_rate,
            prices,
        }
    }
}
