//! Staff and admin accounts are made by an admin (or, for the first admin, the command line):
//! they get no password; a link by email lets them choose one.

use crate::{
    auth::ssr::{accounts, hash_secret, tokens},
    error::AppError,
    ids,
    platform::{db::unix_now, AppState, Email},
    role::Role,
    values::EmailAddress,
};

/// How long the "choose your password" link of a new staff account works.
pub const WELCOME_LINK_SECS: i64 = 24 * 60 * 60;

pub async fn create_staff_account(
    state: &AppState,
    email: &str,
    full_name: &str,
    role: Role,
    actor_id: Option<i64>,
    ip: &str,
) -> Result<i64, AppError> {
    let email = EmailAddress::parse(email).map_err(|m| AppError::field("email", m))?;
    let full_name = full_name.trim();
    if full_name.is_empty() {
        return Err(AppError::field("full_name", "Enter the person's full name"));
    }
    if accounts::find_account_by_email(state, email.as_str())
        .await?
        .is_some()
    {
        return Err(AppError::field(
            "email",
            "There is already an account with this email address",
        ));
    }
    // A random password nobody knows: the emailed link sets the real one.
    let unusable = hash_secret(&ids::token(32))?;
    let now = unix_now();
    let mut tx = state.db.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (email, full_name, role, password_hash, email_confirmed_at, two_step_method, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'email', $5, $5) RETURNING id",
    )
    .bind(email.as_str())
    .bind(full_name)
    .bind(role.as_str())
    .bind(&unusable.0)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let entry = accounts::Audit::of(Some(id), "account_created", ip).detail(role.label());
    match actor_id {
        Some(actor) => entry.by(actor),
        None => entry,
    }
    .write(&mut tx)
    .await?;
    let token = tokens::issue(&mut tx, id, tokens::RESET_PASSWORD, WELCOME_LINK_SECS).await?;
    let base = &state.runtime.base_url;
    let welcome = state
        .outbox
        .write(&mut tx, &Email {
            to: email.as_str().to_owned(),
            subject: "Your SEND Portal account".into(),
            text: format!(
                "An account has been made for you on the {} SEND Portal ({}).\n\n\
                 Choose your password here within 24 hours:\n\n{base}/reset-password?token={token}\n\n\
                 Each time you sign in we will also email you a code.\n",
                state.site.council_name,
                role.label()
            ),
        })
        .await?;
    tx.commit().await?;
    welcome.wake();
    Ok(id)
}
