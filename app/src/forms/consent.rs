//! What the family's consent lets professionals read. The E2 form asks whom the council may ask
//! for advice and share information with; each E2 the family sends replaces, for its child, the
//! kinds of organisation whose linked members read the family's forms (`child_sharing`).

use crate::{
    error::AppError,
    formdef::answers::{Answer, Answers},
    teams::OrganisationKind,
};

/// The consent form, and where in it the answer is.
pub const CONSENT_FORM: &str = "e2-parental-consent";
const SECTION: &str = "consent_to_share";
const FIELD: &str = "share_with";

/// The kinds of organisation each consent answer covers.
fn kinds_for(answer: &str) -> &'static [OrganisationKind] {
    match answer {
        "education" => &[OrganisationKind::School, OrganisationKind::EarlyYears],
        "educational_psychology" => &[OrganisationKind::EducationalPsychology],
        "health" => &[OrganisationKind::Health],
        "social_care" => &[OrganisationKind::SocialCare],
        // Another council is not an organisation in this portal.
        _ => &[],
    }
}

/// The organisation kinds a consent form's answers allow, sorted.
pub fn allowed_kinds(answers: &Answers) -> Vec<&'static str> {
    let mut kinds: Vec<&'static str> = match answers.get(SECTION, 0, FIELD) {
        Some(Answer::Many(values)) => values
            .iter()
            .flat_map(|v| kinds_for(v))
            .map(|k| k.as_str())
            .collect(),
        _ => Vec::new(),
    };
    kinds.sort_unstable();
    kinds.dedup();
    kinds
}

/// Records a consent form just sent for the child by its family, in the caller's transaction:
/// what it allows replaces what an earlier one did.
pub async fn record_consent(
    conn: &mut sqlx::AnyConnection,
    child_id: i64,
    answers: &Answers,
    at: i64,
) -> Result<(), AppError> {
    sqlx::query("DELETE FROM child_sharing WHERE child_id = $1")
        .bind(child_id)
        .execute(&mut *conn)
        .await?;
    for kind in allowed_kinds(answers) {
        sqlx::query(
            "INSERT INTO child_sharing (child_id, organisation_kind, recorded_at) VALUES ($1, $2, $3)",
        )
        .bind(child_id)
        .bind(kind)
        .bind(at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn consent(values: &[&str]) -> Answers {
        let mut answers = Answers::default();
        answers.set(
            SECTION,
            0,
            FIELD,
            Answer::Many(values.iter().map(|v| v.to_string()).collect()),
        );
        answers
    }

    #[test]
    fn each_answer_allows_the_organisations_it_names_and_nothing_else() {
        assert_eq!(allowed_kinds(&Answers::default()), Vec::<&str>::new());
        assert_eq!(allowed_kinds(&consent(&["health"])), ["health"]);
        assert_eq!(
            allowed_kinds(&consent(&[
                "education",
                "educational_psychology",
                "other_council"
            ])),
            ["early_years", "educational_psychology", "school"]
        );
    }

    #[test]
    fn the_consent_form_still_asks_the_question_this_reads() {
        let library = crate::formdef::library::FormLibrary::shipped().unwrap();
        let form = library.latest(CONSENT_FORM).expect("E2 ships");
        let section = form.sections().find(|s| s.id == SECTION).expect("section");
        let field = section
            .fields
            .iter()
            .find(|f| f.id == FIELD)
            .expect("field");
        let options: Vec<&str> = field.options.iter().map(|o| o.value.as_str()).collect();
        for option in options {
            assert!(
                option == "other_council" || !kinds_for(option).is_empty(),
                "{option} allows nobody"
            );
        }
    }
}
