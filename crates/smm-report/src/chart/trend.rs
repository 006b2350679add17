//! A trend over assessments: a line chart of the practices under target per domain (and in all)
//! at each assessment, then a grid of every practice at every assessment with its level, its
//! status as a symbol and a word, and how it moved since the assessment before.
//!
//! Lines differ by colour, dash and marker shape and are labelled at their ends, so they read
//! in grayscale; grid cells are tinted by status but always say it in words.

use smm_core::gap::Status;
use smm_core::trend::{Change, Trend, TrendPoint};
use smm_core::{Catalog, Comprehensiveness, Scope};

use super::style::{self, Font, Key, Marker, INK, MARGIN, MUTED};
use crate::model::{ChartData, Granularity};
use crate::svg::{escape, num};

/// Width of the practice labels of the grid and of the y axis of the line chart.
const LABEL_W: f64 = 230.0;
/// Width of a point's column.
const CELL_W: f64 = 112.0;
/// Height of a practice row.
const CELL_H: f64 = 36.0;
/// Height of the line chart's plot area.
const PLOT_H: f64 = 200.0;
/// Room right of the plot for the line-end labels.
const END_LABEL_W: f64 = 150.0;
/// The narrowest chart, so the heading and legend have room.
const MIN_WIDTH: f64 = 720.0;
/// Line colours (Okabe-Ito), dashes and markers, cycled per domain.
const COLOURS: [&str; 5] = ["#0072B2", "#E69F00", "#CC79A7", "#009E73", "#D55E00"];
const DASHES: [Option<&str>; 3] = [None, Some("7 4"), Some("2 3")];
const MARKERS: [Marker; 3] = [Marker::Circle, Marker::Square, Marker::Diamond];
const LABEL_FONT: Font = Font {
    size: 11.5,
    bold: false,
};

/// One line of the line chart.
struct Series {
    name: String,
    colour: &'static str,
    dash: Option<&'static str>,
    marker: Marker,
    width: f64,
    values: Vec<usize>,
}

/// The symbol and word of a change: ↑ improved, ↓ regressed, ↕ changed.
fn change_mark(change: Change) -> Option<&'static str> {
    match change {
        Change::Improved => Some("\u{2191}"),
        Change::Regressed => Some("\u{2193}"),
        Change::Changed => Some("\u{2195}"),
        Change::Unchanged => None,
    }
}

fn title(trend: &Trend) -> String {
    match trend.products.as_slice() {
        [one] => format!("Trend: {one}"),
        many => format!("Trend: {}", many.join(", ")),
    }
}

fn subtitle(trend: &Trend) -> String {
    let n = trend.points.len();
    match (trend.points.first(), trend.points.last()) {
        (Some(first), Some(last)) if n > 1 => format!(
            "{n} assessments from {} ({}) to {} ({})",
            first.date, first.version, last.date, last.version
        ),
        (Some(only), _) => format!("1 assessment, {} ({})", only.date, only.version),
        _ => "no assessments".to_string(),
    }
}

/// A chart of the trend: practices under target per domain over the assessments, and the grid.
pub fn trend(catalog: &Catalog, trend: &Trend) -> String {
    let data = ChartData {
        title: title(trend),
        subtitle: subtitle(trend),
        granularity: Granularity::Practice,
        items: Vec::new(),
        level_names: Comprehensiveness::ALL
            .iter()
            .map(|l| {
                catalog
                    .comprehensiveness_meaning(*l)
                    .map_or_else(|| l.value().to_string(), |m| m.name.clone())
            })
            .collect(),
        scope_names: Scope::ALL
            .iter()
            .map(|s| {
                catalog
                    .scope_meaning(*s)
                    .map_or_else(|| s.token().to_string(), |m| m.name.clone())
            })
            .collect(),
    };
    let p = prefix(trend);
    let n = trend.points.len();
    let grid_w = LABEL_W + 16.0 + n as f64 * CELL_W;
    let width = (2.0 * MARGIN + grid_w + END_LABEL_W).max(MIN_WIDTH);
    let what = "Above: practices under target per domain at each assessment. Below: each practice's achieved level and status at each assessment, and how it moved since the one before";
    let (mut out, mut y) = style::heading(MARGIN, MARGIN, width - 2.0 * MARGIN, &data, what);
    y += 8.0;

    let series = series(trend);
    let (lines, lines_h) = line_chart(&p, trend, &series, y);
    out.push_str(&lines);
    y += lines_h + 18.0;

    let (grid, grid_h) = grid(&p, trend, y);
    out.push_str(&grid);
    y += grid_h + 12.0;

    let (legend, legend_h) = style::legend(MARGIN, y, width - 2.0 * MARGIN, &keys(&series));
    out.push_str(&legend);
    let height = y + legend_h + MARGIN;

    let counts: Vec<String> = trend
        .points
        .iter()
        .map(|p| p.summary.under.to_string())
        .collect();
    let desc = format!(
        "Trend of the {} practices of {} over {n} assessment{}: a line chart of the practices under target per domain and in all, and a grid of every practice's level and status at each assessment. Practices under target, oldest first: {}.",
        trend.practices.len(),
        trend.products.join(", "),
        if n == 1 { "" } else { "s" },
        counts.join(", ")
    );
    style::document(
        &p,
        (width, height),
        &format!("{} - trend chart", data.title),
        &desc,
        &out,
    )
}

/// Ids unique to this trend's data, as the other charts do, so charts can share a page.
fn prefix(trend: &Trend) -> String {
    let mut hash: u32 = 0x811c_9dc5;
    for p in &trend.points {
        for text in [p.source.as_str(), p.version.as_str(), &p.date.to_string()] {
            for b in text.bytes().chain([0u8]) {
                hash ^= u32::from(b);
                hash = hash.wrapping_mul(0x0100_0193);
            }
        }
    }
    format!("trend-{:06x}", hash & 0x00ff_ffff)
}

fn series(trend: &Trend) -> Vec<Series> {
    let mut out: Vec<Series> = trend
        .domains
        .iter()
        .enumerate()
        .map(|(i, d)| Series {
            name: d.name.clone(),
            colour: COLOURS[i % COLOURS.len()],
            dash: DASHES[i % DASHES.len()],
            marker: MARKERS[i % MARKERS.len()],
            width: 2.0,
            values: trend
                .points
                .iter()
                .map(|p| {
                    p.domains
                        .iter()
                        .find(|x| x.id == d.id)
                        .map_or(0, |x| x.summary.under)
                })
                .collect(),
        })
        .collect();
    out.push(Series {
        name: "All practices".to_string(),
        colour: INK,
        dash: None,
        marker: Marker::Circle,
        width: 3.0,
        values: trend.points.iter().map(|p| p.summary.under).collect(),
    });
    out
}

/// The x of a point's column centre.
fn column_x(i: usize) -> f64 {
    MARGIN + LABEL_W + 16.0 + (i as f64 + 0.5) * CELL_W
}

/// The line chart from `top`; returns the SVG and its height.
fn line_chart(p: &str, trend: &Trend, series: &[Series], top: f64) -> (String, f64) {
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    // At most about eight gridlines: every value, or every second, fifth, ...
    let tick = [1, 2, 5, 10, 20, 50, 100]
        .into_iter()
        .find(|t| max.div_ceil(*t) <= 8)
        .unwrap_or(max);
    let top_value = max.div_ceil(tick) * tick;
    let plot_top = top + 22.0;
    let y_of = |v: usize| plot_top + PLOT_H - (v as f64 / top_value as f64) * PLOT_H;
    let left = MARGIN + LABEL_W + 16.0;
    let right = left + trend.points.len() as f64 * CELL_W;
    let mut out = String::from("<g class=\"lines\">\n");
    out.push_str(&style::text(
        MARGIN,
        top + 12.0,
        12.5,
        "start",
        "font-weight=\"bold\"",
        "Practices under target",
    ));
    let mut v = 0;
    while v <= top_value {
        let y = y_of(v);
        let colour = if v == 0 { MUTED } else { style::GRID };
        out.push_str(&format!(
            "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{colour}\" stroke-width=\"1\"/>\n",
            num(left),
            num(right),
            y = num(y)
        ));
        out.push_str(&style::text(
            left - 8.0,
            y + 4.0,
            11.0,
            "end",
            "fill=\"#555555\"",
            &v.to_string(),
        ));
        v += tick;
    }
    for (i, point) in trend.points.iter().enumerate() {
        let x = column_x(i);
        out.push_str(&format!(
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"1\"/>\n",
            num(plot_top),
            num(plot_top + PLOT_H),
            style::GRID,
            x = num(x)
        ));
        out.push_str(&point_label(x, plot_top + PLOT_H + 16.0, i, point));
    }
    // Line ends are labelled, spread apart vertically where values coincide.
    let mut ends: Vec<(f64, String, &Series)> = Vec::new();
    // Lines with equal values would hide each other's markers: each series is nudged a few
    // pixels sideways, so every marker stays visible.
    let middle = (series.len() as f64 - 1.0) / 2.0;
    for (index, s) in series.iter().enumerate() {
        let dx = (index as f64 - middle) * 3.0;
        let points: Vec<(f64, f64)> = s
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| (column_x(i) + dx, y_of(*v)))
            .collect();
        let dash = s
            .dash
            .map(|d| format!(" stroke-dasharray=\"{d}\""))
            .unwrap_or_default();
        let path: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{},{}", num(*x), num(*y)))
            .collect();
        out.push_str(&format!(
            "<g class=\"series\" id=\"{}-series-{}\"><title>{}: {} under target</title>\n",
            escape(p),
            index,
            escape(&s.name),
            s.values
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
        if points.len() > 1 {
            out.push_str(&format!(
                "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\"{dash}/>\n",
                path.join(" "),
                s.colour,
                num(s.width)
            ));
        }
        for (x, y) in &points {
            out.push_str(&style::marker(s.marker, *x, *y, 8.0, s.colour, INK));
        }
        out.push_str("</g>\n");
        if let (Some((_, y)), Some(v)) = (points.last(), s.values.last()) {
            ends.push((*y, format!("{} {v}", s.name), s));
        }
    }
    ends.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut last = f64::NEG_INFINITY;
    for (y, label, s) in &ends {
        let y = y.max(last + 14.0);
        last = y;
        let weight = if s.width > 2.0 {
            " font-weight=\"bold\""
        } else {
            ""
        };
        out.push_str(&style::text(
            right + 8.0,
            y + 4.0,
            11.0,
            "start",
            &format!("fill=\"{INK}\"{weight}"),
            label,
        ));
    }
    out.push_str("</g>\n");
    let bottom = (plot_top + PLOT_H + 44.0).max(last + 8.0);
    (out, bottom - top)
}

/// A point's column heading: its number and date, then its version.
fn point_label(x: f64, y: f64, i: usize, point: &TrendPoint) -> String {
    let version = style::fit(&point.version, &point.version, CELL_W - 8.0, LABEL_FONT, 1);
    let mut lines = vec![format!("#{} {}", i + 1, point.date)];
    lines.extend(version);
    style::lines(x, y, 11.0, "middle", "", &lines)
}

/// The practice × assessment grid from `top`; returns the SVG and its height.
fn grid(p: &str, trend: &Trend, top: f64) -> (String, f64) {
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
    at: &smm_core::trend::PracticePoint,
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

/// The legend: the lines, the status symbols and the change marks.
fn keys(series: &[Series]) -> Vec<Key> {
    let mut keys = vec![Key::Heading("Lines:".to_string())];
    for s in series {
        keys.push(Key::Line(
            s.colour.to_string(),
            s.dash.map(str::to_string),
            s.marker,
            s.name.clone(),
        ));
    }
    keys.push(Key::Break);
    keys.extend(style::status_keys());
    keys.push(Key::Note(
        "(cells: achieved comprehensiveness/scope and status against that assessment's target)"
            .to_string(),
    ));
    keys.push(Key::Break);
    keys.push(Key::Heading("Since the assessment before:".to_string()));
    for (change, meaning) in [
        (Change::Improved, "improved (a measure rose, none fell)"),
        (Change::Regressed, "regressed (a measure fell, none rose)"),
        (Change::Changed, "changed (one rose, one fell)"),
    ] {
        if let Some(mark) = change_mark(change) {
            keys.push(Key::Symbol(
                mark.to_string(),
                INK.to_string(),
                meaning.to_string(),
            ));
        }
    }
    keys
}
