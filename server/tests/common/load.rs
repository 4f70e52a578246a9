//! Load on the server as a process of its own: browsers autosaving as fast as they are
//! answered, and what they were told was kept.

use std::{
    path::Path,
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use serde_json::{json, Value};

/// E1's first step and a text field on it, where each save writes its own number.
pub const STEP: &str = "about-the-child";
pub const FIELD: &str = "child.0.first_name";
pub const WRITERS: usize = 8;
pub const SAVES: usize = 1000;

/// The server as a process of its own, as the bench starts it (one way to start it and sign in).
#[allow(dead_code)] // the bench's people and memory readings are not needed here
#[path = "../../examples/bench/portal.rs"]
pub mod portal;

/// This package's `send-portal`, built for the tests.
pub fn portal_bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_send-portal"))
}

/// The portal on `database_url` with its files in `data`.
pub async fn start(database_url: &str, data: &Path) -> portal::Portal {
    portal::Portal::start(portal_bin(), data, database_url)
        .await
        .expect("send-portal starts")
}

/// Polls `done` every 20 ms until it holds, failing after `limit` with `what`.
pub async fn wait_until(limit: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "waited {limit:?} for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// `/healthz`'s status, or `None` when the server does not answer.
pub async fn health(base: &str) -> Option<u16> {
    let reply = reqwest::Client::new()
        .get(format!("{base}/healthz"))
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .ok()?;
    Some(reply.status().as_u16())
}

/// A refused save: its HTTP status and body, or `None` for both when the server did not answer.
#[derive(Clone, Debug)]
pub struct Refusal {
    pub status: Option<u16>,
    pub body: String,
}

/// What the writers have seen: the last save each was told was kept (the number it wrote, the
/// draft's version), how many saves were acknowledged, and every refusal.
#[derive(Default)]
pub struct Seen {
    pub acknowledged: Mutex<Vec<Option<(usize, i64)>>>,
    acks: AtomicUsize,
    refusals: Mutex<Vec<Refusal>>,
    /// Set to make the writers stop; `paused` holds them between saves.
    stop: AtomicBool,
    paused: AtomicBool,
    in_flight: AtomicUsize,
}

impl Seen {
    pub fn acks(&self) -> usize {
        self.acks.load(Ordering::SeqCst)
    }

    pub fn refusals(&self) -> Vec<Refusal> {
        self.refusals.lock().unwrap().clone()
    }

    /// Holds the writers once each has finished the save under way.
    pub async fn pause(&self) {
        self.paused.store(true, Ordering::SeqCst);
        wait_until(Duration::from_secs(30), "the writers to pause", || {
            self.in_flight.load(Ordering::SeqCst) == 0
        })
        .await;
    }

    pub fn resume(&self) {
        self.paused.store(false, Ordering::SeqCst);
    }
}

/// Autosaves as fast as they are answered, at `bases` (the servers' addresses): each of
/// `drafts` by its own writer, each save
/// writing the writer's next number. A refused or unanswered save is recorded and tried again
/// with the next number; a conflict (a save that was kept although its answer was lost) tells
/// the writer the version to go on from.
pub fn start_writers(
    client: &reqwest::Client,
    bases: &[String],
    drafts: &[String],
    seen: &Arc<Seen>,
) -> Vec<tokio::task::JoinHandle<()>> {
    *seen.acknowledged.lock().unwrap() = vec![None; drafts.len()];
    let mut writers = Vec::new();
    for (writer, draft) in drafts.iter().enumerate() {
        let (client, bases, draft, seen) =
            (client.clone(), bases.to_vec(), draft.clone(), seen.clone());
        writers.push(tokio::spawn(async move {
            let mut version = 1_i64;
            let mut n = 0;
            // Writers take turns among the servers; one that does not answer is left for the
            // next, as a load balancer would.
            let mut server = writer % bases.len();
            while !seen.stop.load(Ordering::SeqCst) {
                let base = &bases[server];
                if seen.paused.load(Ordering::SeqCst) {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    continue;
                }
                seen.in_flight.fetch_add(1, Ordering::SeqCst);
                n += 1;
                let fields = [
                    (FIELD.to_owned(), format!("w{writer}n{n}")),
                    ("__version".to_owned(), version.to_string()),
                    ("__action".to_owned(), "autosave".to_owned()),
                ];
                let reply = client
                    .post(format!("{base}/api/forms/step/save"))
                    .header("origin", base)
                    .timeout(Duration::from_secs(30))
                    .json(&json!({ "draft": draft, "step": STEP, "fields": fields }))
                    .send()
                    .await;
                let outcome = match reply {
                    Ok(reply) => {
                        let status = reply.status().as_u16();
                        let body = reply.text().await.unwrap_or_default();
                        let parsed: Value = serde_json::from_str(&body).unwrap_or_default();
                        if let Some(saved) = parsed["Saved"]["version"].as_i64() {
                            Ok(saved)
                        } else if let Some(now) = parsed["Conflict"]["version"].as_i64() {
                            version = now;
                            Err(None)
                        } else {
                            Err(Some(Refusal {
                                status: Some(status),
                                body,
                            }))
                        }
                    }
                    Err(err) => {
                        server = (server + 1) % bases.len();
                        Err(Some(Refusal {
                            status: None,
                            body: err.to_string(),
                        }))
                    }
                };
                match outcome {
                    Ok(saved) => {
                        version = saved;
                        seen.acknowledged.lock().unwrap()[writer] = Some((n, saved));
                        seen.acks.fetch_add(1, Ordering::SeqCst);
                    }
                    Err(refusal) => {
                        if let Some(refusal) = refusal {
                            seen.refusals.lock().unwrap().push(refusal);
                        }
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                }
                seen.in_flight.fetch_sub(1, Ordering::SeqCst);
            }
        }));
    }
    writers
}

pub async fn stop_writers(seen: &Seen, writers: Vec<tokio::task::JoinHandle<()>>) {
    seen.stop.store(true, Ordering::SeqCst);
    seen.resume();
    for writer in writers {
        writer.await.expect("a writer failed");
    }
}

pub const ELLIE: &str = "SELECT public_id FROM children WHERE first_name = 'Ellie'";

pub async fn ellie(pool: &sqlx::AnyPool) -> String {
    sqlx::query_scalar(ELLIE).fetch_one(pool).await.unwrap()
}

/// The demo parent, signed in, with `WRITERS` new E1 drafts for Ellie.
pub async fn parent_with_drafts(
    portal: &portal::Portal,
    ellie: &str,
) -> (reqwest::Client, Vec<String>) {
    let client = portal
        .signed_in(portal::PARENT, app::demo::DEMO_PASSWORD, "10.0.0.1")
        .await
        .expect("signed in");
    let mut drafts = Vec::new();
    for _ in 0..WRITERS {
        let reply = portal
            .call(
                &client,
                "forms/start",
                &[("child", ellie), ("form", "e1-parent-request")],
            )
            .await
            .expect("forms/start")
            .json::<String>()
            .await
            .expect("a draft");
        drafts.push(reply);
    }
    (client, drafts)
}

pub async fn connect(url: &str) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::AnyPool::connect(url).await.unwrap()
}

/// Each draft's stored answers and version, read from `pool`.
pub async fn stored(pool: &sqlx::AnyPool, drafts: &[String]) -> Vec<(String, i64)> {
    let mut stored = Vec::new();
    for draft in drafts {
        let row: (String, i64) =
            sqlx::query_as("SELECT answers, version FROM drafts WHERE public_id = $1")
                .bind(draft)
                .fetch_one(pool)
                .await
                .unwrap();
        stored.push(row);
    }
    stored
}

/// Every save a writer was told was kept is `stored` (each draft's answers and version), or a
/// later one of that writer's (kept, though its answer was lost on the way).
pub fn assert_acknowledged_kept(what: &str, stored: &[(String, i64)], seen: &Seen) {
    let acknowledged = seen.acknowledged.lock().unwrap().clone();
    for (writer, (answers, stored)) in stored.iter().enumerate() {
        let (n, version) = acknowledged[writer].expect("every writer saved");
        let prefix = format!("\"w{writer}n");
        let at = answers.find(&prefix).map(|i| i + prefix.len());
        let stored_n: usize = at
            .and_then(|i| answers[i..].split('"').next()?.parse().ok())
            .unwrap_or_else(|| panic!("{what}: writer {writer}'s answer is gone: {answers}"));
        let kept = if *stored == version {
            stored_n == n
        } else {
            *stored > version && stored_n > n
        };
        assert!(
            kept,
            "{what}: writer {writer} was told save {n} was kept as version {version}; \
             stored: version {stored}, {answers}"
        );
    }
}

/// Each refusal is the portal's own "not working just now, nothing was changed" (503).
pub fn assert_refusals_clear(what: &str, refusals: &[Refusal]) {
    for refusal in refusals {
        assert_eq!(
            refusal.status,
            Some(503),
            "{what}: a save was refused with {refusal:?}"
        );
        let error: app::error::AppError =
            serde_json::from_str(&refusal.body).unwrap_or_else(|_| panic!("{what}: {refusal:?}"));
        assert_eq!(error, app::error::AppError::Unavailable, "{what}");
        assert!(error.to_string().contains("nothing was changed"));
    }
}
