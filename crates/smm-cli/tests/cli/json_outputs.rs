//! Every command that prints a result with `--json` prints what its published schema says
//! (`schemas/output/`), and the committed schemas are the code's.

use serde_json::Value;

use crate::support::*;

/// Runs `smm ARGS` from `dir` (relative to the repository root) and parses its standard output,
/// whatever the exit code: a failed check prints its JSON too.
fn json_from(dir: &str, args: &[&str]) -> Value {
    let out = smm()
        .current_dir(root().join(dir))
        .args(args)
        .output()
        .expect("run smm");
    assert_no_duplicate_keys(&String::from_utf8_lossy(&out.stdout));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "smm {args:?} printed no JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn every_json_output_matches_its_published_schema() {
    const BL: &str = "examples/bottling-line";
    const HVAC: &str = "examples/hvac";
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "check",
            BL,
            &["check", "target.yaml", "assessment.yaml", "--json"],
        ),
        (
            "check",
            BL,
            &["check", "owner-requirements.yaml", "target.yaml", "--json"],
        ),
        (
            "validation",
            BL,
            &[
                "validate",
                "target.yaml",
                "assessment.yaml",
                "risk.yaml",
                "--json",
            ],
        ),
        (
            "validation",
            BL,
            &[
                "validate",
                "target.yaml",
                "answers.yaml",
                "no-such.yaml",
                "--json",
            ],
        ),
        (
            "explanation",
            ".",
            &["explain", "threat-modeling", "--json"],
        ),
        (
            "explanation",
            ".",
            &["explain", "threat-modeling", "--level", "3", "--json"],
        ),
        ("explanation", ".", &["explain", "threats", "--json"]),
        ("explanation", ".", &["explain", "hardening", "--json"]),
        (
            "explanation",
            ".",
            &["explain", "hardening-needs-patching", "--json"],
        ),
        (
            "explanation",
            ".",
            &[
                "explain",
                "system-scope-needs-system-threat-model",
                "--json",
            ],
        ),
        (
            "gap",
            BL,
            &["gap", "target.yaml", "assessment.yaml", "--json"],
        ),
        ("resolved-target", BL, &["show", "target.yaml", "--json"]),
        (
            "comparison",
            BL,
            &[
                "compare",
                "owner-requirements.yaml",
                "target.yaml",
                "--json",
            ],
        ),
        (
            "comparison",
            BL,
            &["compare", "target.yaml", "assessment.yaml", "--json"],
        ),
        (
            "roadmap",
            HVAC,
            &["roadmap", "target.yaml", "assessment.yaml", "--json"],
        ),
        (
            "risk",
            HVAC,
            &[
                "risk",
                "risk.yaml",
                "assessment.yaml",
                "target.yaml",
                "--iterations",
                "2000",
                "--json",
            ],
        ),
        (
            "coverage",
            BL,
            &[
                "map",
                "iec-62443-4-2",
                "target.yaml",
                "assessment.yaml",
                "--json",
            ],
        ),
        ("coverage", ".", &["map", "etsi-en-303-645", "--json"]),
        ("standards", ".", &["map", "--list", "--json"]),
        ("catalog", ".", &["catalog", "--json"]),
        ("templates", ".", &["template", "list", "--json"]),
        (
            "assessment-diff",
            "examples/ota-gateway/certification",
            &[
                "diff",
                "assessment-initial.yaml",
                "assessment-final.yaml",
                "--json",
            ],
        ),
        (
            "verification",
            "examples/ota-gateway/certification",
            &[
                "cert",
                "verify",
                "cert.json",
                "--issuer",
                "issuer.pub",
                "--json",
            ],
        ),
        (
            "verification",
            "examples/ota-gateway/certification",
            &[
                "cert",
                "verify",
                "cert.json",
                "--issuer",
                "issuer.pub",
                "--at",
                "2090-01-01",
                "--json",
            ],
        ),
    ];
    for (kind, dir, args) in cases {
        let doc = json_from(dir, args);
        if !matches!(*kind, "catalog" | "templates") {
            assert_eq!(doc["smm"], 1, "{args:?}");
        }
        assert_output_schema(kind, &doc);
    }
}

#[test]
fn trends_diffs_of_targets_and_ranked_roadmaps_match_their_schemas() {
    let history: Vec<String> = std::fs::read_dir(root().join("examples/bottling-line/history"))
        .expect("the history")
        .filter_map(|e| e.ok())
        .map(|e| format!("history/{}", e.file_name().to_string_lossy()))
        .filter(|p| p.ends_with(".yaml"))
        .collect();
    let mut args: Vec<&str> = vec!["trend", "--json"];
    args.extend(history.iter().map(String::as_str));
    args.push("assessment.yaml");
    assert_output_schema("trend", &json_from("examples/bottling-line", &args));

    // Two versions of a target: the bottling line's, with one practice raised.
    let work = example_copy("bottling-line");
    let newer = work.path().join("target-2.yaml");
    std::fs::copy(work.path().join("target.yaml"), &newer).expect("copy");
    edit(
        &newer,
        "  risk-attitude:\n    comprehensiveness: 3",
        "  risk-attitude:\n    comprehensiveness: 4",
    );
    let out = smm()
        .current_dir(work.path())
        .args(["diff", "target.yaml", "target-2.yaml", "--json"])
        .output()
        .expect("run");
    assert_no_duplicate_keys(&String::from_utf8_lossy(&out.stdout));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_output_schema("target-diff", &doc);

    let doc = json_from(
        "examples/hvac",
        &[
            "roadmap",
            "target.yaml",
            "assessment.yaml",
            "--rank",
            "risk",
            "--scenarios",
            "risk.yaml",
            "--iterations",
            "2000",
            "--json",
        ],
    );
    assert_output_schema("risk-roadmap", &doc);
}

#[test]
fn the_committed_output_schemas_are_the_code_s() {
    let help = stdout_of(&["schema", "--help"]);
    let kinds: Vec<&str> = help
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- "))
        .filter(|l| l.contains("Output of"))
        .filter_map(|l| l.split(':').next())
        .collect();
    assert!(kinds.len() >= 18, "{kinds:?}");
    let committed = std::fs::read_dir(root().join("schemas/output"))
        .expect("schemas/output")
        .count();
    assert_eq!(
        committed,
        kinds.len(),
        "one committed schema per output kind"
    );
    for kind in kinds {
        let printed = stdout_of(&["schema", kind]);
        let file = format!("schemas/output/{kind}.schema.json");
        assert!(
            printed == repository_text(&file),
            "{file} is out of date: run `scripts/update-schemas` and commit the result"
        );
    }
}

#[test]
fn a_key_twice_is_caught() {
    assert_no_duplicate_keys(r#"{"a": [{"b": 1, "c": {"b": 2}}]}"#);
    let caught =
        std::panic::catch_unwind(|| assert_no_duplicate_keys(r#"{"a": {"b": 1, "b": 2}}"#));
    assert!(caught.is_err());
}

#[test]
fn a_schema_refuses_output_that_breaks_it() {
    let mut doc = json_from(
        "examples/bottling-line",
        &["check", "target.yaml", "assessment.yaml", "--json"],
    );
    doc["summary"]["under"] = Value::from("three");
    let refused = std::panic::catch_unwind(|| assert_output_schema("check", &doc));
    assert!(refused.is_err(), "a count that is not a number is refused");
    doc["summary"]["under"] = Value::from(3);
    doc["kind"] = Value::from("Gap");
    let refused = std::panic::catch_unwind(|| assert_output_schema("check", &doc));
    assert!(refused.is_err(), "another kind is refused");
}
