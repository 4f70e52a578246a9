//! Answers that pass every check of a definition: for the benchmark's realistic drafts, the
//! demo seed and tests. Fills every question (so every conditional question shows) and the
//! minimum number of items of each repeating section (at least one).

use super::{
    answers::{Answer, Answers},
    schema::{DateRange, FieldKind, FormDefinition, TextFormat},
};

impl FormDefinition {
    pub fn example_answers(&self) -> Answers {
        let mut answers = Answers::default();
        for section in self.sections() {
            let items = section.repeat.as_ref().map_or(1, |r| r.min.max(1)) as usize;
            for index in 0..items {
                for field in &section.fields {
                    if let Some(answer) = example_answer(field) {
                        answers.set(&section.id, index, &field.id, answer);
                    }
                }
            }
        }
        answers
    }
}

fn parts(pairs: &[(&str, &str)]) -> Answer {
    Answer::Parts(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    )
}

fn example_answer(field: &super::schema::Field) -> Option<Answer> {
    let text = |t: &str| Some(Answer::Text(t.to_owned()));
    match field.kind {
        FieldKind::Text => match field.format {
            Some(TextFormat::Upn) => text("P801200200001"),
            Some(TextFormat::NhsNumber) => text("943 476 5919"),
            Some(TextFormat::Postcode) => text("LS1 4AP"),
            None => {
                let fits: String = "Example answer"
                    .chars()
                    .take(field.max_length() as usize)
                    .collect();
                text(&fits)
            }
        },
        FieldKind::LongText => text(
            "She enjoys drawing and music, and finds busy, noisy rooms hard. \
             She needs help to start tasks and to understand instructions.",
        ),
        FieldKind::Email => text("parent@example.org"),
        FieldKind::Phone => text("01632 960 001"),
        FieldKind::Number => {
            let value = field
                .min
                .unwrap_or(0)
                .max(1)
                .min(field.max.unwrap_or(i64::MAX));
            text(&value.to_string())
        }
        FieldKind::Date => Some(match field.range {
            Some(DateRange::DateOfBirth) => {
                parts(&[("day", "14"), ("month", "5"), ("year", "2017")])
            }
            Some(DateRange::Future) => parts(&[("day", "1"), ("month", "9"), ("year", "2099")]),
            _ => parts(&[("day", "3"), ("month", "2"), ("year", "2025")]),
        }),
        FieldKind::YesNo => text("yes"),
        FieldKind::Choice => field.options.first().map(|o| Answer::Text(o.value.clone())),
        FieldKind::MultiChoice => field
            .options
            .first()
            .map(|o| Answer::Many(vec![o.value.clone()])),
        FieldKind::Address => Some(parts(&[
            ("line1", "1 Example Street"),
            ("town", "Leeds"),
            ("postcode", "LS1 4AP"),
        ])),
        FieldKind::Attachments => None,
    }
}
