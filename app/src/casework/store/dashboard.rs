//! The dashboard: open cases filtered, sorted and paged, and the caseworkers to assign. This file
//! holds its SQL; the markup is in `casework/pages/dashboard.rs`.

use crate::casework::{AwaitedAdvice, CaseFilter, DashboardRow, PAGE_SIZE};

use crate::{advice::AdviceKind, error::AppError, people::ChildSummary, values::Date};

/// Bind values for a query built from the dashboard's filters.
pub(super) enum Bind {
    Text(String),
    Int(i64),
}

/// Outstanding form requests: action messages about the child with no answer since that was
/// not sent back.
pub(super) const OUTSTANDING: &str = "(SELECT COUNT(*) FROM messages m WHERE m.child_id = k.child_id AND m.form_id IS NOT NULL \
     AND NOT EXISTS (SELECT 1 FROM submissions s WHERE s.child_id = m.child_id AND s.form_id = m.form_id \
       AND s.submitted_by = m.recipient_id AND s.submitted_at >= m.sent_at \
       AND NOT EXISTS (SELECT 1 FROM submission_reviews r WHERE r.submission_id = s.id AND r.outcome = 'rejected')))";

/// Submissions nobody has reviewed yet.
pub(super) const AWAITING: &str =
    "(SELECT COUNT(*) FROM submissions s WHERE s.child_id = k.child_id \
     AND NOT EXISTS (SELECT 1 FROM submission_reviews r WHERE r.submission_id = s.id))";

/// An open case as the dashboard lists it.
#[derive(sqlx::FromRow)]
struct DashboardCaseRow {
    child_id: i64,
    public_id: String,
    first_name: String,
    last_name: String,
    date_of_birth: String,
    reference: String,
    stage: String,
    requested_on: Option<String>,
    next_deadline: Option<String>,
    /// The caseworker's name.
    caseworker: Option<String>,
    outstanding: i64,
    awaiting: i64,
}

/// Someone a case can be given to.
#[derive(sqlx::FromRow)]
pub struct Caseworker {
    pub id: i64,
    pub full_name: String,
}

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
    if filter.advice_overdue {
        let p = next(Bind::Text(today.iso()), &mut binds);
        clauses.push(format!(
            "EXISTS (SELECT 1 FROM advice_requests a WHERE a.child_id = k.child_id \
             AND a.received_on IS NULL AND a.due_on < {p})"
        ));
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
    let mut count = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(count_sql));
    for b in &binds {
        count = match b {
            Bind::Text(t) => count.bind(t.clone()),
            Bind::Int(i) => count.bind(*i),
        };
    }
    let total = count.fetch_one(pool).await?;
    let page = filter.page.max(1);
    let limit = next(Bind::Int(PAGE_SIZE), &mut binds);
    let offset = next(Bind::Int((page - 1) * PAGE_SIZE), &mut binds);
    let sql = format!(
        "SELECT k.child_id, c.public_id, c.first_name, c.last_name, c.date_of_birth, k.reference, k.stage, k.requested_on, \
         k.next_deadline, u.full_name AS caseworker, {OUTSTANDING} AS outstanding, {AWAITING} AS awaiting \
         {from} LEFT JOIN users u ON u.id = k.caseworker_id \
         WHERE {filter_sql} ORDER BY k.urgency, k.child_id LIMIT {limit} OFFSET {offset}"
    );
    let mut query = sqlx::query_as::<_, DashboardCaseRow>(sqlx::AssertSqlSafe(sql));
    for b in binds {
        query = match b {
            Bind::Text(t) => query.bind(t),
            Bind::Int(i) => query.bind(i),
        };
    }
    let rows = query.fetch_all(pool).await?;
    let mut advice = awaited_advice(pool, rows.iter().map(|r| r.child_id)).await?;
    let rows = rows
        .into_iter()
        .map(|row| DashboardRow {
            advice: advice.remove(&row.child_id).unwrap_or_default(),
            child: ChildSummary {
                id: row.public_id,
                first_name: row.first_name,
                last_name: row.last_name,
                date_of_birth: row.date_of_birth,
            },
            reference: row.reference,
            stage: row.stage,
            requested_on: row.requested_on,
            next_deadline: row.next_deadline,
            caseworker: row.caseworker,
            outstanding: row.outstanding,
            awaiting: row.awaiting,
        })
        .collect();
    Ok((rows, total))
}

/// The advice each of these children's cases waits on, soonest due first: one query for the
/// page's rows.
async fn awaited_advice(
    pool: &sqlx::AnyPool,
    children: impl Iterator<Item = i64>,
) -> Result<std::collections::HashMap<i64, Vec<AwaitedAdvice>>, AppError> {
    let children: Vec<i64> = children.collect();
    let mut out: std::collections::HashMap<i64, Vec<AwaitedAdvice>> = Default::default();
    if children.is_empty() {
        return Ok(out);
    }
    let params: Vec<String> = (1..=children.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT a.child_id, a.kind, o.name, a.due_on FROM advice_requests a \
         JOIN organisations o ON o.id = a.organisation_id \
         WHERE a.received_on IS NULL AND a.child_id IN ({}) ORDER BY a.due_on, a.id",
        params.join(", ")
    );
    let mut query = sqlx::query_as::<_, (i64, String, String, String)>(sqlx::AssertSqlSafe(sql));
    for child in children {
        query = query.bind(child);
    }
    for (child, kind, organisation, due_on) in query.fetch_all(pool).await? {
        let (Some(kind), Some(due_on)) = (AdviceKind::parse(&kind), Date::from_iso(&due_on)) else {
            return Err(crate::error::internal(format!(
                "advice request of child {child} has kind {kind:?}, due {due_on:?}"
            )));
        };
        out.entry(child).or_default().push(AwaitedAdvice {
            kind,
            organisation,
            due_on,
        });
    }
    Ok(out)
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
pub async fn caseworkers(pool: &sqlx::AnyPool) -> Result<Vec<Caseworker>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, full_name FROM users WHERE role IN ('sen_officer', 'admin') AND deactivated_at IS NULL \
         ORDER BY full_name, id",
    )
    .fetch_all(pool)
    .await?)
}
