//! Which actions a gap needs, what they weigh, and the order they can come in.
//!
//! Every step between a practice's current and target level is one action. Actions it depends on
//! that the current profile has not done yet are pulled in as prerequisites, even when the target
//! does not ask for them: the plan must be possible, not just desirable. The one exception is a
//! dependency the target has declined: when it accepts the consistency rule that states the
//! same need, the needed action is not pulled in, and the plan says so ([`Declined`]).

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap};

use crate::actions::{ActionCatalog, Step};
use crate::catalog::Catalog;
use crate::current::CurrentProfile;
use crate::document::{Finding, Priority, Severity};
use crate::level::Level;
use crate::resolve::ResolvedTarget;
use crate::rules::check_rules;

/// One selected action before scheduling: an index into the action catalog and its weight.
#[derive(Clone, Debug)]
pub(crate) struct Selected {
    pub action: usize,
    pub weight: u32,
    pub priority: Priority,
    pub gap: u32,
    pub risk: u32,
    pub risk_because: Vec<String>,
    pub prerequisite: bool,
    /// Indices into the selection, not the catalog.
    pub needs: Vec<(usize, String)>,
}

/// A prerequisite left out because the target accepted the rule that asks for it.
#[derive(Clone, Debug)]
pub(crate) struct Declined {
    /// Index into the action catalog.
    pub action: usize,
    /// The actions (indices into the action catalog) that would have needed it.
    pub needed_by: Vec<usize>,
    /// The accepted rule.
    pub rule: String,
}

/// How many risk points one finding adds to its practice.
fn severity_points(severity: Severity) -> u32 {
    match severity {
        Severity::Critical => 3,
        Severity::High => 2,
        Severity::Medium => 1,
        Severity::Low | Severity::Info => 0,
    }
}

/// The largest risk bonus a practice can get, so risk sharpens the order without drowning out
/// the business goals.
const MAX_RISK: u32 = 3;

/// Risk points and their reasons per practice: open findings of the assessment by severity, and
/// consistency rules that fire on the current levels (e.g. a response plan ahead of the
/// monitoring that feeds it), 2 points each.
fn risk(
    catalog: &Catalog,
    target: &ResolvedTarget,
    current: &CurrentProfile,
    findings: &[Finding],
) -> HashMap<String, (u32, Vec<String>)> {
    let mut risk: HashMap<String, (u32, Vec<String>)> = HashMap::new();
    for finding in findings {
        let Some(practice) = &finding.practice else {
            continue;
        };
        let points = severity_points(finding.severity);
        if points == 0 {
            continue;
        }
        let entry = risk.entry(practice.value.clone()).or_default();
        entry.0 += points;
        entry.1.push(format!(
            "finding {} ({:?}): {}",
            finding.id.value,
            finding.severity,
            finding.title.trim()
        ));
    }
    let mut as_is = target.clone();
    as_is.accepted_rules.clear();
    for p in &mut as_is.practices {
        if let Some(c) = current.practice(p.id.as_str()) {
            p.comprehensiveness = c.level.comprehensiveness;
            p.scope = c.level.scope;
        }
    }
    for finding in check_rules(catalog, &as_is) {
        for practice in &finding.practices {
            let entry = risk.entry(practice.to_string()).or_default();
            entry.0 += 2;
            entry
                .1
                .push(format!("rule {} on the current levels", finding.rule));
        }
    }
    for entry in risk.values_mut() {
        entry.0 = entry.0.min(MAX_RISK);
    }
    risk
}

/// The actions closing the gap plus their missing prerequisites, in an order that respects
/// dependencies and puts the work with the highest `rank` (and what it needs) first: its weight,
/// or with a ranking by risk, the loss it avoids per unit of cost.
pub(crate) fn select(
    catalog: &Catalog,
    actions: &ActionCatalog,
    target: &ResolvedTarget,
    current: &CurrentProfile,
    findings: &[Finding],
    rank: &dyn Fn(&Selected) -> u64,
) -> (Vec<Selected>, Vec<Declined>) {
    let risk = risk(catalog, target, current, findings);
    let level_of = |practice: &str| current.practice(practice).map(|p| p.level);
    // Catalog index -> selection data; BTreeSet keeps catalog order for determinism.
    let mut chosen: HashMap<usize, Selected> = HashMap::new();
    for practice in &target.practices {
        let Some(now) = level_of(practice.id.as_str()) else {
            continue;
        };
        let steps = Step::between(now, practice.level());
        let gap = u32::try_from(steps.len()).unwrap_or(u32::MAX);
        let priority = target
            .domain(practice.domain.as_str())
            .map(|d| d.priority)
            .unwrap_or_default();
        let (risk_points, risk_because) =
            risk.get(practice.id.as_str()).cloned().unwrap_or_default();
        for step in steps {
            let Some(index) = actions.action(practice.id.as_str(), step) else {
                continue;
            };
            chosen.insert(
                index,
                Selected {
                    action: index,
                    weight: priority.weight() * (gap + risk_points),
                    priority,
                    gap,
                    risk: risk_points,
                    risk_because: risk_because.clone(),
                    prerequisite: false,
                    needs: Vec::new(),
                },
            );
        }
    }
    // Pull in prerequisites the current profile has not done, except those the target declined.
    let accepted = |rule: &Option<String>| {
        rule.as_ref()
            .filter(|r| target.accepted_rules.iter().any(|a| &&a.rule == r))
            .cloned()
    };
    let mut declined: Vec<Declined> = Vec::new();
    let mut todo: Vec<usize> = chosen.keys().copied().collect();
    todo.sort_unstable();
    while let Some(index) = todo.pop() {
        for need in actions.needs(index) {
            let needed = &actions.actions[need.action];
            let done = level_of(needed.id.practice.as_str())
                .is_some_and(|l: Level| needed.id.step.done_at(l));
            if done || chosen.contains_key(&need.action) {
                continue;
            }
            if let Some(rule) = accepted(&need.rule) {
                match declined
                    .iter_mut()
                    .find(|d| d.action == need.action && d.rule == rule)
                {
                    Some(d) => d.needed_by.push(index),
                    None => declined.push(Declined {
                        action: need.action,
                        needed_by: vec![index],
                        rule,
                    }),
                }
                continue;
            }
            chosen.insert(
                need.action,
                Selected {
                    action: need.action,
                    weight: 0,
                    priority: target
                        .domain(needed.domain.as_str())
                        .map(|d| d.priority)
                        .unwrap_or_default(),
                    gap: 0,
                    risk: 0,
                    risk_because: Vec::new(),
                    prerequisite: true,
                    needs: Vec::new(),
                },
            );
            todo.push(need.action);
        }
    }
    // A need declined on one path but required on another is in the plan after all.
    declined.retain(|d| !chosen.contains_key(&d.action));
    for d in &mut declined {
        d.needed_by.retain(|i| chosen.contains_key(i));
        d.needed_by.sort_unstable();
        d.needed_by.dedup();
    }
    declined.sort_by_key(|d| d.action);
    (order(actions, chosen, rank), declined)
}

/// Kahn's algorithm, always taking the available action with the highest effective rank: its
/// own or that of the highest-ranked action waiting for it, whichever is more.
fn order(
    actions: &ActionCatalog,
    chosen: HashMap<usize, Selected>,
    rank: &dyn Fn(&Selected) -> u64,
) -> Vec<Selected> {
    let keys: BTreeSet<usize> = chosen.keys().copied().collect();
    let needs_of = |i: usize| -> Vec<(usize, String)> {
        actions
            .needs(i)
            .iter()
            .filter(|n| keys.contains(&n.action))
            .map(|n| (n.action, n.why.clone()))
            .collect()
    };
    let mut effective: HashMap<usize, u64> = keys.iter().map(|&k| (k, rank(&chosen[&k]))).collect();
    // Propagate weights to prerequisites until nothing changes (the graph is acyclic, so this
    // ends after at most its depth in rounds).
    loop {
        let mut changed = false;
        for &k in &keys {
            let mine = effective[&k];
            for (need, _) in needs_of(k) {
                if effective[&need] < mine {
                    effective.insert(need, mine);
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    let mut waiting: HashMap<usize, usize> = keys.iter().map(|&k| (k, needs_of(k).len())).collect();
    let mut dependants: HashMap<usize, Vec<usize>> = HashMap::new();
    for &k in &keys {
        for (need, _) in needs_of(k) {
            dependants.entry(need).or_default().push(k);
        }
    }
    let mut ready: BinaryHeap<(u64, Reverse<usize>)> = keys
        .iter()
        .filter(|k| waiting[k] == 0)
        .map(|&k| (effective[&k], Reverse(k)))
        .collect();
    let mut sequence: Vec<usize> = Vec::with_capacity(keys.len());
    while let Some((_, Reverse(k))) = ready.pop() {
        sequence.push(k);
        for &d in dependants.get(&k).map_or(&[][..], Vec::as_slice) {
            if let Some(w) = waiting.get_mut(&d) {
                *w -= 1;
                if *w == 0 {
                    ready.push((effective[&d], Reverse(d)));
                }
            }
        }
    }
    let position: HashMap<usize, usize> =
        sequence.iter().enumerate().map(|(i, &k)| (k, i)).collect();
    let mut chosen = chosen;
    sequence
        .iter()
        .filter_map(|k| chosen.remove(k))
        .map(|mut s| {
            s.needs = needs_of(s.action)
                .into_iter()
                .filter_map(|(n, why)| position.get(&n).map(|&p| (p, why)))
                .collect();
            s
        })
        .collect()
}
