//! Invariants of comparing profiles and of trends, on profiles built from random levels through
//! the real parsers (so `ProfileView::of_target` and `of_current` are exercised too).

use crate::support::CATALOG;
use proptest::prelude::*;
use smm_core::compare::{ProfileKind, Relation};
use smm_core::document::Assessment;
use smm_core::gap::Status;
use smm_core::level::{Comprehensiveness as C, Level, Scope as S};
use smm_core::trend::Change;
use smm_core::{
    compare, current_profile, parse_assessment, parse_target, resolve, trend, CurrentProfile,
    ProfileView, ResolvedTarget, TrendInput,
};

const DIGEST: &str = "eadfa5c57d3e11f1d7d9bf52b65213f3268aa834ba38fa6115f31fc1accb3bc8";

fn ids() -> Vec<String> {
    CATALOG.practice_ids().map(str::to_string).collect()
}

/// A level for every practice of the built-in catalog.
fn levels() -> impl Strategy<Value = Vec<Level>> {
    let n = CATALOG.practices().len();
    proptest::collection::vec(
        (0u64..5, 0usize..3)
            .prop_map(|(c, s)| Level::new(C::from_value(c).unwrap_or(C::None), S::ALL[s])),
        n..=n,
    )
}

/// A target that sets every practice to `levels`, each override with its rationale.
fn target(name: &str, levels: &[Level]) -> ResolvedTarget {
    let mut text = format!(
        "smm: 1\nkind: TargetProfile\nname: {name}\nversion: '1'\nsystem: s\nrole: vendor\ndate: 2026-01-01\n\
         catalog: {{id: iot-smm, version: '1.2'}}\ngoals:\n"
    );
    for d in CATALOG.domain_ids() {
        text.push_str(&format!(
            "  {d}: {{statement: g, comprehensiveness: 2, scope: general}}\n"
        ));
    }
    text.push_str("practices:\n");
    for (id, l) in ids().iter().zip(levels) {
        text.push_str(&format!(
            "  {id}: {{comprehensiveness: {}, scope: {}, rationale: because}}\n",
            l.comprehensiveness, l.scope
        ));
    }
    let target = parse_target(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    resolve(&CATALOG, &target).unwrap_or_else(|e| panic!("{e}"))
}

/// An assessment of `product` on `date` that achieves `levels`.
fn assessment(product: &str, version: &str, date: &str, levels: &[Level]) -> Assessment {
    let mut text = format!(
        "smm: 1\nkind: Assessment\ntarget: {{path: target.yaml, sha256: {DIGEST}}}\n\
         product: {{name: {product}, version: '{version}'}}\ndate: {date}\npractices:\n"
    );
    for (id, l) in ids().iter().zip(levels) {
        text.push_str(&format!(
            "  {id}: {{comprehensiveness: {}, scope: {}}}\n",
            l.comprehensiveness, l.scope
        ));
    }
    parse_assessment(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn current(a: &Assessment) -> CurrentProfile {
    current_profile(&CATALOG, a).unwrap_or_else(|e| panic!("{e}"))
}

/// Either kind of profile from the same levels.
fn view(as_target: bool, name: &str, levels: &[Level]) -> ProfileView {
    if as_target {
        ProfileView::of_target(&target(name, levels))
    } else {
        ProfileView::of_current(
            &CATALOG,
            &current(&assessment(name, "1", "2026-01-01", levels)),
        )
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_profile_compared_with_itself_is_equal_and_covered(levels in levels(), as_target: bool) {
        let a = view(as_target, "A", &levels);
        prop_assert_eq!(a.kind == ProfileKind::TargetProfile, as_target);
        let c = compare(&a, &a).expect("same catalog");
        prop_assert_eq!(c.practices.len(), 18);
        for p in &c.practices {
            prop_assert_eq!((p.comprehensiveness, p.scope), (Relation::Equal, Relation::Equal));
            prop_assert!(p.covered && p.status == Status::Met);
        }
        prop_assert_eq!((c.verdict.covered, c.verdict.total), (18, 18));
        prop_assert!(c.verdict.short.is_empty());
        prop_assert!(c.verdict.text.contains("covers all 18 practices"), "{}", c.verdict.text);
        for d in &c.domains {
            prop_assert_eq!(d.covered, d.total);
            prop_assert_eq!(d.comprehensiveness.equal, d.total);
            prop_assert_eq!(d.scope.equal, d.total);
        }
    }

    #[test]
    fn comparing_the_other_way_reverses_every_relation(
        a in levels(), b in levels(), a_target: bool, b_target: bool
    ) {
        let (a, b) = (view(a_target, "A", &a), view(b_target, "B", &b));
        let ab = compare(&a, &b).expect("same catalog");
        let ba = compare(&b, &a).expect("same catalog");
        prop_assert_eq!(ab.practices.len(), ba.practices.len());
        for (x, y) in ab.practices.iter().zip(&ba.practices) {
            prop_assert_eq!(&x.id, &y.id);
            prop_assert_eq!(y.comprehensiveness, x.comprehensiveness.reverse());
            prop_assert_eq!(y.scope, x.scope.reverse());
            prop_assert_eq!((x.a, x.b), (y.b, y.a));
        }
        // Each side covers the other everywhere only when they are equal everywhere.
        let both = ab.verdict.short.is_empty() && ba.verdict.short.is_empty();
        prop_assert_eq!(both, ab.practices.iter().all(|p| p.a == p.b));
        for (x, y) in ab.domains.iter().zip(&ba.domains) {
            prop_assert_eq!(x.comprehensiveness.below, y.comprehensiveness.above);
            prop_assert_eq!(x.scope.above, y.scope.below);
        }
    }

    #[test]
    fn one_assessment_repeated_shows_no_change(levels in levels(), required in levels(), times in 2usize..5) {
        let t = target("T", &required);
        let a = assessment("P", "1", "2026-03-01", &levels);
        let c = current(&a);
        let names: Vec<String> = (0..times).map(|i| format!("a{i}.yaml")).collect();
        let inputs: Vec<TrendInput> = names
            .iter()
            .map(|n| TrendInput { source: n, assessment: &a, current: &c, target: &t })
            .collect();
        let tr = trend(&inputs).expect("one product");
        prop_assert_eq!(tr.points.len(), times);
        prop_assert_eq!(tr.steps.len(), times - 1);
        for s in &tr.steps {
            prop_assert!(s.improved.is_empty() && s.regressed.is_empty() && s.changed.is_empty());
            prop_assert!(s.practices.is_empty(), "{:?}", s.practices);
            prop_assert!(!s.target_changed);
            for d in &s.domains {
                prop_assert_eq!((d.under_before, d.missing_before), (d.under_after, d.missing_after));
            }
        }
        for p in &tr.points {
            prop_assert_eq!(p.summary, tr.points[0].summary);
            prop_assert_eq!(p.missing, tr.points[0].missing);
        }
        // Same date: the order given is kept.
        let given: Vec<usize> = tr.points.iter().map(|p| p.given).collect();
        prop_assert_eq!(given, (0..times).collect::<Vec<_>>());
    }

    #[test]
    fn trend_points_are_ordered_by_date_then_as_given(
        // Few distinct dates, so ties (kept in the order given) are common.
        points in proptest::collection::vec((1u32..3, 1u32..4, levels()), 1..6)
    ) {
        let t = target("T", &[Level::new(C::AdHoc, S::Industry); 18]);
        let assessments: Vec<Assessment> = points
            .iter()
            .enumerate()
            .map(|(i, (month, day, l))| assessment("P", &i.to_string(), &format!("2026-{month:02}-{day:02}"), l))
            .collect();
        let currents: Vec<CurrentProfile> = assessments.iter().map(current).collect();
        let names: Vec<String> = (0..points.len()).map(|i| format!("a{i}.yaml")).collect();
        let inputs: Vec<TrendInput> = (0..points.len())
            .map(|i| TrendInput { source: &names[i], assessment: &assessments[i], current: &currents[i], target: &t })
            .collect();
        let tr = trend(&inputs).expect("one product");
        prop_assert_eq!(tr.points.len(), points.len());
        for pair in tr.points.windows(2) {
            prop_assert!(
                (pair[0].date, pair[0].given) < (pair[1].date, pair[1].given),
                "{} ({}) before {} ({})", pair[0].date, pair[0].given, pair[1].date, pair[1].given
            );
        }
        // Each point is the assessment it says it is, and each step classifies what moved.
        for p in &tr.points {
            prop_assert_eq!(&p.source, &names[p.given]);
            prop_assert_eq!(&p.version, &p.given.to_string());
        }
        for s in &tr.steps {
            for (i, practice) in tr.practices.iter().enumerate() {
                let before = tr.points[s.from].practices[i].current;
                let after = tr.points[s.to].practices[i].current;
                let change = Change::of(before, after);
                prop_assert_eq!(s.improved.contains(&practice.id), change == Change::Improved);
                prop_assert_eq!(s.regressed.contains(&practice.id), change == Change::Regressed);
                prop_assert_eq!(s.changed.contains(&practice.id), change == Change::Changed);
            }
        }
    }
}

#[test]
fn assessments_of_different_products_need_the_same_target() {
    let t = target("T", &[Level::new(C::AdHoc, S::General); 18]);
    let l = [Level::new(C::Minimum, S::General); 18];
    let a = assessment("Line A", "1", "2026-01-01", &l);
    let b = assessment("Line B", "1", "2026-02-01", &l);
    let mut elsewhere = b.clone();
    elsewhere.target.sha256.value = "0".repeat(64);
    let (ca, cb) = (current(&a), current(&b));
    let input = |source, assessment, current| TrendInput {
        source,
        assessment,
        current,
        target: &t,
    };
    // Same target named: a fleet of lines followed against one target is a trend.
    assert!(trend(&[input("a.yaml", &a, &ca), input("b.yaml", &b, &cb)]).is_ok());
    let err = trend(&[input("a.yaml", &a, &ca), input("b.yaml", &elsewhere, &cb)])
        .expect_err("two products, two targets");
    let text = err.to_string();
    assert!(
        text.contains("a.yaml (Line A 1") && text.contains("b.yaml (Line B 1"),
        "{text}"
    );
    assert!(matches!(
        trend(&[]),
        Err(smm_core::trend::TrendError::Empty)
    ));
}

#[test]
fn a_step_counts_improvements_regressions_and_changes_per_domain() {
    let t = target("T", &[Level::new(C::AdHoc, S::Industry); 18]);
    let before = [Level::new(C::AdHoc, S::Industry); 18];
    let mut after = before;
    let position = |id: &str| ids().iter().position(|x| x == id).expect("practice");
    after[position("threat-modeling")] = Level::new(C::Consistent, S::Industry);
    after[position("patch-management")] = Level::new(C::Minimum, S::Industry);
    after[position("monitoring")] = Level::new(C::Consistent, S::General);
    // Given out of order: the later assessment first.
    let (a1, a2) = (
        assessment("P", "2", "2026-06-01", &after),
        assessment("P", "1", "2026-01-01", &before),
    );
    let (c1, c2) = (current(&a1), current(&a2));
    let tr = trend(&[
        TrendInput {
            source: "late.yaml",
            assessment: &a1,
            current: &c1,
            target: &t,
        },
        TrendInput {
            source: "early.yaml",
            assessment: &a2,
            current: &c2,
            target: &t,
        },
    ])
    .expect("one product");
    assert_eq!(tr.points[0].source, "early.yaml");
    let s = &tr.steps[0];
    let names =
        |v: &[smm_core::id::PracticeId]| v.iter().map(|p| p.to_string()).collect::<Vec<_>>();
    assert_eq!(names(&s.improved), ["threat-modeling"]);
    assert_eq!(names(&s.regressed), ["patch-management"]);
    assert_eq!(names(&s.changed), ["monitoring"]);
    let hardening = s
        .domains
        .iter()
        .find(|d| d.id.as_str() == "hardening")
        .expect("hardening");
    assert_eq!(
        (hardening.regressed, hardening.changed, hardening.improved),
        (1, 1, 0)
    );
    assert_eq!((hardening.under_before, hardening.under_after), (0, 2));
    assert_eq!((hardening.missing_before, hardening.missing_after), (0, 2));
    assert_eq!(tr.points[1].summary.under, 2);
    assert_eq!(tr.points[1].summary.over, 1);
}
