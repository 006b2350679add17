//! A heat map: a grid of cells grouped by domain (rows) and, for practices, by subdomain. With an
//! assessment a cell's colour is current − target comprehensiveness on a diverging scale (oranges
//! below target, neutral grey on it, blues above); without one it is the target comprehensiveness.
//! Every cell also says what it shows in words (`3/I → 2/I`, `▼ under`), so it reads in grayscale.

use smm_core::gap::Status;

use super::style::{self, Font, Key, INK, MARGIN, MUTED};
use crate::model::{ChartData, ChartItem, Granularity};
use crate::svg::{escape, num};

/// Current − target comprehensiveness, −4 to +4: oranges, a neutral grey, blues (ColorBrewer,
/// colour-blind safe).
const DELTA: [&str; 9] = [
    "#A63603", "#E6550D", "#FD8D3C", "#FDD0A2", "#F0F0F0", "#C6DBEF", "#6BAED6", "#2171B5",
    "#08306B",
];
/// Target comprehensiveness 0 to 4 (sequential blues).
const LEVEL: [&str; 5] = ["#F7FBFF", "#DEEBF7", "#9ECAE1", "#4292C6", "#08519C"];
/// Cell outlines.
const OUTLINE: &str = "#8C8C8C";
/// Space between cells, between groups and between rows.
const CELL_GAP: f64 = 4.0;
const GROUP_GAP: f64 = 12.0;
const ROW_GAP: f64 = 14.0;
/// Width of the domain labels on the left.
const ROW_LABEL_W: f64 = 105.0;
/// Text sizes: name, levels, status.
const NAME: f64 = 11.0;
const VALUE: f64 = 12.0;
const NOTE: f64 = 10.5;
/// Fonts of cell names, subdomain headers and domain labels.
const NAME_FONT: Font = Font {
    size: NAME,
    bold: true,
};
const HEADER_FONT: Font = Font {
    size: NOTE,
    bold: true,
};
const ROW_FONT: Font = Font {
    size: 12.5,
    bold: true,
};
/// The narrowest chart, so the heading and legend have room.
const MIN_WIDTH: f64 = 640.0;

/// Cells under one header (a subdomain's practices), or all of a row's cells.
struct Group<'a> {
    label: Option<&'a str>,
    items: Vec<&'a ChartItem>,
}

/// A row of the grid: a domain's groups.
struct Row<'a> {
    label: Option<&'a str>,
    groups: Vec<Group<'a>>,
}

/// Consecutive runs of items with the same key, in order.
fn runs<'a, K: PartialEq>(
    items: &[&'a ChartItem],
    key: impl Fn(&ChartItem) -> K,
) -> Vec<Vec<&'a ChartItem>> {
    let mut out: Vec<Vec<&ChartItem>> = Vec::new();
    for item in items {
        match out.last_mut() {
            Some(run) if run.first().is_some_and(|f| key(f) == key(item)) => run.push(item),
            _ => out.push(vec![item]),
        }
    }
    out
}

fn layout(data: &ChartData) -> Vec<Row<'_>> {
    let all: Vec<&ChartItem> = data.items.iter().collect();
    if data.granularity == Granularity::Domain {
        return vec![Row {
            label: None,
            groups: vec![Group {
                label: None,
                items: all,
            }],
        }];
    }
    runs(&all, |i| i.domain.clone())
        .into_iter()
        .map(|domain| Row {
            label: domain.first().map(|i| i.domain.as_str()),
            groups: if data.granularity == Granularity::Practice {
                runs(&domain, |i| i.subdomain.clone())
                    .into_iter()
                    .map(|items| Group {
                        label: items.first().and_then(|i| i.subdomain.as_deref()),
                        items,
                    })
                    .collect()
            } else {
                vec![Group {
                    label: None,
                    items: domain,
                }]
            },
        })
        .collect()
}

/// Dark or light text, whichever contrasts more with `fill`.
fn text_colour(fill: &str) -> &'static str {
    let l = style::luminance(fill);
    if 1.05 / (l + 0.05) > (l + 0.05) / 0.06 {
        "#FFFFFF"
    } else {
        INK
    }
}

/// A heat map of the items' gap (or target) comprehensiveness, with levels and status as text.
pub fn heatmap(data: &ChartData) -> String {
    let p = style::prefix("heatmap", data);
    let gap = data.has_current();
    let rows = layout(data);
    let cell_w = if data.granularity == Granularity::Domain {
        200.0
    } else {
        148.0
    };
    let inner = cell_w - 12.0;
    let names: Vec<Vec<String>> = data
        .items
        .iter()
        .map(|i| style::fit(&i.name, &i.id, inner, NAME_FONT, 4))
        .collect();
    let name_lines = names.iter().map(Vec::len).max().unwrap_or(1) as f64;
    let cell_h = 16.0 + name_lines * NAME * 1.2 + VALUE * 1.5 + NOTE * 1.3;
    let label_w = if rows.iter().any(|r| r.label.is_some()) {
        ROW_LABEL_W + 10.0
    } else {
        0.0
    };
    let group_w = |g: &Group| g.items.len() as f64 * (cell_w + CELL_GAP) - CELL_GAP;
    let row_w = |r: &Row| r.groups.iter().map(|g| group_w(g) + GROUP_GAP).sum::<f64>() - GROUP_GAP;
    let header_lines = rows
        .iter()
        .flat_map(|r| r.groups.iter())
        .filter_map(|g| {
            g.label
                .map(|l| style::fit(l, l, group_w(g), HEADER_FONT, 2).len())
        })
        .max()
        .unwrap_or(0) as f64;
    let header_h = if header_lines > 0.0 {
        header_lines * NOTE * 1.2 + 8.0
    } else {
        0.0
    };
    let grid_w = rows.iter().map(row_w).fold(0.0, f64::max);
    let width = (2.0 * MARGIN + label_w + grid_w).max(MIN_WIDTH);

    let what = if gap {
        "Colour: current minus target comprehensiveness; text: target \u{2192} current (comprehensiveness/scope) and status"
    } else {
        "Colour: target comprehensiveness; text: target level (comprehensiveness/scope)"
    };
    let (mut out, mut y) = style::heading(MARGIN, MARGIN, width - 2.0 * MARGIN, data, what);
    y += 12.0;
    let mut index = 0;
    for row in &rows {
        if let Some(label) = row.label {
            let lines = style::fit(label, label, ROW_LABEL_W, ROW_FONT, 3);
            let mid = y + header_h + cell_h / 2.0 - (lines.len() as f64 - 1.0) * 7.5 + 4.0;
            out.push_str(&style::lines(
                MARGIN,
                mid,
                12.5,
                "start",
                "font-weight=\"bold\"",
                &lines,
            ));
        }
        let mut x = MARGIN + label_w;
        for group in &row.groups {
            if let Some(label) = group.label {
                let gw = group_w(group);
                let lines = style::fit(label, label, gw, HEADER_FONT, 2);
                let ty = y + header_h - 8.0 - (lines.len() as f64 - 1.0) * NOTE * 1.2;
                out.push_str(&style::lines(
                    x + gw / 2.0,
                    ty,
                    NOTE,
                    "middle",
                    "font-weight=\"bold\" fill=\"#555555\"",
                    &lines,
                ));
                out.push_str(&format!(
                    "<path d=\"M{},{} v-4 h{} v4\" fill=\"none\" stroke=\"{MUTED}\" stroke-width=\"1\"/>\n",
                    num(x + 1.0),
                    num(y + header_h - 1.0),
                    num(gw - 2.0)
                ));
            }
            for item in &group.items {
                let name = names.get(index).cloned().unwrap_or_default();
                out.push_str(&cell(
                    &p,
                    data,
                    item,
                    &name,
                    [x, y + header_h, cell_w, cell_h],
                ));
                index += 1;
                x += cell_w + CELL_GAP;
            }
            x += GROUP_GAP - CELL_GAP;
        }
        y += header_h + cell_h + ROW_GAP;
    }

    let (scale, scale_h) = scale(data, gap, y);
    out.push_str(&scale);
    y += scale_h;
    let mut keys = Vec::new();
    if gap {
        keys.extend(style::status_keys());
        keys.push(Key::Note(
            "(status compares scope too; cells under target are outlined)".to_string(),
        ));
        keys.push(Key::Break);
        keys.extend(style::deciding_keys(data));
        keys.push(Key::Break);
    }
    let scopes: Vec<String> = smm_core::Scope::ALL
        .iter()
        .map(|s| format!("{} {}", s.letter(), style::scope_name(data, *s)))
        .collect();
    keys.push(Key::Note(format!("Scope: {}", scopes.join(", "))));
    let (legend, legend_h) = style::legend(MARGIN, y, width - 2.0 * MARGIN, &keys);
    out.push_str(&legend);
    let height = y + legend_h + MARGIN;

    let shows = if gap {
        "Heat map of current minus target comprehensiveness, with target and current levels and status as text,"
    } else {
        "Heat map of target comprehensiveness, with the target level as text,"
    };
    let desc = style::describe(data, shows, "grouped by domain");
    style::document(
        &p,
        (width, height),
        &format!("{} - heat map", data.title),
        &desc,
        &out,
    )
}

/// The colour scale as a strip of swatches with their values below; returns the SVG and height.
fn scale(data: &ChartData, gap: bool, y: f64) -> (String, f64) {
    let (title, fills, swatch_w): (&str, &[&str], f64) = if gap {
        (
            "Colour: current \u{2212} target comprehensiveness",
            &DELTA,
            40.0,
        )
    } else {
        ("Colour: target comprehensiveness", &LEVEL, 84.0)
    };
    let mut out = String::from("<g class=\"scale\">\n");
    out.push_str(&style::text(
        MARGIN,
        y + 12.0,
        11.5,
        "start",
        "font-weight=\"bold\"",
        title,
    ));
    for (i, fill) in fills.iter().enumerate() {
        let x = MARGIN + i as f64 * swatch_w;
        out.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"16\" fill=\"{fill}\" stroke=\"{OUTLINE}\" stroke-width=\"0.6\"/>\n",
            num(x),
            num(y + 20.0),
            num(swatch_w)
        ));
        let label = match (gap, i as i32 - 4) {
            (false, _) => style::level_name(data, i),
            (true, 0) => "0".to_string(),
            (true, d) if d < 0 => format!("\u{2212}{}", -d),
            (true, d) => format!("+{d}"),
        };
        out.push_str(&style::text(
            x + swatch_w / 2.0,
            y + 50.0,
            11.0,
            "middle",
            "",
            &label,
        ));
    }
    if gap {
        let right = MARGIN + 9.0 * swatch_w + 10.0;
        out.push_str(&style::text(
            right,
            y + 32.0,
            11.0,
            "start",
            "fill=\"#555555\"",
            "(below target: oranges; above: blues)",
        ));
    }
    out.push_str("</g>\n");
    (out, 60.0)
}

/// One cell: its colour, name, levels and status (or level name for a target).
fn cell(p: &str, data: &ChartData, item: &ChartItem, name: &[String], rect: [f64; 4]) -> String {
    let [x, y, w, h] = rect;
    let target_c = i32::from(item.target.comprehensiveness.value());
    let (fill, value, note) = match (item.current, item.status) {
        (Some(current), status) => {
            let delta = i32::from(current.comprehensiveness.value()) - target_c;
            let index = usize::try_from(delta.clamp(-4, 4) + 4).unwrap_or(4);
            let note = status
                .zip(item.status_words())
                .map_or("not compared".to_string(), |(s, words)| {
                    format!("{} {words}", style::status_mark(s).0)
                });
            (
                DELTA[index],
                format!("{} \u{2192} {current}", item.drawn_target_label()),
                note,
            )
        }
        (None, _) if data.has_current() => (
            DELTA[4],
            format!("{} \u{2192} ?", item.target_label),
            "not assessed".to_string(),
        ),
        (None, _) => {
            let index = usize::try_from(target_c.clamp(0, 4)).unwrap_or(0);
            let level = data.level_names.get(index).cloned().unwrap_or_default();
            let note = format!("{level}, {}", style::scope_name(data, item.target.scope));
            (LEVEL[index], item.target_label.clone(), note)
        }
    };
    let ink = text_colour(fill);
    let outline = if item.status == Some(Status::Under) {
        format!("stroke=\"{}\" stroke-width=\"2\"", style::UNDER)
    } else {
        format!("stroke=\"{OUTLINE}\" stroke-width=\"0.6\"")
    };
    let mut tooltip = format!("{} ({}): {value}", item.name, item.id);
    if let Some(d) = &item.deciding {
        tooltip.push_str(&format!(
            " (goal {}; the cell shows {})",
            item.target_label, d.name
        ));
    }
    if data.has_current() {
        tooltip.push_str(&format!(", {note}"));
    }
    let mut out = format!(
        "<g class=\"item\" id=\"{}-cell-{}\"><title>{}</title>\n\
         <rect class=\"cell\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\" fill=\"{fill}\" {outline}/>\n",
        escape(p),
        escape(&item.id),
        escape(&tooltip),
        num(x),
        num(y),
        num(w),
        num(h)
    );
    let block = name.len() as f64 * NAME * 1.2 + VALUE * 1.5 + NOTE * 1.3;
    let cx = x + w / 2.0;
    let first = y + (h - block) / 2.0 + NAME;
    let colour = format!("fill=\"{ink}\"");
    out.push_str(&style::lines(
        cx,
        first,
        NAME,
        "middle",
        &format!("font-weight=\"bold\" {colour}"),
        name,
    ));
    let vy = first + (name.len() as f64 - 1.0) * NAME * 1.2 + VALUE * 1.5;
    out.push_str(&style::text(cx, vy, VALUE, "middle", &colour, &value));
    out.push_str(&style::text(
        cx,
        vy + NOTE * 1.4,
        NOTE,
        "middle",
        &colour,
        &note,
    ));
    out.push_str("</g>\n");
    out
}
