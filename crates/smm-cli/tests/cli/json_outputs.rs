//! Every command that prints a result with `--json` prints what its published schema says
//! (`schemas/output/`), and the committed schemas are the code's.

use std::path::Path;

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
        ("digest", BL, &["digest", "target.yaml", "--json"]),
        ("digest", BL, &["digest", "assessment.yaml", "--json"]),
        (
            "digest",
            ".",
            &["digest", "catalog/iot-smm-1.2.actions.yaml", "--json"],
        ),
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

/// Runs `smm ARGS` in `dir` with `env`, checks its standard output is one JSON document with no
/// key twice, and returns its exit code and the document.
fn json_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, Value) {
    let mut cmd = smm();
    cmd.current_dir(dir).args(args);
    for (name, value) in env {
        cmd.env(name, value);
    }
    let out = cmd.output().expect("run smm");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_no_duplicate_keys(&text);
    let doc = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "smm {args:?} printed no JSON ({e}): {text}{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), doc)
}

#[test]
fn digests_name_the_document_kind_and_agree_with_the_text() {
    let doc = json_from(
        "examples/bottling-line",
        &["digest", "assessment.yaml", "--json"],
    );
    assert_eq!(doc["kind"], "Digest");
    assert_eq!(doc["document_kind"], "Assessment");
    assert_eq!(doc["path"], "assessment.yaml");
    assert_eq!(
        doc["sha256"].as_str(),
        Some(digest(&root().join(BOTTLING_ASSESSMENT)).as_str())
    );
}

#[test]
fn key_and_attestation_outputs_match_their_schemas() {
    let work = workspace();
    let dir = work.path();
    let gateway = root().join("examples/ota-gateway");
    let target = gateway.join("target.yaml").display().to_string();
    let assessment = |name: &str| {
        gateway
            .join("certification")
            .join(name)
            .display()
            .to_string()
    };

    let (code, doc) = json_in(dir, &["key", "new", "-o", "lab", "--json"], &[]);
    assert_eq!(code, 0, "{doc}");
    assert_output_schema("key-pair", &doc);
    assert_eq!(doc["private_key"], "lab.key");
    assert_eq!(doc["public_key"], "lab.pub");
    assert_eq!(doc["encrypted"], false);
    let keyid = doc["keyid"].as_str().expect("keyid").to_string();
    assert_eq!(keyid.len(), 64);

    let issue = |verb: &str, assessment: &str, out: &str| {
        json_in(
            dir,
            &[
                "cert",
                verb,
                "--target",
                &target,
                "--assessment",
                assessment,
                "--key",
                "lab.key",
                "--issuer",
                "Lab",
                "--product",
                "GW-7 central gateway",
                "--version",
                "firmware 4.2.1",
                "--date",
                "2026-11-23",
                "-o",
                out,
                "--json",
            ],
            &[],
        )
    };
    let (code, doc) = issue("issue", &assessment("assessment-final.yaml"), "cert.json");
    assert_eq!(code, 0, "{doc}");
    assert_output_schema("issuance", &doc);
    assert_eq!(doc["issued"], true);
    assert_eq!(doc["attestation_kind"], "certificate");
    assert_eq!(doc["output"], "cert.json");
    assert_eq!(doc["serial"], doc["attestation"]["serial"]);
    assert_eq!(
        doc["attestation"]["issuer"]["keyid"].as_str(),
        Some(keyid.as_str())
    );
    let serial = doc["serial"].as_str().expect("serial").to_string();
    // Refused: every reason in the document, exit 1, nothing written.
    let (code, doc) = issue("declare", &assessment("assessment-initial.yaml"), "no.json");
    assert_eq!(code, 1, "{doc}");
    assert_output_schema("issuance", &doc);
    assert_eq!(doc["issued"], false);
    assert_eq!(doc["attestation_kind"], "declaration");
    assert!(doc["attestation"].is_null() && doc["output"].is_null());
    assert!(!doc["reasons"].as_array().expect("reasons").is_empty());
    assert!(!dir.join("no.json").exists());

    let (code, doc) = json_in(
        dir,
        &[
            "cert",
            "revoke",
            "cert.json",
            "--key",
            "lab.key",
            "--reason",
            "Product withdrawn",
            "--date",
            "2027-06-01",
            "--list",
            "revoked.json",
            "--json",
        ],
        &[],
    );
    assert_eq!(code, 0, "{doc}");
    assert_output_schema("revocation", &doc);
    assert_eq!(doc["serial"].as_str(), Some(serial.as_str()));
    assert_eq!(doc["date"], "2027-06-01");
    assert_eq!(doc["revoked_in_all"], 1);

    let issuers = ["--issuers", "issuers.json", "--keyid", &keyid, "--json"];
    let (code, doc) = json_in(
        dir,
        &[
            "key",
            "publish",
            "--issuers",
            "issuers.json",
            "--key",
            "lab.pub",
            "--id",
            "lab",
            "--name",
            "Lab",
            "--from",
            "2026-01-01",
            "--json",
        ],
        &[],
    );
    assert_eq!(code, 0, "{doc}");
    assert_output_schema("issuers-update", &doc);
    assert_eq!(doc["action"], "published");
    assert_eq!(doc["status"], "active");
    assert_eq!(doc["keyid"].as_str(), Some(keyid.as_str()));
    let mut retire = vec!["key", "retire", "--date", "2026-12-31"];
    retire.extend(issuers);
    let (code, doc) = json_in(dir, &retire, &[]);
    assert_eq!(code, 0, "{doc}");
    assert_output_schema("issuers-update", &doc);
    assert_eq!(doc["status"], "retired");
    assert_eq!(doc["valid_until"], "2026-12-31");
    let mut revoke = vec![
        "key",
        "revoke",
        "--from",
        "2026-06-01",
        "--reason",
        "leaked",
    ];
    revoke.extend(issuers);
    let (code, doc) = json_in(dir, &revoke, &[]);
    assert_eq!(code, 0, "{doc}");
    assert_output_schema("issuers-update", &doc);
    assert_eq!(doc["status"], "revoked");
    assert_eq!(doc["revoked_from"], "2026-06-01");
    assert_eq!(doc["revocation_reason"], "leaked");
}

#[test]
fn store_administration_outputs_match_their_schemas() {
    let work = workspace();
    let dir = work.path();
    let url = format!("sqlite://{}", dir.join("data/smm.db").display());
    let store = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--database-url", &url, "--json"]);
        json_in(dir, &all, &[("SMM_PASSWORD", "a long enough password")])
    };

    let (code, doc) = store(&[
        "admin",
        "create-user",
        "--name",
        "claire",
        "--organization",
        "Lab",
    ]);
    assert_eq!(code, 0, "{doc}");
    assert_output_schema("new-user", &doc);
    assert_eq!(doc["role"], "owner");
    assert_eq!(doc["organization_created"], true);
    let (_, doc) = store(&[
        "admin",
        "create-user",
        "--name",
        "yusuf",
        "--organization",
        "Lab",
        "--role",
        "viewer",
    ]);
    assert_output_schema("new-user", &doc);
    assert_eq!(doc["organization_created"], false);

    let (code, doc) = store(&[
        "admin",
        "link-identity",
        "--name",
        "yusuf",
        "--issuer",
        "https://idp.example",
        "--subject",
        "yusuf-at-idp",
    ]);
    assert_eq!(code, 0, "{doc}");
    assert_output_schema("identity-link", &doc);
    assert_eq!(doc["subject"], "yusuf-at-idp");

    for (action, body, changed) in [
        ("designate-body", true, true),
        ("designate-body", true, false),
        ("undesignate-body", false, true),
    ] {
        let (code, doc) = store(&["admin", action, "--organization", "Lab"]);
        assert_eq!(code, 0, "{doc}");
        assert_output_schema("designation", &doc);
        assert_eq!(doc["certification_body"], body, "{action}");
        assert_eq!(doc["changed"], changed, "{action}");
    }
    for (action, disabled) in [("disable-user", true), ("enable-user", false)] {
        let (code, doc) = store(&["admin", action, "--name", "yusuf"]);
        assert_eq!(code, 0, "{doc}");
        assert_output_schema("user-access", &doc);
        assert_eq!(doc["disabled"], disabled, "{action}");
    }
    let (code, doc) = store(&["admin", "issuers", "-o", "issuers.json"]);
    assert_eq!(code, 0, "{doc}");
    assert_output_schema("issuers-export", &doc);
    assert_eq!(doc["output"], "issuers.json");
    let written: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("issuers.json")).expect("the issuers document"),
    )
    .expect("JSON");
    let listed = written["issuers"].as_array().expect("issuers");
    assert_eq!(doc["issuers"], listed.len());
    assert_eq!(
        doc["keys"], 0,
        "an organization without keys publishes none"
    );

    let (code, doc) = store(&["audit", "verify", "--state", "state"]);
    assert_eq!(code, 0, "{doc}");
    assert_output_schema("audit-verification", &doc);
    assert_eq!(doc["intact"], true);
    assert_eq!(doc["state"]["dir"], "state");
    let entries = doc["entries"].as_u64().expect("entries");
    assert!(entries > 0, "{doc}");

    let backup = |archive: &str| {
        json_in(
            dir,
            &[
                "admin",
                "backup",
                "--data-dir",
                "data",
                "-o",
                archive,
                "--json",
            ],
            &[],
        )
    };
    let (code, doc) = backup("backup.tar");
    assert_eq!(code, 0, "{doc}");
    assert_output_schema("backup", &doc);
    assert_eq!(doc["archive"], "backup.tar");
    assert_eq!(doc["store"], "sqlite");
    assert_eq!(doc["audit_log"]["entries"], entries);
    assert_eq!(doc["audit_log"]["intact"], true);
    assert_eq!(doc["keys_secret_included"], false);
    assert_eq!(
        doc["sha256"].as_str(),
        Some(sha256_of(&dir.join("backup.tar")).as_str())
    );
    let (code, doc) = json_in(
        dir,
        &[
            "admin",
            "restore",
            "backup.tar",
            "--data-dir",
            "restored",
            "--json",
        ],
        &[],
    );
    assert_eq!(code, 0, "{doc}");
    assert_output_schema("restore", &doc);
    assert_eq!(doc["restored_into"], "restored");
    assert_eq!(doc["audit_log"]["entries"], entries);
    assert_eq!(doc["keys_secret_needed"], false);

    // A broken chain: the JSON says so and why, with exit 1 (the backup is written all the same).
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(execute(
        &url,
        &[
            "DROP TRIGGER audit_log_no_update",
            "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2",
        ],
    ));
    let (code, doc) = store(&["audit", "verify", "--state", "state"]);
    assert_eq!(code, 1, "{doc}");
    assert_output_schema("audit-verification", &doc);
    assert_eq!(doc["intact"], false);
    assert!(doc["problems"][0]
        .as_str()
        .is_some_and(|p| p.contains("entry 2 was changed")));
    let (code, doc) = backup("broken.tar");
    assert_eq!(code, 1, "{doc}");
    assert_output_schema("backup", &doc);
    assert_eq!(doc["audit_log"]["intact"], false);
    assert!(dir.join("broken.tar").exists());
}

/// A file's SHA-256, in hex.
fn sha256_of(path: &Path) -> String {
    smm_core::digest::sha256_hex(&std::fs::read(path).expect("read"))
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
