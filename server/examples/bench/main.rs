//! `make bench`: the portal's release server under load, beside a bare handler doing the same
//! write on the same database, on SQLite (and PostgreSQL when `TEST_POSTGRES_URL` is set).
//! Every figure is printed with its goal (issue 15's table) and the ratio between them.
//!
//! Rows, each for `BENCH_SECONDS` with one connection per person and no pause between requests:
//! - a wizard step without JavaScript (POST "Save and continue" → 303 → GET the next step), by
//!   `BENCH_PEOPLE` (200) people and by `BENCH_FEW` (50);
//! - autosave (`save_step`, JSON) by `BENCH_PEOPLE`, and the bare handler's version-checked
//!   upsert under the same load;
//! - a signed-in page (`/home`) and an anonymous one (`/sign-in`), by `BENCH_FEW`;
//! - the server's resident memory during the step load, after everyone has signed in;
//! - every person's wizard page loaded at once (every render must finish);
//! - the SEN team's dashboard over `BENCH_CASES` (10,000) open cases, one load at a time.
//!
//! `BENCH_SMOKE=1` runs every row briefly with a few people: `make test` uses it to show the
//! bench still runs. It exits non-zero when a request fails, never for a goal not met.

mod bare;
mod dashboard;
mod measure;
mod portal;

use std::{
    path::{Path, PathBuf},
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use anyhow::{bail, Context};
use app::formdef::{answers::Answer, library::FormLibrary};
use measure::{load, Goal, Stats};
use portal::{Person, Portal, FORM};
use serde_json::{json, Value};

/// How big a run is.
struct Settings {
    people: usize,
    few: usize,
    seconds: f64,
    cases: usize,
    dashboard_loads: usize,
    smoke: bool,
}

impl Settings {
    fn from_env() -> Settings {
        let smoke = std::env::var("BENCH_SMOKE").is_ok_and(|v| v == "1" || v == "true");
        let number = |name: &str, full: f64, brief: f64| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(if smoke { brief } else { full })
        };
        Settings {
            people: number("BENCH_PEOPLE", 200.0, 4.0) as usize,
            few: number("BENCH_FEW", 50.0, 2.0) as usize,
            seconds: number("BENCH_SECONDS", 10.0, 1.0),
            cases: number("BENCH_CASES", 10_000.0, 200.0) as usize,
            dashboard_loads: if smoke { 10 } else { 200 },
            smoke,
        }
    }
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

/// A new database on the PostgreSQL server of `admin`: its address and name.
async fn postgres_database(admin: &str) -> anyhow::Result<(String, String)> {
    sqlx::any::install_default_drivers();
    let name = format!("portal_bench_{}", app::ids::token(6));
    let pool = sqlx::AnyPool::connect(admin).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&pool)
        .await?;
    pool.close().await;
    let mut url = url::Url::parse(admin)?;
    url.set_path(&format!("/{name}"));
    Ok((url.to_string(), name))
}

async fn drop_database(admin: &str, name: &str) -> anyhow::Result<()> {
    let pool = sqlx::AnyPool::connect(admin).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    )))
    .execute(&pool)
    .await?;
    pool.close().await;
    Ok(())
}

/// The highest resident memory of process `pid` until `done`, sampled every 20 ms, in MiB.
fn watch_memory(portal: &Portal, done: Arc<AtomicBool>) -> tokio::task::JoinHandle<f64> {
    let pid = portal.child.id();
    tokio::spawn(async move {
        let mut peak: f64 = 0.0;
        while !done.load(Ordering::Relaxed) {
            if let Some(mib) = pid.and_then(portal::resident_mib) {
                peak = peak.max(mib);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        peak
    })
}

/// Everyone's wizard page at once: every render must finish.
async fn pages_at_once(portal: &Portal, people: &[Person]) -> Stats {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for person in people {
        let (client, url) = (
            person.client.clone(),
            format!("{}/drafts/{}", portal.base, person.draft),
        );
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
}

/// The first `count` people each posting E1's longest step without JavaScript ("Save and
/// continue"), following the 303 to the next step and reading that page, again and again.
async fn steps(
    portal: &Portal,
    people: &Arc<Vec<Person>>,
    count: usize,
    seconds: f64,
    step: &Realistic,
) -> Stats {
    let (base, people) = (Arc::<str>::from(portal.base.as_str()), people.clone());
    let (step_id, fields) = (Arc::<str>::from(step.step.as_str()), step.fields.clone());
    load(
        count,
        seconds,
        |_| 0,
        move |n, _| {
            let (base, people, step_id, fields) = (
                base.clone(),
                people.clone(),
                step_id.clone(),
                fields.clone(),
            );
            async move {
                let person = &people[n];
                let mut form = fields;
                form.push(("__action".into(), "continue".into()));
                let reply = person
                    .client
                    .post(format!("{base}/drafts/{}/steps/{step_id}", person.draft))
                    .header("origin", &*base)
                    .header("accept", "text/html")
                    .form(&form)
                    .send()
                    .await
                    .ok()?;
                // Redirected to the next step, not back to this one with its problems.
                let moved_on = !reply.url().path().ends_with(&format!("/{step_id}"));
                let ok = reply.status().is_success() && moved_on;
                let page = reply.text().await.ok()?;
                (ok && page.contains("</html>")).then_some(1)
            }
        },
    )
    .await
}

/// Person `n`'s autosave of E1's longest step, naming `version` (the one the page last saw):
/// the reply as JSON.
async fn autosave(
    base: &str,
    person: &Person,
    step: &str,
    fields: &[(String, String)],
    version: i64,
) -> Option<Value> {
    let mut fields = fields.to_vec();
    fields.push(("__version".into(), version.to_string()));
    fields.push(("__action".into(), "autosave".into()));
    let reply = person
        .client
        .post(format!("{base}/api/forms/step/save"))
        .header("origin", base)
        .json(&json!({ "draft": person.draft, "step": step, "fields": fields }))
        .send()
        .await
        .ok()?;
    reply.json().await.ok()
}

/// Everyone autosaving E1's longest step through the page's `save_step`, each naming the
/// version its last save returned (the first learnt as a page would: from the conflict a
/// save from an old version is told of).
async fn autosaves(
    portal: &Portal,
    people: &Arc<Vec<Person>>,
    seconds: f64,
    step: &Realistic,
) -> anyhow::Result<Stats> {
    let mut versions = Vec::new();
    for person in people.iter() {
        let reply = autosave(&portal.base, person, &step.step, &step.fields, 0).await;
        let version = reply
            .as_ref()
            .and_then(|r| r["Conflict"]["version"].as_i64());
        versions.push(version.with_context(|| format!("no conflict for version 0: {reply:?}"))?);
    }
    let (base, people) = (Arc::<str>::from(portal.base.as_str()), people.clone());
    let (step_id, fields) = (
        Arc::<str>::from(step.step.as_str()),
        Arc::new(step.fields.clone()),
    );
    Ok(load(
        people.len(),
        seconds,
        |n| versions[n],
        move |n, version| {
            let (base, people, step_id, fields) = (
                base.clone(),
                people.clone(),
                step_id.clone(),
                fields.clone(),
            );
            async move {
                let reply = autosave(&base, &people[n], &step_id, &fields, version).await?;
                reply["Saved"]["version"].as_i64()
            }
        },
    )
    .await)
}

/// `count` browsers loading `path` again and again: the first `count` people's when
/// `signed_in`, otherwise browsers with no session.
async fn page_loads(
    portal: &Portal,
    people: &Arc<Vec<Person>>,
    count: usize,
    seconds: f64,
    path: &'static str,
    signed_in: bool,
) -> Stats {
    let clients: Arc<Vec<reqwest::Client>> = Arc::new(
        (0..count)
            .map(|n| {
                if signed_in {
                    people[n].client.clone()
                } else {
                    reqwest::Client::new()
                }
            })
            .collect(),
    );
    let url: Arc<str> = format!("{}{path}", portal.base).into();
    load(
        count,
        seconds,
        |_| 0,
        move |n, _| {
            let (clients, url) = (clients.clone(), url.clone());
            async move {
                let reply = clients[n]
                    .get(&*url)
                    .header("accept", "text/html")
                    .send()
                    .await
                    .ok()?;
                // Not sent elsewhere (to sign in, say): the page itself.
                let ok = reply.status().is_success() && reply.url().path() == path;
                let page = reply.text().await.ok()?;
                (ok && page.contains("</html>")).then_some(1)
            }
        },
    )
    .await
}

/// The bare handler under the autosave row's load, on the same database.
async fn bare_upserts(
    database_url: &str,
    people: usize,
    seconds: f64,
    answers: &str,
) -> anyhow::Result<Stats> {
    let db = app::platform::Db::connect(database_url, 16).await?;
    let bare: Arc<str> = bare::serve(db.clone()).await?.into();
    let clients: Arc<Vec<reqwest::Client>> =
        Arc::new((0..people).map(|_| reqwest::Client::new()).collect());
    let answers: Arc<str> = answers.into();
    let stats = load(
        people,
        seconds,
        |_| 1,
        move |n, version| {
            let (clients, answers, bare) = (clients.clone(), answers.clone(), bare.clone());
            async move {
                let reply = clients[n]
                    .post(format!("{bare}/bare/{n}/{version}"))
                    .body(answers.to_string())
                    .send()
                    .await
                    .ok()?;
                if !reply.status().is_success() {
                    return None;
                }
                reply.text().await.ok()?.parse().ok()
            }
        },
    )
    .await;
    db.pool().close().await;
    Ok(stats)
}

/// Every row on one database; returns the figures beside their goals and the failed requests.
async fn bench(
    backend: &str,
    database_url: &str,
    bin: &Path,
    settings: &Settings,
) -> anyhow::Result<(Vec<Goal>, usize)> {
    let data = tempfile::tempdir()?;
    let mut portal = Portal::start(bin, data.path(), database_url).await?;
    let step = realistic_step()?;
    let few = settings.few.min(settings.people);

    eprintln!(
        "{backend}: signing in {} people and starting their drafts…",
        settings.people
    );
    // The demo child everyone fills E1 in for (its id is random per database).
    let ellie = portal::seed_parents(database_url, settings.people).await?;
    let mut people = Vec::new();
    for n in 0..settings.people {
        people.push(portal.person(n, &ellie).await?);
    }
    let mut pages = pages_at_once(&portal, &people).await;
    let people = Arc::new(people);

    eprintln!("{backend}: steps, autosaves and pages…");
    let done = Arc::new(AtomicBool::new(false));
    let memory = watch_memory(&portal, done.clone());
    let mut steps_all = steps(&portal, &people, settings.people, settings.seconds, &step).await;
    done.store(true, Ordering::Relaxed);
    let peak_mib = memory.await?;
    let mut steps_few = steps(&portal, &people, few, settings.seconds, &step).await;
    let mut saves = autosaves(&portal, &people, settings.seconds, &step).await?;
    let mut home = page_loads(&portal, &people, few, settings.seconds, "/home", true).await;
    let mut sign_in = page_loads(&portal, &people, few, settings.seconds, "/sign-in", false).await;

    eprintln!(
        "{backend}: seeding {} cases for the dashboard…",
        settings.cases
    );
    let mut dashboard = dashboard::measure(
        &portal,
        database_url,
        settings.cases,
        settings.dashboard_loads,
    )
    .await?;
    let _ = portal.child.kill().await;
    drop(people);
    let mut bare = bare_upserts(
        database_url,
        settings.people,
        settings.seconds,
        &step.answers_json,
    )
    .await?;

    let (n, f) = (settings.people, few);
    steps_all.print(backend, &format!("step without JS, {n} people"));
    steps_few.print(backend, &format!("step without JS, {f} people"));
    saves.print(backend, &format!("autosave, {n} connections"));
    bare.print(backend, &format!("bare upsert, {n} connections"));
    home.print(backend, &format!("signed-in /home, {f} connections"));
    sign_in.print(backend, &format!("anonymous /sign-in, {f} connections"));
    pages.print(backend, &format!("wizard page ×{n} at once"));
    dashboard.print(backend, &format!("dashboard, {} cases", settings.cases));

    let goals = vec![
        Goal::at_least(
            format!("steps/s without JS, {n} people"),
            steps_all.rate(),
            1700.0,
            "/s",
        ),
        Goal::at_most(
            format!("step p99, {n} people"),
            steps_all.quantile_ms(0.99),
            240.0,
            "ms",
        ),
        Goal::at_least(
            format!("steps/s without JS, {f} people"),
            steps_few.rate(),
            1800.0,
            "/s",
        ),
        Goal::at_least(
            "autosaves/s ÷ bare upserts/s",
            saves.rate() / bare.rate(),
            0.5,
            "ratio",
        ),
        Goal::at_most("autosave p99", saves.quantile_ms(0.99), 50.0, "ms"),
        Goal::at_most(
            "anonymous pages/s ÷ signed-in pages/s",
            sign_in.rate() / home.rate(),
            2.0,
            "ratio",
        ),
        Goal::at_most("server memory under the step load", peak_mib, 70.0, "MiB"),
        Goal::at_most("dashboard p50", dashboard.quantile_ms(0.5), 20.0, "ms"),
    ];
    let errors = [
        &steps_all, &steps_few, &saves, &bare, &home, &sign_in, &pages, &dashboard,
    ]
    .iter()
    .map(|s| s.errors)
    .sum();
    Ok((goals, errors))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let bin = PathBuf::from(
        std::env::var("PORTAL_BIN").unwrap_or_else(|_| "target/server-release/send-portal".into()),
    );
    if !bin.exists() {
        bail!("{} is missing: run `make build` first", bin.display());
    }
    let settings = Settings::from_env();
    println!(
        "Benchmark{}: {} people ({} in the smaller rows), {} s a row, no pause between requests.\n\
         (The load generator runs on the same machine as the server.)\n",
        if settings.smoke {
            " (smoke run: figures mean nothing)"
        } else {
            ""
        },
        settings.people,
        settings.few,
        settings.seconds
    );
    measure::print_header();
    let sqlite_dir = tempfile::tempdir()?;
    let sqlite = format!("sqlite:{}", sqlite_dir.path().join("bench.db").display());
    let mut runs = vec![("sqlite", bench("sqlite", &sqlite, &bin, &settings).await?)];
    match std::env::var("TEST_POSTGRES_URL") {
        Ok(admin) if !admin.is_empty() => {
            let (url, name) = postgres_database(&admin).await?;
            let run = bench("postgres", &url, &bin, &settings).await;
            drop_database(&admin, &name).await?;
            runs.push(("postgres", run?));
        }
        _ => println!("(PostgreSQL skipped: TEST_POSTGRES_URL is not set)"),
    }
    println!("\nGoals (×: measured ÷ goal)");
    let mut errors = 0;
    for (backend, (goals, failed)) in &runs {
        for goal in goals {
            goal.print(backend);
        }
        errors += failed;
    }
    if errors > 0 {
        bail!("{errors} requests failed");
    }
    Ok(())
}
