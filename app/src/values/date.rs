//! Calendar dates as people type them into day, month and year boxes.

use std::fmt;

/// A calendar date from day, month and year boxes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// Parses the three boxes of a date question, naming what is missing or wrong.
    pub fn parse(day: &str, month: &str, year: &str) -> Result<Date, DateError> {
        let (day, month, year) = (day.trim(), month.trim(), year.trim());
        if day.is_empty() && month.is_empty() && year.is_empty() {
            return Err(DateError::Missing);
        }
        let missing: Vec<&str> = [("a day", day), ("a month", month), ("a year", year)]
            .iter()
            .filter(|(_, v)| v.is_empty())
            .map(|(name, _)| *name)
            .collect();
        if !missing.is_empty() {
            return Err(DateError::Incomplete(missing.join(" and ")));
        }
        let d = day.parse::<u32>().ok();
        let m = month_number(month);
        let y = year.parse::<i32>().ok().filter(|_| year.len() == 4);
        match (d, m, y) {
            (Some(d), Some(m), Some(y)) => Date::new(y, m, d).ok_or(DateError::NotReal),
            (_, _, None) => Err(DateError::YearFormat),
            _ => Err(DateError::NotReal),
        }
    }

    /// Days since 1970-01-01 (negative before), for differences between dates.
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Whole years from `self` to `on` (an age on a date).
    pub fn years_until(self, on: Date) -> i32 {
        let mut years = on.year - self.year;
        if (on.month, on.day) < (self.month, self.day) {
            years -= 1;
        }
        years
    }

    /// Reads `YYYY-MM-DD` (as `iso` writes it).
    pub fn from_iso(text: &str) -> Option<Date> {
        let mut parts = text.splitn(3, '-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next()?.parse().ok()?;
        let day = parts.next()?.parse().ok()?;
        Date::new(year, month, day)
    }

    /// ISO 8601, as answers are stored.
    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// "7 March 2019", as pages show dates.
    pub fn long(self) -> String {
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        format!(
            "{} {} {}",
            self.day,
            MONTHS[(self.month - 1) as usize],
            self.year
        )
    }
}

/// A month as a number, or its name or first three letters (people type "March" or "mar").
fn month_number(text: &str) -> Option<u32> {
    if let Ok(n) = text.parse::<u32>() {
        return Some(n);
    }
    const NAMES: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let lower = text.to_ascii_lowercase();
    NAMES
        .iter()
        .position(|n| lower.len() >= 3 && lower.starts_with(n))
        .map(|i| i as u32 + 1)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateError {
    Missing,
    /// Which of day, month and year are missing.
    Incomplete(String),
    YearFormat,
    NotReal,
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateError::Missing => f.write_str("Enter a date"),
            DateError::Incomplete(what) => write!(f, "The date must include {what}"),
            DateError::YearFormat => f.write_str("The year must be 4 numbers, like 2019"),
            DateError::NotReal => f.write_str("Enter a real date, like 27 3 2019"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_name_what_is_wrong() {
        assert_eq!(
            Date::parse("7", "3", "2019"),
            Ok(Date::new(2019, 3, 7).unwrap())
        );
        assert_eq!(
            Date::parse("07", "March", "2019"),
            Ok(Date::new(2019, 3, 7).unwrap())
        );
        assert_eq!(Date::parse("", "", ""), Err(DateError::Missing));
        assert_eq!(
            Date::parse("7", "", "").unwrap_err().to_string(),
            "The date must include a month and a year"
        );
        assert_eq!(Date::parse("29", "2", "2023"), Err(DateError::NotReal));
        assert_eq!(Date::parse("29", "2", "2024").unwrap().iso(), "2024-02-29");
        assert_eq!(Date::parse("1", "1", "19"), Err(DateError::YearFormat));
        assert_eq!(Date::parse("1", "13", "2019"), Err(DateError::NotReal));
    }

    #[test]
    fn day_counts_round_trip_and_ages_count_birthdays() {
        for days in [-800_000, -1, 0, 1, 19_000, 20_000, 2_000_000] {
            assert_eq!(Date::from_days_since_epoch(days).days_since_epoch(), days);
        }
        assert_eq!(Date::new(1970, 1, 1).unwrap().days_since_epoch(), 0);
        assert_eq!(Date::new(2026, 11, 29).unwrap().days_since_epoch(), 20_786);
        let born = Date::new(2010, 11, 30).unwrap();
        assert_eq!(born.years_until(Date::new(2026, 11, 29).unwrap()), 15);
        assert_eq!(born.years_until(Date::new(2026, 11, 30).unwrap()), 16);
        assert_eq!(born.long(), "30 November 2010");
    }
}
