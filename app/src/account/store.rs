//! The account pages' SQL: registering, confirming the address and choosing two-step
//! verification, the secret question, and what the account page shows of recent activity.

use crate::error::AppError;

/// A sign-in event (or a password change) for the account page.
#[derive(sqlx::FromRow)]
pub struct RecentEventRow {
    pub at: i64,
    pub action: String,
    pub ip: Option<String>,
}

/// The secret question and its answer's hash, when the account has one.
#[derive(sqlx::FromRow)]
pub struct SecretRow {
    pub secret_question: Option<String>,
    pub secret_answer_hash: Option<String>,
}

/// A parent's or young person's new account, not yet confirmed.
pub struct NewCitizen<'a> {
    pub email: &'a str,
    pub full_name: &'a str,
    pub password_hash: &'a str,
    pub secret_question: &'a str,
    pub secret_answer_hash: &'a str,
}

/// Records a registration and returns the new account's id.
pub async fn insert_citizen(
    conn: &mut sqlx::AnyConnection,
    new: &NewCitizen<'_>,
    now: i64,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO users (email, full_name, role, password_hash, secret_question, \
         secret_answer_hash, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(new.email)
    .bind(new.full_name)
    .bind(crate::role::Role::Citizen.as_str())
    .bind(new.password_hash)
    .bind(new.secret_question)
    .bind(new.secret_answer_hash)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// Marks the address confirmed, the first time only.
pub async fn confirm_email(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE users SET email_confirmed_at = $1, updated_at = $1 WHERE id = $2 AND email_confirmed_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Two-step verification by emailed code (the only method there is).
pub async fn set_two_step_email(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET two_step_method = 'email', updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The account's secret question and answer hash (`None` for no such account).
pub async fn find_secret(
    pool: &sqlx::AnyPool,
    user_id: i64,
) -> Result<Option<SecretRow>, AppError> {
    Ok(
        sqlx::query_as("SELECT secret_question, secret_answer_hash FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(pool)
            .await?,
    )
}

/// The account's secret question, if it has one.
pub async fn find_secret_question(
    pool: &sqlx::AnyPool,
    user_id: i64,
) -> Result<Option<String>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT secret_question FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(pool)
            .await?,
    )
}

pub async fn update_secret(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    question: &str,
    answer_hash: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE users SET secret_question = $1, secret_answer_hash = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(question)
    .bind(answer_hash)
    .bind(now)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The account's ten newest sign-ins, failed tries and password changes, newest first.
pub async fn list_recent_sign_ins(
    pool: &sqlx::AnyPool,
    user_id: i64,
) -> Result<Vec<RecentEventRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT at, action, ip FROM audit_log WHERE user_id = $1 AND action IN \
         ('sign_in', 'sign_in_failed', 'code_failed', 'password_changed', 'password_reset') \
         ORDER BY at DESC, id DESC LIMIT 10",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?)
}

/// The account's sessions still in time, other than `current` (a session id).
pub async fn count_other_sessions(
    pool: &sqlx::AnyPool,
    user_id: i64,
    current: &str,
    now: i64,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM sessions WHERE user_id = $1 AND id <> $2 AND expires_at > $3",
    )
    .bind(user_id)
    .bind(current)
    .bind(now)
    .fetch_one(pool)
    .await?)
}
