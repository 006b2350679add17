use proptest::prelude::*;

use super::*;
use crate::level::{Comprehensiveness as C, Scope as S};
use crate::{current_profile, gap, parse_assessment, parse_target, resolve};

const TARGET: &str = include_str!("../../../../examples/bottling-line/target.yaml");
const ASSESSMENT: &str = include_str!("../../../../examples/bottling-line/assessment.yaml");

/// The bottling line's required and achieved levels, and its gap as `smm gap` computes it.
fn bottling_line(catalog: &Catalog) -> (Vec<Level>, Vec<Level>, crate::Gap) {
    let target = resolve(catalog, &parse_target(TARGET).expect("example target"))
        .expect("example target resolves");
    let current = current_profile(catalog, &parse_assessment(ASSESSMENT).expect("assessment"))
        .expect("example assessment is consistent");
    let gap = gap(&target, &current).expect("same catalog");
    let required = target.practices.iter().map(|p| p.level()).collect();
    let achieved = current.practices.iter().map(|p| p.level).collect();
    (required, achieved, gap)
}

fn levels(n: usize, c: C, s: S) -> Vec<Level> {
    vec![Level::new(c, s); n]
}

#[test]
fn a_system_counts_what_its_gap_counts() {
    let catalog = Catalog::builtin();
    let (required, achieved, gap) = bottling_line(&catalog);
    let (systems, rollup) = roll_up(
        &catalog,
        [SystemLevels {
            target: Some(&required),
            current: Some(&achieved),
        }],
    );
    assert_eq!(systems[0].summary, gap.summary);
    assert!(gap.summary.under > 0, "the example has a gap");
    assert_eq!(systems[0].standing, Standing::Under);
    assert_eq!(rollup.under, 1);
    let per_domain: Vec<(String, Summary)> = rollup
        .domains
        .iter()
        .map(|d| (d.domain.as_str().to_string(), d.summary))
        .collect();
    let gap_domains: Vec<(String, Summary)> = gap
        .domains
        .iter()
        .map(|d| (d.id.clone(), d.summary))
        .collect();
    assert_eq!(per_domain, gap_domains);
    for (d, g) in rollup.domains.iter().zip(&gap.domains) {
        let under = usize::from(g.summary.under > 0);
        assert_eq!(
            (d.systems_under, d.systems_met),
            (under, 1 - under),
            "{}",
            d.name
        );
    }
}

#[test]
fn a_system_at_or_above_every_target_meets_it() {
    let catalog = Catalog::builtin();
    let n = catalog.practices().len();
    let required = levels(n, C::Consistent, S::General);
    let mut achieved = required.clone();
    achieved[0] = Level::new(C::Formalized, S::System);
    let (systems, rollup) = roll_up(
        &catalog,
        [SystemLevels {
            target: Some(&required),
            current: Some(&achieved),
        }],
    );
    assert_eq!(systems[0].standing, Standing::Met);
    assert_eq!(
        (systems[0].summary.met, systems[0].summary.over),
        (n - 1, 1)
    );
    assert_eq!((rollup.met, rollup.under), (1, 0));
    assert!(rollup.domains.iter().all(|d| d.systems_met == 1));
}

#[test]
fn systems_without_an_assessment_or_a_target_are_counted_but_not_measured() {
    let catalog = Catalog::builtin();
    let n = catalog.practices().len();
    let some = levels(n, C::Minimum, S::General);
    let other_catalog = levels(n - 1, C::Minimum, S::General);
    let (systems, rollup) = roll_up(
        &catalog,
        [
            SystemLevels::default(),
            SystemLevels {
                target: Some(&some),
                current: None,
            },
            SystemLevels {
                target: None,
                current: Some(&some),
            },
            SystemLevels {
                target: Some(&other_catalog),
                current: Some(&some),
            },
        ],
    );
    let standings: Vec<Standing> = systems.iter().map(|s| s.standing).collect();
    assert_eq!(
        standings,
        [
            Standing::NotAssessed,
            Standing::NotAssessed,
            Standing::NoTarget,
            Standing::NoTarget
        ]
    );
    assert!(systems.iter().all(|s| s.summary == Summary::default()));
    assert_eq!(
        (rollup.systems, rollup.not_assessed, rollup.no_target),
        (4, 2, 2)
    );
    assert!(rollup
        .domains
        .iter()
        .all(|d| d.summary == Summary::default() && d.systems_met + d.systems_under == 0));
}

fn level() -> impl Strategy<Value = Level> {
    (0..C::ALL.len(), 0..S::ALL.len()).prop_map(|(c, s)| Level::new(C::ALL[c], S::ALL[s]))
}

proptest! {
    /// However the levels fall, every practice of every measured system is counted once, in
    /// its system and in its domain, and a system is under exactly when a practice is.
    #[test]
    fn every_measured_practice_is_counted_once(
        systems in proptest::collection::vec(
            (proptest::collection::vec(level(), 18), proptest::collection::vec(level(), 18)),
            0..12,
        )
    ) {
        let catalog = Catalog::builtin();
        prop_assume!(catalog.practices().len() == 18);
        let (results, rollup) = roll_up(
            &catalog,
            systems.iter().map(|(t, c)| SystemLevels { target: Some(t), current: Some(c) }),
        );
        prop_assert_eq!(rollup.systems, systems.len());
        prop_assert_eq!(rollup.met + rollup.under, systems.len());
        for r in &results {
            prop_assert_eq!(r.summary.under + r.summary.met + r.summary.over, 18);
            prop_assert_eq!(r.standing == Standing::Under, r.summary.under > 0);
        }
        let by_systems: usize = results.iter().map(|r| r.summary.under).sum();
        let by_domains: usize = rollup.domains.iter().map(|d| d.summary.under).sum();
        prop_assert_eq!(by_systems, by_domains);
        for d in &rollup.domains {
            prop_assert_eq!(d.systems_met + d.systems_under, systems.len());
        }
    }
}
