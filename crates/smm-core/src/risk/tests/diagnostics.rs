//! The risk files' diagnostics, their schemas, and reading them as documents.

use super::*;

/// Parses `text` with the built-in catalog and returns the rendered diagnostics.
fn problems(text: &str) -> String {
    parse_risk_scenarios(&Catalog::builtin(), text)
        .expect_err("refused")
        .to_string()
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .expect("in the text")
        + 1
}

#[test]
fn ranges_out_of_order_and_out_of_bounds_point_at_their_line() {
    let text = BOTTLING.replace(
        "vulnerability: { min: 0.03, likely: 0.12, max: 0.35, confidence: low }",
        "vulnerability: { min: 0.03, likely: 0.12, max: 1.35, confidence: low }",
    );
    let found = problems(&text);
    let line = line_of(&text, "max: 1.35");
    assert!(found.contains(&format!("{line}:")), "{found}");
    assert!(
        found.contains("scenarios[0].vulnerability.max") && found.contains("probability"),
        "{found}"
    );

    let text = BOTTLING.replace(
        "primary-loss: { min: 100000, likely: 300000, max: 900000",
        "primary-loss: { min: 100000, likely: 30000, max: 900000",
    );
    let found = problems(&text);
    assert!(
        found.contains(&format!("{}:", line_of(&text, "likely: 30000,"))),
        "{found}"
    );
    assert!(found.contains("min <= likely <= max"), "{found}");

    let text = BOTTLING.replace(
        "threat-event-frequency: { min: 0.3, likely: 1, max: 4",
        "threat-event-frequency: { min: -0.3, likely: 1, max: 4",
    );
    assert!(problems(&text).contains("from 0 to 10,000 a year"));
}

#[test]
fn document_level_mistakes_are_named() {
    let text = BOTTLING.replace("currency: EUR", "currency: EURO");
    let found = problems(&text);
    assert!(
        found.contains(&format!("{}:", line_of(&text, "currency: EURO"))),
        "{found}"
    );
    assert!(
        found.contains("ISO 4217") && found.contains("did you mean `EUR`"),
        "{found}"
    );

    let text = BOTTLING.replace("- id: recipe-leak", "- id: tampered-recipe");
    let found = problems(&text);
    assert!(found.contains("defined twice"), "{found}");

    let text = BOTTLING.replace(
        "    secondary-loss: { min: 50000, likely: 250000",
        "    # gone: { min: 50000, likely: 250000",
    );
    assert!(problems(&text).contains("only half of the secondary loss"));

    let text = BOTTLING.replace(
        "    threat-capability: { min: 30",
        "    vulnerability: { min: 0.1, likely: 0.2, max: 0.3, confidence: low }\n    threat-capability: { min: 30",
    );
    assert!(problems(&text).contains("either `vulnerability` or both"));

    let text = BOTTLING.replace("iterations: 100000", "iterations: 10");
    assert!(problems(&text).contains("simulation.iterations"));
}

#[test]
fn overrides_name_real_practices_and_steps() {
    let text = BOTTLING.replace(
        "      third-party-services:\n        c3:",
        "      third-party-service:\n        c3:",
    );
    let found = problems(&text);
    assert!(
        found.contains(&format!("{}:", line_of(&text, "third-party-service:"))),
        "{found}"
    );
    assert!(
        found.contains("did you mean `third-party-services`"),
        "{found}"
    );
    // Without the catalog the practice id is not checked, the rest is.
    assert!(parse_risk_scenarios_unchecked(&text).is_ok());

    let text = BOTTLING.replace(
        "      third-party-services:\n        c3:",
        "      third-party-services:\n        c5:",
    );
    assert!(problems(&text).contains("unknown step `c5`"));

    let text = BOTTLING.replace(
        "threat-event-frequency: { min: 0.15, likely: 0.3, max: 0.5 }",
        "threat-event-frequency: { min: 0.15, likely: 0.3, max: 1.0 }",
    );
    assert!(problems(&text).contains("no single step removes a factor entirely"));
}

#[test]
fn the_effects_file_is_checked_against_the_catalog() {
    let catalog = Catalog::builtin();
    let text = BUILTIN_RISK_EFFECTS_YAML.replace("  patch-management:\n", "  patch-managment:\n");
    let found = parse_risk_effects(&catalog, &text)
        .expect_err("unknown")
        .to_string();
    assert!(found.contains("did you mean `patch-management`"), "{found}");
    let text = BUILTIN_RISK_EFFECTS_YAML.replacen(
        "      secondary-loss: { min: 0.0, likely: 0.1, max: 0.2 }\n      rationale",
        "      rationale",
        1,
    );
    let found = parse_risk_effects(&catalog, &text)
        .expect_err("empty")
        .to_string();
    assert!(found.contains("names no factor"), "{found}");
    let text = BUILTIN_RISK_EFFECTS_YAML.replace("kind: RiskEffects", "kind: Actions");
    assert!(parse_risk_effects(&catalog, &text).is_err());
}

#[test]
fn both_risk_files_have_a_json_schema_and_read_as_documents() {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let schema = serde_json::to_value(generator.into_root_schema_for::<RiskScenarios>())
        .expect("serializes");
    let required = schema["required"].as_array().expect("required fields");
    for field in ["system", "currency", "scenarios"] {
        assert!(required.iter().any(|r| r == field), "{field}: {schema}");
    }
    let text = serde_json::to_string(&schema).expect("text");
    assert!(text.contains("threat-event-frequency") && text.contains("resistance-strength"));
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let effects = serde_json::to_value(generator.into_root_schema_for::<RiskEffectsFile>())
        .expect("serializes");
    assert!(effects["properties"]["practices"].is_object(), "{effects}");
    assert!(matches!(
        crate::parse_document(BUILTIN_RISK_EFFECTS_YAML),
        Ok(crate::Document::Planning {
            kind: crate::Kind::RiskEffects,
            ..
        })
    ));
}
