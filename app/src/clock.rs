//! Times as people in England read them: UK local time (GMT, or BST from the last Sunday of
//! March to the last Sunday of October, changing at 01:00 UTC), on the server and in the browser
//! alike, without a time-zone database.

use crate::values::Date;

/// The last Sunday of a month (March or October).
fn last_sunday(year: i32, month: u32) -> Date {
    let last = Date::new(year, month, 31).expect("March and October have 31 days");
    let days = last.days_since_epoch();
    // 1970-01-01 was a Thursday: (days + 4) mod 7 is the weekday with Sunday as 0.
    let weekday = (days + 4).rem_euclid(7);
    Date::from_days_since_epoch(days - weekday)
}

/// Seconds to add to UTC for UK local time at `unix_secs`.
pub fn uk_offset_secs(unix_secs: i64) -> i64 {
    let date = Date::from_days_since_epoch(unix_secs.div_euclid(86_400));
    let starts = last_sunday(date.year, 3).days_since_epoch() * 86_400 + 3600;
    let ends = last_sunday(date.year, 10).days_since_epoch() * 86_400 + 3600;
    if (starts..ends).contains(&unix_secs) {
        3600
    } else {
        0
    }
}

/// The UK local date and minutes past midnight.
fn local(unix_secs: i64) -> (Date, i64) {
    let local = unix_secs + uk_offset_secs(unix_secs);
    (
        Date::from_days_since_epoch(local.div_euclid(86_400)),
        local.rem_euclid(86_400) / 60,
    )
}

/// "10:42".
pub fn time_of_day(unix_secs: i64) -> String {
    let (_, minutes) = local(unix_secs);
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// "10:42 on 29 November 2026".
pub fn date_time(unix_secs: i64) -> String {
    let (date, _) = local(unix_secs);
    format!("{} on {}", time_of_day(unix_secs), date.long())
}

/// The UK local date at `unix_secs`: "today" for due dates and deadlines.
pub fn local_date(unix_secs: i64) -> Date {
    local(unix_secs).0
}

/// "29 November 2026".
pub fn date(unix_secs: i64) -> String {
    local(unix_secs).0.long()
}

/// UTC time of day and date, the same on server and browser so hydration matches.
pub fn format_time(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let rem = secs.rem_euclid(86_400);
    let date = Date::from_days_since_epoch(secs.div_euclid(86_400));
    format!(
        "{:02}:{:02}:{:02} UTC, {}",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60,
        date.long()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32, h: i64, min: i64) -> i64 {
        Date::new(y, m, d).unwrap().days_since_epoch() * 86_400 + h * 3600 + min * 60
    }

    #[test]
    fn summer_time_starts_and_ends_at_one_in_the_morning_utc() {
        // 2026: BST from 29 March to 25 October.
        assert_eq!(time_of_day(at(2026, 3, 29, 0, 59)), "00:59");
        assert_eq!(time_of_day(at(2026, 3, 29, 1, 0)), "02:00");
        assert_eq!(time_of_day(at(2026, 10, 25, 0, 59)), "01:59");
        assert_eq!(time_of_day(at(2026, 10, 25, 1, 0)), "01:00");
        assert_eq!(date_time(at(2026, 7, 1, 23, 30)), "00:30 on 2 July 2026");
        assert_eq!(
            date_time(at(2026, 11, 29, 10, 42)),
            "10:42 on 29 November 2026"
        );
    }
}
