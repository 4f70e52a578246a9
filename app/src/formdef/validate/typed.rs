//! Checking an answer the moment it is typed: the rules of its question written into the
//! markup (`check_spec`), and read back in the browser to run the server's own check.

use super::check_answer;
use crate::{
    formdef::{
        answers::Answer,
        schema::{DateRange, Field, FieldKind, TextFormat},
    },
    values::Date,
};

/// What the browser needs to check one answer the moment it is typed, written into the
/// question's markup (`data-check`): the field's kind and rules without its options. Choices
/// and attachments are left to the step's check on Continue.
pub fn check_spec(field: &Field) -> Option<String> {
    let kind = match field.kind {
        FieldKind::Text => "text",
        FieldKind::LongText => "long_text",
        FieldKind::Email => "email",
        FieldKind::Phone => "phone",
        FieldKind::Date => "date",
        FieldKind::Number => "number",
        FieldKind::Address => "address",
        FieldKind::YesNo | FieldKind::Choice | FieldKind::MultiChoice | FieldKind::Attachments => {
            return None
        }
    };
    let format = match field.format {
        Some(TextFormat::Upn) => "upn",
        Some(TextFormat::NhsNumber) => "nhs_number",
        Some(TextFormat::Postcode) => "postcode",
        None => "",
    };
    let range = match field.range {
        Some(DateRange::Past) => "past",
        Some(DateRange::Future) => "future",
        Some(DateRange::DateOfBirth) => "date_of_birth",
        None => "",
    };
    let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    Some(format!(
        "{kind};{format};{range};{};{};{}",
        number(field.min),
        number(field.max),
        field.max_length()
    ))
}

/// Checks an answer as it is typed, with the rules `check_spec` wrote: the same checks as the
/// server's (`check_answer`). An empty answer is not a problem yet; Continue says so.
pub fn check_typed(spec: &str, label: &str, answer: &Answer, today: Date) -> Result<(), String> {
    let mut bits = spec.split(';');
    let mut next = || bits.next().unwrap_or("");
    let kind = match next() {
        "text" => FieldKind::Text,
        "long_text" => FieldKind::LongText,
        "email" => FieldKind::Email,
        "phone" => FieldKind::Phone,
        "date" => FieldKind::Date,
        "number" => FieldKind::Number,
        "address" => FieldKind::Address,
        _ => return Ok(()),
    };
    let format = match next() {
        "upn" => Some(TextFormat::Upn),
        "nhs_number" => Some(TextFormat::NhsNumber),
        "postcode" => Some(TextFormat::Postcode),
        _ => None,
    };
    let range = match next() {
        "past" => Some(DateRange::Past),
        "future" => Some(DateRange::Future),
        "date_of_birth" => Some(DateRange::DateOfBirth),
        _ => None,
    };
    let (min, max, max_length) = (
        next().parse().ok(),
        next().parse().ok(),
        next().parse().ok(),
    );
    let field = Field {
        id: String::new(),
        label: label.to_owned(),
        hint: None,
        kind,
        optional: true,
        show_if: None,
        max_length,
        format,
        range,
        min,
        max,
        options: Vec::new(),
        max_files: None,
    };
    check_answer(&field, Some(answer), today)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(kind: FieldKind) -> Field {
        Field {
            id: "f".into(),
            label: "Unique pupil number".into(),
            hint: None,
            kind,
            optional: false,
            show_if: None,
            max_length: None,
            format: None,
            range: None,
            min: None,
            max: None,
            options: Vec::new(),
            max_files: None,
        }
    }

    #[test]
    fn answers_checked_as_typed_get_the_servers_verdict() {
        let today = Date::new(2026, 11, 30).unwrap();
        let mut upn = field(FieldKind::Text);
        upn.format = Some(TextFormat::Upn);
        let mut dob = field(FieldKind::Date);
        dob.label = "Date of birth".into();
        dob.range = Some(DateRange::DateOfBirth);
        let mut age = field(FieldKind::Number);
        age.min = Some(0);
        age.max = Some(25);
        let date = |d: &str, m: &str, y: &str| {
            Answer::Parts(
                [("day", d), ("month", m), ("year", y)]
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect(),
            )
        };
        let cases = [
            (&upn, Answer::Text("A123".into())),
            (&upn, Answer::Text("H801200001001".into())),
            (&dob, date("14", "5", "2017")),
            (&dob, date("14", "5", "2030")),
            (&dob, date("31", "2", "2017")),
            (&age, Answer::Text("30".into())),
            (&age, Answer::Text("12".into())),
        ];
        for (field, answer) in cases {
            let spec = check_spec(field).expect("checked as typed");
            assert_eq!(
                check_typed(&spec, &field.label, &answer, today),
                check_answer(field, Some(&answer), today),
                "{spec} {answer:?}"
            );
        }
        assert!(check_spec(&field(FieldKind::Choice)).is_none());
    }
}
