use super::*;
use crate::document::{parse_assessment, parse_target, AssessmentReference, Date};
use crate::level::{Comprehensiveness as C, Scope as S};
use crate::located::Located;
use crate::{resolve, Catalog};

const TARGET: &str = include_str!("../../../../examples/ota-gateway/target.yaml");
const ASSESSMENT: &str = include_str!("../../../../examples/ota-gateway/assessment.yaml");

fn target() -> (TargetProfile, ResolvedTarget) {
    let t = parse_target(TARGET).expect("example target");
    let r = resolve(&Catalog::builtin(), &t).expect("resolves");
    (t, r)
}

fn date(text: &str) -> Date {
    Date::parse(text).expect("date")
}

fn request<'a>(practice: &'a str, c: Option<C>, s: Option<S>) -> Lowering<'a> {
    Lowering {
        practice,
        comprehensiveness: c,
        scope: s,
        reason:
            "Fleet-wide revocation depends on the OEM backend, which cannot deliver it before 2028.",
        version: None,
        date: date("2026-09-01"),
    }
}

fn lowered_ota() -> (TargetProfile, ResolvedTarget) {
    let (old, _) = target();
    let (new, _) = lower(
        &Catalog::builtin(),
        &old,
        &request("data-controls", Some(C::Consistent), None),
    )
    .expect("lowers");
    let resolved = resolve(&Catalog::builtin(), &new).expect("resolves");
    (new, resolved)
}

fn fields(result: Result<impl std::fmt::Debug, Diagnostics>) -> Vec<String> {
    result
        .expect_err("refused")
        .0
        .into_iter()
        .map(|d| d.field)
        .collect()
}

#[test]
fn lowering_writes_the_next_version_with_a_supersedes_record() {
    let (old, old_resolved) = target();
    let (new, down) = lower(
        &Catalog::builtin(),
        &old,
        &request(
            "Implementation of Data Protection Controls",
            Some(C::Consistent),
            None,
        ),
    )
    .expect("lowers");
    assert_eq!(new.version.as_deref(), Some("1.2"));
    assert_eq!(new.date, date("2026-09-01"));
    let record = new.supersedes.as_ref().expect("record");
    assert_eq!(record.version.value, "1.1");
    assert_eq!(record.sha256.value, content_digest(&old));
    assert!(record.reason.value.starts_with("Fleet-wide revocation"));
    assert_eq!(down.len(), 1);
    assert_eq!(down[0].practice.as_str(), "data-controls");
    let resolved = resolve(&Catalog::builtin(), &new).expect("resolves");
    let dc = resolved.practice("data-controls").expect("dc");
    assert_eq!((dc.comprehensiveness, dc.scope), (C::Consistent, S::System));
    // The earlier rationale (why system scope) is kept under the new reason.
    let rationale = dc.rationale.as_deref().unwrap_or_default();
    assert!(
        rationale.starts_with("Fleet-wide revocation"),
        "{rationale}"
    );
    assert!(
        rationale.contains("Version 1.1 said: Whoever holds"),
        "{rationale}"
    );
    assert_eq!(lowered(&old_resolved, &resolved), down);
    check_supersedes(&old, &old_resolved, &new, &resolved).expect("a recorded lowering is fine");
}

#[test]
fn a_lowering_that_lowers_nothing_or_raises_is_refused() {
    let (old, _) = target();
    let catalog = Catalog::builtin();
    let same = lower(
        &catalog,
        &old,
        &request("data-controls", Some(C::Formalized), None),
    );
    let err = same.expect_err("refused");
    assert!(
        err.0[0].message.contains("does not lower anything"),
        "{err}"
    );
    let raise = lower(
        &catalog,
        &old,
        &request("monitoring", Some(C::Formalized), None),
    );
    assert_eq!(fields(raise), ["--comprehensiveness"]);
    let widen = lower(
        &catalog,
        &old,
        &request("monitoring", None, Some(S::System)),
    );
    assert_eq!(fields(widen), ["--scope"]);
    let nothing = lower(&catalog, &old, &request("monitoring", None, None));
    assert_eq!(fields(nothing), ["--comprehensiveness"]);
    let unknown = lower(
        &catalog,
        &old,
        &request("data-control", Some(C::AdHoc), None),
    );
    let err = unknown.expect_err("refused");
    assert_eq!(
        err.0[0].help.as_deref(),
        Some("did you mean `data-controls`?")
    );
    let mut blank = request("monitoring", Some(C::AdHoc), None);
    blank.reason = "  ";
    assert_eq!(fields(lower(&catalog, &old, &blank)), ["--reason"]);
    let mut same_version = request("monitoring", Some(C::AdHoc), None);
    same_version.version = Some("1.1");
    assert_eq!(fields(lower(&catalog, &old, &same_version)), ["--version"]);
    let mut earlier = request("monitoring", Some(C::AdHoc), None);
    earlier.date = date("2025-01-01");
    assert_eq!(fields(lower(&catalog, &old, &earlier)), ["--date"]);
}

#[test]
fn a_target_without_a_version_cannot_be_lowered() {
    let (mut old, _) = target();
    old.version = None;
    let result = lower(
        &Catalog::builtin(),
        &old,
        &request("monitoring", Some(C::AdHoc), None),
    );
    assert_eq!(fields(result), ["version"]);
}

#[test]
fn lowering_without_a_supersedes_record_is_refused() {
    let (old, old_resolved) = target();
    let (mut new, resolved) = lowered_ota();
    new.supersedes = None;
    let err = check_supersedes(&old, &old_resolved, &new, &resolved).expect_err("silent lowering");
    assert_eq!(err.0[0].field, "supersedes");
    assert!(
        err.0[0]
            .message
            .contains("data-controls (comprehensiveness 4 -> 3)"),
        "{err}"
    );
    // The same version as well: a second problem.
    new.version = old.version.clone();
    let err = check_supersedes(&old, &old_resolved, &new, &resolved).expect_err("silent lowering");
    let fields: Vec<&str> = err.0.iter().map(|d| d.field.as_str()).collect();
    assert_eq!(fields, ["supersedes", "version"]);
}

#[test]
fn a_supersedes_record_with_a_wrong_digest_is_refused() {
    let (old, old_resolved) = target();
    let (mut new, resolved) = lowered_ota();
    if let Some(record) = new.supersedes.as_mut() {
        record.sha256.value = "0".repeat(64);
    }
    let err = check_supersedes(&old, &old_resolved, &new, &resolved).expect_err("wrong digest");
    assert_eq!(err.0[0].field, "supersedes.sha256");
}

#[test]
fn raising_a_level_needs_no_record() {
    let (old, old_resolved) = target();
    let text = TARGET.replace(
        "practices:\n  threat-modeling:",
        "practices:\n  monitoring:\n    comprehensiveness: 4\n    rationale: Raised.\n  threat-modeling:",
    );
    let new = parse_target(&text).expect("parses");
    let resolved = resolve(&Catalog::builtin(), &new).expect("resolves");
    assert!(lowered(&old_resolved, &resolved).is_empty());
    check_supersedes(&old, &old_resolved, &new, &resolved).expect("raising is not lowering");
}

#[test]
fn a_supersedes_record_is_checked_with_the_target_itself() {
    let (lowered_target, _) = lowered_ota();
    let catalog = Catalog::builtin();
    let mut blank = lowered_target.clone();
    if let Some(r) = blank.supersedes.as_mut() {
        r.reason.value = " ".into();
    }
    assert_eq!(fields(resolve(&catalog, &blank)), ["supersedes.reason"]);
    let mut own = lowered_target.clone();
    own.version = Some("1.1".into());
    assert_eq!(fields(resolve(&catalog, &own)), ["supersedes.version"]);
    let mut none = lowered_target;
    none.version = None;
    assert_eq!(fields(resolve(&catalog, &none)), ["version"]);
}

#[test]
fn next_version_raises_the_last_number() {
    assert_eq!(next_version("1.0").as_deref(), Some("1.1"));
    assert_eq!(next_version("1.9").as_deref(), Some("1.10"));
    assert_eq!(next_version("2").as_deref(), Some("3"));
    assert_eq!(next_version("99").as_deref(), Some("100"));
    assert_eq!(next_version("v2-rc9").as_deref(), Some("v2-rc10"));
    assert_eq!(
        next_version("2026.1 (draft)").as_deref(),
        Some("2026.2 (draft)")
    );
    assert_eq!(next_version("draft"), None);
    assert_eq!(
        next_version("Ausgabe 2 – Entwurf ü9").as_deref(),
        Some("Ausgabe 2 – Entwurf ü10")
    );
    assert_eq!(next_version("ü"), None);
}

#[test]
fn versions_order_by_date_then_by_number() {
    let (a, _) = target();
    let mut b = a.clone();
    b.version = Some("1.10".into());
    let mut c = a.clone();
    c.version = Some("1.9".into());
    assert_eq!(version_order(&c, &b), Ordering::Less);
    assert_eq!(version_order(&b, &c), Ordering::Greater);
    c.date = date("2027-01-01");
    assert_eq!(version_order(&c, &b), Ordering::Greater);
    assert_eq!(version_order(&a, &a), Ordering::Equal);
}

fn reassessment() -> (Assessment, Assessment) {
    let previous = parse_assessment(ASSESSMENT).expect("example assessment");
    let mut next = previous.clone();
    next.follows = Some(AssessmentReference {
        path: Located::new("assessment.yaml".into()),
        sha256: Located::new(content_digest(&previous)),
    });
    next.product.version = "firmware 4.2.1".into();
    next.date = date("2026-09-30");
    (previous, next)
}

#[test]
fn a_reassessment_of_a_new_product_version_follows_its_predecessor() {
    let (previous, next) = reassessment();
    check_follows(&next, &previous).expect("same product, same target, later");
}

#[test]
fn a_reassessment_is_refused_with_the_wrong_digest_product_target_or_date() {
    let (previous, mut next) = reassessment();
    if let Some(f) = next.follows.as_mut() {
        f.sha256.value = "a".repeat(64);
    }
    assert_eq!(fields(check_follows(&next, &previous)), ["follows.sha256"]);
    let (previous, mut next) = reassessment();
    next.product.name = "GW-8 central gateway".into();
    next.target.sha256.value = "b".repeat(64);
    next.date = date("2026-01-01");
    let mut found = fields(check_follows(&next, &previous));
    found.sort();
    assert_eq!(found, ["date", "product.name", "target.sha256"]);
}

proptest::proptest! {
    #[test]
    fn next_version_never_panics_and_always_moves_on(version in "\\PC{0,12}") {
        if let Some(next) = next_version(&version) {
            proptest::prop_assert_ne!(next.as_str(), version.trim());
            proptest::prop_assert!(version_key(&next) > version_key(version.trim()));
        }
    }
}

fn approved(t: &TargetProfile) -> TargetProfile {
    let mut t = t.clone();
    t.approval = Some(crate::document::Approval {
        by: Located::new("Dana Okafor, for the OEMs".into()),
        date: Located::new(date("2026-06-01")),
        statement: Located::new("Agreed as the profile of the 2027 supply contract.".into()),
    });
    t
}

#[test]
fn an_approved_version_is_superseded_never_edited() {
    let (t, _) = target();
    let old = approved(&t);
    // An edit in place (here: a new background) is refused, at `supersedes`.
    let mut edited = old.clone();
    edited.background = Some("Reworded.".into());
    let refused = check_after_approved(&old, &edited).expect_err("an edit is refused");
    assert_eq!(refused.0[0].field, "supersedes");
    assert!(refused.0[0].message.contains("approved by Dana Okafor"));
    // So is a record naming another digest.
    let mut wrong = edited.clone();
    wrong.supersedes = Some(crate::document::Supersedes {
        version: Located::new("1.0".into()),
        sha256: Located::new("0".repeat(64)),
        reason: Located::new("reworded".into()),
    });
    assert_eq!(
        check_after_approved(&old, &wrong)
            .expect_err("wrong digest")
            .0[0]
            .field,
        "supersedes.sha256"
    );
    // A new version that names the approved one's digest is accepted.
    let mut next = wrong;
    if let Some(r) = next.supersedes.as_mut() {
        r.sha256 = Located::new(content_digest(&old));
    }
    assert!(check_after_approved(&old, &next).is_ok());
    // An unapproved version may be followed by anything.
    assert!(check_after_approved(&t, &edited).is_ok());
}

#[test]
fn lowering_an_approved_version_writes_an_unapproved_successor() {
    let (t, _) = target();
    let old = approved(&t);
    let catalog = Catalog::builtin();
    let (new, _) = lower(
        &catalog,
        &old,
        &request("data-controls", Some(C::Consistent), None),
    )
    .expect("lowers");
    assert!(
        new.approval.is_none(),
        "the old approval does not carry over"
    );
    let (old_r, new_r) = (
        resolve(&catalog, &old).expect("resolves"),
        resolve(&catalog, &new).expect("resolves"),
    );
    assert!(check_supersedes(&old, &old_r, &new, &new_r).is_ok());
}
