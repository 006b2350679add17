//! `smm check` for CI systems: JUnit XML validated against the JUnit schema CI servers share,
//! SARIF validated against the SARIF 2.1.0 JSON Schema, each result at the line of the target
//! that sets the level it misses, and `--json`.
//!
//! The schemas and xmllint come from `scripts/ci-schemas` (run by scripts/test, which exports
//! SMM_TEST_SARIF_SCHEMA and SMM_TEST_JUNIT_XSD); without them the validation is skipped, loudly,
//! except under `CI=true`, where it fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::support::*;

/// A provisioned file named by an environment variable, or `None` outside CI when absent.
fn provisioned(var: &str) -> Option<PathBuf> {
    match std::env::var_os(var).map(PathBuf::from) {
        Some(path) if path.is_file() => Some(path),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true but {var} does not name a file: scripts/test runs scripts/ci-schemas"
            );
            eprintln!("skipping schema validation: {var} is not set (run scripts/ci-schemas)");
            None
        }
    }
}

/// Fails with every error when `log` is not a valid SARIF 2.1.0 log.
fn assert_valid_sarif(log: &Value) {
    let Some(path) = provisioned("SMM_TEST_SARIF_SCHEMA") else {
        return;
    };
    let mut schema: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read the SARIF schema"))
            .expect("the SARIF schema is JSON");
    drop_broken_language_pattern(&mut schema);
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("at {}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
}

/// The published schema's pattern for `language` (a BCP 47 tag) has a stray `]`, which a
/// validator that checks the schema's own regular expressions refuses; others report the same and
/// drop it. smm writes no `language`, so nothing checked is lost.
const BROKEN_LANGUAGE_PATTERN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";

fn drop_broken_language_pattern(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if map.get("pattern").and_then(Value::as_str) == Some(BROKEN_LANGUAGE_PATTERN) {
                map.remove("pattern");
            }
            map.values_mut().for_each(drop_broken_language_pattern);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_broken_language_pattern),
        _ => {}
    }
}

/// Fails with xmllint's complaint when `file` is not valid against the JUnit schema.
fn assert_valid_junit(file: &Path) {
    let Some(xsd) = provisioned("SMM_TEST_JUNIT_XSD") else {
        return;
    };
    let out = match Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&xsd)
        .arg(file)
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true but xmllint cannot run ({e}): scripts/ci-schemas installs libxml2-utils"
            );
            eprintln!("skipping JUnit validation: xmllint cannot run ({e})");
            return;
        }
    };
    assert!(
        out.status.success(),
        "invalid JUnit XML:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs `smm check` from the repository root with the two outputs in `dir`; returns the exit
/// code, the JUnit text and the SARIF log.
fn check(dir: &Path, target: &str, second: &str) -> (i32, String, Value) {
    let junit = dir.join("smm.junit.xml");
    let sarif = dir.join("smm.sarif");
    let out = smm()
        .args(["check", target, second, "--junit"])
        .arg(&junit)
        .arg("--sarif")
        .arg(&sarif)
        .output()
        .expect("run smm check");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_valid_junit(&junit);
    let log: Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).expect("the SARIF file"))
            .expect("JSON");
    assert_valid_sarif(&log);
    (
        out.status.code().unwrap_or(-1),
        std::fs::read_to_string(&junit).expect("the JUnit file"),
        log,
    )
}

/// The SARIF results as (rule id, line) pairs.
fn located(log: &Value) -> Vec<(String, u64)> {
    log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap_or_default().to_string(),
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap_or(0),
            )
        })
        .collect()
}

/// The text of 1-based line `n` of `text`.
fn line(text: &str, n: u64) -> &str {
    text.lines().nth(n as usize - 1).unwrap_or_default()
}

#[test]
fn a_failing_gate_writes_valid_junit_and_sarif_that_point_at_the_target_lines() {
    let dir = workspace();
    let (code, junit, log) = check(dir.path(), BOTTLING_TARGET, BOTTLING_ASSESSMENT);
    assert_eq!(code, 1, "three practices are under target");

    let doc = roxml(&junit);
    let cases = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .count();
    let failed: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .map(|n| {
            n.parent()
                .and_then(|c| c.attribute("name"))
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert_eq!(cases, 18, "one test case per practice");
    assert_eq!(
        failed,
        [
            "threat-modeling: Threat Modeling",
            "patch-management: Patch Management",
            "detection-response-plan: Event Detection and Response Plan"
        ]
    );

    // Each result points at the line of the target that sets the measure it misses: the
    // threats subdomain's depth, the practice's own scope, the hardening goal's depth.
    let results = located(&log);
    assert_eq!(results.len(), 3);
    let text = BOTTLING_TARGET_TEXT;
    let lines: Vec<(&str, &str)> = results
        .iter()
        .map(|(id, n)| (id.as_str(), line(text, *n).trim()))
        .collect();
    assert_eq!(
        lines,
        [
            ("threat-modeling", "comprehensiveness: 3"),
            ("patch-management", "scope: industry"),
            ("detection-response-plan", "comprehensiveness: 2"),
        ]
    );
    let (_, threats_line) = &results[0];
    assert!(
        text.lines()
            .nth(*threats_line as usize - 2)
            .unwrap_or_default()
            .trim()
            == "threats:",
        "the threats subdomain's line"
    );
    assert_eq!(
        log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        BOTTLING_TARGET
    );
    assert_eq!(
        log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .map(Vec::len),
        Some(18),
        "one rule per practice"
    );
}

#[test]
fn a_passing_gate_writes_outputs_with_no_failure() {
    let work = example_copy("bottling-line");
    // Lower the three levels the assessment misses: the gate then passes.
    let target = work.path().join("target.yaml");
    edit(
        &target,
        "  threats:\n    comprehensiveness: 3",
        "  threats:\n    comprehensiveness: 2",
    );
    edit(
        &target,
        "  patch-management:\n    scope: industry",
        "  patch-management:\n    scope: general",
    );
    edit(
        &target,
        "    comprehensiveness: 2\n    scope: general\n    responsible: integrator\n    cost-bearer: producer\n    deadline",
        "    comprehensiveness: 1\n    scope: general\n    responsible: integrator\n    cost-bearer: producer\n    deadline",
    );
    // The assessment names its target by digest: point it at the new one.
    let assessment = work.path().join("assessment.yaml");
    let old = digest(&root().join(BOTTLING_TARGET));
    edit(&assessment, &old, &digest(&target));
    let out = smm()
        .args(["check"])
        .arg(&target)
        .arg(&assessment)
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    if out.status.code() != Some(0) {
        panic!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
    }
    let (code, junit, log) = check(
        work.path(),
        target.to_str().expect("UTF-8 path"),
        assessment.to_str().expect("UTF-8 path"),
    );
    assert_eq!(code, 0);
    let doc = roxml(&junit);
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("failure"))
            .count(),
        0
    );
    assert_eq!(located(&log), []);
    // An absolute path is a file URI.
    let uri = log["runs"][0]["artifacts"][0]["location"]["uri"]
        .as_str()
        .unwrap_or_default();
    assert!(uri.starts_with("file:///"), "{uri}");
}

#[test]
fn a_profile_that_does_not_cover_the_target_fails_in_every_format() {
    let dir = workspace();
    let (code, junit, log) = check(dir.path(), "examples/hvac/target.yaml", BOTTLING_TARGET);
    assert_eq!(code, 1);
    let failures = roxml(&junit)
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .count();
    assert_eq!(failures, 5);
    let results = located(&log);
    assert_eq!(results.len(), 5);
    assert!(
        results.iter().all(|(_, n)| *n > 0),
        "every result has a line"
    );
    assert!(log["runs"][0]["results"][0]["message"]["text"]
        .as_str()
        .unwrap_or_default()
        .contains("offered"));
}

#[test]
fn check_json_lists_every_practice_with_its_verdict_and_line() {
    let out = smm()
        .args(["check", BOTTLING_TARGET, BOTTLING_ASSESSMENT, "--json"])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(1),
        "JSON does not change the exit code"
    );
    let json: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(json["kind"], "Check");
    assert_eq!(json["passed"], false);
    assert_eq!(json["summary"]["under"], 3);
    assert_eq!(json["practices"].as_array().map(Vec::len), Some(18));
    let threat = json["practices"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["id"] == "threat-modeling"))
        .expect("threat-modeling");
    assert_eq!(threat["verdict"], "under");
    assert_eq!(threat["shortfall"], "1 level short");
    let n = threat["line"].as_u64().expect("a line");
    assert_eq!(line(BOTTLING_TARGET_TEXT, n).trim(), "comprehensiveness: 3");
}

#[test]
fn an_output_that_cannot_be_written_is_bad_input() {
    let dir = workspace();
    let missing = dir.path().join("no-such-folder/out.sarif");
    let out = smm()
        .args(["check", BOTTLING_TARGET, BOTTLING_ASSESSMENT, "--sarif"])
        .arg(&missing)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("out.sarif"), "{stderr}");
}

fn roxml(text: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(text).expect("well-formed XML")
}

#[test]
fn the_validators_refuse_what_the_schemas_forbid() {
    let dir = workspace();
    let (_, junit, mut log) = check(dir.path(), BOTTLING_TARGET, BOTTLING_ASSESSMENT);
    // SARIF lines start at 1: a result at line 0 is not a SARIF log.
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        Value::from(0);
    if provisioned("SMM_TEST_SARIF_SCHEMA").is_some() {
        let refused = std::panic::catch_unwind(|| assert_valid_sarif(&log));
        assert!(refused.is_err(), "a line 0 must be refused");
    }
    // A test case needs a name.
    let broken = dir.path().join("broken.xml");
    std::fs::write(
        &broken,
        junit.replacen("<testcase name=", "<testcase title=", 1),
    )
    .expect("write");
    if provisioned("SMM_TEST_JUNIT_XSD").is_some() {
        let refused = std::panic::catch_unwind(|| assert_valid_junit(&broken));
        assert!(
            refused.is_err(),
            "a test case without a name must be refused"
        );
    }
}
