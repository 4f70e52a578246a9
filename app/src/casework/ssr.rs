//! Cases in the database: the dashboard's query, a case as its page shows it, and every change
//! the SEN team makes to one. Each change is checked against the case's version (another
//! caseworker may have changed it since the page was loaded) and written to the audit log.

use std::collections::HashMap;

use super::{CaseFilter, DashboardRow, PAGE_SIZE};
use crate::{
    auth::{
        ssr::accounts::{Account, Audit},
        Role,
    },
    documents::{ssr::NewDocument, DocumentKind},
    error::AppError,
    forms::rules::Date,
    messages::ssr::{write_message, FormRequest, NewMessage},
    people::{ssr::link_child, ChildSummary, Relationship},
    platform::{db::unix_now, ids, outbox::Queued, AppState},
    status::{
        ssr::{load_progress, record_stage},
        timeline::Stage,
    },
};

/// Sorts after every real date: a case with no deadline comes last.
const NO_DEADLINE: &str = "9999-12-31";

/// Opens a case for the child if there is none (a request was sent, or the SEN team added the
/// child).
pub async fn ensure_case(conn: &mut sqlx::AnyConnection, child_id: i64) -> Result<(), AppError> {
    let now = unix_now();
    sqlx::query(
        "INSERT INTO cases (child_id, reference, stage, urgency, version, updated_at) \
         VALUES ($1, $2, 'not_started', $3, 1, $4) ON CONFLICT (child_id) DO NOTHING",
    )
    .bind(child_id)
    .bind(format!("SEN-{}", ids::reference()))
    .bind(NO_DEADLINE)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Works out the case's stage and next deadline again from what is recorded (after a stage,
/// the advice request or an outcome is recorded).
pub async fn refresh_case(conn: &mut sqlx::AnyConnection, child_id: i64) -> Result<(), AppError> {
    ensure_case(conn, child_id).await?;
    let progress = load_progress(conn, child_id).await?;
    let (advice,): (Option<String>,) =
        sqlx::query_as("SELECT advice_requested_on FROM cases WHERE child_id = $1")
            .bind(child_id)
            .fetch_one(&mut *conn)
            .await?;
    let next = progress.next_due(advice.as_deref().and_then(Date::from_iso));
    let stage = match next {
        Some((stage, _)) => stage.as_str(),
        None if progress.stopped => "stopped",
        None if !progress.has_started() => "not_started",
        None => "done",
    };
    let deadline = next.map(|(_, d)| d.iso());
    sqlx::query(
        "UPDATE cases SET stage = $1, requested_on = $2, next_deadline = $3, urgency = $4 WHERE child_id = $5",
    )
    .bind(stage)
    .bind(progress.requested().map(Date::iso))
    .bind(deadline.clone())
    .bind(deadline.unwrap_or_else(|| NO_DEADLINE.into()))
    .bind(child_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Bind values for a query built from the dashboard's filters.
enum Bind {
    Text(String),
    Int(i64),
}

/// Outstanding form requests: action messages about the child with no answer since that was
/// not sent back.
const OUTSTANDING: &str = "(SELECT COUNT(*) FROM messages m WHERE m.child_id = k.child_id AND m.form_id IS NOT NULL \
     AND NOT EXISTS (SELECT 1 FROM submissions s WHERE s.child_id = m.child_id AND s.form_id = m.form_id \
       AND s.submitted_by = m.recipient_id AND s.submitted_at >= m.sent_at \
       AND NOT EXISTS (SELECT 1 FROM submission_reviews r WHERE r.submission_id = s.id AND r.outcome = 'rejected')))";

/// Submissions nobody has reviewed yet.
const AWAITING: &str = "(SELECT COUNT(*) FROM submissions s WHERE s.child_id = k.child_id \
     AND NOT EXISTS (SELECT 1 FROM submission_reviews r WHERE r.submission_id = s.id))";

/// One page of open cases, most urgent first (the earliest next deadline: the most overdue
/// come first), and how many match in all.
pub async fn dashboard(
    pool: &sqlx::AnyPool,
    filter: &CaseFilter,
    today: Date,
) -> Result<(Vec<DashboardRow>, i64), AppError> {
    let mut clauses = vec!["k.closed_at IS NULL".to_owned()];
    let mut binds = Vec::new();
    let next = |value: Bind, binds: &mut Vec<Bind>| {
        binds.push(value);
        format!("${}", binds.len())
    };
    if !filter.stage.is_empty() {
        let p = next(Bind::Text(filter.stage.clone()), &mut binds);
        clauses.push(format!("k.stage = {p}"));
    }
    match filter.caseworker.as_str() {
        "" => {}
        "none" => clauses.push("k.caseworker_id IS NULL".into()),
        id => {
            let id = id.parse::<i64>().unwrap_or(-1);
            let p = next(Bind::Int(id), &mut binds);
            clauses.push(format!("k.caseworker_id = {p}"));
        }
    }
    if filter.overdue {
        let p = next(Bind::Text(today.iso()), &mut binds);
        clauses.push(format!("k.urgency < {p}"));
    }
    if filter.awaiting {
        clauses.push(format!("{AWAITING} > 0"));
    }
    let q = filter.q.trim();
    if !q.is_empty() {
        if let Some(born) = search_date(q) {
            let p = next(Bind::Text(born.iso()), &mut binds);
            clauses.push(format!("c.date_of_birth = {p}"));
        } else {
            let like = format!(
                "%{}%",
                q.to_lowercase()
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            );
            let name = next(Bind::Text(like), &mut binds);
            let reference = next(Bind::Text(q.to_uppercase()), &mut binds);
            clauses.push(format!(
                "(LOWER(c.first_name || ' ' || c.last_name) LIKE {name} ESCAPE '\\' OR k.reference = {reference} \
                 OR EXISTS (SELECT 1 FROM submissions s WHERE s.child_id = k.child_id AND s.reference = {reference}))"
            ));
        }
    }
    let filter_sql = clauses.join(" AND ");
    let from = "FROM cases k JOIN children c ON c.id = k.child_id";
    // Counting needs the children only to search their names and dates of birth.
    let count_from = if q.is_empty() { "FROM cases k" } else { from };
    let count_sql = format!("SELECT COUNT(*) {count_from} WHERE {filter_sql}");
    let mut count = sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(count_sql));
    for b in &binds {
        count = match b {
            Bind::Text(t) => count.bind(t.clone()),
            Bind::Int(i) => count.bind(*i),
        };
    }
    let (total,) = count.fetch_one(pool).await?;
    let page = filter.page.max(1);
    let limit = next(Bind::Int(PAGE_SIZE), &mut binds);
    let offset = next(Bind::Int((page - 1) * PAGE_SIZE), &mut binds);
    let sql = format!(
        "SELECT c.public_id, c.first_name, c.last_name, c.date_of_birth, k.reference, k.stage, k.requested_on, \
         k.next_deadline, u.full_name, {OUTSTANDING}, {AWAITING} {from} LEFT JOIN users u ON u.id = k.caseworker_id \
         WHERE {filter_sql} ORDER BY k.urgency, k.child_id LIMIT {limit} OFFSET {offset}"
    );
    type Row = (
        String,
        String,
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        i64,
        i64,
    );
    let mut query = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(sql));
    for b in binds {
        query = match b {
            Bind::Text(t) => query.bind(t),
            Bind::Int(i) => query.bind(i),
        };
    }
    let rows = query
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(
            |(
                id,
                first,
                last,
                born,
                reference,
                stage,
                requested,
                deadline,
                caseworker,
                outstanding,
                awaiting,
            )| {
                DashboardRow {
                    child: ChildSummary {
                        id,
                        first_name: first,
                        last_name: last,
                        date_of_birth: born,
                    },
                    reference,
                    stage,
                    requested_on: requested,
                    next_deadline: deadline,
                    caseworker,
                    outstanding,
                    awaiting,
                }
            },
        )
        .collect();
    Ok((rows, total))
}

/// A date of birth typed in the search box: "7/3/2015", "7 3 2015", "07-03-2015" or ISO.
pub fn search_date(text: &str) -> Option<Date> {
    if let Some(date) = Date::from_iso(text) {
        return Some(date);
    }
    let parts: Vec<&str> = text
        .split(|c: char| c == '/' || c == '-' || c == '.' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect();
    match parts.as_slice() {
        [d, m, y]
            if y.len() == 4 && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit())) =>
        {
            Date::parse(d, m, y).ok()
        }
        _ => None,
    }
}

/// The people who can be given a case: active SEN officers and administrators.
pub async fn caseworkers(pool: &sqlx::AnyPool) -> Result<Vec<(i64, String)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, full_name FROM users WHERE role IN ('sen_officer', 'admin') AND deactivated_at IS NULL \
         ORDER BY full_name, id",
    )
    .fetch_all(pool)
    .await?)
}

/// A case as its page shows it.
pub struct Case {
    pub child_id: i64,
    pub child: ChildSummary,
    pub reference: String,
    pub caseworker: Option<(i64, String)>,
    pub advice_requested_on: Option<Date>,
    pub outcome: Option<(String, String)>,
    pub version: i64,
    pub updated_at: i64,
    pub updated_by: Option<String>,
}

type CaseRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
    i64,
    Option<String>,
);

/// The child's case by the child's public id (a case is opened for any child the SEN team
/// looks at, so a child linked by a parent alone can be picked up).
pub async fn find_case(pool: &sqlx::AnyPool, child: &str) -> Result<Case, AppError> {
    let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM children WHERE public_id = $1")
        .bind(child)
        .fetch_optional(pool)
        .await?;
    let (child_id,) = found.ok_or(AppError::NotFound)?;
    let mut conn = pool.acquire().await?;
    ensure_case(&mut conn, child_id).await?;
    let row: CaseRow = sqlx::query_as(
        "SELECT c.id, c.public_id, c.first_name, c.last_name, c.date_of_birth, k.reference, k.caseworker_id, \
         w.full_name, k.advice_requested_on, k.outcome, k.outcome_reason, k.version, k.updated_at, e.full_name \
         FROM cases k JOIN children c ON c.id = k.child_id LEFT JOIN users w ON w.id = k.caseworker_id \
         LEFT JOIN users e ON e.id = k.updated_by WHERE k.child_id = $1",
    )
    .bind(child_id)
    .fetch_one(&mut *conn)
    .await?;
    let (
        id,
        public_id,
        first,
        last,
        born,
        reference,
        worker_id,
        worker,
        advice,
        outcome,
        reason,
        version,
        at,
        by,
    ) = row;
    Ok(Case {
        child_id: id,
        child: ChildSummary {
            id: public_id,
            first_name: first,
            last_name: last,
            date_of_birth: born,
        },
        reference,
        caseworker: worker_id.zip(worker),
        advice_requested_on: advice.as_deref().and_then(Date::from_iso),
        outcome: outcome.map(|o| (o, reason.unwrap_or_default())),
        version,
        updated_at: at,
        updated_by: by,
    })
}

/// A person linked to the child, for the case page.
pub struct LinkedPerson {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub relationship: Relationship,
    pub verified: bool,
}

pub async fn linked_people(
    pool: &sqlx::AnyPool,
    child_id: i64,
) -> Result<Vec<LinkedPerson>, AppError> {
    let rows: Vec<(i64, String, String, String, String, Option<i64>)> = sqlx::query_as(
        "SELECT u.id, u.full_name, u.email, u.role, l.relationship, l.verified_at FROM child_links l \
         JOIN users u ON u.id = l.user_id WHERE l.child_id = $1 ORDER BY l.created_at, u.id",
    )
    .bind(child_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(user_id, name, email, role, relationship, verified)| {
            Some(LinkedPerson {
                user_id,
                name,
                email,
                role: Role::parse(&role)?,
                relationship: Relationship::parse(&relationship)?,
                verified: verified.is_some(),
            })
        })
        .collect())
}

/// Invitations not yet taken up: (email, relationship, sent at).
pub async fn pending_invitations(
    pool: &sqlx::AnyPool,
    child_id: i64,
) -> Result<Vec<(String, String, i64)>, AppError> {
    Ok(sqlx::query_as(
        "SELECT email, relationship, created_at FROM invitations WHERE child_id = $1 AND accepted_at IS NULL ORDER BY id",
    )
    .bind(child_id)
    .fetch_all(pool)
    .await?)
}

/// A submission on the case, with its review.
pub struct CaseSubmission {
    pub id: i64,
    pub public_id: String,
    pub reference: String,
    pub title: String,
    pub form_id: String,
    pub submitted_by: String,
    pub submitted_by_id: i64,
    pub submitted_at: i64,
    /// (outcome, reason, reviewer, when).
    pub review: Option<(String, String, Option<String>, i64)>,
}

type SubmissionRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    i64,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
);

fn case_submission(row: SubmissionRow) -> CaseSubmission {
    let (
        id,
        public_id,
        reference,
        title,
        form_id,
        by,
        by_id,
        at,
        outcome,
        reason,
        reviewer,
        reviewed_at,
    ) = row;
    CaseSubmission {
        id,
        public_id,
        reference,
        title,
        form_id,
        submitted_by: by,
        submitted_by_id: by_id,
        submitted_at: at,
        review: outcome.map(|o| {
            (
                o,
                reason.unwrap_or_default(),
                reviewer,
                reviewed_at.unwrap_or(0),
            )
        }),
    }
}

const CASE_SUBMISSION_SQL: &str = "SELECT s.id, s.public_id, s.reference, s.title, s.form_id, u.full_name, s.submitted_by, \
     s.submitted_at, r.outcome, r.reason, w.full_name, r.reviewed_at FROM submissions s \
     JOIN users u ON u.id = s.submitted_by LEFT JOIN submission_reviews r ON r.submission_id = s.id \
     LEFT JOIN users w ON w.id = r.reviewed_by";

pub async fn case_submissions(
    pool: &sqlx::AnyPool,
    child_id: i64,
) -> Result<Vec<CaseSubmission>, AppError> {
    let rows: Vec<SubmissionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{CASE_SUBMISSION_SQL} WHERE s.child_id = $1 ORDER BY s.submitted_at DESC, s.id DESC"
    )))
    .bind(child_id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(case_submission).collect())
}

pub async fn find_case_submission(
    pool: &sqlx::AnyPool,
    child_id: i64,
    public_id: &str,
) -> Result<CaseSubmission, AppError> {
    let row: Option<SubmissionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{CASE_SUBMISSION_SQL} WHERE s.child_id = $1 AND s.public_id = $2"
    )))
    .bind(child_id)
    .bind(public_id)
    .fetch_optional(pool)
    .await?;
    row.map(case_submission).ok_or(AppError::NotFound)
}

/// The forms asked for on the case, newest first: (form title, recipient, due, outstanding).
/// A request stays outstanding until the person sends that form (one not sent back) after it.
pub async fn form_requests(
    state: &AppState,
    child_id: i64,
) -> Result<Vec<(String, String, Date, bool)>, AppError> {
    let rows: Vec<(String, String, Option<String>, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(
        "SELECT m.form_id, u.full_name, m.due_on, (SELECT COUNT(*) FROM submissions s \
           WHERE s.child_id = m.child_id AND s.form_id = m.form_id AND s.submitted_by = m.recipient_id \
           AND s.submitted_at >= m.sent_at AND NOT EXISTS (SELECT 1 FROM submission_reviews r \
             WHERE r.submission_id = s.id AND r.outcome = 'rejected')) \
         FROM messages m JOIN users u ON u.id = m.recipient_id \
         WHERE m.child_id = $1 AND m.form_id IS NOT NULL ORDER BY m.sent_at DESC, m.id DESC",
    ))
    .bind(child_id)
    .fetch_all(state.db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(form, to, due, answers)| {
            let title = state
                .forms
                .latest(&form)
                .map(|f| f.title.clone())
                .unwrap_or(form);
            Some((title, to, Date::from_iso(&due?)?, answers == 0))
        })
        .collect())
}

/// An entry of the case's audit timeline: (when, who, what, detail).
pub async fn timeline(
    pool: &sqlx::AnyPool,
    child_id: i64,
) -> Result<Vec<(i64, String, String, String)>, AppError> {
    let rows: Vec<TimelineRow> = sqlx::query_as(
        "SELECT a.at, actor.full_name, u.full_name, a.action, a.detail FROM audit_log a \
         LEFT JOIN users actor ON actor.id = a.actor_id LEFT JOIN users u ON u.id = a.user_id \
         WHERE a.child_id = $1 ORDER BY a.at DESC, a.id DESC LIMIT 200",
    )
    .bind(child_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(at, actor, user, action, detail)| {
            (
                at,
                actor.or(user).unwrap_or_else(|| "The portal".into()),
                crate::auth::describe_action(&action).to_owned(),
                detail,
            )
        })
        .collect())
}

/// A change to a case: who makes it, and the version of the case their page showed.
#[derive(Clone, Copy)]
pub struct Change<'a> {
    pub state: &'a AppState,
    pub staff: &'a Account,
    pub case: &'a Case,
    pub version: i64,
}

impl<'a> Change<'a> {
    pub fn parts(&self) -> (&'a AppState, &'a Account, &'a Case, i64) {
        (self.state, self.staff, self.case, self.version)
    }
}

/// An entry of the case's audit timeline: when, who, what, and the detail.
type TimelineRow = (i64, Option<String>, Option<String>, String, String);

/// Marks the case as changed by `by`, if it is still at `version`; otherwise says who changed
/// it since, and changes nothing.
pub async fn claim_version(
    conn: &mut sqlx::AnyConnection,
    child_id: i64,
    version: i64,
    by: i64,
) -> Result<(), AppError> {
    let done = sqlx::query(
        "UPDATE cases SET version = version + 1, updated_at = $1, updated_by = $2 WHERE child_id = $3 AND version = $4",
    )
    .bind(unix_now())
    .bind(by)
    .bind(child_id)
    .bind(version)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 1 {
        return Ok(());
    }
    let (who, at): (Option<String>, i64) = sqlx::query_as(
        "SELECT u.full_name, k.updated_at FROM cases k LEFT JOIN users u ON u.id = k.updated_by WHERE k.child_id = $1",
    )
    .bind(child_id)
    .fetch_one(&mut *conn)
    .await?;
    Err(AppError::invalid(format!(
        "{} changed this case at {} on {}, after you opened it. The page now shows that change: check it, then try again. What you typed is still here.",
        who.unwrap_or_else(|| "Someone else".into()),
        crate::clock::time_of_day(at),
        crate::clock::date(at),
    )))
}

/// Gives the case to a caseworker (or to nobody).
pub async fn assign(change: &Change<'_>, caseworker: Option<i64>) -> Result<String, AppError> {
    let (state, staff, case, version) = change.parts();
    let name = match caseworker {
        None => None,
        Some(id) => Some(
            caseworkers(state.db.pool())
                .await?
                .into_iter()
                .find(|(c, _)| *c == id)
                .map(|(_, n)| n)
                .ok_or_else(|| {
                    AppError::field("caseworker", "Choose a caseworker from the list")
                })?,
        ),
    };
    let mut tx = state.db.begin().await?;
    claim_version(&mut tx, case.child_id, version, staff.id).await?;
    sqlx::query("UPDATE cases SET caseworker_id = $1 WHERE child_id = $2")
        .bind(caseworker)
        .bind(case.child_id)
        .execute(&mut *tx)
        .await?;
    let detail = name.clone().unwrap_or_else(|| "Nobody".into());
    Audit::of(caseworker, "case_assigned", "")
        .by(staff.id)
        .child(case.child_id)
        .detail(&detail)
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(match name {
        Some(name) => format!("The case is now assigned to {name}"),
        None => "The case is no longer assigned to anyone".into(),
    })
}

/// Checks an email address as far as the portal needs: something@something.something.
pub fn plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace)
}

/// Links the person with this email address to the child: an existing account at once (told
/// by a portal message and email), an unknown address by an invitation to register that links
/// when the address is confirmed.
pub async fn link_by_email(
    change: &Change<'_>,
    email: &str,
    relationship: Option<Relationship>,
) -> Result<String, AppError> {
    let (state, staff, case, version) = change.parts();
    let email = email.trim().to_lowercase();
    if email.is_empty() {
        return Err(AppError::field("email", "Enter the person’s email address"));
    }
    if !plausible_email(&email) {
        return Err(AppError::field(
            "email",
            "Enter an email address in the correct format, like name@example.com",
        ));
    }
    let relationship = relationship.ok_or_else(|| {
        AppError::field(
            "relationship",
            "Choose how the person is linked to the child",
        )
    })?;
    let account = crate::auth::ssr::accounts::find_account_by_email(state, &email).await?;
    let first = case.child.first_name.clone();
    match account {
        Some(account) => {
            let fits = match account.role {
                Role::Citizen => relationship != Relationship::Professional,
                Role::Professional => relationship == Relationship::Professional,
                Role::SenOfficer | Role::Admin => {
                    return Err(AppError::field(
                        "email",
                        "That is a council staff account: staff see every case without a link",
                    ))
                }
            };
            if !fits {
                return Err(AppError::field(
                    "relationship",
                    if account.role == Role::Professional {
                        "That address belongs to a professional’s account: choose Professional"
                    } else {
                        "That address belongs to a parent’s or young person’s account: choose Parent or carer, or The young person"
                    },
                ));
            }
            let mut tx = state.db.begin().await?;
            claim_version(&mut tx, case.child_id, version, staff.id).await?;
            link_child(&mut tx, case.child_id, account.id, relationship, true).await?;
            Audit::of(Some(account.id), "link_added", "")
                .by(staff.id)
                .child(case.child_id)
                .detail(&format!(
                    "{} ({})",
                    account.full_name,
                    relationship_label(relationship)
                ))
                .write(&mut tx)
                .await?;
            let (_, email) = write_message(
                &mut tx,
                state,
                &NewMessage {
                    recipient_id: account.id,
                    sender_id: Some(staff.id),
                    child_id: Some(case.child_id),
                    subject: format!("{first} has been added to your SEND area"),
                    body: format!(
                        "The SEN team has linked {} to your account.\n\nYou can now see {first}’s forms, what the SEN team shares and where the assessment has got to: choose {first} in your SEND area.",
                        case.child.full_name()
                    ),
                    action: None,
                },
            )
            .await?;
            tx.commit().await?;
            email.wake();
            Ok(format!(
                "{} is now linked to {first} and has been told",
                account.full_name
            ))
        }
        None => {
            let mut tx = state.db.begin().await?;
            claim_version(&mut tx, case.child_id, version, staff.id).await?;
            sqlx::query(
                "INSERT INTO invitations (email, child_id, relationship, invited_by, created_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&email)
            .bind(case.child_id)
            .bind(relationship.as_str())
            .bind(staff.id)
            .bind(unix_now())
            .execute(&mut *tx)
            .await?;
            Audit::of(None, "invitation_sent", "")
                .by(staff.id)
                .child(case.child_id)
                .detail(&email)
                .write(&mut tx)
                .await?;
            let invitation = state
                .outbox
                .write(&mut tx, &crate::platform::Email {
                    to: email.clone(),
                    subject: format!(
                        "{}: you are invited to the SEND portal",
                        state.site.council_name
                    ),
                    text: format!(
                        "The {} SEN team would like you to use the SEND portal for {first}.\n\n\
                         Register with this email address ({email}) at {}/register . Once you have confirmed your address, {first} will be in your SEND area.\n\n\
                         If you did not expect this email, you can ignore it.\n",
                        state.site.council_name, state.runtime.base_url
                    ),
                })
                .await?;
            tx.commit().await?;
            invitation.wake();
            Ok(format!(
                "Nobody has an account with {email} yet: they have been emailed an invitation to register, and will be linked to {first} when they confirm their address"
            ))
        }
    }
}

pub fn relationship_label(relationship: Relationship) -> &'static str {
    match relationship {
        Relationship::ParentCarer => "parent or carer",
        Relationship::Myself => "the young person",
        Relationship::Professional => "professional",
    }
}

/// Makes the links invitations to this address asked for: called when the address is
/// confirmed, in that transaction.
pub async fn claim_invitations(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
) -> Result<(), AppError> {
    let (email, role): (String, String) =
        sqlx::query_as("SELECT email, role FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(&mut *conn)
            .await?;
    let invitations: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT id, child_id, relationship FROM invitations WHERE email = $1 AND accepted_at IS NULL",
    )
    .bind(email.to_lowercase())
    .fetch_all(&mut *conn)
    .await?;
    for (id, child_id, relationship) in invitations {
        let Some(relationship) = Relationship::parse(&relationship) else {
            continue;
        };
        // An invitation as a parent does not make a professional's account a parent's.
        let fits = match Role::parse(&role) {
            Some(Role::Citizen) => relationship != Relationship::Professional,
            Some(Role::Professional) => relationship == Relationship::Professional,
            _ => false,
        };
        if fits {
            link_child(&mut *conn, child_id, user_id, relationship, true).await?;
            Audit::of(Some(user_id), "invitation_accepted", "")
                .child(child_id)
                .detail(relationship_label(relationship))
                .write(&mut *conn)
                .await?;
        }
        sqlx::query("UPDATE invitations SET accepted_at = $1 WHERE id = $2")
            .bind(unix_now())
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Confirms a link a parent made themself (Add Person), or removes a link.
pub async fn change_link(
    change: &Change<'_>,
    user_id: i64,
    remove: bool,
) -> Result<String, AppError> {
    let (state, staff, case, version) = change.parts();
    let person = linked_people(state.db.pool(), case.child_id)
        .await?
        .into_iter()
        .find(|p| p.user_id == user_id)
        .ok_or_else(|| AppError::invalid("That person is no longer linked to the child"))?;
    let mut tx = state.db.begin().await?;
    claim_version(&mut tx, case.child_id, version, staff.id).await?;
    if remove {
        sqlx::query("DELETE FROM child_links WHERE child_id = $1 AND user_id = $2")
            .bind(case.child_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    } else {
        sqlx::query("UPDATE child_links SET verified_at = $1 WHERE child_id = $2 AND user_id = $3")
            .bind(unix_now())
            .bind(case.child_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    }
    Audit::of(
        Some(user_id),
        if remove {
            "link_removed"
        } else {
            "link_confirmed"
        },
        "",
    )
    .by(staff.id)
    .child(case.child_id)
    .detail(&person.name)
    .write(&mut tx)
    .await?;
    tx.commit().await?;
    Ok(if remove {
        format!(
            "{} is no longer linked to {}",
            person.name, case.child.first_name
        )
    } else {
        format!(
            "{}’s link to {} is confirmed",
            person.name, case.child.first_name
        )
    })
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
    if !form.audience.iter().any(|a| a.includes(person.role)) {
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
    let first = &case.child.first_name;
    let mut body = format!(
        "Please fill in {} for {first} in the SEND portal by {}.",
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
            subject: format!("Please fill in {} for {first}", form.title),
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

/// Accepts a submission: recorded, and the sender told.
pub async fn accept(change: &Change<'_>, submission: &CaseSubmission) -> Result<String, AppError> {
    let (state, staff, case, version) = change.parts();
    if submission.review.is_some() {
        return Err(AppError::invalid("This form has already been reviewed"));
    }
    let mut tx = state.db.begin().await?;
    claim_version(&mut tx, case.child_id, version, staff.id).await?;
    insert_review(&mut tx, submission.id, "accepted", "", staff.id, None).await?;
    Audit::of(Some(submission.submitted_by_id), "submission_accepted", "")
        .by(staff.id)
        .child(case.child_id)
        .detail(&submission.reference)
        .write(&mut tx)
        .await?;
    let email = tell_sender(
        &mut tx,
        state,
        staff,
        case,
        submission,
        format!("{} accepted", submission.title),
        format!(
            "The SEN team has accepted the {} you sent for {} (reference {}). Thank you.",
            submission.title, case.child.first_name, submission.reference
        ),
        None,
    )
    .await?;
    tx.commit().await?;
    if let Some(email) = email {
        email.wake();
    }
    Ok(format!(
        "{} {} is accepted",
        submission.title, submission.reference
    ))
}

async fn insert_review(
    conn: &mut sqlx::AnyConnection,
    submission_id: i64,
    outcome: &str,
    reason: &str,
    by: i64,
    new_draft: Option<&str>,
) -> Result<(), AppError> {
    let done = sqlx::query(
        "INSERT INTO submission_reviews (submission_id, outcome, reason, reviewed_by, reviewed_at, new_draft_id) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (submission_id) DO NOTHING",
    )
    .bind(submission_id)
    .bind(outcome)
    .bind(reason)
    .bind(by)
    .bind(unix_now())
    .bind(new_draft)
    .execute(conn)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::invalid("This form has already been reviewed"));
    }
    Ok(())
}

/// A message to whoever sent the submission, if they are still linked to the child, in the
/// caller's transaction.
#[allow(clippy::too_many_arguments)]
async fn tell_sender(
    tx: &mut sqlx::AnyConnection,
    state: &AppState,
    staff: &Account,
    case: &Case,
    submission: &CaseSubmission,
    subject: String,
    body: String,
    action: Option<FormRequest>,
) -> Result<Option<Queued>, AppError> {
    let linked =
        crate::people::ssr::relationship_to(&mut *tx, case.child_id, submission.submitted_by_id)
            .await?
            .is_some();
    if !linked {
        return Ok(None);
    }
    let (_, email) = write_message(
        tx,
        state,
        &NewMessage {
            recipient_id: submission.submitted_by_id,
            sender_id: Some(staff.id),
            child_id: Some(case.child_id),
            subject,
            body,
            action,
        },
    )
    .await?;
    Ok(Some(email))
}

/// Sends a submission back: the sender gets a new draft with every answer (and file) of the
/// rejected one, and a message with the reason that opens it. The rejected submission stays
/// in the history.
pub async fn reject(
    change: &Change<'_>,
    submission: &CaseSubmission,
    reason: &str,
    due_on: Date,
) -> Result<String, AppError> {
    let (state, staff, case, version) = change.parts();
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::field(
            "reason",
            "Say what needs changing: the person sees this reason",
        ));
    }
    if submission.review.is_some() {
        return Err(AppError::invalid("This form has already been reviewed"));
    }
    let found = crate::forms::store::submissions_for_child(state.db.pool(), case.child_id)
        .await?
        .into_iter()
        .find(|s| s.public_id == submission.public_id)
        .ok_or(AppError::NotFound)?;
    let form = state
        .forms
        .get(&found.form_id, found.form_version)
        .ok_or_else(|| crate::error::internal("submission on a form not in the library"))?;
    // The files go with the answers: each is copied under a new key first (a copy whose
    // transaction does not commit is removed by the clean-up), then everything is recorded in
    // one transaction.
    let files: Vec<(String, String, String, String, i64, String)> = sqlx::query_as(
        "SELECT a.public_id, a.answer_path, a.file_name, a.content_type, a.size_bytes, a.storage_key \
         FROM attachments a WHERE a.submission_id = $1 ORDER BY a.id",
    )
    .bind(submission.id)
    .fetch_all(state.db.pool())
    .await?;
    let mut copies = Vec::new();
    for (old_id, path, name, content_type, size, key) in files {
        let content = state.storage.get(&key).await?;
        let new_key = state.storage.put(content).await?;
        copies.push((
            old_id,
            ids::token(12),
            path,
            name,
            content_type,
            size,
            new_key,
        ));
    }
    let mut answers = found.answers.clone();
    let renamed: HashMap<String, String> = copies
        .iter()
        .map(|(old_id, new_id, ..)| (old_id.clone(), new_id.clone()))
        .collect();
    crate::forms::files::rename_files(&form, &mut answers, &renamed);
    let mut tx = state.db.begin().await?;
    claim_version(&mut tx, case.child_id, version, staff.id).await?;
    let draft_id = crate::forms::store::insert_draft(
        &mut *tx,
        case.child_id,
        submission.submitted_by_id,
        &form.id,
        form.version,
        &form.steps[0].id,
        &answers,
    )
    .await?;
    let (draft_row,): (i64,) = sqlx::query_as("SELECT id FROM drafts WHERE public_id = $1")
        .bind(&draft_id)
        .fetch_one(&mut *tx)
        .await?;
    for (_, new_id, path, name, content_type, size, key) in copies {
        sqlx::query(
            "INSERT INTO attachments (public_id, draft_id, child_id, uploaded_by, answer_path, file_name, content_type, size_bytes, storage_key, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&new_id)
        .bind(draft_row)
        .bind(case.child_id)
        .bind(submission.submitted_by_id)
        .bind(path)
        .bind(name)
        .bind(content_type)
        .bind(size)
        .bind(key)
        .bind(unix_now())
        .execute(&mut *tx)
        .await?;
    }
    insert_review(
        &mut tx,
        submission.id,
        "rejected",
        reason,
        staff.id,
        Some(&draft_id),
    )
    .await?;
    Audit::of(Some(submission.submitted_by_id), "submission_rejected", "")
        .by(staff.id)
        .child(case.child_id)
        .detail(&format!("{}: {reason}", submission.reference))
        .write(&mut tx)
        .await?;
    let email = tell_sender(
        &mut tx,
        state,
        staff,
        case,
        submission,
        format!("Please change and send again: {}", submission.title),
        format!(
            "The SEN team has looked at the {} you sent for {} (reference {}) and needs you to change it:\n\n{reason}\n\n\
             Your answers are kept: choose the button below to open them, make the change and send the form again by {}.",
            submission.title,
            case.child.first_name,
            submission.reference,
            due_on.long()
        ),
        Some(FormRequest {
            form_id: form.id.clone(),
            due_on,
        }),
    )
    .await?;
    tx.commit().await?;
    if let Some(email) = email {
        email.wake();
    }
    Ok(format!(
        "{} {} has been sent back to {} with your reason",
        submission.title, submission.reference, submission.submitted_by
    ))
}

/// Records the next stage of the assessment on `on`. A decision stage says whether it goes
/// ahead; a "no" needs the reason (the family is told it) and ends the assessment.
pub async fn record_next_stage(
    change: &Change<'_>,
    stage: Option<Stage>,
    on: Result<Date, String>,
    go_ahead: Option<bool>,
    reason: &str,
    today: Date,
) -> Result<String, AppError> {
    let (state, staff, case, version) = change.parts();
    let mut conn = state.db.pool().acquire().await?;
    let progress = load_progress(&mut conn, case.child_id).await?;
    drop(conn);
    if progress.stopped {
        return Err(AppError::invalid(
            "This assessment has ended: there is nothing more to record",
        ));
    }
    let next = Stage::ALL
        .into_iter()
        .find(|s| progress.date_of(*s).is_none())
        .ok_or_else(|| AppError::invalid("Every stage is recorded"))?;
    if stage != Some(next) {
        return Err(AppError::invalid(format!(
            "The next stage to record is ‘{}’: reload the page to see what has been recorded",
            next.label()
        )));
    }
    let on = on.map_err(|m| AppError::field("on-day", m))?;
    if on > today {
        return Err(AppError::field(
            "on-day",
            "The date must be today or earlier",
        ));
    }
    if let Some((_, last)) = progress.done.iter().max_by_key(|(_, d)| *d) {
        if on < *last {
            return Err(AppError::field(
                "on-day",
                format!(
                    "The date must be on or after {}, when the last stage was recorded",
                    last.long()
                ),
            ));
        }
    }
    let decision = matches!(next, Stage::DecisionToAssess | Stage::DecisionToIssue);
    let stops = match (decision, go_ahead) {
        (false, _) => false,
        (true, None) => return Err(AppError::field("decision", "Choose what was decided")),
        (true, Some(yes)) => !yes,
    };
    if stops && reason.trim().is_empty() {
        return Err(AppError::field(
            "reason",
            "Give the reason for the decision: the family is told it, with their right to appeal",
        ));
    }
    let mut tx = state.db.begin().await?;
    claim_version(&mut tx, case.child_id, version, staff.id).await?;
    if stops {
        let outcome = if next == Stage::DecisionToAssess {
            "not_assessing"
        } else {
            "no_plan"
        };
        sqlx::query("UPDATE cases SET outcome = $1, outcome_reason = $2, closed_at = $3 WHERE child_id = $4")
            .bind(outcome)
            .bind(reason.trim())
            .bind(unix_now())
            .bind(case.child_id)
            .execute(&mut *tx)
            .await?;
    }
    record_stage(&mut tx, case.child_id, next, on, Some(staff.id)).await?;
    let detail = if stops {
        format!("{}: {} – no: {}", next.label(), on.long(), reason.trim())
    } else {
        format!("{}: {}", next.label(), on.long())
    };
    Audit::of(None, "stage_recorded", "")
        .by(staff.id)
        .child(case.child_id)
        .detail(&detail)
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(if stops {
        format!(
            "Recorded: {} on {} – the assessment ends here",
            next.label(),
            on.long()
        )
    } else {
        format!("Recorded: {} on {}", next.label(), on.long())
    })
}

/// Records the day advice was asked for: each advice-giver has 6 weeks from it.
pub async fn record_advice_requested(
    change: &Change<'_>,
    on: Result<Date, String>,
    today: Date,
) -> Result<String, AppError> {
    let (state, staff, case, version) = change.parts();
    let on = on.map_err(|m| AppError::field("advice-day", m))?;
    if on > today {
        return Err(AppError::field(
            "advice-day",
            "The date must be today or earlier",
        ));
    }
    let mut tx = state.db.begin().await?;
    claim_version(&mut tx, case.child_id, version, staff.id).await?;
    sqlx::query("UPDATE cases SET advice_requested_on = $1 WHERE child_id = $2")
        .bind(on.iso())
        .bind(case.child_id)
        .execute(&mut *tx)
        .await?;
    refresh_case(&mut tx, case.child_id).await?;
    Audit::of(None, "advice_requested", "")
        .by(staff.id)
        .child(case.child_id)
        .detail(&on.long())
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(format!(
        "Advice requested on {}: due by {}",
        on.long(),
        crate::status::timeline::add_days(on, crate::status::timeline::ADVICE_WEEKS * 7).long()
    ))
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
    let stored = crate::documents::ssr::store_files(&state.storage, &files).await?;
    let mut tx = state.db.begin().await?;
    claim_version(&mut tx, case.child_id, version, staff.id).await?;
    crate::documents::ssr::record_document(
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
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Adds a child the SEN team has a request for (by post, say), and opens their case.
pub async fn add_case(
    state: &AppState,
    staff: &Account,
    person: &crate::people::NewPerson,
) -> Result<String, AppError> {
    let mut tx = state.db.begin().await?;
    let child = crate::people::ssr::insert_child(
        &mut tx,
        &person.first_name,
        &person.last_name,
        &person.date_of_birth.iso(),
        Some(staff.id),
    )
    .await?;
    ensure_case(&mut tx, child.id).await?;
    Audit::of(None, "case_created", "")
        .by(staff.id)
        .child(child.id)
        .detail(&child.summary.full_name())
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(child.summary.id)
}
