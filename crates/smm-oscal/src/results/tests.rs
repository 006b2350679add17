//! The results' mapping on a real example: gap findings, the assessment's findings and risks.

use super::*;
use smm_core::document::FindingStatus;
use smm_core::{current_profile, gap, parse_assessment, parse_target, resolve, Catalog};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/ota-gateway/");

fn example() -> (Assessment, Gap) {
    let read = |name: &str| std::fs::read_to_string(format!("{ROOT}{name}")).expect("example");
    let catalog = Catalog::builtin();
    let target = parse_target(&read("target.yaml")).expect("target");
    let assessment = parse_assessment(&read("assessment.yaml")).expect("assessment");
    let resolved = resolve(&catalog, &target).expect("resolves");
    let current = current_profile(&catalog, &assessment).expect("checks");
    let gap = gap(&resolved, &current).expect("gap");
    (assessment, gap)
}

fn gap_findings(document: &Value) -> Vec<String> {
    document["assessment-results"]["results"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["props"][0]["value"] == "gap")
        .map(|f| {
            f["target"]["target-id"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

#[test]
fn a_practice_under_target_becomes_a_finding_and_one_at_target_does_not() {
    let (assessment, gap) = example();
    let document = assessment_results(&assessment, &gap);
    let under: Vec<String> = gap.under().map(|p| p.id.as_str().to_string()).collect();
    assert!(!under.is_empty());
    assert_eq!(gap_findings(&document), under);
    let met = gap
        .practices
        .iter()
        .find(|p| p.status == smm_core::Status::Met)
        .expect("a practice at target");
    assert!(!gap_findings(&document).contains(&met.id.as_str().to_string()));
}

#[test]
fn each_assessment_finding_has_a_finding_and_a_risk_with_its_status() {
    let (mut assessment, gap) = example();
    assessment.findings[0].status = FindingStatus::Accepted;
    let document = assessment_results(&assessment, &gap);
    let result = &document["assessment-results"]["results"][0];
    let risks = result["risks"].as_array().expect("risks");
    assert_eq!(risks.len(), assessment.findings.len());
    assert_eq!(risks[0]["status"], "deviation-approved");
    assert_eq!(risks[1]["status"], "open");
    let observations = result["observations"].as_array().expect("observations");
    assert_eq!(observations.len(), assessment.practices.0.len());
}
