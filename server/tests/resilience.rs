//! The server as a process of its own, killed without warning: what it acknowledged stays.

mod common;

use std::{
    path::Path,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use common::{backends, TestDb};
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

/// This package's `send-portal`, built for the tests, on `db` with its files in `data`.
async fn start(db: &TestDb, data: &Path) -> portal::Portal {
    portal::Portal::start(Path::new(env!("CARGO_BIN_EXE_send-portal")), data, &db.url)
        .await
        .expect("send-portal starts")
}

/// The last save each writer was told was saved: (the number it wrote, the draft's version).
type Acknowledged = Arc<Mutex<Vec<Option<(usize, i64)>>>>;

#[tokio::test]
async fn a_server_killed_mid_load_loses_no_acknowledged_autosave() {
    for backend in backends() {
        let db = TestDb::new(backend).await;
        let data = tempfile::tempdir().unwrap();
        let mut portal = start(&db, data.path()).await;
        let client = portal
            .signed_in(portal::PARENT, app::demo::DEMO_PASSWORD, "10.0.0.1")
            .await
            .expect("signed in");
        let pool = {
            sqlx::any::install_default_drivers();
            sqlx::AnyPool::connect(&db.url).await.unwrap()
        };
        let ellie: String =
            sqlx::query_scalar("SELECT public_id FROM children WHERE first_name = 'Ellie'")
                .fetch_one(&pool)
                .await
                .unwrap();
        let mut drafts = Vec::new();
        for _ in 0..WRITERS {
            let reply = portal
                .call(
                    &client,
                    "forms/start",
                    &[("child", &ellie), ("form", "e1-parent-request")],
                )
                .await
                .expect("forms/start")
                .json::<String>()
                .await
                .expect("a draft");
            drafts.push(reply);
        }

        // Writers save as fast as they are answered; the server is killed halfway through.
        let acknowledged: Acknowledged = Arc::new(Mutex::new(vec![None; WRITERS]));
        let count = Arc::new(AtomicUsize::new(0));
        let mut writers = Vec::new();
        for (writer, draft) in drafts.iter().enumerate() {
            let (client, base, draft) = (client.clone(), portal.base.clone(), draft.clone());
            let (acknowledged, count) = (acknowledged.clone(), count.clone());
            writers.push(tokio::spawn(async move {
                let mut version = 1_i64;
                for n in 0..SAVES / WRITERS * 2 {
                    let fields = [
                        (FIELD.to_owned(), format!("w{writer}n{n}")),
                        ("__version".to_owned(), version.to_string()),
                        ("__action".to_owned(), "autosave".to_owned()),
                    ];
                    let reply = client
                        .post(format!("{base}/api/forms/step/save"))
                        .header("origin", &base)
                        .json(&json!({ "draft": draft, "step": STEP, "fields": fields }))
                        .send()
                        .await;
                    let Ok(reply) = reply else { return };
                    let Ok(reply) = reply.json::<Value>().await else {
                        return;
                    };
                    let saved = reply["Saved"]["version"].as_i64();
                    let Some(saved) = saved else {
                        panic!("writer {writer}, save {n}: {reply}");
                    };
                    version = saved;
                    acknowledged.lock().unwrap()[writer] = Some((n, saved));
                    count.fetch_add(1, Ordering::SeqCst);
                }
            }));
        }
        while count.load(Ordering::SeqCst) < SAVES / 2 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        portal.child.start_kill().unwrap(); // SIGKILL
        portal.child.wait().await.unwrap();
        for writer in writers {
            writer.await.expect("a writer failed");
        }
        let acknowledged = acknowledged.lock().unwrap().clone();
        eprintln!(
            "{backend:?}: killed after {} acknowledged saves: {acknowledged:?}",
            count.load(Ordering::SeqCst)
        );
        assert!(
            count.load(Ordering::SeqCst) < SAVES / WRITERS * 2 * WRITERS,
            "{backend:?}: the server was killed only after every save"
        );

        // Started again on the same database, it answers, and every acknowledged save is there
        // (or the one after it, answered by nobody before the kill).
        let portal = start(&db, data.path()).await;
        for (writer, draft) in drafts.iter().enumerate() {
            let (n, version) = acknowledged[writer].expect("every writer saved");
            let (answers, stored): (String, i64) =
                sqlx::query_as("SELECT answers, version FROM drafts WHERE public_id = $1")
                    .bind(draft)
                    .fetch_one(&pool)
                    .await
                    .unwrap();
            let expected = if stored == version {
                format!("\"w{writer}n{n}\"")
            } else {
                assert_eq!(stored, version + 1, "{backend:?}: writer {writer}");
                format!("\"w{writer}n{}\"", n + 1)
            };
            assert!(
                answers.contains(&expected),
                "{backend:?}: writer {writer} was told save {n} was kept as version {version}; \
                 stored: version {stored}, {answers}"
            );
        }
        let health = reqwest::get(format!("{}/healthz", portal.base))
            .await
            .unwrap();
        assert!(health.status().is_success());
        pool.close().await;
        drop(portal);
        db.drop_database().await;
    }
}
