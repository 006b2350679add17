//! The roadmap: from a gap to the actions that close it, ordered, priced and, given a budget per
//! period, scheduled.
//!
//! Without a budget the roadmap is every action the gap needs (and their missing prerequisites)
//! in an order that respects dependencies and puts the weightiest work first. With a budget it is
//! also a schedule: periods that never exceed their budget, dependencies kept (a prerequisite in
//! the same or an earlier period), nothing after the deadline, and as much weighted gap closed as
//! possible (see [`solve`] for the method and docs/roadmap.md for its guarantees). When not
//! everything fits, the roadmap says what is left out and which budget or deadline would fit it.

mod period;
mod select;
mod solve;

use std::collections::BTreeMap;

use serde::Serialize;

pub use period::{Month, PeriodKind};

use crate::actions::{ActionCatalog, ActionId, Effort, Pricing, Step};
use crate::catalog::Catalog;
use crate::current::CurrentProfile;
use crate::document::{Date, Finding, GoalBudget, Priority, StakeholderRole};
use crate::gap::CatalogMismatch;
use crate::id::{DomainId, PracticeId};
use crate::level::Level;
use crate::resolve::ResolvedTarget;

/// Everything a roadmap is made from.
#[derive(Clone, Copy, Debug)]
pub struct PlanInput<'a> {
    /// The catalog both documents were checked against.
    pub catalog: &'a Catalog,
    /// The actions of that catalog.
    pub actions: &'a ActionCatalog,
    /// What each action costs this organization.
    pub pricing: &'a Pricing,
    /// The resolved target.
    pub target: &'a ResolvedTarget,
    /// The current profile.
    pub current: &'a CurrentProfile,
    /// The assessment's findings (they raise the priority of their practices).
    pub findings: &'a [Finding],
}

/// What a period's budget is counted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum BudgetUnit {
    /// Money, in the pricing's currency (staff time at the day rate plus external spend).
    Money,
    /// Staff effort in person-days (external spend ignored).
    PersonDays,
}

/// A budget per period and the planning horizon.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Budget {
    /// Budget of every period: whole currency units, or tenths of a person-day.
    pub per_period: u64,
    /// What it is counted in.
    pub unit: BudgetUnit,
    /// Months or quarters.
    pub period: PeriodKind,
    /// The first month of work.
    pub start: Month,
    /// The last month in which work may be planned; without it, the schedule runs until
    /// everything that fits a period is done.
    pub deadline: Option<Month>,
}

/// One action of the roadmap.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PlannedAction {
    /// `practice/step`.
    pub id: ActionId,
    /// The practice's display name.
    pub practice_name: String,
    /// Its domain.
    pub domain: DomainId,
    /// The step, in words: `to 3 (consistent)`.
    pub step: String,
    /// Short title.
    pub title: String,
    /// What has to be done.
    pub work: String,
    /// Staff effort.
    pub effort: Effort,
    /// Class of external spend.
    pub cost_class: String,
    /// Staff time at the day rate plus external spend.
    pub amount: u64,
    /// What closing this step is worth: priority × (gap + risk); 0 for a prerequisite.
    pub weight: u32,
    /// With a ranking by risk: the mean annual loss the step avoids, in the roadmap's currency,
    /// taken once the actions it needs are done.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<u64>,
    /// The domain goal's priority.
    pub priority: Priority,
    /// How many steps the practice is short of its target.
    pub gap: u32,
    /// Risk points (0-3) from findings and rules.
    pub risk: u32,
    /// Where the risk points come from.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub risk_because: Vec<String>,
    /// Not asked for by the target, but needed by an action that is.
    pub prerequisite: bool,
    /// Actions of the roadmap that must come first, and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<PlannedNeed>,
    /// The stakeholder (id) the target makes responsible for the practice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub responsible: Option<String>,
    /// The stakeholder (id) who bears the practice's cost.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_bearer: Option<String>,
}

/// A dependency between two actions of the roadmap.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PlannedNeed {
    /// The action that comes first.
    pub action: ActionId,
    /// Why.
    pub why: String,
}

/// Sums over a set of actions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Totals {
    /// How many actions.
    pub actions: usize,
    /// Their staff effort.
    pub effort: Effort,
    /// Their amount.
    pub amount: u64,
    /// Their weight.
    pub weight: u64,
    /// With a ranking by risk: the sum of their values (each step's annual loss avoided, taken
    /// alone after what it needs; steps overlap, so the plan's own figure is simulated).
    #[serde(skip_serializing_if = "is_zero")]
    pub value: u64,
}

fn is_zero(value: &u64) -> bool {
    *value == 0
}

impl Totals {
    fn of<'a>(actions: impl IntoIterator<Item = &'a PlannedAction>) -> Totals {
        actions.into_iter().fold(Totals::default(), |t, a| Totals {
            actions: t.actions + 1,
            effort: t.effort.plus(a.effort),
            amount: t.amount.saturating_add(a.amount),
            weight: t.weight + u64::from(a.weight),
            value: t.value.saturating_add(a.value.unwrap_or(0)),
        })
    }
}

/// What orders the actions and what the budgeted schedule maximizes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Ranking {
    /// The weight: priority × (gap + risk points).
    #[default]
    Weight,
    /// The annual loss avoided per unit of cost, from the loss scenarios (see docs/risk.md).
    Risk,
}

impl Ranking {
    fn is_weight(&self) -> bool {
        *self == Ranking::Weight
    }
}

/// The roadmap of one target and one assessment.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Roadmap {
    /// Target name.
    pub target: String,
    /// Product assessed.
    pub product: String,
    /// Version assessed.
    pub version: String,
    /// Currency of the amounts.
    pub currency: String,
    /// Day rate used.
    pub day_rate: u64,
    /// What ordered the actions and what the schedule maximizes.
    #[serde(skip_serializing_if = "Ranking::is_weight")]
    pub ranking: Ranking,
    /// Every action, in dependency and ranking order.
    pub actions: Vec<PlannedAction>,
    /// Every domain of the catalog with its goal's priority and the sums of its actions.
    pub domains: Vec<DomainTotals>,
    /// Sums over all actions.
    pub totals: Totals,
    /// Practices under target today.
    pub practices_under: usize,
    /// Prerequisites left out because the target accepted the rule that asks for them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub declined: Vec<DeclinedPrerequisite>,
    /// The work grouped by the stakeholder responsible for it (when the target names any).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_responsible: Vec<PartyTotals>,
    /// The work grouped by the stakeholder who bears its cost (when the target names any).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_cost_bearer: Vec<PartyTotals>,
    /// The schedule, when a budget was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
}

/// A prerequisite the plan leaves out because the target declined it: it accepts the
/// consistency rule that asks for the same thing, with a reason. A target that says "secure
/// enough, not more" is not handed the work it turned down.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DeclinedPrerequisite {
    /// The action not added.
    pub action: ActionId,
    /// Its short title.
    pub title: String,
    /// What it would have cost.
    pub amount: u64,
    /// Its staff effort.
    pub effort: Effort,
    /// Actions of the plan that would have needed it.
    pub needed_by: Vec<ActionId>,
    /// The accepted rule.
    pub rule: String,
    /// The target's reason for accepting it.
    pub reason: String,
}

/// One domain's share of the roadmap.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DomainTotals {
    /// Domain id.
    pub id: DomainId,
    /// Display name.
    pub name: String,
    /// The goal's priority.
    pub priority: Priority,
    /// Sums over its actions.
    pub totals: Totals,
    /// The goal's deadline, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Date>,
    /// The goal's budget, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget: Option<GoalBudget>,
    /// How much the domain's actions cost beyond its budget (when the budget is in the costs'
    /// currency; 0 when they fit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub over_budget: Option<u64>,
}

/// The share of the roadmap of one stakeholder (or of nobody named).
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PartyTotals {
    /// The stakeholder's id; `None` for the work the target names nobody for.
    pub party: Option<String>,
    /// Its name (or "not named").
    pub name: String,
    /// Its role.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<StakeholderRole>,
    /// The actions, in roadmap order.
    pub actions: Vec<ActionId>,
    /// Sums over them.
    pub totals: Totals,
}

/// Whether a goal's deadline is kept by the schedule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DeadlineCheck {
    /// The domain.
    pub domain: DomainId,
    /// The goal's deadline.
    pub deadline: Date,
    /// The last period that ends by the deadline, if any does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_period: Option<String>,
    /// The domain's actions the target asks for (prerequisites aside) that are not scheduled by
    /// the deadline.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missed: Vec<ActionId>,
    /// Whether every action of the domain is scheduled by the deadline.
    pub met: bool,
}

/// A schedule of the roadmap's actions into budget periods.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Schedule {
    /// The budget it was made for.
    pub budget: Budget,
    /// Every period of the horizon, in order.
    pub periods: Vec<PeriodPlan>,
    /// Actions not scheduled, with the reason.
    pub left_out: Vec<LeftOut>,
    /// Sums over the scheduled actions.
    pub scheduled: Totals,
    /// The largest total of the ranking's measure (the weight, or with a ranking by risk the
    /// summed values) any schedule within this budget and horizon could reach (equal to the
    /// scheduled total when the schedule is proven optimal).
    pub weight_bound: u64,
    /// How the schedule was found and what is proven about it.
    pub method: Method,
    /// Where every practice stands once the scheduled actions are done.
    pub outcome: Vec<PracticeOutcome>,
    /// Practices still under target once the scheduled actions are done.
    pub practices_under_after: usize,
    /// What would fit everything, when something is left out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fit: Option<Fit>,
    /// Each goal deadline, and whether the schedule keeps it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deadlines: Vec<DeadlineCheck>,
}

/// One budget period.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PeriodPlan {
    /// `2027-Q1` or `2027-03`.
    pub label: String,
    /// Its first month.
    pub first_month: Month,
    /// Its last month.
    pub last_month: Month,
    /// Actions done in it (ids into [`Roadmap::actions`]), prerequisites first.
    pub actions: Vec<ActionId>,
    /// Sums over them.
    pub totals: Totals,
    /// What they use of the period's budget, in the budget's unit.
    pub used: u64,
}

/// An action the schedule could not take.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct LeftOut {
    /// The action.
    pub action: ActionId,
    /// Why.
    pub reason: LeftOutReason,
}

/// Why an action was left out of the schedule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum LeftOutReason {
    /// It alone costs more than a period's budget (in the budget's unit).
    TooCostly {
        /// Its cost.
        cost: u64,
    },
    /// An action it needs cannot be scheduled.
    Blocked {
        /// That action.
        by: ActionId,
    },
    /// A prerequisite whose dependants are all left out: doing it alone would close nothing.
    Unneeded,
    /// Its domain's goal deadline comes before the budget allows it (or before work starts).
    PastDeadline {
        /// The domain.
        domain: DomainId,
        /// The goal's deadline.
        deadline: Date,
    },
    /// The budget until the deadline went to weightier actions.
    NoRoom,
}

/// What the solver proves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Method {
    /// `branch-and-bound`.
    pub name: String,
    /// Whether no schedule within the budget and horizon closes more weight.
    pub optimal: bool,
    /// Search nodes explored.
    pub nodes: u64,
}

/// Where a practice stands after the schedule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PracticeOutcome {
    /// The practice.
    pub practice: PracticeId,
    /// Today.
    pub current: Level,
    /// After the scheduled actions.
    pub reached: Level,
    /// The target.
    pub target: Level,
}

/// Budget or deadline that would fit every action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Fit {
    /// A per-period budget with which a schedule of every action by the deadline was found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget: Option<u64>,
    /// No per-period budget below this can fit everything by the deadline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget_at_least: Option<u64>,
    /// With the given budget, the number of periods that fit everything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub periods: Option<usize>,
    /// The deadline those periods end on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Month>,
}

/// Why no roadmap could be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// The documents belong to different catalogs.
    #[error(transparent)]
    Catalog(#[from] CatalogMismatch),
    /// The actions belong to another catalog.
    #[error("the actions are for catalog {actions}, the target for {target}")]
    Actions {
        /// The actions' catalog.
        actions: String,
        /// The target's catalog.
        target: String,
    },
    /// The deadline is before the start.
    #[error("the deadline {deadline} is before the start {start}")]
    Deadline {
        /// Start month.
        start: Month,
        /// Deadline.
        deadline: Month,
    },
    /// A budget of zero.
    #[error("the budget per period must be more than 0")]
    ZeroBudget,
}

/// Node limit of the main search: enough to prove most real plans optimal, small enough to
/// answer in well under 100 ms.
const SEARCH_NODES: u64 = 200_000;
/// Node limit of each "does everything fit?" probe while searching a budget or deadline.
const PROBE_NODES: u64 = 2_000;
/// The longest horizon searched when there is no deadline (25 years of quarters).
const MAX_PERIODS: usize = 100;

/// Makes the roadmap, and the schedule when `budget` is given, ranked by weight.
pub fn plan(input: &PlanInput<'_>, budget: Option<&Budget>) -> Result<Roadmap, PlanError> {
    plan_ranked(input, budget, None)
}

/// Makes the roadmap ranked by `values`: each action's annual loss avoided, in the pricing's
/// currency (an action not named avoids nothing). Actions come in order of value per unit of
/// cost, dependencies kept, and the budgeted schedule maximizes the summed values. The values
/// come from [`crate::risk::roadmap_values`]; [`crate::risk::valued_roadmap`] does both.
pub fn plan_valued(
    input: &PlanInput<'_>,
    budget: Option<&Budget>,
    values: &BTreeMap<ActionId, u64>,
) -> Result<Roadmap, PlanError> {
    plan_ranked(input, budget, Some(values))
}

/// Value per unit of cost, scaled to keep precision in integers (a free action ranks as if it
/// cost 1).
fn density(value: u64, cost: u64) -> u64 {
    let scaled = u128::from(value) * 1_000_000 / u128::from(cost.max(1));
    u64::try_from(scaled).unwrap_or(u64::MAX)
}

fn plan_ranked(
    input: &PlanInput<'_>,
    budget: Option<&Budget>,
    values: Option<&BTreeMap<ActionId, u64>>,
) -> Result<Roadmap, PlanError> {
    if input.target.catalog != input.current.catalog {
        return Err(CatalogMismatch {
            target: input.target.catalog.clone(),
            current: input.current.catalog.clone(),
        }
        .into());
    }
    if input.actions.catalog != input.target.catalog {
        return Err(PlanError::Actions {
            actions: input.actions.catalog.clone(),
            target: input.target.catalog.clone(),
        });
    }
    let value_of = |s: &select::Selected| {
        values.map(|v| {
            v.get(&input.actions.actions[s.action].id)
                .copied()
                .unwrap_or(0)
        })
    };
    let rank = |s: &select::Selected| match value_of(s) {
        Some(value) => density(value, input.pricing.prices[s.action].amount),
        None => u64::from(s.weight),
    };
    let (selected, declined) = select::select(
        input.catalog,
        input.actions,
        input.target,
        input.current,
        input.findings,
        &rank,
    );
    let declined = declined
        .into_iter()
        .map(|d| {
            let action = &input.actions.actions[d.action];
            let price = &input.pricing.prices[d.action];
            DeclinedPrerequisite {
                action: action.id.clone(),
                title: action.title.clone(),
                amount: price.amount,
                effort: price.effort,
                needed_by: d
                    .needed_by
                    .iter()
                    .map(|&i| input.actions.actions[i].id.clone())
                    .collect(),
                reason: input
                    .target
                    .accepted_rules
                    .iter()
                    .find(|a| a.rule == d.rule)
                    .map(|a| a.reason.clone())
                    .unwrap_or_default(),
                rule: d.rule,
            }
        })
        .collect();
    let actions: Vec<PlannedAction> = selected
        .iter()
        .map(|s| {
            let action = &input.actions.actions[s.action];
            let price = &input.pricing.prices[s.action];
            PlannedAction {
                id: action.id.clone(),
                practice_name: action.practice_name.clone(),
                domain: action.domain.clone(),
                step: action.id.step.describe(),
                title: action.title.clone(),
                work: action.work.clone(),
                effort: price.effort,
                cost_class: price.cost_class.clone(),
                amount: price.amount,
                weight: s.weight,
                value: value_of(s),
                priority: s.priority,
                gap: s.gap,
                risk: s.risk,
                risk_because: s.risk_because.clone(),
                prerequisite: s.prerequisite,
                responsible: input
                    .target
                    .practice(action.id.practice.as_str())
                    .and_then(|p| p.responsible.clone()),
                cost_bearer: input
                    .target
                    .practice(action.id.practice.as_str())
                    .and_then(|p| p.cost_bearer.clone()),
                needs: s
                    .needs
                    .iter()
                    .map(|(i, why)| PlannedNeed {
                        action: input.actions.actions[selected[*i].action].id.clone(),
                        why: why.clone(),
                    })
                    .collect(),
            }
        })
        .collect();
    let practices_under = input
        .target
        .practices
        .iter()
        .filter(|p| {
            input
                .current
                .practice(p.id.as_str())
                .is_some_and(|c| !Step::between(c.level, p.level()).is_empty())
        })
        .count();
    let schedule = match budget {
        Some(budget) => Some(schedule(input, &actions, &selected, budget)?),
        None => None,
    };
    let by_responsible = by_party(input.target, &actions, |a| a.responsible.as_deref());
    let by_cost_bearer = by_party(input.target, &actions, |a| a.cost_bearer.as_deref());
    Ok(Roadmap {
        by_responsible,
        by_cost_bearer,
        target: input.target.name.clone(),
        product: input.current.product.clone(),
        version: input.current.version.clone(),
        currency: input.pricing.currency.clone(),
        day_rate: input.pricing.day_rate,
        totals: Totals::of(&actions),
        domains: input
            .catalog
            .domains
            .iter()
            .map(|d| {
                let goal = input.target.domain(d.id.as_str());
                let totals = Totals::of(actions.iter().filter(|a| a.domain == d.id.value));
                let budget = goal.and_then(|g| g.budget.clone());
                DomainTotals {
                    id: d.id.value.clone(),
                    name: d.name.clone(),
                    priority: goal.map(|t| t.priority).unwrap_or_default(),
                    deadline: goal.and_then(|g| g.deadline),
                    over_budget: budget
                        .as_ref()
                        .filter(|b| b.currency.value == input.pricing.currency)
                        .map(|b| totals.amount.saturating_sub(b.amount)),
                    budget,
                    totals,
                }
            })
            .collect(),
        ranking: if values.is_some() {
            Ranking::Risk
        } else {
            Ranking::Weight
        },
        actions,
        practices_under,
        declined,
        schedule,
    })
}

fn schedule(
    input: &PlanInput<'_>,
    actions: &[PlannedAction],
    selected: &[select::Selected],
    budget: &Budget,
) -> Result<Schedule, PlanError> {
    if budget.per_period == 0 {
        return Err(PlanError::ZeroBudget);
    }
    let cost: Vec<u64> = actions
        .iter()
        .map(|a| match budget.unit {
            BudgetUnit::Money => a.amount,
            BudgetUnit::PersonDays => u64::from(a.effort.tenths()),
        })
        .collect();
    let mut problem = solve::Problem {
        cost: cost.clone(),
        weight: actions
            .iter()
            .map(|a| a.value.unwrap_or(u64::from(a.weight)))
            .collect(),
        preds: selected
            .iter()
            .map(|s| s.needs.iter().map(|(i, _)| *i).collect())
            .collect(),
        budget: budget.per_period,
        periods: 0,
        until: actions
            .iter()
            .map(|a| match goal_deadline(input.target, a) {
                Some(deadline) => periods_by(budget, deadline),
                None => solve::NO_DEADLINE,
            })
            .collect(),
    };
    let values_ranked = actions.iter().any(|a| a.value.is_some());
    let placeable = placeable(&problem);
    problem.periods = match budget.deadline {
        Some(deadline) => {
            budget
                .period
                .count(budget.start, deadline)
                .ok_or(PlanError::Deadline {
                    start: budget.start,
                    deadline,
                })?
        }
        // Without a deadline: as few periods as fit everything a period can hold (goal
        // deadlines aside: they limit what goes where, not how long the plan runs).
        None => {
            let mut doable = restrict(&problem, &placeable);
            doable.until = vec![solve::NO_DEADLINE; doable.cost.len()];
            periods_needed(&doable).unwrap_or(MAX_PERIODS)
        }
    };
    let solution = solve::solve(&problem, SEARCH_NODES);
    let mut period = solution.period.clone();
    solve::tidy(&problem, &mut period);

    let mut periods: Vec<PeriodPlan> = (0..problem.periods)
        .map(|q| {
            let first = budget.period.nth(budget.start, q);
            let members: Vec<usize> = (0..actions.len())
                .filter(|&i| period[i] == Some(q))
                .collect();
            PeriodPlan {
                label: budget.period.label(first),
                first_month: first,
                last_month: budget.period.last_month(first),
                actions: members.iter().map(|&i| actions[i].id.clone()).collect(),
                totals: Totals::of(members.iter().map(|&i| &actions[i])),
                used: members.iter().map(|&i| cost[i]).sum(),
            }
        })
        .collect();
    // Without a deadline, trailing empty periods say nothing.
    if budget.deadline.is_none() {
        while periods.last().is_some_and(|p| p.actions.is_empty()) {
            periods.pop();
        }
    }
    let left_out: Vec<LeftOut> = (0..actions.len())
        .filter(|&i| period[i].is_none())
        .map(|i| LeftOut {
            action: actions[i].id.clone(),
            reason: left_out_reason(input.target, &problem, &placeable, actions, i),
        })
        .collect();
    let fit = (!left_out.is_empty()).then(|| {
        // A goal deadline before the first period can be met by no budget: that action is
        // reported against its deadline, and the fit is for the rest.
        let mut fitting = problem.clone();
        for u in &mut fitting.until {
            if *u == 0 {
                *u = solve::NO_DEADLINE;
            }
        }
        fit(&fitting, &placeable, budget)
    });
    let deadlines = deadline_checks(input, actions, &period, &periods, budget);
    let outcome = outcome(input, actions, &period);
    let practices_under_after = outcome
        .iter()
        .filter(|o| !Step::between(o.reached, o.target).is_empty())
        .count();
    let scheduled = Totals::of(
        (0..actions.len())
            .filter(|&i| period[i].is_some())
            .map(|i| &actions[i]),
    );
    Ok(Schedule {
        budget: *budget,
        periods,
        left_out,
        weight_bound: solution.bound.max(if values_ranked {
            scheduled.value
        } else {
            scheduled.weight
        }),
        scheduled,
        method: Method {
            name: "branch-and-bound".to_string(),
            optimal: solution.optimal,
            nodes: solution.nodes,
        },
        outcome,
        practices_under_after,
        fit,
        deadlines,
    })
}

/// The deadline of the goal of an action's domain.
fn goal_deadline(target: &ResolvedTarget, action: &PlannedAction) -> Option<Date> {
    target
        .domain(action.domain.as_str())
        .and_then(|d| d.deadline)
}

/// How many periods, from the first, end on or before `deadline` (work must be done by then).
fn periods_by(budget: &Budget, deadline: Date) -> usize {
    let month = Month::of(deadline);
    // A deadline on the month's last day keeps that month; any earlier day does not.
    let whole_month = deadline
        .plus_days(1)
        .is_none_or(|next| next.month() != deadline.month());
    let mut count = 0;
    while count <= MAX_PERIODS {
        let last = budget
            .period
            .last_month(budget.period.nth(budget.start, count));
        if last > month || (last == month && !whole_month) {
            break;
        }
        count += 1;
    }
    count
}

/// For each goal with a deadline: the last period that ends by it, and what of the domain is
/// not scheduled by then.
fn deadline_checks(
    input: &PlanInput<'_>,
    actions: &[PlannedAction],
    period: &[Option<usize>],
    periods: &[PeriodPlan],
    budget: &Budget,
) -> Vec<DeadlineCheck> {
    input
        .target
        .domains
        .iter()
        .filter_map(|d| {
            let deadline = d.deadline?;
            let until = periods_by(budget, deadline);
            let missed: Vec<ActionId> = actions
                .iter()
                .enumerate()
                // What the goal asks for; a prerequisite comes with the work that needs it.
                .filter(|(i, a)| {
                    a.domain == d.id && !a.prerequisite && period[*i].is_none_or(|q| q >= until)
                })
                .map(|(_, a)| a.id.clone())
                .collect();
            Some(DeadlineCheck {
                domain: d.id.clone(),
                deadline,
                last_period: until.checked_sub(1).map(|q| match periods.get(q) {
                    Some(p) => p.label.clone(),
                    None => budget.period.label(budget.period.nth(budget.start, q)),
                }),
                met: missed.is_empty(),
                missed,
            })
        })
        .collect()
}

/// The actions grouped by a party (a stakeholder id), in the order the target names its
/// stakeholders, the work with nobody named last; empty when no action names anyone.
fn by_party(
    target: &ResolvedTarget,
    actions: &[PlannedAction],
    party: impl Fn(&PlannedAction) -> Option<&str>,
) -> Vec<PartyTotals> {
    if actions.iter().all(|a| party(a).is_none()) {
        return Vec::new();
    }
    let group = |id: Option<&str>| {
        let members: Vec<&PlannedAction> = actions.iter().filter(|a| party(a) == id).collect();
        let stakeholder = id.and_then(|id| target.stakeholder(id));
        PartyTotals {
            party: id.map(str::to_string),
            name: stakeholder.map_or_else(|| "not named".to_string(), |s| s.name.clone()),
            role: stakeholder.map(|s| s.role),
            actions: members.iter().map(|a| a.id.clone()).collect(),
            totals: Totals::of(members),
        }
    };
    target
        .stakeholders
        .iter()
        .map(|s| group(Some(s.id.as_str())))
        .chain(std::iter::once(group(None)))
        .filter(|g| !g.actions.is_empty())
        .collect()
}

/// Which items could be placed at all: each fits a period and so does everything it needs.
fn placeable(problem: &solve::Problem) -> Vec<bool> {
    let mut ok = vec![true; problem.cost.len()];
    for i in 0..ok.len() {
        ok[i] = problem.cost[i] <= problem.budget && problem.preds[i].iter().all(|&d| ok[d]);
    }
    ok
}

/// The problem restricted to the placeable items (indices renumbered, order kept).
fn restrict(problem: &solve::Problem, keep: &[bool]) -> solve::Problem {
    let mut new_index = vec![usize::MAX; keep.len()];
    let mut next = 0;
    for (i, &k) in keep.iter().enumerate() {
        if k {
            new_index[i] = next;
            next += 1;
        }
    }
    let pick =
        |v: &[u64]| -> Vec<u64> { (0..keep.len()).filter(|&i| keep[i]).map(|i| v[i]).collect() };
    solve::Problem {
        cost: pick(&problem.cost),
        weight: pick(&problem.weight),
        preds: (0..keep.len())
            .filter(|&i| keep[i])
            .map(|i| problem.preds[i].iter().map(|&d| new_index[d]).collect())
            .collect(),
        budget: problem.budget,
        periods: problem.periods,
        until: (0..keep.len())
            .filter(|&i| keep[i])
            .map(|i| problem.until[i])
            .collect(),
    }
}

/// The fewest periods in which a schedule of every item was found (items must each fit a
/// period); `None` beyond [`MAX_PERIODS`].
fn periods_needed(problem: &solve::Problem) -> Option<usize> {
    if problem.cost.is_empty() {
        return Some(1);
    }
    let total: u64 = problem.cost.iter().sum();
    let lower = usize::try_from(total.div_ceil(problem.budget))
        .unwrap_or(usize::MAX)
        .max(1);
    // One item per period always works, in index (topological) order.
    let upper = problem.cost.len().min(MAX_PERIODS);
    if lower > upper {
        return None;
    }
    let fits = |periods: usize| {
        solve::fits_all(
            &solve::Problem {
                periods,
                ..problem.clone()
            },
            PROBE_NODES,
        )
    };
    if !fits(upper) {
        return None;
    }
    Some(smallest(lower, upper, fits))
}

/// The smallest value in `lo..=hi` for which `fits` holds, given that it holds at `hi` and, once
/// it holds, holds for every larger value.
fn smallest<T>(mut lo: T, mut hi: T, fits: impl Fn(T) -> bool) -> T
where
    T: Copy
        + PartialOrd
        + std::ops::Add<Output = T>
        + std::ops::Sub<Output = T>
        + std::ops::Div<Output = T>
        + From<u8>,
{
    while lo < hi {
        let mid = lo + (hi - lo) / T::from(2);
        if fits(mid) {
            hi = mid;
        } else {
            lo = mid + T::from(1);
        }
    }
    hi
}

/// The smallest per-period budget with which a schedule of every item in `problem.periods`
/// periods was found, and the lower bound no budget can beat.
fn budget_needed(problem: &solve::Problem) -> (u64, u64) {
    let total: u64 = problem.cost.iter().sum();
    let largest = problem.cost.iter().copied().max().unwrap_or(0);
    let periods = u64::try_from(problem.periods.max(1)).unwrap_or(u64::MAX);
    let lower = largest.max(total.div_ceil(periods)).max(1);
    let fits = |budget: u64| {
        solve::fits_all(
            &solve::Problem {
                budget,
                ..problem.clone()
            },
            PROBE_NODES,
        )
    };
    // Everything in the first period always fits (prerequisites may share a period).
    (smallest(lower, total.max(lower), fits), lower)
}

fn fit(problem: &solve::Problem, placeable: &[bool], budget: &Budget) -> Fit {
    let (needed, at_least) = budget_needed(problem);
    let periods = placeable
        .iter()
        .all(|&ok| ok)
        .then(|| periods_needed(problem))
        .flatten();
    Fit {
        budget: budget.deadline.map(|_| needed),
        budget_at_least: budget.deadline.map(|_| at_least),
        periods,
        deadline: periods.map(|n| {
            budget
                .period
                .last_month(budget.period.nth(budget.start, n.saturating_sub(1)))
        }),
    }
}

fn left_out_reason(
    target: &ResolvedTarget,
    problem: &solve::Problem,
    placeable: &[bool],
    actions: &[PlannedAction],
    i: usize,
) -> LeftOutReason {
    if problem.cost[i] > problem.budget {
        return LeftOutReason::TooCostly {
            cost: problem.cost[i],
        };
    }
    if !placeable[i] {
        if let Some(&d) = problem.preds[i].iter().find(|&&d| !placeable[d]) {
            return LeftOutReason::Blocked {
                by: actions[d].id.clone(),
            };
        }
    }
    if problem.weight[i] == 0 && actions[i].prerequisite {
        return LeftOutReason::Unneeded;
    }
    if problem.until[i] < problem.periods {
        if let Some(deadline) = goal_deadline(target, &actions[i]) {
            return LeftOutReason::PastDeadline {
                domain: actions[i].domain.clone(),
                deadline,
            };
        }
    }
    LeftOutReason::NoRoom
}

/// Each practice's level once the scheduled actions are done (a scheduled step raises its
/// measure to the step's level).
fn outcome(
    input: &PlanInput<'_>,
    actions: &[PlannedAction],
    period: &[Option<usize>],
) -> Vec<PracticeOutcome> {
    input
        .target
        .practices
        .iter()
        .filter_map(|t| {
            let current = input.current.practice(t.id.as_str())?.level;
            let mut reached = current;
            for (i, a) in actions.iter().enumerate() {
                if period[i].is_none() || a.id.practice != t.id {
                    continue;
                }
                match a.id.step {
                    Step::Reach(c) => reached.comprehensiveness = reached.comprehensiveness.max(c),
                    Step::Widen(s) => reached.scope = reached.scope.max(s),
                }
            }
            Some(PracticeOutcome {
                practice: t.id.clone(),
                current,
                reached,
                target: t.level(),
            })
        })
        .collect()
}
