//! The two formats read back: counts, failures, lines and escaping.

use smm_core::located::Position;

use super::junit::junit_xml;
use super::sarif::{path_uri, sarif_log};
use super::*;

fn verdict(id: &str, verdict: Verdict, line: u64) -> PracticeVerdict {
    PracticeVerdict {
        id: id.to_string(),
        name: format!("Name of {id}"),
        purpose: "Why it matters.".to_string(),
        domain: "governance".to_string(),
        subdomain: "threats".to_string(),
        required: "3/I".to_string(),
        present: if verdict == Verdict::Under {
            "2/I"
        } else {
            "3/I"
        }
        .to_string(),
        verdict,
        shortfall: if verdict == Verdict::Under {
            "1 level short".to_string()
        } else {
            String::new()
        },
        at: Position::new(line, 24),
    }
}

fn report() -> GateReport {
    GateReport {
        title: "Line <A> & \"B\" target against line 3.1".to_string(),
        target_file: "profiles/my target.yaml".to_string(),
        measured_file: "assessments/line.yaml".to_string(),
        measured: Measured::Assessment,
        practices: vec![
            verdict("threat-modeling", Verdict::Under, 120),
            verdict("risk-attitude", Verdict::Met, 137),
            verdict("compliance", Verdict::Over, 0),
            verdict("patch-management", Verdict::Under, 0),
        ],
    }
}

#[test]
fn junit_has_a_test_case_per_practice_and_a_failure_per_practice_under_target() {
    let xml = junit_xml(&report());
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .expect("a test suite");
    assert_eq!(
        suite.attribute("name"),
        Some("Line <A> & \"B\" target against line 3.1")
    );
    assert_eq!(suite.attribute("tests"), Some("4"));
    assert_eq!(suite.attribute("failures"), Some("2"));
    let cases: Vec<_> = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 4);
    assert_eq!(
        cases[0].attribute("classname"),
        Some("smm.governance.threats")
    );
    let failure = cases[0]
        .children()
        .find(|n| n.has_tag_name("failure"))
        .expect("the practice under target fails");
    assert_eq!(failure.attribute("message"), Some("1 level short"));
    let text = failure.text().unwrap_or_default();
    assert!(text.contains("target 3/I, current 2/I"), "{text}");
    assert!(text.contains("profiles/my target.yaml:120"), "{text}");
    assert!(
        cases[1].children().all(|n| !n.is_element()),
        "met: no child"
    );
    assert!(cases[2]
        .children()
        .any(|n| n.has_tag_name("system-out")
            && n.text().unwrap_or_default().contains("above target")));
    let unknown = cases[3]
        .children()
        .find(|n| n.has_tag_name("failure"))
        .and_then(|n| n.text())
        .unwrap_or_default();
    assert!(
        !unknown.contains(".yaml:"),
        "no line when none is known: {unknown}"
    );
}

#[test]
fn sarif_has_a_rule_per_practice_and_a_located_result_per_practice_under_target() {
    let log: serde_json::Value = serde_json::from_str(&sarif_log(&report())).expect("valid JSON");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(
        run["tool"]["driver"]["rules"].as_array().map(Vec::len),
        Some(4)
    );
    assert_eq!(run["tool"]["driver"]["rules"][0]["name"], "ThreatModeling");
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["ruleId"], "threat-modeling");
    assert_eq!(results[0]["ruleIndex"], 0);
    assert_eq!(results[1]["ruleIndex"], 3);
    let location = &results[0]["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "profiles/my%20target.yaml"
    );
    assert_eq!(location["region"]["startLine"], 120);
    assert_eq!(location["region"]["startColumn"], 24);
    assert!(
        results[1]["locations"][0]["physicalLocation"]
            .get("region")
            .is_none(),
        "no region when no line is known"
    );
    assert_eq!(
        results[0]["partialFingerprints"]["smmPractice/v1"],
        "profiles/my target.yaml#threat-modeling"
    );
}

#[test]
fn paths_become_uri_references() {
    assert_eq!(path_uri("./a/b c.yaml"), "a/b%20c.yaml");
    assert_eq!(path_uri("/srv/x#1.yaml"), "file:///srv/x%231.yaml");
    assert_eq!(path_uri("C:\\p\\t.yaml"), "file:///C:/p/t.yaml");
    assert_eq!(path_uri("a:b/t.yaml"), "a%3Ab/t.yaml");
    assert_eq!(path_uri("é.yaml"), "%C3%A9.yaml");
}
