//! The scheduling problem and its branch-and-bound solver.
//!
//! Items have a cost, a weight, prerequisites and possibly a deadline (a goal's: the item must
//! be placed before a given period); periods have equal budgets. An item goes into at most one
//! period, before its deadline; its prerequisites must be in the same or an earlier period; no
//! period may exceed its budget. We maximize the total weight of the items placed.
//!
//! The search builds periods one after the other. Within a period, items are added in increasing
//! index order (indices are a topological order, so every feasible set of items for a period can
//! be built that way, and each exactly once). A period is closed only when nothing available
//! still fits it: leaving such an item out can never help (moving it into the period frees a
//! later one and lets its dependants start earlier). Each node is bounded by the weight placed
//! plus a fractional knapsack of the items left into all the budget left; a node whose bound
//! cannot beat the best schedule found is cut. The first dive is the greedy schedule in priority
//! order, so a good answer exists from the start.
//!
//! When the search finishes, the schedule is optimal. When it reaches its node limit first, the
//! best schedule is returned with the root bound, which proves how far from optimal it can be at
//! most.

/// A scheduling problem. Item indices must be a topological order: every prerequisite of an
/// item has a smaller index.
#[derive(Clone, Debug)]
pub(crate) struct Problem {
    pub cost: Vec<u64>,
    pub weight: Vec<u64>,
    pub preds: Vec<Vec<usize>>,
    pub budget: u64,
    pub periods: usize,
    /// Each item must go into a period before this one (`usize::MAX`: no deadline; 0: none is
    /// early enough).
    pub until: Vec<usize>,
}

/// No deadline.
pub(crate) const NO_DEADLINE: usize = usize::MAX;

/// A schedule: the period of each item, if placed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Solution {
    pub period: Vec<Option<usize>>,
    pub weight: u64,
    /// Proven upper bound on the weight any schedule can place.
    pub bound: u64,
    /// Whether the search finished (so `weight` is the optimum).
    pub optimal: bool,
    /// Nodes explored.
    pub nodes: u64,
}

struct Search<'p> {
    p: &'p Problem,
    /// Items with positive weight, by weight per unit of cost, best first (for the bound).
    by_density: Vec<usize>,
    period: Vec<Option<usize>>,
    best: Vec<Option<usize>>,
    best_weight: u64,
    nodes: u64,
    limit: u64,
    stopped: bool,
}

/// Solves `problem`, exploring at most `node_limit` nodes.
pub(crate) fn solve(problem: &Problem, node_limit: u64) -> Solution {
    let n = problem.cost.len();
    // An item dearer than a whole period can never be placed, nor anything that needs it.
    let mut placeable = vec![true; n];
    for i in 0..n {
        placeable[i] = problem.cost[i] <= problem.budget
            && problem.periods > 0
            && problem.until[i] > 0
            && problem.preds[i].iter().all(|&d| placeable[d]);
    }
    let mut by_density: Vec<usize> = (0..n)
        .filter(|&i| placeable[i] && problem.weight[i] > 0)
        .collect();
    // Compare w_a / c_a > w_b / c_b as w_a * c_b > w_b * c_a, exactly, in u128.
    by_density.sort_by(|&a, &b| {
        let left = u128::from(problem.weight[a]) * u128::from(problem.cost[b]);
        let right = u128::from(problem.weight[b]) * u128::from(problem.cost[a]);
        right.cmp(&left).then(a.cmp(&b))
    });
    let mut search = Search {
        p: problem,
        by_density,
        period: placeable
            .iter()
            .map(|&ok| if ok { None } else { Some(usize::MAX) })
            .collect(),
        best: vec![None; n],
        best_weight: 0,
        nodes: 0,
        limit: node_limit,
        stopped: false,
    };
    let capacity = u128::from(problem.budget) * problem.periods as u128;
    let root_bound = search.bound(0, capacity);
    if problem.periods > 0 {
        search.node(0, problem.budget, 0, 0);
    }
    let bound = if search.stopped {
        root_bound.max(search.best_weight)
    } else {
        search.best_weight
    };
    Solution {
        period: search.best.clone(),
        weight: search.best_weight,
        bound,
        optimal: !search.stopped,
        nodes: search.nodes,
    }
}

/// Marks an unplaceable item in `period` during the search; never reported.
const NEVER: usize = usize::MAX;

impl Search<'_> {
    fn is_free(&self, i: usize) -> bool {
        self.period[i].is_none()
    }

    /// Whether item `i` may go into period `p` now: free, before its deadline, and everything it
    /// needs already placed.
    fn available(&self, i: usize, p: usize) -> bool {
        self.is_free(i)
            && p < self.p.until[i]
            && self.p.preds[i]
                .iter()
                .all(|&d| matches!(self.period[d], Some(q) if q != NEVER))
    }

    /// `placed` plus a fractional knapsack of the free items into `capacity`.
    fn bound(&self, placed: u64, capacity: u128) -> u64 {
        let mut left = capacity;
        let mut total = u128::from(placed);
        for &i in &self.by_density {
            if !self.is_free(i) {
                continue;
            }
            let cost = u128::from(self.p.cost[i]);
            let weight = u128::from(self.p.weight[i]);
            if cost <= left {
                left -= cost;
                total += weight;
            } else {
                // Round up: the bound must never be below the true optimum.
                total += (weight * left).div_ceil(cost.max(1));
                break;
            }
        }
        u64::try_from(total).unwrap_or(u64::MAX)
    }

    /// A node: period `p` with `room` left, next item index at least `from`, `placed` weight.
    fn node(&mut self, p: usize, room: u64, from: usize, placed: u64) {
        if self.stopped {
            return;
        }
        self.nodes += 1;
        if self.nodes > self.limit {
            self.stopped = true;
            return;
        }
        // Every partial schedule is a schedule: keep the best seen.
        if placed > self.best_weight {
            self.best_weight = placed;
            self.best = self
                .period
                .iter()
                .map(|q| q.filter(|&q| q != NEVER))
                .collect();
        }
        let later = (self.p.periods - 1 - p) as u128;
        let capacity = u128::from(room) + later * u128::from(self.p.budget);
        if self.bound(placed, capacity) <= self.best_weight {
            return;
        }
        // Add one more item to this period, lowest index first (the priority order).
        for i in from..self.p.cost.len() {
            if self.p.cost[i] <= room && self.available(i, p) {
                self.period[i] = Some(p);
                self.node(p, room - self.p.cost[i], i + 1, placed + self.p.weight[i]);
                self.period[i] = None;
                if self.stopped {
                    return;
                }
            }
        }
        // Close the period, but only if nothing available still fits it.
        let fits = (0..self.p.cost.len()).any(|i| self.p.cost[i] <= room && self.available(i, p));
        if !fits && p + 1 < self.p.periods {
            self.node(p + 1, self.p.budget, 0, placed);
        }
    }
}

/// Removes placed items of zero weight that no placed item needs (directly or not), then moves
/// every item to the earliest period its budget and prerequisites allow.
pub(crate) fn tidy(problem: &Problem, period: &mut [Option<usize>]) {
    let n = period.len();
    let mut needed = vec![false; n];
    for i in (0..n).rev() {
        if period[i].is_some() && (problem.weight[i] > 0 || needed[i]) {
            needed[i] = true;
            for &d in &problem.preds[i] {
                needed[d] = true;
            }
        }
    }
    for (slot, needed) in period.iter_mut().zip(&needed) {
        if !needed {
            *slot = None;
        }
    }
    let mut spent = vec![0u64; problem.periods];
    for (q, cost) in period.iter().zip(&problem.cost) {
        if let Some(q) = q {
            spent[*q] += cost;
        }
    }
    for i in 0..n {
        let Some(q) = period[i] else { continue };
        let earliest = problem.preds[i]
            .iter()
            .filter_map(|&d| period[d])
            .max()
            .unwrap_or(0);
        if let Some(better) = (earliest..q).find(|&r| spent[r] + problem.cost[i] <= problem.budget)
        {
            spent[q] -= problem.cost[i];
            spent[better] += problem.cost[i];
            period[i] = Some(better);
        }
    }
}

/// Whether every item can be placed (a schedule was found within `node_limit` nodes).
pub(crate) fn fits_all(problem: &Problem, node_limit: u64) -> bool {
    let all = Problem {
        weight: vec![1; problem.cost.len()],
        ..problem.clone()
    };
    let solution = solve(&all, node_limit);
    solution.period.iter().all(Option::is_some)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The best weight by trying every assignment of items to periods (or none).
    fn brute_force(p: &Problem) -> u64 {
        let n = p.cost.len();
        let options = p.periods + 1;
        let mut best = 0;
        let mut code = vec![0usize; n];
        loop {
            let period: Vec<Option<usize>> =
                code.iter().map(|&c| (c < p.periods).then_some(c)).collect();
            let mut spent = vec![0u64; p.periods];
            let mut ok = true;
            for i in 0..n {
                if let Some(q) = period[i] {
                    spent[q] += p.cost[i];
                    ok &= q < p.until[i];
                    ok &= p.preds[i]
                        .iter()
                        .all(|&d| period[d].is_some_and(|r| r <= q));
                }
            }
            ok &= spent.iter().all(|&s| s <= p.budget);
            if ok {
                let w = (0..n)
                    .filter(|&i| period[i].is_some())
                    .map(|i| p.weight[i])
                    .sum();
                best = best.max(w);
            }
            let mut k = 0;
            while k < n {
                code[k] += 1;
                if code[k] < options {
                    break;
                }
                code[k] = 0;
                k += 1;
            }
            if k == n {
                return best;
            }
        }
    }

    fn tiny_problem() -> impl Strategy<Value = Problem> {
        (1usize..=6, 4u64..16, 1usize..=3).prop_flat_map(|(n, budget, periods)| {
            (
                proptest::collection::vec(1u64..12, n),
                proptest::collection::vec(0u64..6, n),
                proptest::collection::vec(proptest::collection::vec(any::<bool>(), n), n),
                proptest::collection::vec(prop_oneof![Just(NO_DEADLINE), 0usize..=3], n),
            )
                .prop_map(move |(cost, weight, edges, until)| Problem {
                    until,
                    preds: (0..n)
                        .map(|i| {
                            (0..i)
                                .filter(|&d| edges[i][d] && (i + d) % 3 == 0)
                                .collect()
                        })
                        .collect(),
                    cost,
                    weight,
                    budget,
                    periods,
                })
        })
    }

    proptest! {
        #[test]
        fn the_search_finds_the_optimum_of_every_small_problem(p in tiny_problem()) {
            let s = solve(&p, 1_000_000);
            prop_assert!(s.optimal);
            prop_assert_eq!(s.weight, brute_force(&p));
            prop_assert_eq!(s.bound, s.weight);
            let mut period = s.period.clone();
            tidy(&p, &mut period);
            let kept: u64 = (0..p.cost.len()).filter(|&i| period[i].is_some()).map(|i| p.weight[i]).sum();
            prop_assert_eq!(kept, s.weight, "tidying never loses weight");
        }
    }

    fn problem(
        cost: &[u64],
        weight: &[u64],
        preds: &[&[usize]],
        budget: u64,
        periods: usize,
    ) -> Problem {
        Problem {
            cost: cost.to_vec(),
            weight: weight.to_vec(),
            preds: preds.iter().map(|p| p.to_vec()).collect(),
            budget,
            periods,
            until: vec![NO_DEADLINE; cost.len()],
        }
    }

    #[test]
    fn an_item_with_a_deadline_goes_before_it_or_not_at_all() {
        // Budget 10 a period: both items fit only one a period. Item 0 weighs more, but item 1
        // must be done in the first period; the optimum does item 1 first, then item 0.
        let mut p = problem(&[8, 8], &[9, 5], &[&[], &[]], 10, 2);
        p.until = vec![NO_DEADLINE, 1];
        let s = solve(&p, 100_000);
        assert!(s.optimal);
        assert_eq!(s.period, vec![Some(1), Some(0)]);
        // A deadline before the first period leaves the item out, and what needs it.
        let mut p = problem(&[3, 3], &[1, 4], &[&[], &[0]], 10, 2);
        p.until = vec![0, NO_DEADLINE];
        assert_eq!(solve(&p, 100_000).period, vec![None, None]);
    }

    #[test]
    fn greedy_by_priority_is_beaten_when_it_wastes_budget() {
        // Budget 10, one period: the first item (weight 6, cost 6) blocks two items (cost 5,
        // weight 5 each) worth more together.
        let p = problem(&[6, 5, 5], &[6, 5, 5], &[&[], &[], &[]], 10, 1);
        let s = solve(&p, 100_000);
        assert!(s.optimal);
        assert_eq!(s.weight, 10);
        assert_eq!(s.period, vec![None, Some(0), Some(0)]);
    }

    #[test]
    fn prerequisites_come_in_the_same_or_an_earlier_period() {
        // Item 1 needs item 0; both fit only in separate periods.
        let p = problem(&[8, 8], &[0, 9], &[&[], &[0]], 10, 2);
        let s = solve(&p, 100_000);
        assert_eq!(s.period, vec![Some(0), Some(1)]);
        assert_eq!(s.weight, 9);
        // With one period only, nothing of value can be done.
        let p = problem(&[8, 8], &[0, 9], &[&[], &[0]], 10, 1);
        assert_eq!(solve(&p, 100_000).weight, 0);
    }

    #[test]
    fn items_dearer_than_a_period_are_never_placed() {
        let p = problem(&[20, 1], &[5, 1], &[&[], &[0]], 10, 3);
        let s = solve(&p, 100_000);
        assert_eq!(s.period, vec![None, None]);
        assert!(!fits_all(&p, 1000));
    }

    #[test]
    fn tidy_drops_useless_prerequisites_and_moves_work_earlier() {
        let p = problem(&[3, 3, 3], &[0, 0, 4], &[&[], &[], &[0]], 10, 3);
        let mut period = vec![Some(0), Some(0), Some(2)];
        tidy(&p, &mut period);
        assert_eq!(period, vec![Some(0), None, Some(0)]);
    }

    #[test]
    fn a_node_limit_still_gives_a_schedule_and_a_valid_bound() {
        let n = 40;
        let p = problem(
            &(0..n).map(|i| 3 + (i % 7) as u64).collect::<Vec<_>>(),
            &(0..n).map(|i| 1 + (i % 5) as u64).collect::<Vec<_>>(),
            &vec![&[][..]; n],
            20,
            4,
        );
        let s = solve(&p, 50);
        assert!(!s.optimal);
        assert!(s.weight > 0);
        assert!(s.bound >= s.weight);
    }
}
