//! The CSV and XLSX exports read back, with the csv crate and calamine, to exactly what the gap
//! and the documents say, for every worked example and for text that needs quoting.

use std::collections::HashMap;
use std::io::Cursor;

use crate::support::{example, root};
use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use smm_core::{
    current_profile, gap, parse_assessment, parse_target, resolve, Assessment, Catalog, Gap,
    ResolvedTarget,
};
use smm_report::export::{self, ExportInput, COLUMNS, TARGET_COLUMNS};

struct Loaded {
    name: String,
    catalog: Catalog,
    target: ResolvedTarget,
    assessment: Assessment,
    gap: Gap,
}

impl Loaded {
    fn input(&self) -> ExportInput<'_> {
        ExportInput {
            catalog: &self.catalog,
            target: &self.target,
            assessment: Some((&self.assessment, &self.gap)),
        }
    }

    fn target_only(&self) -> ExportInput<'_> {
        ExportInput {
            catalog: &self.catalog,
            target: &self.target,
            assessment: None,
        }
    }
}

fn load_with(name: &str, target_yaml: &str, assessment_yaml: &str) -> Loaded {
    let catalog = Catalog::builtin();
    let target = parse_target(target_yaml).unwrap_or_else(|e| panic!("{name} target: {e}"));
    let target = resolve(&catalog, &target).unwrap_or_else(|e| panic!("{name} resolve: {e}"));
    let assessment =
        parse_assessment(assessment_yaml).unwrap_or_else(|e| panic!("{name} assessment: {e}"));
    let current =
        current_profile(&catalog, &assessment).unwrap_or_else(|e| panic!("{name} current: {e}"));
    let gap = gap(&target, &current).unwrap_or_else(|e| panic!("{name} gap: {e}"));
    Loaded {
        name: name.to_string(),
        catalog,
        target,
        assessment,
        gap,
    }
}

/// Every example with both a target and an assessment.
fn examples() -> Vec<Loaded> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("examples"))
        .expect("examples directory")
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().join("assessment.yaml").is_file())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 4, "examples found: {names:?}");
    names
        .iter()
        .map(|name| {
            load_with(
                name,
                &example(name, "target.yaml"),
                &example(name, "assessment.yaml"),
            )
        })
        .collect()
}

type Rows = Vec<Vec<String>>;

fn read_csv(bytes: &[u8]) -> (Vec<String>, Rows) {
    let mut reader = csv::Reader::from_reader(bytes);
    let header = reader
        .headers()
        .expect("CSV header")
        .iter()
        .map(str::to_string)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.expect("CSV record").iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// A cell as the CSV writes it: integers without a fraction, booleans as `true`/`false`.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(n) => n.to_string(),
        Data::Bool(b) => b.to_string(),
        other => panic!("unexpected cell {other:?}"),
    }
}

struct Workbook {
    names: Vec<String>,
    sheets: HashMap<String, Vec<Vec<Data>>>,
}

impl Workbook {
    fn read(bytes: Vec<u8>) -> Workbook {
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("valid xlsx");
        let names = book.sheet_names();
        let sheets = names
            .iter()
            .map(|name| {
                let range = book.worksheet_range(name).expect("sheet");
                assert_eq!(range.start(), Some((0, 0)), "{name} starts at A1");
                (name.clone(), range.rows().map(<[Data]>::to_vec).collect())
            })
            .collect();
        Workbook { names, sheets }
    }

    fn sheet(&self, name: &str) -> &Vec<Vec<Data>> {
        self.sheets
            .get(name)
            .unwrap_or_else(|| panic!("no sheet {name}"))
    }

    /// A sheet as text: the header, then the data rows.
    fn text(&self, name: &str) -> (Vec<String>, Rows) {
        let mut rows = self
            .sheet(name)
            .iter()
            .map(|row| row.iter().map(cell_text).collect::<Vec<_>>());
        let header = rows.next().unwrap_or_default();
        (header, rows.collect())
    }

    /// The data rows of a sheet as maps from column name to text.
    fn records(&self, name: &str) -> Vec<HashMap<String, String>> {
        let (header, rows) = self.text(name);
        rows.into_iter()
            .map(|row| header.iter().cloned().zip(row).collect())
            .collect()
    }
}

fn column(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

#[test]
fn the_target_columns_begin_the_gap_columns() {
    assert_eq!(&COLUMNS[..TARGET_COLUMNS.len()], &TARGET_COLUMNS[..]);
    assert_eq!(export::columns(true), &COLUMNS[..]);
    assert_eq!(export::columns(false), &TARGET_COLUMNS[..]);
}

#[test]
fn the_csv_of_every_example_has_a_row_per_practice_with_the_gap_status() {
    for ex in examples() {
        let bytes = export::csv(&ex.input()).expect("CSV");
        let (header, rows) = read_csv(&bytes);
        assert_eq!(header, COLUMNS, "{}", ex.name);
        assert_eq!(rows.len(), 18, "{}", ex.name);
        let id = column(&header, "practice_id");
        let status = column(&header, "status");
        let current = column(&header, "current_comprehensiveness");
        let delta = column(&header, "scope_delta");
        for p in &ex.gap.practices {
            let matching: Vec<&Vec<String>> =
                rows.iter().filter(|r| r[id] == p.id.as_str()).collect();
            assert_eq!(matching.len(), 1, "{}: {}", ex.name, p.id);
            let row = matching[0];
            assert_eq!(row.len(), COLUMNS.len());
            assert_eq!(row[status], p.status.as_str(), "{}: {}", ex.name, p.id);
            assert_eq!(
                row[current],
                p.current.comprehensiveness.value().to_string()
            );
            assert_eq!(row[delta], p.scope_delta.to_string());
        }
        // Catalog order, as the target has it.
        let ids: Vec<&str> = rows.iter().map(|r| r[id].as_str()).collect();
        let expected: Vec<&str> = ex.target.practices.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, expected, "{}", ex.name);
    }
}

#[test]
fn the_csv_links_findings_recommendations_and_evidence_to_their_practice() {
    for ex in examples() {
        let (header, rows) = read_csv(&export::csv(&ex.input()).expect("CSV"));
        let id = column(&header, "practice_id");
        let findings = column(&header, "findings");
        let recommendations = column(&header, "recommendations");
        let evidence = column(&header, "evidence");
        let evidence_items: usize = rows
            .iter()
            .filter(|r| !r[evidence].is_empty())
            .map(|r| r[evidence].split(" | ").count())
            .sum();
        let documented: usize = ex
            .assessment
            .practices
            .iter()
            .map(|(_, p)| p.evidence.len())
            .sum();
        assert_eq!(evidence_items, documented, "{}", ex.name);
        for f in &ex.assessment.findings {
            let Some(practice) = &f.practice else {
                continue;
            };
            let row = rows
                .iter()
                .find(|r| r[id] == practice.value)
                .expect("finding's practice");
            let entry = format!("{}: {}", f.id.value, f.title);
            assert!(row[findings].split(" | ").any(|s| s == entry), "{entry}");
            for r in &f.recommendations {
                let prefix = format!("{}: ", r.value);
                assert!(
                    row[recommendations]
                        .split(" | ")
                        .any(|s| s.starts_with(&prefix)),
                    "{}: {} through {}",
                    ex.name,
                    r.value,
                    f.id.value
                );
            }
        }
    }
}

#[test]
fn the_target_only_csv_has_no_current_columns() {
    for ex in examples() {
        let (header, rows) = read_csv(&export::csv(&ex.target_only()).expect("CSV"));
        assert_eq!(header, TARGET_COLUMNS, "{}", ex.name);
        assert_eq!(rows.len(), 18);
        for name in [
            "current_comprehensiveness",
            "current_scope",
            "status",
            "evidence",
        ] {
            assert!(!header.iter().any(|h| h == name));
        }
        let id = column(&header, "practice_id");
        let level = column(&header, "target_comprehensiveness");
        let scope = column(&header, "target_scope");
        let confirmed = column(&header, "confirmed");
        for (row, p) in rows.iter().zip(&ex.target.practices) {
            assert_eq!(row[id], p.id.as_str());
            assert_eq!(row[level], p.comprehensiveness.value().to_string());
            assert_eq!(row[scope], p.scope.token());
            assert_eq!(row[confirmed], p.confirmed.to_string());
        }
    }
}

#[test]
fn the_xlsx_of_every_example_reads_back_like_the_csv() {
    for ex in examples() {
        let book = Workbook::read(export::xlsx(&ex.input()).expect("XLSX"));
        let mut sheets = vec![
            "Gap",
            "Subdomains",
            "Domains",
            "Findings",
            "Recommendations",
            "Evidence",
        ];
        if !ex.target.stakeholders.is_empty() {
            sheets.push("Stakeholders");
        }
        assert_eq!(book.names, sheets, "{}", ex.name);
        let (header, rows) = book.text("Gap");
        let (csv_header, csv_rows) = read_csv(&export::csv(&ex.input()).expect("CSV"));
        assert_eq!(header, csv_header, "{}", ex.name);
        assert_eq!(rows.len(), 18, "{}", ex.name);
        assert_eq!(rows, csv_rows, "{}", ex.name);

        // Numbers are numbers, booleans booleans.
        let gap_sheet = book.sheet("Gap");
        let level = column(&header, "target_comprehensiveness");
        let delta = column(&header, "comprehensiveness_delta");
        let confirmed = column(&header, "confirmed");
        for row in &gap_sheet[1..] {
            assert!(matches!(row[level], Data::Float(_) | Data::Int(_)));
            assert!(matches!(row[delta], Data::Float(_) | Data::Int(_)));
            assert!(matches!(row[confirmed], Data::Bool(_)));
        }

        assert_eq!(
            book.records("Findings").len(),
            ex.assessment.findings.len(),
            "{}",
            ex.name
        );
        assert_eq!(
            book.records("Recommendations").len(),
            ex.assessment.recommendations.len()
        );
        let evidence: usize = ex
            .assessment
            .practices
            .iter()
            .map(|(_, p)| p.evidence.len())
            .sum();
        let evidence_rows = book.records("Evidence");
        assert_eq!(evidence_rows.len(), evidence, "{}", ex.name);
        for e in &evidence_rows {
            assert!(["file", "url"].contains(&e["kind"].as_str()), "{e:?}");
            assert_eq!(e["kind"] == "file", e["sha256"].len() == 64, "{e:?}");
        }

        let subdomains = book.records("Subdomains");
        assert_eq!(subdomains.len(), ex.gap.subdomains.len());
        for (row, g) in subdomains.iter().zip(&ex.gap.subdomains) {
            assert_eq!(row["subdomain_id"], g.id);
            assert_eq!(row["status"], g.status.as_str());
            assert_eq!(row["under"], g.summary.under.to_string());
            assert_eq!(row["met"], g.summary.met.to_string());
            assert_eq!(row["over"], g.summary.over.to_string());
        }
        let domains = book.records("Domains");
        assert_eq!(domains.len(), ex.gap.domains.len());
        for ((row, g), d) in domains.iter().zip(&ex.gap.domains).zip(&ex.target.domains) {
            assert_eq!(row["domain_id"], g.id);
            assert_eq!(row["status"], g.status.as_str());
            assert_eq!(row["goal"], d.goal);
            assert_eq!(row["practices"], g.summary.total.to_string());
        }
    }
}

#[test]
fn the_target_only_xlsx_has_the_target_sheets() {
    for ex in examples() {
        let book = Workbook::read(export::xlsx(&ex.target_only()).expect("XLSX"));
        let mut sheets = vec!["Target", "Subdomains", "Domains"];
        if !ex.target.stakeholders.is_empty() {
            sheets.push("Stakeholders");
        }
        assert_eq!(book.names, sheets, "{}", ex.name);
        let (header, rows) = book.text("Target");
        let (csv_header, csv_rows) = read_csv(&export::csv(&ex.target_only()).expect("CSV"));
        assert_eq!(header, csv_header);
        assert_eq!(rows, csv_rows);
        let subdomains = book.records("Subdomains");
        for (row, s) in subdomains.iter().zip(&ex.target.subdomains) {
            assert_eq!(row["subdomain_id"], s.id.as_str());
            assert_eq!(row["rollup_comprehensiveness"], s.rollup.comprehensiveness);
            assert_eq!(row["rollup_scope"], s.rollup.scope);
            assert!(!row.contains_key("status"));
        }
    }
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let ex = examples().remove(0);
    for input in [ex.input(), ex.target_only()] {
        assert_eq!(export::csv(&input), export::csv(&input));
        assert_eq!(export::xlsx(&input), export::xlsx(&input));
    }
}

/// Text with every character CSV must quote, a CRLF, and blanks at both ends.
const AWKWARD: &str = "  Patch \"now\", please;\nthen re-test, \"twice\"\r\nend, \"\" ,done  ";
const DIGEST: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn awkward_assessment(catalog: &Catalog) -> String {
    assessment_with_text(catalog, AWKWARD)
}

/// An assessment whose first practice's notes and evidence, finding and a recommendation all
/// carry `text`.
fn assessment_with_text(catalog: &Catalog, text: &str) -> String {
    let quoted = |s: &str| serde_json::to_string(s).expect("JSON string");
    let ids: Vec<&str> = catalog.practice_ids().collect();
    let mut yaml =
        String::from("smm: 1\nkind: Assessment\ntarget: { path: target.yaml, sha256: \"");
    yaml.push_str(DIGEST);
    yaml.push_str("\" }\nproduct: { name: \"Widget, \\\"pro\\\"\", version: \"1.0\" }\n");
    yaml.push_str("date: 2026-03-04\npractices:\n");
    for (i, id) in ids.iter().enumerate() {
        yaml.push_str(&format!(
            "  {id}:\n    comprehensiveness: {}\n    scope: general\n",
            i % 3
        ));
        if i == 0 {
            yaml.push_str(&format!(
                "    notes: {}\n    evidence:\n      - url: https://example.com/a?b=1,2\n        description: {}\n      - file: evidence/a, b.md\n        sha256: \"{DIGEST}\"\n        description: {}\n",
                quoted(text),
                quoted(text),
                quoted("plain"),
            ));
        }
    }
    yaml.push_str(&format!(
        "findings:\n  - id: NC-1\n    kind: nonconformity\n    practice: {}\n    severity: high\n    title: {}\n    description: {}\n    recommendations: [R-1]\n",
        ids[0],
        quoted(text),
        quoted(text)
    ));
    yaml.push_str(&format!(
        "recommendations:\n  - id: R-1\n    practice: {}\n    text: {}\n  - id: R-2\n    text: unrelated\n",
        ids[1],
        quoted(text)
    ));
    yaml
}

#[test]
fn awkward_text_round_trips_exactly_in_both_formats() {
    let catalog = Catalog::builtin();
    let target = example("hvac", "target.yaml");
    let ex = load_with("awkward", &target, &awkward_assessment(&catalog));
    let first = ex.target.practices[0].id.as_str();
    let second = ex.target.practices[1].id.as_str();
    assert_eq!(
        ex.assessment.practices.0[0].1.notes.as_deref(),
        Some(AWKWARD),
        "the YAML keeps the text as written"
    );

    let expected_evidence = format!(
        "{AWKWARD} <https://example.com/a?b=1,2> | plain [evidence/a, b.md sha256={DIGEST}]"
    );
    let expected_finding = format!("NC-1: {AWKWARD}");
    let expected_recommendation = format!("R-1: {AWKWARD}");
    let check = |header: &[String], rows: &Rows, format: &str| {
        let id = column(header, "practice_id");
        let row = |pid: &str| {
            rows.iter()
                .find(|r| r[id] == pid)
                .unwrap_or_else(|| panic!("{format}: no row {pid}"))
                .clone()
        };
        let first = row(first);
        assert_eq!(first[column(header, "notes")], AWKWARD, "{format}");
        assert_eq!(
            first[column(header, "evidence")],
            expected_evidence,
            "{format}"
        );
        assert_eq!(
            first[column(header, "findings")],
            expected_finding,
            "{format}"
        );
        // Linked through its finding.
        assert_eq!(
            first[column(header, "recommendations")],
            expected_recommendation,
            "{format}"
        );
        // Linked directly.
        let second = row(second);
        assert_eq!(
            second[column(header, "recommendations")],
            expected_recommendation,
            "{format}"
        );
        assert_eq!(second[column(header, "findings")], "", "{format}");
    };

    let (header, rows) = read_csv(&export::csv(&ex.input()).expect("CSV"));
    check(&header, &rows, "CSV");

    let book = Workbook::read(export::xlsx(&ex.input()).expect("XLSX"));
    let (header, rows) = book.text("Gap");
    check(&header, &rows, "XLSX");

    let findings = book.records("Findings");
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["title"], AWKWARD);
    assert_eq!(findings[0]["description"], AWKWARD);
    assert_eq!(findings[0]["practice_id"], first);
    assert_eq!(findings[0]["recommendations"], "R-1");
    assert_eq!(findings[0]["kind"], "nonconformity");
    assert_eq!(findings[0]["severity"], "high");

    let recommendations = book.records("Recommendations");
    assert_eq!(recommendations.len(), 2);
    assert_eq!(recommendations[0]["text"], AWKWARD);
    assert_eq!(recommendations[0]["practice_id"], second);
    assert_eq!(recommendations[0]["findings"], "NC-1");
    assert_eq!(recommendations[1]["practice_id"], "");

    let evidence = book.records("Evidence");
    assert_eq!(evidence.len(), 2);
    assert_eq!(evidence[0]["practice_id"], first);
    assert_eq!(evidence[0]["kind"], "url");
    assert_eq!(evidence[0]["location"], "https://example.com/a?b=1,2");
    assert_eq!(evidence[0]["description"], AWKWARD);
    assert_eq!(evidence[1]["kind"], "file");
    assert_eq!(evidence[1]["location"], "evidence/a, b.md");
    assert_eq!(evidence[1]["sha256"], DIGEST);
}

#[test]
fn csv_cells_a_spreadsheet_would_run_as_formulas_are_prefixed_and_xlsx_keeps_them() {
    let catalog = Catalog::builtin();
    let target = example("hvac", "target.yaml");
    for text in [
        "=HYPERLINK(\"http://x\",\"y\")",
        "+1",
        "-2",
        "@SUM(A1)",
        "\tx",
        "\rx",
    ] {
        let ex = load_with("formula", &target, &assessment_with_text(&catalog, text));
        let first = ex.target.practices[0].id.as_str();

        let (header, rows) = read_csv(&export::csv(&ex.input()).expect("CSV"));
        let row = rows
            .iter()
            .find(|r| r[column(&header, "practice_id")] == first)
            .expect("first practice");
        assert_eq!(
            row[column(&header, "notes")],
            format!("'{text}"),
            "{text:?}"
        );
        // A cell that only contains the text later on is left alone.
        assert_eq!(
            row[column(&header, "findings")],
            format!("NC-1: {text}"),
            "{text:?}"
        );
        // Numbers are never prefixed: a negative delta stays a number.
        let delta = column(&header, "comprehensiveness_delta");
        assert!(
            rows.iter().any(|r| r[delta].starts_with('-')),
            "some practice is short"
        );
        for r in &rows {
            r[delta].parse::<i64>().expect("delta is an integer");
        }

        let book = Workbook::read(export::xlsx(&ex.input()).expect("XLSX"));
        let (header, rows) = book.text("Gap");
        let row = rows
            .iter()
            .find(|r| r[column(&header, "practice_id")] == first)
            .expect("first practice");
        assert_eq!(row[column(&header, "notes")], text, "XLSX keeps {text:?}");
        assert_eq!(book.records("Findings")[0]["title"], text);
    }
}

/// A target that names its parties, plans its goals and is approved.
const PLANNED: &str = "smm: 1\nkind: TargetProfile\nname: planned\nsystem: s\nrole: integrator\ndate: 2026-05-01\ncatalog: {id: iot-smm, version: '1.2'}\nstakeholders:\n  us: {role: integrator, name: Line Builders}\n  owner: {role: operator}\ngoals:\n  governance: {statement: g, comprehensiveness: 2, scope: general, responsible: us, cost-bearer: owner}\n  enablement: {statement: e, comprehensiveness: 2, scope: general}\n  hardening: {statement: h, comprehensiveness: 2, scope: general, responsible: owner, deadline: 2027-06-30, budget: {amount: 60000, currency: EUR}}\npractices:\n  patch-management: {responsible: us}\napproval: {by: 'Ana Ruiz, plant manager', date: 2026-05-12, statement: 'Agreed for the 2027 season'}\n";

#[test]
fn the_exports_name_who_answers_and_pays_the_goal_plans_and_the_approval() {
    let catalog = Catalog::builtin();
    let profile = parse_target(PLANNED).expect("target");
    let target = resolve(&catalog, &profile).expect("resolves");
    let input = ExportInput {
        catalog: &catalog,
        target: &target,
        assessment: None,
    };
    let (header, rows) = read_csv(&export::csv(&input).expect("CSV"));
    let at = |name: &str| column(&header, name);
    let row = |id: &str| {
        rows.iter()
            .find(|r| r[at("practice_id")] == id)
            .unwrap_or_else(|| panic!("no row {id}"))
    };
    // A goal's party flows down; a practice's own wins; the cost bearer flows down on its own.
    assert_eq!(row("program-management")[at("responsible")], "us");
    assert_eq!(row("program-management")[at("cost_bearer")], "owner");
    assert_eq!(row("patch-management")[at("responsible")], "us");
    assert_eq!(row("patch-management")[at("cost_bearer")], "");
    assert_eq!(row("monitoring")[at("responsible")], "owner");
    assert_eq!(row("monitoring")[at("goal_deadline")], "2027-06-30");
    assert_eq!(row("monitoring")[at("goal_budget_amount")], "60000");
    assert_eq!(row("monitoring")[at("goal_budget_currency")], "EUR");
    assert_eq!(row("program-management")[at("goal_deadline")], "");
    for r in &rows {
        assert_eq!(r[at("approved_by")], "Ana Ruiz, plant manager");
        assert_eq!(r[at("approved_on")], "2026-05-12");
        assert_eq!(r[at("approval_statement")], "Agreed for the 2027 season");
    }

    let book = Workbook::read(export::xlsx(&input).expect("XLSX"));
    assert_eq!(
        book.names,
        ["Target", "Subdomains", "Domains", "Stakeholders"]
    );
    let domains = book.records("Domains");
    let hardening = domains
        .iter()
        .find(|d| d["domain_id"] == "hardening")
        .expect("hardening");
    assert_eq!(hardening["deadline"], "2027-06-30");
    assert_eq!(hardening["budget_amount"], "60000");
    assert_eq!(hardening["budget_currency"], "EUR");
    let stakeholders = book.records("Stakeholders");
    assert_eq!(stakeholders.len(), 2);
    assert_eq!(stakeholders[0]["stakeholder_id"], "us");
    assert_eq!(stakeholders[0]["role"], "integrator");
    assert_eq!(stakeholders[0]["name"], "Line Builders");
    assert_eq!(stakeholders[1]["name"], "owner");
}
