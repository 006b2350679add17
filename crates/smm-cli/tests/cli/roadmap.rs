//! `smm roadmap`, run for real on the examples and on broken input.

use crate::support::{digest, example_copy, json_of, smm, workspace};
use predicates::prelude::*;
use serde_json::Value;

const HVAC: [&str; 2] = ["examples/hvac/target.yaml", "examples/hvac/assessment.yaml"];

fn roadmap_json(extra: &[&str]) -> Value {
    let args: Vec<&str> = ["roadmap"]
        .into_iter()
        .chain(HVAC)
        .chain(extra.iter().copied())
        .chain(["--json"])
        .collect();
    json_of(&args)
}

#[test]
fn without_a_budget_the_roadmap_lists_priced_actions_in_order() {
    smm()
        .arg("roadmap")
        .args(HVAC)
        .assert()
        .success()
        .stdout(predicate::str::contains("practices under target"))
        .stdout(predicate::str::contains("monitoring/c3"))
        .stdout(predicate::str::contains("remediation-recovery/system"))
        .stdout(predicate::str::contains("Give --budget"));
    let json = roadmap_json(&[]);
    assert_eq!(json["kind"], "Roadmap");
    let actions = json["actions"].as_array().expect("actions");
    assert!(!actions.is_empty());
    let sum: u64 = actions
        .iter()
        .map(|a| a["amount"].as_u64().expect("amount"))
        .sum();
    assert_eq!(json["totals"]["amount"].as_u64(), Some(sum));
    assert!(json.get("schedule").is_none());
}

#[test]
fn a_budget_and_deadline_give_a_schedule_with_what_is_left_out() {
    let json = roadmap_json(&[
        "--budget",
        "60000",
        "--start",
        "2027-01",
        "--deadline",
        "2027-12",
    ]);
    let schedule = &json["schedule"];
    let periods = schedule["periods"].as_array().expect("periods");
    assert_eq!(periods.len(), 4);
    assert_eq!(periods[0]["label"], "2027-Q1");
    for p in periods {
        assert!(p["used"].as_u64().expect("used") <= 60_000);
    }
    assert!(!schedule["left_out"]
        .as_array()
        .expect("left out")
        .is_empty());
    assert!(schedule["fit"]["budget"].as_u64().expect("fit") > 60_000);
    smm()
        .arg("roadmap")
        .args(HVAC)
        .args([
            "--budget",
            "60,000",
            "--start",
            "2027-01",
            "--deadline",
            "2027-12",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("Left out"))
        .stdout(predicate::str::contains(
            "more than a period's budget of EUR 60,000",
        ))
        .stdout(predicate::str::contains(
            "To fit everything: a budget of EUR",
        ));
}

#[test]
fn a_budget_in_person_days_and_monthly_periods() {
    let json = roadmap_json(&["--budget", "30d", "--period", "month", "--start", "2027-01"]);
    let schedule = &json["schedule"];
    assert_eq!(schedule["budget"]["unit"], "person-days");
    assert_eq!(schedule["budget"]["per_period"], 300);
    assert_eq!(schedule["periods"][0]["label"], "2027-01");
    for p in schedule["periods"].as_array().expect("periods") {
        let days: f64 = p["totals"]["effort"].as_f64().expect("effort");
        assert!(days <= 30.0, "{p}");
    }
}

#[test]
fn costs_files_change_the_amounts() {
    let dir = workspace();
    let costs = dir.path().join("costs.yaml");
    std::fs::write(
        &costs,
        "smm: 1\nkind: Costs\ncurrency: CHF\nday-rate: 1000\n",
    )
    .expect("write");
    let json = roadmap_json(&["--costs", costs.to_str().expect("utf-8")]);
    assert_eq!(json["currency"], "CHF");
    assert_eq!(json["day_rate"], 1000);
    smm()
        .args(["validate", costs.to_str().expect("utf-8")])
        .assert()
        .success()
        .stdout(predicate::str::contains("Costs:"));
    std::fs::write(
        &costs,
        "smm: 1\nkind: Costs\nactions:\n  monitoring/c9: { effort: 3 }\n",
    )
    .expect("write");
    smm()
        .arg("roadmap")
        .args(HVAC)
        .args(["--costs", costs.to_str().expect("utf-8")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("costs.yaml:4:3"))
        .stderr(predicate::str::contains("`monitoring/c9` is not an action"));
}

#[test]
fn roadmaps_are_written_as_markdown_html_and_svg() {
    let dir = workspace();
    for (name, needle) in [
        ("plan.md", "## Schedule"),
        ("plan.html", "<h2>Schedule</h2>"),
        ("plan.svg", "Budget used"),
    ] {
        let path = dir.path().join(name);
        smm()
            .arg("roadmap")
            .args(HVAC)
            .args([
                "--budget",
                "90000",
                "--start",
                "2027-01",
                "--deadline",
                "2027-12",
                "-o",
            ])
            .arg(&path)
            .assert()
            .success();
        let text = std::fs::read_to_string(&path).expect("written");
        assert!(text.contains(needle), "{name}");
        assert!(text.contains("monitoring/c3"), "{name}");
        if name.ends_with(".svg") || name.ends_with(".html") {
            assert!(!text.contains("<script"), "{name}");
        }
        if name.ends_with(".svg") {
            smm_report::png::parse(&text).expect("an SVG the renderer reads");
        }
    }
    // A timeline needs a schedule.
    smm()
        .arg("roadmap")
        .args(HVAC)
        .args(["-o"])
        .arg(dir.path().join("t.svg"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("give --budget"));
}

#[test]
fn bad_budgets_and_months_are_refused_with_exit_2() {
    for args in [
        vec!["--budget", "lots"],
        vec!["--budget", "0"],
        vec!["--budget", "1000", "--deadline", "2027-13"],
        vec!["--deadline", "2027-06"],
    ] {
        smm().arg("roadmap").args(HVAC).args(&args).assert().code(2);
    }
    smm()
        .arg("roadmap")
        .args(HVAC)
        .args([
            "--budget",
            "1000",
            "--start",
            "2027-06",
            "--deadline",
            "2027-01",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "deadline 2027-01 is before the start 2027-06",
        ));
}

#[test]
fn a_prerequisite_the_target_declined_is_left_out_and_every_rendering_says_why() {
    let dir = example_copy("hvac");
    let target = dir.path().join("target.yaml");
    let assessment = dir.path().join("assessment.yaml");
    // Vulnerability assessment is kept at 1 in the target (and is at 1 today), so consistent
    // patching would pull vulnerability-assessment/c2 in; the target declines it.
    let mut text = std::fs::read_to_string(&target).expect("target");
    text.push_str(
        "  vulnerability-assessment:\n    comprehensiveness: 1\n    rationale: The vendors' advisories are our only source of vulnerabilities.\naccepted-rules:\n  patching-needs-vulnerability-assessment:\n    reason: the vendors' advisories tell us what to patch\n",
    );
    std::fs::write(&target, text).expect("write");
    let old = std::fs::read_to_string(&assessment).expect("assessment");
    let new_digest = digest(&target);
    let mut lines: Vec<String> = Vec::new();
    let mut in_va = false;
    for line in old.lines() {
        if line.starts_with("  sha256: ") {
            lines.push(format!("  sha256: \"{new_digest}\""));
            continue;
        }
        if line.starts_with("  ") && !line.starts_with("   ") {
            in_va = line == "  vulnerability-assessment:";
        }
        if in_va && line == "    comprehensiveness: 3" {
            lines.push("    comprehensiveness: 1".into());
            continue;
        }
        lines.push(line.to_string());
    }
    std::fs::write(&assessment, lines.join("\n") + "\n").expect("write");

    let out = smm()
        .arg("roadmap")
        .arg(&target)
        .arg(&assessment)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8_lossy(&out);
    assert!(
        out.contains("Not added: prerequisites the target declined"),
        "{out}"
    );
    assert!(
        out.contains("vulnerability-assessment/c2")
            && out.contains("patch-management/c3 would need it first")
            && out.contains("rule patching-needs-vulnerability-assessment")
            && out.contains("the vendors' advisories tell us what to patch"),
        "{out}"
    );
    let json = json_of(&[
        "roadmap",
        target.to_str().expect("utf-8"),
        assessment.to_str().expect("utf-8"),
        "--json",
    ]);
    let actions = json["actions"].as_array().expect("actions");
    assert!(actions
        .iter()
        .all(|a| a["id"] != "vulnerability-assessment/c2"));
    assert_eq!(json["declined"][0]["action"], "vulnerability-assessment/c2");
    for (name, needle) in [
        ("plan.md", "## Not added: prerequisites the target declined"),
        (
            "plan.html",
            "<h2>Not added: prerequisites the target declined</h2>",
        ),
    ] {
        let path = dir.path().join(name);
        smm()
            .arg("roadmap")
            .arg(&target)
            .arg(&assessment)
            .arg("-o")
            .arg(&path)
            .assert()
            .success();
        let text = std::fs::read_to_string(&path).expect("written");
        assert!(text.contains(needle), "{name}: {text}");
        assert!(
            text.contains("patching-needs-vulnerability-assessment"),
            "{name}"
        );
    }
}

#[test]
fn goal_deadlines_budgets_and_parties_are_said_in_text_markdown_and_html() {
    let dir = crate::support::example_copy("hvac");
    let target = dir.path().join("target.yaml");
    let assessment = dir.path().join("assessment.yaml");
    let before = crate::support::digest(&target);
    let text = std::fs::read_to_string(&target).expect("read");
    let goals = text.find("\ngoals:\n").expect("goals");
    let at = goals + text[goals..].find("\n  hardening:\n").expect("hardening") + 14;
    std::fs::write(
        &target,
        format!(
            "{}    deadline: 2027-03-31\n    budget: {{amount: 50000, currency: EUR}}\n    responsible: us\n    cost-bearer: owner\n{}stakeholders:\n  us: {{role: integrator, name: Campus HVAC Services}}\n  owner: {{role: operator, name: Enterprise Facilities}}\n",
            &text[..at],
            &text[at..]
        ),
    )
    .expect("write");
    crate::support::edit(&assessment, &before, &crate::support::digest(&target));
    let run = |extra: &[&str]| {
        let mut cmd = smm();
        cmd.arg("roadmap")
            .arg(&target)
            .arg(&assessment)
            .args(["--budget", "60000", "--start", "2027-01"])
            .args(extra);
        cmd
    };
    let out = run(&[]).output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    for (name, text) in [
        ("text", stdout.to_string()),
        ("markdown", {
            let path = dir.path().join("plan.md");
            run(&["-o"]).arg(&path).assert().success();
            std::fs::read_to_string(&path).expect("written")
        }),
        ("html", {
            let path = dir.path().join("plan.html");
            run(&["-o"]).arg(&path).assert().success();
            std::fs::read_to_string(&path).expect("written")
        }),
    ] {
        for needle in [
            "Goal deadlines and budgets",
            "Hardening: due 2027-03-31; NOT kept",
            "cannot be done by 2027-Q1 within the budget",
            "Hardening: budget EUR 50,000; its actions cost",
            "By responsible party",
            "By cost bearer",
            "Campus HVAC Services (integrator)",
            "Enterprise Facilities (operator)",
            "not named",
        ] {
            assert!(
                text.contains(needle),
                "{needle:?} missing from the {name}:\n{text}"
            );
        }
    }
    let json = json_of(&[
        "roadmap",
        target.to_str().expect("utf-8"),
        assessment.to_str().expect("utf-8"),
        "--budget",
        "60000",
        "--start",
        "2027-01",
        "--json",
    ]);
    let checks = json["schedule"]["deadlines"].as_array().expect("deadlines");
    assert_eq!(checks[0]["domain"], "hardening");
    assert_eq!(checks[0]["met"], false);
    let left = json["schedule"]["left_out"].as_array().expect("left out");
    assert!(
        left.iter().any(|l| l["reason"]["kind"] == "past-deadline"),
        "{left:?}"
    );
}
