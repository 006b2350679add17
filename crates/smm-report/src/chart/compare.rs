//! Two profiles overlaid practice by practice: for each practice A's bar above B's, bar length
//! comprehensiveness and hatching scope (as in the bar chart), then B against A on each measure
//! and overall, as a symbol and a word. The verdict sentence heads the chart, so the picture
//! carries the same answer as `smm compare` prints.

use smm_core::compare::{Comparison, PracticeComparison, Relation};
use smm_core::{Catalog, Comprehensiveness, Level, Scope};

use super::style::{self, Font, Key, CURRENT, MARGIN, MUTED, TARGET};
use crate::model::{ChartData, ChartItem, Granularity};
use crate::svg::{escape, num};

/// Width of the practice labels.
const LABEL_W: f64 = 240.0;
/// Left edge of the bars (comprehensiveness 0).
const PLOT_X: f64 = MARGIN + LABEL_W + 16.0;
/// Pixels per comprehensiveness level.
const UNIT: f64 = 90.0;
/// Room after a full-length bar for its value label.
const VALUE_W: f64 = 56.0;
/// Left edges of the comprehensiveness, scope and status columns.
const COMPREHENSIVENESS_X: f64 = PLOT_X + 4.0 * UNIT + VALUE_W;
const RELATION_W: f64 = 104.0;
const SCOPE_X: f64 = COMPREHENSIVENESS_X + RELATION_W;
const STATUS_X: f64 = SCOPE_X + RELATION_W;
const STATUS_W: f64 = 84.0;
/// A practice's row and each of its two bars.
const ROW_H: f64 = 40.0;
const BAR_H: f64 = 14.0;
/// Label text.
const LABEL_SIZE: f64 = 12.0;
const LABEL_FONT: Font = Font {
    size: LABEL_SIZE,
    bold: false,
};
const VERDICT_FONT: Font = Font {
    size: 12.5,
    bold: true,
};

/// The chart data of a comparison: A in the target's place, B in the current's, so the shared
/// helpers (heading, ids) work unchanged.
fn chart_data(catalog: &Catalog, c: &Comparison) -> ChartData {
    let domain_name = |id: &str| {
        c.domains
            .iter()
            .find(|d| d.id.as_str() == id)
            .map_or_else(|| id.to_string(), |d| d.name.clone())
    };
    ChartData {
        title: format!("{} against {}", c.b.label(), c.a.label()),
        subtitle: format!(
            "A: {} ({}); B: {} ({})",
            c.a.label(),
            kind_name(c.a.kind),
            c.b.label(),
            kind_name(c.b.kind)
        ),
        granularity: Granularity::Practice,
        items: c
            .practices
            .iter()
            .map(|p| ChartItem {
                id: p.id.to_string(),
                name: p.name.clone(),
                domain: domain_name(p.domain.as_str()),
                subdomain: catalog
                    .subdomain(p.subdomain.as_str())
                    .map(|s| s.subdomain.name.clone()),
                target: p.a,
                target_label: p.a.to_string(),
                current: Some(p.b),
                status: Some(p.status),
                deciding: None,
                counts: None,
            })
            .collect(),
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
    }
}

fn kind_name(kind: smm_core::compare::ProfileKind) -> &'static str {
    match kind {
        smm_core::compare::ProfileKind::TargetProfile => "target profile",
        smm_core::compare::ProfileKind::Assessment => "assessment",
    }
}

/// The symbol, colour and word of B's relation to A on one measure: ▲ above, = equal, ▼ below.
fn relation_mark(relation: Relation) -> (&'static str, &'static str) {
    match relation {
        Relation::Below => ("\u{25BC}", style::UNDER),
        Relation::Equal => ("=", style::MET),
        Relation::Above => ("\u{25B2}", style::OVER),
    }
}

fn relation_text(relation: Relation) -> String {
    let (symbol, colour) = relation_mark(relation);
    format!(
        "<tspan fill=\"{colour}\" font-weight=\"bold\">{symbol}</tspan> {}",
        relation.as_str()
    )
}

/// A chart of profile B against profile A, practice by practice, grouped by domain.
pub fn compare(catalog: &Catalog, comparison: &Comparison) -> String {
    let data = chart_data(catalog, comparison);
    let p = style::prefix("compare", &data);
    let width = STATUS_X + STATUS_W + MARGIN;
    let what = "Comprehensiveness as bar length (A upper, B lower), scope as hatching; then B against A on each measure and overall";
    let (heading, mut y) = style::heading(MARGIN, MARGIN, width - 2.0 * MARGIN, &data, what);
    let mut body = String::new();

    let text = &comparison.verdict.text;
    let verdict = style::wrap(text, width - 2.0 * MARGIN, VERDICT_FONT, 40)
        .unwrap_or_else(|| style::fit(text, text, width - 2.0 * MARGIN, VERDICT_FONT, 1));
    body.push_str(&style::lines(
        MARGIN,
        y + 16.0,
        VERDICT_FONT.size,
        "start",
        "font-weight=\"bold\" class=\"verdict\"",
        &verdict,
    ));
    y += 16.0 + verdict.len() as f64 * VERDICT_FONT.size * 1.2 + 6.0;

    let axis_top = y;
    y += 24.0;
    let plot_top = y;
    for domain in &comparison.domains {
        let members: Vec<&PracticeComparison> = comparison
            .practices
            .iter()
            .filter(|x| x.domain == domain.id)
            .collect();
        if members.is_empty() {
            continue;
        }
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
            &domain.name,
        ));
        body.push_str(&style::text(
            STATUS_X,
            y + 18.0,
            11.0,
            "start",
            "fill=\"#555555\"",
            &format!("{} of {} covered", domain.covered, domain.total),
        ));
        y += 26.0;
        for practice in members {
            body.push_str(&row(&p, practice, y));
            y += ROW_H;
        }
    }
    let plot_bottom = y + 4.0;

    let mut grid = String::new();
    for value in 0..=4 {
        let x = PLOT_X + f64::from(value) * UNIT;
        let colour = if value == 0 { MUTED } else { style::GRID };
        grid.push_str(&format!(
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{colour}\" stroke-width=\"1\"/>\n",
            num(plot_top - 4.0),
            num(plot_bottom),
            x = num(x)
        ));
        let name = style::level_name(&data, value as usize);
        for ty in [axis_top + 14.0, plot_bottom + 15.0] {
            grid.push_str(&style::text(
                x,
                ty,
                10.5,
                "middle",
                "fill=\"#555555\"",
                &name,
            ));
        }
    }
    grid.push_str(&style::text(
        PLOT_X + 2.0 * UNIT,
        plot_bottom + 32.0,
        11.5,
        "middle",
        "font-weight=\"bold\"",
        "Comprehensiveness",
    ));
    for (x, label) in [
        (COMPREHENSIVENESS_X, "Compr. B vs A"),
        (SCOPE_X, "Scope B vs A"),
        (STATUS_X, "B against A"),
    ] {
        grid.push_str(&style::text(
            x,
            axis_top + 14.0,
            11.0,
            "start",
            "font-weight=\"bold\"",
            label,
        ));
    }
    y = plot_bottom + 46.0;

    let (legend, legend_h) = style::legend(MARGIN, y, width - 2.0 * MARGIN, &keys(&p, &data));
    let height = y + legend_h + MARGIN;

    let mut out = style::patterns(&p, &[("a", TARGET), ("b", CURRENT), ("key", style::KEY)]);
    out.push_str(&heading);
    out.push_str(&grid);
    out.push_str(&body);
    out.push_str(&legend);
    let v = &comparison.verdict;
    let desc = format!(
        "Comparison of {} practices of A, {} ({}), with B, {} ({}): comprehensiveness as bars, \
         hatching shows scope, grouped by domain. {}.",
        v.total,
        comparison.a.label(),
        kind_name(comparison.a.kind),
        comparison.b.label(),
        kind_name(comparison.b.kind),
        v.text
    );
    style::document(
        &p,
        (width, height),
        &format!("{} - comparison chart", data.title),
        &desc,
        &out,
    )
}

/// One practice: its label, A's and B's bars, the two relations and the status.
fn row(p: &str, c: &PracticeComparison, y: f64) -> String {
    let tooltip = format!(
        "{} ({}): A {}, B {}; comprehensiveness {}, scope {}; {}",
        c.name,
        c.id,
        c.a,
        c.b,
        c.comprehensiveness.as_str(),
        c.scope.as_str(),
        if c.covered { "covered" } else { "not covered" }
    );
    let mut out = format!(
        "<g class=\"item\" id=\"{}-item-{}\">\n<title>{}</title>\n",
        escape(p),
        escape(c.id.as_str()),
        escape(&tooltip)
    );
    let label = style::fit(&c.name, c.id.as_str(), LABEL_W, LABEL_FONT, 2);
    let line_h = LABEL_SIZE * 1.2;
    let first = y + ROW_H / 2.0 - (label.len() as f64 - 1.0) * line_h / 2.0 + LABEL_SIZE * 0.36;
    out.push_str(&style::lines(
        MARGIN + 8.0,
        first,
        LABEL_SIZE,
        "start",
        "",
        &label,
    ));
    let top = y + (ROW_H - 2.0 * BAR_H - 3.0) / 2.0;
    out.push_str(&one_bar(p, "a", c.a, top));
    out.push_str(&one_bar(p, "b", c.b, top + BAR_H + 3.0));
    let mid = num(y + ROW_H / 2.0 + 4.5);
    for (x, content) in [
        (COMPREHENSIVENESS_X, relation_text(c.comprehensiveness)),
        (SCOPE_X, relation_text(c.scope)),
        (STATUS_X, style::status_text(c.status)),
    ] {
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{mid}\" font-size=\"12\">{content}</text>\n",
            num(x)
        ));
    }
    out.push_str("</g>\n");
    out
}

/// A bar of `level` for series `a` or `b`, with its value after it.
fn one_bar(p: &str, series: &str, level: Level, y: f64) -> String {
    let colour = if series == "a" { TARGET } else { CURRENT };
    let geometry = style::BarGeometry {
        x0: PLOT_X,
        unit: UNIT,
        height: BAR_H,
        label_size: 11.0,
    };
    let label = format!("{} {}", series.to_uppercase(), level);
    style::level_bar(p, series, colour, level, &label, y, geometry)
}

/// The legend: which bar is which profile, the scope hatching, the relations and the status.
fn keys(p: &str, data: &ChartData) -> Vec<Key> {
    let mut keys = vec![
        Key::Heading("Bars:".to_string()),
        Key::Swatch(
            style::tint(TARGET, 0.35),
            TARGET.to_string(),
            "A (upper bar)".to_string(),
        ),
        Key::Swatch(
            style::tint(CURRENT, 0.35),
            CURRENT.to_string(),
            "B (lower bar)".to_string(),
        ),
        Key::Note("length = comprehensiveness; label = comprehensiveness/scope".to_string()),
        Key::Break,
        Key::Heading("Scope (hatching):".to_string()),
    ];
    for scope in Scope::ALL {
        keys.push(Key::Swatch(
            format!("url(#{})", style::pattern_id(p, "key", scope)),
            style::KEY.to_string(),
            format!("{} ({})", style::scope_name(data, scope), scope.letter()),
        ));
    }
    keys.push(Key::Break);
    keys.push(Key::Heading("Each measure, B vs A:".to_string()));
    for relation in [Relation::Above, Relation::Equal, Relation::Below] {
        let (symbol, colour) = relation_mark(relation);
        keys.push(Key::Symbol(
            symbol.to_string(),
            colour.to_string(),
            relation.as_str().to_string(),
        ));
    }
    keys.push(Key::Break);
    keys.push(Key::Heading("B against A:".to_string()));
    for (status, label) in [
        (smm_core::gap::Status::Under, "under (A not covered)"),
        (smm_core::gap::Status::Met, "met"),
        (smm_core::gap::Status::Over, "over"),
    ] {
        let (symbol, colour) = style::status_mark(status);
        keys.push(Key::Symbol(
            symbol.to_string(),
            colour.to_string(),
            label.to_string(),
        ));
    }
    keys.push(Key::Note(
        "(met or over: B covers the practice)".to_string(),
    ));
    keys
}
