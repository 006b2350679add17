//! The trend's grid: every practice at every assessment, with its level, status and change.

use smm_core::gap::Status;
use smm_core::trend::{Change, PracticePoint, Trend};

use super::super::style::{self, MARGIN, MUTED};
use super::{change_mark, column_x, point_label, CELL_H, CELL_W, LABEL_FONT, LABEL_W};
use crate::svg::{escape, num};

/// The practice × assessment grid from `top`; returns the SVG and its height.
pub(super) fn grid(p: &str, trend: &Trend, top: f64) -> (String, f64) {
    let mut out = String::from("<g class=\"grid\">\n");
    out.push_str(&style::text(
        MARGIN,
        top + 12.0,
        12.5,
        "start",
        "font-weight=\"bold\"",
        "Practices at each assessment: achieved level, status, change since the one before",
    ));
    let mut y = top + 22.0;
    for (i, point) in trend.points.iter().enumerate() {
        out.push_str(&point_label(column_x(i), y + 12.0, i, point));
    }
    y += 34.0;
    for domain in &trend.domains {
        out.push_str(&format!(
            "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{MUTED}\" stroke-width=\"1\"/>\n",
            num(MARGIN),
            num(column_x(trend.points.len().saturating_sub(1)) + CELL_W / 2.0),
            y = num(y)
        ));
        out.push_str(&style::text(
            MARGIN,
            y + 17.0,
            12.5,
            "start",
            "font-weight=\"bold\"",
            &domain.name,
        ));
        for (i, point) in trend.points.iter().enumerate() {
            let Some(d) = point.domains.iter().find(|x| x.id == domain.id) else {
                continue;
            };
            out.push_str(&style::text(
                column_x(i),
                y + 17.0,
                10.5,
                "middle",
                "fill=\"#555555\"",
                &format!("{} under, {} missing", d.summary.under, d.missing),
            ));
        }
        y += 26.0;
        for practice in &trend.practices {
            if practice.domain != domain.id {
                continue;
            }
            let label = style::fit(&practice.name, practice.id.as_str(), LABEL_W, LABEL_FONT, 2);
            let first = y + CELL_H / 2.0 - (label.len() as f64 - 1.0) * 6.9 + 4.0;
            out.push_str(&style::lines(
                MARGIN + 8.0,
                first,
                LABEL_FONT.size,
                "start",
                "",
                &label,
            ));
            for (i, point) in trend.points.iter().enumerate() {
                let change = i
                    .checked_sub(1)
                    .and_then(|from| trend.steps.get(from))
                    .map(|s| {
                        if s.improved.contains(&practice.id) {
                            Change::Improved
                        } else if s.regressed.contains(&practice.id) {
                            Change::Regressed
                        } else if s.changed.contains(&practice.id) {
                            Change::Changed
                        } else {
                            Change::Unchanged
                        }
                    });
                if let Some(at) = point.practices.iter().find(|x| x.id == practice.id) {
                    out.push_str(&cell(p, i, practice.name.as_str(), at, change, y));
                }
            }
            y += CELL_H;
        }
    }
    out.push_str("</g>\n");
    (out, y - top)
}

/// One practice at one assessment.
fn cell(
    p: &str,
    i: usize,
    name: &str,
    at: &PracticePoint,
    change: Option<Change>,
    y: f64,
) -> String {
    let (symbol, colour) = style::status_mark(at.status);
    let x = column_x(i) - CELL_W / 2.0 + 3.0;
    let fill = style::tint(colour, 0.16);
    let mut tooltip = format!(
        "{name} ({}) at #{}: {} against target {}, {}",
        at.id,
        i + 1,
        at.current,
        at.target,
        at.status.as_str()
    );
    let moved = change.and_then(|c| change_mark(c).map(|m| (m, c)));
    if let Some((_, c)) = moved {
        tooltip.push_str(&format!(", {}", c.as_str()));
    }
    let outline = if at.status == Status::Under {
        format!("stroke=\"{}\" stroke-width=\"1.5\"", style::UNDER)
    } else {
        format!("stroke=\"{}\" stroke-width=\"0.6\"", style::GRID)
    };
    let mut out = format!(
        "<g class=\"cell\" id=\"{}-cell-{}-{}\"><title>{}</title>\n\
         <rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\" fill=\"{fill}\" {outline}/>\n",
        escape(p),
        i,
        escape(at.id.as_str()),
        escape(&tooltip),
        num(x),
        num(y + 3.0),
        num(CELL_W - 6.0),
        num(CELL_H - 6.0),
    );
    let cx = column_x(i);
    out.push_str(&format!(
        "<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{} <tspan fill=\"{colour}\">{symbol}</tspan> {}</text>\n",
        num(cx),
        num(y + CELL_H / 2.0 - 1.0),
        at.current,
        at.status.as_str()
    ));
    if let Some((mark, c)) = moved {
        out.push_str(&style::text(
            cx,
            y + CELL_H / 2.0 + 11.0,
            10.0,
            "middle",
            "fill=\"#555555\"",
            &format!("{mark} {}", c.as_str()),
        ));
    }
    out.push_str("</g>\n");
    out
}
