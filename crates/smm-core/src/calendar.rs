//! Calendar arithmetic on day counts since 1970-01-01 (Howard Hinnant's civil-date algorithms),
//! so the crates that need dates (certificate validity, timestamps) share one implementation and
//! none needs a date crate. Pure: reading the clock is the caller's business.

/// `YYYY-MM-DD` of a day count since 1970-01-01.
pub fn date_of_day(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Three years after `date`, less a day (a certificate issued on 2026-11-23 runs until
/// 2029-11-22).
pub fn three_years_after(date: &str) -> String {
    let parse =
        |r: std::ops::Range<usize>| date.get(r).and_then(|t| t.parse::<i64>().ok()).unwrap_or(1);
    let (y, m, d) = (parse(0..4), parse(5..7), parse(8..10));
    // 29 February plus three years is 1 March less a day.
    let days = days_from_civil(y + 3, m, d.min(28)) + i64::from(d > 28 && m == 2) - 1;
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_arithmetic_round_trips() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(20_819), (2027, 1, 1));
        assert_eq!(days_from_civil(2026, 11, 23), 20_780);
        for days in [-1000, 0, 59, 365 * 30, 20_780, 40_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(three_years_after("2026-11-23"), "2029-11-22");
        assert_eq!(three_years_after("2028-02-29"), "2031-02-28");
        assert_eq!(three_years_after("2027-01-01"), "2029-12-31");
    }
}
