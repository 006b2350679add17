//! The trend's line chart: practices under target per domain and in all, at each assessment.

use smm_core::trend::Trend;

use super::super::style::{self, Marker, INK, MARGIN, MUTED};
use super::{column_x, point_label, Series, CELL_W, COLOURS, DASHES, LABEL_W, MARKERS, PLOT_H};
use crate::svg::{escape, num};

/// One line per domain, then the total.
pub(super) fn series(trend: &Trend) -> Vec<Series> {
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

/// The line chart from `top`; returns the SVG and its height.
pub(super) fn line_chart(p: &str, trend: &Trend, series: &[Series], top: f64) -> (String, f64) {
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
