//! The portal under test: the release binary on a fresh database, and people signed in to it.

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    time::Duration,
};

use anyhow::{bail, Context};

pub const PARENT: &str = "parent@example.org";
pub const FORM: &str = "e1-parent-request";

/// The portal, started from the release binary on a fresh database.
pub struct Portal {
    pub child: tokio::process::Child,
    pub base: String,
    outbox: PathBuf,
}

pub async fn free_port() -> anyhow::Result<u16> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    Ok(listener.local_addr()?.port())
}

/// A person at the portal: their browser (cookies, one connection) and their E1 draft.
pub struct Person {
    pub client: reqwest::Client,
    pub draft: String,
}

impl Portal {
    pub async fn start(bin: &Path, data: &Path, database_url: &str) -> anyhow::Result<Portal> {
        Self::start_with(tokio::process::Command::new(bin), data, database_url).await
    }

    /// The same, run by `command`: the binary, or a program that runs it (in a namespace of
    /// its own, say).
    pub async fn start_with(
        mut command: tokio::process::Command,
        data: &Path,
        database_url: &str,
    ) -> anyhow::Result<Portal> {
        let port = free_port().await?;
        let base = format!("http://127.0.0.1:{port}");
        // A caller that set `PORTAL_LOG` has chosen where the log goes too.
        let caller_logs = command.as_std().get_envs().any(|(k, _)| k == "PORTAL_LOG");
        if !caller_logs {
            // `BENCH_PORTAL_LOG` (say `sqlx::query=debug`, to count a request's queries)
            // shows the server's log on the bench's output.
            let log = std::env::var("BENCH_PORTAL_LOG").ok();
            command
                .env("PORTAL_LOG", log.as_deref().unwrap_or("warn"))
                .stdout(if log.is_some() {
                    Stdio::inherit()
                } else {
                    Stdio::null()
                });
        }
        let child = command
            .env("PORTAL_PORT", port.to_string())
            .env("PORTAL_BASE_URL", &base)
            .env("PORTAL_DATA_DIR", data)
            .env("PORTAL_DATABASE_URL", database_url)
            .env("PORTAL_SEED_DEMO", "true")
            // The people's addresses come as a load balancer on this machine reports them.
            .env("PORTAL_TRUSTED_PROXIES", "127.0.0.1/32")
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {:?}", command.as_std().get_program()))?;
        let client = reqwest::Client::new();
        for _ in 0..300 {
            if let Ok(r) = client.get(format!("{base}/healthz")).send().await {
                if r.status().is_success() {
                    return Ok(Portal {
                        child,
                        base,
                        outbox: data.join("outbox"),
                    });
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("the portal did not answer /healthz")
    }

    pub async fn call(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> anyhow::Result<reqwest::Response> {
        Ok(client
            .post(format!("{}/api/{endpoint}", self.base))
            .header("origin", &self.base)
            .form(form)
            .send()
            .await?)
    }

    /// A browser signed in as `email` (password, then the emailed code), from the client
    /// address `from` (as the trusted load balancer in front reports it).
    pub async fn signed_in(
        &self,
        email: &str,
        password: &str,
        from: &str,
    ) -> anyhow::Result<reqwest::Client> {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-forwarded-for", from.parse()?);
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .default_headers(headers)
            .build()?;
        self.call(
            &client,
            "auth/sign-in",
            &[("email", email), ("password", password)],
        )
        .await?;
        // Email goes out through the outbox's sender, a moment after the request.
        let mut mail = None;
        for _ in 0..200 {
            mail = app::mailbox::store::read_outbox(&self.outbox)
                .await?
                .into_iter()
                .find(|m| m.to == email);
            if mail.is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        let mail = mail.context("no sign-in email")?;
        let at = mail.text.find("code is ").context("no code in the email")? + "code is ".len();
        let code = &mail.text[at..at + 6];
        let verified = self
            .call(&client, "auth/verify-code", &[("code", code)])
            .await?;
        if !verified.status().is_success() {
            bail!("signing in as {email}: {}", verified.status());
        }
        Ok(client)
    }

    /// Person `n`: a parent of their own (as many parents as people, each from their own
    /// address: one account signing in hundreds of times would rightly be stopped), signed in,
    /// with a new E1 draft for Ellie.
    pub async fn person(&self, n: usize, ellie: &str) -> anyhow::Result<Person> {
        let email = format!("bench{n}@example.org");
        let from = format!("10.{}.{}.{}", n / 65536 % 256, n / 256 % 256, n % 256);
        let client = self
            .signed_in(&email, app::demo::DEMO_PASSWORD, &from)
            .await?;
        let draft: String = self
            .call(&client, "forms/start", &[("child", ellie), ("form", FORM)])
            .await?
            .json()
            .await?;
        Ok(Person { client, draft })
    }
}

/// `count` parents like the demo parent (same password, confirmed, two-step by email), each
/// linked to Ellie; returns Ellie's public id.
pub async fn seed_parents(database_url: &str, count: usize) -> anyhow::Result<String> {
    let db = app::platform::Db::connect(database_url, 1).await?;
    let mut tx = db.pool().begin().await?;
    for n in 0..count {
        sqlx::query(
            "INSERT INTO users (email, full_name, role, password_hash, secret_question, secret_answer_hash, \
             email_confirmed_at, two_step_method, created_at, updated_at) \
             SELECT $1, $2, role, password_hash, secret_question, secret_answer_hash, email_confirmed_at, \
             two_step_method, created_at, updated_at FROM users WHERE email = $3",
        )
        .bind(format!("bench{n}@example.org"))
        .bind(format!("Bench Parent {n}"))
        .bind(PARENT)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO child_links (child_id, user_id, relationship, verified_at, created_at) \
             SELECT l.child_id, u.id, l.relationship, l.verified_at, l.created_at \
             FROM child_links l JOIN children c ON c.id = l.child_id \
             JOIN users p ON p.id = l.user_id, users u \
             WHERE c.first_name = 'Ellie' AND p.email = $1 AND u.email = $2",
        )
        .bind(PARENT)
        .bind(format!("bench{n}@example.org"))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    let ellie: String =
        sqlx::query_scalar("SELECT public_id FROM children WHERE first_name = 'Ellie'")
            .fetch_one(db.pool())
            .await?;
    db.pool().close().await;
    Ok(ellie)
}

/// Process `pid`'s resident memory now, in MiB (from Linux's `/proc`; `None` elsewhere).
pub fn resident_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
