//! Asking an organisation (or one of its members) for advice on a case. This file holds its
//! SQL; the markup is in `casework/pages/advice.rs`.

use super::case::{claim_version, Change};
use crate::{
    advice::{
        store::{
            insert_consultation, insert_request, organisations_with_members, schools_and_settings,
            NewConsultation, NewRequest,
        },
        AdviceKind,
    },
    auth::ssr::accounts::Audit,
    error::AppError,
    messages::store::{write_message, NewMessage},
    platform::{db::unix_now, outbox::Queued},
    values::Date,
};

/// What the SEN officer asked for, as typed.
pub struct AdviceAsked<'a> {
    pub kind: &'a str,
    pub organisation: Option<i64>,
    /// A member's id, or `None` (or 0): anyone in the organisation.
    pub person: Option<i64>,
    pub due_on: Result<Date, String>,
    pub note: &'a str,
}

/// Records the request; the banner's words.
pub async fn ask_advice(
    change: &Change<'_>,
    asked: &AdviceAsked<'_>,
    today: Date,
) -> Result<String, AppError> {
    let (state, staff, case, version) = change.parts();
    let kind = AdviceKind::parse(asked.kind)
        .ok_or_else(|| AppError::field("advice-kind", "Choose the kind of advice"))?;
    let organisations = organisations_with_members(state.db.pool()).await?;
    let chosen = asked
        .organisation
        .and_then(|id| organisations.iter().find(|o| o.id == id))
        .ok_or_else(|| AppError::field("advice-organisation", "Choose who to ask for advice"))?;
    let (organisation_id, organisation) = (&chosen.id, &chosen.name);
    let person = match asked.person.filter(|id| *id != 0) {
        None => None,
        Some(id) => Some(
            chosen
                .members
                .iter()
                .find(|(m, _)| *m == id)
                .ok_or_else(|| {
                    AppError::field(
                        "advice-person",
                        format!("Choose someone who works at {organisation}, or anyone there"),
                    )
                })?,
        ),
    };
    let due_on = asked
        .due_on
        .clone()
        .map_err(|m| AppError::field("advice-due-day", m))?;
    if due_on < today {
        return Err(AppError::field(
            "advice-due-day",
            "The due date must be today or later",
        ));
    }
    let mut tx = state.db.begin().await?;
    claim_version(&mut tx, case.child_id, version, staff.id).await?;
    insert_request(
        &mut tx,
        &NewRequest {
            child_id: case.child_id,
            kind,
            organisation_id: *organisation_id,
            person_id: person.map(|(id, _)| *id),
            note: asked.note.trim(),
            asked_on: today,
            due_on,
            asked_by: staff.id,
            asked_at: unix_now(),
        },
    )
    .await?;
    let of = match person {
        Some((_, name)) => format!("{name} at {organisation}"),
        None => organisation.clone(),
    };
    Audit::of(None, "advice_asked", "")
        .by(staff.id)
        .child(case.child_id)
        .detail(&format!(
            "{} from {of}, due {}",
            kind.label(),
            due_on.long()
        ))
        .write(&mut tx)
        .await?;
    // Whoever it is asked of hears of it in their messages (and by email): the named person,
    // or everyone in the organisation. Their caseload lists it; picking it up links them to
    // the child, so the message names no child.
    let recipients: Vec<i64> = match person {
        Some((id, _)) => vec![*id],
        None => chosen.members.iter().map(|(id, _)| *id).collect(),
    };
    let note = asked.note.trim();
    let emails = tell_professionals(
        &mut tx,
        change,
        &recipients,
        format!("{} asked of {of}", kind.label()),
        format!(
            "The SEN team has asked {of} for {} for an EHC needs assessment, due by {}.{}\n\n\
             Anyone at {organisation} can pick it up from their caseload: {}/professional",
            kind.label().to_lowercase(),
            due_on.long(),
            if note.is_empty() {
                String::new()
            } else {
                format!("\n\n{note}")
            },
            state.runtime.base_url
        ),
    )
    .await?;
    tx.commit().await?;
    emails.into_iter().for_each(Queued::wake);
    Ok(format!(
        "{} has been asked of {of}, due by {}",
        kind.label(),
        due_on.long()
    ))
}

/// What the SEN officer typed to consult a school or setting.
pub struct Consulting<'a> {
    pub organisation: Option<i64>,
    /// The public id of the draft plan to send.
    pub document: &'a str,
    pub due_on: Result<Date, String>,
    pub note: &'a str,
}

/// Consults a school or setting on the child's draft plan: its members can read the plan and
/// answer on their caseload, and each hears of it by message and email. The banner's words.
pub async fn consult_school(
    change: &Change<'_>,
    consulting: &Consulting<'_>,
    today: Date,
) -> Result<String, AppError> {
    let (state, staff, case, version) = change.parts();
    let schools = schools_and_settings(state.db.pool()).await?;
    let school = consulting
        .organisation
        .and_then(|id| schools.iter().find(|o| o.id == id))
        .ok_or_else(|| {
            AppError::field(
                "consult-organisation",
                "Choose the school or setting to consult",
            )
        })?;
    let document: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM shared_documents WHERE public_id = $1 AND child_id = $2 AND kind = 'draft_plan'",
    )
    .bind(consulting.document)
    .bind(case.child_id)
    .fetch_optional(state.db.pool())
    .await?;
    let document = document
        .ok_or_else(|| AppError::field("consult-document", "Choose the draft plan to send"))?;
    let due_on = consulting
        .due_on
        .clone()
        .map_err(|m| AppError::field("consult-due-day", m))?;
    if due_on < today {
        return Err(AppError::field(
            "consult-due-day",
            "The date to answer by must be today or later",
        ));
    }
    if school.members.is_empty() {
        return Err(AppError::field(
            "consult-organisation",
            format!(
                "Nobody at {} has an account yet: ask an administrator to add its staff first",
                school.name
            ),
        ));
    }
    let mut tx = state.db.begin().await?;
    claim_version(&mut tx, case.child_id, version, staff.id).await?;
    insert_consultation(
        &mut tx,
        &NewConsultation {
            child_id: case.child_id,
            organisation_id: school.id,
            document_id: document,
            note: consulting.note.trim(),
            asked_on: today,
            due_on,
            asked_by: staff.id,
            asked_at: unix_now(),
        },
    )
    .await?;
    Audit::of(None, "school_consulted", "")
        .by(staff.id)
        .child(case.child_id)
        .detail(&format!("{}, answer due {}", school.name, due_on.long()))
        .write(&mut tx)
        .await?;
    let members: Vec<i64> = school.members.iter().map(|(id, _)| *id).collect();
    let emails = tell_professionals(
        &mut tx,
        change,
        &members,
        format!("Consultation on a draft EHC plan for {}", school.name),
        format!(
            "The SEN team asks whether {} can meet the needs of a child or young person, \
             and would like your answer by {}. Read the draft plan and answer from your \
             caseload: {}/professional",
            school.name,
            due_on.long(),
            state.runtime.base_url
        ),
    )
    .await?;
    tx.commit().await?;
    emails.into_iter().for_each(Queued::wake);
    Ok(format!(
        "{} has been consulted on the draft plan, with an answer due by {}",
        school.name,
        due_on.long()
    ))
}

/// The same message, in the caller's transaction, to each professional asked for something on
/// their caseload (a portal message and an email). It names no child: they may not be linked
/// to one yet; the conversation still belongs to the case, for the SEN team. The emails to announce once the transaction has committed.
async fn tell_professionals(
    tx: &mut sqlx::AnyConnection,
    change: &Change<'_>,
    recipients: &[i64],
    subject: String,
    body: String,
) -> Result<Vec<Queued>, AppError> {
    let (state, staff, case, _) = change.parts();
    let mut emails = Vec::new();
    for recipient in recipients {
        let (_, email) = write_message(
            &mut *tx,
            state,
            &NewMessage {
                recipient_id: *recipient,
                sender_id: Some(staff.id),
                child_id: None,
                case_child_id: Some(case.child_id),
                subject: subject.clone(),
                body: body.clone(),
                action: None,
            },
        )
        .await?;
        emails.push(email);
    }
    Ok(emails)
}
