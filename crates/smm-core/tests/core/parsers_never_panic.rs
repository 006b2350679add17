//! Whatever a user feeds smm, the parsers answer with diagnostics, never a panic.

use crate::support::CATALOG;
use proptest::prelude::*;
use smm_core::{
    current_profile, parse_assessment, parse_catalog, parse_document, parse_target, resolve, risk,
    Catalog,
};

/// Runs every entry point that takes user text.
fn feed(catalog: &Catalog, text: &str) {
    let _ = parse_document(text);
    let _ = parse_catalog(text);
    if let Ok(target) = parse_target(text) {
        let _ = resolve(catalog, &target);
    }
    if let Ok(assessment) = parse_assessment(text) {
        let _ = current_profile(catalog, &assessment);
    }
}

/// The risk files' parsers (kept out of `feed`: the mangled target and assessment would only
/// make them fail at the header, at the cost of a full parse each).
fn feed_risk(catalog: &Catalog, text: &str) {
    let _ = risk::parse_risk_effects(catalog, text);
    let _ = risk::parse_risk_scenarios(catalog, text);
}

/// YAML built from the documents' own vocabulary, so the fuzzing reaches past the header.
fn yaml_value(depth: u32) -> BoxedStrategy<String> {
    let scalar = prop_oneof![
        Just("1".to_string()),
        Just("TargetProfile".to_string()),
        Just("Assessment".to_string()),
        Just("ad-hoc".to_string()),
        Just("I".to_string()),
        Just("-3".to_string()),
        Just("99999999999999999999".to_string()),
        Just("2026-02-30".to_string()),
        Just("null".to_string()),
        Just("~".to_string()),
        Just("[]".to_string()),
        Just("{}".to_string()),
        Just("&a x".to_string()),
        Just("*a".to_string()),
        "[a-z -]{0,12}".prop_map(|s| format!("\"{s}\"")),
        (0u32..10).prop_map(|n| n.to_string()),
    ];
    if depth == 0 {
        return scalar.boxed();
    }
    let key = prop_oneof![
        Just("smm"),
        Just("kind"),
        Just("name"),
        Just("system"),
        Just("role"),
        Just("date"),
        Just("catalog"),
        Just("id"),
        Just("version"),
        Just("goals"),
        Just("governance"),
        Just("hardening"),
        Just("enablement"),
        Just("statement"),
        Just("comprehensiveness"),
        Just("scope"),
        Just("rationale"),
        Just("subdomains"),
        Just("practices"),
        Just("threats"),
        Just("threat-modeling"),
        Just("patch-managment"),
        Just("target"),
        Just("path"),
        Just("sha256"),
        Just("product"),
        Just("evidence"),
        Just("file"),
        Just("url"),
        Just("findings"),
        Just("recommendations"),
        Just("severity"),
        Just("cve"),
        Just("scenarios"),
        Just("currency"),
        Just("threat-event-frequency"),
        Just("vulnerability"),
        Just("primary-loss"),
        Just("min"),
        Just("likely"),
        Just("max"),
        Just("<<"),
    ];
    let inner = yaml_value(depth - 1);
    prop_oneof![
        scalar,
        proptest::collection::vec((key, inner.clone()), 0..6).prop_map(|entries| {
            let body: Vec<String> = entries
                .into_iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect();
            format!("{{{}}}", body.join(", "))
        }),
        proptest::collection::vec(inner, 0..4).prop_map(|items| format!("[{}]", items.join(", "))),
    ]
    .boxed()
}

fn document() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            Just("TargetProfile"),
            Just("Assessment"),
            Just("Catalog"),
            Just("RiskScenarios"),
            Just("Other")
        ],
        proptest::collection::vec(
            (
                prop_oneof![
                    Just("name"),
                    Just("system"),
                    Just("role"),
                    Just("date"),
                    Just("catalog"),
                    Just("goals"),
                    Just("subdomains"),
                    Just("practices"),
                    Just("target"),
                    Just("product"),
                    Just("findings"),
                    Just("recommendations"),
                    Just("domains"),
                    Just("comprehensiveness"),
                    Just("scopes"),
                    Just("bogus"),
                ],
                yaml_value(3),
            ),
            0..10,
        ),
    )
        .prop_map(|(kind, fields)| {
            let mut text = format!("smm: 1\nkind: {kind}\n");
            for (k, v) in fields {
                text.push_str(&format!("{k}: {v}\n"));
            }
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let catalog = &*CATALOG;
        let text = String::from_utf8_lossy(&bytes);
        feed(catalog, &text);
        feed_risk(catalog, &text);
    }

    #[test]
    fn arbitrary_yaml_documents_never_panic(text in document()) {
        let catalog = &*CATALOG;
        feed(catalog, &text);
        feed_risk(catalog, &text);
    }

    #[test]
    fn mangled_examples_never_panic(cut in 0usize..4000, insert in "[\\[\\]{}:,&*!|>'\"#\\n -]{0,4}") {
        let catalog = &*CATALOG;
        for source in [
            include_str!("../../../../examples/bottling-line/target.yaml"),
            include_str!("../../../../examples/bottling-line/assessment.yaml"),
        ] {
            let at = source.char_indices().map(|(i, _)| i).nth(cut % source.chars().count().max(1)).unwrap_or(0);
            let mut text = source.to_string();
            text.insert_str(at, &insert);
            feed(catalog, &text);
        }
    }
}

proptest! {
    // Fewer cases: each parses two long files twice.
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn mangled_risk_files_never_panic(cut in 0usize..9000, insert in "[\\[\\]{}:,&*!|>'\"#\\n -]{0,4}") {
        let catalog = &*CATALOG;
        for source in [
            include_str!("../../../../examples/bottling-line/risk.yaml"),
            smm_core::risk::BUILTIN_RISK_EFFECTS_YAML,
        ] {
            let at = source.char_indices().map(|(i, _)| i).nth(cut % source.chars().count().max(1)).unwrap_or(0);
            let mut text = source.to_string();
            text.insert_str(at, &insert);
            feed_risk(catalog, &text);
        }
    }
}
