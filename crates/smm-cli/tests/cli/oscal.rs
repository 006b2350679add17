//! `smm oscal`: export an example assessment, import it back, and refuse what is not OSCAL.

use assert_cmd::Command;
use predicates::prelude::*;

fn example(path: &str) -> String {
    format!("{}/../../examples/{path}", env!("CARGO_MANIFEST_DIR"))
}

fn smm() -> Command {
    Command::cargo_bin("smm").expect("the smm binary")
}

#[test]
fn an_exported_assessment_imports_back_with_the_same_digest() {
    let dir = tempfile::tempdir().expect("temp dir");
    let results = dir.path().join("results.yaml");
    let back = dir.path().join("assessment.yaml");
    smm()
        .args([
            "oscal",
            "export",
            "results",
            &example("hvac/assessment.yaml"),
        ])
        .args(["--target", &example("hvac/target.yaml"), "-o"])
        .arg(&results)
        .assert()
        .success();
    let text = std::fs::read_to_string(&results).expect("written");
    assert!(
        text.starts_with("assessment-results:") && text.contains("1.2.1"),
        "YAML from the extension: {text:.200}"
    );
    smm()
        .args(["oscal", "import", "--strict"])
        .arg(&results)
        .arg("-o")
        .arg(&back)
        .assert()
        .success()
        .stderr(predicate::str::contains("not mapped").not());
    let digest = |path: &str| {
        let out = smm().args(["digest", path]).output().expect("runs");
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(
        digest(back.to_str().expect("utf-8")),
        digest(&example("hvac/assessment.yaml"))
    );
}

#[test]
fn strict_import_fails_on_what_it_cannot_map_and_lists_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let foreign = dir.path().join("scan.json");
    std::fs::write(
        &foreign,
        r#"{"assessment-results": {"metadata": {"title": "Scan", "version": "1", "last-modified": "2026-01-01T00:00:00Z"},
            "results": [{"start": "2026-01-01T00:00:00Z", "observations": [{"uuid": "o", "props": [{"name": "control-id", "value": "ac-2"}]}]}]}}"#,
    )
    .expect("write");
    smm()
        .args(["oscal", "import", "--strict"])
        .arg(&foreign)
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(
            "$.assessment-results.results[0].observations[0]: names no practice of the catalog",
        ));
}

#[test]
fn importing_a_target_profile_is_refused_with_the_file_and_line() {
    smm()
        .args(["oscal", "import", &example("hvac/target.yaml")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("target.yaml:1:1"))
        .stderr(predicate::str::contains("smm document, not OSCAL"));
}

#[test]
fn the_poam_follows_the_roadmap_options() {
    smm()
        .args([
            "oscal",
            "export",
            "poam",
            &example("hvac/target.yaml"),
            &example("hvac/assessment.yaml"),
        ])
        .args(["--budget", "40d", "--format", "json"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "\"plan-of-action-and-milestones\"",
        ))
        .stdout(predicate::str::contains("within-date-range"));
}
