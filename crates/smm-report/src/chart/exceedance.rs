//! Loss exceedance curves: for each profile (today, the target, a roadmap step), the share of
//! simulated years whose loss exceeds each amount, on one log-scaled loss axis so frequent small
//! losses and rare large ones show together. Each curve has its own colour, dash and marker, and
//! its 1-in-20-years loss (95th percentile) is marked and written out: never colour alone.

use smm_core::risk::{grid, RiskResult};

use super::style::{self, Key, Marker, GRID, INK, MARGIN, MUTED};
use crate::svg::{escape, num};

const WIDTH: f64 = 760.0;
const PLOT_X: f64 = MARGIN + 64.0;
const PLOT_W: f64 = WIDTH - PLOT_X - MARGIN - 10.0;
const PLOT_H: f64 = 300.0;
/// Loss levels on the chart's grid; the XLSX `Exceedance` sheet uses the same.
pub(crate) const POINTS: usize = 61;

/// Series styles: Okabe-Ito colours, dashes and markers, in the order the profiles are given.
const SERIES: [(&str, Option<&str>, Marker); 5] = [
    ("#D55E00", None, Marker::Circle),
    ("#0072B2", Some("7 4"), Marker::Square),
    ("#009E73", Some("2 3"), Marker::Diamond),
    ("#CC79A7", Some("10 3 2 3"), Marker::Square),
    ("#E69F00", Some("4 2"), Marker::Circle),
];

/// `1.2 M EUR`, `350 k EUR`: amounts short enough for an axis.
pub fn short_money(amount: f64, currency: &str) -> String {
    let (value, unit) = if amount >= 1e9 {
        (amount / 1e9, " bn")
    } else if amount >= 1e6 {
        (amount / 1e6, " M")
    } else if amount >= 1e3 {
        (amount / 1e3, " k")
    } else {
        (amount, "")
    };
    let digits = if value >= 100.0 || unit.is_empty() {
        0
    } else {
        1
    };
    format!("{value:.digits$}{unit} {currency}")
}

/// The chart of `results`, the first the reference ("today"), the others after it.
pub fn exceedance(results: &[&RiskResult]) -> String {
    let prefix = "exceedance";
    let Some(first) = results.first() else {
        return style::document(prefix, (WIDTH, 80.0), "Loss exceedance", "No profile.", "");
    };
    let currency = &first.currency;
    let levels = grid(results, POINTS);
    let top = levels.last().copied().unwrap_or(0.0).max(1.0);
    let bottom = levels
        .get(1)
        .copied()
        .unwrap_or(top / 1000.0)
        .max(top / 1000.0);
    let x_of = |loss: f64| {
        let l = loss.max(bottom);
        PLOT_X + PLOT_W * ((l / bottom).ln() / (top / bottom).ln()).clamp(0.0, 1.0)
    };
    let mut body = String::new();
    let mut y = MARGIN;
    let title = format!("Loss exceedance: {}", first.system);
    body.push_str(&style::text(
        MARGIN,
        y + 16.0,
        16.0,
        "start",
        "font-weight=\"bold\"",
        &title,
    ));
    y += 22.0;
    body.push_str(&style::text(
        MARGIN,
        y + 12.0,
        11.5,
        "start",
        &format!("fill=\"{MUTED}\""),
        &format!(
            "Share of years whose total loss exceeds each amount; {} simulated years, seed {}.",
            first.iterations, first.seed
        ),
    ));
    y += 22.0;
    let keys: Vec<Key> = results
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let (colour, dash, marker) = SERIES[i % SERIES.len()];
            Key::Line(
                colour.to_string(),
                dash.map(str::to_string),
                marker,
                format!(
                    "{}: mean {}, 1 in 20 years {}",
                    r.profile,
                    short_money(r.annual_loss.mean, currency),
                    short_money(r.annual_loss.p95, currency)
                ),
            )
        })
        .collect();
    let (legend, height) = style::legend(MARGIN, y, WIDTH - 2.0 * MARGIN, &keys);
    body.push_str(&legend);
    y += height + 10.0;
    let plot_top = y;
    let y_of = |p: f64| plot_top + PLOT_H * (1.0 - p.clamp(0.0, 1.0));
    // Grid: probabilities every 20 %, losses at each power of ten.
    for k in 0..=5 {
        let p = f64::from(k) * 0.2;
        let gy = y_of(p);
        body.push_str(&format!(
            "<line x1=\"{}\" y1=\"{g}\" x2=\"{}\" y2=\"{g}\" stroke=\"{GRID}\" stroke-width=\"1\"/>\n",
            num(PLOT_X),
            num(PLOT_X + PLOT_W),
            g = num(gy)
        ));
        body.push_str(&style::text(
            PLOT_X - 6.0,
            gy + 4.0,
            11.0,
            "end",
            "",
            &format!("{:.0} %", p * 100.0),
        ));
    }
    let mut decade = 10f64.powf(bottom.log10().ceil());
    while decade <= top * 1.0001 {
        let gx = x_of(decade);
        body.push_str(&format!(
            "<line x1=\"{g}\" y1=\"{}\" x2=\"{g}\" y2=\"{}\" stroke=\"{GRID}\" stroke-width=\"1\"/>\n",
            num(plot_top),
            num(plot_top + PLOT_H),
            g = num(gx)
        ));
        body.push_str(&style::text(
            gx,
            plot_top + PLOT_H + 16.0,
            11.0,
            "middle",
            "",
            &short_money(decade, currency),
        ));
        decade *= 10.0;
    }
    body.push_str(&format!(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"{INK}\" stroke-width=\"1\"/>\n",
        num(PLOT_X),
        num(plot_top),
        num(PLOT_W),
        num(PLOT_H)
    ));
    for (i, r) in results.iter().enumerate() {
        let (colour, dash, marker) = SERIES[i % SERIES.len()];
        let curve = r.exceedance_curve(&levels);
        let points: Vec<String> = curve
            .iter()
            .filter(|p| p.loss >= bottom)
            .map(|p| format!("{},{}", num(x_of(p.loss)), num(y_of(p.probability))))
            .collect();
        let dash = dash
            .map(|d| format!(" stroke-dasharray=\"{d}\""))
            .unwrap_or_default();
        body.push_str(&format!(
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.5\"{dash}><title>{}</title></polyline>\n",
            points.join(" "),
            escape(&r.profile)
        ));
        // The 1-in-20-years loss: where the curve crosses 5 %.
        let p95 = r.annual_loss.p95;
        if p95 > 0.0 {
            body.push_str(&style::marker(
                marker,
                x_of(p95),
                y_of(0.05),
                9.0,
                colour,
                INK,
            ));
        }
    }
    body.push_str(&style::text(
        PLOT_X + PLOT_W / 2.0,
        plot_top + PLOT_H + 36.0,
        11.5,
        "middle",
        "",
        &format!("Annual loss ({currency}, log scale); markers: the 1-in-20-years loss"),
    ));
    let desc = results
        .iter()
        .map(|r| {
            format!(
                "{}: mean annual loss {}, median {}, 1 in 20 years {}, 1 in 100 years {}, a loss in {:.0} % of years",
                r.profile,
                short_money(r.annual_loss.mean, currency),
                short_money(r.annual_loss.p50, currency),
                short_money(r.annual_loss.p95, currency),
                short_money(r.annual_loss.p99, currency),
                r.probability_of_loss * 100.0
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    style::document(
        prefix,
        (WIDTH, plot_top + PLOT_H + 50.0 + MARGIN),
        &title,
        &format!("{desc}."),
        &body,
    )
}
