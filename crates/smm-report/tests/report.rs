//! The HTML report is self-contained and complete, for a gap and for a target alone.

mod support;

use smm_core::{parse_target, resolve, Catalog};
use smm_report::html::{report, ReportInput};
use support::{assessed, read, resolved_target, EXAMPLES};

fn assert_self_contained(html: &str, what: &str) {
    for forbidden in ["<script", "<link", "<iframe", "<img", "src=", "@import"] {
        assert!(!html.contains(forbidden), "{what}: contains {forbidden}");
    }
    // SVG patterns are referenced as url(#id); anything else would load from outside.
    for (i, _) in html.match_indices("url(") {
        assert!(
            html[i + 4..].starts_with('#'),
            "{what}: an external url(): {}",
            &html[i..(i + 40).min(html.len())]
        );
    }
    for (i, _) in html.match_indices("href=\"") {
        let rest = &html[i + 6..];
        assert!(
            rest.starts_with('#'),
            "{what}: a link that leaves the page: {}",
            &rest[..rest.len().min(60)]
        );
    }
}

#[test]
fn the_gap_report_of_every_example_is_complete_and_self_contained() {
    let catalog = Catalog::builtin();
    for name in EXAMPLES {
        let resolved = resolved_target(&catalog, name);
        let (assessment, g) = assessed(&catalog, name, &resolved);
        let html = report(&ReportInput {
            catalog: &catalog,
            target: &resolved,
            assessment: Some((&assessment, &g)),
        })
        .expect("renders");
        assert_self_contained(&html, name);
        for p in &resolved.practices {
            assert!(html.contains(&p.name), "{name}: {} missing", p.name);
        }
        for f in &assessment.findings {
            assert!(
                html.contains(&f.id.value),
                "{name}: finding {} missing",
                f.id.value
            );
        }
        for r in &assessment.recommendations {
            assert!(
                html.contains(&r.id.value),
                "{name}: recommendation {} missing",
                r.id.value
            );
        }
        assert!(
            html.contains(&format!("falls short on {}", g.summary.under)) || g.summary.under == 0,
            "{name}: verdict"
        );
        assert!(
            html.matches("<svg").count() >= 6,
            "{name}: the charts are inline"
        );
        assert_eq!(
            html.matches("<section").count(),
            html.matches("</section>").count(),
            "{name}: sections balanced"
        );
        assert_eq!(
            html.matches("<table").count(),
            html.matches("</table>").count(),
            "{name}: tables balanced"
        );
    }
}

#[test]
fn a_target_alone_gives_a_target_profile_sheet() {
    let catalog = Catalog::builtin();
    for name in EXAMPLES {
        let resolved = resolved_target(&catalog, name);
        let html = report(&ReportInput {
            catalog: &catalog,
            target: &resolved,
            assessment: None,
        })
        .expect("renders");
        assert_self_contained(&html, name);
        assert!(html.contains("Security maturity target profile"));
        assert!(
            !html.contains("Below target"),
            "{name}: no statuses without an assessment"
        );
        for p in &resolved.practices {
            assert!(html.contains(&p.name), "{name}: {} missing", p.name);
        }
    }
}

#[test]
fn text_from_documents_is_escaped() {
    let catalog = Catalog::builtin();
    let text = read("examples/bottling-line/target.yaml").replacen(
        "name: Smart beverage bottling line",
        "name: \"<script>alert(1)</script> & co\"",
        1,
    );
    let target = parse_target(&text).expect("target");
    let resolved = resolve(&catalog, &target).expect("resolves");
    let html = report(&ReportInput {
        catalog: &catalog,
        target: &resolved,
        assessment: None,
    })
    .expect("renders");
    assert!(!html.contains("<script>alert"), "the name was not escaped");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co")
            || html.contains("&#60;script&#62;"),
        "escaped form missing"
    );
}

#[test]
fn the_pdf_report_parses_and_contains_every_practice() {
    let catalog = Catalog::builtin();
    let name = "hvac";
    let resolved = resolved_target(&catalog, name);
    let (assessment, g) = assessed(&catalog, name, &resolved);
    for input in [
        ReportInput {
            catalog: &catalog,
            target: &resolved,
            assessment: Some((&assessment, &g)),
        },
        ReportInput {
            catalog: &catalog,
            target: &resolved,
            assessment: None,
        },
    ] {
        let pdf = smm_report::pdf::report(&input).expect("typesets");
        assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
        let text = pdf_extract::extract_text_from_mem(&pdf).expect("a PDF parser reads it");
        let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let text = flat(&text);
        for p in &resolved.practices {
            assert!(
                text.contains(&flat(&p.name)),
                "{} missing from the PDF text",
                p.name
            );
        }
        assert!(text.contains("Contents"), "table of contents");
        assert!(text.contains("1 /"), "page numbers");
    }
}
