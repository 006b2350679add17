//! Risk in money outside the terminal: the CSV and XLSX read back, with the csv crate and
//! calamine, to exactly the figures `smm_core::risk::outlook` computes, and the report's section
//! shows those figures as ranges, with the chart, only when asked for.

use std::io::Cursor;

use crate::support::{assessed, example, target_of};
use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use smm_core::risk::{
    grid, outlook, parse_risk_scenarios, RiskEffects, RiskOutlook, RiskResult, SimulationOptions,
};
use smm_core::{current_profile, parse_assessment, Catalog};
use smm_report::html::{report, report_with, ReportInput, ReportSections};
use smm_report::risk::{self, words, CSV_COLUMNS, PROFILE_COLUMNS, SCENARIO_COLUMNS};

/// The example's outlook on few simulated years (the figures' exactness does not depend on how
/// many), with the example's scenarios text changed by `edit`.
fn outlook_of(name: &str, edit: impl Fn(String) -> String) -> RiskOutlook {
    let catalog = Catalog::builtin();
    let scenarios =
        parse_risk_scenarios(&catalog, &edit(example(name, "risk.yaml"))).expect("scenarios");
    let assessment = parse_assessment(&example(name, "assessment.yaml")).expect("assessment");
    let current = current_profile(&catalog, &assessment).expect("checks");
    let (_, target) = target_of(&catalog, name);
    let options = SimulationOptions {
        iterations: 4_000,
        ..SimulationOptions::of(&scenarios)
    };
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

fn read_csv(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(bytes);
    let header = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.expect("record").iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

fn number(text: &str) -> f64 {
    text.parse()
        .unwrap_or_else(|_| panic!("`{text}` is not a number"))
}

fn sheet(book: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> Vec<Vec<Data>> {
    let range = book.worksheet_range(name).expect("sheet");
    range.rows().map(<[Data]>::to_vec).collect()
}

fn float(cell: &Data) -> f64 {
    match cell {
        Data::Float(x) => *x,
        Data::Int(n) => *n as f64,
        other => panic!("not a number: {other:?}"),
    }
}

fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("not text: {other:?}"),
    }
}

#[test]
fn the_csv_holds_every_profile_and_scenario_figure_exactly() {
    for name in ["bottling-line", "hvac"] {
        let o = outlook_of(name, |t| t);
        let (header, rows) = read_csv(&risk::csv(&o.profiles).expect("csv"));
        assert_eq!(header, CSV_COLUMNS);
        let col = |c: &str| CSV_COLUMNS.iter().position(|x| *x == c).expect(c);
        let scenarios = o.today().scenarios.len();
        assert_eq!(rows.len(), o.profiles.len() * (1 + scenarios), "{name}");
        let mut rows = rows.iter();
        for r in &o.profiles {
            let row = rows.next().expect("the profile's row");
            assert_eq!(row[col("profile")], r.profile);
            assert_eq!(row[col("level")], "profile");
            assert_eq!(row[col("scenario_id")], "");
            assert_eq!(row[col("currency")], r.currency);
            assert_eq!(row[col("iterations")], r.iterations.to_string());
            assert_eq!(row[col("seed")], r.seed.to_string());
            let d = &r.annual_loss;
            for (c, v) in [
                ("mean", d.mean),
                ("standard_error", d.standard_error),
                ("p10", d.p10),
                ("p50", d.p50),
                ("p90", d.p90),
                ("p95", d.p95),
                ("p99", d.p99),
                ("probability_of_loss", r.probability_of_loss),
            ] {
                // Exactly, not nearly: nothing is lost on the way to the spreadsheet.
                assert_eq!(number(&row[col(c)]), v, "{name} {} {c}", r.profile);
            }
            let events: f64 = r.scenarios.iter().map(|s| s.loss_events).sum();
            assert_eq!(number(&row[col("loss_events")]), events);
            for s in &r.scenarios {
                let row = rows.next().expect("the scenario's row");
                assert_eq!(row[col("profile")], r.profile);
                assert_eq!(row[col("level")], "scenario");
                assert_eq!(row[col("scenario_id")], s.id);
                assert_eq!(row[col("scenario")], s.title);
                assert_eq!(number(&row[col("mean")]), s.mean);
                assert_eq!(number(&row[col("loss_events")]), s.loss_events);
                assert_eq!(
                    number(&row[col("probability_of_loss")]),
                    s.probability_of_loss
                );
                for c in ["standard_error", "p10", "p50", "p90", "p95", "p99"] {
                    assert_eq!(row[col(c)], "", "a scenario has no {c}");
                }
            }
        }
    }
}

#[test]
fn the_workbook_has_profiles_scenarios_and_the_curves_on_one_grid() {
    let o = outlook_of("bottling-line", |t| t);
    let mut book: Xlsx<_> =
        open_workbook_from_rs(Cursor::new(risk::xlsx(&o.profiles).expect("xlsx"))).expect("xlsx");
    assert_eq!(
        book.sheet_names(),
        ["Profiles", "Scenarios", "Exceedance"].map(String::from)
    );

    let profiles = sheet(&mut book, "Profiles");
    assert_eq!(
        profiles[0].iter().map(text).collect::<Vec<_>>(),
        PROFILE_COLUMNS
    );
    assert_eq!(profiles.len(), 1 + o.profiles.len());
    for (row, r) in profiles[1..].iter().zip(&o.profiles) {
        assert_eq!(text(&row[0]), r.profile);
        assert_eq!(text(&row[1]), r.currency);
        assert_eq!(float(&row[2]), f64::from(r.iterations));
        assert_eq!(
            text(&row[3]),
            r.seed.to_string(),
            "the seed is kept as digits"
        );
        let d = &r.annual_loss;
        let expected = [d.mean, d.standard_error, d.p10, d.p50, d.p90, d.p95, d.p99];
        for (cell, v) in row[4..11].iter().zip(expected) {
            assert_eq!(float(cell), v);
        }
        assert_eq!(float(&row[11]), r.probability_of_loss);
    }

    let scenarios = sheet(&mut book, "Scenarios");
    assert_eq!(
        scenarios[0].iter().map(text).collect::<Vec<_>>(),
        SCENARIO_COLUMNS
    );
    let expected: Vec<(&RiskResult, _)> = o
        .profiles
        .iter()
        .flat_map(|r| r.scenarios.iter().map(move |s| (r, s)))
        .collect();
    assert_eq!(scenarios.len(), 1 + expected.len());
    for (row, (r, s)) in scenarios[1..].iter().zip(expected) {
        assert_eq!(text(&row[0]), r.profile);
        assert_eq!(
            (text(&row[1]), text(&row[2])),
            (s.id.clone(), s.title.clone())
        );
        assert_eq!(float(&row[3]), s.mean);
        assert_eq!(float(&row[4]), s.loss_events);
        assert_eq!(float(&row[5]), s.probability_of_loss);
    }

    let curves = sheet(&mut book, "Exceedance");
    let mut header = vec!["loss".to_string()];
    header.extend(o.profiles.iter().map(|r| r.profile.clone()));
    assert_eq!(curves[0].iter().map(text).collect::<Vec<_>>(), header);
    let refs: Vec<&RiskResult> = o.profiles.iter().collect();
    let levels = grid(&refs, curves.len() - 1);
    assert!(levels.len() > 40, "a curve, not a few points");
    for (row, &loss) in curves[1..].iter().zip(&levels) {
        assert_eq!(float(&row[0]), loss);
        for (cell, r) in row[1..].iter().zip(&o.profiles) {
            assert_eq!(float(cell), r.exceedance_at(loss));
        }
    }
    // Today's curve is never below the one with the target reached, on the shared grid.
    assert!(curves[1..]
        .iter()
        .all(|row| float(&row[1]) >= float(&row[2])));
}

#[test]
fn a_title_a_spreadsheet_would_run_is_guarded_in_csv_and_kept_in_xlsx() {
    let o = outlook_of("bottling-line", |t| {
        t.replacen(
            "title: Ransomware on the Windows operator panels stops the line",
            "title: \"=HYPERLINK(\\\"http://x\\\")\"",
            1,
        )
    });
    let title = "=HYPERLINK(\"http://x\")";
    assert_eq!(o.today().scenarios[0].title, title, "the edit took");
    let (_, rows) = read_csv(&risk::csv(&o.profiles).expect("csv"));
    assert_eq!(rows[1][3], format!("'{title}"));
    let mut book: Xlsx<_> =
        open_workbook_from_rs(Cursor::new(risk::xlsx(&o.profiles).expect("xlsx"))).expect("xlsx");
    assert_eq!(text(&sheet(&mut book, "Scenarios")[1][2]), title);
}

#[test]
fn the_same_figures_give_the_same_bytes() {
    let o = outlook_of("hvac", |t| t);
    assert_eq!(risk::xlsx(&o.profiles), risk::xlsx(&o.profiles));
    assert_eq!(risk::csv(&o.profiles), risk::csv(&o.profiles));
}

/// The amounts of `about 180k–190k EUR`, in whole units.
fn range_of(words: &str) -> (f64, f64) {
    let amount = |t: &str| {
        let (digits, scale) = match t {
            _ if t.ends_with("bn") => (&t[..t.len() - 2], 1e9),
            _ if t.ends_with('M') => (&t[..t.len() - 1], 1e6),
            _ if t.ends_with('k') => (&t[..t.len() - 1], 1e3),
            _ => (t, 1.0),
        };
        number(digits) * scale
    };
    let inner = words
        .strip_prefix("about ")
        .and_then(|w| w.rsplit_once(' '))
        .map(|(r, _currency)| r)
        .unwrap_or_else(|| panic!("not a range: {words}"));
    match inner.split_once('–') {
        Some((low, high)) => (amount(low), amount(high)),
        None => (amount(inner), amount(inner)),
    }
}

fn escaped(s: &str) -> String {
    s.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

#[test]
fn the_report_shows_the_core_figures_as_ranges_with_the_chart_only_when_asked() {
    let catalog = Catalog::builtin();
    let name = "bottling-line";
    let (profile, target) = target_of(&catalog, name);
    let (assessment, g) = assessed(&catalog, name, &target);
    let o = outlook_of(name, |t| t);
    let input = ReportInput {
        standards: &[],
        catalog: &catalog,
        profile: &profile,
        target: &target,
        assessment: Some((&assessment, &g)),
        date: smm_core::document::Date::parse("2031-02-03").expect("a date"),
    };
    let without = report(&input).expect("renders");
    assert!(!without.contains("id=\"risk\""));
    assert!(!without.contains("Risk in money"));

    let html = report_with(&input, &ReportSections { risk: Some(&o) }).expect("renders");
    let at = html.find("<section id=\"risk\">").expect("a risk section");
    let section = &html[at..at + html[at..].find("</section>").expect("its end")];
    assert!(html.contains("<a href=\"#risk\">Risk in money</a>"));

    let (today, reached) = (o.today(), o.target_reached().expect("with a target"));
    assert!(section.contains(&format!(
        "{} simulated years",
        words::count(u64::from(today.iterations))
    )));
    assert!(section.contains(&format!("seed {}", today.seed)));
    for r in [today, reached] {
        let mean = words::mean_range(r);
        let one_in_20 = words::years_range(r, 20);
        assert!(section.contains(&escaped(&mean)), "{}: {mean}", r.profile);
        for years in [10, 20, 100] {
            assert!(section.contains(&escaped(&words::years_range(r, years))));
        }
        // The ranges hold what the core computed, and are ranges where the figure is not exact.
        let (low, high) = range_of(&mean);
        assert!(
            low <= r.annual_loss.mean && r.annual_loss.mean <= high,
            "{mean}"
        );
        assert!(low < high);
        let (low, high) = range_of(&one_in_20);
        assert!(
            low <= r.annual_loss.p95 && r.annual_loss.p95 <= high,
            "{one_in_20}"
        );
        for s in &r.scenarios {
            assert!(section.contains(&escaped(&s.title)), "{}", s.title);
            let mean = words::rounded(s.mean, &r.currency);
            assert!(section.contains(&mean), "{}: {mean}", s.id);
        }
    }
    let reading = words::reading(&o).expect("a reading");
    assert!(reading.starts_with("Reaching the target lowers the mean annual loss from"));
    assert!(section.contains(&escaped(&reading)));
    let refs: Vec<&RiskResult> = o.profiles.iter().collect();
    assert!(section.contains(smm_report::chart::exceedance(&refs).trim()));
}

#[test]
fn the_pdf_has_the_same_risk_section() {
    let catalog = Catalog::builtin();
    let name = "hvac";
    let (profile, target) = target_of(&catalog, name);
    let (assessment, g) = assessed(&catalog, name, &target);
    let o = outlook_of(name, |t| t);
    let input = ReportInput {
        standards: &[],
        catalog: &catalog,
        profile: &profile,
        target: &target,
        assessment: Some((&assessment, &g)),
        date: smm_core::document::Date::parse("2031-02-03").expect("a date"),
    };
    let flat = |bytes: Vec<u8>| {
        let text = pdf_extract::extract_text_from_mem(&bytes).expect("a PDF parser reads it");
        // A line may break after a range's dash; that is layout, not content.
        text.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace("– ", "–")
    };
    let with = flat(
        smm_report::pdf::report_with(&input, &ReportSections { risk: Some(&o) }).expect("pdf"),
    );
    let without = flat(smm_report::pdf::report(&input).expect("pdf"));
    assert!(!without.contains("Risk in money"));
    assert!(with.contains("Risk in money"));
    let reading = words::reading(&o).expect("a reading");
    let at = with.find("Reaching the target").unwrap_or(0);
    assert!(
        with.contains(&reading),
        "the reading: {reading}\nthe PDF: {}",
        &with[at..(at + 400).min(with.len())]
    );
    for r in &o.profiles {
        assert!(
            with.contains(&words::mean_range(r)),
            "{}",
            words::mean_range(r)
        );
        assert!(with.contains(&words::years_range(r, 20)));
    }
}
