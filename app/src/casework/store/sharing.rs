//! Sharing a letter, report or plan with chosen linked people. This file holds its SQL; the markup
//! is in `casework/pages/sharing.rs`.

use super::{
    case::{claim_version, Change},
    links::linked_people,
};
use crate::{
    documents::{store::NewDocument, DocumentKind},
    error::AppError,
    messages::store::{write_message, NewMessage},
    platform::outbox::Queued,
};

/// A document shared on the case, for the case page.
#[derive(sqlx::FromRow)]
pub struct CaseDocument {
    pub public_id: String,
    pub title: String,
    pub kind: String,
    pub shared_at: i64,
}

/// Every document shared on the child's record, newest first.
pub async fn shared_documents(
    pool: &sqlx::AnyPool,
    child_id: i64,
) -> Result<Vec<CaseDocument>, AppError> {
    Ok(sqlx::query_as(
        "SELECT public_id, title, kind, shared_at FROM shared_documents WHERE child_id = $1 ORDER BY shared_at DESC, id DESC",
    )
    .bind(child_id)
    .fetch_all(pool)
    .await?)
}

/// Shares a document with the chosen linked people: each gets a portal message and an email.
pub async fn share(
    change: &Change<'_>,
    kind: Option<DocumentKind>,
    title: &str,
    body: &str,
    readers: Vec<i64>,
    files: Vec<(String, bytes::Bytes)>,
) -> Result<String, AppError> {
    let (state, staff, case, version) = change.parts();
    let kind = kind.ok_or_else(|| AppError::field("kind", "Choose what kind of document it is"))?;
    let title = title.trim();
    if title.is_empty() {
        return Err(AppError::field("title", "Enter a title for the document"));
    }
    if body.trim().is_empty() && files.is_empty() {
        return Err(AppError::field(
            "body",
            "Write the document here, or choose a file to share",
        ));
    }
    if readers.is_empty() {
        return Err(AppError::field(
            "readers",
            "Choose who can read the document",
        ));
    }
    if kind == DocumentKind::DraftPlan {
        draft_plan_names_no_school(state, "body", &format!("{title}\n{body}")).await?;
    }
    let people = linked_people(state.db.pool(), case.child_id).await?;
    if readers
        .iter()
        .any(|r| !people.iter().any(|p| p.user_id == *r))
    {
        return Err(AppError::field(
            "readers",
            "Someone chosen is no longer linked to the child: choose again",
        ));
    }
    let stored = crate::documents::store::store_files(&state.storage, &files).await?;
    let mut tx = state.db.begin().await?;
    claim_version(&mut tx, case.child_id, version, staff.id).await?;
    crate::documents::store::record_document(
        &mut tx,
        &NewDocument {
            child_id: case.child_id,
            shared_by: staff.id,
            kind,
            title: title.to_owned(),
            body: body.trim().to_owned(),
            readers: readers.clone(),
            files: Vec::new(),
        },
        &stored,
    )
    .await?;
    let first = &case.child.first_name;
    let what = lower_first(kind.label());
    let mut emails = Vec::new();
    for reader in &readers {
        let (_, email) = write_message(
            &mut tx,
            state,
            &NewMessage {
                recipient_id: *reader,
                sender_id: Some(staff.id),
                child_id: Some(case.child_id),
                case_child_id: None,
                subject: format!("New {what} for {first}: {title}"),
                body: format!(
                    "The SEN team has shared a {what} with you: {title}.\n\nRead it in {first}’s History: choose {first} in your SEND area, then View Shared Form.",
                ),
                action: None,
            },
        )
        .await?;
        emails.push(email);
    }
    tx.commit().await?;
    emails.into_iter().for_each(Queued::wake);
    let names: Vec<&str> = people
        .iter()
        .filter(|p| readers.contains(&p.user_id))
        .map(|p| p.name.as_str())
        .collect();
    Ok(format!("{title} is shared with {}", names.join(", ")))
}

/// "Draft EHC plan" → "draft EHC plan".
pub(super) fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A draft plan leaves its placement (section I) empty: the family names the school or setting
/// they want once they have read it. One that names a school or setting the portal knows is
/// refused (typed files are not read).
pub(super) async fn draft_plan_names_no_school(
    state: &crate::platform::AppState,
    field: &str,
    text: &str,
) -> Result<(), AppError> {
    let text = text.to_lowercase();
    let named = crate::advice::store::schools_and_settings(state.db.pool())
        .await?
        .into_iter()
        .find(|o| text.contains(&o.name.to_lowercase()));
    match named {
        Some(school) => Err(AppError::field(
            field,
            format!(
                "A draft plan must not name a school or setting, and this one names {}: leave \
                 the placement (section I) empty until the final plan",
                school.name
            ),
        )),
        None => Ok(()),
    }
}
