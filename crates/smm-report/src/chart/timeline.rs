//! The roadmap's timeline: one row per scheduled action, a bar in its period, coloured by domain
//! (and named, so colour is never the only cue), with each period's use of its budget below.

use smm_core::roadmap::{Roadmap, Schedule};

use super::style::{self, Font, Key, GRID, MARGIN, MUTED};
use crate::roadmap::{in_unit, summary};
use crate::svg::{escape, num};

/// Okabe-Ito colours for the domains, in catalog order.
const DOMAIN_COLOURS: [&str; 4] = ["#0072B2", "#E69F00", "#009E73", "#CC79A7"];
const LABEL_WIDTH: f64 = 330.0;
const ROW: f64 = 24.0;

/// The timeline of a roadmap's schedule; `None` without a schedule.
pub fn timeline(roadmap: &Roadmap) -> Option<String> {
    let schedule = roadmap.schedule.as_ref()?;
    let s = summary(roadmap);
    let prefix = format!(
        "timeline-{:06x}",
        fnv(&format!("{roadmap:?}")) & 0x00ff_ffff
    );
    let columns = schedule.periods.len().max(1);
    let column = (720.0 / columns as f64).clamp(64.0, 140.0);
    let width = MARGIN * 2.0 + LABEL_WIDTH + column * columns as f64;
    let mut body = String::new();
    let mut y = MARGIN;
    // Heading.
    for (text, size, attrs) in [
        (s.title.as_str(), 17.0, "font-weight=\"bold\""),
        (s.subject.as_str(), 12.5, ""),
        (s.budget.as_deref().unwrap_or(""), 11.5, "fill=\"#555555\""),
    ] {
        let font = Font {
            size,
            bold: attrs.contains("bold"),
        };
        let lines = style::wrap(text, width - 2.0 * MARGIN, font, 3)
            .unwrap_or_else(|| vec![text.to_string()]);
        body.push_str(&style::lines(
            MARGIN,
            y + size,
            size,
            "start",
            attrs,
            &lines,
        ));
        y += size * 1.25 * lines.len() as f64 + 4.0;
    }
    y += 8.0;
    let x0 = MARGIN + LABEL_WIDTH;
    // Period headers.
    for (i, p) in schedule.periods.iter().enumerate() {
        let cx = x0 + column * (i as f64 + 0.5);
        body.push_str(&style::text(
            cx,
            y + 12.0,
            11.5,
            "middle",
            "font-weight=\"bold\"",
            &p.label,
        ));
    }
    y += 20.0;
    let rows = rows(roadmap, schedule);
    let top = y;
    let height = ROW * rows.len().max(1) as f64;
    // Grid.
    for i in 0..=columns {
        let x = x0 + column * i as f64;
        body.push_str(&format!(
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{GRID}\"/>\n",
            num(x),
            num(top),
            num(x),
            num(top + height)
        ));
    }
    let domain_index = |id: &str| {
        roadmap
            .domains
            .iter()
            .position(|d| d.id.as_str() == id)
            .unwrap_or(0)
    };
    for (r, (period, action)) in rows.iter().enumerate() {
        let ry = top + ROW * r as f64;
        let colour = DOMAIN_COLOURS[domain_index(action.domain.as_str()) % DOMAIN_COLOURS.len()];
        let font = Font {
            size: 11.0,
            bold: false,
        };
        let label = style::fit(
            &format!("{} {}", action.id, action.title),
            &action.id.to_string(),
            LABEL_WIDTH - 8.0,
            font,
            1,
        );
        body.push_str(&style::lines(MARGIN, ry + 16.0, 11.0, "start", "", &label));
        let bx = x0 + column * *period as f64 + 3.0;
        let (fill, dash) = if action.prerequisite {
            (style::tint(colour, 0.35), " stroke-dasharray=\"4 2\"")
        } else {
            (colour.to_string(), "")
        };
        body.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\" fill=\"{fill}\" stroke=\"{colour}\" stroke-width=\"1.5\"{dash}><title>{}</title></rect>\n",
            num(bx),
            num(ry + 4.0),
            num(column - 6.0),
            num(ROW - 8.0),
            escape(&format!(
                "{}: {} ({} person-days, {} {}){}",
                action.id,
                action.title,
                action.effort,
                roadmap.currency,
                crate::roadmap::thousands(action.amount),
                if action.prerequisite { ", prerequisite" } else { "" }
            )),
        ));
    }
    y = top + height + 8.0;
    // Budget use per period.
    body.push_str(&style::text(
        MARGIN,
        y + 15.0,
        11.0,
        "start",
        "font-weight=\"bold\"",
        "Budget used",
    ));
    for (i, p) in schedule.periods.iter().enumerate() {
        let share = if schedule.budget.per_period == 0 {
            0.0
        } else {
            p.used as f64 / schedule.budget.per_period as f64
        };
        let bx = x0 + column * i as f64 + 3.0;
        let full = column - 6.0;
        body.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"10\" fill=\"#FFFFFF\" stroke=\"{MUTED}\"/>\
             <rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"10\" fill=\"{MUTED}\"><title>{}</title></rect>\n",
            num(bx),
            num(y + 5.0),
            num(full),
            num(bx),
            num(y + 5.0),
            num(full * share.clamp(0.0, 1.0)),
            escape(&format!(
                "{}: {} of {}",
                p.label,
                in_unit(roadmap, schedule.budget.unit, p.used),
                in_unit(roadmap, schedule.budget.unit, schedule.budget.per_period)
            )),
        ));
        body.push_str(&style::text(
            bx + full / 2.0,
            y + 30.0,
            10.0,
            "middle",
            "fill=\"#555555\"",
            &format!("{:.0}%", share * 100.0),
        ));
    }
    y += 40.0;
    // Legend.
    let mut keys: Vec<Key> = roadmap
        .domains
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let c = DOMAIN_COLOURS[i % DOMAIN_COLOURS.len()];
            Key::Swatch(c.to_string(), c.to_string(), d.name.clone())
        })
        .collect();
    keys.push(Key::Swatch(
        style::tint(DOMAIN_COLOURS[0], 0.35),
        DOMAIN_COLOURS[0].to_string(),
        "prerequisite (dashed: not asked for by the target)".to_string(),
    ));
    let (legend, legend_height) = style::legend(MARGIN, y, width - 2.0 * MARGIN, &keys);
    body.push_str(&legend);
    y += legend_height;
    if !schedule.left_out.is_empty() {
        let ids: Vec<String> = schedule
            .left_out
            .iter()
            .map(|l| l.action.to_string())
            .collect();
        let text = format!("Left out ({}): {}", ids.len(), ids.join(", "));
        let font = Font {
            size: 11.0,
            bold: false,
        };
        let lines =
            style::wrap(&text, width - 2.0 * MARGIN, font, 6).unwrap_or_else(|| vec![text.clone()]);
        body.push_str(&style::lines(MARGIN, y + 14.0, 11.0, "start", "", &lines));
        y += 14.0 * lines.len() as f64 + 6.0;
    }
    let desc = format!(
        "Timeline of {} scheduled actions over {} periods. {} {}",
        rows.len(),
        schedule.periods.len(),
        s.result.unwrap_or_default(),
        s.fit.unwrap_or_default()
    );
    Some(style::document(
        &prefix,
        (width, y + MARGIN),
        &s.title,
        desc.trim(),
        &body,
    ))
}

/// Scheduled actions, period by period, each period in roadmap order.
fn rows<'r>(
    roadmap: &'r Roadmap,
    schedule: &Schedule,
) -> Vec<(usize, &'r smm_core::roadmap::PlannedAction)> {
    let mut rows = Vec::new();
    for (i, p) in schedule.periods.iter().enumerate() {
        for a in roadmap.actions.iter().filter(|a| p.actions.contains(&a.id)) {
            rows.push((i, a));
        }
    }
    rows
}

/// A short stable hash for element ids.
fn fnv(text: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for b in text.bytes() {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}
