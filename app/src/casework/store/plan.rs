//! The SEN team writes the EHC plan: saves and issues the draft (which records the "draft plan
//! issued" stage and tells the family), answers the family's comments, and issues the final
//! plan, which closes the draft. This file holds its rules and SQL; the markup is in
//! `casework/pages/plan.rs`, and the plan's own tables in `plans/store.rs`.

use super::{
    case::{claim_version, Change},
    links::linked_people,
    sharing::draft_plan_names_no_school,
};
use crate::{
    auth::ssr::accounts::Audit,
    error::AppError,
    messages::store::{write_message, NewMessage},
    people::Relationship,
    plans::{
        store::{self as plans, Plan},
        PlanKind, MAX_SECTION_CHARS, PLACEMENT,
    },
    platform::outbox::Queued,
    role::Role,
    status::{
        store::{load_progress, record_stage},
        timeline::{comments_due, Stage},
    },
    values::Date,
};

/// Section texts as posted: (letter, text), A to K.
pub type Sections = Vec<(&'static str, String)>;

/// Checks the texts of a plan of `kind`: none too long, none naming a school in a draft, and
/// (when it is to be issued) none empty but those a draft leaves empty.
async fn checked_sections(
    change: &Change<'_>,
    kind: PlanKind,
    sections: &Sections,
    issuing: bool,
) -> Result<Sections, AppError> {
    let mut kept = Vec::new();
    for (letter, text) in sections {
        let Some(section) = crate::plans::section(letter) else {
            continue;
        };
        let field = section.anchor();
        let text = text.trim().replace("\r\n", "\n");
        if kind == PlanKind::Draft && *letter == PLACEMENT {
            // A draft never names a school: its placement stays empty whatever is posted.
            continue;
        }
        if text.chars().count() > MAX_SECTION_CHARS {
            return Err(AppError::field(
                &field,
                format!(
                    "Section {letter} must be {MAX_SECTION_CHARS} characters or fewer: put the \
                     rest in an appendix shared as a document"
                ),
            ));
        }
        if issuing && text.is_empty() {
            return Err(AppError::field(
                &field,
                if *letter == PLACEMENT {
                    "Name the school or setting, or the type of placement, in section I: the \
                     final plan must say where the help is given"
                        .to_owned()
                } else {
                    format!(
                        "Write section {letter} ({}), or write ‘None’ if there is nothing to say",
                        section.title.to_lowercase()
                    )
                },
            ));
        }
        if kind == PlanKind::Draft {
            draft_plan_names_no_school(change.state, &field, &text).await?;
        }
        kept.push((section.letter, text));
    }
    Ok(kept)
}

/// The family who read and comment on the plan: the parents, carers and the young person
/// linked to the child, with whether each is the young person.
async fn family(change: &Change<'_>) -> Result<Vec<(i64, bool)>, AppError> {
    Ok(linked_people(change.state.db.pool(), change.case.child_id)
        .await?
        .into_iter()
        .filter(|p| p.role == Role::Citizen && p.relationship != Relationship::Professional)
        .map(|p| (p.user_id, p.relationship == Relationship::Myself))
        .collect())
}

/// Tells each of the family in a portal message (and an email saying there is one).
async fn tell_family(
    tx: &mut sqlx::AnyConnection,
    change: &Change<'_>,
    subject: impl Fn(bool) -> String,
    body: impl Fn(bool) -> String,
) -> Result<Vec<Queued>, AppError> {
    let mut emails = Vec::new();
    for (user, own) in family(change).await? {
        let (_, email) = write_message(
            &mut *tx,
            change.state,
            &NewMessage {
                recipient_id: user,
                sender_id: Some(change.staff.id),
                child_id: Some(change.case.child_id),
                case_child_id: None,
                subject: subject(own),
                body: body(own),
                action: None,
            },
        )
        .await?;
        emails.push(email);
    }
    Ok(emails)
}

/// Saves the draft being written, and issues it when `issue`: the family then has 15 days.
pub async fn save_draft(
    change: &Change<'_>,
    sections: &Sections,
    issue: bool,
    today: Date,
) -> Result<String, AppError> {
    let (state, staff, case, version) = change.parts();
    let pool = state.db.pool();
    if plans::latest_plan(pool, case.child_id, PlanKind::Final, Some(true))
        .await?
        .is_some()
    {
        return Err(AppError::invalid(
            "The final plan has been issued: there is no draft to write",
        ));
    }
    if plans::latest_plan(pool, case.child_id, PlanKind::Draft, Some(true))
        .await?
        .is_some()
    {
        return Err(AppError::invalid(
            "The draft plan has been issued: answer the family’s comments, then issue the final plan",
        ));
    }
    let sections = checked_sections(change, PlanKind::Draft, sections, issue).await?;
    let mut conn = pool.acquire().await?;
    let progress = load_progress(&mut conn, case.child_id).await?;
    drop(conn);
    let record_draft_stage = progress.date_of(Stage::DraftPlan).is_none();
    if issue {
        if progress.stopped || progress.date_of(Stage::DecisionToIssue).is_none() {
            return Err(AppError::invalid(
                "Record the decision to issue a plan before issuing the draft plan",
            ));
        }
        if let Some(last) = progress.done.iter().map(|(_, d)| *d).max() {
            if last > today {
                return Err(AppError::invalid(format!(
                    "The last stage is recorded on {}, after today: correct it first",
                    last.long()
                )));
            }
        }
    }
    let writing = plans::latest_plan(pool, case.child_id, PlanKind::Draft, Some(false)).await?;
    let mut tx = state.db.begin().await?;
    claim_version(&mut tx, case.child_id, version, staff.id).await?;
    let (plan_id, _) = match writing {
        Some(plan) => (plan.id, plan.public_id),
        None => plans::create_plan(&mut tx, case.child_id, PlanKind::Draft, staff.id).await?,
    };
    plans::save_sections(&mut tx, plan_id, &sections, staff.id).await?;
    let mut emails = Vec::new();
    let done = if issue {
        let due = comments_due(today);
        plans::mark_issued(&mut tx, plan_id, today, Some(due), staff.id).await?;
        if record_draft_stage {
            record_stage(
                &mut tx,
                case.child_id,
                Stage::DraftPlan,
                today,
                Some(staff.id),
            )
            .await?;
        }
        let first = case.child.first_name.clone();
        emails = tell_family(
            &mut tx,
            change,
            |own| {
                if own {
                    "Your draft EHC plan is ready to read".to_owned()
                } else {
                    format!("The draft EHC plan for {first} is ready to read")
                }
            },
            |own| {
                let whose = if own { "your".to_owned() } else { format!("{first}’s") };
                format!(
                    "The SEN team has issued the draft EHC plan. Read it section by section from {whose} page in your SEND area: choose Draft EHC plan.\n\nUntil {} you can comment on any section, tell us which school or setting you would like named in the plan, and ask for a meeting. We answer every comment.",
                    due.long()
                )
            },
        )
        .await?;
        Audit::of(None, "plan_issued", "")
            .by(staff.id)
            .child(case.child_id)
            .detail(&format!("comments until {}", due.long()))
            .write(&mut tx)
            .await?;
        format!(
            "The draft plan is issued: the family can comment until {}",
            due.long()
        )
    } else {
        Audit::of(None, "plan_saved", "")
            .by(staff.id)
            .child(case.child_id)
            .write(&mut tx)
            .await?;
        "The draft plan is saved. The family cannot see it until it is issued".to_owned()
    };
    tx.commit().await?;
    emails.into_iter().for_each(Queued::wake);
    Ok(done)
}

/// The open draft: issued, and not yet closed by the final plan.
async fn open_draft(change: &Change<'_>) -> Result<Plan, AppError> {
    plans::latest_plan(
        change.state.db.pool(),
        change.case.child_id,
        PlanKind::Draft,
        Some(true),
    )
    .await?
    .filter(|p| p.closed_at.is_none())
    .ok_or_else(|| AppError::invalid("There is no issued draft plan open for comments"))
}

/// Answers a comment of the family's: changed, or not changed and why. Its author is told.
pub async fn answer_comment(
    change: &Change<'_>,
    comment: &str,
    answer: &str,
    reason: &str,
) -> Result<String, AppError> {
    let (state, staff, case, _) = change.parts();
    let pool = state.db.pool();
    // A comment on a closed draft may still be answered: the answers stay on the record.
    let plan = plans::latest_plan(pool, case.child_id, PlanKind::Draft, Some(true))
        .await?
        .ok_or(AppError::NotFound)?;
    let changed = match answer {
        "changed" => true,
        "not_changed" => false,
        _ => {
            return Err(AppError::field(
                &format!("answer-{comment}"),
                "Say whether the plan is changed",
            ))
        }
    };
    let reason = reason.trim();
    if !changed && reason.is_empty() {
        return Err(AppError::field(
            &format!("reason-{comment}"),
            "Say why the plan is not changed: the family reads it",
        ));
    }
    if reason.chars().count() > crate::plans::MAX_COMMENT_CHARS {
        return Err(AppError::field(
            &format!("reason-{comment}"),
            format!(
                "The answer must be {} characters or fewer",
                crate::plans::MAX_COMMENT_CHARS
            ),
        ));
    }
    let mut tx = state.db.begin().await?;
    let author =
        plans::answer_comment(&mut tx, plan.id, comment, changed, reason, staff.id).await?;
    let mut emails = Vec::new();
    if let Some(author) = author {
        // Someone no longer linked to the child is not written to about them.
        if crate::people::store::relationship_to(&mut *tx, case.child_id, author)
            .await?
            .is_some()
        {
            let (_, email) = write_message(
                &mut tx,
                state,
                &NewMessage {
                    recipient_id: author,
                    sender_id: Some(staff.id),
                    child_id: Some(case.child_id),
                    case_child_id: None,
                    subject: "Your comment on the draft EHC plan is answered".to_owned(),
                    body: "The SEN team has answered your comment on the draft EHC plan. Read the answer under the section you commented on: open the draft plan from the child’s page in your SEND area.".to_owned(),
                    action: None,
                },
            )
            .await?;
            emails.push(email);
        }
    }
    Audit::of(None, "plan_comment_answered", "")
        .by(staff.id)
        .child(case.child_id)
        .detail(if changed { "changed" } else { "not changed" })
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    emails.into_iter().for_each(Queued::wake);
    Ok(if changed {
        "Answered: the plan is changed".to_owned()
    } else {
        "Answered: the plan is not changed".to_owned()
    })
}

/// Issues the final plan once the family's 15 days are over and every comment is answered;
/// the draft is closed and stays on the record with its comments.
pub async fn issue_final(
    change: &Change<'_>,
    sections: &Sections,
    today: Date,
) -> Result<String, AppError> {
    let (state, staff, case, version) = change.parts();
    let pool = state.db.pool();
    let draft = open_draft(change).await?;
    if let Some(due) = draft.comments_due.filter(|due| today <= *due) {
        return Err(AppError::invalid(format!(
            "The family can comment on the draft until {}: issue the final plan after that",
            due.long()
        )));
    }
    let waiting = plans::comments_of(pool, draft.id)
        .await?
        .iter()
        .filter(|c| c.answer.is_none())
        .count();
    if waiting > 0 {
        return Err(AppError::invalid(format!(
            "Answer every comment on the draft first: {waiting} {} not answered",
            if waiting == 1 { "is" } else { "are" }
        )));
    }
    let sections = checked_sections(change, PlanKind::Final, sections, true).await?;
    let mut conn = pool.acquire().await?;
    let progress = load_progress(&mut conn, case.child_id).await?;
    drop(conn);
    let mut tx = state.db.begin().await?;
    claim_version(&mut tx, case.child_id, version, staff.id).await?;
    let (plan_id, _) =
        plans::create_plan(&mut tx, case.child_id, PlanKind::Final, staff.id).await?;
    plans::save_sections(&mut tx, plan_id, &sections, staff.id).await?;
    plans::mark_issued(&mut tx, plan_id, today, None, staff.id).await?;
    plans::close_drafts(&mut tx, case.child_id).await?;
    if progress.date_of(Stage::FinalPlan).is_none() {
        record_stage(
            &mut tx,
            case.child_id,
            Stage::FinalPlan,
            today,
            Some(staff.id),
        )
        .await?;
    }
    let first = case.child.first_name.clone();
    let emails = tell_family(
        &mut tx,
        change,
        |own| {
            if own {
                "Your final EHC plan has been issued".to_owned()
            } else {
                format!("The final EHC plan for {first} has been issued")
            }
        },
        |own| {
            let whose = if own { "your".to_owned() } else { format!("{first}’s") };
            format!(
                "The SEN team has issued the final EHC plan. Read it from {whose} page in your SEND area: choose Final EHC plan. The draft, your comments and our answers stay there too.\n\nIf you disagree with the plan, you can ask for mediation and appeal to the SEND Tribunal: the SEN team will tell you how."
            )
        },
    )
    .await?;
    Audit::of(None, "final_plan_issued", "")
        .by(staff.id)
        .child(case.child_id)
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    emails.into_iter().for_each(Queued::wake);
    Ok(format!("The final plan is issued on {}", today.long()))
}
