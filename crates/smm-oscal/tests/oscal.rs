//! Every export of every example, checked against NIST's published OSCAL JSON schema and loaded
//! by compliance-trestle; every example assessment round-tripped through OSCAL.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use smm_core::actions::{parse_actions, BUILTIN_ACTIONS_YAML};
use smm_core::roadmap::{plan, PlanInput};
use smm_core::{
    content_digest, current_profile, gap, parse_assessment, parse_target, resolve, Assessment,
    Catalog, ResolvedTarget, TargetProfile,
};
use smm_oscal::{render, Format};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every example assessment (the current ones and the bottling line's history), with the
/// target it names.
fn assessments() -> Vec<(PathBuf, Assessment, TargetProfile)> {
    let mut paths = Vec::new();
    for example in std::fs::read_dir(root().join("examples")).expect("examples") {
        let dir = example.expect("entry").path();
        if dir.join("assessment.yaml").exists() {
            paths.push(dir.join("assessment.yaml"));
        }
        if let Ok(history) = std::fs::read_dir(dir.join("history")) {
            for file in history {
                let file = file.expect("entry").path();
                if file.extension().is_some_and(|e| e == "yaml") {
                    paths.push(file);
                }
            }
        }
    }
    paths.sort();
    assert!(
        paths.len() >= 6,
        "the examples hold at least six assessments"
    );
    paths
        .into_iter()
        .map(|path| {
            let assessment = parse_assessment(&read(&path)).expect("example assessment parses");
            let target_path = path.parent().expect("dir").join(&assessment.target.path);
            let target = parse_target(&read(&target_path)).expect("example target parses");
            (path, assessment, target)
        })
        .collect()
}

fn resolved(catalog: &Catalog, target: &TargetProfile) -> ResolvedTarget {
    resolve(catalog, target).expect("example target resolves")
}

/// Every export smm makes of the examples, named; profiles find the catalog at `catalog_href`.
fn exports(catalog_href: &str) -> Vec<(String, Value)> {
    let catalog = Catalog::builtin();
    let actions = parse_actions(&catalog, BUILTIN_ACTIONS_YAML).expect("built-in actions");
    let pricing = actions.pricing(None);
    let mut out = vec![("catalog".to_string(), smm_oscal::catalog::catalog(&catalog))];
    for (path, assessment, target) in assessments() {
        let name = path
            .strip_prefix(root().join("examples"))
            .unwrap_or(&path)
            .display()
            .to_string();
        let resolved = resolved(&catalog, &target);
        let current = current_profile(&catalog, &assessment).expect("example assessment checks");
        let gap = gap(&resolved, &current).expect("same catalog");
        out.push((
            format!("profile of {name}"),
            smm_oscal::profile::profile(&target, &resolved, catalog_href),
        ));
        out.push((
            format!("results of {name}"),
            smm_oscal::results::assessment_results(&assessment, &gap),
        ));
        let input = PlanInput {
            catalog: &catalog,
            actions: &actions,
            pricing: &pricing,
            target: &resolved,
            current: &current,
            findings: &assessment.findings,
        };
        let roadmap = plan(&input, None).expect("plans");
        out.push((
            format!("POA&M of {name}"),
            smm_oscal::poam::poam(&roadmap, assessment.date),
        ));
    }
    out
}

#[test]
fn every_export_is_valid_against_the_published_oscal_schema() {
    let schema: Value = serde_json::from_str(&read(
        &root().join("tests/oscal/schemas/oscal_complete_schema.json"),
    ))
    .expect("the schema is JSON");
    let validator = jsonschema::draft7::new(&schema).expect("the schema compiles");
    let mut failures = Vec::new();
    for (name, document) in exports("catalog.json") {
        // What is written is what is checked: the JSON text, read back.
        let text = render(&document, Format::Json);
        let written: Value = serde_json::from_str(&text).expect("JSON");
        for error in validator.iter_errors(&written) {
            failures.push(format!(
                "{name}: at {} (schema {})",
                error.instance_path(),
                error.schema_path()
            ));
        }
        // The YAML form says the same.
        let yaml: Value = serde_saphyr::from_str(&render(&document, Format::Yaml)).expect("YAML");
        assert_eq!(yaml, written, "{name}: YAML and JSON differ");
    }
    assert!(
        failures.is_empty(),
        "{} schema errors:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_schema_rejects_what_oscal_forbids() {
    // The check above is only worth something if the schema bites: an export with a broken
    // UUID and without its required metadata must fail.
    let schema: Value = serde_json::from_str(&read(
        &root().join("tests/oscal/schemas/oscal_complete_schema.json"),
    ))
    .expect("the schema is JSON");
    let validator = jsonschema::draft7::new(&schema).expect("the schema compiles");
    let mut document = smm_oscal::catalog::catalog(&Catalog::builtin());
    assert!(validator.is_valid(&document));
    document["catalog"]["uuid"] = Value::String("not-a-uuid".into());
    assert!(!validator.is_valid(&document));
    let mut document = smm_oscal::catalog::catalog(&Catalog::builtin());
    document["catalog"]["groups"][0]["groups"][0]["controls"][0]["id"] =
        Value::String("1 bad id".into());
    assert!(!validator.is_valid(&document));
}

#[test]
fn every_example_assessment_round_trips_through_oscal_with_nothing_lost() {
    let catalog = Catalog::builtin();
    for (path, assessment, target) in assessments() {
        let resolved = resolved(&catalog, &target);
        let current = current_profile(&catalog, &assessment).expect("checks");
        let gap = gap(&resolved, &current).expect("same catalog");
        let document = smm_oscal::results::assessment_results(&assessment, &gap);
        for format in [Format::Json, Format::Yaml] {
            let imported = smm_oscal::import_results(&catalog, &render(&document, format))
                .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
            assert!(
                imported.report.is_empty(),
                "{}: {:?}",
                path.display(),
                imported.report
            );
            assert_eq!(
                content_digest(&imported.assessment),
                content_digest(&assessment),
                "{} ({format:?}): the imported assessment differs:\n{}",
                path.display(),
                serde_saphyr::to_string(&imported.assessment).unwrap_or_default()
            );
        }
    }
}

#[test]
fn the_same_input_exports_byte_identical_documents() {
    let first: Vec<String> = exports("catalog.json")
        .iter()
        .map(|(_, d)| render(d, Format::Json))
        .collect();
    let second: Vec<String> = exports("catalog.json")
        .iter()
        .map(|(_, d)| render(d, Format::Json))
        .collect();
    assert_eq!(first, second);
}

/// compliance-trestle, the OSCAL library compliance teams use, must load every export. It runs
/// from the virtualenv scripts/oscal-trestle provisions; under CI a missing one fails the test.
#[test]
fn every_export_loads_in_compliance_trestle() {
    let script = root().join("scripts/oscal-trestle");
    let venv = std::env::var("SMM_OSCAL_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            let cache = std::env::var("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .unwrap_or_else(|_| {
                    PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cache")
                });
            cache.join("smm-oscal-trestle")
        });
    let python = venv.join("bin/python");
    if !python.exists() {
        let message = format!(
            "compliance-trestle is not provisioned ({} missing): run scripts/oscal-trestle --provision",
            python.display()
        );
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{message}");
        eprintln!("\n!!!!! SKIPPED every_export_loads_in_compliance_trestle: {message} !!!!!\n");
        return;
    }
    let dir = tempfile_dir();
    // The catalog is written first, as `00-catalog.catalog.json`: every profile imports it.
    for (i, (name, document)) in exports("00-catalog.catalog.json").into_iter().enumerate() {
        let model = document
            .as_object()
            .and_then(|o| o.keys().next().cloned())
            .expect("one model");
        let slug: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let json = dir.join(format!("{i:02}-{slug}.{model}.json"));
        std::fs::write(&json, render(&document, Format::Json)).expect("write");
        let yaml = dir.join(format!("{i:02}-{slug}.{model}.yaml"));
        std::fs::write(&yaml, render(&document, Format::Yaml)).expect("write");
    }
    let output = Command::new(&python)
        .arg(root().join("tests/oscal/load_with_trestle.py"))
        .arg(&dir)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {} ({}): {e}",
                python.display(),
                script.display()
            )
        });
    let _ = std::fs::remove_dir_all(&dir);
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "compliance-trestle refused exports:\n{report}"
    );
    assert!(report.contains("resolved"), "{report}");
    eprintln!("{report}");
}

fn tempfile_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("smm-oscal-trestle-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn the_vendored_schema_is_the_one_its_readme_names() {
    let dir = root().join("tests/oscal/schemas");
    let bytes = std::fs::read(dir.join("oscal_complete_schema.json")).expect("schema");
    let digest = smm_core::digest::sha256_hex(&bytes);
    let readme = read(&dir.join("README.md"));
    assert!(
        readme.contains(&format!("`{digest}`")),
        "the schema's SHA-256 {digest} is not the one tests/oscal/schemas/README.md records"
    );
}

/// The ota-gateway assessment with every optional field the examples leave out filled in:
/// a reassessment link, a product line, every method, resolved and accepted findings with
/// reasons and dates, a finding on no practice, evidence with a file and a URL, an assessor
/// and texts that do not fit a prop value.
fn every_field() -> (Assessment, smm_core::Gap) {
    use smm_core::document::{
        AssessmentReference, Date, Evidence, Finding, FindingKind, FindingStatus, Method,
        Recommendation, Severity,
    };
    use smm_core::located::Located;
    let catalog = Catalog::builtin();
    let dir = root().join("examples/ota-gateway");
    let mut assessment = parse_assessment(&read(&dir.join("assessment.yaml"))).expect("parses");
    let target = parse_target(&read(&dir.join("target.yaml"))).expect("parses");
    let current = current_profile(&catalog, &assessment).expect("checks");
    let gap = gap(&resolved(&catalog, &target), &current).expect("gap");
    let text = |s: &str| Located::new(s.to_string());
    assessment.follows = Some(AssessmentReference {
        path: text("history/2026-01.yaml"),
        sha256: text(&"ab".repeat(32)),
    });
    assessment.product.line = Some("GW gateways".into());
    assessment.methods = Method::ALL.to_vec();
    assessment
        .assessors
        .push("  an assessor with blanks ".into());
    assessment.findings[0].status = FindingStatus::Resolved;
    assessment.findings[0].reason = Some(text("Fixed in 4.2.1."));
    assessment.findings[0].closed = Some(Located::new(Date::parse("2026-08-01").expect("date")));
    assessment.findings[1].status = FindingStatus::Accepted;
    assessment.findings[1].reason = Some(text("Not exploitable:\nno proxy is configured.\n"));
    assessment.findings.push(Finding {
        id: text("OBS 7"),
        kind: FindingKind::Nonconformity,
        practice: None,
        severity: Severity::Info,
        cve: None,
        title: "two\nlines ".into(),
        description: None,
        recommendations: vec![text("R-9")],
        status: FindingStatus::Open,
        reason: None,
        closed: None,
    });
    assessment.recommendations.push(Recommendation {
        id: text("R-9"),
        practice: None,
        text: String::new(),
    });
    let (_, first) = &mut assessment.practices.0[0];
    first.evidence.push(Evidence {
        file: Some(text("evidence/a b.md")),
        sha256: Some(text(&"cd".repeat(32))),
        url: Some(text("https://example.org/a")),
        description: " ".into(),
    });
    first.notes = Some("\n indented\n".into());
    (assessment, gap)
}

#[test]
fn every_field_of_an_assessment_survives_the_round_trip() {
    let catalog = Catalog::builtin();
    let (assessment, gap) = every_field();
    let document = smm_oscal::results::assessment_results(&assessment, &gap);
    let schema: Value = serde_json::from_str(&read(
        &root().join("tests/oscal/schemas/oscal_complete_schema.json"),
    ))
    .expect("the schema is JSON");
    let validator = jsonschema::draft7::new(&schema).expect("the schema compiles");
    assert!(validator.is_valid(&document), "the export is valid OSCAL");
    for format in [Format::Json, Format::Yaml] {
        let imported =
            smm_oscal::import_results(&catalog, &render(&document, format)).expect("imports");
        assert!(imported.report.is_empty(), "{:?}", imported.report);
        assert_eq!(
            content_digest(&imported.assessment),
            content_digest(&assessment),
            "{format:?}:\n{}",
            serde_saphyr::to_string(&imported.assessment).unwrap_or_default()
        );
    }
}

/// The schema's validator, compiled once for the property test's many cases.
fn schema() -> &'static jsonschema::Validator {
    static VALIDATOR: std::sync::OnceLock<jsonschema::Validator> = std::sync::OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema: Value = serde_json::from_str(&read(
            &root().join("tests/oscal/schemas/oscal_complete_schema.json"),
        ))
        .expect("the schema is JSON");
        jsonschema::draft7::new(&schema).expect("the schema compiles")
    })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// Whatever people write in an assessment's texts (several lines, blanks at either end,
    /// quotes, YAML's special words), the round trip keeps it exactly.
    #[test]
    fn any_text_survives_the_round_trip(texts in proptest::collection::vec("(?s).{0,24}", 8)) {
        let catalog = Catalog::builtin();
        let (mut assessment, gap) = every_field();
        assessment.product.name = texts[0].clone();
        assessment.product.version = texts[1].clone();
        assessment.assessors[0] = texts[2].clone();
        assessment.practices.0[1].1.notes = Some(texts[3].clone());
        assessment.findings[0].title = texts[4].clone();
        assessment.findings[0].description = Some(texts[5].clone());
        assessment.findings[1].reason = Some(smm_core::located::Located::new(texts[6].clone()));
        assessment.recommendations[0].text = texts[7].clone();
        let document = smm_oscal::results::assessment_results(&assessment, &gap);
        proptest::prop_assert!(schema().is_valid(&document), "the export is not valid OSCAL");
        for format in [Format::Json, Format::Yaml] {
            let imported = smm_oscal::import_results(&catalog, &render(&document, format));
            let imported = imported.map_err(|e| proptest::test_runner::TestCaseError::fail(format!("{format:?}: {e:?}")))?;
            proptest::prop_assert_eq!(content_digest(&imported.assessment), content_digest(&assessment), "{:?}", format);
        }
    }
}
