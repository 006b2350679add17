//! Diffs of assessments and targets: concrete changes on the OTA gateway example, and the
//! properties every diff keeps (a document against itself is empty; swapping the arguments
//! mirrors the diff; lowered practices are the ones the lineage rule sees).

use crate::support::CATALOG;
use proptest::prelude::*;
use smm_core::diff::{
    diff_assessments, diff_targets, Change, Direction, FindingChange, Supersession,
};
use smm_core::document::{
    Assessment, Evidence, Finding, FindingKind, FindingStatus, Override, Severity, TargetProfile,
};
use smm_core::level::{Comprehensiveness as C, Scope as S};
use smm_core::lineage::lowered;
use smm_core::located::Located;
use smm_core::{parse_assessment, parse_target, resolve, ResolvedTarget};

const TARGET: &str = include_str!("../../../../examples/ota-gateway/target.yaml");
const ASSESSMENT: &str = include_str!("../../../../examples/ota-gateway/assessment.yaml");

fn assessment() -> Assessment {
    parse_assessment(ASSESSMENT).expect("example assessment")
}

fn target() -> TargetProfile {
    parse_target(TARGET).expect("example target")
}

fn resolved(t: &TargetProfile) -> ResolvedTarget {
    resolve(&CATALOG, t).expect("resolves")
}

fn practice_mut<'a>(
    a: &'a mut Assessment,
    id: &str,
) -> &'a mut smm_core::document::AssessedPractice {
    &mut a
        .practices
        .0
        .iter_mut()
        .find(|(k, _)| k.value == id)
        .expect("practice")
        .1
}

fn finding_mut<'a>(a: &'a mut Assessment, id: &str) -> &'a mut Finding {
    a.findings
        .iter_mut()
        .find(|f| f.id.value == id)
        .expect("finding")
}

#[test]
fn an_assessment_against_itself_has_no_changes() {
    let a = assessment();
    let d = diff_assessments(&CATALOG, &a, &a);
    assert!(d.is_empty());
    assert_eq!(d.summary, Default::default());
    assert!(d.same_target && !d.new_follows_old);
}

#[test]
fn a_reassessment_shows_levels_evidence_and_findings_that_moved() {
    let old = assessment();
    let mut new = old.clone();
    new.follows = Some(smm_core::document::AssessmentReference {
        path: Located::new("assessment.yaml".into()),
        sha256: Located::new(smm_core::content_digest(&old)),
    });
    let tm = practice_mut(&mut new, "threat-modeling");
    tm.comprehensiveness = Located::new(C::Formalized);
    tm.evidence.push(Evidence {
        file: None,
        sha256: None,
        url: Some(Located::new("https://csms.example.com/gw7/tara-3.1".into())),
        description: "TARA baseline 3.1".into(),
    });
    let pp = practice_mut(&mut new, "physical-protection");
    pp.comprehensiveness = Located::new(C::AdHoc);
    pp.evidence.clear();
    let dc = practice_mut(&mut new, "data-controls");
    if let Some(f) = dc.evidence[0].sha256.as_mut() {
        f.value = "1".repeat(64);
    }
    finding_mut(&mut new, "NC-1").status = FindingStatus::Resolved;
    let v2 = finding_mut(&mut new, "V-2");
    v2.status = FindingStatus::Accepted;
    v2.reason = Some(Located::new(
        "Not exploitable: no proxy is ever configured.".into(),
    ));
    finding_mut(&mut new, "NC-3").severity = Severity::Medium;
    new.findings.retain(|f| f.id.value != "V-1");
    let mut nc4 = new.findings[0].clone();
    nc4.id = Located::new("NC-4".into());
    nc4.kind = FindingKind::Nonconformity;
    nc4.cve = None;
    nc4.status = FindingStatus::Open;
    new.findings.push(nc4);

    let d = diff_assessments(&CATALOG, &old, &new);
    assert!(d.new_follows_old && !d.old_follows_new && d.same_target);
    let ids: Vec<&str> = d.practices.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        ids,
        ["threat-modeling", "physical-protection", "data-controls"]
    );
    let tm = &d.practices[0];
    assert_eq!(tm.level.as_ref().map(|l| l.direction), Some(Direction::Up));
    assert_eq!(tm.evidence_added.len(), 1);
    assert_eq!(tm.evidence_added[0].description, "TARA baseline 3.1");
    assert_eq!(
        d.practices[1].level.as_ref().map(|l| l.direction),
        Some(Direction::Down)
    );
    assert_eq!(d.practices[2].evidence_changed.len(), 1);
    assert!(d.practices[2].level.is_none());

    let change = |id: &str| {
        d.findings
            .iter()
            .find(|f| f.id == id)
            .map(|f| f.change.clone())
            .unwrap_or_else(|| panic!("{id} not in the diff"))
    };
    assert!(matches!(
        change("V-1"),
        FindingChange::Gone {
            status: FindingStatus::Open,
            ..
        }
    ));
    assert!(matches!(
        change("NC-4"),
        FindingChange::New {
            status: FindingStatus::Open,
            ..
        }
    ));
    match change("NC-1") {
        FindingChange::Changed { status, .. } => assert_eq!(
            status,
            Some(Change {
                from: FindingStatus::Open,
                to: FindingStatus::Resolved
            })
        ),
        other => panic!("NC-1: {other:?}"),
    }
    match change("V-2") {
        FindingChange::Changed { status, reason, .. } => {
            assert_eq!(status.map(|s| s.to), Some(FindingStatus::Accepted));
            assert_eq!(
                reason.map(|r| r.to),
                Some("Not exploitable: no proxy is ever configured.".into())
            );
        }
        other => panic!("V-2: {other:?}"),
    }
    let s = &d.summary;
    assert_eq!(
        (
            s.practices_improved,
            s.practices_regressed,
            s.practices_mixed
        ),
        (1, 1, 0)
    );
    assert_eq!((s.evidence_added, s.evidence_removed), (1, 0));
    assert_eq!(
        (
            s.findings_new,
            s.findings_gone,
            s.findings_resolved,
            s.findings_accepted
        ),
        (1, 1, 1, 1)
    );
    assert_eq!((s.findings_reopened, s.findings_severity_changed), (0, 1));

    let back = diff_assessments(&CATALOG, &new, &old);
    assert_eq!(back, d.mirror());
    assert_eq!(back.summary.findings_reopened, 2);
}

#[test]
fn a_lowered_target_is_flagged_and_its_record_recognised() {
    let old = target();
    let (new, _) = smm_core::lineage::lower(
        &CATALOG,
        &old,
        &smm_core::lineage::Lowering {
            practice: "patch-management",
            comprehensiveness: None,
            scope: Some(S::Industry),
            reason: "Campaign preconditions are set by each OEM's backend.",
            version: Some("2.0"),
            date: old.date,
        },
    )
    .expect("lowers");
    let d = diff_targets(&old, &resolved(&old), &new, &resolved(&new));
    assert_eq!(d.practices.len(), 1);
    assert!(d.practices[0].lowered);
    assert_eq!(d.practices[0].id, "patch-management");
    assert!(d.goals.is_empty() && d.subdomains.is_empty());
    assert!(
        matches!(&d.new_supersedes_old, Supersession::Matches { version, .. } if version == "1.1")
    );
    assert!(!d.summary.lowered_without_record);
    assert_eq!(d.summary.practices_lowered, 1);

    let mut silent = new.clone();
    silent.supersedes = None;
    let d = diff_targets(&old, &resolved(&old), &silent, &resolved(&silent));
    assert!(d.summary.lowered_without_record);
    assert_eq!(d.new_supersedes_old, Supersession::None);
}

fn level_strategy() -> impl Strategy<Value = (C, S)> {
    (0usize..5, 0usize..3).prop_map(|(c, s)| (C::ALL[c], S::ALL[s]))
}

/// A variation of the example assessment: new levels, evidence removed, moved, redescribed or
/// changed, notes dropped, findings with other statuses and severities, some removed.
fn vary_assessment(levels: &[(C, S)], edits: &[u8], statuses: &[(u8, u8, bool)]) -> Assessment {
    let mut a = assessment();
    for (i, (_, p)) in a.practices.0.iter_mut().enumerate() {
        let (c, s) = levels[i % levels.len()];
        p.comprehensiveness = Located::new(c);
        p.scope = Located::new(s);
        let edit = edits[i % edits.len()];
        for (k, e) in p.evidence.iter_mut().enumerate() {
            // Edits alternate between the pieces, so one practice can see several changes.
            match (edit + k as u8) % 4 {
                1 => e.description.push_str(" (revised)"),
                2 => match (e.file.as_mut(), e.url.as_mut()) {
                    (Some(f), _) => f.value = format!("moved/{}", f.value),
                    (None, Some(u)) => u.value.push_str("/moved"),
                    (None, None) => {}
                },
                3 => e.sha256 = e.sha256.as_ref().map(|_| Located::new("2".repeat(64))),
                _ => {}
            }
        }
        if edit == 4 {
            p.evidence.pop();
            p.notes = None;
        }
        if edit == 5 {
            p.evidence.push(Evidence {
                file: None,
                sha256: None,
                url: Some(Located::new("https://example.com/extra".into())),
                description: "extra".into(),
            });
        }
    }
    let statuses_all = [
        FindingStatus::Open,
        FindingStatus::Resolved,
        FindingStatus::Accepted,
    ];
    let severities = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];
    let mut i = 0;
    a.findings.retain_mut(|f| {
        let (status, severity, keep) = statuses[i % statuses.len()];
        i += 1;
        f.status = statuses_all[usize::from(status) % 3];
        if f.status == FindingStatus::Accepted {
            f.reason = Some(Located::new(format!("accepted {status}")));
        }
        f.severity = severities[usize::from(severity) % 5];
        keep
    });
    a
}

/// A variation of the example target: practice overrides with random levels.
fn vary_target(levels: &[(usize, C, S)]) -> TargetProfile {
    let mut t = target();
    let ids: Vec<String> = CATALOG.practice_ids().map(str::to_string).collect();
    for &(i, c, s) in levels {
        let id = &ids[i % ids.len()];
        t.practices.0.retain(|(k, _)| &k.value != id);
        t.practices.0.push((
            Located::new(id.clone()),
            Override {
                comprehensiveness: Some(Located::new(c)),
                scope: Some(Located::new(s)),
                rationale: Some(Located::new("varied".into())),
                ..Override::default()
            },
        ));
    }
    t
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn assessment_diffs_are_empty_on_themselves_and_mirror_when_swapped(
        la in proptest::collection::vec(level_strategy(), 18),
        lb in proptest::collection::vec(level_strategy(), 18),
        ea in proptest::collection::vec(0u8..6, 18),
        eb in proptest::collection::vec(0u8..6, 18),
        fa in proptest::collection::vec((0u8..3, 0u8..5, any::<bool>()), 5),
        fb in proptest::collection::vec((0u8..3, 0u8..5, any::<bool>()), 5),
    ) {
        let catalog = &CATALOG;
        let a = vary_assessment(&la, &ea, &fa);
        let b = vary_assessment(&lb, &eb, &fb);
        prop_assert!(diff_assessments(catalog, &a, &a).is_empty());
        let ab = diff_assessments(catalog, &a, &b);
        let ba = diff_assessments(catalog, &b, &a);
        prop_assert_eq!(&ba, &ab.mirror());
        prop_assert_eq!(&ab, &ab.mirror().mirror());
        let moved = ab.practices.iter().filter(|p| p.level.is_some()).count();
        let s = &ab.summary;
        prop_assert_eq!(s.practices_improved + s.practices_regressed + s.practices_mixed, moved);
        prop_assert_eq!(s.practices_improved, ba.summary.practices_regressed);
        prop_assert_eq!(s.findings_new, ba.summary.findings_gone);
    }

    #[test]
    fn target_diffs_mirror_and_agree_with_the_lowering_rule(
        a in proptest::collection::vec((0usize..18, 0usize..5, 0usize..3), 0..6),
        b in proptest::collection::vec((0usize..18, 0usize..5, 0usize..3), 0..6),
    ) {
        let pick = |v: &[(usize, usize, usize)]| -> Vec<(usize, C, S)> {
            v.iter().map(|&(i, c, s)| (i, C::ALL[c], S::ALL[s])).collect()
        };
        let ta = vary_target(&pick(&a));
        let tb = vary_target(&pick(&b));
        let (ra, rb) = (resolved(&ta), resolved(&tb));
        prop_assert!(diff_targets(&ta, &ra, &ta, &ra).is_empty());
        let ab = diff_targets(&ta, &ra, &tb, &rb);
        prop_assert_eq!(&diff_targets(&tb, &rb, &ta, &ra), &ab.mirror());
        let flagged: Vec<&str> = ab.practices.iter().filter(|p| p.lowered).map(|p| p.id.as_str()).collect();
        let rule: Vec<String> = lowered(&ra, &rb).iter().map(|l| l.practice.to_string()).collect();
        prop_assert_eq!(flagged, rule.iter().map(String::as_str).collect::<Vec<_>>());
        // Every practice that moved down in some measure is flagged, and only those.
        for p in &ab.practices {
            let down = p.change.comprehensiveness.as_ref().is_some_and(|c| c.to < c.from)
                || p.change.scope.as_ref().is_some_and(|s| s.to < s.from);
            prop_assert_eq!(p.lowered, down);
        }
    }

    #[test]
    fn lowering_lowers_exactly_the_named_practice_or_is_refused(
        practice in 0usize..18,
        c in proptest::option::of(0usize..5),
        s in proptest::option::of(0usize..3),
    ) {
        let catalog = &CATALOG;
        let old = target();
        let before = resolved(&old);
        let id = before.practices[practice].id.to_string();
        let current = before.practices[practice].level();
        let request = smm_core::lineage::Lowering {
            practice: &id,
            comprehensiveness: c.map(|c| C::ALL[c]),
            scope: s.map(|s| S::ALL[s]),
            reason: "cannot be met",
            version: None,
            date: old.date,
        };
        let lowers = request.comprehensiveness.is_some_and(|c| c < current.comprehensiveness)
            || request.scope.is_some_and(|s| s < current.scope);
        let raises = request.comprehensiveness.is_some_and(|c| c > current.comprehensiveness)
            || request.scope.is_some_and(|s| s > current.scope);
        match smm_core::lineage::lower(catalog, &old, &request) {
            Ok((new, down)) => {
                prop_assert!(lowers && !raises);
                let after = resolved(&new);
                let d = diff_targets(&old, &before, &new, &after);
                prop_assert_eq!(d.practices.len(), 1);
                prop_assert_eq!(&d.practices[0].id, &id);
                prop_assert_eq!(down.len(), 1);
                prop_assert!(d.new_supersedes_old.matches());
                prop_assert!(smm_core::lineage::check_supersedes(&old, &before, &new, &after).is_ok());
            }
            Err(_) => prop_assert!(!lowers || raises),
        }
    }
}

/// The OTA gateway's target with its parties named, a goal planned and the version approved.
fn planned() -> TargetProfile {
    let text = TARGET.to_string()
        + "stakeholders:\n  us: {role: vendor}\n  oem: {role: integrator}\n\
           approval: {by: Ines Vogt, date: 2026-06-01, statement: Agreed with the OEM}\n";
    let mut t = parse_target(&text).expect("planned target");
    let goal = &mut t.goals.0[2].1;
    goal.responsible = Some(Located::new("us".to_string()));
    goal.deadline = smm_core::document::Date::parse("2027-03-31").map(Located::new);
    t
}

#[test]
fn a_change_of_party_goal_plan_or_approval_is_a_difference() {
    let old = planned();
    assert!(diff_targets(&old, &resolved(&old), &old, &resolved(&old)).is_empty());
    let mut new = old.clone();
    let goal = &mut new.goals.0[2].1;
    goal.deadline = smm_core::document::Date::parse("2027-06-30").map(Located::new);
    goal.budget = Some(smm_core::document::GoalBudget {
        amount: 40_000,
        currency: Located::new("EUR".to_string()),
    });
    let patching = &mut new
        .practices
        .0
        .iter_mut()
        .find(|(k, _)| k.value == "patch-management")
        .expect("the example overrides patching")
        .1;
    patching.responsible = Some(Located::new("oem".to_string()));
    patching.cost_bearer = Some(Located::new("oem".to_string()));
    new.approval = None;
    let d = diff_targets(&old, &resolved(&old), &new, &resolved(&new));
    assert!(d.levels_unchanged() && !d.is_empty());
    assert_eq!(d.parties.len(), 1, "{:?}", d.parties);
    assert_eq!(d.parties[0].id, "patch-management");
    assert_eq!(
        d.parties[0].responsible,
        Some(Change {
            from: "us".to_string(),
            to: "oem".to_string()
        })
    );
    assert_eq!(
        d.parties[0].cost_bearer,
        Some(Change {
            from: String::new(),
            to: "oem".to_string()
        })
    );
    assert_eq!(d.goal_plans.len(), 1);
    assert_eq!(d.goal_plans[0].id, old.goals.0[2].0.value);
    let deadline = d.goal_plans[0].deadline.as_ref().expect("deadline moved");
    assert_eq!(
        deadline.to.map(|d| d.to_string()).as_deref(),
        Some("2027-06-30")
    );
    let budget = d.goal_plans[0].budget.as_ref().expect("budget given");
    assert_eq!(
        (budget.from.as_ref(), budget.to.as_ref().map(|b| b.amount)),
        (None, Some(40_000))
    );
    let approval = d.approval.as_ref().expect("approval withdrawn");
    assert_eq!(
        approval.from.as_ref().map(|a| a.by.as_str()),
        Some("Ines Vogt")
    );
    assert!(approval.to.is_none());
    assert_eq!(
        diff_targets(&new, &resolved(&new), &old, &resolved(&old)),
        d.mirror()
    );
}

#[test]
fn a_finding_whose_title_kind_and_practice_change_keeps_each_key_once_in_json() {
    let old = assessment();
    let mut new = old.clone();
    let id = old.findings.first().expect("a finding").id.value.clone();
    let f = finding_mut(&mut new, &id);
    f.title = "A new title".to_string();
    f.kind = match f.kind {
        FindingKind::Nonconformity => FindingKind::Vulnerability,
        FindingKind::Vulnerability => FindingKind::Nonconformity,
    };
    f.practice = Some(Located::new("access-control".to_string()));
    let d = diff_assessments(&CATALOG, &old, &new);
    let text = serde_json::to_string(&d).expect("JSON");
    // A JSON object with a key twice loses one of the values in most readers: the finding's
    // current title and the change of title must both survive a round trip.
    let read: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let finding = read["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["id"] == id.as_str()))
        .expect("the finding");
    assert_eq!(finding["title"], "A new title");
    assert_eq!(finding["title_change"]["to"], "A new title");
    assert_eq!(finding["practice"], "access-control");
    assert_eq!(finding["practice_change"]["to"], "access-control");
    assert_eq!(finding["kind_change"]["to"], finding["kind"]);
    let title_keys = text.matches("\"title\":").count();
    let findings = read["findings"].as_array().map(Vec::len).unwrap_or(0);
    assert_eq!(title_keys, findings, "one title key per finding: {text}");
}
