//! Reassessments (`follows:`), target versions (`supersedes:`, `smm target lower`) and
//! `smm diff`, run for real on the OTA gateway's certification round.

use std::path::{Path, PathBuf};

use crate::support::{digest, edit, example_copy, root, smm, stdout_of, workspace};
use predicates::prelude::*;
use serde_json::Value;

const TARGET: &str = "examples/ota-gateway/target.yaml";
const ASSESSMENT: &str = "examples/ota-gateway/assessment.yaml";
const INITIAL: &str = "examples/ota-gateway/certification/assessment-initial.yaml";
const FINAL: &str = "examples/ota-gateway/certification/assessment-final.yaml";

/// `smm target lower` on the example target: data-controls 4 -> 3, written to `dir/NAME`.
fn lowered_target(dir: &Path, name: &str) -> PathBuf {
    let out = dir.join(name);
    smm()
        .args(["target", "lower", TARGET, "--practice", "data-controls"])
        .args(["--comprehensiveness", "3", "--date", "2026-09-01"])
        .args([
            "--reason",
            "Fleet-wide revocation depends on an OEM backend release due in 2028.",
        ])
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "lowered data-controls: comprehensiveness 4 -> 3",
        ));
    out
}

/// The lowered target without its `supersedes` record: a silent lowering.
fn silent_copy(lowered: &Path) -> PathBuf {
    let text = std::fs::read_to_string(lowered).expect("read");
    let start = text.find("supersedes:").expect("record");
    let end = text.find("\nsystem:").expect("system");
    let silent = lowered.with_file_name("silent.yaml");
    std::fs::write(&silent, format!("{}{}", &text[..start], &text[end + 1..])).expect("write");
    silent
}

#[test]
fn help_is_available_for_diff_and_target_lower() {
    for args in [&["diff", "--help"][..], &["target", "lower", "--help"]] {
        smm()
            .args(args)
            .assert()
            .success()
            .stdout(predicate::str::contains("Usage"));
    }
}

#[test]
fn the_certification_round_validates_and_ends_meeting_the_target() {
    smm()
        .args(["validate", TARGET, ASSESSMENT, INITIAL, FINAL])
        .assert()
        .success();
    smm().args(["check", TARGET, INITIAL]).assert().code(1);
    smm().args(["check", TARGET, FINAL]).assert().success();
    let v: Value =
        serde_json::from_str(&stdout_of(&["diff", INITIAL, FINAL, "--json"])).expect("json");
    assert_eq!(v["kind"], "AssessmentDiff");
    assert_eq!(v["new"]["line"], "GW-7 gateway platform");
    // Nothing is left open at the end of the round.
    let last =
        smm_core::parse_assessment(&std::fs::read_to_string(root().join(FINAL)).expect("read"))
            .expect("parses");
    assert_eq!(last.findings.len(), 6);
    assert!(last.findings.iter().all(|f| !f.status.is_open()));
}

#[test]
fn a_follows_digest_that_does_not_match_is_refused_naming_the_field() {
    let dir = example_copy("ota-gateway");
    let initial = dir.path().join("certification/assessment-initial.yaml");
    let last = dir.path().join("certification/assessment-final.yaml");
    smm().arg("validate").arg(&last).assert().success();
    edit(&initial, "date: 2026-09-10", "date: 2026-09-11");
    // Found at its path ...
    smm()
        .arg("validate")
        .arg(&last)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "follows.sha256: the followed assessment's digest does not match",
        ))
        .stderr(predicate::str::contains("assessment-final.yaml:11:"));
    // ... or given alongside.
    smm()
        .arg("validate")
        .arg(&initial)
        .arg(&last)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("follows.sha256"));
}

#[test]
fn follows_is_not_checked_when_the_followed_assessment_is_not_at_hand() {
    let dir = example_copy("ota-gateway");
    std::fs::remove_file(dir.path().join("certification/assessment-initial.yaml")).expect("rm");
    smm()
        .arg("validate")
        .arg(dir.path().join("certification/assessment-final.yaml"))
        .assert()
        .success();
}

#[test]
fn a_reassessment_of_another_product_or_against_another_target_is_refused() {
    let dir = example_copy("ota-gateway");
    let initial = dir.path().join("certification/assessment-initial.yaml");
    let other = dir.path().join("certification/other-product.yaml");
    std::fs::copy(&initial, &other).expect("copy");
    let initial_digest = digest(&initial);
    edit(
        &other,
        "  path: ../assessment.yaml\n  sha256: \"e9f81bbaa724fcbcd19a0f6a31c4f240904e2c27cc8c6118137f3442dbbfe6e6\"",
        &format!("  path: assessment-initial.yaml\n  sha256: \"{initial_digest}\""),
    );
    edit(
        &other,
        "name: \"GW-7 central gateway\"",
        "name: \"GW-8 zone controller\"",
    );
    smm()
        .arg("validate")
        .arg(&other)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "product.name: a reassessment is of the same product",
        ));

    // Against a new target version: the follower names the lowered target by its digest.
    let new_target = lowered_target(dir.path(), "target-1.2.yaml");
    let other_target = dir.path().join("certification/other-target.yaml");
    std::fs::copy(&initial, &other_target).expect("copy");
    edit(
        &other_target,
        "  path: ../assessment.yaml\n  sha256: \"e9f81bbaa724fcbcd19a0f6a31c4f240904e2c27cc8c6118137f3442dbbfe6e6\"",
        &format!("  path: assessment-initial.yaml\n  sha256: \"{initial_digest}\""),
    );
    edit(
        &other_target,
        "  path: ../target.yaml\n  sha256: \"679d564eb34be3c360ed45ee929003746bc7d1c90760fd895200e10f329153e3\"",
        &format!("  path: ../target-1.2.yaml\n  sha256: \"{}\"", digest(&new_target)),
    );
    smm()
        .arg("validate")
        .arg(&other_target)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "target.sha256: a reassessment measures against the same target",
        ));
}

#[test]
fn target_lower_writes_a_version_that_resolves_and_records_supersedes() {
    let dir = workspace();
    let new = lowered_target(dir.path(), "target-1.2.yaml");
    let text = std::fs::read_to_string(&new).expect("written");
    let old_digest = digest(&root().join(TARGET));
    assert!(text.contains("version: \"1.2\""), "{text}");
    assert!(
        text.contains(&format!(
            "supersedes:\n  version: \"1.1\"\n  sha256: {old_digest}\n"
        )),
        "{text}"
    );
    let v: Value =
        serde_json::from_str(&stdout_of(&["show", new.to_str().expect("path"), "--json"]))
            .expect("json");
    assert_eq!(v["version"], "1.2");
    let dc = v["practices"]
        .as_array()
        .expect("practices")
        .iter()
        .find(|p| p["id"] == "data-controls")
        .expect("dc");
    assert_eq!(
        (dc["comprehensiveness"].as_u64(), dc["scope"].as_str()),
        (Some(3), Some("system"))
    );
    assert!(dc["rationale"]
        .as_str()
        .is_some_and(|r| r.starts_with("Fleet-wide revocation")));
    smm()
        .arg("validate")
        .arg(TARGET)
        .arg(&new)
        .assert()
        .success();
}

#[test]
fn a_target_that_lowers_a_level_without_supersedes_is_refused_next_to_its_previous_version() {
    let dir = workspace();
    let silent = silent_copy(&lowered_target(dir.path(), "target-1.2.yaml"));
    // Alone, it is a valid profile: there is nothing to compare it with.
    smm().arg("validate").arg(&silent).assert().success();
    // With its previous version, in either order, the silent lowering is refused.
    for (first, second) in [
        (root().join(TARGET), silent.clone()),
        (silent.clone(), root().join(TARGET)),
    ] {
        smm()
            .arg("validate")
            .arg(first)
            .arg(second)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "supersedes: this target lowers data-controls (comprehensiveness 4 -> 3) compared with version 1.1",
            ))
            .stderr(predicate::str::contains("silent.yaml:4:"));
    }
}

#[test]
fn a_supersedes_record_with_the_wrong_digest_is_refused_naming_the_field() {
    let dir = workspace();
    let new = lowered_target(dir.path(), "target-1.2.yaml");
    let old_digest = digest(&root().join(TARGET));
    edit(&new, &old_digest, &"0".repeat(64));
    smm()
        .arg("validate")
        .arg(TARGET)
        .arg(&new)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "supersedes.sha256: the superseded version's digest does not match",
        ));
}

#[test]
fn target_lower_refuses_what_is_not_a_lowering_and_writes_nothing() {
    let dir = workspace();
    let out = dir.path().join("new.yaml");
    let lower = |extra: &[&str]| {
        let mut cmd = smm();
        cmd.args(["target", "lower", TARGET, "--reason", "r", "-o"])
            .arg(&out)
            .args(extra);
        cmd
    };
    lower(&["--practice", "data-controls", "--comprehensiveness", "4"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does not lower anything"));
    lower(&["--practice", "monitoring", "--scope", "system"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--scope: system would widen"));
    lower(&["--practice", "data-control", "--comprehensiveness", "2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `data-controls`?"));
    lower(&["--practice", "monitoring", "--comprehensiveness", "7"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a comprehensiveness"));
    assert!(!out.exists());
    smm()
        .args(["target", "lower", TARGET, "--practice", "monitoring"])
        .args(["--comprehensiveness", "2", "--reason", "r", "-o", TARGET])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is the target being lowered"));
}

#[test]
fn diff_of_assessments_shows_levels_evidence_findings_and_a_summary() {
    let text = stdout_of(&["diff", INITIAL, FINAL]);
    for expected in [
        "new follows old (digest matches); same target",
        "threat-modeling  improved  comprehensiveness 3 -> 4",
        "+ evidence: GW-7 TARA baseline 3.1",
        "- evidence: GW-7 TARA summary, baseline 3.0",
        "NC-1  open -> resolved  TARA not updated",
        "V-2  open -> accepted  libcurl",
        "reason: Accepted by the GW-7 product security board",
        "3 practices improved, 0 regressed; 4 findings resolved, 0 new, 1 accepted",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    // From 4.2.0 to the first assessment of 4.2.1: a new product version. Evidence cited from
    // the folder above is the same file, not a change.
    let text = stdout_of(&["diff", ASSESSMENT, INITIAL]);
    assert!(text.contains("NC-4  new (open, low)"), "{text}");
    assert!(
        text.contains("0 practices improved, 0 regressed; 1 finding resolved, 1 new"),
        "{text}"
    );
    assert!(!text.contains("remediation-recovery"), "{text}");

    let v: Value =
        serde_json::from_str(&stdout_of(&["diff", "--json", INITIAL, FINAL])).expect("json");
    assert_eq!(v["smm"], 1);
    assert_eq!(v["new_follows_old"], true);
    assert_eq!(v["summary"]["findings_resolved"], 4);
    assert_eq!(v["summary"]["findings_accepted"], 1);
    let ids: Vec<&str> = v["practices"]
        .as_array()
        .expect("practices")
        .iter()
        .filter_map(|p| p["id"].as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "threat-modeling",
            "data-controls",
            "vulnerability-assessment",
            "information-sharing"
        ]
    );
    let nc1 = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["id"] == "NC-1")
        .expect("NC-1");
    assert_eq!(nc1["change"], "changed");
    assert_eq!(
        nc1["status"],
        serde_json::json!({"from": "open", "to": "resolved"})
    );

    // The other way round: the mirror image.
    let back = stdout_of(&["diff", FINAL, INITIAL]);
    assert!(
        back.contains("0 practices improved, 3 regressed; 0 findings resolved, 0 new, 5 reopened"),
        "{back}"
    );
    assert!(
        back.contains("old follows new: the files may be the wrong way round"),
        "{back}"
    );
}

#[test]
fn diff_of_targets_flags_lowered_levels_and_the_supersedes_record() {
    let dir = workspace();
    let new = lowered_target(dir.path(), "target-1.2.yaml");
    let new = new.to_str().expect("path");
    let text = stdout_of(&["diff", TARGET, new]);
    for expected in [
        "new supersedes old: version 1.1, digest matches",
        "reason: Fleet-wide revocation",
        "data-controls  LOWERED  comprehensiveness 4 -> 3",
        "0 practices raised, 1 lowered",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    assert!(!text.contains("warning:"), "{text}");
    let v: Value =
        serde_json::from_str(&stdout_of(&["diff", TARGET, new, "--json"])).expect("json");
    assert_eq!(v["kind"], "TargetDiff");
    assert_eq!(v["new_supersedes_old"]["record"], "matches");
    assert_eq!(v["practices"][0]["id"], "data-controls");
    assert_eq!(v["practices"][0]["lowered"], true);
    assert_eq!(
        v["practices"][0]["comprehensiveness"],
        serde_json::json!({"from": 4, "to": 3})
    );
    assert_eq!(v["summary"]["lowered_without_record"], false);

    let silent = silent_copy(Path::new(new));
    let silent = silent.to_str().expect("path");
    let text = stdout_of(&["diff", TARGET, silent]);
    assert!(text.contains("new records no `supersedes`"), "{text}");
    assert!(
        text.contains("warning: new lowers a level without recording"),
        "{text}"
    );
    let v: Value =
        serde_json::from_str(&stdout_of(&["diff", "--json", TARGET, silent])).expect("json");
    assert_eq!(v["new_supersedes_old"]["record"], "none");
    assert_eq!(v["summary"]["lowered_without_record"], true);
}

#[test]
fn diff_of_a_document_with_itself_is_empty() {
    let text = stdout_of(&["diff", FINAL, FINAL]);
    assert!(text.contains("no practice or finding changed"), "{text}");
    let text = stdout_of(&["diff", TARGET, TARGET]);
    assert!(text.contains("no level changed"), "{text}");
}

#[test]
fn diff_refuses_to_compare_a_target_with_an_assessment() {
    smm()
        .args(["diff", TARGET, ASSESSMENT])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is `kind: TargetProfile` and examples/ota-gateway/assessment.yaml `kind: Assessment`",
        ));
    smm()
        .args([
            "diff",
            "catalog/iot-smm-1.2.yaml",
            "catalog/iot-smm-1.2.yaml",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not Catalog documents"));
}

/// The OTA gateway's target with an approval, as `dir/approved.yaml`.
fn approved_copy(dir: &Path) -> PathBuf {
    let path = dir.join("approved.yaml");
    let text = std::fs::read_to_string(root().join(TARGET)).expect("read");
    std::fs::write(
        &path,
        text + "approval:\n  by: Dana Okafor, for the OEMs\n  date: 2026-08-01\n  statement: Agreed as the profile of the supply contract.\n",
    )
    .expect("write");
    path
}

#[test]
fn an_approved_target_file_is_never_rewritten_and_its_successor_must_supersede_it() {
    let dir = workspace();
    let approved = approved_copy(dir.path());
    let before = std::fs::read_to_string(&approved).expect("read");
    // A command that writes a target refuses to write over the approved one.
    smm()
        .args(["target", "lower", TARGET, "--practice", "data-controls"])
        .args(["--comprehensiveness", "3", "--reason", "r", "-o"])
        .arg(&approved)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "approved by Dana Okafor, for the OEMs on 2026-08-01: an approved version is never overwritten",
        ));
    smm()
        .args([
            "target",
            "new",
            "--answers",
            "examples/ota-gateway/answers.yaml",
            "-o",
        ])
        .arg(&approved)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "an approved version is never overwritten",
        ));
    assert_eq!(std::fs::read_to_string(&approved).expect("read"), before);
    // An edited copy given beside it is refused: it does not supersede the approved version.
    let edited = dir.path().join("edited.yaml");
    std::fs::write(
        &edited,
        before.replace("date: 2026-08-01", "date: 2026-08-02"),
    )
    .expect("write");
    smm()
        .arg("validate")
        .arg(&approved)
        .arg(&edited)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("edited.yaml"))
        .stderr(predicate::str::contains("is never edited, only superseded"));
    // Lowering it writes a new, unapproved version that supersedes it, which validates beside it.
    let next = dir.path().join("next.yaml");
    smm()
        .args(["target", "lower"])
        .arg(&approved)
        .args(["--practice", "data-controls", "--comprehensiveness", "3"])
        .args([
            "--date",
            "2026-09-01",
            "--reason",
            "The OEM backend is late.",
            "-o",
        ])
        .arg(&next)
        .assert()
        .success();
    let written = std::fs::read_to_string(&next).expect("read");
    assert!(!written.contains("approval:"), "{written}");
    smm()
        .arg("validate")
        .arg(&approved)
        .arg(&next)
        .assert()
        .success();
}
