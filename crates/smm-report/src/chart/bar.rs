//! Grouped horizontal bars, as in the IIC white paper's figures: per item a target bar and, with an
//! assessment, a current bar below it. Bar length is comprehensiveness (0-4); the cross-hatching is
//! scope (sparse diagonals General, cross-hatch Industry, dense cross-hatch System).
//!
//! A subdomain or domain row with an assessment draws its deciding practice (named under the
//! row's label, beside the group's roll-up target), so the pair of bars always agrees with the
//! status beside it; the status adds how many of the group's practices share it.

use smm_core::{Level, Scope};

use super::style::{self, Font, Key, MARGIN, MUTED, TARGET};
use crate::model::{ChartData, ChartItem, Granularity};
use crate::svg::{escape, num};

/// Width of the item labels.
const LABEL_W: f64 = 255.0;
/// Left edge of the bars (comprehensiveness 0).
const PLOT_X: f64 = MARGIN + LABEL_W + 16.0;
/// Pixels per comprehensiveness level.
const UNIT: f64 = 105.0;
/// Room after a full-length bar for its value label (`2+-/G+`).
const VALUE_W: f64 = 70.0;
/// Left edge of the status column.
const STATUS_X: f64 = PLOT_X + 4.0 * UNIT + VALUE_W;
/// Width of the status column: a word for a practice, room for `under, 2 of 8` for a group.
fn status_width(granularity: Granularity) -> f64 {
    if granularity == Granularity::Practice {
        100.0
    } else {
        130.0
    }
}
/// Item label size and font.
const LABEL_SIZE: f64 = 12.0;
const LABEL_FONT: Font = Font {
    size: LABEL_SIZE,
    bold: false,
};

/// Vertical measures of a row, which depend on whether there is a current bar.
struct Rows {
    height: f64,
    bar: f64,
    gap: bool,
}

/// Size of the line under a group's label that names its roll-up and its deciding practice.
const NOTE_SIZE: f64 = 10.5;

/// A bar chart: target (and current) comprehensiveness per item, hatched by scope.
pub fn bar(data: &ChartData) -> String {
    let p = style::prefix("bar", data);
    let gap = data.has_current();
    let rows = if gap {
        Rows {
            // A group's row has a third label line, naming its deciding practice.
            height: if data.granularity == Granularity::Practice {
                40.0
            } else {
                48.0
            },
            bar: 14.0,
            gap,
        }
    } else {
        Rows {
            height: 34.0,
            bar: 18.0,
            gap,
        }
    };
    let width = if gap {
        STATUS_X + status_width(data.granularity) + MARGIN
    } else {
        STATUS_X + MARGIN
    };
    let unit_name = style::unit(data.granularity, 2);
    let what = if gap {
        format!("Target and current comprehensiveness of the {unit_name} (bar length); scope as hatching")
    } else {
        format!("Target comprehensiveness of the {unit_name} (bar length); scope as hatching")
    };
    let (heading, mut y) = style::heading(MARGIN, MARGIN, width - 2.0 * MARGIN, data, &what);
    y += 10.0;

    let axis_top = y;
    y += 22.0;
    let plot_top = y;
    let mut body = String::new();
    let grouped = data.granularity != Granularity::Domain;
    let mut domain: Option<&str> = None;
    for item in &data.items {
        if grouped && domain != Some(item.domain.as_str()) {
            body.push_str(&format!(
                "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{MUTED}\" stroke-width=\"1\"/>\n",
                num(MARGIN),
                num(width - MARGIN),
                y = num(y)
            ));
            body.push_str(&style::text(
                MARGIN,
                y + 18.0,
                13.0,
                "start",
                "font-weight=\"bold\"",
                &item.domain,
            ));
            y += 26.0;
            domain = Some(item.domain.as_str());
        }
        body.push_str(&row(&p, item, y, &rows));
        y += rows.height;
    }
    let plot_bottom = y + 4.0;

    let mut grid = String::new();
    for (value, name) in (0..=4).map(|v| (v, style::level_name(data, v))) {
        let x = PLOT_X + value as f64 * UNIT;
        let colour = if value == 0 { MUTED } else { style::GRID };
        grid.push_str(&format!(
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{colour}\" stroke-width=\"1\"/>\n",
            num(plot_top - 4.0),
            num(plot_bottom),
            x = num(x)
        ));
        for ty in [axis_top + 14.0, plot_bottom + 15.0] {
            grid.push_str(&style::text(
                x,
                ty,
                11.0,
                "middle",
                "fill=\"#555555\"",
                &name,
            ));
        }
    }
    let axis_label = "Comprehensiveness";
    grid.push_str(&style::text(
        PLOT_X + 2.0 * UNIT,
        plot_bottom + 32.0,
        11.5,
        "middle",
        "font-weight=\"bold\"",
        axis_label,
    ));
    if gap {
        grid.push_str(&style::text(
            STATUS_X,
            axis_top + 14.0,
            11.0,
            "start",
            "font-weight=\"bold\"",
            "Status",
        ));
    }
    y = plot_bottom + 46.0;

    let (legend, legend_h) = style::legend(MARGIN, y, width - 2.0 * MARGIN, &keys(&p, data, gap));
    let height = y + legend_h + MARGIN;

    let mut series = vec![("target", TARGET), ("key", style::KEY)];
    if gap {
        series.insert(1, ("current", style::CURRENT));
    }
    let mut out = style::patterns(&p, &series);
    out.push_str(&heading);
    out.push_str(&grid);
    out.push_str(&body);
    out.push_str(&legend);
    let shows = if gap {
        "Target and current comprehensiveness (0-4)"
    } else {
        "Target comprehensiveness (0-4)"
    };
    let desc = style::describe(data, shows, "hatching shows scope");
    style::document(
        &p,
        (width, height),
        &format!("{} - bar chart", data.title),
        &desc,
        &out,
    )
}

/// One item: its label, its bars and their values, and its status.
fn row(p: &str, item: &ChartItem, y: f64, rows: &Rows) -> String {
    let mut tooltip = format!("{} ({}): target {}", item.name, item.id, item.target_label);
    if let Some(d) = &item.deciding {
        tooltip.push_str(&format!("; bars show {} ({}):", d.name, d.id));
        tooltip.push_str(&format!(" target {}", item.target));
    }
    if let Some(current) = item.current {
        tooltip.push_str(&format!(", current {current}"));
    }
    if let Some(status) = item.status_words() {
        tooltip.push_str(&format!(", {status}"));
    }
    let mut out = format!(
        "<g class=\"item\" id=\"{}-item-{}\">\n<title>{}</title>\n",
        escape(p),
        escape(&item.id),
        escape(&tooltip)
    );

    let label = style::fit(&item.name, &item.id, LABEL_W, LABEL_FONT, 2);
    let line_h = LABEL_SIZE * 1.2;
    let note = item.deciding.as_ref().map(|d| {
        let font = Font {
            size: NOTE_SIZE,
            bold: false,
        };
        let text = format!("goal {}; bars: {}", item.target_label, d.name);
        style::fit(
            &text,
            &format!("goal {}; bars: {}", item.target_label, d.id),
            LABEL_W,
            font,
            1,
        )
    });
    let block = label.len() as f64 * line_h + note.as_ref().map_or(0.0, |_| NOTE_SIZE * 1.3);
    let first = y + rows.height / 2.0 - block / 2.0 + line_h / 2.0 + LABEL_SIZE * 0.36;
    out.push_str(&style::lines(
        MARGIN + 8.0,
        first,
        LABEL_SIZE,
        "start",
        "",
        &label,
    ));
    if let Some(note) = note {
        out.push_str(&style::lines(
            MARGIN + 8.0,
            first + (label.len() as f64 - 1.0) * line_h + NOTE_SIZE * 1.35,
            NOTE_SIZE,
            "start",
            &format!("fill=\"{MUTED}\""),
            &note,
        ));
    }

    let bars_h = if rows.gap {
        2.0 * rows.bar + 3.0
    } else {
        rows.bar
    };
    let top = y + (rows.height - bars_h) / 2.0;
    out.push_str(&one_bar(
        p,
        "target",
        item.target,
        &item.drawn_target_label(),
        top,
        rows.bar,
    ));
    if let Some(current) = item.current {
        out.push_str(&one_bar(
            p,
            "current",
            current,
            &current.to_string(),
            top + rows.bar + 3.0,
            rows.bar,
        ));
    } else if rows.gap {
        out.push_str(&style::text(
            PLOT_X + 6.0,
            top + rows.bar * 1.5 + 7.0,
            11.0,
            "start",
            "fill=\"#555555\"",
            "not assessed",
        ));
    }
    if let (Some(status), Some(words)) = (item.status, item.status_words()) {
        let (symbol, colour) = style::status_mark(status);
        out.push_str(&format!(
            "<text class=\"status\" x=\"{}\" y=\"{}\" font-size=\"12\"><tspan fill=\"{colour}\">{symbol}</tspan> {}</text>\n",
            num(STATUS_X),
            num(y + rows.height / 2.0 + 4.5),
            escape(&words)
        ));
    }
    out.push_str("</g>\n");
    out
}

/// A bar of `level` for a series, with its value label after it.
fn one_bar(p: &str, series: &str, level: Level, label: &str, y: f64, h: f64) -> String {
    let colour = if series == "target" {
        TARGET
    } else {
        style::CURRENT
    };
    let geometry = style::BarGeometry {
        x0: PLOT_X,
        unit: UNIT,
        height: h,
        label_size: 11.5,
    };
    style::level_bar(p, series, colour, level, label, y, geometry)
}

/// The legend: series, scope patterns, status.
fn keys(p: &str, data: &ChartData, gap: bool) -> Vec<Key> {
    let mut keys = vec![
        Key::Heading("Bars:".to_string()),
        Key::Swatch(
            style::tint(TARGET, 0.35),
            TARGET.to_string(),
            if gap { "Target (upper bar)" } else { "Target" }.to_string(),
        ),
    ];
    if gap {
        keys.push(Key::Swatch(
            style::tint(style::CURRENT, 0.35),
            style::CURRENT.to_string(),
            "Current (lower bar)".to_string(),
        ));
    }
    keys.push(Key::Note(
        "length = comprehensiveness; label = comprehensiveness/scope".to_string(),
    ));
    keys.push(Key::Break);
    keys.push(Key::Heading("Scope (hatching):".to_string()));
    for scope in Scope::ALL {
        keys.push(Key::Swatch(
            format!("url(#{})", style::pattern_id(p, "key", scope)),
            style::KEY.to_string(),
            format!("{} ({})", style::scope_name(data, scope), scope.letter()),
        ));
    }
    if gap {
        keys.push(Key::Break);
        keys.extend(style::status_keys());
        keys.extend(style::deciding_keys(data));
        if data.granularity != Granularity::Practice {
            keys.push(Key::Break);
            keys.push(Key::Note(format!(
                "Under each {} its roll-up target (goal) and the practice its bars show.",
                style::unit(data.granularity, 1)
            )));
        }
    }
    keys
}
