//! `smm roadmap --rank risk`: the roadmap ranked by the loss each action avoids per unit of
//! cost, beside the ranking by weight, run for real on the examples.

use crate::support::{json_of, smm};
use predicates::prelude::*;
use serde_json::Value;

const HVAC: [&str; 2] = ["examples/hvac/target.yaml", "examples/hvac/assessment.yaml"];
const SCENARIOS: &str = "examples/hvac/risk.yaml";

fn ids(actions: &Value) -> Vec<String> {
    actions
        .as_array()
        .expect("a list")
        .iter()
        .map(|a| {
            a.as_str()
                .map_or_else(|| a["id"].to_string(), str::to_string)
        })
        .collect()
}

#[test]
fn the_json_ranks_by_value_per_cost_beside_the_weight_order() {
    let by_weight = json_of(&["roadmap", HVAC[0], HVAC[1], "--json"]);
    let json = json_of(&[
        "roadmap",
        HVAC[0],
        HVAC[1],
        "--rank",
        "risk",
        "--scenarios",
        SCENARIOS,
        "--iterations",
        "5000",
        "--json",
    ]);
    assert_eq!(json["kind"], "RiskRoadmap");
    assert_eq!(json["roadmap"]["ranking"], "risk");
    let weight_order: Vec<String> = by_weight["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .map(|a| a["id"].as_str().expect("id").to_string())
        .collect();
    assert_eq!(ids(&json["by_weight"]), weight_order);
    let values = json["values"].as_array().expect("values");
    let actions = json["roadmap"]["actions"].as_array().expect("actions");
    assert_eq!(values.len(), actions.len());
    let mut risk_order: Vec<String> = Vec::new();
    for (i, (v, a)) in values.iter().zip(actions).enumerate() {
        assert_eq!(v["action"], a["id"]);
        assert_eq!(v["risk_rank"], i + 1);
        let id = a["id"].as_str().expect("id").to_string();
        let place = weight_order.iter().position(|w| *w == id).expect("in both");
        assert_eq!(v["weight_rank"], place + 1);
        // ROSI over the default three years, from the value and the cost.
        let (mean, amount) = (
            v["reduction"]["mean"].as_f64().expect("mean"),
            v["amount"].as_f64().expect("amount"),
        );
        let rosi = v["rosi"].as_f64().expect("rosi");
        assert!((rosi - (3.0 * mean - amount) / amount).abs() < 1e-9);
        risk_order.push(id);
    }
    let mut a = risk_order.clone();
    let mut b = weight_order.clone();
    a.sort();
    b.sort();
    assert_eq!(a, b, "the same actions, in another order");
    // The stages: today, then one per action, never rising.
    let stages = json["stages"].as_array().expect("stages");
    assert_eq!(stages.len(), actions.len() + 1);
    let means: Vec<f64> = stages
        .iter()
        .map(|s| s["annual_loss"]["mean"].as_f64().expect("mean"))
        .collect();
    assert!(means.windows(2).all(|w| w[1] <= w[0]), "{means:?}");
    // The horizon changes the return, not the ranking.
    let longer = json_of(&[
        "roadmap",
        HVAC[0],
        HVAC[1],
        "--rank",
        "risk",
        "--scenarios",
        SCENARIOS,
        "--iterations",
        "5000",
        "--horizon",
        "5",
        "--json",
    ]);
    assert_eq!(longer["roadmap"], json["roadmap"]);
    assert!(longer["plan_rosi"].as_f64() > json["plan_rosi"].as_f64());
}

#[test]
fn the_text_shows_the_schedule_the_values_and_the_stages() {
    smm()
        .args(["roadmap", HVAC[0], HVAC[1]])
        .args([
            "--rank",
            "risk",
            "--scenarios",
            SCENARIOS,
            "--iterations",
            "3000",
        ])
        .args(["--budget", "30000", "--start", "2027-01"])
        .assert()
        .success()
        .stdout(predicate::str::contains("2027-Q1"))
        .stdout(predicate::str::contains(
            "Ranked by annual loss avoided per unit of cost",
        ))
        .stdout(predicate::str::contains("BY WEIGHT"))
        .stdout(predicate::str::contains("after 2027-Q1"))
        .stdout(predicate::str::contains("return on security investment"))
        .stdout(predicate::str::contains("whose steps each avoid, summed"));
}

#[test]
fn a_ranking_by_risk_needs_scenarios() {
    smm()
        .args(["roadmap", HVAC[0], HVAC[1], "--rank", "risk"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--scenarios"));
    smm()
        .args(["roadmap", HVAC[0], HVAC[1], "--rank", "risk"])
        .args(["--scenarios", HVAC[1]])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("assessment.yaml"));
}

#[test]
fn the_markdown_roadmap_says_what_each_action_avoids() {
    let dir = crate::support::workspace();
    let out = dir.path().join("roadmap.md");
    smm()
        .args(["roadmap", HVAC[0], HVAC[1]])
        .args([
            "--rank",
            "risk",
            "--scenarios",
            SCENARIOS,
            "--iterations",
            "3000",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(&out).expect("markdown");
    assert!(text.contains("Ranked by the annual loss each action avoids per unit of cost"));
    assert!(text.contains(" a year; "), "{text}");
    // Ranked by weight, neither appears.
    smm()
        .args(["roadmap", HVAC[0], HVAC[1], "-o"])
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(&out).expect("markdown");
    assert!(!text.contains("Ranked by the annual loss") && !text.contains(" a year; "));
}
