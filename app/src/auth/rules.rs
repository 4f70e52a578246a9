//! The rules for what people type when they register, shared by browser and server.

/// The secret questions people choose from; the forgotten-password page asks for the same one.
pub const SECRET_QUESTIONS: [&str; 5] = [
    "What was the name of your first school?",
    "What is the name of the street you grew up on?",
    "What was the name of your first pet?",
    "What is your favourite book?",
    "In which town or city were you born?",
];

pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 128;

/// A password of acceptable length; the common-password check runs on the server, which holds
/// the list.
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(raw: &str) -> Result<NewPassword, String> {
        let length = raw.chars().count();
        if length == 0 {
            Err("Enter a password".into())
        } else if length < PASSWORD_MIN {
            Err(format!(
                "Your password must be at least {PASSWORD_MIN} characters long"
            ))
        } else if length > PASSWORD_MAX {
            Err(format!(
                "Your password must be {PASSWORD_MAX} characters or fewer"
            ))
        } else {
            Ok(NewPassword(raw.to_owned()))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_need_ten_to_one_hundred_and_twenty_eight_characters() {
        assert!(NewPassword::parse("").is_err());
        assert!(NewPassword::parse("123456789").is_err());
        assert!(NewPassword::parse("1234567890").is_ok());
        assert!(NewPassword::parse(&"x".repeat(128)).is_ok());
        assert!(NewPassword::parse(&"x".repeat(129)).is_err());
        // Counted in characters, not bytes.
        assert!(NewPassword::parse("ééééééééé").is_err());
    }
}
