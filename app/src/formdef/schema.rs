//! Form definitions: typed data, written as TOML files (`app/forms/*.toml`), checked when the
//! server starts, and sent to the browser so both sides validate with the same rules.
//!
//! A form has steps; a step has sections; a section has fields. A section may repeat ("Add
//! More": parents and carers, professionals involved) between `min` and `max` times. A
//! section or field may be shown only when an earlier yes/no or choice answer has a value.
//! The wizard adds the Summary and the declaration after the last step.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::role::Role;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormDefinition {
    /// Stable across versions: `e1-parent-request`.
    pub id: String,
    /// A draft keeps the version it was started on; change the number for any change.
    pub version: u32,
    pub title: String,
    /// One or two sentences for the list of forms.
    pub description: String,
    /// Who may start it.
    pub audience: Vec<Audience>,
    pub steps: Vec<Step>,
    pub declaration: Declaration,
    /// Shown on the confirmation page and in the email receipt.
    pub next_steps: String,
    /// The kinds of advice (`educational`, `medical`, …) this form gives. Such a form is started
    /// only by picking up an advice request, never from a child's list of forms.
    #[serde(default)]
    pub advice_for: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Parents, carers, and young people aged 16 to 25 (citizen accounts).
    Citizen,
    /// Schools, early years settings, health and care professionals.
    Professional,
    SenTeam,
}

impl FormDefinition {
    /// Whether someone in `role` may start it from a child's forms (or be asked for it in a
    /// message): advice forms come only from an advice request.
    pub fn startable_by(&self, role: Role) -> bool {
        self.advice_for.is_empty() && self.audience.iter().any(|a| a.includes(role))
    }
}

impl Audience {
    pub fn includes(self, role: Role) -> bool {
        matches!(
            (self, role),
            (Audience::Citizen, Role::Citizen)
                | (Audience::Professional, Role::Professional)
                | (Audience::SenTeam, Role::SenOfficer)
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub intro: Option<String>,
    pub sections: Vec<Section>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Unique in the form: answers are kept by section id.
    pub id: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub hint: Option<String>,
    #[serde(default)]
    pub repeat: Option<Repeat>,
    #[serde(default)]
    pub show_if: Option<Condition>,
    pub fields: Vec<Field>,
}

/// "Add More": the section is a list of items.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Repeat {
    pub min: u32,
    pub max: u32,
    /// What one item is, in lower case: "parent or carer" → "Add another parent or carer".
    pub item: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// `field` in the same section, or `section.field` elsewhere (its first item).
    pub field: String,
    /// The answer that shows it: "yes"/"no" for a yes/no question, an option's value for a
    /// choice (for multiple choice: when that option is among those ticked).
    pub equals: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Unique in its section.
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub hint: Option<String>,
    pub kind: FieldKind,
    /// Fields are required unless marked optional.
    #[serde(default)]
    pub optional: bool,
    #[serde(default)]
    pub show_if: Option<Condition>,
    /// Text and long text: the most characters allowed.
    #[serde(default)]
    pub max_length: Option<u32>,
    /// Text: a domain rule for the value.
    #[serde(default)]
    pub format: Option<TextFormat>,
    /// Date: which dates make sense.
    #[serde(default)]
    pub range: Option<DateRange>,
    /// Number: bounds.
    #[serde(default)]
    pub min: Option<i64>,
    #[serde(default)]
    pub max: Option<i64>,
    /// Choice and multiple choice.
    #[serde(default)]
    pub options: Vec<ChoiceOption>,
    /// Attachments: the most files.
    #[serde(default)]
    pub max_files: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    LongText,
    Email,
    Phone,
    Date,
    Number,
    YesNo,
    Choice,
    MultiChoice,
    Address,
    Attachments,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextFormat {
    Upn,
    NhsNumber,
    Postcode,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateRange {
    /// Today or earlier.
    Past,
    /// Today or later.
    Future,
    /// A child or young person: born at most 26 years ago, not in the future.
    DateOfBirth,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    pub value: String,
    pub label: String,
    #[serde(default)]
    pub hint: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Declaration {
    /// Paragraphs, separated by blank lines.
    pub text: String,
    /// The "I agree" statements; every one must be ticked to Accept.
    pub agreements: Vec<String>,
}

/// Default most characters for a one-line answer and for a long one.
pub const TEXT_MAX: u32 = 200;
pub const LONG_TEXT_MAX: u32 = 5000;
pub const FILES_MAX: u32 = 10;

impl Field {
    pub fn max_length(&self) -> u32 {
        self.max_length.unwrap_or(match self.kind {
            FieldKind::LongText => LONG_TEXT_MAX,
            _ => TEXT_MAX,
        })
    }

    pub fn max_files(&self) -> u32 {
        self.max_files.unwrap_or(FILES_MAX)
    }

    pub fn option_label(&self, value: &str) -> Option<&str> {
        self.options
            .iter()
            .find(|o| o.value == value)
            .map(|o| o.label.as_str())
    }
}

impl FormDefinition {
    pub fn sections(&self) -> impl Iterator<Item = &Section> {
        self.steps.iter().flat_map(|s| s.sections.iter())
    }

    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections().find(|s| s.id == id)
    }

    /// The field a condition names, seen from `section`.
    pub fn condition_target<'a>(
        &'a self,
        section: &'a Section,
        condition: &Condition,
    ) -> Option<(&'a Section, &'a Field)> {
        let (section, field) = match condition.field.split_once('.') {
            Some((s, f)) => (self.section(s)?, f),
            None => (section, condition.field.as_str()),
        };
        section
            .fields
            .iter()
            .find(|f| f.id == field)
            .map(|f| (section, f))
    }

    /// Checks everything a definition file could get wrong, naming the place.
    pub fn check(&self) -> Result<(), DefinitionError> {
        let at = |place: String, problem: &str| DefinitionError {
            place,
            problem: problem.to_owned(),
        };
        if !is_slug(&self.id) {
            return Err(at(
                "id".into(),
                "must be lower-case letters, digits, hyphens and underscores",
            ));
        }
        if self.version == 0 {
            return Err(at("version".into(), "must be 1 or more"));
        }
        if self.title.trim().is_empty() {
            return Err(at("title".into(), "is empty"));
        }
        if self.audience.is_empty() {
            return Err(at("audience".into(), "names nobody who may fill the form"));
        }
        if self.steps.is_empty() {
            return Err(at("steps".into(), "there are none"));
        }
        if self.declaration.agreements.is_empty() {
            return Err(at(
                "declaration.agreements".into(),
                "needs at least one statement to agree to",
            ));
        }
        let mut step_ids = HashSet::new();
        let mut section_ids = HashSet::new();
        // Fields seen so far, as `section.field`: a condition may only look back.
        let mut earlier: HashSet<String> = HashSet::new();
        for step in &self.steps {
            let place = format!("step `{}`", step.id);
            if !is_slug(&step.id) || step.id == "summary" || step.id == "declaration" {
                return Err(at(
                    place,
                    "id must be a slug other than `summary` and `declaration`",
                ));
            }
            if !step_ids.insert(step.id.as_str()) {
                return Err(at(place, "id is used twice"));
            }
            if step.sections.is_empty() {
                return Err(at(place, "has no sections"));
            }
            for section in &step.sections {
                let place = format!("step `{}`, section `{}`", step.id, section.id);
                if !is_slug(&section.id) {
                    return Err(at(
                        place,
                        "id must be lower-case letters, digits, hyphens and underscores",
                    ));
                }
                if !section_ids.insert(section.id.as_str()) {
                    return Err(at(place, "id is used twice in the form"));
                }
                if section.fields.is_empty() {
                    return Err(at(place, "has no fields"));
                }
                if let Some(repeat) = &section.repeat {
                    if repeat.max == 0 || repeat.min > repeat.max {
                        return Err(at(place, "repeat needs 1 ≤ max and min ≤ max"));
                    }
                    if section.title.is_none() {
                        return Err(at(place, "a repeating section needs a title"));
                    }
                }
                if let Some(condition) = &section.show_if {
                    self.check_condition(section, condition, &earlier)
                        .map_err(|p| at(place.clone(), &p))?;
                }
                let mut field_ids = HashSet::new();
                for field in &section.fields {
                    let place = format!(
                        "step `{}`, section `{}`, field `{}`",
                        step.id, section.id, field.id
                    );
                    if !is_slug(&field.id) {
                        return Err(at(
                            place,
                            "id must be lower-case letters, digits, hyphens and underscores",
                        ));
                    }
                    if !field_ids.insert(field.id.as_str()) {
                        return Err(at(place, "id is used twice in the section"));
                    }
                    if field.label.trim().is_empty() {
                        return Err(at(place, "label is empty"));
                    }
                    check_field_settings(field).map_err(|p| at(place.clone(), p))?;
                    if let Some(condition) = &field.show_if {
                        self.check_condition(section, condition, &earlier)
                            .map_err(|p| at(place.clone(), &p))?;
                    }
                    earlier.insert(format!("{}.{}", section.id, field.id));
                }
            }
        }
        Ok(())
    }

    fn check_condition(
        &self,
        section: &Section,
        condition: &Condition,
        earlier: &HashSet<String>,
    ) -> Result<(), String> {
        let Some((target_section, target)) = self.condition_target(section, condition) else {
            return Err(format!(
                "show_if names `{}`, which does not exist",
                condition.field
            ));
        };
        if !earlier.contains(&format!("{}.{}", target_section.id, target.id)) {
            return Err(format!(
                "show_if names `{}`, which must come before it",
                condition.field
            ));
        }
        let allowed = match target.kind {
            FieldKind::YesNo => ["yes", "no"].contains(&condition.equals.as_str()),
            FieldKind::Choice | FieldKind::MultiChoice => {
                target.option_label(&condition.equals).is_some()
            }
            _ => {
                return Err(format!(
                    "show_if names `{}`, which is not a yes/no or choice question",
                    condition.field
                ))
            }
        };
        if allowed {
            Ok(())
        } else {
            Err(format!(
                "show_if: `{}` is not an answer `{}` can have",
                condition.equals, condition.field
            ))
        }
    }
}

fn check_field_settings(field: &Field) -> Result<(), &'static str> {
    use FieldKind::*;
    let choice = matches!(field.kind, Choice | MultiChoice);
    if choice && field.options.len() < 2 {
        return Err("a choice needs at least two options");
    }
    if !choice && !field.options.is_empty() {
        return Err("only choice and multi_choice fields have options");
    }
    let mut values = HashSet::new();
    if field
        .options
        .iter()
        .any(|o| !values.insert(o.value.as_str()))
    {
        return Err("two options have the same value");
    }
    if field.max_length.is_some() && !matches!(field.kind, Text | LongText) {
        return Err("only text and long_text fields have max_length");
    }
    if field.max_length == Some(0) {
        return Err("max_length must be 1 or more");
    }
    if field.format.is_some() && field.kind != Text {
        return Err("only text fields have a format");
    }
    if field.range.is_some() && field.kind != Date {
        return Err("only date fields have a range");
    }
    if (field.min.is_some() || field.max.is_some()) && field.kind != Number {
        return Err("only number fields have min and max");
    }
    if let (Some(min), Some(max)) = (field.min, field.max) {
        if min > max {
            return Err("min is more than max");
        }
    }
    if field.max_files.is_some() && field.kind != Attachments {
        return Err("only attachments fields have max_files");
    }
    if field.max_files == Some(0) {
        return Err("max_files must be 1 or more");
    }
    Ok(())
}

fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// What is wrong with a definition, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefinitionError {
    pub place: String,
    pub problem: String,
}

impl std::fmt::Display for DefinitionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.place, self.problem)
    }
}

impl std::error::Error for DefinitionError {}
