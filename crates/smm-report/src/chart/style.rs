//! The look shared by every chart: font, colours, scope hatching, legends, headings and the SVG
//! frame with its `<title>` and `<desc>`.
//!
//! Colours come from the Okabe-Ito palette, which stays distinguishable with the common colour
//! vision deficiencies; nothing relies on colour alone (scope is a hatching pattern that gets
//! denser from General to System, status is a symbol and a word).

use smm_core::gap::Status;
use smm_core::{Level, Scope};

use crate::model::{ChartData, Granularity};
use crate::svg::{escape, num};

/// The font stack: DejaVu Sans (bundled by the PNG renderer) first, then common fallbacks.
pub const FONT: &str = "DejaVu Sans, Verdana, Arial, sans-serif";
/// The target series (Okabe-Ito blue).
pub const TARGET: &str = "#0072B2";
/// The current series (Okabe-Ito orange).
pub const CURRENT: &str = "#E69F00";
/// Status under (Okabe-Ito vermillion).
pub const UNDER: &str = "#D55E00";
/// Status met (Okabe-Ito bluish green).
pub const MET: &str = "#009E73";
/// Status over (Okabe-Ito sky blue).
pub const OVER: &str = "#56B4E9";
/// Text.
pub const INK: &str = "#1A1A1A";
/// Secondary text.
pub const MUTED: &str = "#555555";
/// Gridlines and rings.
pub const GRID: &str = "#C8C8C8";
/// The neutral colour of the scope patterns shown in legends.
pub const KEY: &str = "#4D4D4D";
/// Outer margin of every chart.
pub const MARGIN: f64 = 16.0;

/// A prefix for every id in one chart, so several charts can sit inline in one HTML page: the
/// chart kind, the granularity and a short digest of the data (stable for the same data).
pub fn prefix(kind: &str, data: &ChartData) -> String {
    let mut hash: u32 = 0x811c_9dc5;
    let mut feed = |text: &str| {
        for b in text.bytes().chain([0u8]) {
            hash ^= u32::from(b);
            hash = hash.wrapping_mul(0x0100_0193);
        }
    };
    feed(&data.title);
    feed(&data.subtitle);
    for item in &data.items {
        feed(&item.id);
        feed(&item.target_label);
        feed(&item.current.map(|c| c.to_string()).unwrap_or_default());
    }
    let short = hash & 0x00ff_ffff;
    format!("{kind}-{}-{short:06x}", unit(data.granularity, 1))
}

/// `practice`/`practices`, `subdomain`/`subdomains` or `domain`/`domains`.
pub fn unit(granularity: Granularity, count: usize) -> String {
    let word = match granularity {
        Granularity::Practice => "practice",
        Granularity::Subdomain => "subdomain",
        Granularity::Domain => "domain",
    };
    format!("{word}{}", if count == 1 { "" } else { "s" })
}

/// `2 Ad hoc`: a comprehensiveness value with its catalog name.
pub fn level_name(data: &ChartData, value: usize) -> String {
    match data.level_names.get(value) {
        Some(name) => format!("{value} {name}"),
        None => value.to_string(),
    }
}

/// The catalog's display name of a scope.
pub fn scope_name(data: &ChartData, scope: Scope) -> String {
    data.scope_names
        .get(usize::from(scope.rank()))
        .cloned()
        .unwrap_or_else(|| scope.token().to_string())
}

/// The channels of `#RRGGBB`, 0 to 255 (mid grey for anything else).
fn rgb(hex: &str) -> [f64; 3] {
    [1, 3, 5].map(|i| {
        let channel = hex
            .get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        channel.map_or(128.0, f64::from)
    })
}

/// A colour mixed with white; `keep` is how much of the colour stays (0 white, 1 unchanged).
pub fn tint(hex: &str, keep: f64) -> String {
    let [r, g, b] = rgb(hex).map(|c| (255.0 - (255.0 - c) * keep).round().clamp(0.0, 255.0) as u8);
    format!("#{r:02X}{g:02X}{b:02X}")
}

/// Relative luminance of `#RRGGBB` (0 black, 1 white), to choose dark or light text on it.
pub fn luminance(hex: &str) -> f64 {
    let [r, g, b] = rgb(hex).map(|c| {
        let c = c / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    });
    0.2126 * r + 0.7152 * g + 0.0722 * b
}

/// The id of the hatching pattern of `scope` drawn in a series' colour.
pub fn pattern_id(prefix: &str, series: &str, scope: Scope) -> String {
    format!("{prefix}-{series}-scope-{}", scope.token())
}

/// `<defs>` with three hatching patterns per series (name, colour), each over a light tint of the
/// colour: General sparse single diagonals, Industry a cross-hatch, System a dense cross-hatch.
/// Denser means more specific, so the order reads in grayscale too.
pub fn patterns(prefix: &str, series: &[(&str, &str)]) -> String {
    let mut out = String::from("<defs>\n");
    for (name, colour) in series {
        let back = tint(colour, 0.18);
        for scope in Scope::ALL {
            let (size, width, cross) = match scope {
                Scope::General => (9.0, 1.6, false),
                Scope::Industry => (8.0, 1.4, true),
                Scope::System => (4.5, 1.3, true),
            };
            let half = num(size / 2.0);
            let s = num(size);
            out.push_str(&format!(
                "<pattern id=\"{}\" width=\"{s}\" height=\"{s}\" patternUnits=\"userSpaceOnUse\" \
                 patternTransform=\"rotate(45)\"><rect width=\"{s}\" height=\"{s}\" fill=\"{back}\"/>\
                 <line x1=\"{half}\" y1=\"0\" x2=\"{half}\" y2=\"{s}\" stroke=\"{colour}\" stroke-width=\"{}\"/>",
                escape(&pattern_id(prefix, name, scope)),
                num(width)
            ));
            if cross {
                out.push_str(&format!(
                    "<line x1=\"0\" y1=\"{half}\" x2=\"{s}\" y2=\"{half}\" stroke=\"{colour}\" stroke-width=\"{}\"/>",
                    num(width)
                ));
            }
            out.push_str("</pattern>\n");
        }
    }
    out.push_str("</defs>\n");
    out
}

/// The whole SVG document: the frame (size, viewBox, role, labels), a white background, `body`.
pub fn document(prefix: &str, size: (f64, f64), title: &str, desc: &str, body: &str) -> String {
    let (w, h) = (num(size.0.ceil()), num(size.1.ceil()));
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" \
         role=\"img\" aria-labelledby=\"{p}-title {p}-desc\" font-family=\"{FONT}\" fill=\"{INK}\">\n\
         <title id=\"{p}-title\">{}</title>\n<desc id=\"{p}-desc\">{}</desc>\n\
         <rect width=\"{w}\" height=\"{h}\" fill=\"#FFFFFF\"/>\n{body}</svg>\n",
        escape(title),
        escape(desc),
        p = escape(prefix),
    )
}

/// The accessible summary: what the chart shows, of how many items, and the status counts.
pub fn describe(data: &ChartData, shows: &str, note: &str) -> String {
    let n = data.items.len();
    let mut text = format!("{shows} of {n} {}; {note}.", unit(data.granularity, n));
    if data.has_current() {
        let count = |s: Status| data.items.iter().filter(|i| i.status == Some(s)).count();
        let [u, m, o] = [Status::Under, Status::Met, Status::Over].map(count);
        text.push_str(&format!(" {u} under target, {m} met, {o} over."));
    }
    text
}

/// A text size and weight, for estimating widths.
#[derive(Clone, Copy, Debug)]
pub struct Font {
    /// Size in px.
    pub size: f64,
    /// Bold or regular.
    pub bold: bool,
}

impl Font {
    /// Estimated advance width of `text` in DejaVu Sans (within a few percent, rarely under).
    pub fn width(self, text: &str) -> f64 {
        let em: f64 = text
            .chars()
            .map(|c| match c {
                'i' | 'j' | 'l' | '\'' | '|' | '.' | ',' | ':' | ';' | '!' => 0.3,
                ' ' => 0.32,
                'f' | 't' | 'r' | 'I' | 'J' | '(' | ')' | '-' | '/' | '[' | ']' => 0.42,
                'm' | 'w' | 'M' | 'W' => 0.92,
                'A'..='Z' => 0.72,
                '+' | '=' | '<' | '>' | '~' => 0.84,
                '\u{2190}'..='\u{2BFF}' => 0.86,
                _ => 0.63,
            })
            .sum();
        em * self.size * if self.bold { 1.12 } else { 1.0 }
    }
}

/// Packs `parts` (joined by `sep`) into at most `max_lines` lines no wider than `width`.
fn pack<'a>(
    parts: impl Iterator<Item = &'a str>,
    sep: &str,
    width: f64,
    font: Font,
    max_lines: usize,
) -> Option<Vec<String>> {
    let mut lines: Vec<String> = Vec::new();
    for part in parts {
        if font.width(part) > width {
            return None;
        }
        match lines.last_mut() {
            Some(last) if font.width(&format!("{last}{sep}{part}")) <= width => {
                last.push_str(sep);
                last.push_str(part);
            }
            _ => lines.push(part.to_string()),
        }
    }
    (lines.len() <= max_lines).then_some(lines)
}

/// Breaks `text` at spaces into at most `max_lines` lines no wider than `width`; `None` when it
/// does not fit.
pub fn wrap(text: &str, width: f64, font: Font, max_lines: usize) -> Option<Vec<String>> {
    pack(text.split_whitespace(), " ", width, font, max_lines)
}

/// An item's label: its name wrapped, else its id (broken after hyphens if need be), else the id
/// cut short with an ellipsis. The full name is always in the item's `<title>` tooltip too.
pub fn fit(name: &str, id: &str, width: f64, font: Font, max_lines: usize) -> Vec<String> {
    if let Some(lines) = wrap(name, width, font, max_lines)
        .or_else(|| pack(id.split_inclusive('-'), "", width, font, max_lines))
    {
        return lines;
    }
    let mut short = String::new();
    for c in id.chars() {
        if font.width(&format!("{short}{c}\u{2026}")) > width {
            break;
        }
        short.push(c);
    }
    vec![format!("{short}\u{2026}")]
}

/// A `<text>` of several lines (`<tspan>`s), the first baseline at `y`; `attrs` are extra
/// attributes such as `font-weight="bold"`.
pub fn lines(x: f64, y: f64, size: f64, anchor: &str, attrs: &str, lines: &[String]) -> String {
    let mut out = format!(
        "<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"{anchor}\"{}{attrs}>",
        num(x),
        num(y),
        num(size),
        if attrs.is_empty() { "" } else { " " }
    );
    for (i, line) in lines.iter().enumerate() {
        let dy = if i == 0 { 0.0 } else { size * 1.2 };
        let (tx, dy) = (num(x), num(dy));
        out.push_str(&format!(
            "<tspan x=\"{tx}\" dy=\"{dy}\">{}</tspan>",
            escape(line)
        ));
    }
    out.push_str("</text>\n");
    out
}

/// A one-line `<text>`.
pub fn text(x: f64, y: f64, size: f64, anchor: &str, attrs: &str, content: &str) -> String {
    lines(x, y, size, anchor, attrs, &[content.to_string()])
}

/// The chart's heading: title, subtitle and a line saying what is drawn, wrapped to `width`.
/// Returns the SVG and the y below it.
pub fn heading(x: f64, y: f64, width: f64, data: &ChartData, what: &str) -> (String, f64) {
    let mut out = String::new();
    let mut y = y;
    for (content, size, attrs) in [
        (data.title.as_str(), 17.0, "font-weight=\"bold\""),
        (data.subtitle.as_str(), 12.5, ""),
        (what, 11.5, "fill=\"#555555\""),
    ] {
        if content.trim().is_empty() {
            continue;
        }
        let font = Font {
            size,
            bold: attrs.contains("bold"),
        };
        let wrapped =
            wrap(content, width, font, 3).unwrap_or_else(|| fit(content, content, width, font, 1));
        y += size;
        out.push_str(&lines(x, y, size, "start", attrs, &wrapped));
        y += size * 1.2 * (wrapped.len() as f64 - 1.0) + size * 0.45;
    }
    (out, y)
}

/// The shapes that mark a series' points.
#[derive(Clone, Copy, Debug)]
pub enum Marker {
    /// A circle.
    Circle,
    /// A square.
    Square,
    /// A square standing on a corner, for a third series.
    Diamond,
}

/// A marker of `size` px centred on (x, y).
pub fn marker(shape: Marker, x: f64, y: f64, size: f64, fill: &str, stroke: &str) -> String {
    let paint = format!("fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.2\"");
    if matches!(shape, Marker::Diamond) {
        // A square turned by 45 degrees about its centre, a little smaller so its corners do
        // not reach further than the other markers.
        let side = size * 0.85;
        return format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{s}\" height=\"{s}\" transform=\"rotate(45 {} {})\" {paint}/>",
            num(x - side / 2.0),
            num(y - side / 2.0),
            num(x),
            num(y),
            s = num(side)
        );
    }
    let (x, y) = (num(x - size / 2.0), num(y - size / 2.0));
    let (s, rx) = (
        num(size),
        if matches!(shape, Marker::Circle) {
            size / 2.0
        } else {
            0.0
        },
    );
    format!(
        "<rect x=\"{x}\" y=\"{y}\" width=\"{s}\" height=\"{s}\" rx=\"{}\" {paint}/>",
        num(rx)
    )
}

/// The symbol and colour of a status, readable without colour: ▼ under, ● met, ▲ over.
pub fn status_mark(status: Status) -> (&'static str, &'static str) {
    match status {
        Status::Under => ("\u{25BC}", UNDER),
        Status::Met => ("\u{25CF}", MET),
        Status::Over => ("\u{25B2}", OVER),
    }
}

/// A status as SVG text content: the symbol in its colour, then the word.
pub fn status_text(status: Status) -> String {
    let (symbol, colour) = status_mark(status);
    format!(
        "<tspan fill=\"{colour}\">{symbol}</tspan> {}",
        status.as_str()
    )
}

/// For subdomain and domain charts with an assessment, the legend lines that say what a group's
/// bars, spoke or cell show: its deciding practice, so that the drawing reads as the status does.
pub fn deciding_keys(data: &ChartData) -> Vec<Key> {
    if data.granularity == Granularity::Practice || !data.has_current() {
        return Vec::new();
    }
    let unit = unit(data.granularity, 1);
    [
        format!("Each {unit} shows its deciding practice: the one furthest below its target,"),
        "else the one furthest above, else the one with the lowest target, so the drawing"
            .to_string(),
        format!("reads as the status does; the status counts the {unit}'s practices sharing it."),
    ]
    .into_iter()
    .flat_map(|line| [Key::Break, Key::Note(line)])
    .collect()
}

/// One entry of a legend.
#[derive(Clone, Debug)]
pub enum Key {
    /// A bold label that introduces the entries after it.
    Heading(String),
    /// A rectangle: fill (a colour or `url(#pattern)`), outline colour, label.
    Swatch(String, String, String),
    /// A line sample: colour, `stroke-dasharray` if dashed, the series' marker, label.
    Line(String, Option<String>, Marker, String),
    /// A text symbol: the symbol, its colour, label.
    Symbol(String, String, String),
    /// Plain explanatory text.
    Note(String),
    /// Starts a new legend row.
    Break,
}

/// The status entries of a legend.
pub fn status_keys() -> Vec<Key> {
    let mut keys = vec![Key::Heading("Status:".to_string())];
    for s in [Status::Under, Status::Met, Status::Over] {
        let label = if s == Status::Under {
            "under target"
        } else {
            s.as_str()
        };
        let (symbol, colour) = status_mark(s);
        keys.push(Key::Symbol(
            symbol.to_string(),
            colour.to_string(),
            label.to_string(),
        ));
    }
    keys
}

/// Lays out a legend from (x, y) in rows no wider than `max_width`; returns the SVG and its height.
pub fn legend(x: f64, y: f64, max_width: f64, keys: &[Key]) -> (String, f64) {
    const SIZE: f64 = 11.5;
    const ROW: f64 = 22.0;
    let mut out = String::from("<g class=\"legend\">\n");
    let (mut cx, mut cy) = (x, y);
    let mut used = false;
    for key in keys {
        let (sample, label, bold) = match key {
            Key::Heading(label) => (0.0, label.as_str(), true),
            Key::Swatch(.., label) | Key::Line(.., label) => (30.0, label.as_str(), false),
            Key::Symbol(.., label) => (18.0, label.as_str(), false),
            Key::Note(label) => (0.0, label.as_str(), false),
            Key::Break => {
                if used {
                    cx = x;
                    cy += ROW;
                    used = false;
                }
                continue;
            }
        };
        let width = sample + Font { size: SIZE, bold }.width(label);
        if used && cx + width > x + max_width {
            cx = x;
            cy += ROW;
        }
        let mid = cy + ROW / 2.0;
        match key {
            Key::Swatch(fill, stroke, _) => out.push_str(&format!(
                "<rect x=\"{}\" y=\"{}\" width=\"24\" height=\"14\" fill=\"{}\" stroke=\"{}\" stroke-width=\"1.2\"/>",
                num(cx),
                num(mid - 7.0),
                escape(fill),
                escape(stroke)
            )),
            Key::Line(stroke, dash, shape, _) => {
                let dash = dash.as_ref().map(|d| format!(" stroke-dasharray=\"{}\"", escape(d))).unwrap_or_default();
                out.push_str(&format!(
                    "<line x1=\"{}\" y1=\"{m}\" x2=\"{}\" y2=\"{m}\" stroke=\"{}\" stroke-width=\"2.5\"{dash}/>",
                    num(cx),
                    num(cx + 24.0),
                    escape(stroke),
                    m = num(mid)
                ));
                out.push_str(&marker(*shape, cx + 12.0, mid, 8.0, stroke, INK));
            }
            Key::Symbol(symbol, colour, _) => {
                out.push_str(&text(cx + 6.0, mid + 4.5, 13.0, "middle", &format!("fill=\"{}\"", escape(colour)), symbol));
            }
            _ => {}
        }
        let attrs = if bold { "font-weight=\"bold\"" } else { "" };
        out.push_str(&text(cx + sample, mid + 4.0, SIZE, "start", attrs, label));
        cx += width + if sample == 0.0 && bold { 8.0 } else { 18.0 };
        used = true;
    }
    out.push_str("</g>\n");
    (out, cy + ROW - y)
}

/// Where and how a chart draws its level bars.
#[derive(Clone, Copy, Debug)]
pub struct BarGeometry {
    /// The x of comprehensiveness 0.
    pub x0: f64,
    /// Width of one comprehensiveness level.
    pub unit: f64,
    /// Bar height.
    pub height: f64,
    /// Font size of the value label.
    pub label_size: f64,
}

/// One bar of `level`: hatched by scope (pattern of `series`), outlined in `colour`, with `label`
/// after it. Comprehensiveness 0 is drawn as a tick, so "none" is still visibly there.
pub fn level_bar(
    prefix: &str,
    series: &str,
    colour: &str,
    level: Level,
    label: &str,
    y: f64,
    g: BarGeometry,
) -> String {
    let length = f64::from(level.comprehensiveness.value()) * g.unit;
    let mut out = if length > 0.0 {
        format!(
            "<rect class=\"bar {series}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"url(#{})\" stroke=\"{colour}\" stroke-width=\"1.5\"/>\n",
            num(g.x0),
            num(y),
            num(length),
            num(g.height),
            escape(&pattern_id(prefix, series, level.scope))
        )
    } else {
        format!(
            "<line class=\"bar {series}\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{colour}\" stroke-width=\"4\"/>\n",
            num(y),
            num(y + g.height),
            x = num(g.x0 + 2.0)
        )
    };
    out.push_str(&text(
        g.x0 + length.max(4.0) + 6.0,
        y + g.height / 2.0 + 4.0,
        g.label_size,
        "start",
        &format!("fill=\"{INK}\""),
        label,
    ));
    out
}
