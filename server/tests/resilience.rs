//! The server as a process of its own, in trouble: killed without warning, its PostgreSQL
//! restarted under it, its SQLite disk full. What it acknowledged stays, and it comes back by
//! itself.

mod common;

use std::{
    path::{Path, PathBuf},
    sync::Arc,
    time::{Duration, Instant},
};

use common::{
    backends,
    load::{
        assert_acknowledged_kept, assert_refusals_clear, connect, ellie, health,
        parent_with_drafts, portal, portal_bin, start, start_writers, stop_writers, stored,
        wait_until, Seen, ELLIE, FIELD, SAVES, STEP, WRITERS,
    },
    Backend, TestDb,
};
use serde_json::Value;
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
        let writers = start_writers(&client, std::slice::from_ref(&portal.base), &drafts, &seen);
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
    let writers = start_writers(&client, std::slice::from_ref(&portal.base), &drafts, &seen);
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
    let writers = start_writers(&client, std::slice::from_ref(&portal.base), &drafts, &seen);
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
