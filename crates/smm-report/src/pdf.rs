//! The report as a PDF, typeset in-process with typst (no browser, no external program): real
//! selectable text, the charts as vector graphics, page numbers and a table of contents.
//!
//! The content is the HTML report's ([`crate::html`]); here it is written as typst source in
//! which every piece of user text is a typst string literal, so nothing a document says can be
//! read as markup. Fonts are the bundled DejaVu Sans; package downloads are impossible (no
//! package resolver is configured).

use typst_as_lib::TypstEngine;

use crate::html::{page, PracticeRow, ReportInput, ReportPage, ReportSections};

pub(crate) mod markup;

use markup::{identification, lit, signatures, table, text};

pub(crate) const FONTS: [&[u8]; 2] = [
    include_bytes!("../fonts/DejaVuSans.ttf"),
    include_bytes!("../fonts/DejaVuSans-Bold.ttf"),
];

fn practice_rows(rows: &[PracticeRow], with_current: bool) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| {
            let mut why = if r.rationale.is_empty() {
                r.source.clone()
            } else {
                format!("{}: {}", r.source, r.rationale)
            };
            if !r.limited.is_empty() {
                why.push_str(&format!(" (limited: {}; see Limitations)", r.limited));
            }
            let mut row = vec![format!("{} ({})", r.name, r.id), r.target.clone()];
            if with_current {
                row.push(r.current.clone());
                row.push(r.status.clone());
            }
            row.push(why);
            row
        })
        .collect()
}

/// The typst source of the report, and the chart files it refers to.
fn source(p: &ReportPage) -> (String, Vec<(String, Vec<u8>)>) {
    let mut charts: Vec<(String, Vec<u8>)> = Vec::new();
    let mut chart = |svg: &str| -> String {
        if svg.trim().is_empty() {
            return String::new();
        }
        let name = format!("chart-{}.svg", charts.len() + 1);
        charts.push((name.clone(), svg.as_bytes().to_vec()));
        format!("#figure(image({}, width: 100%))\n", lit(&name))
    };
    let mut s = String::new();
    s.push_str("#set document(title: ");
    s.push_str(&lit(&format!("{} — {}", p.title, p.subtitle)));
    s.push_str(")\n#set page(paper: \"a4\", margin: 2cm, numbering: \"1 / 1\", footer: context [#set text(8pt)\n#h(1fr) #counter(page).display(\"1 / 1\", both: true)])\n");
    s.push_str("#set text(font: \"DejaVu Sans\", size: 9.5pt)\n#set par(justify: false)\n#set table(inset: 4pt, stroke: 0.5pt + luma(180))\n#show heading.where(level: 1): it => { pagebreak(weak: true); it }\n\n");
    s.push_str(&format!(
        "#text(size: 20pt, weight: \"bold\")[{}]\n\n",
        text(&p.title)
    ));
    s.push_str(&format!("#text(size: 13pt)[{}]\n\n", text(&p.subtitle)));
    s.push_str(&identification(&p.identification));
    s.push_str("#outline(title: \"Contents\", depth: 2)\n\n");

    if !p.has_assessment {
        s.push_str("= Background and factors\n");
        if p.background.is_empty() {
            s.push_str(&format!("{}\n\n", text("The target gives no background.")));
        } else {
            s.push_str(&format!("{}\n\n", text(&p.background)));
        }
        if p.factors.is_empty() {
            s.push_str(&format!("{}\n\n", text("The target names no factors.")));
        } else {
            let rows: Vec<Vec<String>> = p
                .factors
                .iter()
                .map(|f| vec![f.kind.clone(), f.impact.clone(), f.description.clone()])
                .collect();
            s.push_str(&table(
                &["auto", "auto", "1fr"],
                &["Factor", "Weight", "Description"],
                &rows,
            ));
        }
    }

    s.push_str("= Summary\n");
    s.push_str(&format!(
        "#block(fill: luma(240), inset: 8pt, width: 100%)[#text(size: 11pt)[{}]]\n\n",
        text(&p.verdict)
    ));
    if p.has_assessment {
        s.push_str(&format!(
            "{}\n\n",
            text(&format!(
                "{} practices: {} below target, {} meet it, {} above it.",
                p.total, p.under, p.met, p.over
            ))
        ));
        if !p.top_gaps.is_empty() {
            s.push_str("== Largest gaps\n");
            let rows: Vec<Vec<String>> = p
                .top_gaps
                .iter()
                .map(|r| {
                    vec![
                        format!("{} ({})", r.name, r.id),
                        r.target.clone(),
                        r.current.clone(),
                        if r.rationale.is_empty() {
                            r.source.clone()
                        } else {
                            r.rationale.clone()
                        },
                    ]
                })
                .collect();
            s.push_str(&table(
                &["2fr", "auto", "auto", "3fr"],
                &["Practice", "Target", "Current", "Why this target"],
                &rows,
            ));
        }
    }
    s.push_str(&chart(&p.overview_chart));
    s.push_str(&chart(&p.radar_chart));
    s.push_str(&chart(&p.heatmap_chart));

    s.push_str("= What sufficient security means here\n");
    let goals: Vec<Vec<String>> = p
        .goals
        .iter()
        .map(|g| {
            vec![
                g.domain.clone(),
                if g.plan.is_empty() {
                    format!("{} ({})", g.statement, g.meaning)
                } else {
                    format!("{} ({}) {}.", g.statement, g.meaning, g.plan)
                },
                g.level.clone(),
                g.rollup.clone(),
            ]
        })
        .collect();
    s.push_str(&table(
        &["auto", "3fr", "auto", "auto"],
        &["Domain", "Goal", "Level", "Roll-up"],
        &goals,
    ));

    if let Some(r) = &p.risk {
        s.push_str("= Risk in money\n");
        let mut intro = format!(
            "The annual loss of {} from its loss scenarios, today",
            r.system
        );
        if r.reading.is_some() {
            intro.push_str(" and once the target is reached");
        }
        intro.push('.');
        s.push_str(&format!("{}\n\n", text(&intro)));
        if let Some(reading) = &r.reading {
            s.push_str(&format!("*{}*\n\n", text(reading)));
        }
        let mut cols = vec!["auto", "1fr"];
        let mut header = vec!["Profile", "Mean annual loss"];
        for period in &r.periods {
            cols.push("1fr");
            header.push(period);
        }
        cols.push("auto");
        header.push("Years with a loss");
        let rows: Vec<Vec<String>> = r
            .rows
            .iter()
            .map(|row| {
                let mut cells = vec![row.profile.clone(), row.mean.clone()];
                cells.extend(row.years.iter().cloned());
                cells.push(row.years_with_loss.clone());
                cells
            })
            .collect();
        s.push_str(&table(&cols, &header, &rows));
        s.push_str(&format!(
            "#text(size: 8.5pt)[{}]\n\n",
            text(&format!("{} A 1-in-20-years loss is one a year in twenty is expected to exceed. The figures are only as good as the scenarios' estimates (see docs/risk.md).", r.basis))
        ));
        s.push_str(&chart(&r.chart));
        s.push_str("== Per scenario\n");
        let mut cols = vec!["2fr"];
        let mut header = vec!["Scenario".to_string()];
        for profile in &r.profiles {
            cols.push("1.5fr");
            header.push(format!("{profile}: mean annual loss"));
        }
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let rows: Vec<Vec<String>> = r
            .scenarios
            .iter()
            .map(|sc| {
                let mut cells = vec![format!("{} ({})", sc.title, sc.id)];
                cells.extend(sc.cells.iter().cloned());
                cells
            })
            .collect();
        s.push_str(&table(&cols, &header, &rows));
    }

    if !p.limitations.is_empty() {
        s.push_str("= Limitations and compensating measures\n");
        s.push_str(&format!(
            "{}\n\n",
            text("Where this product's conditions keep a practice from going further, the target says what is limited, why, and which measures make up for it. Read them with the levels: they are part of what the target asks.")
        ));
        let rows: Vec<Vec<String>> = p
            .limitations
            .iter()
            .map(|l| {
                let mut row = vec![format!("{} ({})", l.practice, l.id), l.target.clone()];
                if p.has_assessment {
                    row.push(l.current.clone());
                }
                row.push(l.limited.clone());
                row.push(l.because.clone());
                row.push(
                    l.compensating
                        .iter()
                        .map(|c| format!("• {c}"))
                        .collect::<Vec<_>>()
                        .join("\n"),
                );
                row
            })
            .collect();
        let (cols, header): (Vec<&str>, Vec<&str>) = if p.has_assessment {
            (
                vec!["2fr", "auto", "auto", "2fr", "2fr", "3fr"],
                vec![
                    "Practice",
                    "Target",
                    "Current",
                    "Limited",
                    "Because",
                    "Compensating measures",
                ],
            )
        } else {
            (
                vec!["2fr", "auto", "2fr", "2fr", "3fr"],
                vec![
                    "Practice",
                    "Target",
                    "Limited",
                    "Because",
                    "Compensating measures",
                ],
            )
        };
        s.push_str(&table(&cols, &header, &rows));
    }

    if !p.stakeholders.is_empty() || !p.parties.is_empty() {
        s.push_str("= Who is responsible and who pays\n");
        s.push_str(&format!(
            "{}\n\n",
            text("Per practice, the party that decides and does the work, and the party that bears its cost; a subdomain's or goal's choice applies to everything under it unless a practice names another.")
        ));
        if !p.stakeholders.is_empty() {
            let rows: Vec<Vec<String>> = p
                .stakeholders
                .iter()
                .map(|st| vec![st.name.clone(), st.role.clone(), st.id.clone()])
                .collect();
            s.push_str(&table(
                &["2fr", "1fr", "1fr"],
                &["Stakeholder", "Role", "Id"],
                &rows,
            ));
        }
        for g in &p.parties {
            s.push_str(&format!("== {}\n", g.title));
            let rows: Vec<Vec<String>> = g
                .rows
                .iter()
                .map(|r| vec![r.party.clone(), r.practices.join(", ")])
                .collect();
            s.push_str(&table(&["1fr", "3fr"], &["Party", "Practices"], &rows));
        }
    }

    for d in &p.domains {
        s.push_str(&format!("= {}\n", text(&d.name)));
        let status = if d.status.is_empty() {
            String::new()
        } else {
            format!(" · {}", d.status)
        };
        s.push_str(&format!(
            "{}\n\n",
            text(&format!("Goal: {} ({}){status}", d.goal, d.rollup))
        ));
        s.push_str(&chart(&d.chart));
        let (cols, header): (Vec<&str>, Vec<&str>) = if p.has_assessment {
            (
                vec!["2fr", "auto", "auto", "auto", "3fr"],
                vec![
                    "Practice",
                    "Target",
                    "Current",
                    "Status",
                    "Where the target comes from",
                ],
            )
        } else {
            (
                vec!["2fr", "auto", "3fr"],
                vec!["Practice", "Target", "Where the target comes from"],
            )
        };
        s.push_str(&table(
            &cols,
            &header,
            &practice_rows(&d.rows, p.has_assessment),
        ));
        if p.has_assessment {
            let evidence: Vec<Vec<String>> = d
                .rows
                .iter()
                .flat_map(|r| {
                    let notes = (!r.notes.is_empty())
                        .then(|| vec![r.id.clone(), "notes".to_string(), r.notes.clone()]);
                    notes
                        .into_iter()
                        .chain(r.evidence.iter().map(|(desc, reference)| {
                            vec![r.id.clone(), desc.clone(), reference.clone()]
                        }))
                })
                .collect();
            if !evidence.is_empty() {
                s.push_str("== Evidence and notes\n");
                s.push_str(&table(
                    &["auto", "2fr", "2fr"],
                    &["Practice", "Evidence", "Reference"],
                    &evidence,
                ));
            }
        }
    }

    for st in &p.standards {
        s.push_str(&format!("= {}\n", text(&st.title)));
        s.push_str(&format!("{}\n\n", text(&st.summary)));
        s.push_str(&chart(&st.chart));
        let mut cols = vec!["3fr"];
        let mut header = vec!["Clause"];
        if st.has_target {
            cols.push("auto");
            header.push("Target");
        }
        if st.has_today {
            cols.push("auto");
            header.push("Today");
        }
        cols.push("3fr");
        header.push("Practices (relationship, minimum level)");
        let rows: Vec<Vec<String>> = st
            .rows
            .iter()
            .map(|r| {
                let mut row = vec![format!("{} {}", r.id, r.title)];
                if st.has_target {
                    row.push(r.target.0.clone());
                }
                if st.has_today {
                    row.push(r.today.0.clone());
                }
                let mut practices = r.practices.clone();
                if !r.outside.is_empty() {
                    practices.push_str(&format!(" (outside the model: {})", r.outside));
                }
                row.push(practices);
                row
            })
            .collect();
        s.push_str(&table(&cols, &header, &rows));
    }

    if p.has_assessment {
        s.push_str("= Findings and recommendations\n");
        if p.findings.is_empty() {
            s.push_str("No findings were recorded.\n\n");
        } else {
            let rows: Vec<Vec<String>> = p
                .findings
                .iter()
                .map(|f| {
                    let cve = if f.cve.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", f.cve)
                    };
                    let status = if f.resolution.is_empty() {
                        f.standing()
                    } else {
                        format!("{}: {}", f.standing(), f.resolution)
                    };
                    let recommended = if f.recommendations.is_empty() {
                        String::new()
                    } else {
                        format!(" Recommendations: {}.", f.recommendations)
                    };
                    vec![
                        f.id.clone(),
                        format!("{}\n{}", f.kind, f.severity),
                        f.practice.clone(),
                        format!("{}{cve}. {}{recommended}", f.title, f.description),
                        status,
                    ]
                })
                .collect();
            // Only the short columns are `auto`: an auto column takes the width of its longest
            // text and would leave the finding and its status a few letters wide.
            s.push_str(&table(
                &["auto", "auto", "1.6fr", "4fr", "3fr"],
                &["Id", "Kind", "Practice", "Finding", "Status"],
                &rows,
            ));
        }
        if !p.recommendations.is_empty() {
            let rows: Vec<Vec<String>> = p
                .recommendations
                .iter()
                .map(|r| vec![r.id.clone(), r.practice.clone(), r.text.clone()])
                .collect();
            s.push_str(&table(
                &["auto", "auto", "3fr"],
                &["Id", "Practice", "Recommendation"],
                &rows,
            ));
        }
    }

    if !p.signatories.is_empty() {
        s.push_str("= Approval\n");
        if let Some(approval) = &p.approval {
            s.push_str(&format!(
                "{}\n\n",
                text(&format!("This version is {approval}."))
            ));
        }
        s.push_str(&format!(
            "{}\n\n",
            text("By signing, each party agrees that this target (version and digest as identified above) states the security this system needs.")
        ));
        s.push_str(&signatures(&p.signatories, &p.signature_lines));
    }

    s.push_str("= Appendix: what the levels mean\n== Comprehensiveness\n");
    let scale: Vec<Vec<String>> = p
        .scale
        .iter()
        .map(|(n, t)| vec![n.clone(), t.clone()])
        .collect();
    s.push_str(&table(&["auto", "1fr"], &["Level", "Meaning"], &scale));
    s.push_str("== Scope\n");
    let scopes: Vec<Vec<String>> = p
        .scopes
        .iter()
        .map(|(n, t)| vec![n.clone(), t.clone()])
        .collect();
    s.push_str(&table(&["auto", "1fr"], &["Scope", "Meaning"], &scopes));
    s.push_str("== The levels used, practice by practice\n");
    let appendix: Vec<Vec<String>> = p
        .appendix
        .iter()
        .map(|a| vec![a.practice.clone(), a.level.clone(), a.text.clone()])
        .collect();
    s.push_str(&table(
        &["2fr", "auto", "4fr"],
        &["Practice", "Level", "What it means for this practice"],
        &appendix,
    ));
    (s, charts)
}

/// Renders the report as PDF bytes.
pub fn report(input: &ReportInput) -> Result<Vec<u8>, String> {
    report_with(input, &ReportSections::default())
}

/// Renders the report with the optional `sections` asked for, as PDF bytes.
pub fn report_with(input: &ReportInput, sections: &ReportSections) -> Result<Vec<u8>, String> {
    let (main, charts) = source(&page(input, sections));
    let engine = TypstEngine::builder()
        .main_file(main)
        .fonts(FONTS)
        .with_static_file_resolver(
            charts
                .iter()
                .map(|(name, bytes)| (name.as_str(), bytes.as_slice())),
        )
        .build();
    let document = engine
        .compile()
        .output
        .map_err(|e| format!("cannot typeset the report: {e:?}"))?;
    typst_pdf::pdf(&document, &Default::default())
        .map_err(|e| format!("cannot write the PDF: {e:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use smm_core::document::Date;
    use smm_core::{current_profile, gap, parse_assessment, parse_target, resolve, Catalog};

    fn example(file: &str) -> String {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/bottling-line/");
        std::fs::read_to_string(format!("{path}{file}")).expect("the example is there")
    }

    /// The PDF draws the very charts the HTML report does, so what the HTML tests prove about
    /// them (every row reads as its status) holds for the PDF too.
    #[test]
    fn the_pdf_embeds_the_charts_of_the_html_report() {
        let catalog = Catalog::builtin();
        let profile = parse_target(&example("target.yaml")).expect("parses");
        let target = resolve(&catalog, &profile).expect("resolves");
        let assessment = parse_assessment(&example("assessment.yaml")).expect("parses");
        let current = current_profile(&catalog, &assessment).expect("checks");
        let g = gap(&target, &current).expect("same catalog");
        let input = ReportInput {
            standards: &[],
            catalog: &catalog,
            profile: &profile,
            target: &target,
            assessment: Some((&assessment, &g)),
            date: Date::parse("2031-02-03").expect("a date"),
        };
        let html = crate::html::report(&input).expect("renders");
        let (_, charts) = source(&page(&input, &ReportSections::default()));
        assert!(
            charts.len() >= 4,
            "the overview, radar, heat map and domains"
        );
        for (name, bytes) in charts {
            let svg = String::from_utf8(bytes).expect("text");
            assert!(
                html.contains(svg.trim()),
                "{name} is not a chart of the HTML report"
            );
        }
    }
}
