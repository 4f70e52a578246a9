//! Accounts in the database as the admin pages see them: searching them a page at a time, one
//! account with its audit history, and the changes an admin makes (role, deactivation, two-step).

use crate::error::AppError;

/// A row of `users` as the admin pages list it.
#[derive(sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub full_name: String,
    pub email: String,
    pub role: String,
    pub email_confirmed_at: Option<i64>,
    pub two_step_method: Option<String>,
    pub deactivated_at: Option<i64>,
}

/// A row of `users` for the account page: the listed columns and when the account was made.
#[derive(sqlx::FromRow)]
pub struct UserDetailRow {
    #[sqlx(flatten)]
    pub user: UserRow,
    pub created_at: i64,
}

/// An entry of an account's audit history, with the name of whoever else did it.
#[derive(sqlx::FromRow)]
pub struct HistoryRow {
    pub at: i64,
    pub action: String,
    pub actor_name: Option<String>,
    pub ip: Option<String>,
    pub detail: Option<String>,
}

const USER_COLUMNS: &str =
    "id, full_name, email, role, email_confirmed_at, two_step_method, deactivated_at";

/// Matches an email address or a name against a `like_pattern`.
const MATCHES: &str = "lower(email) LIKE $1 ESCAPE '\\' OR lower(full_name) LIKE $1 ESCAPE '\\'";

/// `LIKE` pattern for a search term, with its wildcards taken literally.
pub fn like_pattern(term: &str) -> String {
    let escaped = term
        .trim()
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// How many accounts match `pattern` (from `like_pattern`).
pub async fn count_accounts_matching(pool: &sqlx::AnyPool, pattern: &str) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM users WHERE {MATCHES}"
    )))
    .bind(pattern)
    .fetch_one(pool)
    .await?)
}

/// The accounts matching `pattern`, newest first, `limit` of them from `offset`.
pub async fn list_accounts_matching(
    pool: &sqlx::AnyPool,
    pattern: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<UserRow>, AppError> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLUMNS} FROM users WHERE {MATCHES} ORDER BY id DESC LIMIT $2 OFFSET $3"
    )))
    .bind(pattern)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?)
}

pub async fn find_user_detail(
    pool: &sqlx::AnyPool,
    user_id: i64,
) -> Result<Option<UserDetailRow>, AppError> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLUMNS}, created_at FROM users WHERE id = $1"
    )))
    .bind(user_id)
    .fetch_optional(pool)
    .await?)
}

/// The account's 20 newest audit entries, newest first.
pub async fn list_account_history(
    pool: &sqlx::AnyPool,
    user_id: i64,
) -> Result<Vec<HistoryRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT a.at, a.action, actor.full_name AS actor_name, a.ip, a.detail FROM audit_log a \
         LEFT JOIN users actor ON actor.id = a.actor_id \
         WHERE a.user_id = $1 ORDER BY a.at DESC, a.id DESC LIMIT 20",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?)
}

pub async fn update_role(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    role: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET role = $1, updated_at = $2 WHERE id = $3")
        .bind(role)
        .bind(now)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn reactivate_user(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET deactivated_at = NULL, updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn deactivate_user(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET deactivated_at = $1, updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Forgets the account's two-step method, so it is set up again at the next sign-in.
pub async fn clear_two_step(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET two_step_method = NULL, updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn search_terms_match_literally() {
        assert_eq!(super::like_pattern(" Ann_50% "), "%ann\\_50\\%%");
    }
}
