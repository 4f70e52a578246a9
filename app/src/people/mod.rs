//! Children and young people, and who is linked to them. A person sees a child's record only
//! through a link; every lookup here goes through one, so another child cannot be reached.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod access;
#[cfg(feature = "ssr")]
pub mod store;

/// A child as pages show them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildSummary {
    /// The random id in addresses (`/children/…`).
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    /// ISO 8601.
    pub date_of_birth: String,
}

impl ChildSummary {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// How a person is linked to a child.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Relationship {
    ParentCarer,
    /// A young person's own record.
    Myself,
    Professional,
}

impl Relationship {
    pub fn parse(text: &str) -> Option<Relationship> {
        [
            Relationship::ParentCarer,
            Relationship::Myself,
            Relationship::Professional,
        ]
        .into_iter()
        .find(|r| r.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Relationship::ParentCarer => "parent_carer",
            Relationship::Myself => "self",
            Relationship::Professional => "professional",
        }
    }

    /// Words for people: "Sam Taylor (parent or carer)".
    pub fn label(self) -> &'static str {
        match self {
            Relationship::ParentCarer => "parent or carer",
            Relationship::Myself => "the young person",
            Relationship::Professional => "professional",
        }
    }
}

/// A person as Add Person records them: checked names, a real date of birth in the right range,
/// and whether it is a child of the person adding them or the young person themself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPerson {
    pub relationship: Relationship,
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: crate::values::Date,
}

/// Add Person's answers as typed (kept when there is a problem, so nothing is lost).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PersonAnswers {
    /// "child" or "self".
    pub who: String,
    pub first_name: String,
    pub last_name: String,
    pub day: String,
    pub month: String,
    pub year: String,
}

/// EHC plans can run to the 26th birthday; a young person asks for themself from 16.
pub const OLDEST_AGE: i32 = 25;
pub const YOUNG_PERSON_FROM: i32 = 16;

impl NewPerson {
    /// Every problem, each with the id of the input it is about.
    pub fn parse(
        answers: &PersonAnswers,
        today: crate::values::Date,
    ) -> Result<NewPerson, Vec<crate::error::FieldError>> {
        use crate::{error::FieldError, values::Date};
        let mut problems = Vec::new();
        let mut problem = |field: &str, target: &str, message: String| {
            problems.push(FieldError {
                field: field.to_owned(),
                target: target.to_owned(),
                message,
            })
        };
        let relationship = match answers.who.as_str() {
            "child" => Some(Relationship::ParentCarer),
            "self" => Some(Relationship::Myself),
            _ => {
                problem("who", "who", "Select who you are adding".into());
                None
            }
        };
        let myself = relationship == Some(Relationship::Myself);
        let name =
            |text: &str, which: &str, field: &str, problem: &mut dyn FnMut(&str, &str, String)| {
                let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                if text.is_empty() {
                    problem(field, field, format!("Enter {which}"));
                } else if text.chars().count() > 100 {
                    problem(
                        field,
                        field,
                        format!("{} must be 100 characters or fewer", capitalise(which)),
                    );
                }
                text
            };
        let (first, last) = if myself {
            ("your first name", "your last name")
        } else {
            ("their first name", "their last name")
        };
        let first_name = name(&answers.first_name, first, "first_name", &mut problem);
        let last_name = name(&answers.last_name, last, "last_name", &mut problem);
        let date_of_birth = match Date::parse(&answers.day, &answers.month, &answers.year) {
            Err(err) => {
                use crate::values::DateError;
                let whose = if myself { "your" } else { "their" };
                let message = match err {
                    DateError::Missing => format!("Enter {whose} date of birth"),
                    DateError::Incomplete(what) => format!("Date of birth must include {what}"),
                    DateError::YearFormat => "Year of birth must be 4 numbers, like 2019".into(),
                    DateError::NotReal => {
                        "Date of birth must be a real date, like 27 3 2019".into()
                    }
                };
                problem("date_of_birth", "date_of_birth-day", message);
                None
            }
            Ok(date) if date > today => {
                problem(
                    "date_of_birth",
                    "date_of_birth-day",
                    "Date of birth must be today or in the past".into(),
                );
                None
            }
            Ok(date) if date.years_until(today) > OLDEST_AGE => {
                problem("date_of_birth", "date_of_birth-day", format!(
                    "Date of birth: EHC needs assessments are for children and young people aged {OLDEST_AGE} or under"
                ));
                None
            }
            Ok(date) if myself && date.years_until(today) < YOUNG_PERSON_FROM => {
                problem("date_of_birth", "date_of_birth-day", format!(
                    "Date of birth: you can ask for your own assessment from age {YOUNG_PERSON_FROM}. A parent or carer can ask for a younger child"
                ));
                None
            }
            Ok(date) => Some(date),
        };
        match (relationship, date_of_birth) {
            (Some(relationship), Some(date_of_birth)) if problems.is_empty() => Ok(NewPerson {
                relationship,
                first_name,
                last_name,
                date_of_birth,
            }),
            _ => Err(problems),
        }
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::Date;

    fn answers(who: &str, first: &str, last: &str, dob: (&str, &str, &str)) -> PersonAnswers {
        PersonAnswers {
            who: who.into(),
            first_name: first.into(),
            last_name: last.into(),
            day: dob.0.into(),
            month: dob.1.into(),
            year: dob.2.into(),
        }
    }

    fn messages(result: Result<NewPerson, Vec<crate::error::FieldError>>) -> Vec<String> {
        result
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.message)
            .collect()
    }

    #[test]
    fn a_child_is_added_with_tidy_names_and_a_real_date() {
        let today = Date::new(2026, 12, 2).unwrap();
        let person = NewPerson::parse(
            &answers("child", "  Ruby ", "Taylor  Smith", ("3", "mar", "2019")),
            today,
        )
        .unwrap();
        assert_eq!(person.first_name, "Ruby");
        assert_eq!(person.last_name, "Taylor Smith");
        assert_eq!(person.date_of_birth, Date::new(2019, 3, 3).unwrap());
        assert_eq!(person.relationship, Relationship::ParentCarer);
    }

    #[test]
    fn every_problem_is_named() {
        let today = Date::new(2026, 12, 2).unwrap();
        assert_eq!(
            messages(NewPerson::parse(&answers("", "", "", ("", "", "")), today)),
            [
                "Select who you are adding",
                "Enter their first name",
                "Enter their last name",
                "Enter their date of birth"
            ]
        );
        assert_eq!(
            messages(NewPerson::parse(
                &answers("child", "A", "B", ("3", "12", "2026")),
                today
            )),
            ["Date of birth must be today or in the past"]
        );
        assert_eq!(
            messages(NewPerson::parse(
                &answers("child", "A", "B", ("31", "2", "2020")),
                today
            )),
            ["Date of birth must be a real date, like 27 3 2019"]
        );
    }

    #[test]
    fn ages_are_kept_to_the_ehc_range() {
        let today = Date::new(2026, 12, 2).unwrap();
        // 26 today: too old.
        assert!(NewPerson::parse(&answers("child", "A", "B", ("2", "12", "2000")), today).is_err());
        // 25 until tomorrow: still in range.
        assert!(NewPerson::parse(&answers("child", "A", "B", ("3", "12", "2000")), today).is_ok());
        // A young person of 15 cannot ask for themself; at 16 they can.
        assert!(NewPerson::parse(&answers("self", "A", "B", ("3", "12", "2010")), today).is_err());
        let me = NewPerson::parse(&answers("self", "A", "B", ("2", "12", "2010")), today).unwrap();
        assert_eq!(me.relationship, Relationship::Myself);
    }
}
