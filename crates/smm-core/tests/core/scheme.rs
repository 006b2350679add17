//! Every requirement of a certification scheme, met and unmet, on the OTA gateway's final
//! assessment of its certification round (every practice at target, every finding closed).

use crate::support::{example, resolved_target, CATALOG};
use smm_core::document::{Assessment, Date, FindingStatus, Method, Severity};
use smm_core::scheme::{
    parse_scheme, reassess_by, unmet, Attempt, AttestationKind, EvidenceRule, OpenFindings, Scheme,
};
use smm_core::{current_profile, gap, parse_assessment, Gap};

fn final_assessment() -> Assessment {
    let mut doc = parse_assessment(&example(
        "ota-gateway",
        "certification/assessment-final.yaml",
    ))
    .expect("parses");
    doc.methods = vec![Method::DocumentReview, Method::VulnerabilityAnalysis];
    doc
}

fn gap_of(doc: &Assessment) -> Gap {
    let current = current_profile(&CATALOG, doc).expect("checks");
    gap(&resolved_target("ota-gateway"), &current).expect("gap")
}

fn date(text: &str) -> Date {
    Date::parse(text).expect(text)
}

fn unmet_names(
    scheme: &Scheme,
    doc: &Assessment,
    kind: AttestationKind,
    issued: &str,
    until: &str,
) -> Vec<&'static str> {
    let g = gap_of(doc);
    unmet(
        scheme,
        &Attempt {
            kind,
            issued: date(issued),
            valid_until: date(until),
            assessments: vec![(doc, &g)],
        },
    )
    .into_iter()
    .map(|u| u.requirement)
    .collect()
}

#[test]
fn the_final_assessment_meets_the_baseline() {
    let scheme = Scheme::builtin();
    let doc = final_assessment();
    for kind in [AttestationKind::Certificate, AttestationKind::Declaration] {
        assert_eq!(
            unmet_names(&scheme, &doc, kind, "2026-11-23", "2029-11-22"),
            Vec::<&str>::new()
        );
    }
    assert_eq!(
        reassess_by(&scheme, date("2026-11-23")),
        Some(date("2027-11-23"))
    );
}

#[test]
fn each_requirement_refuses_with_its_name_and_reason() {
    let scheme = Scheme::builtin();
    let good = final_assessment();

    // Validity longer than 36 months, an assessment older than 365 days.
    assert_eq!(
        unmet_names(
            &scheme,
            &good,
            AttestationKind::Certificate,
            "2026-11-23",
            "2029-11-23"
        ),
        ["validity-max-months"]
    );
    assert_eq!(
        unmet_names(
            &scheme,
            &good,
            AttestationKind::Certificate,
            "2028-01-10",
            "2029-01-01"
        ),
        ["assessment-max-age-days"]
    );

    // A method not recorded.
    let mut doc = good.clone();
    doc.methods.retain(|m| *m != Method::VulnerabilityAnalysis);
    let g = gap_of(&doc);
    let why = unmet(
        &scheme,
        &Attempt {
            kind: AttestationKind::Certificate,
            issued: date("2026-11-23"),
            valid_until: date("2027-11-22"),
            assessments: vec![(&doc, &g)],
        },
    );
    assert_eq!(why.len(), 1);
    assert_eq!(why[0].requirement, "methods");
    assert!(
        why[0].reason.contains("vulnerability analysis"),
        "{}",
        why[0].reason
    );

    // An open finding: refused with `none`, allowed up to its severity.
    let mut doc = good.clone();
    doc.findings[0].status = FindingStatus::Open;
    doc.findings[0].closed = None;
    doc.findings[0].severity = Severity::Low;
    assert_eq!(
        unmet_names(
            &scheme,
            &doc,
            AttestationKind::Certificate,
            "2026-11-23",
            "2027-11-22"
        ),
        ["max-open-severity"]
    );
    let mut lenient = scheme.clone();
    lenient.requirements.max_open_severity = OpenFindings::UpTo(Severity::Low);
    assert!(unmet_names(
        &lenient,
        &doc,
        AttestationKind::Certificate,
        "2026-11-23",
        "2027-11-22"
    )
    .is_empty());
    doc.findings[0].severity = Severity::Medium;
    assert_eq!(
        unmet_names(
            &lenient,
            &doc,
            AttestationKind::Certificate,
            "2026-11-23",
            "2027-11-22"
        ),
        ["max-open-severity"]
    );

    // A practice under target, only when the scheme asks for it.
    let mut doc = good.clone();
    let first = doc.practices.0.first_mut().expect("a practice");
    first.1.comprehensiveness.value = smm_core::Comprehensiveness::None;
    assert!(unmet_names(
        &scheme,
        &doc,
        AttestationKind::Certificate,
        "2026-11-23",
        "2027-11-22"
    )
    .contains(&"practices-at-target"));
    let mut loose = scheme.clone();
    loose.requirements.practices_at_target = false;
    assert!(!unmet_names(
        &loose,
        &doc,
        AttestationKind::Certificate,
        "2026-11-23",
        "2027-11-22"
    )
    .contains(&"practices-at-target"));

    // Evidence for every practice above 0.
    let mut strict = scheme.clone();
    strict.requirements.evidence = EvidenceRule::EveryPractice;
    let mut doc = good.clone();
    for (_, p) in doc.practices.0.iter_mut().skip(1) {
        p.evidence.push(smm_core::document::Evidence {
            file: None,
            url: Some(smm_core::located::Located::new(
                "https://example.org/e".into(),
            )),
            sha256: None,
            description: "e".into(),
        });
    }
    doc.practices.0[0].1.evidence.clear();
    assert_eq!(
        unmet_names(
            &strict,
            &doc,
            AttestationKind::Certificate,
            "2026-11-23",
            "2027-11-22"
        ),
        ["evidence"]
    );

    // A kind the scheme does not provide for.
    let declarations_only = parse_scheme(&smm_core::scheme::BUILTIN_SCHEME_YAML.replace(
        "attestations: [certificate, declaration]",
        "attestations: [declaration]",
    ))
    .expect("parses");
    assert_eq!(
        unmet_names(
            &declarations_only,
            &good,
            AttestationKind::Certificate,
            "2026-11-23",
            "2027-11-22"
        ),
        ["attestations"]
    );
    assert!(unmet_names(
        &declarations_only,
        &good,
        AttestationKind::Declaration,
        "2026-11-23",
        "2027-11-22"
    )
    .is_empty());
}
