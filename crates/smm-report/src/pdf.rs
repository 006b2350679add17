//! The report as a PDF, typeset in-process with typst (no browser, no external program): real
//! selectable text, the charts as vector graphics, page numbers and a table of contents.
//!
//! The content is the HTML report's ([`crate::html`]); here it is written as typst source in
//! which every piece of user text is a typst string literal, so nothing a document says can be
//! read as markup. Fonts are the bundled DejaVu Sans; package downloads are impossible (no
//! package resolver is configured).

use typst_as_lib::TypstEngine;

use crate::html::{page, PracticeRow, ReportInput, ReportPage};

const FONTS: [&[u8]; 2] = [
    include_bytes!("../fonts/DejaVuSans.ttf"),
    include_bytes!("../fonts/DejaVuSans-Bold.ttf"),
];

/// A typst string literal: the text, escaped, in code mode.
fn lit(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text in markup, as `#"..."`.
fn text(t: &str) -> String {
    format!("#{}", lit(t))
}

/// A table in code mode: a header row and string cells.
fn table(columns: &[&str], header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!("#table(columns: ({}), table.header(", columns.join(", "));
    out.push_str(
        &header
            .iter()
            .map(|h| format!("[*{}*]", text(h)))
            .collect::<Vec<_>>()
            .join(", "),
    );
    out.push_str("),\n");
    for row in rows {
        out.push_str(&row.iter().map(|c| lit(c)).collect::<Vec<_>>().join(", "));
        out.push_str(",\n");
    }
    out.push_str(")\n");
    out
}

fn practice_rows(rows: &[PracticeRow], with_current: bool) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| {
            let why = if r.rationale.is_empty() {
                r.source.clone()
            } else {
                format!("{}: {}", r.source, r.rationale)
            };
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
    s.push_str(&format!(
        "{}\n\n",
        text(&format!(
            "System of interest: {}. Stakeholder: {}. Model: {}.",
            p.system, p.role, p.catalog
        ))
    ));
    s.push_str("#outline(title: \"Contents\", depth: 2)\n\n");

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
                format!("{} ({})", g.statement, g.meaning),
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
                    vec![
                        f.id.clone(),
                        format!("{}, {}", f.kind, f.severity),
                        f.practice.clone(),
                        format!("{}{cve}. {}", f.title, f.description),
                        f.recommendations.clone(),
                    ]
                })
                .collect();
            s.push_str(&table(
                &["auto", "auto", "auto", "3fr", "auto"],
                &["Id", "Kind", "Practice", "Finding", "Recommendations"],
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
    let (main, charts) = source(&page(input));
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
    use super::lit;

    #[test]
    fn user_text_cannot_become_markup() {
        assert_eq!(
            lit("a \"quoted\" \\ #eval(x)"),
            "\"a \\\"quoted\\\" \\\\ #eval(x)\""
        );
        assert_eq!(lit("two\nlines"), "\"two\\nlines\"");
    }
}
