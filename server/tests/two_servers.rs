//! Two app servers on one PostgreSQL database and one S3-compatible object store (s3s-fs, a
//! real S3 server from crates.io, started here): a person signed in on one is signed in on
//! the other, a file uploaded to one is downloaded from the other, the scheduled clean-up and
//! each email happen on one server at a time, and when one server is killed under load the
//! other goes on answering with nothing acknowledged lost, and takes the clean-up over.

mod common;

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    sync::Arc,
    time::{Duration, Instant},
};

use common::{
    backends,
    load::{
        assert_acknowledged_kept, connect, ellie, parent_with_drafts, portal, portal_bin,
        start_writers, stop_writers, stored, wait_until, Seen, WRITERS,
    },
    Backend, TestDb,
};
use serde_json::Value;

const BUCKET: &str = "portal-files";
const ACCESS_KEY: &str = "portal-test";
const SECRET_KEY: &str = "portal-test-secret";
/// How often each server tries the clean-up in this test.
const CLEAN_UP_SECS: u64 = 2;
const PDF: &[u8] =
    b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// The s3s-fs program: `S3S_FS`, else cargo's bin folder (where `make test` installs it), else
/// the `PATH`.
fn s3s_fs() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("S3S_FS") {
        return Some(PathBuf::from(path));
    }
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    let installed = cargo_home.join("bin/s3s-fs");
    if installed.exists() {
        return Some(installed);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("s3s-fs"))
        .find(|p| p.exists())
}

/// An S3 server keeping its buckets as folders under `root`, with `BUCKET` made.
struct ObjectStore {
    child: tokio::process::Child,
    endpoint: String,
    root: tempfile::TempDir,
}

impl ObjectStore {
    async fn start(program: &Path) -> ObjectStore {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join(BUCKET)).unwrap();
        let port = portal::free_port().await.unwrap();
        let child = tokio::process::Command::new(program)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY])
            .arg(root.path())
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", program.display()));
        let address = format!("127.0.0.1:{port}");
        let started = Instant::now();
        while tokio::net::TcpStream::connect(&address).await.is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "s3s-fs did not start"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        ObjectStore {
            child,
            endpoint: format!("http://{address}"),
            root,
        }
    }

    /// Every object in the bucket, as the store keeps it on its disk.
    fn objects(&self) -> Vec<Vec<u8>> {
        let mut found = Vec::new();
        let mut folders = vec![self.root.path().join(BUCKET)];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(folder).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    folders.push(path);
                } else {
                    found.push(std::fs::read(path).unwrap());
                }
            }
        }
        found
    }
}

/// One app server on `database_url`, its files in the object store; its log (at info, where
/// the clean-up says when it ran) in `log`.
async fn app_server(
    database_url: &str,
    data: &Path,
    store: &ObjectStore,
    log: &Path,
) -> portal::Portal {
    let mut command = tokio::process::Command::new(portal_bin());
    command
        .env("PORTAL_S3_BUCKET", BUCKET)
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ENDPOINT", &store.endpoint)
        .env("AWS_ALLOW_HTTP", "true")
        .env("PORTAL_CLEAN_UP_SECS", CLEAN_UP_SECS.to_string())
        .env("PORTAL_LOG", "warn,app::platform::jobs=info")
        .env("NO_COLOR", "1")
        .stdout(std::fs::File::create(log).unwrap());
    portal::Portal::start_with(command, data, database_url)
        .await
        .expect("send-portal starts")
}

/// When each clean-up ran, from both servers' logs: (seconds since midnight, holder).
fn clean_up_runs(logs: &[PathBuf]) -> Vec<(f64, String)> {
    let mut runs = Vec::new();
    for log in logs {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        for line in text.lines().filter(|l| l.contains("clean-up ran")) {
            let at = seconds_of_day(line.split_whitespace().next().unwrap_or_default())
                .unwrap_or_else(|| panic!("a time at the start of: {line}"));
            let holder = line
                .split("holder=")
                .nth(1)
                .and_then(|rest| rest.split_whitespace().next())
                .unwrap_or_default();
            runs.push((at, holder.to_owned()));
        }
    }
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    runs
}

/// Seconds since midnight of an RFC 3339 time in UTC (`2026-12-04T03:21:34.549317Z`).
fn seconds_of_day(at: &str) -> Option<f64> {
    let clock = at.split_once('T')?.1.strip_suffix('Z')?;
    let mut parts = clock.split(':');
    let (h, m, s) = (parts.next()?, parts.next()?, parts.next()?);
    Some(h.parse::<f64>().ok()? * 3600.0 + m.parse::<f64>().ok()? * 60.0 + s.parse::<f64>().ok()?)
}

#[tokio::test]
async fn two_servers_share_sessions_files_and_jobs_and_one_dying_loses_nothing() {
    if !backends().contains(&Backend::Postgres) {
        eprintln!("TEST_POSTGRES_URL is not set: two servers on one PostgreSQL are not tried");
        return;
    }
    let Some(program) = s3s_fs() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "s3s-fs is not installed (make tools-test installs it)"
        );
        eprintln!("s3s-fs is not installed (make tools-test installs it): two servers not tried");
        return;
    };
    let store = ObjectStore::start(&program).await;
    let db = TestDb::new(Backend::Postgres).await;
    let pool = connect(&db.url).await;
    // One folder for both (the dev outbox, where sign-in codes are read from); files go to
    // the object store.
    let data = tempfile::tempdir().unwrap();
    let logs = [data.path().join("a.log"), data.path().join("b.log")];
    let mut a = app_server(&db.url, data.path(), &store, &logs[0]).await;
    let b = app_server(&db.url, data.path(), &store, &logs[1]).await;
    let begun = Instant::now();

    // Signed in on A (password, then the emailed code), then carrying on at B with the same
    // cookie: sessions live in the database.
    let (client, drafts) = parent_with_drafts(&a, &ellie(&pool).await).await;
    let e2: String = b
        .call(
            &client,
            "forms/start",
            &[
                ("child", &ellie(&pool).await),
                ("form", "e2-parental-consent"),
            ],
        )
        .await
        .unwrap()
        .json()
        .await
        .expect("signed in at B too");

    for (n, email) in [
        "caseworker@example.org",
        "senco@example.org",
        "young.person@example.org",
    ]
    .into_iter()
    .enumerate()
    {
        let server = if n % 2 == 0 { &b } else { &a };
        server
            .signed_in(email, app::demo::DEMO_PASSWORD, &format!("10.0.1.{n}"))
            .await
            .unwrap_or_else(|e| panic!("{email} signs in: {e:#}"));
    }

    // A file uploaded to B is stored in the object store and downloaded from A.
    let form = reqwest::multipart::Form::new()
        .text("__version", "1")
        .text("__action", "upload:supporting_documents.0.documents")
        .part(
            "supporting_documents.0.documents",
            reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("report.pdf"),
        );
    let uploaded: Value = client
        .post(format!("{}/drafts/{e2}/steps/supporting-documents", b.base))
        .header("origin", &b.base)
        .header("accept", "application/json")
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(uploaded["Show"]["html"]
        .as_str()
        .unwrap()
        .contains("report.pdf"));
    let answers: String = sqlx::query_scalar("SELECT answers FROM drafts WHERE public_id = $1")
        .bind(&e2)
        .fetch_one(&pool)
        .await
        .unwrap();
    let answers: Value = serde_json::from_str(&answers).unwrap();
    let file = answers["supporting_documents"][0]["documents"][0]
        .as_str()
        .expect("the file named in the answers")
        .to_owned();
    assert!(
        store.objects().iter().any(|object| object == PDF),
        "the upload is not in the object store"
    );
    let downloaded = client
        .get(format!("{}/files/{file}", a.base))
        .send()
        .await
        .unwrap();
    assert_eq!(downloaded.status(), 200);
    assert_eq!(&downloaded.bytes().await.unwrap()[..], PDF);

    // Both servers run the scheduled clean-up every 2 seconds; each run happens on one.
    wait_until(Duration::from_secs(30), "several clean-up runs", || {
        clean_up_runs(&logs).len() >= 4
    })
    .await;
    let runs = clean_up_runs(&logs);
    for pair in runs.windows(2) {
        assert!(
            pair[1].0 - pair[0].0 >= CLEAN_UP_SECS as f64 - 1.0,
            "two clean-ups ran within one interval: {runs:?}"
        );
    }
    let elapsed = begun.elapsed().as_secs_f64();
    assert!(
        runs.len() as f64 <= elapsed / (CLEAN_UP_SECS as f64 - 1.0) + 1.0,
        "{} runs in {elapsed:.1} s: {runs:?}",
        runs.len()
    );

    // Load on both: half the writers at A, half at B. A is killed; its writers go to B, as
    // a load balancer would send them, and B goes on answering.
    let seen = Arc::new(Seen::default());
    let bases = [a.base.clone(), b.base.clone()];
    let writers = start_writers(&client, &bases, &drafts, &seen);
    wait_until(Duration::from_secs(60), "saves on both servers", || {
        seen.acks() >= 300
    })
    .await;
    let a_holder = format!("{}:", a.child.id().unwrap());
    a.child.start_kill().unwrap(); // SIGKILL
    a.child.wait().await.unwrap();
    let acks_at_kill = seen.acks();
    wait_until(Duration::from_secs(60), "saves on B alone", || {
        seen.acks() >= acks_at_kill + 300
    })
    .await;
    stop_writers(&seen, writers).await;
    // B takes the clean-up over, on time.
    wait_until(Duration::from_secs(30), "a clean-up run by B", || {
        clean_up_runs(&logs)
            .iter()
            .any(|(_, holder)| !holder.starts_with(&a_holder))
    })
    .await;
    let refusals = seen.refusals();
    assert!(
        refusals.iter().all(|r| r.status.is_none()),
        "B refused saves: {refusals:?}"
    );
    let kept = stored(&pool, &drafts).await;
    assert_acknowledged_kept("A killed, B answering", &kept, &seen);
    assert_eq!(seen.acknowledged.lock().unwrap().len(), WRITERS);

    // Every email went once, from one server or the other: the four sign-ins' codes.
    let outbox = app::mailbox::store::read_outbox(&data.path().join("outbox"))
        .await
        .unwrap();
    let mut subjects: Vec<_> = outbox
        .iter()
        .map(|m| (&m.to, &m.subject, &m.text))
        .collect();
    let all = subjects.len();
    subjects.sort();
    subjects.dedup();
    assert_eq!(subjects.len(), all, "an email was sent twice");

    eprintln!(
        "two servers: {} clean-up runs in the first {elapsed:.1} s, then {:?}; {} saves \
         acknowledged, {} unanswered by A when it was killed",
        runs.len(),
        clean_up_runs(&logs),
        seen.acks(),
        refusals.len()
    );
    drop((a, b));
    pool.close().await;
    db.drop_database().await;
    drop(store.child);
}
