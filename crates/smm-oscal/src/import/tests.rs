//! The import's mapping of other tools' results, its report and its refusals.

use super::*;
use smm_core::document::Severity;

fn foreign(observations: &str, findings: &str) -> String {
    format!(
        r#"{{"assessment-results": {{"uuid": "u", "metadata": {{"title": "Scan", "version": "7", "last-modified": "2026-02-03T04:05:06Z", "oscal-version": "1.2.1"}},
          "import-ap": {{"href": "plan.json"}},
          "results": [{{"uuid": "r", "title": "t", "description": "d", "start": "2026-02-01T00:00:00Z",
            "observations": [{observations}], "findings": [{findings}]}}]}}}}"#
    )
}

#[test]
fn an_observation_that_names_a_practice_and_its_levels_becomes_an_assessed_practice() {
    let text = foreign(
        r#"{"uuid": "o1", "description": "d", "methods": ["TEST"], "collected": "2026-02-01T00:00:00Z",
            "props": [{"name": "control-id", "value": "threat-modeling"}, {"name": "comprehensiveness", "value": "2"}, {"name": "scope", "value": "industry"}],
            "relevant-evidence": [{"href": "https://example.org/tara", "description": "TARA"}]}"#,
        "",
    );
    let imported = import_results(&Catalog::builtin(), &text).expect("imports");
    let (id, practice) = &imported.assessment.practices.0[0];
    assert_eq!(id.value, "threat-modeling");
    assert_eq!(practice.comprehensiveness.value, Comprehensiveness::AdHoc);
    assert_eq!(practice.scope.value, Scope::Industry);
    assert_eq!(
        practice.evidence[0].url.as_ref().map(|u| u.value.as_str()),
        Some("https://example.org/tara")
    );
    assert_eq!(imported.assessment.product.name, "Scan");
    assert_eq!(imported.assessment.date.to_string(), "2026-02-01");
}

#[test]
fn unknown_control_ids_and_missing_levels_end_up_in_the_report_with_their_path() {
    let text = foreign(
        r#"{"uuid": "o1", "props": [{"name": "control-id", "value": "ac-2"}]},
           {"uuid": "o2", "props": [{"name": "control-id", "value": "monitoring"}]}"#,
        r#"{"uuid": "f1", "title": "t", "description": "d", "target": {"type": "objective-id", "target-id": "ac-2_obj", "status": {"state": "not-satisfied"}}},
           {"uuid": "f2", "title": "Weak logs", "description": "d", "target": {"type": "objective-id", "target-id": "monitoring_obj", "status": {"state": "not-satisfied"}}}"#,
    );
    let imported = import_results(&Catalog::builtin(), &text).expect("imports");
    let paths: Vec<&str> = imported
        .report
        .unmapped
        .iter()
        .map(|u| u.path.as_str())
        .collect();
    assert!(
        paths.contains(&"$.assessment-results.results[0].observations[0]"),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"$.assessment-results.results[0].observations[1]"),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"$.assessment-results.results[0].findings[0]"),
        "{paths:?}"
    );
    assert!(imported.assessment.practices.is_empty());
    // The finding on a practice of the catalog maps, its assumed severity is reported.
    let finding = &imported.assessment.findings[0];
    assert_eq!(
        finding.practice.as_ref().map(|p| p.value.as_str()),
        Some("monitoring")
    );
    assert_eq!(finding.severity, Severity::Medium);
    assert!(
        paths.contains(&"$.assessment-results.results[0].findings[1].props"),
        "{paths:?}"
    );
}

#[test]
fn other_documents_are_refused_with_what_they_are() {
    let catalog = Catalog::builtin();
    let message = |text: &str| match import_results(&catalog, text) {
        Err(d) => d.0[0].message.clone(),
        Ok(_) => panic!("accepted {text}"),
    };
    assert!(
        message("smm: 1\nkind: TargetProfile\ncatalog: {id: iot-smm}\n").contains("smm document")
    );
    assert!(message(r#"{"catalog": {"uuid": "x"}}"#).contains("OSCAL catalog"));
    assert!(message("[1, 2]").contains("not OSCAL"));
    assert!(message(r#"{"assessment-results": {"results": []}}"#).contains("no result"));
    assert!(import_results(&catalog, "{ unclosed").is_err());
}

#[test]
fn odd_shapes_never_panic() {
    let catalog = Catalog::builtin();
    for text in [
        r#"{"assessment-results": {"results": [{}]}}"#,
        r#"{"assessment-results": {"results": [{"start": 5, "observations": {"a": 1}, "findings": [1, null, {"target": 3}]}], "metadata": []}}"#,
        r#"{"assessment-results": {"results": [{"start": "2026-13-45T00:00:00Z"}], "back-matter": {"resources": [{"props": "x"}]}}}"#,
        r#"{"assessment-results": {"results": [{"start": "2026-01-01", "observations": [{"props": [{"ns": 1, "name": null}]}], "local-definitions": {"tasks": [{}]}}]}}"#,
    ] {
        let _ = import_results(&catalog, text);
    }
}

/// Any JSON at all, nested a few levels, with OSCAL's key names among the keys so the reader
/// walks deep into it.
fn any_json() -> impl proptest::strategy::Strategy<Value = Value> {
    use proptest::prelude::*;
    let key = prop::sample::select(vec![
        "results",
        "observations",
        "findings",
        "props",
        "name",
        "ns",
        "value",
        "class",
        "remarks",
        "target",
        "target-id",
        "status",
        "state",
        "start",
        "metadata",
        "back-matter",
        "resources",
        "local-definitions",
        "tasks",
        "relevant-evidence",
        "href",
        "risks",
        "parties",
        "responsible-parties",
        "party-uuids",
        "role-id",
        "uuid",
        "related-observations",
        "observation-uuid",
        "x",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        prop::sample::select(vec![
            "",
            "threat-modeling",
            "2",
            "industry",
            "gap",
            "nonconformity",
            "open",
            "verbatim",
            SMM_NS_TEXT,
            "2026-02-30T00:00:00Z",
            "2026-01-01T00:00:00Z",
            "assessor",
        ])
        .prop_map(|s| Value::String(s.to_string())),
    ];
    leaf.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..6).prop_map(|pairs| {
                Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            }),
        ]
    })
}

const SMM_NS_TEXT: &str = crate::SMM_NS;

proptest::proptest! {
    #[test]
    fn the_import_never_panics_on_any_json(body in any_json()) {
        let text = serde_json::json!({ "assessment-results": body }).to_string();
        let _ = import_results(&Catalog::builtin(), &text);
    }
}
