//! A radar chart: one spoke per item, rings for comprehensiveness 1-4, the target as a solid
//! polygon with round markers and the current level as a dashed polygon with square markers (so
//! the two read apart in grayscale). Each spoke's label gives the item's name and its levels with
//! scope (`3/I → 2/I`), and the status as a symbol and a word.

use std::f64::consts::PI;

use smm_core::gap::Status;
use smm_core::Level;

use super::style::{self, Font, Key, Marker, CURRENT, GRID, INK, MARGIN, MUTED, TARGET};
use crate::model::ChartData;
use crate::svg::{escape, num};

/// Radius of ring 4.
const R: f64 = 170.0;
/// Spoke label size.
const LABEL_SIZE: f64 = 11.0;
/// Spoke label fonts.
const REGULAR: Font = Font {
    size: LABEL_SIZE,
    bold: false,
};
const BOLD: Font = Font {
    size: LABEL_SIZE,
    bold: true,
};
/// Widest spoke label line.
const LABEL_W: f64 = 150.0;
/// The narrowest chart, so the heading and legend have room.
const MIN_WIDTH: f64 = 640.0;

/// Where a spoke label sits: above or below the chart (centred), or in the left or right column.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Top,
    Bottom,
    Left,
    Right,
}

/// A spoke label, in coordinates centred on the chart's centre.
struct Label {
    lines: Vec<String>,
    value: String,
    /// The status and its words (`under, 1 of 3` for a group).
    status: Option<(Status, String)>,
    side: Side,
    /// The spoke's direction (cos, sin).
    dir: (f64, f64),
    /// Anchor x: centre for top and bottom, the edge nearest the chart for the columns.
    x: f64,
    top: f64,
    width: f64,
    height: f64,
}

impl Label {
    fn bounds(&self) -> [f64; 4] {
        let left = match self.side {
            Side::Top | Side::Bottom => self.x - self.width / 2.0,
            Side::Right => self.x,
            Side::Left => self.x - self.width,
        };
        [left, self.top, left + self.width, self.top + self.height]
    }

    fn anchor(&self) -> &'static str {
        match self.side {
            Side::Top | Side::Bottom => "middle",
            Side::Right => "start",
            Side::Left => "end",
        }
    }
}

/// SVG `points`: `x,y x,y …`.
fn points(pts: &[(f64, f64)]) -> String {
    let pairs: Vec<String> = pts
        .iter()
        .map(|(x, y)| format!("{},{}", num(*x), num(*y)))
        .collect();
    pairs.join(" ")
}

fn overlaps(a: &[f64; 4], b: &[f64; 4], pad: f64) -> bool {
    a[0] < b[2] + pad && b[0] < a[2] + pad && a[1] < b[3] + pad && b[1] < a[3] + pad
}

/// Spoke labels: centred above or below for near-vertical spokes, otherwise in a left or right
/// column hugging the chart, spread vertically so no two overlap.
fn place_labels(data: &ChartData, angle: &dyn Fn(usize) -> f64) -> Vec<Label> {
    const PAD: f64 = 5.0;
    let d = R + 14.0;
    let line_h = LABEL_SIZE * 1.25;
    let mut labels: Vec<Label> = Vec::new();
    for (i, item) in data.items.iter().enumerate() {
        let (cos, sin) = (angle(i).cos(), angle(i).sin());
        let lines = style::fit(&item.name, &item.id, LABEL_W, REGULAR, 3);
        let mut value = item.drawn_target_label();
        if let Some(current) = item.current {
            value.push_str(&format!(" \u{2192} {current}"));
        }
        let status = item.status.zip(item.status_words());
        let status_w = status
            .as_ref()
            .map_or(0.0, |(_, w)| REGULAR.width(&format!("  {w}")) + 12.0);
        let width = lines
            .iter()
            .map(|l| REGULAR.width(l))
            .fold(BOLD.width(&value) + status_w, f64::max);
        let height = (lines.len() + 1) as f64 * line_h;
        let (side, top) = match (cos.abs() < 0.26, sin < 0.0, cos > 0.0) {
            (true, true, _) => (Side::Top, d * sin - height),
            (true, false, _) => (Side::Bottom, d * sin),
            (false, _, right) => {
                let centre = d * sin + sin * height / 2.0;
                (
                    if right { Side::Right } else { Side::Left },
                    centre - height / 2.0,
                )
            }
        };
        labels.push(Label {
            lines,
            value,
            status,
            side,
            dir: (cos, sin),
            x: d * cos,
            top,
            width,
            height,
        });
    }

    for side in [Side::Left, Side::Right] {
        let mut column: Vec<usize> = (0..labels.len())
            .filter(|&i| labels[i].side == side)
            .collect();
        column.sort_by(|&a, &b| labels[a].top.total_cmp(&labels[b].top));
        for _ in 0..200 {
            for pair in column.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                let overlap = labels[a].top + labels[a].height + PAD - labels[b].top;
                if overlap > 0.0 {
                    labels[a].top -= overlap / 2.0;
                    labels[b].top += overlap / 2.0;
                }
            }
        }
        for pair in column.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            labels[b].top = labels[b].top.max(labels[a].top + labels[a].height + PAD);
        }
        for &i in &column {
            let (top, bottom) = (labels[i].top, labels[i].top + labels[i].height);
            let nearest = if top <= 0.0 && bottom >= 0.0 {
                0.0
            } else {
                top.abs().min(bottom.abs())
            };
            let edge = (d * d - nearest * nearest).max(0.0).sqrt().max(12.0);
            let sign = if side == Side::Right { 1.0 } else { -1.0 };
            labels[i].x = sign * edge;
            for _ in 0..100 {
                let b = labels[i].bounds();
                let clash = labels.iter().any(|l| {
                    matches!(l.side, Side::Top | Side::Bottom) && overlaps(&l.bounds(), &b, PAD)
                });
                if !clash {
                    break;
                }
                labels[i].x += sign * 4.0;
            }
        }
    }
    labels
}

/// A radar chart of target (and current) comprehensiveness per item.
pub fn radar(data: &ChartData) -> String {
    let p = style::prefix("radar", data);
    let gap = data.has_current();
    let n = data.items.len();
    let angle = |i: usize| -PI / 2.0 + i as f64 * 2.0 * PI / n.max(1) as f64;
    let line_h = LABEL_SIZE * 1.25;
    let labels = place_labels(data, &angle);

    let mut boxes: Vec<[f64; 4]> = labels.iter().map(Label::bounds).collect();
    if n >= 3 {
        for i in 0..n {
            let (x, y) = (R * angle(i).cos(), R * angle(i).sin());
            boxes.push([x - 8.0, y - 8.0, x + 8.0, y + 8.0]);
        }
    } else {
        boxes.push([-R - 8.0, -R - 8.0, R + 8.0, R + 8.0]);
    }
    let start = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    let ext = boxes.iter().fold(start, |e, b| {
        [
            e[0].min(b[0]),
            e[1].min(b[1]),
            e[2].max(b[2]),
            e[3].max(b[3]),
        ]
    });
    let width = (ext[2] - ext[0] + 2.0 * MARGIN).max(MIN_WIDTH);
    let what = if gap {
        "Comprehensiveness per spoke: target (solid) and current (dashed); levels as comprehensiveness/scope"
    } else {
        "Target comprehensiveness per spoke; levels as comprehensiveness/scope"
    };
    let (heading, top) = style::heading(MARGIN, MARGIN, width - 2.0 * MARGIN, data, what);
    let cx = (width - (ext[2] - ext[0])) / 2.0 - ext[0];
    let cy = top + 14.0 - ext[1];
    let at = |level: f64, i: usize| {
        (
            cx + R * level / 4.0 * angle(i).cos(),
            cy + R * level / 4.0 * angle(i).sin(),
        )
    };

    let mut out = heading;
    out.push_str("<g class=\"grid\">\n");
    for level in 1..=4 {
        let stroke = if level == 4 { MUTED } else { GRID };
        if n >= 3 {
            let ring: Vec<(f64, f64)> = (0..n).map(|i| at(level as f64, i)).collect();
            out.push_str(&format!(
                "<polygon points=\"{}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"1\"/>\n",
                points(&ring)
            ));
        } else {
            out.push_str(&format!(
                "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"1\"/>\n",
                num(cx),
                num(cy),
                num(R * level as f64 / 4.0)
            ));
        }
    }
    for i in 0..n {
        let (x, y) = at(4.0, i);
        out.push_str(&format!(
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{GRID}\" stroke-width=\"1\"/>\n",
            num(cx),
            num(cy),
            num(x),
            num(y)
        ));
    }
    for level in 1..=4 {
        let name = style::level_name(data, level);
        let y = cy - R * level as f64 / 4.0 + 11.0;
        out.push_str(&style::text(
            cx + 5.0,
            y,
            9.5,
            "start",
            "fill=\"#555555\" stroke=\"#FFFFFF\" stroke-width=\"3\" paint-order=\"stroke\" stroke-linejoin=\"round\"",
            &name,
        ));
    }

    out.push_str("</g>\n");

    let level_at = |i: usize, level: Level| at(f64::from(level.comprehensiveness.value()), i);
    let items = data.items.iter().enumerate();
    let target: Vec<(f64, f64)> = items
        .clone()
        .map(|(i, it)| level_at(i, it.target))
        .collect();
    let current: Vec<(f64, f64)> = items
        .filter_map(|(i, it)| it.current.map(|c| level_at(i, c)))
        .collect();
    let poly = |class: &str, pts: &[(f64, f64)], paint: &str| {
        format!(
            "<polygon class=\"series {class}\" points=\"{}\" {paint}/>\n",
            points(pts)
        )
    };
    if n > 0 {
        out.push_str(&poly(
            "target",
            &target,
            &format!("fill=\"{TARGET}\" fill-opacity=\"0.12\" stroke=\"{TARGET}\" stroke-width=\"2.5\" stroke-linejoin=\"round\""),
        ));
    }
    if gap {
        out.push_str(&poly(
            "current",
            &current,
            &format!("fill=\"{CURRENT}\" fill-opacity=\"0.08\" stroke=\"{CURRENT}\" stroke-width=\"2.5\" stroke-dasharray=\"8 4\" stroke-linejoin=\"round\""),
        ));
    }
    for (x, y) in &target {
        out.push_str(&style::marker(
            Marker::Circle,
            *x,
            *y,
            10.0,
            TARGET,
            "#FFFFFF",
        ));
    }
    for (x, y) in &current {
        out.push_str(&style::marker(Marker::Square, *x, *y, 7.0, CURRENT, INK));
    }
    out.push('\n');

    for (item, l) in data.items.iter().zip(&labels) {
        let mut tooltip = format!("{} ({}): target {}", item.name, item.id, item.target_label);
        if let Some(d) = &item.deciding {
            tooltip.push_str(&format!(
                "; spoke shows {} ({}): target {}",
                d.name, d.id, item.target
            ));
        }
        if let Some(c) = item.current {
            tooltip.push_str(&format!(", current {c}"));
        }
        out.push_str(&format!(
            "<g class=\"spoke-label\"><title>{}</title>\n",
            escape(&tooltip)
        ));
        let x = cx + l.x;
        let (sx, sy) = (cx + (R + 3.0) * l.dir.0, cy + (R + 3.0) * l.dir.1);
        let (ax, ay) = match l.side {
            Side::Top => (x, cy + l.top + l.height),
            Side::Bottom => (x, cy + l.top - 2.0),
            Side::Left | Side::Right => {
                let y = (cy + (R + 14.0) * l.dir.1)
                    .clamp(cy + l.top + 4.0, cy + l.top + l.height - 6.0);
                (x - 3.0 * l.dir.0.signum(), y)
            }
        };
        if (ax - sx).hypot(ay - sy) > 16.0 {
            out.push_str(&format!(
                "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{MUTED}\" stroke-width=\"0.8\" stroke-dasharray=\"2 2\"/>\n",
                num(sx),
                num(sy),
                num(ax),
                num(ay)
            ));
        }
        let first = cy + l.top + LABEL_SIZE;
        out.push_str(&style::lines(
            x,
            first,
            LABEL_SIZE,
            l.anchor(),
            "",
            &l.lines,
        ));
        let vy = first + l.lines.len() as f64 * line_h;
        let status = l.status.as_ref().map_or(String::new(), |(s, words)| {
            let (symbol, colour) = style::status_mark(*s);
            format!(
                " <tspan fill=\"{colour}\">{symbol}</tspan> {}",
                escape(words)
            )
        });
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"{}\"><tspan font-weight=\"bold\">{}</tspan>{status}</text>\n</g>\n",
            num(x),
            num(vy),
            num(LABEL_SIZE),
            l.anchor(),
            escape(&l.value)
        ));
    }

    let target_key = "Target (solid, circles)".to_string();
    let mut keys = vec![Key::Line(
        TARGET.to_string(),
        None,
        Marker::Circle,
        target_key,
    )];
    if gap {
        let label = "Current (dashed, squares)".to_string();
        keys.push(Key::Line(
            CURRENT.to_string(),
            Some("8 4".to_string()),
            Marker::Square,
            label,
        ));
    }
    let top_level = style::level_name(data, 4);
    let zero = style::level_name(data, 0);
    keys.push(Key::Note(format!(
        "centre = {zero}, outer ring = {top_level}"
    )));
    keys.push(Key::Break);
    keys.push(Key::Note(if gap {
        "Labels: target \u{2192} current as comprehensiveness/scope (G, I, S)".to_string()
    } else {
        "Labels: target as comprehensiveness/scope (G, I, S)".to_string()
    }));
    if gap {
        keys.push(Key::Break);
        keys.extend(style::status_keys());
        keys.extend(style::deciding_keys(data));
    }
    let legend_y = cy + ext[3] + 16.0;
    let (legend, legend_h) = style::legend(MARGIN, legend_y, width - 2.0 * MARGIN, &keys);
    out.push_str(&legend);
    let height = legend_y + legend_h + MARGIN;

    let shows = if gap {
        "Radar of target and current comprehensiveness (0-4)"
    } else {
        "Radar of target comprehensiveness (0-4)"
    };
    let desc = style::describe(data, shows, "labels give comprehensiveness/scope");
    style::document(
        &p,
        (width, height),
        &format!("{} - radar chart", data.title),
        &desc,
        &out,
    )
}
