//! The `smm` binary, run for real on the examples and on broken input.

use std::path::Path;

use crate::support::{
    digest, example_copy, json_of, repository_text, root, smm, temp_file, workspace,
    BOTTLING_ASSESSMENT, BOTTLING_TARGET,
};
use predicates::prelude::*;
use serde_json::Value;

/// The bottling line's target with its first `comprehensiveness: 3` (the governance goal)
/// written as `value`.
fn bottling_target_at(value: &str) -> String {
    let text = repository_text(BOTTLING_TARGET);
    assert!(text.contains("comprehensiveness: 3"), "the example moved");
    text.replacen(
        "comprehensiveness: 3",
        &format!("comprehensiveness: {value}"),
        1,
    )
}

#[test]
fn help_is_available_for_every_command() {
    smm()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Exit codes"));
    for cmd in [
        "catalog", "validate", "show", "gap", "check", "schema", "digest", "compare", "trend",
    ] {
        smm()
            .args([cmd, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Usage"));
    }
}

#[test]
fn catalog_json_lists_the_whole_hierarchy() {
    let v = json_of(&["catalog", "--json"]);
    let domains = v["domains"].as_array().expect("domains");
    assert_eq!(domains.len(), 3);
    let practices: Vec<&Value> = domains
        .iter()
        .flat_map(|d| d["subdomains"].as_array().into_iter().flatten())
        .flat_map(|s| s["practices"].as_array().into_iter().flatten())
        .collect();
    assert_eq!(practices.len(), 18);
    assert!(practices
        .iter()
        .all(|p| p["id"].is_string() && p["name"].is_string()));
    assert!(practices.iter().any(|p| p["id"] == "patch-management"));
}

#[test]
fn catalog_shows_one_practice_with_every_level_meaning() {
    let v = json_of(&["catalog", "--json"]);
    let tm = v["domains"][0]["subdomains"][1]["practices"][0].clone();
    assert_eq!(tm["id"], "threat-modeling");
    let out = smm()
        .args(["catalog", "threat-modeling"])
        .output()
        .expect("run");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for level in tm["levels"].as_array().expect("levels") {
        let first_words: String = level["description"]
            .as_str()
            .expect("text")
            .split_whitespace()
            .take(4)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            text.contains(&first_words),
            "missing level text {first_words:?}"
        );
    }
    assert!(text.contains("Industry scope adds") && text.contains("System scope adds"));
}

#[test]
fn an_unknown_catalog_id_suggests_the_nearest() {
    smm()
        .args(["catalog", "threat-modelling"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `threat-modeling`?"));
}

#[test]
fn show_json_has_levels_sources_and_rollups() {
    let v = json_of(&["show", BOTTLING_TARGET, "--json"]);
    let practices = v["practices"].as_array().expect("practices");
    assert_eq!(practices.len(), 18);
    for p in practices {
        assert!(
            p["comprehensiveness"].as_u64().is_some_and(|c| c <= 4),
            "{p}"
        );
        assert!(
            ["general", "industry", "system"].contains(&p["scope"].as_str().unwrap_or("")),
            "{p}"
        );
        assert!(
            ["domain-goal", "subdomain-override", "practice-override"]
                .contains(&p["source"].as_str().unwrap_or("")),
            "{p}"
        );
    }
    let governance = v["domains"]
        .as_array()
        .expect("domains")
        .iter()
        .find(|d| d["id"] == "governance")
        .expect("governance");
    assert_eq!(governance["rollup"]["comprehensiveness"], "2+");
    assert_eq!(governance["rollup"]["scope"], "industry");
    let hardening = v["domains"]
        .as_array()
        .expect("domains")
        .iter()
        .find(|d| d["id"] == "hardening")
        .expect("hardening");
    assert_eq!(hardening["rollup"]["scope"], "general+");
    assert_eq!(v["subdomains"].as_array().expect("subdomains").len(), 9);
    assert!(v["subdomains"][0]["rollup"]["comprehensiveness"].is_string());
}

#[test]
fn show_prints_a_readable_table_without_colour_when_piped() {
    let out = smm().args(["show", BOTTLING_TARGET]).output().expect("run");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains('\u{1b}'), "colour codes in piped output");
    assert!(text.contains("threat-modeling") && text.contains("2+") && text.contains("general+"));
    assert!(text.contains("subdomain override"));
}

#[test]
fn colour_is_used_when_forced_and_dropped_under_no_color() {
    let forced = smm()
        .args(["show", BOTTLING_TARGET])
        .env("CLICOLOR_FORCE", "1")
        .env_remove("NO_COLOR")
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&forced.stdout).contains('\u{1b}'));
    let plain = smm()
        .args(["show", BOTTLING_TARGET])
        .env("NO_COLOR", "1")
        .output()
        .expect("run");
    assert!(!String::from_utf8_lossy(&plain.stdout).contains('\u{1b}'));
}

#[test]
fn gap_json_statuses_agree_with_levels_and_summary() {
    let v = json_of(&["gap", BOTTLING_TARGET, BOTTLING_ASSESSMENT, "--json"]);
    let practices = v["practices"].as_array().expect("practices");
    assert_eq!(practices.len(), 18);
    let rank = |s: &Value| {
        ["general", "industry", "system"]
            .iter()
            .position(|x| s == *x)
            .expect("scope")
    };
    let (mut under, mut met, mut over) = (0, 0, 0);
    for p in practices {
        let (t, c) = (&p["target"], &p["current"]);
        let below = c["comprehensiveness"].as_u64() < t["comprehensiveness"].as_u64()
            || rank(&c["scope"]) < rank(&t["scope"]);
        let expected = if below {
            "under"
        } else if t == c {
            "met"
        } else {
            "over"
        };
        assert_eq!(p["status"], expected, "{p}");
        match expected {
            "under" => under += 1,
            "met" => met += 1,
            _ => over += 1,
        }
    }
    assert_eq!(
        (
            v["summary"]["under"].as_u64(),
            v["summary"]["met"].as_u64(),
            v["summary"]["over"].as_u64()
        ),
        (Some(under), Some(met), Some(over))
    );
    assert!(
        under > 0,
        "the bottling-line example is meant to show a gap"
    );
}

#[test]
fn check_fails_with_the_list_of_practices_under_target() {
    let gap = json_of(&["gap", BOTTLING_TARGET, BOTTLING_ASSESSMENT, "--json"]);
    let under: Vec<String> = gap["practices"]
        .as_array()
        .expect("practices")
        .iter()
        .filter(|p| p["status"] == "under")
        .map(|p| p["id"].as_str().unwrap_or("").to_string())
        .collect();
    let out = smm()
        .args(["check", BOTTLING_TARGET, BOTTLING_ASSESSMENT])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    for id in &under {
        assert!(text.contains(id.as_str()), "{id} not listed");
    }
}

/// An assessment that achieves exactly the resolved target, pinned to it by digest.
fn assessment_meeting(target_path: &Path, bump: Option<&str>) -> String {
    let shown = json_of(&["show", target_path.to_str().expect("utf-8 path"), "--json"]);
    let digest_out = smm()
        .args(["digest", target_path.to_str().expect("path")])
        .output()
        .expect("digest");
    let digest = String::from_utf8_lossy(&digest_out.stdout)
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_string();
    let mut text = format!("smm: 1\nkind: Assessment\ntarget: {{path: target.yaml, sha256: {digest}}}\nproduct: {{name: P, version: '1'}}\ndate: 2026-05-01\npractices:\n");
    for p in shown["practices"].as_array().expect("practices") {
        let mut c = p["comprehensiveness"].as_u64().unwrap_or(0);
        if bump == p["id"].as_str() {
            c = c.saturating_sub(1);
        }
        text.push_str(&format!(
            "  {}: {{comprehensiveness: {c}, scope: {}}}\n",
            p["id"].as_str().unwrap_or(""),
            p["scope"].as_str().unwrap_or("")
        ));
    }
    text
}

#[test]
fn check_passes_when_every_practice_meets_the_target() {
    let (dir, target) = temp_file("target.yaml", &repository_text(BOTTLING_TARGET));
    std::fs::write(
        dir.path().join("assessment.yaml"),
        assessment_meeting(&target, None),
    )
    .expect("write");
    smm()
        .args(["check"])
        .arg(&target)
        .arg(dir.path().join("assessment.yaml"))
        .assert()
        .success()
        .stdout(predicate::str::contains("all 18 practices meet"));
    std::fs::write(
        dir.path().join("short.yaml"),
        assessment_meeting(&target, Some("monitoring")),
    )
    .expect("write");
    smm()
        .args(["check"])
        .arg(&target)
        .arg(dir.path().join("short.yaml"))
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("monitoring").and(predicate::str::contains("1 level short")),
        );
    smm()
        .args(["validate"])
        .arg(&target)
        .arg(dir.path().join("assessment.yaml"))
        .assert()
        .success();
}

#[test]
fn broken_yaml_names_file_line_and_column() {
    let (_dir, path) = temp_file("t.yaml", "smm: 1\nkind: TargetProfile\nname: [unclosed\n");
    smm()
        .arg("show")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("t.yaml:3:"));
}

#[test]
fn an_unknown_practice_id_points_at_it_and_suggests_the_nearest() {
    let text = repository_text(BOTTLING_TARGET).replacen("  risk-attitude:", "  risk-atitude:", 1);
    let line = text
        .lines()
        .position(|l| l.starts_with("  risk-atitude:"))
        .expect("edited line")
        + 1;
    let (_dir, path) = temp_file("t.yaml", &text);
    smm()
        .arg("show")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "t.yaml:{line}:3: practices.risk-atitude: unknown practice id"
        )))
        .stderr(predicate::str::contains("did you mean `risk-attitude`?"));
}

#[test]
fn a_practice_written_twice_is_named_where_it_repeats() {
    let text = repository_text(BOTTLING_TARGET);
    let first = text
        .lines()
        .position(|l| l.starts_with("  risk-attitude:"))
        .expect("the practice's line");
    // The practice's line again, as the last line of the same mapping.
    let mut lines: Vec<&str> = text.lines().collect();
    let end = (first + 1..lines.len())
        .find(|&i| !lines[i].starts_with("    ") && !lines[i].trim().is_empty())
        .unwrap_or(lines.len());
    let repeated = lines[first..end].to_vec();
    lines.splice(end..end, repeated);
    // Our words, where the repeat is; not the parser's, which advise one of its options.
    show_rejects(
        &(lines.join("\n") + "\n"),
        &[&format!(
            "t.yaml:{}:3: risk-attitude: `risk-attitude` is written twice in the same mapping: \
             keep one of the two\n",
            end + 1
        )],
    );
}

/// The first lines of a target, up to and including the governance goal.
const TARGET_HEAD: &str = "smm: 1\nkind: TargetProfile\nname: t\nsystem: s\nrole: vendor\ndate: 2026-01-01\ncatalog: {id: iot-smm, version: '1.2'}\ngoals:\n  governance: {statement: g, comprehensiveness: 2, scope: general}\n";

/// `smm show` on `text` exits 2 and says each of `expected` on standard error.
fn show_rejects(text: &str, expected: &[&str]) {
    let (_dir, path) = temp_file("t.yaml", text);
    let mut assert = smm().arg("show").arg(&path).assert().code(2);
    for e in expected {
        assert = assert.stderr(predicate::str::contains(*e));
    }
}

#[test]
fn a_level_out_of_range_is_rejected_with_what_was_expected() {
    let text = bottling_target_at("7");
    show_rejects(
        &text,
        &["out of range: expected 0 (none) to 4 (formalized)"],
    );
}

#[test]
fn an_override_without_rationale_is_rejected() {
    let text = format!("{TARGET_HEAD}  enablement: {{statement: e, comprehensiveness: 2, scope: general}}\n  hardening: {{statement: h, comprehensiveness: 2, scope: general}}\npractices:\n  monitoring:\n    comprehensiveness: 3\n");
    show_rejects(
        &text,
        &["t.yaml:13:3: practices.monitoring.rationale: an override needs a rationale"],
    );
}

#[test]
fn a_missing_domain_goal_is_named() {
    show_rejects(
        TARGET_HEAD,
        &[
            "missing the goal for domain `enablement`",
            "missing the goal for domain `hardening`",
        ],
    );
}

#[test]
fn the_wrong_kind_of_document_is_refused() {
    smm()
        .args(["show", BOTTLING_ASSESSMENT])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "expected a TargetProfile document, found kind `Assessment`",
        ));
}

#[test]
fn a_target_digest_that_does_not_match_is_refused() {
    let text = bottling_target_at("4");
    let (_dir, path) = temp_file("target.yaml", &text);
    smm()
        .arg("gap")
        .arg(&path)
        .arg(BOTTLING_ASSESSMENT)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "target.sha256: the target's digest does not match",
        ));
}

#[test]
fn json_documents_are_accepted_as_well_as_yaml() {
    let text = r#"{"smm": 1, "kind": "TargetProfile", "name": "json", "system": "s", "role": "consumer", "date": "2026-01-01",
      "catalog": {"id": "iot-smm", "version": "1.2"},
      "goals": {"governance": {"statement": "g", "comprehensiveness": "minimum", "scope": "G"},
                "enablement": {"statement": "e", "comprehensiveness": 2, "scope": "general"},
                "hardening": {"statement": "h", "comprehensiveness": "consistent", "scope": "I"}}}"#;
    let (_dir, path) = temp_file("t.json", text);
    let out = smm()
        .args(["show", "--json"])
        .arg(&path)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let patch = v["practices"]
        .as_array()
        .expect("practices")
        .iter()
        .find(|p| p["id"] == "patch-management")
        .expect("pm");
    assert_eq!(
        (patch["comprehensiveness"].as_u64(), patch["scope"].as_str()),
        (Some(3), Some("industry"))
    );
}

#[test]
fn validate_accepts_every_example() {
    for name in ["bottling-line", "hvac", "ota-gateway", "home-cameras"] {
        smm()
            .arg("validate")
            .arg(format!("examples/{name}/target.yaml"))
            .arg(format!("examples/{name}/assessment.yaml"))
            .assert()
            .success()
            .stdout(predicate::str::contains("ok"));
    }
}

#[test]
fn validate_notices_changed_evidence() {
    let dir = example_copy("bottling-line");
    smm()
        .arg("validate")
        .arg(dir.path().join("assessment.yaml"))
        .assert()
        .success();
    let first = std::fs::read_dir(dir.path().join("evidence"))
        .expect("dir")
        .next()
        .expect("a file")
        .expect("entry")
        .path();
    std::fs::write(&first, "tampered").expect("write");
    smm()
        .arg("validate")
        .arg(dir.path().join("assessment.yaml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has changed"));
}

#[test]
fn committed_schemas_match_the_code() {
    for (kind, file) in [
        ("target-profile", "schemas/target-profile.schema.json"),
        ("assessment", "schemas/assessment.schema.json"),
        ("scheme", "schemas/scheme.schema.json"),
        ("mapping", "schemas/mapping.schema.json"),
        ("risk-scenarios", "schemas/risk-scenarios.schema.json"),
    ] {
        let out = smm().args(["schema", kind]).output().expect("run");
        assert!(out.status.success());
        let committed = std::fs::read_to_string(root().join(file)).unwrap_or_default();
        assert!(
            String::from_utf8_lossy(&out.stdout) == committed,
            "{file} is out of date: run `scripts/update-schemas` and commit the result"
        );
    }
}

#[test]
fn examples_validate_against_the_published_schemas() {
    let schema: Value =
        serde_json::from_str(&repository_text("schemas/target-profile.schema.json")).expect("json");
    assert_eq!(
        schema["properties"]["kind"]["$ref"]
            .as_str()
            .map(|s| s.contains("TargetProfileKind")),
        Some(true)
    );
    let required: Vec<&str> = schema["required"]
        .as_array()
        .expect("required")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for field in [
        "smm", "kind", "name", "system", "role", "date", "catalog", "goals",
    ] {
        assert!(required.contains(&field), "{field} not required");
    }
    // An override that sets a level needs its rationale; one that only names who is responsible
    // or who pays does not; an empty one says nothing and is refused.
    let overrides = &schema["$defs"]["Override"];
    assert_eq!(
        overrides["dependentRequired"],
        serde_json::json!({"comprehensiveness": ["rationale"], "scope": ["rationale"]})
    );
    assert_eq!(overrides["minProperties"], 1);
}

#[test]
fn a_custom_catalog_file_is_loaded_and_checked() {
    let builtin = repository_text("catalog/iot-smm-1.2.yaml");
    let (_dir, good) = temp_file(
        "c.yaml",
        &builtin.replacen(
            "title: IoT Security Maturity Model 1.2",
            "title: Custom edition",
            1,
        ),
    );
    smm()
        .arg("--catalog")
        .arg(&good)
        .arg("catalog")
        .assert()
        .success()
        .stdout(predicate::str::contains("Custom edition"));
    let (_dir2, bad) = temp_file(
        "c.yaml",
        &builtin.replacen("id: compliance", "id: program-management", 1),
    );
    smm()
        .arg("--catalog")
        .arg(&bad)
        .arg("catalog")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "duplicate id `program-management`",
        ));
}

#[test]
fn unreadable_and_binary_files_are_bad_input_not_crashes() {
    smm()
        .args(["show", "no/such/file.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/file.yaml: cannot read"));
    let dir = workspace();
    let path = dir.path().join("bin.yaml");
    std::fs::write(&path, [0xff, 0xfe, 0x00, 0x80]).expect("write");
    smm()
        .arg("validate")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not UTF-8"));
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn arbitrary_input_files_exit_2_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let dir = workspace();
            let path = dir.path().join("x.yaml");
            std::fs::write(&path, &bytes).expect("write");
            for cmd in ["validate", "show", "digest"] {
                let out = smm().arg(cmd).arg(&path).output().expect("run");
                prop_assert_eq!(out.status.code(), Some(2), "{} on {:?}: {}", cmd, bytes, String::from_utf8_lossy(&out.stderr));
            }
        }
    }
}

#[test]
fn hostile_yaml_is_refused_within_limits() {
    let deep = format!(
        "smm: 1\nkind: TargetProfile\nname: {}\n",
        "[".repeat(100_000)
    );
    show_rejects(&deep, &["recursion limit"]);
    let mut bomb = "smm: 1\nkind: TargetProfile\na0: &a0 [x,x,x,x,x,x,x,x,x]\n".to_string();
    for i in 1..12 {
        bomb.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            vec![format!("*a{}", i - 1); 9].join(",")
        ));
    }
    show_rejects(&bomb, &["budget"]);
}

#[test]
fn a_document_of_another_format_version_is_refused() {
    let text = repository_text(BOTTLING_TARGET).replacen("smm: 1", "smm: 2", 1);
    show_rejects(&text, &["t.yaml:1:6: smm: unsupported format version 2"]);
}

#[test]
fn validate_reports_rule_warnings_and_deny_warnings_fails() {
    let text = repository_text(BOTTLING_TARGET).replacen("practices:\n", "practices:\n  data-controls:\n    comprehensiveness: 3\n    rationale: strong encryption of recipes\n", 1);
    let (_dir, path) = temp_file("t.yaml", &text);
    smm()
        .arg("validate")
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("warning[controls-follow-policy]"))
        .stdout(predicate::str::contains(
            "practices: data-controls, data-policy",
        ))
        .stdout(predicate::str::contains("fix:"));
    smm()
        .args(["validate", "--deny-warnings"])
        .arg(&path)
        .assert()
        .code(1);
    let accepted = format!("{text}accepted-rules:\n  controls-follow-policy: {{reason: the plant owner sets the data policy}}\n");
    let (_dir2, path2) = temp_file("t.yaml", &accepted);
    smm()
        .args(["validate", "--deny-warnings"])
        .arg(&path2)
        .assert()
        .success()
        .stdout(predicate::str::contains("accepted[controls-follow-policy]"))
        .stdout(predicate::str::contains(
            "the plant owner sets the data policy",
        ));
}

#[test]
fn an_acceptance_of_a_rule_that_no_longer_fires_is_a_warning_at_its_line() {
    // The bottling line raises no warning, so accepting one is an acceptance left behind.
    let text = format!(
        "{}accepted-rules:\n  controls-follow-policy: {{reason: the plant owner sets the data policy}}\n",
        repository_text(BOTTLING_TARGET)
    );
    let line = text.lines().count();
    let (_dir, path) = temp_file("t.yaml", &text);
    smm()
        .arg("validate")
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "warning[stale-acceptance]: {}:{line}: accepted-rules.controls-follow-policy: rule `controls-follow-policy` is accepted but no longer fires",
            path.display()
        )))
        .stdout(predicate::str::contains("the acceptance can be removed"));
    // Not an error, and not a failed check: the file passed before the rule stopped firing.
    smm()
        .args(["validate", "--deny-warnings"])
        .arg(&path)
        .assert()
        .success();
}

#[test]
fn show_json_lists_rule_findings() {
    let v = json_of(&["show", "examples/ota-gateway/target.yaml", "--json"]);
    let rules = v["rules"].as_array().expect("rules");
    assert!(
        rules.iter().all(|r| r["accepted"].is_string()),
        "the gateway accepts all its warnings"
    );
    assert!(rules.iter().any(|r| r["rule"] == "controls-follow-policy"));
    // The model's own worked example raises none.
    let v = json_of(&["show", "examples/hvac/target.yaml", "--json"]);
    assert_eq!(v["rules"].as_array().map(Vec::len), Some(0));
}

#[test]
fn templates_are_listed_shown_and_validated() {
    let out = smm().args(["template", "list"]).output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    for name in [
        "smart-manufacturing",
        "building-automation",
        "automotive-supplier",
        "consumer-iot",
        "medical-devices",
        "energy-utilities",
    ] {
        assert!(text.contains(name), "{name} missing");
        smm()
            .arg("validate")
            .arg(format!("catalog/templates/{name}.yaml"))
            .assert()
            .success();
    }
    smm()
        .args(["template", "show", "medical-devices"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Resulting levels"))
        .stdout(predicate::str::contains("Overrides"));
    smm()
        .args(["template", "show", "medical-device"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `medical-devices`?"));
}

#[test]
fn explain_covers_practices_levels_and_rules() {
    smm()
        .args(["explain", "monitoring", "--level", "3"])
        .assert()
        .success()
        .stdout(predicate::str::contains("3 Consistent"))
        .stdout(predicate::str::contains("response-needs-detection"))
        .stdout(predicate::str::contains("What the templates set"));
    smm()
        .args(["explain", "response-needs-detection"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "detection-response-plan comprehensiveness is at most monitoring's",
        ))
        .stdout(predicate::str::contains("Fires on templates"));
    smm()
        .args(["explain", "hardening"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Goal options"));
    smm()
        .args(["explain", "monitoring", "--level", "9"])
        .assert()
        .code(2);
    smm()
        .args(["explain", "monitorin"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `monitoring`?"));
    // A retired rule is explained as retired, with the reason, not refused.
    smm()
        .args(["explain", "system-scope-needs-system-threat-model"])
        .assert()
        .success()
        .stdout(predicate::str::contains("retired consistency rule"))
        .stdout(predicate::str::contains("HVAC example"));
}

#[test]
fn target_new_from_answers_reproduces_every_example() {
    let dir = workspace();
    for name in ["bottling-line", "hvac", "ota-gateway", "home-cameras"] {
        let out = dir.path().join(format!("{name}.yaml"));
        smm()
            .args(["target", "new", "--answers"])
            .arg(format!("examples/{name}/answers.yaml"))
            .arg("-o")
            .arg(&out)
            .assert()
            .success();
        // What is agreed after the interview (goal deadlines and budgets, limitations, the
        // approval) is added to the example by hand; everything else is the interview's.
        let read = |path: &Path| {
            smm_core::parse_target(&std::fs::read_to_string(path).expect("read")).expect("parses")
        };
        let mut published = read(&root().join(format!("examples/{name}/target.yaml")));
        for (_, goal) in published.goals.0.iter_mut() {
            goal.deadline = None;
            goal.budget = None;
        }
        published.limitations = Default::default();
        published.approval = None;
        assert_eq!(
            smm_core::content_digest(&read(&out)),
            smm_core::content_digest(&published),
            "{name}"
        );
    }
}

#[test]
fn target_new_from_a_template_records_what_the_factors_moved() {
    let answers = "smm: 1\nkind: Answers\nname: Line 4\nsystem: a packaging cell\nrole: integrator\ndate: 2026-11-20\nfactors:\n  - {kind: safety, impact: high, description: robots next to people}\n";
    let (dir, path) = temp_file("answers.yaml", answers);
    let out = dir.path().join("target.yaml");
    smm()
        .args([
            "target",
            "new",
            "--from",
            "smart-manufacturing",
            "--answers",
        ])
        .arg(&path)
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "safety (high) moved the hardening goal from 2/G to 3/G",
        ));
    smm().arg("validate").arg(&out).assert().success();
    let shown = json_of(&["show", out.to_str().expect("path"), "--json"]);
    let hardening = shown["domains"]
        .as_array()
        .expect("domains")
        .iter()
        .find(|d| d["id"] == "hardening")
        .expect("hardening");
    assert_eq!(hardening["level"]["comprehensiveness"], 3);
}

#[test]
fn an_unknown_template_in_answers_points_at_its_line() {
    let answers = "smm: 1\nkind: Answers\ntemplate:  smart-manufactoring\nname: Line 4\n";
    let (dir, path) = temp_file("answers.yaml", answers);
    let place = format!("{}:3:12", path.display());
    smm()
        .arg("validate")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(place.as_str()))
        .stderr(predicate::str::contains(
            "no template named `smart-manufactoring`",
        ))
        .stderr(predicate::str::contains(
            "did you mean `smart-manufacturing`?",
        ));
    smm()
        .args(["target", "new", "--answers"])
        .arg(&path)
        .arg("-o")
        .arg(dir.path().join("t.yaml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(place.as_str()));
    // `--from` is the command line's, not the file's: no line to point at.
    smm()
        .args(["target", "new", "--from", "nope", "--answers"])
        .arg(&path)
        .arg("-o")
        .arg(dir.path().join("t.yaml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no template named `nope`"))
        .stderr(predicate::str::contains("answers.yaml").not());
}

#[test]
fn target_new_without_a_terminal_or_answers_says_what_to_do() {
    let dir = workspace();
    written(&["target", "new"], &dir.path().join("t.yaml"))
        .code(2)
        .stderr(predicate::str::contains("use --answers FILE"));
}

/// `smm ARGS -o OUT`, for the caller to assert on.
fn written(args: &[&str], out: &Path) -> assert_cmd::assert::Assert {
    smm().args(args).arg("-o").arg(out).assert()
}

#[test]
fn charts_are_written_as_svg_and_png() {
    let dir = workspace();
    for kind in ["bar", "radar", "heatmap"] {
        let svg = dir.path().join(format!("{kind}.svg"));
        written(
            &[
                "chart",
                kind,
                BOTTLING_TARGET,
                BOTTLING_ASSESSMENT,
                "--level",
                "subdomain",
            ],
            &svg,
        )
        .success();
        let text = std::fs::read_to_string(&svg).expect("svg written");
        assert!(
            text.starts_with("<svg") && text.contains("<title"),
            "{kind}"
        );
        let png = dir.path().join(format!("{kind}.png"));
        written(&["chart", kind, BOTTLING_TARGET], &png).success();
        let bytes = std::fs::read(&png).expect("png written");
        assert!(bytes.starts_with(b"\x89PNG"), "{kind}: not a PNG");
    }
    written(
        &["chart", "bar", BOTTLING_TARGET],
        &dir.path().join("x.gif"),
    )
    .code(2)
    .stderr(predicate::str::contains("use .svg or .png"));
}

#[test]
fn reports_and_exports_are_written() {
    let dir = workspace();
    let html = dir.path().join("report.html");
    written(&["report", BOTTLING_TARGET, BOTTLING_ASSESSMENT], &html)
        .success()
        .stdout(predicate::str::contains("gap report"));
    let text = std::fs::read_to_string(&html).expect("html");
    assert!(text.contains("Threat Modeling") && text.contains("<svg"));
    let sheet = dir.path().join("sheet.html");
    written(&["report", BOTTLING_TARGET], &sheet)
        .success()
        .stdout(predicate::str::contains("target profile sheet"));
    let csv = dir.path().join("gap.csv");
    written(&["export", BOTTLING_TARGET, BOTTLING_ASSESSMENT], &csv).success();
    let rows = std::fs::read_to_string(&csv).expect("csv");
    assert_eq!(
        rows.lines()
            .filter(|l| l.starts_with("governance,")
                || l.starts_with("enablement,")
                || l.starts_with("hardening,"))
            .count(),
        18,
        "{rows}"
    );
    let xlsx = dir.path().join("gap.xlsx");
    written(
        &[
            "export",
            BOTTLING_TARGET,
            BOTTLING_ASSESSMENT,
            "--format",
            "xlsx",
        ],
        &xlsx,
    )
    .success();
    assert!(std::fs::read(&xlsx).expect("xlsx").starts_with(b"PK"));
    written(&["export", BOTTLING_TARGET], &dir.path().join("gap.txt"))
        .code(2)
        .stderr(predicate::str::contains("--format"));
}

#[test]
fn a_report_names_its_documents_and_the_report_date_given() {
    let dir = workspace();
    let html = dir.path().join("report.html");
    let args = [
        "report",
        BOTTLING_TARGET,
        BOTTLING_ASSESSMENT,
        "--date",
        "2031-02-03",
    ];
    written(&args, &html).success();
    let text = std::fs::read_to_string(&html).expect("html");
    let head = &text[..text.find("<section").expect("a section")];
    for value in [
        digest(&root().join(BOTTLING_TARGET)).as_str(),
        "2031-02-03",
        "Claire Martin",
        "Hugo Lefebvre",
        concat!("smm ", env!("CARGO_PKG_VERSION")),
    ] {
        assert!(head.contains(value), "{value} missing from:\n{head}");
    }
    let again = dir.path().join("again.html");
    written(&args, &again).success();
    assert_eq!(
        std::fs::read(&html).expect("first"),
        std::fs::read(&again).expect("second"),
        "the same documents and date give the same report"
    );
    let sheet = dir.path().join("sheet.html");
    written(&["report", BOTTLING_TARGET], &sheet).success();
    let text = std::fs::read_to_string(&sheet).expect("sheet");
    assert!(text.contains("Signature") && text.contains("Background and factors"));
    written(&["report", BOTTLING_TARGET, "--date", "2031-02-30"], &sheet)
        .code(2)
        .stderr(predicate::str::contains("not a date"));
}

#[test]
fn a_pdf_report_is_written() {
    let dir = workspace();
    let pdf = dir.path().join("report.pdf");
    written(&["report", BOTTLING_TARGET, BOTTLING_ASSESSMENT], &pdf).success();
    assert!(std::fs::read(&pdf).expect("pdf").starts_with(b"%PDF-"));
}

const OWNER: &str = "examples/bottling-line/owner-requirements.yaml";
const EARLIER: &str = "examples/bottling-line/history/2026-03-site-acceptance.yaml";
const LATER: &str = "examples/bottling-line/history/2026-10-reassessment.yaml";

#[test]
fn compare_shows_each_measure_per_practice_and_the_verdict() {
    let out = smm()
        .args(["compare", OWNER, BOTTLING_TARGET])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "compare is a report, not a gate"
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("A: Lyon plant requirements for bottling line BL-2 1.0 (target profile)"));
    assert!(
        text.contains("Hardening") && text.contains("3 of 6 covered"),
        "{text}"
    );
    assert!(
        text.contains(
            "Verdict: Smart beverage bottling line 1.0 covers 15 of 18 practices of Lyon plant \
         requirements for bottling line BL-2 1.0; falls short on information-sharing \
         (2/general < 2/industry), detection-response-plan (2/general < 3/industry), \
         remediation-recovery (2/general < 3/system)"
        ),
        "{text}"
    );
    let row = text
        .lines()
        .find(|l| l.contains("detection-response-plan"))
        .expect("row");
    assert!(
        row.contains("3/I") && row.contains("2/G") && row.matches("below").count() == 2,
        "{row}"
    );
}

#[test]
fn compare_json_parses_and_reverses_when_the_sides_swap() {
    let ab = json_of(&["compare", OWNER, BOTTLING_TARGET, "--json"]);
    let ba = json_of(&["compare", BOTTLING_TARGET, OWNER, "--json"]);
    assert_eq!(
        (ab["smm"].as_u64(), ab["kind"].as_str()),
        (Some(1), Some("Comparison"))
    );
    assert_eq!(ab["verdict"]["covered"], 15);
    let short: Vec<&str> = ab["verdict"]["short"]
        .as_array()
        .expect("short")
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert_eq!(
        short,
        [
            "information-sharing",
            "detection-response-plan",
            "remediation-recovery"
        ]
    );
    let flip = |r: &Value| match r.as_str() {
        Some("below") => "above",
        Some("above") => "below",
        _ => "equal",
    };
    let (xs, ys) = (
        ab["practices"].as_array().expect("practices"),
        ba["practices"].as_array().expect("practices"),
    );
    assert_eq!(xs.len(), 18);
    for (x, y) in xs.iter().zip(ys) {
        assert_eq!(x["id"], y["id"]);
        assert_eq!(y["comprehensiveness"], flip(&x["comprehensiveness"]), "{x}");
        assert_eq!(y["scope"], flip(&x["scope"]), "{x}");
    }
    assert_eq!(ab["domains"].as_array().map(Vec::len), Some(3));
}

#[test]
fn compare_takes_an_assessment_on_either_side_and_agrees_with_the_gap() {
    let gap = json_of(&["gap", BOTTLING_TARGET, BOTTLING_ASSESSMENT, "--json"]);
    let c = json_of(&["compare", BOTTLING_TARGET, BOTTLING_ASSESSMENT, "--json"]);
    assert_eq!(c["a"]["kind"], "target-profile");
    assert_eq!(c["b"]["kind"], "assessment");
    assert_eq!(c["b"]["name"], "Bottling line BL-2 (plant Lyon)");
    let gap_status: Vec<&Value> = gap["practices"]
        .as_array()
        .expect("gap")
        .iter()
        .map(|p| &p["status"])
        .collect();
    let compare_status: Vec<&Value> = c["practices"]
        .as_array()
        .expect("compare")
        .iter()
        .map(|p| &p["status"])
        .collect();
    assert_eq!(gap_status, compare_status);
    assert_eq!(
        c["verdict"]["covered"].as_u64(),
        gap["summary"]["total"]
            .as_u64()
            .zip(gap["summary"]["under"].as_u64())
            .map(|(t, u)| t - u)
    );
    // Two assessments compare too: the later one against the earlier one.
    let later = json_of(&["compare", EARLIER, LATER, "--json"]);
    assert_eq!(later["a"]["version"], "2026.1-rc2");
    let below: Vec<&str> = later["practices"]
        .as_array()
        .expect("practices")
        .iter()
        .filter(|p| p["status"] == "under")
        .filter_map(|p| p["id"].as_str())
        .collect();
    assert_eq!(below, ["asset-change-config"]);
}

#[test]
fn compare_refuses_other_kinds_and_broken_files_with_their_position() {
    smm()
        .args(["compare", "examples/bottling-line/answers.yaml", BOTTLING_TARGET])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "answers.yaml:11:7: kind: expected a TargetProfile or an Assessment, found kind `Answers`",
        ));
    let (_dir, path) = temp_file("b.yaml", "smm: 1\nkind: Assessment\nproduct: [unclosed\n");
    smm()
        .args(["compare", BOTTLING_TARGET])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("b.yaml:3:"));
    let text = bottling_target_at("high");
    let (_dir, path) = temp_file("a.yaml", &text);
    smm()
        .arg("compare")
        .arg(&path)
        .arg(BOTTLING_ASSESSMENT)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("a.yaml:").and(predicate::str::contains(
                "`high` is not a comprehensiveness level",
            )),
        );
}

#[test]
fn compare_and_trend_charts_are_written_as_svg_and_png() {
    let dir = workspace();
    let svg = dir.path().join("compare.svg");
    written(&["compare", OWNER, BOTTLING_TARGET], &svg)
        .success()
        .stdout(predicate::str::contains("comparison chart"));
    let text = std::fs::read_to_string(&svg).expect("svg");
    assert!(text.starts_with("<svg") && text.contains("covers 15 of 18"));
    let png = dir.path().join("trend.png");
    written(&["trend", EARLIER, BOTTLING_ASSESSMENT, LATER], &png).success();
    assert!(std::fs::read(&png).expect("png").starts_with(b"\x89PNG"));
    // With --json, standard output stays one JSON document.
    let out = smm()
        .args(["compare", OWNER, BOTTLING_TARGET, "--json", "-o"])
        .arg(dir.path().join("c.png"))
        .output()
        .expect("run");
    assert!(out.status.success());
    serde_json::from_slice::<Value>(&out.stdout).expect("only JSON on stdout");
    written(&["trend", BOTTLING_ASSESSMENT], &dir.path().join("t.jpg"))
        .code(2)
        .stderr(predicate::str::contains("use .svg or .png"));
}

#[test]
fn check_accepts_a_target_profile_and_gates_on_coverage() {
    let out = smm()
        .args(["check", OWNER, BOTTLING_TARGET])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("does not cover 3 of 18 practices"), "{text}");
    for id in [
        "information-sharing",
        "detection-response-plan",
        "remediation-recovery",
    ] {
        assert!(text.contains(id), "{id} not listed");
    }
    assert!(
        text.contains("1 level short, scope general not system"),
        "{text}"
    );
    smm()
        .args(["check", BOTTLING_TARGET, BOTTLING_TARGET])
        .assert()
        .success()
        .stdout(predicate::str::contains("covers all 18 practices"));
    // A profile above the target everywhere covers it, and says by how much.
    let raised = repository_text(BOTTLING_TARGET)
        .replace("comprehensiveness: 2", "comprehensiveness: 4")
        .replace("comprehensiveness: 3", "comprehensiveness: 4");
    let (_dir, path) = temp_file("vendor.yaml", &raised);
    smm()
        .args(["check", BOTTLING_TARGET])
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("(18 above it)"));
}

#[test]
fn trend_orders_by_date_and_names_what_improved_and_regressed() {
    let out = smm()
        .args(["trend", LATER, BOTTLING_ASSESSMENT, EARLIER])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().find(|l| l.starts_with("#1 ")).expect("#1");
    assert!(
        first.contains("2026-03-05") && first.contains("2026.1-rc2"),
        "{first}"
    );
    assert!(text.contains(
        "#2 \u{2192} #3 (2026-04-22 \u{2192} 2026-10-20, 2026.1 \u{2192} 2026.2): 3 improved, 1 regressed, 0 changed; under target 3 \u{2192} 1"
    ), "{text}");
    let regressed = text
        .lines()
        .find(|l| l.trim_start().starts_with("regressed"))
        .expect("a regression");
    assert!(
        regressed.contains("asset-change-config") && regressed.contains("met \u{2192} under"),
        "{regressed}"
    );

    let v = json_of(&["trend", LATER, BOTTLING_ASSESSMENT, EARLIER, "--json"]);
    assert_eq!(
        (v["smm"].as_u64(), v["kind"].as_str()),
        (Some(1), Some("Trend"))
    );
    let points = v["points"].as_array().expect("points");
    let dates: Vec<&str> = points.iter().filter_map(|p| p["date"].as_str()).collect();
    assert_eq!(dates, ["2026-03-05", "2026-04-22", "2026-10-20"]);
    let under: Vec<u64> = points
        .iter()
        .filter_map(|p| p["summary"]["under"].as_u64())
        .collect();
    assert_eq!(under, [7, 3, 1]);
    assert_eq!(points[0]["given"], 2, "given last, dated first");
    assert_eq!(
        v["steps"][1]["regressed"],
        serde_json::json!(["asset-change-config"])
    );
}

#[test]
fn trend_measures_every_assessment_against_the_target_given() {
    let v = json_of(&[
        "trend",
        BOTTLING_ASSESSMENT,
        LATER,
        "--target",
        OWNER,
        "--json",
    ]);
    let points = v["points"].as_array().expect("points");
    assert!(points
        .iter()
        .all(|p| p["target"] == "Lyon plant requirements for bottling line BL-2"));
    // The owner asks more of response and recovery than the integrator's target did.
    assert!(
        points[1]["summary"]["under"].as_u64() > Some(1),
        "{}",
        points[1]
    );
}

#[test]
fn trend_refuses_different_products_and_bad_files() {
    smm()
        .args([
            "trend",
            BOTTLING_ASSESSMENT,
            "examples/hvac/assessment.yaml",
        ])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("different products")
                .and(predicate::str::contains(BOTTLING_ASSESSMENT))
                .and(predicate::str::contains("examples/hvac/assessment.yaml")),
        );
    // Each assessment's own target is found beside it and must still have the recorded digest.
    let dir = workspace();
    let changed = bottling_target_at("4");
    std::fs::write(dir.path().join("target.yaml"), changed).expect("write");
    let assessment = repository_text(BOTTLING_ASSESSMENT);
    std::fs::write(dir.path().join("a.yaml"), &assessment).expect("write");
    smm()
        .arg("trend")
        .arg(dir.path().join("a.yaml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "target.sha256: the target's digest does not match",
        ));
    // A missing target is named, with what to do about it.
    let moved = assessment.replacen("path: target.yaml", "path: gone.yaml", 1);
    std::fs::write(dir.path().join("b.yaml"), moved).expect("write");
    smm()
        .arg("trend")
        .arg(dir.path().join("b.yaml"))
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("b.yaml:5:")
                .and(predicate::str::contains("could not be loaded"))
                .and(predicate::str::contains("--target FILE")),
        );
    let broken = assessment.replacen("date: 2026-04-22", "date: 2026-04-31", 1);
    std::fs::write(dir.path().join("c.yaml"), broken).expect("write");
    smm()
        .args(["trend", "--target", BOTTLING_TARGET])
        .arg(dir.path().join("c.yaml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("c.yaml:8:").and(predicate::str::contains("not a date")));
}

#[test]
fn validate_accepts_the_compare_and_trend_examples() {
    smm()
        .args([
            "validate",
            "--deny-warnings",
            BOTTLING_TARGET,
            OWNER,
            EARLIER,
            BOTTLING_ASSESSMENT,
            LATER,
        ])
        .assert()
        .success()
        // The owner's requirements accept two rules; one of them is retired
        // (system-scope-needs-system-threat-model): the file still loads, only the live rule is
        // reported as accepted, and the retired one as an acceptance that can go.
        .stdout(predicate::str::contains("1 accepted warning"))
        .stdout(predicate::str::contains("accepted[system-scope-needs-system-threat-model]").not())
        .stdout(predicate::str::contains(
            "warning[stale-acceptance]: examples/bottling-line/owner-requirements.yaml:108: accepted-rules.system-scope-needs-system-threat-model: rule `system-scope-needs-system-threat-model` is accepted but the catalog has retired it",
        ));
}

#[test]
fn compare_lists_the_limitations_either_side_declares() {
    // The bottling line's own limitation replaced by one of this test's, or removed.
    let published = crate::support::repository_text(BOTTLING_TARGET);
    let start = published
        .find("\nlimitations:\n")
        .expect("the example's limitations")
        + 1;
    // The limitations run to the next top-level key, or to the end.
    let end = published[start..]
        .match_indices('\n')
        .map(|(i, _)| start + i + 1)
        .find(|&i| published[i..].starts_with(|c: char| c.is_ascii_lowercase()))
        .unwrap_or(published.len());
    let with = |block: &str| format!("{}{block}{}", &published[..start], &published[end..]);
    let text = with("limitations:\n  patch-management:\n    limited: no patches while a batch runs\n    because: stopping the filler spoils the batch\n    compensating: [the line network is isolated between maintenance windows]\n");
    let (_dir, limited) = crate::support::temp_file("limited.yaml", &text);
    let out = smm()
        .arg("compare")
        .arg(OWNER)
        .arg(&limited)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Limitations and compensating measures"),
        "{text}"
    );
    assert!(
        text.contains(
            "patch-management (B): limited: no patches while a batch runs; because: stopping the filler spoils the batch; compensated by: the line network is isolated between maintenance windows"
        ),
        "{text}"
    );
    let json = json_of(&["compare", limited.to_str().expect("utf-8"), OWNER, "--json"]);
    let row = json["practices"]
        .as_array()
        .expect("practices")
        .iter()
        .find(|p| p["id"] == "patch-management")
        .expect("row")
        .clone();
    assert_eq!(
        row["a_limitation"]["limited"],
        "no patches while a batch runs"
    );
    assert!(row.get("b_limitation").is_none());
    // Without limitations, nothing is listed.
    let (_dir2, unlimited) = crate::support::temp_file("unlimited.yaml", &with(""));
    let plain = String::from_utf8_lossy(
        &smm()
            .args(["compare", OWNER])
            .arg(&unlimited)
            .output()
            .expect("run")
            .stdout,
    )
    .to_string();
    assert!(!plain.contains("Limitations and compensating measures"));
}

/// A target that names its parties, plans a goal and is approved.
const PLANNED: &str = "smm: 1\nkind: TargetProfile\nname: planned\nversion: '1.0'\nsystem: s\nrole: integrator\ndate: 2026-05-01\ncatalog: {id: iot-smm, version: '1.2'}\nstakeholders:\n  us: {role: integrator, name: Line Builders}\n  owner: {role: operator, name: Fresh Drinks}\ngoals:\n  governance: {statement: g, comprehensiveness: 2, scope: general}\n  enablement: {statement: e, comprehensiveness: 2, scope: general}\n  hardening: {statement: h, comprehensiveness: 2, scope: general, responsible: us, cost-bearer: owner, deadline: 2027-06-30, budget: {amount: 60000, currency: EUR}}\npractices:\n  patch-management: {responsible: owner}\napproval: {by: 'Ana Ruiz, plant manager', date: 2026-05-12, statement: Agreed for the 2027 season}\n";

#[test]
fn show_names_the_parties_the_goal_plans_and_the_approval() {
    let (_dir, path) = temp_file("t.yaml", PLANNED);
    let text = String::from_utf8(smm().arg("show").arg(&path).output().expect("runs").stdout)
        .expect("utf-8");
    for expected in [
        "approved by Ana Ruiz, plant manager on 2026-05-12: Agreed for the 2027 season",
        "hardening (2/G): h\n    due 2027-06-30; budget EUR 60,000",
        "Stakeholders\n  us: Line Builders (integrator)\n  owner: Fresh Drinks (operator)",
        "Responsible party\n  Line Builders (integrator): Vulnerability Assessment (2/G), Monitoring",
        "Fresh Drinks (operator): Patch Management (2/G)",
        "Cost bearer\n  Fresh Drinks (operator): Vulnerability Assessment (2/G), Patch Management",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    // Without them, the sections stay away.
    let plain = String::from_utf8(
        smm()
            .args(["show", "examples/hvac/target.yaml"])
            .output()
            .expect("runs")
            .stdout,
    )
    .expect("utf-8");
    assert!(
        !plain.contains("approved by") && !plain.contains("due 20"),
        "{plain}"
    );
}

#[test]
fn diff_reports_a_change_of_party_goal_plan_or_approval() {
    let (_dir, old) = temp_file("old.yaml", PLANNED);
    let changed = PLANNED
        .replace(
            "patch-management: {responsible: owner}",
            "patch-management: {responsible: us}",
        )
        .replace("deadline: 2027-06-30", "deadline: 2027-09-30")
        .replace("amount: 60000", "amount: 75000")
        .replace("version: '1.0'", "version: '1.1'");
    let changed = changed[..changed.find("approval:").expect("approval")].to_string();
    let (_dir2, new) = temp_file("new.yaml", &changed);
    let text = String::from_utf8(
        smm()
            .arg("diff")
            .arg(&old)
            .arg(&new)
            .output()
            .expect("runs")
            .stdout,
    )
    .expect("utf-8");
    for expected in [
        "Responsibility\n  patch-management  responsible: owner -> us",
        "Goal plans\n  hardening  deadline: 2027-06-30 -> 2027-09-30; budget: EUR 60,000 -> EUR 75,000",
        "Approval\n  old: approved by Ana Ruiz, plant manager on 2026-05-12: Agreed for the 2027 season\n  new: not approved",
        "no level changed",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    let v = json_of(&[
        "diff",
        "--json",
        old.to_str().expect("path"),
        new.to_str().expect("path"),
    ]);
    assert_eq!(
        v["parties"][0]["responsible"],
        serde_json::json!({"from": "owner", "to": "us"})
    );
    assert_eq!(v["goal_plans"][0]["deadline"]["to"], "2027-09-30");
    assert_eq!(v["approval"]["to"], Value::Null);
}
