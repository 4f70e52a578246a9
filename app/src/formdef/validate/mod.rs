//! Checking answers against a definition: the same code gives instant feedback in the browser
//! and is the server's (trusted) check on every save and on Accept. The checks made as each
//! answer is typed are in `typed`.

use serde::{Deserialize, Serialize};

use super::{
    answers::{field_dom_id, Answer, Answers},
    schema::{Condition, DateRange, Field, FieldKind, FormDefinition, Section, Step, TextFormat},
};
use crate::{
    error::FieldError,
    values::{Date, EmailAddress, NhsNumber, Postcode, UkPhone, Upn},
};

mod typed;

pub use typed::{check_spec, check_typed};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepState {
    NotStarted,
    InProgress,
    Complete,
}

impl StepState {
    pub fn label(self) -> &'static str {
        match self {
            StepState::NotStarted => "Not started",
            StepState::InProgress => "In progress",
            StepState::Complete => "Complete",
        }
    }
}

impl FormDefinition {
    /// Whether a section or field with `condition` is shown, for item `index` of `section`.
    pub fn is_shown(
        &self,
        section: &Section,
        index: usize,
        condition: Option<&Condition>,
        answers: &Answers,
    ) -> bool {
        let Some(condition) = condition else {
            return true;
        };
        let Some((target_section, target)) = self.condition_target(section, condition) else {
            return false;
        };
        // The section holding the question must itself be shown.
        if target_section.id != section.id
            && !self.is_shown(target_section, 0, target_section.show_if.as_ref(), answers)
        {
            return false;
        }
        let index = if target_section.id == section.id {
            index
        } else {
            0
        };
        answers
            .get(&target_section.id, index, &target.id)
            .is_some_and(|a| a.has(&condition.equals))
    }

    /// How many items a section shows: what was entered, at least one for an ordinary section
    /// and at least `min` for a repeating one.
    pub fn item_count(&self, section: &Section, answers: &Answers) -> usize {
        let entered = answers.items(&section.id).len();
        match &section.repeat {
            None => 1,
            Some(r) => entered.max(r.min as usize),
        }
    }

    /// Every problem with the answers to one step, in page order.
    pub fn check_step(&self, step: &Step, answers: &Answers, today: Date) -> Vec<FieldError> {
        let mut errors = Vec::new();
        for section in &step.sections {
            if !self.is_shown(section, 0, section.show_if.as_ref(), answers) {
                continue;
            }
            if let Some(repeat) = &section.repeat {
                let entered = answers.items(&section.id).len();
                if entered > repeat.max as usize {
                    let id = format!("{}-add", section.id);
                    errors.push(FieldError {
                        field: id.clone(),
                        target: id,
                        message: format!(
                            "There can be at most {} here: remove a {}",
                            repeat.max, repeat.item
                        ),
                    });
                }
            }
            for index in 0..self.item_count(section, answers) {
                for field in &section.fields {
                    if !self.is_shown(section, index, field.show_if.as_ref(), answers) {
                        continue;
                    }
                    let answer = answers.get(&section.id, index, &field.id);
                    if let Err(message) = check_answer(field, answer, today) {
                        let id = field_dom_id(&section.id, index, &field.id);
                        errors.push(FieldError {
                            target: first_input_id(field, &id),
                            field: id,
                            message,
                        });
                    }
                }
            }
        }
        errors
    }

    pub fn step_state(&self, step: &Step, answers: &Answers, today: Date) -> StepState {
        if !answers.touches(step) {
            StepState::NotStarted
        } else if self.check_step(step, answers, today).is_empty() {
            StepState::Complete
        } else {
            StepState::InProgress
        }
    }

    /// Every problem in the whole form, with the step it is on: Accept needs none.
    pub fn check_all<'a>(&'a self, answers: &Answers, today: Date) -> Vec<(&'a Step, FieldError)> {
        self.steps
            .iter()
            .flat_map(|step| {
                self.check_step(step, answers, today)
                    .into_iter()
                    .map(move |e| (step, e))
            })
            .collect()
    }
}

/// The first input of a question: where the error summary's link puts the focus.
pub fn first_input_id(field: &Field, id: &str) -> String {
    match field.kind {
        FieldKind::Date => format!("{id}-day"),
        FieldKind::Address => format!("{id}-line1"),
        FieldKind::YesNo => format!("{id}-yes"),
        FieldKind::Choice | FieldKind::MultiChoice => field
            .options
            .first()
            .map(|o| format!("{id}-{}", o.value))
            .unwrap_or_else(|| id.to_owned()),
        _ => id.to_owned(),
    }
}

/// Checks one answer: `Err` carries the message shown beside the question.
pub fn check_answer(field: &Field, answer: Option<&Answer>, today: Date) -> Result<(), String> {
    let label = field.label.trim_end_matches(['?', ':']);
    let Some(answer) = answer.filter(|a| !a.is_empty()) else {
        if field.optional {
            return Ok(());
        }
        return Err(match field.kind {
            FieldKind::YesNo | FieldKind::Choice => format!("Select an answer to ‘{label}’"),
            FieldKind::MultiChoice => format!("Select at least one answer to ‘{label}’"),
            FieldKind::Attachments => format!("Add at least one file for ‘{label}’"),
            FieldKind::Date => format!("Enter a date for ‘{label}’"),
            FieldKind::Address => format!("Enter the address for ‘{label}’"),
            _ => format!("Enter an answer to ‘{label}’"),
        });
    };
    match field.kind {
        FieldKind::Text | FieldKind::LongText => {
            let text = answer.text().trim();
            let count = text.chars().count() as u32;
            if count > field.max_length() {
                return Err(format!(
                    "‘{label}’ must be {} characters or fewer (it is {count})",
                    field.max_length()
                ));
            }
            match field.format {
                Some(TextFormat::Upn) => Upn::parse(text).map(drop),
                Some(TextFormat::NhsNumber) => NhsNumber::parse(text).map(drop),
                Some(TextFormat::Postcode) => Postcode::parse(text).map(drop),
                None => Ok(()),
            }
            .map_err(str::to_owned)
        }
        FieldKind::Email => EmailAddress::check(answer.text()),
        FieldKind::Phone => UkPhone::parse(answer.text())
            .map(drop)
            .map_err(str::to_owned),
        FieldKind::Number => {
            let text = answer.text().trim().replace(',', "");
            let Ok(n) = text.parse::<i64>() else {
                return Err(format!("‘{label}’ must be a whole number, like 12"));
            };
            if let Some(min) = field.min.filter(|&m| n < m) {
                return Err(format!("‘{label}’ must be {min} or more"));
            }
            if let Some(max) = field.max.filter(|&m| n > m) {
                return Err(format!("‘{label}’ must be {max} or less"));
            }
            Ok(())
        }
        FieldKind::YesNo => match answer.text() {
            "yes" | "no" => Ok(()),
            _ => Err(format!("Select yes or no for ‘{label}’")),
        },
        FieldKind::Choice => field
            .option_label(answer.text())
            .map(drop)
            .ok_or_else(|| format!("Select one of the answers to ‘{label}’")),
        FieldKind::MultiChoice => {
            if answer
                .many()
                .iter()
                .all(|v| field.option_label(v).is_some())
            {
                Ok(())
            } else {
                Err(format!("Select from the answers to ‘{label}’"))
            }
        }
        FieldKind::Date => {
            let date = Date::parse(
                answer.part("day"),
                answer.part("month"),
                answer.part("year"),
            )
            .map_err(|e| e.to_string())?;
            check_date_range(field.range, date, today)
        }
        FieldKind::Address => {
            let mut missing = Vec::new();
            if answer.part("line1").trim().is_empty() {
                missing.push("the first line");
            }
            if answer.part("town").trim().is_empty() {
                missing.push("the town or city");
            }
            if !missing.is_empty() {
                return Err(format!("Enter {} of the address", missing.join(" and ")));
            }
            Postcode::parse(answer.part("postcode"))
                .map(drop)
                .map_err(str::to_owned)
        }
        FieldKind::Attachments => {
            let count = answer.many().len() as u32;
            if count > field.max_files() {
                Err(format!(
                    "You can attach up to {} for ‘{label}’",
                    plural(field.max_files(), "file")
                ))
            } else {
                Ok(())
            }
        }
    }
}

fn check_date_range(range: Option<DateRange>, date: Date, today: Date) -> Result<(), String> {
    match range {
        None => Ok(()),
        Some(DateRange::Past) if date > today => {
            Err("The date must be today or in the past".into())
        }
        Some(DateRange::Future) if date < today => {
            Err("The date must be today or in the future".into())
        }
        Some(DateRange::DateOfBirth) if date > today => {
            Err("The date of birth must be in the past".into())
        }
        Some(DateRange::DateOfBirth) if date.years_until(today) > 25 => {
            Err("The date of birth must be of a child or young person aged 25 or under".into())
        }
        Some(_) => Ok(()),
    }
}

fn plural(n: u32, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// An answer as the Summary and View Details pages show it.
pub fn display_answer(field: &Field, answer: Option<&Answer>) -> String {
    let Some(answer) = answer.filter(|a| !a.is_empty()) else {
        return "Not answered".into();
    };
    match field.kind {
        FieldKind::YesNo => match answer.text() {
            "yes" => "Yes".into(),
            "no" => "No".into(),
            other => other.into(),
        },
        FieldKind::Choice => field
            .option_label(answer.text())
            .unwrap_or(answer.text())
            .to_owned(),
        FieldKind::MultiChoice => answer
            .many()
            .iter()
            .map(|v| field.option_label(v).unwrap_or(v))
            .collect::<Vec<_>>()
            .join(", "),
        FieldKind::Date => Date::parse(
            answer.part("day"),
            answer.part("month"),
            answer.part("year"),
        )
        .map(Date::long)
        .unwrap_or_else(|_| {
            format!(
                "{} {} {}",
                answer.part("day"),
                answer.part("month"),
                answer.part("year")
            )
        }),
        FieldKind::Address => super::answers::ADDRESS_PARTS
            .iter()
            .map(|p| answer.part(p).trim())
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        FieldKind::Attachments => plural(answer.many().len() as u32, "file"),
        _ => answer.text().trim().to_owned(),
    }
}

/// The most a draft's answers may take when stored as JSON.
pub const MAX_ANSWERS_BYTES: usize = 1024 * 1024;

impl FormDefinition {
    /// Whether answers have the shape of this form: known sections and fields, the right kind
    /// of value for each, no more items than allowed, nothing absurdly long. Saves of any other
    /// shape are refused; answers of the right shape are always kept, right or wrong, so that
    /// nothing typed is lost.
    pub fn check_shape(&self, answers: &Answers) -> Result<(), String> {
        for (section_id, items) in &answers.0 {
            let Some(section) = self.section(section_id) else {
                return Err(format!("There is no section `{section_id}` in this form"));
            };
            let allowed = section.repeat.as_ref().map_or(1, |r| r.max as usize + 1);
            if items.len() > allowed {
                return Err(format!("Too many items in `{section_id}`"));
            }
            for item in items {
                for (field_id, answer) in item {
                    let Some(field) = section.fields.iter().find(|f| &f.id == field_id) else {
                        return Err(format!("There is no question `{section_id}.{field_id}`"));
                    };
                    let limit = (field.max_length() as usize) * 2 + 1000;
                    let fits = match (field.kind, answer) {
                        (FieldKind::MultiChoice | FieldKind::Attachments, Answer::Many(values)) => {
                            values.len() <= super::answers::MAX_VALUES_PER_FIELD
                                && values.iter().all(|v| v.len() <= 200)
                        }
                        (FieldKind::Date, Answer::Parts(parts)) => parts.iter().all(|(k, v)| {
                            super::answers::DATE_PARTS.contains(&k.as_str()) && v.len() <= 20
                        }),
                        (FieldKind::Address, Answer::Parts(parts)) => parts.iter().all(|(k, v)| {
                            super::answers::ADDRESS_PARTS.contains(&k.as_str()) && v.len() <= 500
                        }),
                        (
                            FieldKind::MultiChoice
                            | FieldKind::Attachments
                            | FieldKind::Date
                            | FieldKind::Address,
                            _,
                        ) => false,
                        (_, Answer::Text(text)) => text.chars().count() <= limit,
                        _ => false,
                    };
                    if !fits {
                        return Err(format!(
                            "The answer to `{section_id}.{field_id}` is not of the right kind or is too long"
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}
