//! `smm risk`, run for real on the examples' loss scenarios and on broken input.

use crate::support::{json_of, smm, temp_file, workspace};
use predicates::prelude::*;
use serde_json::Value;

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
    let text =
        std::fs::read_to_string(crate::support::root().join(BOTTLING[0])).expect("scenarios");
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

/// The example's figures as `smm_core::risk::outlook` computes them from its files, with the
/// document's simulation settings unless `iterations` is given.
fn core_outlook(example: &str, iterations: Option<u32>) -> smm_core::risk::RiskOutlook {
    use smm_core::risk::{outlook, parse_risk_scenarios, RiskEffects, SimulationOptions};
    let catalog = smm_core::Catalog::builtin();
    let read = |file: &str| crate::support::repository_text(&format!("examples/{example}/{file}"));
    let scenarios = parse_risk_scenarios(&catalog, &read("risk.yaml")).expect("scenarios");
    let assessment = smm_core::parse_assessment(&read("assessment.yaml")).expect("assessment");
    let current = smm_core::current_profile(&catalog, &assessment).expect("checks");
    let target = smm_core::parse_target(&read("target.yaml")).expect("target");
    let target = smm_core::resolve(&catalog, &target).expect("resolves");
    let mut options = SimulationOptions::of(&scenarios);
    if let Some(n) = iterations {
        options.iterations = n;
    }
    outlook(
        &catalog,
        &RiskEffects::builtin(&catalog),
        &scenarios,
        &current,
        Some(&target),
        &options,
    )
    .expect("simulates")
}

#[test]
fn the_figures_go_to_csv_and_xlsx_as_the_json_has_them() {
    let dir = workspace();
    let csv = dir.path().join("risk.csv");
    let xlsx = dir.path().join("risk.xlsx");
    for (out, what) in [(&csv, "one table"), (&xlsx, "profiles, scenarios")] {
        smm()
            .arg("risk")
            .args(BOTTLING)
            .args(["--iterations", "20000", "-o"])
            .arg(out)
            .assert()
            .success()
            .stdout(predicate::str::contains(what));
    }
    // risk_json simulates as many years with the same seed.
    let json = risk_json(&[]);
    let text = std::fs::read_to_string(&csv).expect("csv");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(smm_report::risk::CSV_COLUMNS.join(",").as_str())
    );
    // The columns up to `mean` hold no commas (titles come later).
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let mean = |profile: &str| {
        rows.iter()
            .find(|r| r[0] == profile && r[1] == "profile")
            .map(|r| r[7].parse::<f64>().expect("a number"))
            .expect("the profile's row")
    };
    let profiles = json["profiles"].as_array().expect("profiles");
    assert_eq!(
        mean("today"),
        profiles[0]["annual_loss"]["mean"].as_f64().expect("mean")
    );
    assert_eq!(
        mean("target reached"),
        profiles[1]["annual_loss"]["mean"].as_f64().expect("mean")
    );
    assert_eq!(rows.len(), 2 * (1 + 5));
    assert_eq!(&std::fs::read(&xlsx).expect("xlsx")[..2], b"PK");
}

#[test]
fn an_output_of_another_kind_is_refused_before_simulating() {
    let dir = workspace();
    let out = dir.path().join("risk.txt");
    smm()
        .arg("risk")
        .args(BOTTLING)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("risk.txt"))
        .stderr(predicate::str::contains(".svg or .png"))
        .stderr(predicate::str::contains(".csv or .xlsx"))
        .stdout(predicate::str::contains("Annual loss").not());
    assert!(!out.exists());
}

#[test]
fn the_report_has_a_risk_section_with_the_core_figures_only_when_asked() {
    let dir = workspace();
    let with = dir.path().join("with.html");
    let without = dir.path().join("without.html");
    smm()
        .args(["report", BOTTLING[2], BOTTLING[1], "--date", "2031-02-03"])
        .args(["--risk", BOTTLING[0], "-o"])
        .arg(&with)
        .assert()
        .success();
    smm()
        .args([
            "report",
            BOTTLING[2],
            BOTTLING[1],
            "--date",
            "2031-02-03",
            "-o",
        ])
        .arg(&without)
        .assert()
        .success();
    let with = std::fs::read_to_string(&with).expect("html");
    let without = std::fs::read_to_string(&without).expect("html");
    assert!(!without.contains("Risk in money"));
    let at = with
        .find("<section id=\"risk\">")
        .expect("the risk section");
    let section = &with[at..at + with[at..].find("</section>").expect("its end")];
    // The document's own iterations and seed, as the core computes them.
    let o = core_outlook("bottling-line", None);
    let today = o.today();
    assert!(section.contains(&format!("seed {}", today.seed)));
    let reading = smm_report::risk::words::reading(&o).expect("with a target");
    assert!(
        section.contains(&reading.replace('\'', "&#39;")),
        "{reading}"
    );
    for r in &o.profiles {
        for years in [10, 20, 100] {
            assert!(section.contains(&smm_report::risk::words::years_range(r, years)));
        }
        assert!(section.contains(&smm_report::risk::words::mean_range(r)));
    }
}

#[test]
fn a_risk_section_needs_the_assessment() {
    let dir = workspace();
    smm()
        .args(["report", BOTTLING[2], "--risk", BOTTLING[0], "-o"])
        .arg(dir.path().join("sheet.html"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--risk"))
        .stderr(predicate::str::contains("assessment"));
}

/// The marked table of `examples/NAME/README.md`: profile, mean annual loss, 1-in-20-years loss.
fn readme_figures(readme: &str) -> Vec<[String; 3]> {
    let marker = "<!-- risk figures:";
    let at = readme
        .find(marker)
        .expect("the README marks its risk figures with `<!-- risk figures: ... -->`");
    readme[at..]
        .lines()
        .skip(1)
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| {
            let cells: Vec<String> = l
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect();
            assert_eq!(cells.len(), 3, "a row of three cells: {l}");
            [cells[0].clone(), cells[1].clone(), cells[2].clone()]
        })
        .collect()
}

/// The examples' READMEs quote today's and the target's figures: they must be what the
/// scenarios, the assessment and the target give now, and the command must reproduce them.
#[test]
fn the_examples_readmes_state_the_risk_figures_the_files_give() {
    use smm_report::risk::words::{mean_range, years_range};
    for example in ["bottling-line", "hvac"] {
        let readme = crate::support::repository_text(&format!("examples/{example}/README.md"));
        let command = format!(
            "smm risk examples/{example}/risk.yaml examples/{example}/assessment.yaml examples/{example}/target.yaml --json"
        );
        assert!(readme.contains("## Risk in money"), "{example}");
        assert!(
            readme.contains(&command),
            "{example}: the command to reproduce"
        );
        let o = core_outlook(example, None);
        let expected: Vec<[String; 3]> = o
            .profiles
            .iter()
            .map(|r| [r.profile.clone(), mean_range(r), years_range(r, 20)])
            .collect();
        assert_eq!(
            readme_figures(&readme),
            expected,
            "examples/{example}/README.md: the risk figures are out of date"
        );
        for s in &o.today().scenarios {
            assert!(
                readme.contains(&format!("`{}`", s.id)),
                "{example}: scenario {}",
                s.id
            );
        }
    }
}
