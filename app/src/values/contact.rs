//! Ways to reach someone: postcodes, UK telephone numbers and email addresses.

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
}
