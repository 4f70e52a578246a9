//! Domain values with rules, parsed rather than checked (dates, email addresses, UPNs, NHS
//! numbers, postcodes, phone numbers): the same code runs in the browser for instant feedback
//! and on the server, which is the only check trusted.

use std::fmt;

/// A Unique Pupil Number: a check letter and 12 characters (DfE's UPN guidance). The last may
/// be a letter for a temporary UPN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upn(String);

/// The letters a UPN's check character and a temporary UPN's last character use (no I, O, S).
const UPN_LETTERS: &[u8; 23] = b"ABCDEFGHJKLMNPQRTUVWXYZ";

impl Upn {
    pub fn parse(input: &str) -> Result<Upn, &'static str> {
        let value: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        let bytes = value.as_bytes();
        if bytes.len() != 13 {
            return Err(
                "A UPN is 13 characters: a letter then 12 characters, for example A123456789012",
            );
        }
        let last = bytes[12];
        let middle_ok = bytes[1..12].iter().all(u8::is_ascii_digit);
        let last_ok = last.is_ascii_digit() || UPN_LETTERS.contains(&last);
        if !bytes[0].is_ascii_alphabetic() || !middle_ok || !last_ok {
            return Err("A UPN is a letter followed by 12 numbers (the last may be a letter), for example A123456789012");
        }
        let sum: u32 = bytes[1..]
            .iter()
            .zip(2u32..)
            .map(|(&c, weight)| {
                let value = if c.is_ascii_digit() {
                    u32::from(c - b'0')
                } else {
                    UPN_LETTERS.iter().position(|&l| l == c).unwrap_or(0) as u32
                };
                value * weight
            })
            .sum();
        if UPN_LETTERS[(sum % 23) as usize] != bytes[0] {
            return Err("This UPN is not right: check it against a school report or letter");
        }
        Ok(Upn(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An NHS number: 10 digits whose last is a modulus-11 check digit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NhsNumber(String);

impl NhsNumber {
    pub fn parse(input: &str) -> Result<NhsNumber, &'static str> {
        let digits: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if digits.len() != 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err("An NHS number is 10 digits, for example 943 476 5919");
        }
        let d: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
        let sum: u32 = d[..9].iter().zip((2..=10).rev()).map(|(x, w)| x * w).sum();
        let check = match 11 - sum % 11 {
            11 => 0,
            other => other,
        };
        if check == 10 || check != d[9] {
            return Err("This NHS number is not right: check it against a letter from the doctor or hospital");
        }
        Ok(NhsNumber(digits))
    }

    /// In the usual 3-3-4 grouping.
    pub fn formatted(&self) -> String {
        format!("{} {} {}", &self.0[..3], &self.0[3..6], &self.0[6..])
    }
}

/// A UK postcode, upper case with one space before the last three characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Postcode(String);

impl Postcode {
    pub fn parse(input: &str) -> Result<Postcode, &'static str> {
        let compact: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        const MESSAGE: &str = "Enter a real postcode, like SW1A 1AA";
        if compact == "GIR0AA" {
            return Ok(Postcode("GIR 0AA".into()));
        }
        if !(5..=7).contains(&compact.len()) || !compact.is_ascii() {
            return Err(MESSAGE);
        }
        let (outward, inward) = compact.split_at(compact.len() - 3);
        let inward_ok = {
            let b = inward.as_bytes();
            b[0].is_ascii_digit() && b[1].is_ascii_alphabetic() && b[2].is_ascii_alphabetic()
        };
        let o = outward.as_bytes();
        // A9, A99, AA9, AA99, A9A, AA9A
        let outward_ok = o[0].is_ascii_alphabetic()
            && match o.len() {
                2 => o[1].is_ascii_digit(),
                3 => {
                    (o[1].is_ascii_digit() && o[2].is_ascii_alphanumeric())
                        || (o[1].is_ascii_alphabetic() && o[2].is_ascii_digit())
                }
                4 => {
                    o[1].is_ascii_alphabetic()
                        && o[2].is_ascii_digit()
                        && o[3].is_ascii_alphanumeric()
                }
                _ => false,
            };
        if inward_ok && outward_ok {
            Ok(Postcode(format!("{outward} {inward}")))
        } else {
            Err(MESSAGE)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A UK telephone number, kept as the digits dialled from within the UK.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UkPhone(String);

impl UkPhone {
    pub fn parse(input: &str) -> Result<UkPhone, &'static str> {
        let kept: String = input
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.'))
            .collect();
        let national = if let Some(rest) = kept.strip_prefix("+44") {
            format!("0{}", rest.strip_prefix('0').unwrap_or(rest))
        } else if let Some(rest) = kept.strip_prefix("0044") {
            format!("0{rest}")
        } else {
            kept
        };
        let digits_ok = national.bytes().all(|b| b.is_ascii_digit());
        if !digits_ok || !national.starts_with('0') || !(10..=11).contains(&national.len()) {
            return Err("Enter a UK telephone number, like 01632 960 001 or 07700 900 982");
        }
        Ok(UkPhone(national))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An email address in lower case, checked for a plausible shape (delivery proves the rest).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<EmailAddress, String> {
        EmailAddress::check(raw)?;
        Ok(EmailAddress(raw.trim().to_lowercase()))
    }

    /// Whether `raw` is an email address, without keeping it (the forms' check; lowercasing,
    /// which never changes the answer, is left out to keep the browser's code small).
    pub fn check(raw: &str) -> Result<(), String> {
        let value = raw.trim();
        if value.is_empty() {
            return Err("Enter your email address".into());
        }
        let valid = value.len() <= 254
            && !value.chars().any(char::is_whitespace)
            && match value.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && !domain.contains('@')
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                }
                None => false,
            };
        if valid {
            Ok(())
        } else {
            Err("Enter an email address in the correct format, like name@example.com".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

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
    fn email_addresses_are_trimmed_lower_cased_and_shape_checked() {
        assert_eq!(
            EmailAddress::parse(" Sam@Example.ORG ").unwrap().as_str(),
            "sam@example.org"
        );
        for bad in [
            "",
            "sam",
            "sam@",
            "@example.org",
            "sam@example",
            "sam@@example.org",
            "sa m@example.org",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad:?}");
        }
    }

    /// A UPN built with the DfE check-letter rule, to test against.
    fn with_check_letter(rest: &str) -> String {
        let sum: u32 = rest
            .bytes()
            .zip(2u32..)
            .map(|(c, w)| {
                let v = if c.is_ascii_digit() {
                    u32::from(c - b'0')
                } else {
                    UPN_LETTERS.iter().position(|&l| l == c).unwrap() as u32
                };
                v * w
            })
            .sum();
        format!("{}{rest}", UPN_LETTERS[(sum % 23) as usize] as char)
    }

    #[test]
    fn upns_need_the_right_check_letter() {
        // Worked by hand: 8·2 + 1·4 + 2·5 + 2·8 + 1·13 = 59; 59 mod 23 = 13 → P.
        assert_eq!(
            Upn::parse("P801200200001").unwrap().as_str(),
            "P801200200001"
        );
        assert_eq!(
            Upn::parse(" p801 2002 00001 ").unwrap().as_str(),
            "P801200200001"
        );
        assert!(Upn::parse("A801200200001").is_err());
        assert!(Upn::parse("P80120020000").is_err());
        assert!(Upn::parse("1801200200001").is_err());
        let temporary = with_check_letter("80120020000A");
        assert!(Upn::parse(&temporary).is_ok(), "{temporary}");
        assert!(Upn::parse("A80120020000I").is_err(), "I is never used");
    }

    #[test]
    fn nhs_numbers_need_the_right_check_digit() {
        let n = NhsNumber::parse("943 476 5919").unwrap();
        assert_eq!(n.formatted(), "943 476 5919");
        assert!(NhsNumber::parse("9434765918").is_err());
        assert!(NhsNumber::parse("943476591").is_err());
        assert!(NhsNumber::parse("94347659AB").is_err());
    }

    #[test]
    fn postcodes_are_normalised_and_checked() {
        for (input, expected) in [
            ("sw1a1aa", "SW1A 1AA"),
            ("M1 1AE", "M1 1AE"),
            ("b33 8th", "B33 8TH"),
            ("CR2 6XH", "CR2 6XH"),
            ("DN55 1PT", "DN55 1PT"),
            ("W1A 0AX", "W1A 0AX"),
            ("gir 0aa", "GIR 0AA"),
        ] {
            assert_eq!(
                Postcode::parse(input).unwrap().as_str(),
                expected,
                "{input}"
            );
        }
        for bad in ["", "SW1A", "1SW 1AA", "SW1A 1A1", "SW1AA 1AA", "ÉW1A 1AA"] {
            assert!(Postcode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn uk_phone_numbers_accept_common_ways_of_writing_them() {
        assert_eq!(
            UkPhone::parse("01632 960 001").unwrap().as_str(),
            "01632960001"
        );
        assert_eq!(
            UkPhone::parse("+44 (0)7700 900982").unwrap().as_str(),
            "07700900982"
        );
        assert_eq!(
            UkPhone::parse("0044 7700 900982").unwrap().as_str(),
            "07700900982"
        );
        assert!(UkPhone::parse("12345").is_err());
        assert!(UkPhone::parse("0800 CALL NOW").is_err());
    }

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
