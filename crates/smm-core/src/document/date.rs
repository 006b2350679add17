//! Calendar dates as documents write them: `YYYY-MM-DD`.

use std::borrow::Cow;
use std::fmt;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A valid calendar date (proleptic Gregorian), kept in its ISO 8601 form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD`, refusing impossible dates such as `2026-02-30`.
    pub fn parse(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let number = |range: std::ops::Range<usize>| -> Option<u16> {
            let part = text.get(range)?;
            part.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| part.parse().ok())?
        };
        let year = number(0..4)?;
        let month = u8::try_from(number(5..7)?).ok()?;
        let day = u8::try_from(number(8..10)?).ok()?;
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days_in_month)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, 1 to 31.
    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01.
    pub fn days(self) -> i64 {
        crate::calendar::days_from_civil(
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        )
    }

    /// The date a number of days later (earlier when negative); `None` outside years 0-9999.
    pub fn plus_days(self, days: i64) -> Option<Date> {
        Date::parse(&crate::calendar::date_of_day(
            self.days().checked_add(days)?,
        ))
    }

    /// The same day `months` later, or the month's last day when it is shorter (31 January
    /// plus one month is 28 or 29 February); `None` past year 9999.
    pub fn plus_months(self, months: u32) -> Option<Date> {
        let index = i64::from(self.year) * 12 + i64::from(self.month) - 1 + i64::from(months);
        let (year, month) = (u16::try_from(index / 12).ok()?, (index % 12) as u8 + 1);
        (1..=self.day)
            .rev()
            .find_map(|day| Date::parse(&format!("{year:04}-{month:02}-{day:02}")))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Date::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{text}` is not a date: expected YYYY-MM-DD, e.g. 2026-03-02"
            ))
        })
    }
}

impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" })
    }
}

#[cfg(test)]
mod tests {
    use super::Date;

    #[test]
    fn impossible_dates_are_refused() {
        assert!(Date::parse("2026-02-28").is_some());
        assert!(Date::parse("2024-02-29").is_some());
        assert!(Date::parse("2026-02-29").is_none());
        assert!(Date::parse("2026-13-01").is_none());
        assert!(Date::parse("26-01-01").is_none());
        assert_eq!(
            Date::parse("2026-03-02").map(|d| d.to_string()).as_deref(),
            Some("2026-03-02")
        );
    }

    #[test]
    fn days_and_months_count_like_a_calendar() {
        let d = |t: &str| Date::parse(t).expect(t);
        assert_eq!(d("1970-01-01").days(), 0);
        assert_eq!(d("2026-12-05").plus_days(30), Some(d("2027-01-04")));
        assert_eq!(d("2024-03-01").plus_days(-1), Some(d("2024-02-29")));
        assert_eq!(d("2026-01-31").plus_months(1), Some(d("2026-02-28")));
        assert_eq!(d("2024-01-31").plus_months(1), Some(d("2024-02-29")));
        assert_eq!(d("2026-11-23").plus_months(36), Some(d("2029-11-23")));
        assert_eq!(d("2026-12-05").plus_months(13), Some(d("2028-01-05")));
        assert_eq!(d("9999-12-01").plus_months(1), None);
        assert_eq!(d("9999-12-31").plus_days(1), None);
    }
}
