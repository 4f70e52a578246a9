//! Organisations and their members in the database.

use crate::error::AppError;

#[derive(sqlx::FromRow)]
pub struct OrganisationListRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub members: i64,
}

#[derive(sqlx::FromRow)]
pub struct OrganisationRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub created_at: i64,
}

#[derive(sqlx::FromRow)]
pub struct MemberRow {
    pub user_id: i64,
    pub full_name: String,
    pub email: String,
    pub deactivated_at: Option<i64>,
    pub added_at: i64,
}

pub async fn list_organisations(
    pool: &sqlx::AnyPool,
) -> Result<Vec<OrganisationListRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT o.id, o.name, o.kind, \
           (SELECT COUNT(*) FROM organisation_members m WHERE m.organisation_id = o.id) AS members \
         FROM organisations o ORDER BY o.name_key",
    )
    .fetch_all(pool)
    .await?)
}

pub async fn find_organisation(
    pool: &sqlx::AnyPool,
    id: i64,
) -> Result<Option<OrganisationRow>, AppError> {
    Ok(
        sqlx::query_as("SELECT id, name, kind, created_at FROM organisations WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await?,
    )
}

/// The organisation's name, on a connection (inside a transaction, say).
pub async fn organisation_name(
    conn: &mut sqlx::AnyConnection,
    id: i64,
) -> Result<Option<String>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT name FROM organisations WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await?,
    )
}

/// The members, by name.
pub async fn list_members(
    pool: &sqlx::AnyPool,
    organisation_id: i64,
) -> Result<Vec<MemberRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT u.id AS user_id, u.full_name, u.email, u.deactivated_at, m.added_at \
         FROM organisation_members m JOIN users u ON u.id = m.user_id \
         WHERE m.organisation_id = $1 ORDER BY lower(u.full_name), u.id",
    )
    .bind(organisation_id)
    .fetch_all(pool)
    .await?)
}

/// The new organisation's id, or `None` when one with the same `name_key` exists (also when
/// it was made by another request a moment ago: the unique index decides).
pub async fn insert_organisation(
    conn: &mut sqlx::AnyConnection,
    name: &str,
    name_key: &str,
    kind: &str,
    created_by: i64,
    now: i64,
) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO organisations (name, name_key, kind, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name_key) DO NOTHING RETURNING id",
    )
    .bind(name)
    .bind(name_key)
    .bind(kind)
    .bind(created_by)
    .bind(now)
    .fetch_optional(conn)
    .await?)
}

/// Whether the person was added (false: they were a member already).
pub async fn add_member(
    conn: &mut sqlx::AnyConnection,
    organisation_id: i64,
    user_id: i64,
    added_by: i64,
    now: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "INSERT INTO organisation_members (organisation_id, user_id, added_by, added_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (organisation_id, user_id) DO NOTHING",
    )
    .bind(organisation_id)
    .bind(user_id)
    .bind(added_by)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether the person was removed (false: they were not a member).
pub async fn remove_member(
    conn: &mut sqlx::AnyConnection,
    organisation_id: i64,
    user_id: i64,
) -> Result<bool, AppError> {
    let done =
        sqlx::query("DELETE FROM organisation_members WHERE organisation_id = $1 AND user_id = $2")
            .bind(organisation_id)
            .bind(user_id)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// The names of the organisations a person belongs to, by name.
pub async fn organisations_of(pool: &sqlx::AnyPool, user_id: i64) -> Result<Vec<String>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT o.name FROM organisation_members m JOIN organisations o ON o.id = m.organisation_id \
         WHERE m.user_id = $1 ORDER BY o.name_key",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?)
}
