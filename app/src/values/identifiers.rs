//! Identifiers with check characters: Unique Pupil Numbers and NHS numbers.

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
