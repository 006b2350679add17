//! `smm map`, `smm target new --standard` and `smm report --standard`, run for real on the
//! examples, the built-in mappings and broken mapping files.

use crate::support::{json_of, smm, temp_file, workspace};
use predicates::prelude::*;
use serde_json::Value;

const TARGET: &str = "examples/bottling-line/target.yaml";
const ASSESSMENT: &str = "examples/bottling-line/assessment.yaml";

/// One clause the bottling line's target (patch management 2/Industry) addresses, one it
/// does not (it needs 3), one only two practices address together, one outside the model.
const MAPPING: &str = r#"smm: 1
kind: Mapping
standard: {id: plant-rules, title: Our plant rules, version: "2026", publisher: Us}
catalog: {id: iot-smm, version: "1.2"}
method: Written for the tests.
clauses:
  - id: P-1
    title: Patches planned around production stops
    section: Patching
    obligation: mandatory
    relations:
      - practice: patch-management
        relationship: subset-of
        comprehensiveness: 2
        scope: industry
        rationale: Ad hoc patching for the sector covers planned windows.
  - id: P-2
    title: Staged rollouts with rollback
    section: Patching
    obligation: recommended
    relations:
      - {practice: patch-management, relationship: subset-of, comprehensiveness: 3, rationale: Staged rollouts come at 3.}
  - id: O-1
    title: No chocolate in the control room
    section: Other
    outside-model: Not a security practice.
"#;

fn statuses(json: &Value, field: &str) -> Vec<(String, String)> {
    json["clauses"]
        .as_array()
        .expect("clauses")
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap_or_default().to_string(),
                c[field].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_mapping_file_reads_the_target_clause_by_clause_and_writes_every_format() {
    let (dir, mapping) = temp_file("plant-rules.yaml", MAPPING);
    let m = mapping.to_str().expect("utf-8");
    let json = json_of(&["map", m, TARGET, "--json"]);
    assert_eq!(json["kind"], "Coverage");
    assert_eq!(
        statuses(&json, "planned"),
        [
            ("P-1".to_string(), "addressed".to_string()),
            ("P-2".to_string(), "not-addressed".to_string()),
            ("O-1".to_string(), "outside-model".to_string()),
        ]
    );
    assert_eq!(json["planned"]["addressed"], 1);
    assert_eq!(json["planned"]["outside_model"], 1);
    // The table names what would address the clause left open.
    smm()
        .args(["map", m, TARGET])
        .assert()
        .success()
        .stdout(predicate::str::contains("P-2"))
        .stdout(predicate::str::contains("raise patch-management to 3/G"));
    let outputs: Vec<_> = ["csv", "xlsx", "svg", "png"]
        .iter()
        .map(|e| dir.path().join(format!("coverage.{e}")))
        .collect();
    let mut cmd = smm();
    cmd.args(["map", m, TARGET]);
    for o in &outputs {
        cmd.arg("-o").arg(o);
    }
    cmd.assert().success();
    let csv = std::fs::read_to_string(&outputs[0]).expect("csv");
    assert!(csv.starts_with("standard,version,section,clause,title,obligation,target_status"));
    assert!(csv.contains("plant-rules,2026,Patching,P-2,Staged rollouts with rollback,recommended,not-addressed,"), "{csv}");
    assert_eq!(&std::fs::read(&outputs[1]).expect("xlsx")[..2], b"PK");
    let svg = std::fs::read_to_string(&outputs[2]).expect("svg");
    assert!(svg.contains("<title") && svg.contains("Our plant rules"));
    assert_eq!(&std::fs::read(&outputs[3]).expect("png")[1..4], b"PNG");
}

#[test]
fn the_gate_fails_on_a_clause_left_open_and_mandatory_leaves_recommendations_out() {
    let (_dir, mapping) = temp_file("plant-rules.yaml", MAPPING);
    let m = mapping.to_str().expect("utf-8");
    smm()
        .args(["map", m, TARGET, "--check"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("FAIL: 1 clauses of plant-rules"))
        .stdout(predicate::str::contains("P-2"));
    smm()
        .args(["map", m, TARGET, "--check", "--mandatory"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ok:"));
}

#[test]
fn an_assessment_is_read_as_what_is_met_today_beside_its_target() {
    let json = json_of(&["map", "iec-62443-3-3", TARGET, ASSESSMENT, "--json"]);
    let clauses = json["clauses"].as_array().expect("clauses");
    assert_eq!(clauses.len(), 51);
    assert!(clauses
        .iter()
        .all(|c| c["planned"].is_string() && c["current"].is_string()));
    // Counts agree with the statuses listed, for both profiles.
    for (field, counts) in [("planned", &json["planned"]), ("current", &json["current"])] {
        let addressed = clauses.iter().filter(|c| c[field] == "addressed").count();
        assert_eq!(counts["addressed"].as_u64(), Some(addressed as u64));
        assert_eq!(counts["total"], 51);
    }
    // A relation is met exactly when the level reaches the minimum in both measures.
    let rank = |s: &str| {
        ["general", "industry", "system"]
            .iter()
            .position(|x| *x == s)
    };
    for r in clauses
        .iter()
        .flat_map(|c| c["relations"].as_array().expect("relations"))
    {
        let reaches = |level: &Value| {
            level["comprehensiveness"].as_u64() >= r["minimum"]["comprehensiveness"].as_u64()
                && rank(level["scope"].as_str().unwrap_or_default())
                    >= rank(r["minimum"]["scope"].as_str().unwrap_or_default())
        };
        assert_eq!(
            r["planned_met"].as_bool(),
            Some(reaches(&r["planned"])),
            "{r}"
        );
        assert_eq!(
            r["current_met"].as_bool(),
            Some(reaches(&r["current"])),
            "{r}"
        );
    }
}

#[test]
fn the_built_in_standards_are_listed_and_a_wrong_name_gets_a_suggestion() {
    let listed = json_of(&["map", "--list", "--json"]);
    assert_eq!(listed["kind"], "Standards");
    let ids: Vec<&str> = listed["standards"]
        .as_array()
        .expect("standards")
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    for id in [
        "iec-62443-4-1",
        "iec-62443-4-2",
        "iec-62443-3-3",
        "iec-62443-2-1",
        "etsi-en-303-645",
        "nist-ir-8259a",
        "nist-ir-8259b",
        "nist-csf-2.0",
        "eu-cra-annex-i",
    ] {
        assert!(ids.contains(&id), "{id} missing from {listed}");
    }
    smm()
        .args(["map", "etsi-en-303645", TARGET])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `etsi-en-303-645`?"));
}

#[test]
fn a_broken_mapping_file_is_refused_at_its_line() {
    let broken = MAPPING.replace(
        "practice: patch-management\n",
        "practice: patch-managment\n",
    );
    let (_dir, mapping) = temp_file("broken.yaml", &broken);
    let line = broken
        .lines()
        .position(|l| l.contains("patch-managment"))
        .expect("line")
        + 1;
    for args in [
        vec!["map", mapping.to_str().expect("utf-8"), TARGET],
        vec!["validate", mapping.to_str().expect("utf-8")],
    ] {
        smm()
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!("broken.yaml:{line}:")))
            .stderr(predicate::str::contains(
                "unknown practice `patch-managment`",
            ))
            .stderr(predicate::str::contains("did you mean `patch-management`?"));
    }
}

#[test]
fn a_target_started_from_a_standard_addresses_every_clause_the_model_covers() {
    let dir = workspace();
    let plain = dir.path().join("plain.yaml");
    let raised = dir.path().join("raised.yaml");
    let answers = "examples/home-cameras/answers.yaml";
    smm()
        .args(["target", "new", "--answers", answers, "-o"])
        .arg(&plain)
        .assert()
        .success();
    smm()
        .args([
            "target",
            "new",
            "--answers",
            answers,
            "--standard",
            "etsi-en-303-645",
            "-o",
        ])
        .arg(&raised)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "etsi-en-303-645 V3.1.3 (2024-09):",
        ))
        .stdout(predicate::str::contains("practices raised"));
    let before = json_of(&[
        "map",
        "etsi-en-303-645",
        plain.to_str().expect("utf-8"),
        "--json",
    ]);
    let after = json_of(&[
        "map",
        "etsi-en-303-645",
        raised.to_str().expect("utf-8"),
        "--json",
    ]);
    assert!(
        before["planned"]["not_addressed"].as_u64() > Some(0),
        "{}",
        before["planned"]
    );
    assert_eq!(after["planned"]["not_addressed"], 0, "{}", after["planned"]);
    // Every clause with a practice that covers it whole, and nothing outside the model, is
    // addressed now.
    for c in after["clauses"].as_array().expect("clauses") {
        let covering = c["relations"]
            .as_array()
            .expect("relations")
            .iter()
            .any(|r| matches!(r["relationship"].as_str(), Some("equal" | "subset-of")));
        if covering && c["outside_model"].is_null() {
            assert_eq!(c["planned"], "addressed", "{c}");
        }
    }
    // Nothing was lowered, and each raise says which clauses asked for it.
    let levels = |path: &std::path::Path| -> Vec<(String, u64)> {
        json_of(&["show", path.to_str().expect("utf-8"), "--json"])["practices"]
            .as_array()
            .expect("practices")
            .iter()
            .map(|p| {
                (
                    p["id"].as_str().unwrap_or_default().to_string(),
                    p["comprehensiveness"].as_u64().unwrap_or(0),
                )
            })
            .collect()
    };
    let (b, a) = (levels(&plain), levels(&raised));
    assert_eq!(b.len(), a.len());
    assert!(b.iter().zip(&a).all(|(b, a)| a.1 >= b.1), "{b:?} {a:?}");
    assert!(b.iter().zip(&a).any(|(b, a)| a.1 > b.1));
    let text = std::fs::read_to_string(&raised).expect("target");
    assert!(text.contains("to address ETSI EN 303 645"), "{text}");
}

#[test]
fn the_report_gets_a_section_per_standard() {
    let dir = workspace();
    let html = dir.path().join("report.html");
    smm()
        .args([
            "report",
            TARGET,
            ASSESSMENT,
            "--date",
            "2026-12-06",
            "--standard",
            "nist-ir-8259a",
            "--standard",
            "eu-cra-annex-i",
            "-o",
        ])
        .arg(&html)
        .assert()
        .success();
    let text = std::fs::read_to_string(&html).expect("html");
    for id in ["standard-nist-ir-8259a", "standard-eu-cra-annex-i"] {
        assert!(text.contains(&format!("id=\"{id}\"")), "{id}");
        assert!(
            text.contains(&format!("href=\"#{id}\"")),
            "{id} in contents"
        );
    }
    assert!(text.contains("Met today:"));
    assert!(text.contains("device-identification"));
}

#[test]
fn answers_name_their_standards_and_an_unknown_one_is_refused_at_its_line() {
    let answers =
        std::fs::read_to_string(crate::support::root().join("examples/home-cameras/answers.yaml"))
            .expect("answers");
    let with = format!("{answers}\nstandards: [etsi-en-303-645]\nstandard-clauses: mandatory\n");
    let (dir, file) = temp_file("answers.yaml", &with);
    let from_answers = dir.path().join("from-answers.yaml");
    let from_flag = dir.path().join("from-flag.yaml");
    smm()
        .args(["target", "new", "--answers"])
        .arg(&file)
        .arg("-o")
        .arg(&from_answers)
        .assert()
        .success()
        .stdout(predicate::str::contains("etsi-en-303-645: "));
    smm()
        .args([
            "target",
            "new",
            "--answers",
            "examples/home-cameras/answers.yaml",
            "--standard",
            "etsi-en-303-645",
            "--mandatory",
            "-o",
        ])
        .arg(&from_flag)
        .assert()
        .success();
    // The same standard named in the answers or on the command line gives the same target.
    let digest = |p: &std::path::Path| crate::support::digest(p);
    assert_eq!(digest(&from_answers), digest(&from_flag));
    let wrong = format!("{answers}\nstandards: [etsi-en-303-64]\n");
    let (_dir, file) = temp_file("wrong.yaml", &wrong);
    let line = wrong
        .lines()
        .position(|l| l.starts_with("standards:"))
        .expect("line")
        + 1;
    smm()
        .args(["target", "new", "--answers"])
        .arg(&file)
        .arg("-o")
        .arg(dir.path().join("never.yaml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("wrong.yaml:{line}:")))
        .stderr(predicate::str::contains("did you mean `etsi-en-303-645`?"));
}
