//! `make bench`: N concurrent simulated editors autosaving a realistic E1 draft against the
//! release server, for a fixed time, on SQLite (and PostgreSQL when `TEST_POSTGRES_URL` is set).
//! Prints saves per second, p50/p99 latency and errors; then the same load against a bare
//! handler doing the same single-row write on the same database, and the ratio. Also loads a
//! wizard page from every editor at once, to catch a render that never finishes. Then seeds
//! 10,000 cases and times the SEN team's first dashboard page (p50 must be under 20 ms).
//!
//! Settings: `BENCH_EDITORS` (200), `BENCH_SECONDS` (20), `BENCH_THINK_MS` (1000: an editor
//! saves about once a second while typing, as the page's 800 ms pause allows), `PORTAL_BIN`.

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::{bail, Context};
use app::formdef::{answers::Answer, library::FormLibrary};
use serde_json::{json, Value};

const PARENT: &str = "parent@example.org";
const FORM: &str = "e1-parent-request";

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[derive(Default)]
struct Stats {
    latencies: Vec<Duration>,
    errors: usize,
    seconds: f64,
}

impl Stats {
    fn line(&mut self, backend: &str, target: &str) -> (f64, f64) {
        self.latencies.sort();
        let pick = |q: f64| {
            if self.latencies.is_empty() {
                return f64::NAN;
            }
            let i = ((self.latencies.len() as f64 * q).ceil() as usize)
                .clamp(1, self.latencies.len())
                - 1;
            self.latencies[i].as_secs_f64() * 1000.0
        };
        let (p50, p99) = (pick(0.50), pick(0.99));
        println!(
            "{backend:<10} {target:<22} {:>9.1} {:>9.2} {:>9.2} {:>7}",
            self.latencies.len() as f64 / self.seconds,
            p50,
            p99,
            self.errors
        );
        (p50, p99)
    }
}

/// The portal, started from the release binary on a fresh database.
struct Portal {
    child: tokio::process::Child,
    base: String,
    outbox: PathBuf,
}

async fn free_port() -> anyhow::Result<u16> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    Ok(listener.local_addr()?.port())
}

async fn start_portal(bin: &Path, data: &Path, database_url: &str) -> anyhow::Result<Portal> {
    let port = free_port().await?;
    let base = format!("http://127.0.0.1:{port}");
    let child = tokio::process::Command::new(bin)
        .env("PORTAL_PORT", port.to_string())
        .env("PORTAL_BASE_URL", &base)
        .env("PORTAL_DATA_DIR", data)
        .env("PORTAL_DATABASE_URL", database_url)
        .env("PORTAL_SEED_DEMO", "true")
        .env("PORTAL_LOG", "warn")
        // The editors' addresses come as a load balancer on this machine reports them.
        .env("PORTAL_TRUSTED_PROXIES", "127.0.0.1/32")
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("starting {}", bin.display()))?;
    let client = reqwest::Client::new();
    for _ in 0..100 {
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

impl Portal {
    async fn call(
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
    async fn signed_in(
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
        for _ in 0..100 {
            mail = app::mailbox::store::read_outbox(&self.outbox)
                .await?
                .into_iter()
                .find(|m| m.to == email);
            if mail.is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
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

    /// Editor `n`: a parent of their own (as many people as editors, each from their own
    /// address: one account signing in hundreds of times would rightly be stopped), signed in,
    /// with a new E1 draft for Ellie.
    async fn editor(&self, n: usize, ellie: &str) -> anyhow::Result<(reqwest::Client, String)> {
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
        Ok((client, draft))
    }
}

/// `count` parents like the demo parent (same password, confirmed, two-step by email), each
/// linked to Ellie; returns Ellie's public id.
async fn seed_editors(database_url: &str, count: usize) -> anyhow::Result<String> {
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

/// The longest step of E1 as the page posts it: its id, its fields filled in as a parent
/// would, and the whole example draft as stored JSON (for the bare handler).
struct Realistic {
    step: String,
    fields: Vec<(String, String)>,
    answers_json: String,
}

fn realistic_step() -> anyhow::Result<Realistic> {
    let library = FormLibrary::shipped()?;
    let form = library.latest(FORM).context("E1 in the library")?;
    let answers = form.example_answers();
    let step = form
        .steps
        .iter()
        .max_by_key(|s| s.sections.iter().map(|x| x.fields.len()).sum::<usize>())
        .context("E1 has steps")?;
    let mut fields = Vec::new();
    for section in &step.sections {
        for (index, item) in answers.items(&section.id).iter().enumerate() {
            for (field, answer) in item {
                let name = format!("{}.{index}.{field}", section.id);
                match answer {
                    Answer::Text(text) => fields.push((name, text.clone())),
                    Answer::Many(values) => {
                        fields.extend(values.iter().map(|v| (name.clone(), v.clone())))
                    }
                    Answer::Parts(parts) => fields.extend(
                        parts
                            .iter()
                            .map(|(p, v)| (format!("{name}.{p}"), v.clone())),
                    ),
                }
            }
        }
    }
    Ok(Realistic {
        step: step.id.clone(),
        fields,
        answers_json: serde_json::to_string(&answers)?,
    })
}

/// Runs `editors` loops for `seconds`, each calling `save(editor, version)` then pausing.
async fn load<F, Fut>(editors: usize, seconds: u64, think: Duration, save: F) -> Stats
where
    F: Fn(usize, i64) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Option<i64>> + Send,
{
    let save = Arc::new(save);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for editor in 0..editors {
        let save = save.clone();
        tasks.push(tokio::spawn(async move {
            // Spread the first saves over one pause, as people do not all type at once.
            tokio::time::sleep(think.mul_f64(editor as f64 / editors as f64)).await;
            let (mut version, mut stats) = (1_i64, Stats::default());
            while Instant::now() < deadline {
                let t = Instant::now();
                match save(editor, version).await {
                    Some(v) => {
                        stats.latencies.push(t.elapsed());
                        version = v;
                    }
                    None => stats.errors += 1,
                }
                tokio::time::sleep(think).await;
            }
            stats
        }));
    }
    let mut all = Stats::default();
    for task in tasks {
        if let Ok(stats) = task.await {
            all.latencies.extend(stats.latencies);
            all.errors += stats.errors;
        }
    }
    all.seconds = started.elapsed().as_secs_f64();
    all
}

async fn bench(backend: &str, database_url: &str, bin: &Path) -> anyhow::Result<bool> {
    let editors = setting("BENCH_EDITORS", 200) as usize;
    let seconds = setting("BENCH_SECONDS", 20);
    let think = Duration::from_millis(setting("BENCH_THINK_MS", 1000));
    let data = tempfile::tempdir()?;
    let mut portal = start_portal(bin, data.path(), database_url).await?;
    let Realistic {
        step,
        fields,
        answers_json,
    } = realistic_step()?;

    eprintln!("{backend}: signing in {editors} editors and starting their drafts…");
    // The demo child every editor fills E1 in for (its id is random per database).
    let ellie = seed_editors(database_url, editors).await?;
    let mut sessions = Vec::new();
    for n in 0..editors {
        sessions.push(portal.editor(n, &ellie).await?);
    }
    let sessions = Arc::new(sessions);

    // Every editor opens their draft's page at once: every render must finish.
    let pages = {
        let started = Instant::now();
        let mut tasks = Vec::new();
        for (client, draft) in sessions.iter() {
            let (client, url) = (client.clone(), format!("{}/drafts/{draft}", portal.base));
            tasks.push(tokio::spawn(async move {
                let t = Instant::now();
                let ok = tokio::time::timeout(
                    Duration::from_secs(30),
                    client.get(url).header("accept", "text/html").send(),
                )
                .await
                .is_ok_and(|r| r.is_ok_and(|r| r.status().is_success()));
                (ok, t.elapsed())
            }));
        }
        let mut stats = Stats::default();
        for task in tasks {
            match task.await {
                Ok((true, took)) => stats.latencies.push(took),
                _ => stats.errors += 1,
            }
        }
        stats.seconds = started.elapsed().as_secs_f64();
        stats
    };

    let portal_stats = {
        let base: Arc<str> = portal.base.clone().into();
        let (sessions, step, fields) = (sessions.clone(), step.clone(), fields.clone());
        load(editors, seconds, think, move |editor, version| {
            let (base, sessions, step, fields) =
                (base.clone(), sessions.clone(), step.clone(), fields.clone());
            async move {
                let (client, draft) = &sessions[editor];
                let mut fields = fields;
                fields.push(("__version".into(), version.to_string()));
                fields.push(("__action".into(), "autosave".into()));
                let reply = client
                    .post(format!("{base}/api/forms/step/save"))
                    .header("origin", &*base)
                    .json(&json!({ "draft": draft, "step": step, "fields": fields }))
                    .send()
                    .await
                    .ok()?;
                let reply: Value = reply.json().await.ok()?;
                reply["Saved"]["version"].as_i64()
            }
        })
        .await
    };
    drop(sessions);
    let mut dashboard = dashboard_load(&portal, database_url).await?;
    let _ = portal.child.kill().await;

    // The same writes through a handler that does nothing else, on the same database.
    let db = app::platform::Db::connect(database_url, 16).await?;
    let ids: Vec<i64> = sqlx::query_as::<_, (i64,)>("SELECT id FROM drafts ORDER BY id")
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .map(|(id,)| id)
        .collect();
    let bare = bare_server(db.clone()).await?;
    let bare_stats = {
        let (ids, answers_json) = (Arc::new(ids), Arc::new(answers_json));
        let client = reqwest::Client::new();
        load(editors, seconds, think, move |editor, _| {
            let (client, ids, answers_json, bare) = (
                client.clone(),
                ids.clone(),
                answers_json.clone(),
                bare.clone(),
            );
            async move {
                let reply = client
                    .post(format!("{bare}/bare/{}", ids[editor % ids.len()]))
                    .body(answers_json.as_str().to_owned())
                    .send()
                    .await
                    .ok()?;
                reply.status().is_success().then_some(1)
            }
        })
        .await
    };
    db.pool().close().await;

    let (dashboard_p50, _) = dashboard.line(backend, &format!("dashboard, {CASES} cases"));
    let mut pages = pages;
    let mut portal_stats = portal_stats;
    let mut bare_stats = bare_stats;
    pages.line(backend, &format!("page load ×{editors} once"));
    let (p50, p99) = portal_stats.line(backend, "autosave (portal)");
    let (b50, b99) = bare_stats.line(backend, "bare single-row write");
    println!(
        "{backend:<10} {:<22} p50 ×{:.1}, p99 ×{:.1}",
        "portal / bare",
        p50 / b50,
        p99 / b99
    );
    Ok(p99 < 50.0
        && portal_stats.errors == 0
        && pages.errors == 0
        && dashboard_p50 < 20.0
        && dashboard.errors == 0)
}

/// Cases seeded for the dashboard's measurement.
const CASES: usize = 10_000;

/// Seeds `CASES` open cases (children at every stage, deadlines spread over a year either side
/// of today, a third assigned), then loads the SEN team's first dashboard page one request at a
/// time, as a caseworker opening it does: the time is the server's, on a quiet machine.
async fn dashboard_load(portal: &Portal, database_url: &str) -> anyhow::Result<Stats> {
    use app::status::timeline::Stage;
    let db = app::platform::Db::connect(database_url, 4).await?;
    let (caseworker,): (i64,) =
        sqlx::query_as("SELECT id FROM users WHERE email = 'caseworker@example.org'")
            .fetch_one(db.pool())
            .await?;
    let today = app::status::store::today();
    let now = app::platform::db::unix_now();
    eprintln!("seeding {CASES} cases…");
    let mut tx = db.pool().begin().await?;
    for i in 0..CASES {
        let public_id = app::ids::token(12);
        let (child,): (i64,) = sqlx::query_as(
            "INSERT INTO children (public_id, first_name, last_name, date_of_birth, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(&public_id)
        .bind(format!("Child{i}"))
        .bind(format!("Bench{}", i % 97))
        .bind(format!(
            "20{:02}-{:02}-{:02}",
            8 + i % 15,
            1 + i % 12,
            1 + i % 28
        ))
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let stage = Stage::ALL[i % 6];
        let deadline = app::status::timeline::add_days(today, (i as i64 * 7919) % 730 - 365).iso();
        sqlx::query(
            "INSERT INTO cases (child_id, reference, caseworker_id, stage, requested_on, next_deadline, urgency, version, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6, 1, $7)",
        )
        .bind(child)
        .bind(format!("SEN-B{i:07}"))
        .bind((i % 3 == 0).then_some(caseworker))
        .bind(stage.as_str())
        .bind(today.iso())
        .bind(deadline)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    // As the database's own maintenance (autovacuum) would soon after a load like this.
    sqlx::query("ANALYZE").execute(db.pool()).await?;
    db.pool().close().await;
    let client = portal
        .signed_in(
            "caseworker@example.org",
            app::demo::DEMO_PASSWORD,
            "10.255.0.1",
        )
        .await?;
    let mut stats = Stats::default();
    let started = Instant::now();
    for i in 0..200 {
        let t = Instant::now();
        // The dashboard's first page, as the browser asks for it.
        let reply = client
            .get(format!("{}/staff?page=1", portal.base))
            .header("accept", "text/html")
            .send()
            .await?;
        let ok = reply.status().is_success() && reply.text().await?.contains("Child");
        // The first few warm the caches, as a running server's are.
        if i >= 10 {
            if ok {
                stats.latencies.push(t.elapsed());
            } else {
                stats.errors += 1;
            }
        }
    }
    stats.seconds = started.elapsed().as_secs_f64();
    Ok(stats)
}

/// A server with one route that writes a draft's answers, as the portal's save does.
async fn bare_server(db: app::platform::Db) -> anyhow::Result<String> {
    use axum::{
        extract::{Path, State},
        http::StatusCode,
        routing::post,
        Router,
    };
    async fn write(
        State(db): State<app::platform::Db>,
        Path(id): Path<i64>,
        body: String,
    ) -> StatusCode {
        let now = app::platform::db::unix_now();
        match sqlx::query(
            "UPDATE drafts SET answers = $1, version = version + 1, updated_at = $2 WHERE id = $3",
        )
        .bind(body)
        .bind(now)
        .bind(id)
        .execute(db.pool())
        .await
        {
            Ok(_) => StatusCode::OK,
            Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = format!("http://{}", listener.local_addr()?);
    let app = Router::new()
        .route("/bare/{id}", post(write))
        .with_state(db);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(address)
}

async fn postgres_database(admin: &str) -> anyhow::Result<String> {
    sqlx::any::install_default_drivers();
    let name = format!("portal_bench_{}", app::ids::token(6));
    let pool = sqlx::AnyPool::connect(admin).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&pool)
        .await?;
    pool.close().await;
    let mut url = url::Url::parse(admin)?;
    url.set_path(&format!("/{name}"));
    Ok(url.to_string())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let bin = PathBuf::from(
        std::env::var("PORTAL_BIN").unwrap_or_else(|_| "target/server-release/send-portal".into()),
    );
    if !bin.exists() {
        bail!("{} is missing: run `make build` first", bin.display());
    }
    println!(
        "Autosave benchmark: {} editors for {} s, each saving E1's longest step about every {} ms.\n\
         (The load generator runs on the same 2 cores as the server.)\n",
        setting("BENCH_EDITORS", 200),
        setting("BENCH_SECONDS", 20),
        setting("BENCH_THINK_MS", 1000)
    );
    println!(
        "{:<10} {:<22} {:>9} {:>9} {:>9} {:>7}",
        "backend", "what", "per s", "p50 ms", "p99 ms", "errors"
    );
    let sqlite_dir = tempfile::tempdir()?;
    let sqlite = format!("sqlite:{}", sqlite_dir.path().join("bench.db").display());
    let mut met = bench("sqlite", &sqlite, &bin).await?;
    match std::env::var("TEST_POSTGRES_URL") {
        Ok(admin) if !admin.is_empty() => {
            let url = postgres_database(&admin).await?;
            met &= bench("postgres", &url, &bin).await?;
        }
        _ => println!("(PostgreSQL skipped: TEST_POSTGRES_URL is not set)"),
    }
    println!(
        "\nGoal (autosave p99 under 50 ms, dashboard p50 under 20 ms, no errors): {}",
        if met { "met" } else { "NOT met" }
    );
    Ok(())
}
