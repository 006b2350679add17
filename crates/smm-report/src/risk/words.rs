//! Risk figures as a board reads them: ranges rounded outward to two significant figures
//! (`about 180k–190k EUR`), and what reaching the target changes, in one sentence.
//!
//! The CLI, the report and the examples' READMEs all write figures through these functions, so a
//! figure reads the same wherever it appears.

use smm_core::risk::{Interval, LossDistribution, RiskOutlook, RiskResult};

use crate::chart::short_money;

/// The 1-in-10, 1-in-20 and 1-in-100-years losses: the percentiles a report shows.
pub const RETURN_PERIODS: [u32; 3] = [10, 20, 100];

/// The mean annual loss as a range: mean ± 2 standard errors, rounded outward.
pub fn mean_range(result: &RiskResult) -> String {
    about(result.annual_loss.mean_interval(), &result.currency)
}

/// The 1-in-`years` loss as a range (the `1 - 1/years` percentile with its sampling range),
/// rounded outward.
pub fn years_range(result: &RiskResult, years: u32) -> String {
    let p = 1.0 - 1.0 / f64::from(years.max(1));
    about(result.percentile_interval(p), &result.currency)
}

/// `182k EUR ± 3.1k EUR`: a mean and two standard errors, each shortened, for a table's cell,
/// where a column of rounded ranges would be too wide to read across.
pub fn mean_with_error(loss: &LossDistribution, currency: &str) -> String {
    format!(
        "{} ± {}",
        short_money(loss.mean, currency),
        short_money(2.0 * loss.standard_error, currency)
    )
}

/// `about 180k–190k EUR`: `range` with its low end rounded down and its high end rounded up to
/// two significant figures of the high end. Rounding outward keeps the honest range inside the
/// one printed; two figures are what a decision needs and all the estimates support.
pub fn about(range: Interval, currency: &str) -> String {
    let high = range.high.max(0.0);
    if high == 0.0 {
        return format!("0 {currency}");
    }
    let unit = 10f64.powf(high.log10().floor() - 1.0).max(1.0);
    let low = (range.low.max(0.0) / unit).floor() * unit;
    let high = (high / unit).ceil() * unit;
    if low == high {
        format!("about {} {currency}", amount(high))
    } else {
        format!("about {}–{} {currency}", amount(low), amount(high))
    }
}

/// `about 42k EUR`: a figure with no range of its own (a scenario's mean), rounded to two
/// significant figures, which is all the estimates support.
pub fn rounded(value: f64, currency: &str) -> String {
    let value = value.max(0.0);
    if value == 0.0 {
        return format!("0 {currency}");
    }
    let unit = 10f64.powf(value.log10().floor() - 1.0).max(1.0);
    format!("about {} {currency}", amount((value / unit).round() * unit))
}

/// `180k`, `1.2M`, `3bn`, `950`: an amount already rounded to two significant figures.
fn amount(value: f64) -> String {
    let (scaled, suffix) = if value >= 1e9 {
        (value / 1e9, "bn")
    } else if value >= 1e6 {
        (value / 1e6, "M")
    } else if value >= 1e3 {
        (value / 1e3, "k")
    } else {
        (value, "")
    };
    let text = format!("{scaled:.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text);
    format!("{text}{suffix}")
}

/// `100,000`: a count with thousands separated, as people read it.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What reaching the target does to the mean annual loss and to the 1-in-20-years loss, in
/// ranges; `None` without a target.
pub fn reading(outlook: &RiskOutlook) -> Option<String> {
    let today = outlook.today();
    let reached = outlook.target_reached()?;
    let verb = if reached.annual_loss.mean < today.annual_loss.mean {
        "lowers"
    } else {
        "does not lower"
    };
    Some(format!(
        "Reaching the target {verb} the mean annual loss from {} to {}, and the 1-in-20-years loss from {} to {}.",
        mean_range(today),
        mean_range(reached),
        years_range(today, 20),
        years_range(reached, 20),
    ))
}

/// How the figures were made, in one sentence: never a figure without its iterations and seed.
pub fn basis(result: &RiskResult) -> String {
    format!(
        "{} simulated years, seed {}; amounts in {}. Ranges hold the figure an endless simulation would give (mean ± 2 standard errors; percentiles from the order statistics), rounded outward to two significant figures.",
        count(u64::from(result.iterations)),
        result.seed,
        result.currency
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(low: f64, high: f64) -> Interval {
        Interval { low, high }
    }

    #[test]
    fn a_range_is_rounded_outward_to_two_figures_of_its_top() {
        assert_eq!(
            about(range(183_200.0, 189_700.0), "EUR"),
            "about 180k–190k EUR"
        );
        assert_eq!(
            about(range(163_000.0, 205_001.0), "EUR"),
            "about 160k–210k EUR"
        );
        assert_eq!(
            about(range(950_000.0, 1_240_000.0), "USD"),
            "about 900k–1.3M USD"
        );
        assert_eq!(about(range(12_345.0, 12_355.0), "EUR"), "about 12k–13k EUR");
        assert_eq!(about(range(2.1e9, 2.2e9), "EUR"), "about 2.1bn–2.2bn EUR");
        assert_eq!(about(range(412.0, 415.0), "CHF"), "about 410–420 CHF");
    }

    #[test]
    fn a_table_cell_gives_the_mean_and_two_standard_errors_shortened() {
        let loss = LossDistribution {
            mean: 182_400.0,
            standard_error: 1_550.0,
            ..LossDistribution::default()
        };
        assert_eq!(
            mean_with_error(&loss, "EUR"),
            format!(
                "{} ± {}",
                short_money(182_400.0, "EUR"),
                short_money(3_100.0, "EUR")
            )
        );
        assert!(
            mean_with_error(&loss, "EUR").starts_with("182"),
            "{}",
            mean_with_error(&loss, "EUR")
        );
    }

    #[test]
    fn an_exact_or_empty_range_says_so() {
        assert_eq!(about(range(0.0, 0.0), "EUR"), "0 EUR");
        assert_eq!(about(range(180_000.0, 180_000.0), "EUR"), "about 180k EUR");
        // Never below zero, even when the mean's range would reach under it.
        assert_eq!(about(range(-5.0, 40.0), "EUR"), "about 0–40 EUR");
    }

    #[test]
    fn a_figure_without_a_range_is_rounded_to_two_figures() {
        assert_eq!(rounded(88_700.0, "EUR"), "about 89k EUR");
        assert_eq!(rounded(9_940.0, "EUR"), "about 9.9k EUR");
        assert_eq!(rounded(1_449_000.0, "EUR"), "about 1.4M EUR");
        assert_eq!(rounded(0.0, "EUR"), "0 EUR");
    }

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_000), "1,000");
        assert_eq!(count(100_000), "100,000");
        assert_eq!(count(20_260_422), "20,260,422");
    }
}
