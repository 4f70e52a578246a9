//! Children and links in the database. These are the functions the SEN team's dashboard and
//! Add Person call, and the demo seed and tests use.

use super::{ChildSummary, Relationship};
use crate::{error::AppError, ids, platform::db::unix_now, role::Role};

/// The database row of a child, for the server.
#[derive(Clone, Debug)]
pub struct Child {
    pub id: i64,
    pub summary: ChildSummary,
}

/// A row of `children`.
#[derive(sqlx::FromRow)]
struct ChildRow {
    id: i64,
    public_id: String,
    first_name: String,
    last_name: String,
    date_of_birth: String,
}

/// A child with how a person is linked to them and when the link was verified.
#[derive(sqlx::FromRow)]
struct LinkRow {
    #[sqlx(flatten)]
    child: ChildRow,
    relationship: String,
    verified_at: Option<i64>,
}

/// An invitation to register that links the new account to a child.
#[derive(sqlx::FromRow)]
struct InvitationRow {
    id: i64,
    child_id: i64,
    relationship: String,
}

/// The email address and role of an account.
#[derive(sqlx::FromRow)]
struct EmailAndRole {
    email: String,
    role: String,
}

fn child_from(row: ChildRow) -> Child {
    Child {
        id: row.id,
        summary: ChildSummary {
            id: row.public_id,
            first_name: row.first_name,
            last_name: row.last_name,
            date_of_birth: row.date_of_birth,
        },
    }
}

/// Records a child (`created_by` is who added them) and returns it.
pub async fn insert_child(
    conn: &mut sqlx::AnyConnection,
    first_name: &str,
    last_name: &str,
    date_of_birth: &str,
    created_by: Option<i64>,
) -> Result<Child, AppError> {
    let public_id = ids::token(12);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO children (public_id, first_name, last_name, date_of_birth, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(&public_id)
    .bind(first_name)
    .bind(last_name)
    .bind(date_of_birth)
    .bind(created_by)
    .bind(unix_now())
    .fetch_one(conn)
    .await?;
    Ok(Child {
        id,
        summary: ChildSummary {
            id: public_id,
            first_name: first_name.to_owned(),
            last_name: last_name.to_owned(),
            date_of_birth: date_of_birth.to_owned(),
        },
    })
}

/// Links a person to a child (again: the relationship and verification are updated).
pub async fn link_child(
    conn: &mut sqlx::AnyConnection,
    child_id: i64,
    user_id: i64,
    relationship: Relationship,
    verified: bool,
) -> Result<(), AppError> {
    let now = unix_now();
    sqlx::query(
        "INSERT INTO child_links (child_id, user_id, relationship, verified_at, created_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (child_id, user_id) DO UPDATE SET relationship = excluded.relationship, verified_at = excluded.verified_at",
    )
    .bind(child_id)
    .bind(user_id)
    .bind(relationship.as_str())
    .bind(verified.then_some(now))
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The child with this public id, if `user_id` is linked to them. Anyone else gets `None`,
/// exactly as for an id that does not exist.
pub async fn find_child_for_user(
    pool: &sqlx::AnyPool,
    user_id: i64,
    public_id: &str,
) -> Result<Option<Child>, AppError> {
    let row: Option<ChildRow> = sqlx::query_as(
        "SELECT c.id, c.public_id, c.first_name, c.last_name, c.date_of_birth FROM children c \
         JOIN child_links l ON l.child_id = c.id WHERE c.public_id = $1 AND l.user_id = $2",
    )
    .bind(public_id)
    .bind(user_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(child_from))
}

/// A child by row id, for a caller that has already decided the person may see them (a school
/// consulted on their draft plan, say).
pub async fn child_by_id(pool: &sqlx::AnyPool, child_id: i64) -> Result<Child, AppError> {
    let row: ChildRow = sqlx::query_as(
        "SELECT c.id, c.public_id, c.first_name, c.last_name, c.date_of_birth FROM children c \
         WHERE c.id = $1",
    )
    .bind(child_id)
    .fetch_one(pool)
    .await?;
    Ok(child_from(row))
}

/// The children linked to a person, youngest first.
pub async fn children_of(pool: &sqlx::AnyPool, user_id: i64) -> Result<Vec<Child>, AppError> {
    let rows: Vec<ChildRow> = sqlx::query_as(
        "SELECT c.id, c.public_id, c.first_name, c.last_name, c.date_of_birth FROM children c \
         JOIN child_links l ON l.child_id = c.id WHERE l.user_id = $1 ORDER BY c.date_of_birth DESC, c.id",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(child_from).collect())
}

/// How `user_id` is linked to the child, if at all.
pub async fn relationship_to<'c>(
    db: impl sqlx::Executor<'c, Database = sqlx::Any>,
    child_id: i64,
    user_id: i64,
) -> Result<Option<Relationship>, AppError> {
    let row: Option<String> = sqlx::query_scalar(
        "SELECT relationship FROM child_links WHERE child_id = $1 AND user_id = $2",
    )
    .bind(child_id)
    .bind(user_id)
    .fetch_optional(db)
    .await?;
    Ok(row.and_then(|r| Relationship::parse(&r)))
}

/// Whether the person is the young person themself (aged 16 to 25, acting for themself):
/// forms, messages and the plan then say "you", not "your child".
pub async fn acts_for_self(
    pool: &sqlx::AnyPool,
    child_id: i64,
    user_id: i64,
) -> Result<bool, AppError> {
    Ok(relationship_to(pool, child_id, user_id).await? == Some(Relationship::Myself))
}

/// The children linked to a person with how they are linked, youngest first.
pub async fn links_of(
    pool: &sqlx::AnyPool,
    user_id: i64,
) -> Result<Vec<(Child, Relationship, bool)>, AppError> {
    let rows: Vec<LinkRow> = sqlx::query_as(
        "SELECT c.id, c.public_id, c.first_name, c.last_name, c.date_of_birth, l.relationship, l.verified_at \
         FROM children c JOIN child_links l ON l.child_id = c.id WHERE l.user_id = $1 \
         ORDER BY c.date_of_birth DESC, c.id",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some((
                child_from(row.child),
                Relationship::parse(&row.relationship)?,
                row.verified_at.is_some(),
            ))
        })
        .collect())
}

/// Add Person: records a child (or the young person themself) and links them to the person
/// who added them, unverified until the SEN team confirms the link. One transaction, audited.
pub async fn add_person(
    pool: &sqlx::AnyPool,
    user_id: i64,
    person: &super::NewPerson,
    ip: &str,
) -> Result<Child, AppError> {
    let mut tx = pool.begin().await?;
    let child = insert_child(
        &mut tx,
        &person.first_name,
        &person.last_name,
        &person.date_of_birth.iso(),
        Some(user_id),
    )
    .await?;
    link_child(&mut tx, child.id, user_id, person.relationship, false).await?;
    crate::auth::ssr::accounts::Audit::of(Some(user_id), "person_added", ip)
        .child(child.id)
        .detail(&child.summary.id)
        .write(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(child)
}

/// Makes the links invitations to this address asked for: called when the address is
/// confirmed, in that transaction.
pub async fn claim_invitations(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
) -> Result<(), AppError> {
    let EmailAndRole { email, role } =
        sqlx::query_as("SELECT email, role FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(&mut *conn)
            .await?;
    let invitations: Vec<InvitationRow> = sqlx::query_as(
        "SELECT id, child_id, relationship FROM invitations WHERE email = $1 AND accepted_at IS NULL",
    )
    .bind(email.to_lowercase())
    .fetch_all(&mut *conn)
    .await?;
    for InvitationRow {
        id,
        child_id,
        relationship,
    } in invitations
    {
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
            crate::auth::ssr::accounts::Audit::of(Some(user_id), "invitation_accepted", "")
                .child(child_id)
                .detail(relationship.label())
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

/// The random id in addresses of the child with row `child_id`.
pub async fn public_id_of_child(pool: &sqlx::AnyPool, child_id: i64) -> Result<String, AppError> {
    let id: String = sqlx::query_scalar("SELECT public_id FROM children WHERE id = $1")
        .bind(child_id)
        .fetch_one(pool)
        .await?;
    Ok(id)
}
