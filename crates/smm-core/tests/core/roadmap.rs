//! The roadmap: actions data, costs, ordering and the budgeted schedule, with properties checked
//! on random targets, assessments and budgets.

use std::collections::HashMap;

use crate::support::{assessed, resolved_target};
use proptest::prelude::*;
use smm_core::actions::{parse_actions, parse_costs, ActionCatalog, Step, BUILTIN_ACTIONS_YAML};
use smm_core::document::{Finding, Priority};
use smm_core::level::{Comprehensiveness, Level, Scope};
use smm_core::roadmap::{
    plan, Budget, BudgetUnit, LeftOutReason, Month, PeriodKind, PlanInput, Roadmap,
};
use smm_core::{gap, Catalog, CurrentProfile, ResolvedTarget};

/// The example's resolved target, current profile and findings.
fn example(name: &str) -> (ResolvedTarget, CurrentProfile, Vec<Finding>) {
    let (assessment, current) = assessed(name);
    (resolved_target(name), current, assessment.findings)
}

fn month(text: &str) -> Month {
    Month::parse(text).expect("month")
}

fn roadmap(
    target: &ResolvedTarget,
    current: &CurrentProfile,
    findings: &[Finding],
    budget: Option<&Budget>,
) -> Roadmap {
    let catalog = Catalog::builtin();
    let actions = ActionCatalog::builtin(&catalog);
    let pricing = actions.pricing(None);
    let input = PlanInput {
        catalog: &catalog,
        actions: &actions,
        pricing: &pricing,
        target,
        current,
        findings,
    };
    plan(&input, budget).expect("plans")
}

#[test]
fn builtin_actions_cover_every_practice_and_step_with_the_required_dependencies() {
    let catalog = Catalog::builtin();
    let actions = ActionCatalog::builtin(&catalog);
    assert_eq!(actions.actions.len(), 18 * 6);
    for p in catalog.practices() {
        for step in Step::ALL {
            let i = actions.action(p.practice.id.as_str(), step);
            assert!(i.is_some(), "{} {step}", p.practice.id);
        }
    }
    let needs = |practice: &str, step: &str, needed: &str| {
        let i = actions
            .action(practice, Step::parse(step).expect("step"))
            .expect("action");
        actions
            .needs(i)
            .iter()
            .any(|n| actions.actions[n.action].id.to_string() == needed)
    };
    // The four orders the issue names, and the implicit chain inside a practice.
    assert!(needs("data-controls", "c3", "data-policy/c3"));
    assert!(needs("detection-response-plan", "c2", "monitoring/c2"));
    assert!(needs("patch-management", "c3", "asset-change-config/c1"));
    assert!(needs("monitoring", "c4", "program-management/c2"));
    // Calibrated against the model's HVAC example: System scope does not wait for a
    // system-specific threat model, consistent practices do not wait for a security program,
    // and minimum data protection controls do not wait for a data policy.
    assert!(!needs("monitoring", "system", "threat-modeling/system"));
    assert!(!needs("monitoring", "c3", "program-management/c2"));
    assert!(!needs("data-controls", "c1", "data-policy/c1"));
    assert!(needs("patch-management", "c3", "patch-management/c2"));
    assert!(needs(
        "patch-management",
        "system",
        "patch-management/industry"
    ));
    assert!(!needs(
        "threat-modeling",
        "system",
        "threat-modeling/system"
    ));
}

fn broken(from: &str, to: &str) -> String {
    BUILTIN_ACTIONS_YAML.replacen(from, to, 1)
}

#[test]
fn a_dependency_cycle_is_refused_with_the_path() {
    let catalog = Catalog::builtin();
    let cyclic = format!(
        "{BUILTIN_ACTIONS_YAML}\n  - action: data-policy/c2\n    needs: data-controls/c3\n    why: a loop\n"
    );
    let err = parse_actions(&catalog, &cyclic).expect_err("cycle");
    let text = err.to_string();
    assert!(text.contains("cycle"), "{text}");
    assert!(
        text.contains("data-policy/c2") && text.contains("data-controls/c3"),
        "{text}"
    );
}

#[test]
fn actions_file_errors_name_the_field_and_what_was_expected() {
    let catalog = Catalog::builtin();
    let first_cost = BUILTIN_ACTIONS_YAML
        .lines()
        .find(|l| l.trim_start().starts_with("cost: "))
        .expect("a cost line")
        .to_string();
    let bad_class = broken(&first_cost, &first_cost.replace("cost: ", "cost: pricey-"));
    let text = parse_actions(&catalog, &bad_class)
        .expect_err("class")
        .to_string();
    assert!(text.contains("unknown cost class `pricey-"), "{text}");
    assert!(
        text.contains("practices.program-management.c1.cost"),
        "{text}"
    );

    let bad_pattern = format!(
        "{BUILTIN_ACTIONS_YAML}\n  - action: patch-managment/c3\n    needs: monitoring/c2\n    why: typo\n"
    );
    let err = parse_actions(&catalog, &bad_pattern).expect_err("typo");
    let d = err
        .0
        .iter()
        .find(|d| d.message.contains("patch-managment"))
        .expect("diagnostic");
    assert_eq!(d.help.as_deref(), Some("did you mean `patch-management`?"));
    assert!(d.at.line > 1);

    let no_step = broken("    system:\n", "    sistem:\n");
    let text = parse_actions(&catalog, &no_step)
        .expect_err("step")
        .to_string();
    assert!(text.contains("unknown step `sistem`"), "{text}");
    assert!(text.contains("missing step `system`"), "{text}");

    let zero = broken("effort: ", "effort: -");
    let text = parse_actions(&catalog, &zero)
        .expect_err("effort")
        .to_string();
    assert!(
        text.contains("effort must be a number of person-days above 0"),
        "{text}"
    );
}

#[test]
fn costs_override_day_rate_classes_and_single_actions() {
    let catalog = Catalog::builtin();
    let actions = ActionCatalog::builtin(&catalog);
    let tm3 = actions
        .action("threat-modeling", Step::parse("c3").expect("step"))
        .expect("action");
    let costs = parse_costs(
        &actions,
        "smm: 1\nkind: Costs\ncurrency: CHF\nday-rate: 1000\ncost-classes: { medium: 1 }\n\
         actions:\n  threat-modeling/c3: { effort: 10, cost: none }\n",
    )
    .expect("costs");
    let defaults = actions.pricing(None);
    let own = actions.pricing(Some(&costs));
    assert_eq!(own.currency, "CHF");
    assert_eq!(own.prices[tm3].amount, 10_000);
    assert_eq!(own.prices[tm3].effort.days(), 10.0);
    // Every other action: effort × 1000 plus its class (medium now costs 1).
    for (i, (d, o)) in defaults.prices.iter().zip(&own.prices).enumerate() {
        if i == tm3 {
            continue;
        }
        let class = match o.cost_class.as_str() {
            "medium" => 1,
            other => actions.cost_class(other).expect("class").amount,
        };
        assert_eq!(o.amount, u64::from(d.effort.tenths()) * 100 + class);
    }

    let err = parse_costs(
        &actions,
        "smm: 1\nkind: Costs\nactions:\n  threat-modelling/c3: { effort: 3 }\n",
    )
    .expect_err("unknown action");
    assert_eq!(err.0[0].at.line, 4);
    assert_eq!(
        err.0[0].help.as_deref(),
        Some("did you mean `threat-modeling/c3`?")
    );
    let err = parse_costs(&actions, "smm: 1\nkind: Costs\ncost-classes: { huge: 3 }\n")
        .expect_err("class");
    assert!(err.to_string().contains("unknown cost class `huge`"));
}

#[test]
fn without_a_budget_every_step_of_every_gap_is_listed_after_what_it_needs() {
    let (target, current, findings) = example("hvac");
    let r = roadmap(&target, &current, &findings, None);
    let g = gap(&target, &current).expect("gap");
    let mut expected = 0;
    for p in g.under() {
        let steps = Step::between(p.current, p.target);
        expected += steps.len();
        for step in steps {
            let id = format!("{}/{step}", p.id);
            assert!(
                r.actions
                    .iter()
                    .any(|a| a.id.to_string() == id && !a.prerequisite),
                "{id}"
            );
        }
    }
    assert_eq!(
        r.actions.iter().filter(|a| !a.prerequisite).count(),
        expected
    );
    assert_eq!(r.practices_under, g.summary.under);
    for (i, a) in r.actions.iter().enumerate() {
        for need in &a.needs {
            let j = r
                .actions
                .iter()
                .position(|b| b.id == need.action)
                .expect("need in plan");
            assert!(j < i, "{} listed before its need {}", a.id, need.action);
        }
        if a.prerequisite {
            assert_eq!(a.weight, 0);
        }
    }
    let sum: u64 = r.actions.iter().map(|a| a.amount).sum();
    assert_eq!(r.totals.amount, sum);
}

#[test]
fn higher_priority_goals_come_first() {
    let (mut target, current, _) = example("hvac");
    let first_domain = |t: &ResolvedTarget| {
        let r = roadmap(t, &current, &[], None);
        r.actions
            .iter()
            .find(|a| !a.prerequisite)
            .map(|a| a.domain.to_string())
    };
    for domain in ["governance", "enablement", "hardening"] {
        let has_gap = roadmap(&target, &current, &[], None)
            .actions
            .iter()
            .any(|a| a.domain.as_str() == domain && !a.prerequisite);
        if !has_gap {
            continue;
        }
        for d in &mut target.domains {
            d.priority = if d.id.as_str() == domain {
                Priority::Critical
            } else {
                Priority::Low
            };
        }
        assert_eq!(first_domain(&target).as_deref(), Some(domain));
    }
}

#[test]
fn a_tight_budget_says_what_is_left_out_and_what_would_fit() {
    let (target, current, findings) = example("hvac");
    let budget = Budget {
        per_period: 60_000,
        unit: BudgetUnit::Money,
        period: PeriodKind::Quarter,
        start: month("2027-01"),
        deadline: Some(month("2027-06")),
    };
    let r = roadmap(&target, &current, &findings, Some(&budget));
    let s = r.schedule.as_ref().expect("schedule");
    assert_eq!(s.periods.len(), 2);
    assert!(!s.left_out.is_empty());
    let fit = s.fit.as_ref().expect("fit");
    let needed = fit.budget.expect("budget that fits");
    // The budget it names really fits everything by the deadline, and the lower bound holds.
    let bigger = Budget {
        per_period: needed,
        ..budget
    };
    let r2 = roadmap(&target, &current, &findings, Some(&bigger));
    assert!(r2.schedule.as_ref().expect("schedule").left_out.is_empty());
    assert!(fit.budget_at_least.expect("bound") <= needed);
    assert!(fit.budget_at_least.expect("bound") >= r.totals.amount.div_ceil(2));
    // With no deadline, the same budget schedules everything but what costs more than a
    // quarter's budget and what needs that.
    let open = Budget {
        deadline: None,
        ..budget
    };
    let r3 = roadmap(&target, &current, &findings, Some(&open));
    let s3 = r3.schedule.as_ref().expect("schedule");
    let too_costly = r.actions.iter().filter(|a| a.amount > 60_000).count();
    assert!(too_costly > 0);
    assert!(s3.left_out.len() >= too_costly);
    for l in &s3.left_out {
        assert_ne!(l.reason, LeftOutReason::NoRoom, "{}", l.action);
    }
    // Nothing fits everything at this budget, so no deadline is offered; a budget is.
    assert_eq!(fit.periods, None);
}

/// Applies the scheduled actions to the current levels.
fn simulate(r: &Roadmap, current: &CurrentProfile) -> HashMap<String, Level> {
    let s = r.schedule.as_ref().expect("schedule");
    let mut levels: HashMap<String, Level> = current
        .practices
        .iter()
        .map(|p| (p.id.to_string(), p.level))
        .collect();
    for period in &s.periods {
        for id in &period.actions {
            let level = levels.get_mut(id.practice.as_str()).expect("practice");
            match id.step {
                Step::Reach(c) => level.comprehensiveness = level.comprehensiveness.max(c),
                Step::Widen(sc) => level.scope = level.scope.max(sc),
            }
        }
    }
    levels
}

fn level_strategy() -> impl Strategy<Value = Level> {
    (0u64..=4, 0usize..3).prop_map(|(c, s)| {
        Level::new(
            Comprehensiveness::from_value(c).expect("0-4"),
            Scope::ALL[s],
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn schedules_keep_budgets_dependencies_and_their_claims(
        targets in proptest::collection::vec(level_strategy(), 18),
        currents in proptest::collection::vec(level_strategy(), 18),
        per_period in 5_000u64..120_000,
        periods in 1u32..7,
        monthly in any::<bool>(),
        days in any::<bool>(),
    ) {
        let (mut target, mut current, _) = example("bottling-line");
        for (p, l) in target.practices.iter_mut().zip(&targets) {
            p.comprehensiveness = l.comprehensiveness;
            p.scope = l.scope;
        }
        for (p, l) in current.practices.iter_mut().zip(&currents) {
            p.level = *l;
        }
        let period = if monthly { PeriodKind::Month } else { PeriodKind::Quarter };
        let start = month("2027-01");
        let budget = Budget {
            per_period: if days { per_period / 500 } else { per_period },
            unit: if days { BudgetUnit::PersonDays } else { BudgetUnit::Money },
            period,
            start,
            deadline: Some(period.last_month(period.nth(start, periods as usize - 1))),
        };
        let r = roadmap(&target, &current, &[], Some(&budget));
        let s = r.schedule.as_ref().expect("schedule");
        prop_assert_eq!(s.periods.len(), periods as usize);
        let cost = |id: &smm_core::actions::ActionId| {
            let a = r.actions.iter().find(|a| &a.id == id).expect("action");
            match budget.unit {
                BudgetUnit::Money => a.amount,
                BudgetUnit::PersonDays => u64::from(a.effort.tenths()),
            }
        };
        // 1. No period over budget.
        for p in &s.periods {
            let used: u64 = p.actions.iter().map(cost).sum();
            prop_assert!(used <= budget.per_period, "{} uses {used}", p.label);
            prop_assert_eq!(used, p.used);
        }
        // 2. Every need is done already or scheduled in the same or an earlier period.
        let period_of: HashMap<String, usize> = s
            .periods
            .iter()
            .enumerate()
            .flat_map(|(i, p)| p.actions.iter().map(move |a| (a.to_string(), i)))
            .collect();
        for a in &r.actions {
            let Some(&mine) = period_of.get(&a.id.to_string()) else { continue };
            for need in &a.needs {
                let theirs = period_of.get(&need.action.to_string());
                prop_assert!(
                    theirs.is_some_and(|&t| t <= mine),
                    "{} in period {mine} needs {} ({theirs:?})", a.id, need.action
                );
            }
        }
        // 3. Every action is scheduled or left out, exactly once.
        prop_assert_eq!(period_of.len() + s.left_out.len(), r.actions.len());
        // 4. Doing the scheduled actions gives exactly the claimed outcome.
        let levels = simulate(&r, &current);
        let mut simulated = current.clone();
        for p in &mut simulated.practices {
            p.level = levels[p.id.as_str()];
        }
        let after = gap(&target, &simulated).expect("gap");
        prop_assert_eq!(after.summary.under, s.practices_under_after);
        for o in &s.outcome {
            prop_assert_eq!(o.reached, levels[o.practice.as_str()]);
        }
        // 5. The bound is a bound, and the weight adds up.
        let weight: u64 = r
            .actions
            .iter()
            .filter(|a| period_of.contains_key(&a.id.to_string()))
            .map(|a| u64::from(a.weight))
            .sum();
        prop_assert_eq!(weight, s.scheduled.weight);
        prop_assert!(s.weight_bound >= weight);
        if s.method.optimal {
            prop_assert_eq!(s.weight_bound, weight);
        }
    }
}

#[test]
fn the_hvac_plan_adds_no_program_inventory_or_system_threat_model_it_does_not_need() {
    let (target, current, findings) = example("hvac");
    let r = roadmap(&target, &current, &findings, None);
    let ids: Vec<String> = r.actions.iter().map(|a| a.id.to_string()).collect();
    for unwanted in [
        "program-management/c2",
        "asset-change-config/c2",
        "threat-modeling/industry",
        "threat-modeling/system",
    ] {
        assert!(
            !ids.contains(&unwanted.to_string()),
            "{unwanted} in {ids:?}"
        );
    }
    // Only what the target asks for: no prerequisite at all.
    assert!(r.actions.iter().all(|a| !a.prerequisite), "{ids:?}");
    assert!(ids.contains(&"remediation-recovery/system".to_string()));
}

#[test]
fn a_prerequisite_whose_rule_the_target_accepted_is_left_out_and_the_plan_says_why() {
    let (mut target, mut current, findings) = example("hvac");
    // Patching goes from 2 to 3; vulnerability assessment is taken back to 1 today, so
    // patch-management/c3 needs vulnerability-assessment/c2 first.
    let va = current
        .practices
        .iter_mut()
        .find(|p| p.id.as_str() == "vulnerability-assessment")
        .expect("practice");
    va.level = Level::new(Comprehensiveness::Minimum, Scope::General);
    target
        .practices
        .iter_mut()
        .find(|p| p.id.as_str() == "vulnerability-assessment")
        .expect("practice")
        .comprehensiveness = Comprehensiveness::Minimum;
    let ids = |r: &Roadmap| -> Vec<String> { r.actions.iter().map(|a| a.id.to_string()).collect() };
    let pulled = roadmap(&target, &current, &findings, None);
    assert!(ids(&pulled).contains(&"vulnerability-assessment/c2".to_string()));
    assert!(pulled.declined.is_empty());

    target.accepted_rules.push(smm_core::resolve::AcceptedRule {
        rule: "patching-needs-vulnerability-assessment".into(),
        reason: "the vendor's advisories tell us what to patch".into(),
    });
    let declined = roadmap(&target, &current, &findings, None);
    assert!(!ids(&declined).contains(&"vulnerability-assessment/c2".to_string()));
    assert_eq!(declined.declined.len(), 1);
    let d = &declined.declined[0];
    assert_eq!(d.action.to_string(), "vulnerability-assessment/c2");
    assert_eq!(d.rule, "patching-needs-vulnerability-assessment");
    assert_eq!(d.reason, "the vendor's advisories tell us what to patch");
    assert_eq!(
        d.needed_by
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["patch-management/c3"]
    );
    let pulled_amount = pulled
        .actions
        .iter()
        .find(|a| a.id.to_string() == "vulnerability-assessment/c2")
        .map(|a| a.amount);
    assert_eq!(Some(d.amount), pulled_amount);
    assert_eq!(
        declined.totals.amount + d.amount,
        pulled.totals.amount,
        "the declined prerequisite is exactly what the plan saves"
    );
}

fn date(text: &str) -> smm_core::document::Date {
    smm_core::document::Date::parse(text).expect("date")
}

#[test]
fn a_goal_deadline_brings_its_domains_work_forward_or_the_plan_says_it_cannot() {
    let (mut target, current, findings) = example("hvac");
    let budget = Budget {
        per_period: 60_000,
        unit: BudgetUnit::Money,
        period: PeriodKind::Quarter,
        start: month("2027-01"),
        deadline: None,
    };
    let hardening_periods = |r: &Roadmap| -> Vec<String> {
        let s = r.schedule.as_ref().expect("schedule");
        s.periods
            .iter()
            .filter(|p| {
                p.actions.iter().any(|a| {
                    r.actions
                        .iter()
                        .any(|x| &x.id == a && x.domain.as_str() == "hardening")
                })
            })
            .map(|p| p.label.clone())
            .collect()
    };
    // Without a deadline, hardening work spreads over several quarters.
    let free = roadmap(&target, &current, &findings, Some(&budget));
    assert!(
        hardening_periods(&free).len() > 1,
        "{:?}",
        hardening_periods(&free)
    );
    // With the hardening goal due on the last day of 2027-Q1, none of its work is planned later;
    // what does not fit is left out against the deadline, and the plan says the goal is missed.
    let set_deadline = |target: &mut ResolvedTarget, day: &str| {
        for d in &mut target.domains {
            if d.id.as_str() == "hardening" {
                d.deadline = Some(date(day));
            }
        }
    };
    set_deadline(&mut target, "2027-03-31");
    let due = roadmap(&target, &current, &findings, Some(&budget));
    assert_eq!(hardening_periods(&due), ["2027-Q1"]);
    let s = due.schedule.as_ref().expect("schedule");
    let check = s
        .deadlines
        .iter()
        .find(|c| c.domain.as_str() == "hardening")
        .expect("the deadline is checked");
    assert_eq!(check.last_period.as_deref(), Some("2027-Q1"));
    assert!(!check.met);
    let past = |s: &smm_core::roadmap::Schedule| {
        s.left_out
            .iter()
            .filter(|l| matches!(&l.reason, LeftOutReason::PastDeadline { domain, .. } if domain.as_str() == "hardening"))
            .count()
    };
    assert!(past(s) > 0, "{:?}", s.left_out);
    // Due a day earlier, no quarter ends in time: no hardening work is planned at all.
    set_deadline(&mut target, "2027-03-30");
    let none = roadmap(&target, &current, &findings, Some(&budget));
    assert!(hardening_periods(&none).is_empty());
    let s = none.schedule.as_ref().expect("schedule");
    let check = s
        .deadlines
        .iter()
        .find(|c| c.domain.as_str() == "hardening")
        .expect("checked");
    assert_eq!(check.last_period, None);
    assert!(past(s) > 0);
    set_deadline(&mut target, "2027-06-30");
    // A generous budget keeps the deadline: nothing is missed.
    let rich = Budget {
        per_period: 1_000_000,
        ..budget
    };
    let kept = roadmap(&target, &current, &findings, Some(&rich));
    let s = kept.schedule.as_ref().expect("schedule");
    assert!(s.deadlines.iter().all(|c| c.met), "{:?}", s.deadlines);
}

#[test]
fn the_roadmap_groups_its_work_by_responsible_party_and_cost_bearer() {
    let (mut target, current, findings) = example("hvac");
    let plain = roadmap(&target, &current, &findings, None);
    assert!(plain.by_responsible.is_empty(), "nobody named, no grouping");
    target.stakeholders = vec![
        smm_core::resolve::NamedStakeholder {
            id: "us".into(),
            role: smm_core::document::StakeholderRole::Integrator,
            name: "HVAC Integration".into(),
        },
        smm_core::resolve::NamedStakeholder {
            id: "owner".into(),
            role: smm_core::document::StakeholderRole::Operator,
            name: "Campus owner".into(),
        },
    ];
    for p in &mut target.practices {
        if p.domain.as_str() == "hardening" {
            p.responsible = Some("us".into());
            p.cost_bearer = Some("owner".into());
        } else if p.domain.as_str() == "governance" {
            p.cost_bearer = Some("us".into());
        }
    }
    let r = roadmap(&target, &current, &findings, None);
    let names: Vec<&str> = r.by_responsible.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["HVAC Integration", "not named"]);
    // The groups share the roadmap out: every action once, the sums adding up.
    for groups in [&r.by_responsible, &r.by_cost_bearer] {
        let count: usize = groups.iter().map(|g| g.actions.len()).sum();
        assert_eq!(count, r.actions.len());
        let amount: u64 = groups.iter().map(|g| g.totals.amount).sum();
        assert_eq!(amount, r.totals.amount);
    }
    let owner = r
        .by_cost_bearer
        .iter()
        .find(|g| g.party.as_deref() == Some("owner"))
        .expect("the owner pays for hardening");
    let hardening = r
        .domains
        .iter()
        .find(|d| d.id.as_str() == "hardening")
        .expect("domain");
    assert_eq!(owner.totals, hardening.totals);
}

#[test]
fn a_goal_budget_in_the_costs_currency_says_how_far_the_domain_is_over_it() {
    let (mut target, current, findings) = example("hvac");
    for d in &mut target.domains {
        d.budget = Some(smm_core::document::GoalBudget {
            amount: 10_000,
            currency: smm_core::located::Located::new(if d.id.as_str() == "enablement" {
                "USD".into()
            } else {
                "EUR".into()
            }),
        });
    }
    let r = roadmap(&target, &current, &findings, None);
    for d in &r.domains {
        match d.id.as_str() {
            // Another currency is not compared.
            "enablement" => assert_eq!(d.over_budget, None),
            _ => assert_eq!(d.over_budget, Some(d.totals.amount.saturating_sub(10_000))),
        }
    }
    assert!(r
        .domains
        .iter()
        .any(|d| d.over_budget.is_some_and(|o| o > 0)));
}
