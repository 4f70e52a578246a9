//! Forms the SEN team asks a linked person for, with a due date. This file holds its SQL; the
//! markup is in `casework/pages/requests.rs`.

use super::{
    case::{claim_version, Change},
    links::linked_people,
};
use crate::{
    error::AppError,
    messages::store::{write_message, FormRequest, NewMessage},
    platform::AppState,
    values::Date,
};

/// A form asked for, with whom it was asked of and how many answers have come since.
#[derive(sqlx::FromRow)]
struct FormRequestRow {
    form_id: String,
    recipient_name: String,
    due_on: Option<String>,
    answers: i64,
}

/// The forms asked for on the case, newest first: (form title, recipient, due, outstanding).
/// A request stays outstanding until the person sends that form (one not sent back) after it.
pub async fn form_requests(
    state: &AppState,
    child_id: i64,
) -> Result<Vec<(String, String, Date, bool)>, AppError> {
    let rows: Vec<FormRequestRow> = sqlx::query_as(sqlx::AssertSqlSafe(
        "SELECT m.form_id, u.full_name AS recipient_name, m.due_on, (SELECT COUNT(*) FROM submissions s \
           WHERE s.child_id = m.child_id AND s.form_id = m.form_id AND s.submitted_by = m.recipient_id \
           AND s.submitted_at >= m.sent_at AND NOT EXISTS (SELECT 1 FROM submission_reviews r \
             WHERE r.submission_id = s.id AND r.outcome = 'rejected')) AS answers \
         FROM messages m JOIN users u ON u.id = m.recipient_id \
         WHERE m.child_id = $1 AND m.form_id IS NOT NULL ORDER BY m.sent_at DESC, m.id DESC",
    ))
    .bind(child_id)
    .fetch_all(state.db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let title = state
                .forms
                .latest(&row.form_id)
                .map(|f| f.title.clone())
                .unwrap_or(row.form_id);
            Some((
                title,
                row.recipient_name,
                Date::from_iso(&row.due_on?)?,
                row.answers == 0,
            ))
        })
        .collect())
}

/// Asks a linked person for a form by a date: a portal message and an email.
pub async fn request_form(
    change: &Change<'_>,
    form_id: &str,
    recipient: Option<i64>,
    due_on: Result<Date, String>,
    note: &str,
    today: Date,
) -> Result<String, AppError> {
    let (state, staff, case, version) = change.parts();
    let form = state
        .forms
        .latest(form_id)
        .ok_or_else(|| AppError::field("form", "Choose the form to ask for"))?;
    let person = match recipient {
        Some(id) => linked_people(state.db.pool(), case.child_id)
            .await?
            .into_iter()
            .find(|p| p.user_id == id),
        None => None,
    }
    .ok_or_else(|| AppError::field("recipient", "Choose who should fill in the form"))?;
    if !form.startable_by(person.role) {
        return Err(AppError::field(
            "form",
            format!(
                "{} is not a form {} can fill in: choose another form or person",
                form.title, person.name
            ),
        ));
    }
    let due_on = due_on.map_err(|m| AppError::field("due-day", m))?;
    if due_on < today {
        return Err(AppError::field(
            "due-day",
            "The due date must be today or later",
        ));
    }
    // A young person acting for themself is asked in their own voice.
    let for_whom = if person.relationship == crate::people::Relationship::Myself {
        String::new()
    } else {
        format!(" for {}", case.child.first_name)
    };
    let mut body = format!(
        "Please fill in {}{for_whom} in the SEND portal by {}.",
        form.title,
        due_on.long()
    );
    if !note.trim().is_empty() {
        body = format!("{}\n\n{body}", note.trim());
    }
    let mut tx = state.db.begin().await?;
    claim_version(&mut tx, case.child_id, version, staff.id).await?;
    let (_, email) = write_message(
        &mut tx,
        state,
        &NewMessage {
            recipient_id: person.user_id,
            sender_id: Some(staff.id),
            child_id: Some(case.child_id),
            case_child_id: None,
            subject: format!("Please fill in {}{for_whom}", form.title),
            body,
            action: Some(FormRequest {
                form_id: form.id.clone(),
                due_on,
            }),
        },
    )
    .await?;
    tx.commit().await?;
    email.wake();
    Ok(format!(
        "{} has been asked for {} by {}",
        person.name,
        form.title,
        due_on.long()
    ))
}
