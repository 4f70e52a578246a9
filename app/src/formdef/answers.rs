//! The answers of a draft: one JSON document, kept exactly as typed (nothing a person enters is
//! thrown away for being wrong), checked against the definition when shown or submitted.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::schema::{FieldKind, Step};
use crate::error::AppError;

/// The most name–value pairs one posted step may carry: several times what the largest step
/// of any form posts (every item of its repeating sections, every option ticked; a test holds
/// the shipped forms to it), and few enough that handling them is quick.
pub const MAX_STEP_PAIRS: usize = 2_000;
/// The most values one name may carry in a posted step, and so the most options of a
/// multiple-choice question or files of an attachments question an answer may hold.
pub const MAX_VALUES_PER_FIELD: usize = 100;
/// The most text (names and values, in bytes) one posted step may carry. Files are not
/// counted here: the upload limit bounds each of them.
pub const MAX_STEP_TEXT_BYTES: usize = 1024 * 1024;

/// Why a posted step was refused before anything in it was looked at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepTooLarge {
    TooManyPairs,
    TooManyValues,
    TooMuchText,
    /// A body longer than any step within the limits, refused before it was read to the end.
    TooLong,
}

impl std::fmt::Display for StepTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StepTooLarge::TooManyPairs => write!(
                f,
                "This page sent more than {MAX_STEP_PAIRS} answers at once, more than any form asks for. Nothing was saved."
            ),
            StepTooLarge::TooManyValues => write!(
                f,
                "This page sent more than {MAX_VALUES_PER_FIELD} answers to one question. Nothing was saved."
            ),
            StepTooLarge::TooMuchText => write!(
                f,
                "The answers on this page come to more than {} MB of text, too much to save at once. Shorten the longest answers and try again. Nothing was saved.",
                MAX_STEP_TEXT_BYTES / (1024 * 1024)
            ),
            StepTooLarge::TooLong => write!(
                f,
                "This page sent more than can be saved at once: at most {MAX_STEP_PAIRS} answers and {} MB of text. Nothing was saved.",
                MAX_STEP_TEXT_BYTES / (1024 * 1024)
            ),
        }
    }
}

impl From<StepTooLarge> for AppError {
    fn from(too_large: StepTooLarge) -> Self {
        AppError::TooLarge(too_large.to_string())
    }
}

/// Bounds a posted step (its `name=value` pairs, as posted) before anything works through its
/// fields: at most `MAX_STEP_PAIRS` pairs, `MAX_VALUES_PER_FIELD` values for one name and
/// `MAX_STEP_TEXT_BYTES` of text. Takes time in proportion to the pairs it reads, and reads no
/// more than `MAX_STEP_PAIRS` of them.
pub fn check_step_size(pairs: &[(String, String)]) -> Result<(), StepTooLarge> {
    if pairs.len() > MAX_STEP_PAIRS {
        return Err(StepTooLarge::TooManyPairs);
    }
    let mut text = 0usize;
    let mut values: HashMap<&str, usize> = HashMap::with_capacity(pairs.len());
    for (name, value) in pairs {
        text = text.saturating_add(name.len()).saturating_add(value.len());
        if text > MAX_STEP_TEXT_BYTES {
            return Err(StepTooLarge::TooMuchText);
        }
        let count = values.entry(name.as_str()).or_default();
        *count += 1;
        if *count > MAX_VALUES_PER_FIELD {
            return Err(StepTooLarge::TooManyValues);
        }
    }
    Ok(())
}

/// Section id → its items (one for an ordinary section, one per "Add More" for a repeating one).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Answers(pub BTreeMap<String, Vec<Item>>);

/// Field id → answer, for one item of a section.
pub type Item = BTreeMap<String, Answer>;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    /// Text, numbers, yes/no and single choices, as typed or chosen.
    Text(String),
    /// Multiple choices ticked, or the ids of attached files.
    Many(Vec<String>),
    /// A date's day, month and year; an address's lines, town and postcode.
    Parts(BTreeMap<String, String>),
}

/// The parts of a date answer and of an address answer.
pub const DATE_PARTS: [&str; 3] = ["day", "month", "year"];
pub const ADDRESS_PARTS: [&str; 4] = ["line1", "line2", "town", "postcode"];

impl Answer {
    pub fn is_empty(&self) -> bool {
        match self {
            Answer::Text(text) => text.trim().is_empty(),
            Answer::Many(values) => values.is_empty(),
            Answer::Parts(parts) => parts.values().all(|v| v.trim().is_empty()),
        }
    }

    pub fn text(&self) -> &str {
        match self {
            Answer::Text(text) => text,
            _ => "",
        }
    }

    pub fn many(&self) -> &[String] {
        match self {
            Answer::Many(values) => values,
            _ => &[],
        }
    }

    pub fn part(&self, name: &str) -> &str {
        match self {
            Answer::Parts(parts) => parts.get(name).map(String::as_str).unwrap_or(""),
            _ => "",
        }
    }

    /// Whether the answer is, or includes, `value` (for conditions).
    pub fn has(&self, value: &str) -> bool {
        match self {
            Answer::Text(text) => text == value,
            Answer::Many(values) => values.iter().any(|v| v == value),
            Answer::Parts(_) => false,
        }
    }
}

impl Answers {
    pub fn items(&self, section: &str) -> &[Item] {
        self.0.get(section).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn get(&self, section: &str, index: usize, field: &str) -> Option<&Answer> {
        self.items(section).get(index)?.get(field)
    }

    pub fn set(&mut self, section: &str, index: usize, field: &str, answer: Answer) {
        let items = self.0.entry(section.to_owned()).or_default();
        while items.len() <= index {
            items.push(Item::new());
        }
        items[index].insert(field.to_owned(), answer);
    }

    /// "Add More": a new empty item at the end; its index.
    pub fn add_item(&mut self, section: &str) -> usize {
        let items = self.0.entry(section.to_owned()).or_default();
        items.push(Item::new());
        items.len() - 1
    }

    /// "Remove": takes an item out; later ones move up.
    pub fn remove_item(&mut self, section: &str, index: usize) {
        if let Some(items) = self.0.get_mut(section) {
            if index < items.len() {
                items.remove(index);
            }
        }
    }

    /// Whether anything has been entered in any of the step's sections.
    pub fn touches(&self, step: &Step) -> bool {
        step.sections.iter().any(|s| {
            self.items(&s.id)
                .iter()
                .any(|item| item.values().any(|a| !a.is_empty()))
        })
    }

    /// Replaces the step's answers with those of a posted form (the page without JavaScript).
    /// Names are `section.index.field` (or `section.index.field.part`); a name that is not a
    /// field of this step is ignored. Attachments are kept: files are added by upload.
    /// Callers bound `pairs` first (`check_step_size`); this takes time in proportion to them.
    pub fn replace_step(&mut self, step: &Step, pairs: &[(String, String)]) {
        for section in &step.sections {
            let old = self.0.remove(&section.id).unwrap_or_default();
            let mut items: Vec<Item> = Vec::new();
            // The options already ticked, per item and question: a value posted twice counts once.
            let mut ticked: HashMap<(usize, &str), HashSet<&str>> = HashMap::new();
            for (name, value) in pairs {
                let mut bits = name.splitn(4, '.');
                let (Some(s), Some(index), Some(f)) = (bits.next(), bits.next(), bits.next())
                else {
                    continue;
                };
                let part = bits.next();
                let (Ok(index), true) = (index.parse::<usize>(), s == section.id) else {
                    continue;
                };
                let Some(field) = section.fields.iter().find(|x| x.id == f) else {
                    continue;
                };
                // A page never has more items than the most a section allows, plus one.
                if index > section.repeat.as_ref().map_or(0, |r| r.max as usize) {
                    continue;
                }
                while items.len() <= index {
                    items.push(Item::new());
                }
                let item = &mut items[index];
                match (field.kind, part) {
                    (FieldKind::MultiChoice, None) => {
                        if let Answer::Many(values) = item
                            .entry(f.to_owned())
                            .or_insert_with(|| Answer::Many(Vec::new()))
                        {
                            if !value.is_empty()
                                && ticked.entry((index, f)).or_default().insert(value.as_str())
                            {
                                values.push(value.clone());
                            }
                        }
                    }
                    (FieldKind::Date, Some(part)) if DATE_PARTS.contains(&part) => {
                        set_part(item, f, part, value)
                    }
                    (FieldKind::Address, Some(part)) if ADDRESS_PARTS.contains(&part) => {
                        set_part(item, f, part, value)
                    }
                    (FieldKind::Attachments, _) => {}
                    (_, None) => {
                        item.insert(f.to_owned(), Answer::Text(value.clone()));
                    }
                    _ => {}
                }
            }
            // Keep attached files where the item is still there.
            for field in section
                .fields
                .iter()
                .filter(|f| f.kind == FieldKind::Attachments)
            {
                for (index, old_item) in old.iter().enumerate() {
                    let Some(files) = old_item.get(&field.id) else {
                        continue;
                    };
                    // A file input posts no text: the item may have nothing else.
                    while items.len() <= index {
                        items.push(Item::new());
                    }
                    items[index].insert(field.id.clone(), files.clone());
                }
            }
            if !items.is_empty() {
                self.0.insert(section.id.clone(), items);
            }
        }
    }
}

fn set_part(item: &mut Item, field: &str, part: &str, value: &str) {
    let entry = item
        .entry(field.to_owned())
        .or_insert_with(|| Answer::Parts(BTreeMap::new()));
    if let Answer::Parts(parts) = entry {
        parts.insert(part.to_owned(), value.to_owned());
    }
}

/// The id of a field's element on the page: `section-index-field`.
pub fn field_dom_id(section: &str, index: usize, field: &str) -> String {
    format!("{section}-{index}-{field}")
}

/// The form-post name of a field: `section.index.field`.
pub fn field_name(section: &str, index: usize, field: &str) -> String {
    format!("{section}.{index}.{field}")
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    fn pairs(name: &str, value: &str, count: usize) -> Vec<(String, String)> {
        vec![(name.to_owned(), value.to_owned()); count]
    }

    #[test]
    fn a_step_with_a_million_values_for_one_field_is_refused_quickly() {
        let posted = pairs("consent_to_share.0.share_with", "education", 1_000_000);
        let started = Instant::now();
        let checked = check_step_size(&posted);
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "took {:?}",
            started.elapsed()
        );
        assert_eq!(checked, Err(StepTooLarge::TooManyPairs));
        let error = AppError::from(StepTooLarge::TooManyPairs);
        assert_eq!(error.status(), 413);
        assert!(error.to_string().contains("Nothing was saved"), "{error}");
    }

    #[test]
    fn one_question_takes_at_most_a_hundred_values() {
        let name = "consent_to_share.0.share_with";
        assert_eq!(
            check_step_size(&pairs(name, "health", MAX_VALUES_PER_FIELD)),
            Ok(())
        );
        assert_eq!(
            check_step_size(&pairs(name, "health", MAX_VALUES_PER_FIELD + 1)),
            Err(StepTooLarge::TooManyValues)
        );
    }

    #[test]
    fn a_step_takes_at_most_its_pairs_and_a_megabyte_of_text() {
        let many: Vec<(String, String)> = (0..=MAX_STEP_PAIRS)
            .map(|i| (format!("s.0.f{i}"), String::new()))
            .collect();
        assert_eq!(
            check_step_size(&many[..MAX_STEP_PAIRS]),
            Ok(()),
            "exactly the most is fine"
        );
        assert_eq!(check_step_size(&many), Err(StepTooLarge::TooManyPairs));

        let half = "x".repeat(MAX_STEP_TEXT_BYTES / 2);
        let long = vec![
            ("a.0.story".to_owned(), half.clone()),
            ("a.0.more".to_owned(), half),
        ];
        assert_eq!(check_step_size(&long), Err(StepTooLarge::TooMuchText));
        assert_eq!(check_step_size(&long[..1]), Ok(()));
    }
}
