//! A standard's coverage per section: a bar of the section's clauses split by status, for the
//! target and, below it, the assessment (met today). Each segment carries its count as text and
//! a pattern of its own, so neither colour nor position alone tells the status.

use smm_core::mapping::{ClauseStatus, Coverage, CoverageCounts};

use super::style::{self, Font, Key, GRID, INK, MARGIN, MET, MUTED, UNDER};
use crate::coverage::sections;
use crate::svg::{escape, num};

const LABEL_W: f64 = 250.0;
const SERIES_W: f64 = 70.0;
const BAR_X: f64 = MARGIN + LABEL_W + SERIES_W;
const BAR_W: f64 = 420.0;
const BAR_H: f64 = 18.0;
const COUNT_W: f64 = 120.0;
const WIDTH: f64 = BAR_X + BAR_W + COUNT_W + MARGIN;
const LABEL_FONT: Font = Font {
    size: 12.0,
    bold: false,
};

/// Partly addressed (Okabe-Ito yellow).
const PARTIAL: &str = "#F0E442";

/// The statuses in drawing order, with fill and the legend's word.
const SEGMENTS: [(ClauseStatus, &str, &str); 4] = [
    (ClauseStatus::Addressed, MET, "addressed"),
    (ClauseStatus::Partial, PARTIAL, "partly addressed"),
    (ClauseStatus::NotAddressed, UNDER, "not addressed"),
    (ClauseStatus::OutsideModel, GRID, "outside the model"),
];

fn count(c: &CoverageCounts, status: ClauseStatus) -> usize {
    match status {
        ClauseStatus::Addressed => c.addressed,
        ClauseStatus::Partial => c.partial,
        ClauseStatus::NotAddressed => c.not_addressed,
        ClauseStatus::OutsideModel => c.outside_model,
    }
}

fn pattern_id(prefix: &str, status: ClauseStatus) -> String {
    format!("{prefix}-{}", status.as_str())
}

/// Solid for addressed, diagonals for partly, crosses for not addressed, dots for outside.
fn patterns(prefix: &str) -> String {
    let mut out = String::from("<defs>\n");
    for (status, fill, _) in SEGMENTS {
        let marks = match status {
            ClauseStatus::Addressed => String::new(),
            ClauseStatus::Partial => {
                format!("<path d=\"M0,8 L8,0\" stroke=\"{INK}\" stroke-width=\"0.8\"/>")
            }
            ClauseStatus::NotAddressed => {
                format!("<path d=\"M0,0 L8,8 M0,8 L8,0\" stroke=\"{INK}\" stroke-width=\"0.8\"/>")
            }
            ClauseStatus::OutsideModel => {
                format!("<circle cx=\"4\" cy=\"4\" r=\"1.1\" fill=\"{INK}\"/>")
            }
        };
        out.push_str(&format!(
            "<pattern id=\"{}\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\"><rect width=\"8\" height=\"8\" fill=\"{fill}\"/>{marks}</pattern>\n",
            escape(&pattern_id(prefix, status))
        ));
    }
    out.push_str("</defs>\n");
    out
}

fn bar(prefix: &str, y: f64, counts: &CoverageCounts, series: &str) -> String {
    let mut out = style::text(
        MARGIN + LABEL_W + 6.0,
        y + 13.0,
        11.0,
        "start",
        &format!("fill=\"{MUTED}\""),
        series,
    );
    let mut x = BAR_X;
    for (status, _, word) in SEGMENTS {
        let n = count(counts, status);
        if n == 0 || counts.total == 0 {
            continue;
        }
        let w = BAR_W * n as f64 / counts.total as f64;
        out.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{BAR_H}\" fill=\"url(#{})\" stroke=\"{INK}\" stroke-width=\"0.6\"><title>{} {series}: {n} {word}</title></rect>\n",
            num(x),
            num(y),
            num(w),
            escape(&pattern_id(prefix, status)),
            escape(series),
        ));
        if w >= 22.0 {
            out.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" font-weight=\"bold\" paint-order=\"stroke\" stroke=\"#FFFFFF\" stroke-width=\"3\">{n}</text>\n",
                num(x + w / 2.0),
                num(y + 13.0)
            ));
        }
        x += w;
    }
    let reachable = counts.total - counts.outside_model;
    out.push_str(&style::text(
        BAR_X + BAR_W + 8.0,
        y + 13.0,
        11.0,
        "start",
        "",
        &format!("{} of {reachable} addressed", counts.addressed),
    ));
    out
}

/// The coverage chart of `c`.
pub fn coverage(c: &Coverage) -> String {
    let prefix = format!(
        "coverage-{}",
        c.standard
            .replace(|ch: char| !ch.is_ascii_alphanumeric(), "-")
    );
    let mut body = patterns(&prefix);
    let mut y = MARGIN;
    let title = format!("{} {}", c.title, c.version);
    for line in style::wrap(
        &title,
        WIDTH - 2.0 * MARGIN,
        Font {
            size: 16.0,
            bold: true,
        },
        3,
    )
    .unwrap_or_else(|| vec![title.clone()])
    {
        body.push_str(&style::text(
            MARGIN,
            y + 16.0,
            16.0,
            "start",
            "font-weight=\"bold\"",
            &line,
        ));
        y += 21.0;
    }
    let mut who = Vec::new();
    if let Some(t) = &c.target {
        who.push(format!("target: {}", t.label()));
    }
    if let Some(a) = &c.assessment {
        who.push(format!("assessment (met today): {}", a.label()));
    }
    if !who.is_empty() {
        body.push_str(&style::text(
            MARGIN,
            y + 13.0,
            12.0,
            "start",
            &format!("fill=\"{MUTED}\""),
            &who.join("; "),
        ));
        y += 22.0;
    }
    let keys: Vec<Key> = std::iter::once(Key::Heading("Clauses:".to_string()))
        .chain(SEGMENTS.iter().map(|(status, _, word)| {
            Key::Swatch(
                format!("url(#{})", pattern_id(&prefix, *status)),
                INK.to_string(),
                (*word).to_string(),
            )
        }))
        .collect();
    let (legend, height) = style::legend(MARGIN, y, WIDTH - 2.0 * MARGIN, &keys);
    body.push_str(&legend);
    y += height + 8.0;
    let rows = sections(c);
    for section in &rows {
        let series: Vec<(&str, &CoverageCounts)> = [
            ("target", section.planned.as_ref()),
            ("today", section.current.as_ref()),
        ]
        .into_iter()
        .filter_map(|(s, c)| c.map(|c| (s, c)))
        .collect();
        let height = (series.len().max(1) as f64) * (BAR_H + 4.0);
        let label = style::fit(&section.name, &section.name, LABEL_W - 8.0, LABEL_FONT, 2);
        body.push_str(&style::lines(
            MARGIN,
            y + 13.0,
            LABEL_FONT.size,
            "start",
            "",
            &label,
        ));
        let mut by = y;
        for (name, counts) in series {
            body.push_str(&bar(&prefix, by, counts, name));
            by += BAR_H + 4.0;
        }
        y += height.max(label.len() as f64 * 14.4) + 8.0;
    }
    let total = c.planned.or(c.current);
    let desc = match total {
        Some(t) => format!(
            "Clauses of {} per section by status: {} addressed, {} partly, {} not addressed, {} outside the model, of {}.",
            c.title, t.addressed, t.partial, t.not_addressed, t.outside_model, t.total
        ),
        None => format!("Clauses of {} per section.", c.title),
    };
    style::document(
        &prefix,
        (WIDTH, y + MARGIN),
        &format!("{} coverage", c.title),
        &desc,
        &body,
    )
}
