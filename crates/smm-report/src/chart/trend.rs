//! A trend over assessments: a line chart of the practices under target per domain (and in all)
//! at each assessment, then a grid of every practice at every assessment with its level, its
//! status as a symbol and a word, and how it moved since the assessment before.
//!
//! Lines differ by colour, dash and marker shape and are labelled at their ends, so they read
//! in grayscale; grid cells are tinted by status but always say it in words.

mod grid;
mod lines;

use smm_core::trend::{Change, Trend, TrendPoint};
use smm_core::{Catalog, Comprehensiveness, Scope};

use super::style::{self, Font, Key, Marker, INK, MARGIN};
use crate::model::{ChartData, Granularity};
use grid::grid;
use lines::{line_chart, series};

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

/// The x of a point's column centre.
fn column_x(i: usize) -> f64 {
    MARGIN + LABEL_W + 16.0 + (i as f64 + 0.5) * CELL_W
}

/// A point's column heading: its number and date, then its version.
fn point_label(x: f64, y: f64, i: usize, point: &TrendPoint) -> String {
    let version = style::fit(&point.version, &point.version, CELL_W - 8.0, LABEL_FONT, 1);
    let mut lines = vec![format!("#{} {}", i + 1, point.date)];
    lines.extend(version);
    style::lines(x, y, 11.0, "middle", "", &lines)
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
