//! The caseload's children in the database.

use crate::{
    advice::store::{ASKED_OF_USER, CONSULTED_USER},
    error::AppError,
};

/// A child on a professional's caseload.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CaseloadChild {
    pub id: i64,
    pub public_id: String,
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: String,
    /// The case's stage next to do, if the child has a case.
    pub stage: Option<String>,
    pub closed_at: Option<i64>,
}

/// Every child professional `user_id` is linked to, asked for advice about, or whose school or
/// setting is consulted on.
pub async fn children_of_professional(
    pool: &sqlx::AnyPool,
    user_id: i64,
) -> Result<Vec<CaseloadChild>, AppError> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT c.id, c.public_id, c.first_name, c.last_name, c.date_of_birth, cs.stage, cs.closed_at \
         FROM children c LEFT JOIN cases cs ON cs.child_id = c.id \
         WHERE c.id IN (SELECT l.child_id FROM child_links l WHERE l.user_id = $1 \
                        UNION SELECT a.child_id FROM advice_requests a WHERE {ASKED_OF_USER} \
                        UNION SELECT co.child_id FROM consultations co WHERE {CONSULTED_USER}) \
         ORDER BY lower(c.last_name), lower(c.first_name), c.id"
    )))
    .bind(user_id)
    .fetch_all(pool)
    .await?)
}

/// The children `user_id` is linked to (whose records they may open).
pub async fn linked_children(
    pool: &sqlx::AnyPool,
    user_id: i64,
) -> Result<std::collections::HashSet<i64>, AppError> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT child_id FROM child_links WHERE user_id = $1")
        .bind(user_id)
        .fetch_all(pool)
        .await?;
    Ok(ids.into_iter().collect())
}
