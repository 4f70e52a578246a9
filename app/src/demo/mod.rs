//! Demo accounts for every role, seeded once into a development database so a newcomer can
//! sign in straight away. Never seeded in production.

use anyhow::Context;

use crate::{
    auth::{ssr::hash_secret, Role},
    people::{ssr as people, Relationship},
    platform::{db::unix_now, Db},
};

/// Every demo account uses this password (not on any common-password list).
pub const DEMO_PASSWORD: &str = "demo-portal-2026";
pub const DEMO_SECRET_QUESTION: &str = "What was the name of your first school?";
pub const DEMO_SECRET_ANSWER: &str = "Oakfield Primary";

pub struct DemoAccount {
    pub email: &'static str,
    pub name: &'static str,
    pub role: Role,
    pub note: &'static str,
}

pub const DEMO_ACCOUNTS: [DemoAccount; 5] = [
    DemoAccount {
        email: "parent@example.org",
        name: "Sam Taylor",
        role: Role::Citizen,
        note: "parent of two children",
    },
    DemoAccount {
        email: "young.person@example.org",
        name: "Jordan Reid",
        role: Role::Citizen,
        note: "young person aged 17, acting for themself",
    },
    DemoAccount {
        email: "senco@example.org",
        name: "Priya Shah",
        role: Role::Professional,
        note: "school SENCo",
    },
    DemoAccount {
        email: "caseworker@example.org",
        name: "Chris Walker",
        role: Role::SenOfficer,
        note: "SEN team caseworker",
    },
    DemoAccount {
        email: "admin@example.org",
        name: "Alex Morgan",
        role: Role::Admin,
        note: "portal administrator",
    },
];

const SEEDED_KEY: &str = "demo_seeded_at";

/// Seeds the demo accounts unless this database was seeded before. Returns whether it seeded.
pub async fn seed_once(db: &Db) -> anyhow::Result<bool> {
    let already: Option<(String,)> = sqlx::query_as("SELECT value FROM portal_meta WHERE key = $1")
        .bind(SEEDED_KEY)
        .fetch_optional(db.pool())
        .await
        .context("checking whether the demo accounts were seeded")?;
    if already.is_some() {
        return Ok(false);
    }
    // Hash before the transaction: argon2 is deliberately slow.
    let password_hash = hash_secret(DEMO_PASSWORD)?;
    let answer_hash = hash_secret(&crate::auth::normalise_secret_answer(DEMO_SECRET_ANSWER))?;
    let now = unix_now();
    let mut tx = db.pool().begin().await.context("seeding demo accounts")?;
    for account in &DEMO_ACCOUNTS {
        sqlx::query(
            "INSERT INTO users (email, full_name, role, password_hash, secret_question, \
             secret_answer_hash, email_confirmed_at, two_step_method, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'email', $7, $7) ON CONFLICT (email) DO NOTHING",
        )
        .bind(account.email)
        .bind(account.name)
        .bind(account.role.as_str())
        .bind(&password_hash.0)
        .bind(DEMO_SECRET_QUESTION)
        .bind(&answer_hash.0)
        .bind(now)
        .execute(&mut *tx)
        .await
        .with_context(|| format!("seeding {}", account.email))?;
    }
    seed_children(&mut tx)
        .await
        .context("seeding demo children")?;
    sqlx::query("INSERT INTO portal_meta (key, value, updated_at) VALUES ($1, $2, $3)")
        .bind(SEEDED_KEY)
        .bind(now.to_string())
        .bind(now)
        .execute(&mut *tx)
        .await
        .context("recording the demo seed")?;
    tx.commit().await.context("seeding demo accounts")?;
    Ok(true)
}

/// The demo children: the parent has two, the young person their own record, and the SENCo
/// works with the elder child.
/// First name, last name, date of birth, and who is linked to them (email, how).
type DemoChild = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, Relationship)],
);

pub const DEMO_CHILDREN: [DemoChild; 3] = [
    (
        "Ellie",
        "Taylor",
        "2017-05-14",
        &[
            ("parent@example.org", Relationship::ParentCarer),
            ("senco@example.org", Relationship::Professional),
        ],
    ),
    (
        "Max",
        "Taylor",
        "2021-09-02",
        &[("parent@example.org", Relationship::ParentCarer)],
    ),
    (
        "Jordan",
        "Reid",
        "2009-03-20",
        &[("young.person@example.org", Relationship::Myself)],
    ),
];

async fn seed_children(tx: &mut sqlx::AnyConnection) -> Result<(), crate::error::AppError> {
    for (first, last, born, links) in DEMO_CHILDREN {
        let child = people::insert_child(&mut *tx, first, last, born, None).await?;
        for (email, relationship) in links {
            let (user_id,): (i64,) = sqlx::query_as("SELECT id FROM users WHERE email = $1")
                .bind(*email)
                .fetch_one(&mut *tx)
                .await?;
            people::link_child(&mut *tx, child.id, user_id, *relationship, true).await?;
        }
    }
    Ok(())
}

/// The lines printed at start-up so a newcomer knows how to sign in.
pub fn describe() -> String {
    let mut out = format!(
        "Demo accounts (password for all: {DEMO_PASSWORD}; secret answer: {DEMO_SECRET_ANSWER}):\n"
    );
    for a in &DEMO_ACCOUNTS {
        out.push_str(&format!(
            "  {:<26} {:<14} {}\n",
            a.email,
            a.role.as_str(),
            a.note
        ));
    }
    out
}
