//! The server as a process of its own, in trouble: killed without warning, its PostgreSQL
//! restarted under it, its SQLite disk full. What it acknowledged stays, and it comes back by
//! itself.

mod common;

use std::{
    path::{Path, PathBuf},
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use common::{backends, Backend, TestDb};
use serde_json::{json, Value};

/// E1's first step and a text field on it, where each save writes its own number.
const STEP: &str = "about-the-child";
const FIELD: &str = "child.0.first_name";
const WRITERS: usize = 8;
const SAVES: usize = 1000;

/// The server as a process of its own, as the bench starts it (one way to start it and sign in).
#[allow(dead_code)] // the bench's people and memory readings are not needed here
#[path = "../examples/bench/portal.rs"]
mod portal;

/// This package's `send-portal`, built for the tests.
fn portal_bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_send-portal"))
}

/// The portal on `database_url` with its files in `data`.
async fn start(database_url: &str, data: &Path) -> portal::Portal {
    portal::Portal::start(portal_bin(), data, database_url)
        .await
        .expect("send-portal starts")
}

/// Polls `done` every 20 ms until it holds, failing after `limit` with `what`.
async fn wait_until(limit: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "waited {limit:?} for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// `/healthz`'s status, or `None` when the server does not answer.
async fn health(base: &str) -> Option<u16> {
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
struct Refusal {
    status: Option<u16>,
    body: String,
}

/// What the writers have seen: the last save each was told was kept (the number it wrote, the
/// draft's version), how many saves were acknowledged, and every refusal.
#[derive(Default)]
struct Seen {
    acknowledged: Mutex<Vec<Option<(usize, i64)>>>,
    acks: AtomicUsize,
    refusals: Mutex<Vec<Refusal>>,
    /// Set to make the writers stop; `paused` holds them between saves.
    stop: AtomicBool,
    paused: AtomicBool,
    in_flight: AtomicUsize,
}

impl Seen {
    fn acks(&self) -> usize {
        self.acks.load(Ordering::SeqCst)
    }

    fn refusals(&self) -> Vec<Refusal> {
        self.refusals.lock().unwrap().clone()
    }

    /// Holds the writers once each has finished the save under way.
    async fn pause(&self) {
        self.paused.store(true, Ordering::SeqCst);
        wait_until(Duration::from_secs(30), "the writers to pause", || {
            self.in_flight.load(Ordering::SeqCst) == 0
        })
        .await;
    }

    fn resume(&self) {
        self.paused.store(false, Ordering::SeqCst);
    }
}

/// Autosaves as fast as they are answered: each of `drafts` by its own writer, each save
/// writing the writer's next number. A refused or unanswered save is recorded and tried again
/// with the next number; a conflict (a save that was kept although its answer was lost) tells
/// the writer the version to go on from.
fn start_writers(
    client: &reqwest::Client,
    base: &str,
    drafts: &[String],
    seen: &Arc<Seen>,
) -> Vec<tokio::task::JoinHandle<()>> {
    *seen.acknowledged.lock().unwrap() = vec![None; drafts.len()];
    let mut writers = Vec::new();
    for (writer, draft) in drafts.iter().enumerate() {
        let (client, base, draft, seen) =
            (client.clone(), base.to_owned(), draft.clone(), seen.clone());
        writers.push(tokio::spawn(async move {
            let mut version = 1_i64;
            let mut n = 0;
            while !seen.stop.load(Ordering::SeqCst) {
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
                    .header("origin", &base)
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
                    Err(err) => Err(Some(Refusal {
                        status: None,
                        body: err.to_string(),
                    })),
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

async fn stop_writers(seen: &Seen, writers: Vec<tokio::task::JoinHandle<()>>) {
    seen.stop.store(true, Ordering::SeqCst);
    seen.resume();
    for writer in writers {
        writer.await.expect("a writer failed");
    }
}

const ELLIE: &str = "SELECT public_id FROM children WHERE first_name = 'Ellie'";

async fn ellie(pool: &sqlx::AnyPool) -> String {
    sqlx::query_scalar(ELLIE).fetch_one(pool).await.unwrap()
}

/// The demo parent, signed in, with `WRITERS` new E1 drafts for Ellie.
async fn parent_with_drafts(
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

async fn connect(url: &str) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::AnyPool::connect(url).await.unwrap()
}

/// Each draft's stored answers and version, read from `pool`.
async fn stored(pool: &sqlx::AnyPool, drafts: &[String]) -> Vec<(String, i64)> {
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
fn assert_acknowledged_kept(what: &str, stored: &[(String, i64)], seen: &Seen) {
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
fn assert_refusals_clear(what: &str, refusals: &[Refusal]) {
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

#[tokio::test]
async fn a_server_killed_mid_load_loses_no_acknowledged_autosave() {
    for backend in backends() {
        let db = TestDb::new(backend).await;
        let data = tempfile::tempdir().unwrap();
        let mut portal = start(&db.url, data.path()).await;
        let pool = connect(&db.url).await;
        let (client, drafts) = parent_with_drafts(&portal, &ellie(&pool).await).await;

        // Writers save as fast as they are answered; the server is killed halfway through.
        let seen = Arc::new(Seen::default());
        let writers = start_writers(&client, &portal.base, &drafts, &seen);
        wait_until(Duration::from_secs(120), "half the saves", || {
            seen.acks() >= SAVES / 2
        })
        .await;
        portal.child.start_kill().unwrap(); // SIGKILL
        portal.child.wait().await.unwrap();
        let killed_after = seen.acks();
        stop_writers(&seen, writers).await;
        eprintln!("{backend:?}: killed after {killed_after} acknowledged saves");

        // Started again on the same database, it answers, and every acknowledged save is there.
        let portal = start(&db.url, data.path()).await;
        let kept = stored(&pool, &drafts).await;
        assert_acknowledged_kept(&format!("{backend:?}, killed"), &kept, &seen);
        assert_eq!(health(&portal.base).await, Some(200));
        pool.close().await;
        drop(portal);
        db.drop_database().await;
    }
}

/// A PostgreSQL server of the test's own (a fresh cluster in a temporary folder, on a free
/// port), so that it can be stopped and started without touching anyone else's.
struct OwnPostgres {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
}

impl OwnPostgres {
    /// The folder with PostgreSQL's server programs: `PG_BIN_DIR`, else Debian's newest
    /// `/usr/lib/postgresql/*/bin`, else the folder of `initdb` on the `PATH`.
    fn bin_dir() -> Option<PathBuf> {
        if let Ok(dir) = std::env::var("PG_BIN_DIR") {
            return Some(PathBuf::from(dir));
        }
        let mut debian: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path().join("bin"))
            .filter(|bin| bin.join("initdb").exists())
            .collect();
        debian.sort_by_key(|bin| {
            let version = bin.parent().and_then(|v| v.file_name()).unwrap_or_default();
            version.to_string_lossy().parse::<u32>().unwrap_or(0)
        });
        debian.pop().or_else(|| {
            std::env::var_os("PATH").and_then(|path| {
                std::env::split_paths(&path).find(|dir| dir.join("initdb").exists())
            })
        })
    }

    /// A PostgreSQL program, run as the `postgres` user when the test runs as root (the server
    /// refuses to run as root).
    fn command(&self, program: &str) -> std::process::Command {
        let program = self.bin.join(program);
        let mut command = if is_root() {
            let mut c = std::process::Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            std::process::Command::new(program)
        };
        command.stdout(std::process::Stdio::null());
        command
    }

    async fn run(&self, program: &str, args: &[&str]) {
        let mut command = tokio::process::Command::from(self.command(program));
        let status = command
            .args(args)
            .status()
            .await
            .unwrap_or_else(|e| panic!("running {program}: {e}"));
        let log = std::fs::read_to_string(self.dir.path().join("log")).unwrap_or_default();
        assert!(status.success(), "{program} {args:?}: {status}\n{log}");
    }

    async fn new() -> OwnPostgres {
        let bin = Self::bin_dir().expect(
            "TEST_POSTGRES_URL is set, but PostgreSQL's server programs (initdb, pg_ctl) were \
             not found: install the PostgreSQL server or name their folder in PG_BIN_DIR",
        );
        let dir = tempfile::tempdir().unwrap();
        if is_root() {
            let owned = std::process::Command::new("chown")
                .args(["postgres:", &dir.path().display().to_string()])
                .status()
                .unwrap();
            assert!(owned.success(), "chown the cluster's folder to postgres");
        }
        let port = portal::free_port().await.unwrap();
        let pg = OwnPostgres { bin, dir, port };
        let data = pg.data();
        pg.run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "postgres",
                "-A",
                "trust",
                "--no-sync",
                "-E",
                "UTF8",
            ],
        )
        .await;
        pg.start().await;
        pg
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    async fn start(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("log").display().to_string();
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data(),
                "-l",
                &log,
                "-o",
                &options,
                "-w",
                "-t",
                "60",
                "start",
            ],
        )
        .await;
    }

    /// Stopped at once, as by a crash: connections are cut, nothing is finished.
    async fn stop_immediately(&self) {
        self.run(
            "pg_ctl",
            &["-D", &self.data(), "-m", "immediate", "-w", "stop"],
        )
        .await;
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .args(["-D", &self.data(), "-m", "immediate", "stop"])
            .stderr(std::process::Stdio::null())
            .status();
    }
}

fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

#[tokio::test]
async fn postgres_restarted_under_load_the_server_says_so_and_recovers_by_itself() {
    if !backends().contains(&Backend::Postgres) {
        eprintln!("TEST_POSTGRES_URL is not set: PostgreSQL's restart is not tried");
        return;
    }
    let pg = OwnPostgres::new().await;
    let data = tempfile::tempdir().unwrap();
    let portal = start(&pg.url(), data.path()).await;
    let pool = connect(&pg.url()).await;
    let (client, drafts) = parent_with_drafts(&portal, &ellie(&pool).await).await;
    pool.close().await;

    let seen = Arc::new(Seen::default());
    let writers = start_writers(&client, &portal.base, &drafts, &seen);
    wait_until(Duration::from_secs(60), "saves before the restart", || {
        seen.acks() >= 200
    })
    .await;

    // Down: the health check says so within its time, and saves are refused plainly.
    pg.stop_immediately().await;
    let down_at = Instant::now();
    let mut reported = None;
    while reported != Some(503) {
        assert!(
            down_at.elapsed() < Duration::from_secs(10),
            "/healthz: {reported:?}"
        );
        reported = health(&portal.base).await;
    }
    let refused_before = seen.refusals().len();
    wait_until(
        Duration::from_secs(60),
        "saves refused while it is down",
        || seen.refusals().len() >= refused_before + WRITERS,
    )
    .await;
    let acks_while_down = seen.acks();

    // Up again: the same server answers without being restarted.
    pg.start().await;
    let up_at = Instant::now();
    while health(&portal.base).await != Some(200) {
        assert!(
            up_at.elapsed() < Duration::from_secs(30),
            "not healthy again"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let recovered_in = up_at.elapsed();
    wait_until(Duration::from_secs(60), "saves after the restart", || {
        seen.acks() >= acks_while_down + 200
    })
    .await;
    stop_writers(&seen, writers).await;
    let refusals = seen.refusals();
    eprintln!(
        "PostgreSQL restarted: {} saves acknowledged, {} refused; healthy again {recovered_in:?} \
         after it started",
        seen.acks(),
        refusals.len()
    );
    assert_refusals_clear("PostgreSQL down", &refusals);
    let pool = connect(&pg.url()).await;
    let kept = stored(&pool, &drafts).await;
    assert_acknowledged_kept("PostgreSQL restarted", &kept, &seen);
    pool.close().await;
}

#[tokio::test]
async fn sqlite_on_a_full_disk_refuses_plainly_keeps_what_it_acknowledged_and_recovers() {
    // The database on a small file system of its own (tmpfs, in mount and user namespaces
    // made for the server), which the test fills.
    let dir = tempfile::tempdir().unwrap();
    let mount = dir.path().join("db");
    std::fs::create_dir(&mount).unwrap();
    let mut command = tokio::process::Command::new("unshare");
    command
        .args(["--user", "--map-root-user", "--mount", "--", "sh", "-c"])
        .arg(r#"mount -t tmpfs -o size=64m tmpfs "$1" && exec "$2""#)
        .arg("sh")
        .arg(&mount)
        .arg(portal_bin());
    let file = mount.join("portal.db");
    let data = dir.path().join("data");
    let url = format!("sqlite:{}", file.display());
    let portal = match portal::Portal::start_with(command, &data, &url).await {
        Ok(portal) => portal,
        Err(err) if std::env::var_os("CI").is_none() => {
            eprintln!("no namespace for a small disk here ({err:#}): the full disk is not tried");
            return;
        }
        Err(err) => panic!("starting the portal on a disk of its own: {err:#}"),
    };
    let server = Inside {
        pid: portal.child.id().unwrap(),
        file,
    };
    let ellie = server.sql(ELLIE).await[0][0].as_str().unwrap().to_owned();
    let (client, drafts) = parent_with_drafts(&portal, &ellie).await;

    let seen = Arc::new(Seen::default());
    let writers = start_writers(&client, &portal.base, &drafts, &seen);
    wait_until(
        Duration::from_secs(60),
        "saves before the disk fills",
        || seen.acks() >= 200,
    )
    .await;

    // Full: the write-ahead log emptied (so the next write must grow a file), then every
    // free block taken.
    seen.pause().await;
    let checkpoint = server.sql("PRAGMA wal_checkpoint(TRUNCATE)").await;
    assert_eq!(
        checkpoint[0][0], 0,
        "the checkpoint could not finish: {checkpoint:?}"
    );
    let filler = server.path().join("filler");
    fill(&filler);
    let acks_when_full = seen.acks();
    seen.resume();
    wait_until(
        Duration::from_secs(30),
        "saves refused on the full disk",
        || seen.refusals().len() >= WRITERS,
    )
    .await;
    seen.pause().await;
    assert_eq!(
        seen.acks(),
        acks_when_full,
        "a save was acknowledged on a full disk"
    );
    assert_refusals_clear("disk full", &seen.refusals());

    // Without JavaScript, "Save and continue" says the same on a page of its own.
    let (_, version) = seen.acknowledged.lock().unwrap()[0].unwrap();
    let page = client
        .post(format!("{}/drafts/{}/steps/{STEP}", portal.base, drafts[0]))
        .header("origin", &portal.base)
        .header("accept", "text/html")
        .form(&[
            (FIELD, "Ellie"),
            ("__version", &version.to_string()),
            ("__action", "continue"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 503);
    let html = page.text().await.unwrap();
    assert!(html.contains("not working just now"), "{html}");

    // Room again: saves go through without a restart.
    std::fs::remove_file(&filler).unwrap();
    seen.resume();
    wait_until(Duration::from_secs(60), "saves once there is room", || {
        seen.acks() >= acks_when_full + 200
    })
    .await;
    stop_writers(&seen, writers).await;
    eprintln!(
        "SQLite, full disk: {} saves acknowledged, {} refused",
        seen.acks(),
        seen.refusals().len()
    );
    let mut kept = Vec::new();
    for draft in &drafts {
        let row = server
            .sql(&format!(
                "SELECT answers, version FROM drafts WHERE public_id = '{draft}'"
            ))
            .await;
        kept.push((
            row[0][0].as_str().unwrap().to_owned(),
            row[0][1].as_i64().unwrap(),
        ));
    }
    assert_acknowledged_kept("SQLite, full disk", &kept, &seen);
}

/// The server's database file, in the namespace the server runs in. SQLite follows symbolic
/// links, so `/proc/<pid>/root` cannot reach it; SQL is run there by Python's `sqlite3`,
/// entered into the server's namespaces.
struct Inside {
    pid: u32,
    file: PathBuf,
}

impl Inside {
    /// The database's folder as seen from here (for plain file operations).
    fn path(&self) -> PathBuf {
        let folder = self.file.parent().unwrap();
        PathBuf::from(format!("/proc/{}/root", self.pid)).join(folder.strip_prefix("/").unwrap())
    }

    /// `sql`'s rows, as JSON arrays.
    async fn sql(&self, sql: &str) -> Vec<Vec<Value>> {
        let script = "import json, sqlite3, sys\n\
                      db = sqlite3.connect(sys.argv[1], timeout=10)\n\
                      print(json.dumps(db.execute(sys.argv[2]).fetchall()))";
        let out = tokio::process::Command::new("nsenter")
            .args(["--target", &self.pid.to_string(), "--user", "--mount"])
            .args(["--preserve-credentials", "python3", "-c", script])
            .arg(&self.file)
            .arg(sql)
            .output()
            .await
            .expect("nsenter and python3");
        assert!(
            out.status.success(),
            "{sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }
}
/// Writes `path` until the file system has no room left (ENOSPC).
fn fill(path: &Path) {
    use std::io::Write;
    let mut file = std::fs::File::create(path).unwrap();
    for chunk in [1 << 20, 4096, 512, 1] {
        let bytes = vec![0_u8; chunk];
        loop {
            match file.write_all(&bytes) {
                Ok(()) => {}
                Err(err) if err.raw_os_error() == Some(28) => break,
                Err(err) => panic!("filling the disk: {err}"),
            }
        }
    }
    let _ = file.sync_all();
}
