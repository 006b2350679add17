//! Calendar months and budget periods (months or calendar quarters).

use std::fmt;

use serde::{Serialize, Serializer};

use crate::document::Date;

/// A calendar month, `YYYY-MM`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: u16,
    month: u8,
}

impl Month {
    /// The month, if `month` is 1-12 and the year 1900-9999.
    pub fn new(year: u16, month: u8) -> Option<Month> {
        ((1900..=9999).contains(&year) && (1..=12).contains(&month))
            .then_some(Month { year, month })
    }

    /// Parses `YYYY-MM`.
    pub fn parse(text: &str) -> Option<Month> {
        let (year, month) = text.trim().split_once('-')?;
        if year.len() != 4 || month.len() != 2 {
            return None;
        }
        Month::new(year.parse().ok()?, month.parse().ok()?)
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month, 1-12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// Months since year 0, for arithmetic.
    fn index(self) -> u32 {
        u32::from(self.year) * 12 + u32::from(self.month) - 1
    }

    fn from_index(index: u32) -> Month {
        Month {
            year: u16::try_from(index / 12).unwrap_or(u16::MAX),
            // Always 1-12.
            month: (index % 12) as u8 + 1,
        }
    }

    /// The month `n` months later.
    pub fn plus(self, n: u32) -> Month {
        Month::from_index(self.index().saturating_add(n))
    }

    /// The month a date falls in.
    pub fn of(date: Date) -> Month {
        Month {
            year: date.year(),
            month: date.month(),
        }
    }

    /// Where a roadmap starts when nobody says: the month after the assessment, since work
    /// planned from an assessment cannot begin before it was made. The CLI and the server both
    /// take this default, so the same documents plan the same schedule everywhere.
    pub fn after_assessment(assessed: Date) -> Month {
        Month::of(assessed).plus(1)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl schemars::JsonSchema for Month {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Month".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A calendar month, `YYYY-MM`.",
            "type": "string",
            "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$"
        })
    }
}

/// How long a budget period is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PeriodKind {
    /// A calendar month.
    Month,
    /// A calendar quarter.
    Quarter,
}

impl PeriodKind {
    fn months(self) -> u32 {
        match self {
            PeriodKind::Month => 1,
            PeriodKind::Quarter => 3,
        }
    }

    /// The first month of the period containing `month`.
    pub fn start_of(self, month: Month) -> Month {
        let index = month.index();
        Month::from_index(index - index % self.months())
    }

    /// The `n`-th period from the one containing `start` (0 is that one).
    pub fn nth(self, start: Month, n: usize) -> Month {
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        self.start_of(start).plus(n.saturating_mul(self.months()))
    }

    /// How many periods from the one containing `start` to the one containing `end`, both
    /// included; `None` when `end` is before `start`'s period.
    pub fn count(self, start: Month, end: Month) -> Option<usize> {
        let first = self.start_of(start).index();
        let last = self.start_of(end).index();
        (last >= first).then(|| ((last - first) / self.months() + 1) as usize)
    }

    /// A period's label: `2027-03` or `2027-Q1`.
    pub fn label(self, first_month: Month) -> String {
        match self {
            PeriodKind::Month => first_month.to_string(),
            PeriodKind::Quarter => {
                format!("{}-Q{}", first_month.year, (first_month.month - 1) / 3 + 1)
            }
        }
    }

    /// The last month of the period starting at `first_month`.
    pub fn last_month(self, first_month: Month) -> Month {
        first_month.plus(self.months() - 1)
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_roadmap_starts_the_month_after_the_assessment() {
        let date = |t: &str| Date::parse(t).expect("date");
        assert_eq!(
            Month::after_assessment(date("2026-03-31")).to_string(),
            "2026-04"
        );
        assert_eq!(
            Month::after_assessment(date("2026-12-01")).to_string(),
            "2027-01"
        );
    }

    use super::*;

    fn m(text: &str) -> Month {
        Month::parse(text).expect("valid month")
    }

    #[test]
    fn months_parse_strictly() {
        assert_eq!(m("2027-03").to_string(), "2027-03");
        for bad in [
            "2027-13",
            "2027-00",
            "2027-3",
            "27-03",
            "2027/03",
            "",
            "2027-03-01",
        ] {
            assert!(Month::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn quarters_are_calendar_quarters() {
        let q = PeriodKind::Quarter;
        assert_eq!(q.start_of(m("2027-05")), m("2027-04"));
        assert_eq!(q.label(q.nth(m("2027-05"), 0)), "2027-Q2");
        assert_eq!(q.label(q.nth(m("2027-05"), 3)), "2028-Q1");
        assert_eq!(q.count(m("2027-05"), m("2027-12")), Some(3));
        assert_eq!(q.count(m("2027-05"), m("2027-01")), None);
        assert_eq!(q.last_month(m("2027-10")), m("2027-12"));
    }

    #[test]
    fn months_roll_over_years() {
        let mo = PeriodKind::Month;
        assert_eq!(mo.nth(m("2027-11"), 2), m("2028-01"));
        assert_eq!(mo.count(m("2027-11"), m("2028-02")), Some(4));
    }
}
