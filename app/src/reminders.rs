//! Reminders: the person a form or advice is asked of is emailed 3 days before it is due and
//! on the day after it becomes overdue, each at most once per request. Once is kept by the
//! `reminders_sent` row written in the same transaction as the email: whichever server's run
//! writes it first sends the email, and every other run finds it there (the job's lease only
//! saves work). The SEN team's dashboard lists what is overdue, and whether a reminder went.

use std::time::Duration;

use crate::{
    auth::return_path::sign_in_then,
    error::AppError,
    platform::{db::unix_now, AppState, Email},
    status::timeline::add_days,
    values::Date,
};

/// How many days before the due date the first reminder goes.
pub const DAYS_BEFORE: i64 = 3;
/// An overdue request is reminded of only this many days after its due date: one that was
/// overdue long before reminders began is the caseworker's to chase.
pub const OVERDUE_WITHIN_DAYS: i64 = 7;
/// How often the reminders run unless configured.
pub const EVERY: Duration = Duration::from_secs(60 * 60);

/// Which reminder: before the due date, or once it has passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    Before,
    Overdue,
}

impl Which {
    fn as_str(self) -> &'static str {
        match self {
            Which::Before => "before",
            Which::Overdue => "overdue",
        }
    }

    /// Which reminder is due `today` for a request asked on `asked` and due on `due`, if any.
    /// Before: within `DAYS_BEFORE` days of the due date, for a request asked earlier than
    /// that (one asked for in 3 days needs no reminder yet). Overdue: from the day after the
    /// due date, for `OVERDUE_WITHIN_DAYS`.
    pub fn due(today: Date, asked: Date, due: Date) -> Option<Which> {
        if today > due {
            (today <= add_days(due, OVERDUE_WITHIN_DAYS)).then_some(Which::Overdue)
        } else if today >= add_days(due, -DAYS_BEFORE) && asked < add_days(due, -DAYS_BEFORE) {
            Some(Which::Before)
        } else {
            None
        }
    }
}

/// How many reminders one run sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sent {
    pub forms: u64,
    pub advice: u64,
}

#[derive(sqlx::FromRow)]
struct FormAsked {
    id: i64,
    public_id: String,
    email: String,
    first_name: String,
    /// How the recipient is linked to the child: "self" for a young person acting for
    /// themself, who is not told about themself by name.
    relationship: Option<String>,
    form_id: String,
    due_on: String,
    sent_at: i64,
}

#[derive(sqlx::FromRow)]
struct AdviceAsked {
    id: i64,
    organisation_id: i64,
    person_id: Option<i64>,
    picked_up_by: Option<i64>,
    due_on: String,
    asked_on: String,
}

/// Sends the reminders due `today`; safe to run on several servers at once.
pub async fn send_due(state: &AppState, today: Date) -> Result<Sent, AppError> {
    let pool = state.db.pool();
    let window = (
        add_days(today, -OVERDUE_WITHIN_DAYS - 1).iso(),
        add_days(today, DAYS_BEFORE).iso(),
    );
    let mut sent = Sent::default();
    // Forms asked of someone (action messages) and not sent since.
    let forms: Vec<FormAsked> = sqlx::query_as(
        "SELECT m.id, m.public_id, u.email, c.first_name, l.relationship, m.form_id, m.due_on, m.sent_at \
         FROM messages m JOIN users u ON u.id = m.recipient_id JOIN children c ON c.id = m.child_id \
         LEFT JOIN child_links l ON l.child_id = m.child_id AND l.user_id = m.recipient_id \
         WHERE m.form_id IS NOT NULL AND m.due_on >= $1 AND m.due_on <= $2 \
         AND u.deactivated_at IS NULL \
         AND NOT EXISTS (SELECT 1 FROM submissions s WHERE s.child_id = m.child_id \
             AND s.form_id = m.form_id AND s.submitted_at >= m.sent_at) \
         ORDER BY m.id",
    )
    .bind(&window.0)
    .bind(&window.1)
    .fetch_all(pool)
    .await?;
    for form in forms {
        let (Some(due), asked) = (
            Date::from_iso(&form.due_on),
            crate::clock::local_date(form.sent_at),
        ) else {
            continue;
        };
        let Some(which) = Which::due(today, asked, due) else {
            continue;
        };
        let title = state
            .forms
            .latest(&form.form_id)
            .map(|f| f.title.clone())
            .unwrap_or_else(|| "a form".into());
        let email = form_email(state, &form, &title, due, which);
        if remind(state, "form", form.id, which, &[email]).await? {
            sent.forms += 1;
        }
    }
    // Advice asked of a person or an organisation, not yet sent.
    let advice: Vec<AdviceAsked> = sqlx::query_as(
        "SELECT id, organisation_id, person_id, picked_up_by, due_on, asked_on FROM advice_requests \
         WHERE received_on IS NULL AND sent_on IS NULL AND due_on >= $1 AND due_on <= $2 ORDER BY id",
    )
    .bind(&window.0)
    .bind(&window.1)
    .fetch_all(pool)
    .await?;
    for request in advice {
        let (Some(due), Some(asked)) = (
            Date::from_iso(&request.due_on),
            Date::from_iso(&request.asked_on),
        ) else {
            continue;
        };
        let Some(which) = Which::due(today, asked, due) else {
            continue;
        };
        let to: Vec<String> =
            match request.picked_up_by.or(request.person_id) {
                Some(person) => {
                    sqlx::query_scalar(
                        "SELECT email FROM users WHERE id = $1 AND deactivated_at IS NULL",
                    )
                    .bind(person)
                    .fetch_all(pool)
                    .await?
                }
                None => sqlx::query_scalar(
                    "SELECT u.email FROM organisation_members m JOIN users u ON u.id = m.user_id \
                     WHERE m.organisation_id = $1 AND u.deactivated_at IS NULL ORDER BY u.id",
                )
                .bind(request.organisation_id)
                .fetch_all(pool)
                .await?,
            };
        let emails: Vec<Email> = to
            .iter()
            .map(|address| advice_email(state, address, due, which))
            .collect();
        if remind(state, "advice", request.id, which, &emails).await? {
            sent.advice += 1;
        }
    }
    Ok(sent)
}

/// Records the reminder and writes its emails in one transaction, unless it was sent already;
/// true when this call sent it.
async fn remind(
    state: &AppState,
    kind: &str,
    item: i64,
    which: Which,
    emails: &[Email],
) -> Result<bool, AppError> {
    let mut tx = state.db.begin().await?;
    let recorded = sqlx::query(
        "INSERT INTO reminders_sent (kind, item_id, which, sent_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT DO NOTHING",
    )
    .bind(kind)
    .bind(item)
    .bind(which.as_str())
    .bind(unix_now())
    .execute(&mut *tx)
    .await?;
    if recorded.rows_affected() == 0 {
        return Ok(false);
    }
    let mut queued = Vec::new();
    for email in emails {
        queued.push(state.outbox.write(&mut tx, email).await?);
    }
    tx.commit().await?;
    for email in queued {
        email.wake();
    }
    Ok(true)
}

fn form_email(state: &AppState, form: &FormAsked, title: &str, due: Date, which: Which) -> Email {
    let link = format!(
        "{}{}",
        state.runtime.base_url,
        sign_in_then(&format!("/messages/{}", form.public_id))
    );
    let for_child = match form.relationship.as_deref() {
        Some("self") => String::new(),
        _ => format!(" for {}", form.first_name),
    };
    let (subject, lead) = match which {
        Which::Before => (
            format!("Reminder: a form{for_child} is due by {}", due.long()),
            format!(
                "This is a reminder that the SEN team asked you to fill in a form{for_child} in the SEND portal: {title}. Please send it by {}.",
                due.long()
            ),
        ),
        Which::Overdue => (
            format!("Overdue: a form{for_child} was due on {}", due.long()),
            format!(
                "The form the SEN team asked you to fill in{for_child} ({title}) was due on {}. Please send it as soon as you can, or reply to the message if you need more time.",
                due.long()
            ),
        ),
    };
    Email {
        to: form.email.clone(),
        subject,
        text: format!(
            "{lead}\n\nSign in to see the request: {link}\n\n\
             For your privacy we never put details about a child in an email.\n"
        ),
    }
}

fn advice_email(state: &AppState, to: &str, due: Date, which: Which) -> Email {
    let link = format!(
        "{}{}",
        state.runtime.base_url,
        sign_in_then("/professional")
    );
    let (subject, lead) = match which {
        Which::Before => (
            format!("Reminder: advice is due by {}", due.long()),
            format!(
                "This is a reminder that advice the SEN team asked of you is due by {}.",
                due.long()
            ),
        ),
        Which::Overdue => (
            format!("Overdue: advice was due on {}", due.long()),
            format!(
                "Advice the SEN team asked of you was due on {}. The law gives 6 weeks for it: please send it as soon as you can, or reply to the request's message.",
                due.long()
            ),
        ),
    };
    Email {
        to: to.to_owned(),
        subject,
        text: format!(
            "{lead}\n\nSign in to see it on your caseload: {link}\n\n\
             For your privacy we never put details about a child in an email.\n"
        ),
    }
}

/// Sends the reminders if this server gets the lease; `None` when another has it or ran them
/// less than an interval ago.
pub async fn send_once(
    state: &AppState,
    holder: &str,
    every: Duration,
) -> Result<Option<Sent>, AppError> {
    use crate::platform::jobs::{finish_lease, take_lease, unix_millis};
    let started = unix_millis();
    if !take_lease(&state.db, "reminders", holder, started).await? {
        return Ok(None);
    }
    let sent = send_due(state, crate::status::store::today()).await?;
    finish_lease(&state.db, "reminders", holder, started, every).await?;
    Ok(Some(sent))
}

/// Runs the reminders `every` so often for as long as the server runs, the first time one
/// interval after it starts; a failed run is logged and tried again next time.
pub async fn run_scheduled(state: AppState, holder: String, every: Duration) {
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match send_once(&state, &holder, every).await {
            Ok(Some(sent)) => tracing::info!(%holder, ?sent, "reminders ran"),
            Ok(None) => tracing::debug!("reminders: another server has them"),
            Err(err) => tracing::error!(error = ?err, "reminders failed"),
        }
    }
}

/// A request past its due date and not answered, for the SEN team's dashboard.
#[derive(Clone, Debug)]
pub struct Overdue {
    /// The child's public id and name.
    pub child: (String, String),
    /// What was asked for ("Parent/Carer Views", "Educational psychology advice").
    pub what: String,
    /// Of whom.
    pub of: String,
    pub due_on: Date,
    /// Whether the overdue reminder has gone.
    pub reminded: bool,
}

#[derive(sqlx::FromRow)]
struct OverdueRow {
    public_id: String,
    first_name: String,
    last_name: String,
    what: String,
    of_whom: String,
    due_on: String,
    reminded: i64,
}

/// Every form and advice request overdue `today` and not answered, the longest overdue first:
/// how many, and the first `limit`.
pub async fn overdue(
    state: &AppState,
    today: Date,
    limit: usize,
) -> Result<(usize, Vec<Overdue>), AppError> {
    let rows: Vec<OverdueRow> = sqlx::query_as(
        "SELECT c.public_id, c.first_name, c.last_name, m.form_id AS what, u.full_name AS of_whom, m.due_on, \
         (SELECT COUNT(*) FROM reminders_sent r WHERE r.kind = 'form' AND r.item_id = m.id AND r.which = 'overdue') AS reminded \
         FROM messages m JOIN users u ON u.id = m.recipient_id JOIN children c ON c.id = m.child_id \
         WHERE m.form_id IS NOT NULL AND m.due_on < $1 \
         AND NOT EXISTS (SELECT 1 FROM submissions s WHERE s.child_id = m.child_id \
             AND s.form_id = m.form_id AND s.submitted_at >= m.sent_at) \
         UNION ALL \
         SELECT c.public_id, c.first_name, c.last_name, a.kind AS what, \
         COALESCE(p.full_name, n.full_name, o.name) AS of_whom, a.due_on, \
         (SELECT COUNT(*) FROM reminders_sent r WHERE r.kind = 'advice' AND r.item_id = a.id AND r.which = 'overdue') AS reminded \
         FROM advice_requests a JOIN children c ON c.id = a.child_id JOIN organisations o ON o.id = a.organisation_id \
         LEFT JOIN users p ON p.id = a.picked_up_by LEFT JOIN users n ON n.id = a.person_id \
         WHERE a.received_on IS NULL AND a.sent_on IS NULL AND a.due_on < $1",
    )
    .bind(today.iso())
    .fetch_all(state.db.pool())
    .await?;
    let mut overdue: Vec<Overdue> = rows
        .into_iter()
        .filter_map(|row| {
            let due_on = Date::from_iso(&row.due_on)?;
            let what = match crate::advice::AdviceKind::parse(&row.what) {
                Some(kind) => kind.label().to_owned(),
                None => state
                    .forms
                    .latest(&row.what)
                    .map(|f| f.title.clone())
                    .unwrap_or(row.what),
            };
            Some(Overdue {
                child: (
                    row.public_id,
                    format!("{} {}", row.first_name, row.last_name),
                ),
                what,
                of: row.of_whom,
                due_on,
                reminded: row.reminded > 0,
            })
        })
        .collect();
    overdue.sort_by_key(|o| o.due_on);
    let count = overdue.len();
    overdue.truncate(limit);
    Ok((count, overdue))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> Date {
        Date::from_iso(&format!("2026-12-{day:02}")).unwrap()
    }

    #[test]
    fn the_first_reminder_goes_three_days_before_and_the_second_the_day_after() {
        let (asked, due) = (d(1), d(20));
        assert_eq!(Which::due(d(16), asked, due), None);
        assert_eq!(Which::due(d(17), asked, due), Some(Which::Before));
        assert_eq!(Which::due(d(20), asked, due), Some(Which::Before));
        assert_eq!(Which::due(d(21), asked, due), Some(Which::Overdue));
        assert_eq!(Which::due(d(27), asked, due), Some(Which::Overdue));
        assert_eq!(Which::due(d(28), asked, due), None);
    }

    #[test]
    fn a_request_asked_for_within_three_days_gets_no_early_reminder() {
        assert_eq!(Which::due(d(17), d(17), d(20)), None);
        assert_eq!(Which::due(d(18), d(17), d(20)), None);
        assert_eq!(Which::due(d(21), d(17), d(20)), Some(Which::Overdue));
    }
}
