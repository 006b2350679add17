//! `smm risk`, run for real on the examples' loss scenarios and on broken input.

mod support;

use predicates::prelude::*;
use serde_json::Value;
use support::{json_of, smm, temp_file, workspace};

const BOTTLING: [&str; 3] = [
    "examples/bottling-line/risk.yaml",
    "examples/bottling-line/assessment.yaml",
    "examples/bottling-line/target.yaml",
];

fn risk_json(extra: &[&str]) -> Value {
    let args: Vec<&str> = ["risk"]
        .into_iter()
        .chain(BOTTLING)
        .chain(["--iterations", "20000", "--json"])
        .chain(extra.iter().copied())
        .collect();
    json_of(&args)
}

#[test]
fn reaching_the_target_lowers_the_loss_and_the_figures_repeat_with_the_seed() {
    let json = risk_json(&[]);
    assert_eq!(json["kind"], "Risk");
    let profiles = json["profiles"].as_array().expect("profiles");
    assert_eq!(profiles.len(), 2);
    let (today, reached) = (&profiles[0]["annual_loss"], &profiles[1]["annual_loss"]);
    for p in ["mean", "p50", "p90", "p95", "p99"] {
        let (a, b) = (today[p].as_f64().expect(p), reached[p].as_f64().expect(p));
        assert!(b <= a, "{p}: {b} after, {a} before");
    }
    assert!(reached["mean"].as_f64() < today["mean"].as_f64());
    let reduction = json["mean_reduction"].as_f64().expect("reduction");
    let diff = today["mean"].as_f64().unwrap_or(0.0) - reached["mean"].as_f64().unwrap_or(0.0);
    assert!((reduction - diff).abs() < 1e-6);
    // Ranges, in order, and every scenario accounted for.
    assert!(today["p10"].as_f64() <= today["p50"].as_f64());
    assert!(today["p95"].as_f64() <= today["p99"].as_f64());
    assert_eq!(profiles[0]["scenarios"].as_array().map(Vec::len), Some(5));
    // The same seed gives the same figures; another seed other figures.
    assert_eq!(risk_json(&[]), json);
    assert_ne!(
        risk_json(&["--seed", "7"])["profiles"][0]["annual_loss"],
        *today
    );
}

#[test]
fn the_table_speaks_in_ranges_and_the_chart_is_drawn() {
    let dir = workspace();
    let svg = dir.path().join("lec.svg");
    let png = dir.path().join("lec.png");
    for out in [&svg, &png] {
        smm()
            .arg("risk")
            .args(BOTTLING)
            .args(["--iterations", "5000", "-o"])
            .arg(out)
            .assert()
            .success()
            .stdout(predicate::str::contains("1 in 20 y"))
            .stdout(predicate::str::contains(
                "Reaching the target lowers the mean annual loss",
            ))
            .stdout(predicate::str::contains("loss exceedance curves"));
    }
    let text = std::fs::read_to_string(&svg).expect("svg");
    assert!(text.contains("<title") && text.contains("Loss exceedance"));
    assert!(text.contains("target reached"));
    assert_eq!(&std::fs::read(&png).expect("png")[1..4], b"PNG");
}

#[test]
fn a_broken_range_is_refused_at_its_line() {
    let text = std::fs::read_to_string(support::root().join(BOTTLING[0])).expect("scenarios");
    let at = text.find("likely:").expect("a likely value");
    let line = text[..at].lines().count();
    let line_text = text.lines().nth(line - 1).expect("line").to_string();
    let broken_line = line_text.replacen("min: ", "min: 9", 1);
    assert_ne!(
        broken_line, line_text,
        "the first estimate is written inline: {line_text}"
    );
    let broken = text.replacen(&line_text, &broken_line, 1);
    let (_dir, file) = temp_file("risk.yaml", &broken);
    smm()
        .arg("risk")
        .arg(&file)
        .args(&BOTTLING[1..])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("risk.yaml:{line}:")))
        .stderr(predicate::str::contains("min"));
}
