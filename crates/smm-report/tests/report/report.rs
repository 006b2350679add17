//! The HTML report is self-contained and complete, for a gap and for a target alone, and opens
//! with the identification a certification body files it by.

use crate::support::{assessed, read, target_from, target_of, EXAMPLES};
use smm_core::document::Date;
use smm_core::Catalog;
use smm_report::html::{report, ReportInput};

/// The report date the tests pass in: a day no example uses.
fn report_date() -> Date {
    Date::parse("2031-02-03").expect("a date")
}

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
        let (profile, resolved) = target_of(&catalog, name);
        let (assessment, g) = assessed(&catalog, name, &resolved);
        let html = report(&ReportInput {
            standards: &[],
            catalog: &catalog,
            profile: &profile,
            target: &resolved,
            assessment: Some((&assessment, &g)),
            date: report_date(),
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
        let (profile, resolved) = target_of(&catalog, name);
        let html = report(&ReportInput {
            standards: &[],
            catalog: &catalog,
            profile: &profile,
            target: &resolved,
            assessment: None,
            date: report_date(),
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
    let (profile, resolved) = target_from(&catalog, &text);
    let html = report(&ReportInput {
        standards: &[],
        catalog: &catalog,
        profile: &profile,
        target: &resolved,
        assessment: None,
        date: report_date(),
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
fn control_characters_in_a_document_do_not_break_the_pdf() {
    let catalog = Catalog::builtin();
    let text = read("examples/bottling-line/target.yaml").replacen(
        "name: Smart beverage bottling line",
        "name: \"Line\\0 \\a\\e[31m\\x7f\\x85 BL-2\\b\\f\\v\\u200e end\"",
        1,
    );
    let (profile, resolved) = target_from(&catalog, &text);
    assert!(
        profile.name.value.chars().any(|c| c == '\0'),
        "the name carries a NUL: {:?}",
        profile.name
    );
    let input = ReportInput {
        standards: &[],
        catalog: &catalog,
        profile: &profile,
        target: &resolved,
        assessment: None,
        date: report_date(),
    };
    let text = flat(&pdf_text(&input));
    assert!(text.contains("Line"), "{text}");
    assert!(text.contains("BL-2"), "{text}");
}

#[test]
fn the_pdf_report_parses_and_contains_every_practice() {
    let catalog = Catalog::builtin();
    let name = "hvac";
    let (profile, resolved) = target_of(&catalog, name);
    let (assessment, g) = assessed(&catalog, name, &resolved);
    for input in [
        ReportInput {
            standards: &[],
            catalog: &catalog,
            profile: &profile,
            target: &resolved,
            assessment: Some((&assessment, &g)),
            date: report_date(),
        },
        ReportInput {
            standards: &[],
            catalog: &catalog,
            profile: &profile,
            target: &resolved,
            assessment: None,
            date: report_date(),
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

/// Text as the HTML report writes it: escaped by the template engine (numeric references).
fn escaped(text: &str) -> String {
    text.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

/// The page up to its first section: the title and the identification block.
fn opening(html: &str) -> &str {
    &html[..html.find("<section").expect("a section")]
}

/// The PDF's text on one line, words separated by single spaces.
fn pdf_text(input: &ReportInput) -> String {
    let pdf = smm_report::pdf::report(input).expect("typesets");
    let text = pdf_extract::extract_text_from_mem(&pdf).expect("a PDF parser reads it");
    flat(&text)
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_gap_report_opens_with_what_was_assessed_against_which_target_by_whom_and_when() {
    let catalog = Catalog::builtin();
    let (profile, resolved) = target_of(&catalog, "hvac");
    let text = read("examples/hvac/assessment.yaml").replacen(
        "\nassessors:",
        "\nmethods: [document-review, interviews, penetration-test]\nassessors:",
        1,
    );
    let (assessment, g) = crate::support::assessed_from(&catalog, &text, &resolved);
    let input = ReportInput {
        standards: &[],
        catalog: &catalog,
        profile: &profile,
        target: &resolved,
        assessment: Some((&assessment, &g)),
        date: report_date(),
    };
    let html = report(&input).expect("renders");
    let head = opening(&html);
    let digest = smm_core::content_digest(&profile);
    let version = profile.version.clone().expect("the example is versioned");
    let mut expected = vec![
        escaped(&resolved.system),
        format!(
            "{} {}",
            escaped(&assessment.product.name),
            escaped(&assessment.product.version)
        ),
        escaped(&resolved.name),
        version.clone(),
        profile.date.to_string(),
        digest.clone(),
        assessment.date.to_string(),
        "document review, interviews, penetration test".to_string(),
        smm_core::content_digest(&assessment),
        "2031-02-03".to_string(),
        smm_report::TOOL.to_string(),
    ];
    expected.extend(assessment.assessors.iter().map(|a| escaped(a)));
    for value in &expected {
        assert!(
            head.contains(value.as_str()),
            "{value} missing from:\n{head}"
        );
    }
    assert!(
        smm_report::TOOL.ends_with(env!("CARGO_PKG_VERSION")),
        "the tool's version"
    );

    let text = pdf_text(&input);
    let opening = &text[..text.find("Contents").expect("a table of contents")];
    for value in [
        digest.as_str(),
        "2031-02-03",
        &assessment.date.to_string(),
        "Priya Raman",
        "Lena Hoffmann",
        "document review, interviews, penetration test",
        &version,
        smm_report::TOOL,
    ] {
        assert!(
            opening.contains(value),
            "{value} missing from the PDF's opening: {opening}"
        );
    }
}

#[test]
fn the_same_documents_on_the_same_day_give_the_same_report() {
    let catalog = Catalog::builtin();
    let (profile, resolved) = target_of(&catalog, "bottling-line");
    let (assessment, g) = assessed(&catalog, "bottling-line", &resolved);
    let on = |date: &str| {
        report(&ReportInput {
            standards: &[],
            catalog: &catalog,
            profile: &profile,
            target: &resolved,
            assessment: Some((&assessment, &g)),
            date: Date::parse(date).expect("a date"),
        })
        .expect("renders")
    };
    assert_eq!(on("2031-02-03"), on("2031-02-03"));
    let later = on("2031-02-04");
    assert!(later.contains("2031-02-04") && !later.contains("2031-02-03"));
}

#[test]
fn the_target_sheet_shows_background_factors_authors_and_a_place_to_sign() {
    let catalog = Catalog::builtin();
    for name in EXAMPLES {
        let (profile, resolved) = target_of(&catalog, name);
        let input = ReportInput {
            standards: &[],
            catalog: &catalog,
            profile: &profile,
            target: &resolved,
            assessment: None,
            date: report_date(),
        };
        let html = report(&input).expect("renders");
        let head = opening(&html);
        for value in [
            smm_core::content_digest(&profile),
            profile.date.to_string(),
            "2031-02-03".to_string(),
            smm_report::TOOL.to_string(),
        ]
        .into_iter()
        .chain(profile.version.clone())
        .chain(profile.authors.iter().map(|a| escaped(a)))
        {
            assert!(
                head.contains(&value),
                "{name}: {value} missing from:\n{head}"
            );
        }
        assert!(!head.contains("Assessors"), "{name}: no assessment here");
        let background = flat(profile.background.as_deref().expect("a background"));
        assert!(
            html.contains(&escaped(&background)),
            "{name}: the background"
        );
        assert!(
            !profile.factors.is_empty(),
            "{name}: the example has factors"
        );
        for f in &profile.factors {
            assert!(
                html.contains(&escaped(&flat(&f.description))),
                "{name}: factor {}",
                f.description
            );
        }
        let approval = &html[html.find("id=\"approval\"").expect("an approval section")..];
        for line in ["Name", "Role", "Date", "Signature"] {
            assert!(
                approval.contains(&format!("<dt>{line}</dt>")),
                "{name}: a line for {line}"
            );
        }
        assert_eq!(
            approval.matches("class=\"signature\"").count(),
            2,
            "{name}: both parties sign"
        );

        let text = pdf_text(&input);
        for value in ["Background and factors", "Approval", "Signature"] {
            assert!(text.contains(value), "{name}: {value} missing from the PDF");
        }
        assert!(text.contains(&flat(&profile.factors[0].description)));
    }
    let (profile, resolved) = target_of(&catalog, "hvac");
    let (assessment, g) = assessed(&catalog, "hvac", &resolved);
    let html = report(&ReportInput {
        standards: &[],
        catalog: &catalog,
        profile: &profile,
        target: &resolved,
        assessment: Some((&assessment, &g)),
        date: report_date(),
    })
    .expect("renders");
    assert!(
        !html.contains("id=\"approval\""),
        "a gap report is not signed as a target"
    );
}

#[test]
fn findings_show_their_status_with_the_resolution_and_the_day_it_was_closed() {
    let catalog = Catalog::builtin();
    let (profile, resolved) = target_of(&catalog, "ota-gateway");
    // The example records when each finding was resolved (2026-11-04) or accepted (2026-11-05);
    // NC-1's date is taken out here, to see a finding closed without one.
    let text = read("examples/ota-gateway/certification/assessment-final.yaml").replacen(
        "  - id: NC-1\n",
        "  - id: NC-1\n    # closed date removed by the test\n",
        1,
    );
    let nc1_at = text.find("  - id: NC-1").expect("NC-1");
    let (head, tail) = text.split_at(nc1_at);
    let text = format!("{head}{}", tail.replacen("    closed: 2026-11-04\n", "", 1));
    assert!(text.contains("closed: 2026-11-04") && text.contains("closed: 2026-11-05"));
    let (assessment, g) = crate::support::assessed_from(&catalog, &text, &resolved);
    let input = ReportInput {
        standards: &[],
        catalog: &catalog,
        profile: &profile,
        target: &resolved,
        assessment: Some((&assessment, &g)),
        date: report_date(),
    };
    let html = report(&input).expect("renders");
    let findings = &html[html.find("id=\"findings\"").expect("findings")..];
    assert!(findings.contains("resolved on 2026-11-04"), "{findings}");
    assert!(findings.contains("accepted on 2026-11-05"), "{findings}");
    assert!(
        findings.contains("Rotation and end-to-end revocation rehearsed"),
        "the resolution is shown"
    );
    assert!(
        findings.contains("Accepted by the GW-7 product security board"),
        "the reason for accepting is shown"
    );
    // A finding closed without a date still says where it stands.
    let nc1 = &findings[findings.find("<td>NC-1</td>").expect("NC-1")..];
    let nc1 = &nc1[..nc1.find("</tr>").expect("row end")];
    assert!(nc1.contains(">resolved<"), "{nc1}");

    let text = pdf_text(&input);
    for value in [
        "resolved on 2026-11-04",
        "accepted on 2026-11-05",
        "all vehicles rejected a package signed with the revoked key",
    ] {
        assert!(text.contains(value), "{value} missing from the PDF");
    }

    let (initial, g) = crate::support::assessed_from(
        &catalog,
        &read("examples/ota-gateway/certification/assessment-initial.yaml"),
        &resolved,
    );
    let html = report(&ReportInput {
        standards: &[],
        catalog: &catalog,
        profile: &profile,
        target: &resolved,
        assessment: Some((&initial, &g)),
        date: report_date(),
    })
    .expect("renders");
    assert!(
        html.contains("<span class=\"finding-status\">open</span>"),
        "an open finding says so"
    );
}

#[test]
fn limitations_and_their_compensating_measures_are_shown_with_the_levels() {
    let catalog = Catalog::builtin();
    let text = format!(
        "{}\nlimitations:\n  monitoring:\n    limited: no agent on the controllers\n    because: \
         the real-time cycle cannot spare the CPU\n    compensating:\n      - passive monitoring \
         of the building network\n      - a monthly review of the controller logs\n",
        read("examples/hvac/target.yaml")
    );
    let (profile, resolved) = target_from(&catalog, &text);
    let (assessment, g) = assessed(&catalog, "hvac", &resolved);
    let monitoring = resolved
        .practices
        .iter()
        .find(|p| p.id.as_str() == "monitoring")
        .expect("monitoring");
    let current = g
        .practices
        .iter()
        .find(|p| p.id.as_str() == "monitoring")
        .expect("assessed")
        .current;
    for with_assessment in [false, true] {
        let input = ReportInput {
            standards: &[],
            catalog: &catalog,
            profile: &profile,
            target: &resolved,
            assessment: with_assessment.then_some((&assessment, &g)),
            date: report_date(),
        };
        let html = report(&input).expect("renders");
        let section = &html[html
            .find("id=\"limitations\"")
            .expect("a limitations section")..];
        let section = &section[..section.find("</section>").expect("its end")];
        let row = &section[section.find(&monitoring.name).expect("the practice")..];
        for value in [
            "no agent on the controllers",
            "the real-time cycle cannot spare the CPU",
            "passive monitoring of the building network",
            "a monthly review of the controller logs",
        ] {
            assert!(row.contains(value), "{value} missing from:\n{section}");
        }
        assert!(
            row.contains(&monitoring.level().to_string()),
            "the target level"
        );
        assert_eq!(
            row.contains(&format!("<td class=\"level\">{current}</td>")),
            with_assessment,
            "the current level, in a gap report only"
        );
        assert!(
            html.contains("Limited: no agent on the controllers"),
            "the practice's own row points at it"
        );

        let text = pdf_text(&input);
        for value in [
            "Limitations and compensating measures",
            "passive monitoring of the building network",
            "the real-time cycle cannot spare the CPU",
        ] {
            assert!(text.contains(value), "{value} missing from the PDF");
        }
    }
    let (plain, resolved) = target_of(&catalog, "hvac");
    let html = report(&ReportInput {
        standards: &[],
        catalog: &catalog,
        profile: &plain,
        target: &resolved,
        assessment: None,
        date: report_date(),
    })
    .expect("renders");
    assert!(
        !html.contains("id=\"limitations\""),
        "no section without limitations"
    );
}

/// The charts of the HTML report (the overview per subdomain, the radar, the heat map and each
/// domain's chart) draw no row whose pair of levels contradicts its status, and a group's status
/// says how many of its practices share it. (The PDF embeds these same charts: see the unit test
/// `the_pdf_embeds_the_charts_of_the_html_report` in `src/pdf.rs`.)
#[test]
fn the_report_charts_draw_no_row_against_its_status() {
    let catalog = Catalog::builtin();
    for name in EXAMPLES {
        let (profile, resolved) = target_of(&catalog, name);
        let (assessment, g) = assessed(&catalog, name, &resolved);
        let input = ReportInput {
            standards: &[],
            catalog: &catalog,
            profile: &profile,
            target: &resolved,
            assessment: Some((&assessment, &g)),
            date: report_date(),
        };
        let html = report(&input).expect("renders");
        let mut rows = 0;
        for (start, _) in html.match_indices("<svg") {
            let end = start + html[start..].find("</svg>").expect("closed") + "</svg>".len();
            let (checked, wrong) = crate::support::rows_against_status(&html[start..end]);
            assert!(wrong.is_empty(), "{name}:\n{}", wrong.join("\n"));
            rows += checked;
        }
        assert!(
            rows >= 9 + 18,
            "{name}: the subdomain overview and the practices were read"
        );
        let sub = g
            .subdomains
            .iter()
            .find(|s| s.summary.total > 1)
            .expect("a group");
        let words = format!(
            "{}, {} of {}",
            sub.status.as_str(),
            match sub.status {
                smm_core::Status::Under => sub.summary.under,
                smm_core::Status::Met => sub.summary.met,
                smm_core::Status::Over => sub.summary.over,
            },
            sub.summary.total
        );
        assert!(html.contains(&words), "{name}: {words}");
    }
}

/// The HVAC target with stakeholders, a hardening goal that is the integrator's to do and the
/// owner's to pay, due on a day with a budget, and an approval.
fn hvac_with_parties() -> String {
    let text = read("examples/hvac/target.yaml");
    let goals = text.find("\ngoals:\n").expect("goals");
    let at = goals
        + text[goals..]
            .find("\n  hardening:\n")
            .expect("the hardening goal")
        + 14;
    format!(
        "{}    deadline: 2027-06-30\n    budget: {{amount: 60000, currency: EUR}}\n    responsible: us\n    cost-bearer: owner\n{}stakeholders:\n  us: {{role: integrator, name: Campus HVAC Services}}\n  owner: {{role: operator, name: Enterprise Facilities}}\n  soc: {{role: service-provider, name: Enterprise SOC}}\napproval:\n  by: Ines Duarte, for Enterprise Facilities\n  date: 2026-03-20\n  statement: Agreed as the target of the 2027 service contract.\n",
        &text[..at],
        &text[at..]
    )
}

#[test]
fn the_target_sheet_says_who_is_responsible_who_pays_by_when_and_who_approved_it() {
    let catalog = Catalog::builtin();
    let (profile, resolved) = target_from(&catalog, &hvac_with_parties());
    let input = ReportInput {
        standards: &[],
        catalog: &catalog,
        profile: &profile,
        target: &resolved,
        assessment: None,
        date: report_date(),
    };
    let html = report(&input).expect("renders");
    let section = &html[html.find("id=\"parties\"").expect("a parties section")..];
    let section = &section[..section.find("</section>").expect("its end")];
    for value in [
        "Campus HVAC Services",
        "Enterprise SOC",
        "service provider",
        "Responsible party",
        "Cost bearer",
    ] {
        assert!(section.contains(value), "{value} missing from:\n{section}");
    }
    let row = |party: &str| -> &str {
        let start = section
            .find(&format!("<td>{party}"))
            .expect("the party's row");
        &section[start..start + section[start..].find("</tr>").expect("row end")]
    };
    // The integrator is responsible for hardening's practices, and nothing else.
    let ours = row("Campus HVAC Services (integrator)");
    assert!(ours.contains("Patch Management"), "{ours}");
    assert!(!ours.contains("Threat Modeling"), "{ours}");
    assert!(row("not named").contains("Threat Modeling"));
    assert!(row("Enterprise Facilities (operator)").contains("Monitoring"));
    // The goal's deadline and budget, and the approval in the opening and the approval block.
    assert!(
        html.contains("due 2027-06-30; budget EUR 60,000"),
        "the goal's plan"
    );
    let approval = "approved by Ines Duarte, for Enterprise Facilities on 2026-03-20: Agreed as the target of the 2027 service contract.";
    assert!(
        opening(&html).contains(&escaped(approval)),
        "identification"
    );
    assert!(html.contains(&format!("This version is {}", escaped(approval))));
    let text = pdf_text(&input);
    for value in [
        "Who is responsible and who pays",
        "Campus HVAC Services (integrator)",
        "due 2027-06-30; budget EUR 60,000",
        "This version is approved by Ines Duarte",
    ] {
        assert!(text.contains(value), "{value} missing from the PDF");
    }
    // Without any of it, the sheet says the target is not approved and has no parties section.
    let (plain, resolved) = target_of(&catalog, "hvac");
    let html = report(&ReportInput {
        standards: &[],
        catalog: &catalog,
        profile: &plain,
        target: &resolved,
        assessment: None,
        date: report_date(),
    })
    .expect("renders");
    assert!(!html.contains("id=\"parties\""));
    assert!(opening(&html).contains("not approved"));
}
