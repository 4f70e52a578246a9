//! The people linked to a child: who they are, invitations not yet taken up, and linking by email.
//! This file holds its SQL; the markup is in `casework/pages/links.rs`.

use super::case::{claim_version, Change};
use crate::{
    auth::ssr::accounts::Audit,
    error::AppError,
    messages::store::{write_message, NewMessage},
    people::{store::link_child, Relationship},
    platform::db::unix_now,
    role::Role,
};

/// A person linked to the child, for the case page.
pub struct LinkedPerson {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub relationship: Relationship,
    pub verified: bool,
}

/// A link to the child, with the linked person's account.
#[derive(sqlx::FromRow)]
struct LinkedPersonRow {
    user_id: i64,
    full_name: String,
    email: String,
    role: String,
    relationship: String,
    verified_at: Option<i64>,
}

/// An invitation to register not yet taken up.
#[derive(sqlx::FromRow)]
pub struct PendingInvitation {
    pub email: String,
    pub relationship: String,
    /// When it was sent.
    pub created_at: i64,
}

pub async fn linked_people(
    pool: &sqlx::AnyPool,
    child_id: i64,
) -> Result<Vec<LinkedPerson>, AppError> {
    let rows: Vec<LinkedPersonRow> = sqlx::query_as(
        "SELECT u.id AS user_id, u.full_name, u.email, u.role, l.relationship, l.verified_at FROM child_links l \
         JOIN users u ON u.id = l.user_id WHERE l.child_id = $1 ORDER BY l.created_at, u.id",
    )
    .bind(child_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(LinkedPerson {
                user_id: row.user_id,
                name: row.full_name,
                email: row.email,
                role: Role::parse(&row.role)?,
                relationship: Relationship::parse(&row.relationship)?,
                verified: row.verified_at.is_some(),
            })
        })
        .collect())
}

/// Invitations not yet taken up, oldest first.
pub async fn pending_invitations(
    pool: &sqlx::AnyPool,
    child_id: i64,
) -> Result<Vec<PendingInvitation>, AppError> {
    Ok(sqlx::query_as(
        "SELECT email, relationship, created_at FROM invitations WHERE child_id = $1 AND accepted_at IS NULL ORDER BY id",
    )
    .bind(child_id)
    .fetch_all(pool)
    .await?)
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
                .detail(&format!("{} ({})", account.full_name, relationship.label()))
                .write(&mut tx)
                .await?;
            let (_, email) = write_message(
                &mut tx,
                state,
                &NewMessage {
                    recipient_id: account.id,
                    sender_id: Some(staff.id),
                    child_id: Some(case.child_id),
                    case_child_id: None,
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
