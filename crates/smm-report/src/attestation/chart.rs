//! The profile's summary as the signed statement gives it: per domain, how many of its practices
//! were under, at and above the target (in the least mature assessment), as one stacked bar each.
//! Nothing finer is drawn, because the statement says nothing finer.

use smm_cert::certificate::DomainResult;

use crate::chart::style::{self, Font, GRID, MARGIN, MET, MUTED, OVER, UNDER};
use crate::svg::{escape, num};

const LABEL_W: f64 = 190.0;
const BAR_X: f64 = MARGIN + LABEL_W + 10.0;
const BAR_W: f64 = 220.0;
const COUNT_W: f64 = 150.0;
const ROW: f64 = 30.0;
const BAR_H: f64 = 14.0;
const SIZE: f64 = 11.0;
const LABEL_FONT: Font = Font {
    size: SIZE,
    bold: false,
};

/// A domain's practices split by how they stand against the target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Split {
    /// Under target.
    pub under: usize,
    /// At target exactly.
    pub at: usize,
    /// Above target in some measure.
    pub over: usize,
}

/// How a domain's practices stand, from the statement's counts. The counts come from the least
/// mature assessment; a statement whose counts exceed the number of practices is shown as it
/// is, never corrected, with nothing at target.
pub fn split(d: &DomainResult) -> Split {
    Split {
        under: d.under,
        at: d.practices.saturating_sub(d.under + d.over),
        over: d.over,
    }
}

/// The summary chart of the statement's per-domain result.
pub fn summary(results: &[DomainResult]) -> String {
    let width = BAR_X + BAR_W + 10.0 + COUNT_W + MARGIN;
    let legend_y = MARGIN + 10.0;
    let mut body = String::new();
    let mut x = BAR_X;
    for (label, colour) in [
        ("under target", UNDER),
        ("at target", MET),
        ("above target", OVER),
    ] {
        body.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{colour}\"/>\n",
            num(x),
            num(legend_y - 9.0)
        ));
        body.push_str(&style::text(x + 14.0, legend_y, 10.0, "start", "", label));
        x += 14.0
            + Font {
                size: 10.0,
                bold: false,
            }
            .width(label)
            + 14.0;
    }
    let mut y = legend_y + 12.0;
    let mut described = Vec::new();
    for d in results {
        let s = split(d);
        let total = (s.under + s.at + s.over).max(1) as f64;
        let label = style::fit(
            &format!("{} ({})", d.name, d.target),
            &d.domain,
            LABEL_W,
            LABEL_FONT,
            2,
        );
        let baseline = y + ROW / 2.0 + 4.0 - if label.len() > 1 { SIZE * 0.6 } else { 0.0 };
        body.push_str(&format!("<g><title>{}</title>\n", escape(&d.name)));
        body.push_str(&style::lines(
            MARGIN + LABEL_W,
            baseline,
            SIZE,
            "end",
            "",
            &label,
        ));
        let bar_y = y + (ROW - BAR_H) / 2.0;
        body.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"{GRID}\"/>\n",
            num(BAR_X),
            num(bar_y),
            num(BAR_W),
            num(BAR_H)
        ));
        let mut at = BAR_X;
        for (count, colour) in [(s.under, UNDER), (s.at, MET), (s.over, OVER)] {
            if count == 0 {
                continue;
            }
            let w = BAR_W * count as f64 / total;
            body.push_str(&format!(
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{colour}\"/>\n",
                num(at),
                num(bar_y),
                num(w),
                num(BAR_H)
            ));
            at += w;
        }
        let counts = format!(
            "{}: {} under, {} at, {} above",
            d.status, s.under, s.at, s.over
        );
        body.push_str(&style::text(
            BAR_X + BAR_W + 10.0,
            y + ROW / 2.0 + 4.0,
            10.0,
            "start",
            &format!("fill=\"{MUTED}\""),
            &counts,
        ));
        body.push_str("</g>\n");
        described.push(format!("{} (target {}): {counts}", d.name, d.target));
        y += ROW;
    }
    let desc = format!(
        "Practices under, at and above target per domain, in the least mature assessment. {}.",
        described.join("; ")
    );
    style::document(
        "attestation-summary",
        (width, y + MARGIN / 2.0),
        "The profile's result per domain",
        &desc,
        &body,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domain(name: &str, practices: usize, over: usize, under: usize) -> DomainResult {
        DomainResult {
            domain: "d".into(),
            name: name.into(),
            target: "2+/industry".into(),
            status: "met".into(),
            practices,
            over,
            under,
        }
    }

    #[test]
    fn practices_neither_over_nor_under_are_at_target() {
        assert_eq!(
            split(&domain("D", 6, 2, 1)),
            Split {
                under: 1,
                at: 3,
                over: 2
            }
        );
        assert_eq!(split(&domain("D", 1, 2, 0)).at, 0);
    }

    #[test]
    fn the_chart_escapes_names_and_parses() {
        let svg = summary(&[domain("<script>&\"", 6, 1, 0)]);
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;&amp;&quot;"));
        assert!(crate::png::parse(&svg).is_ok());
    }
}
