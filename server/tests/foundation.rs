//! The walking skeleton: the server starts on each database, migrates once, answers with the
//! security baseline, refuses cross-site changes, and stops cleanly.

mod common;

use common::{backends, Backend, TestApp, TestDb};
use reqwest::StatusCode;

#[tokio::test]
async fn server_starts_and_reports_healthy_on_every_database() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let response = app.get("/healthz").await;
        assert_eq!(response.status(), StatusCode::OK, "{backend:?}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["database"], "ok", "{backend:?}");
        app.finish().await;
    }
}

#[tokio::test]
async fn health_check_fails_when_the_database_is_gone() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        app.state.db.close().await;
        let response = app.get("/healthz").await;
        assert_eq!(
            response.status(),
            StatusCode::SERVICE_UNAVAILABLE,
            "{backend:?}"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn migrations_and_demo_seed_run_once_across_restarts() {
    for backend in backends() {
        let mut first = TestApp::spawn(backend).await;
        let migrations_after_first = count(&first, "SELECT COUNT(*) FROM _sqlx_migrations").await;
        let users_after_first = count(&first, "SELECT COUNT(*) FROM users").await;
        assert!(migrations_after_first >= 1, "{backend:?}");
        assert_eq!(
            users_after_first,
            app::demo::DEMO_ACCOUNTS.len() as i64,
            "{backend:?}"
        );
        // A demo user changes their name; a restart must not reseed over it.
        sqlx::query("UPDATE users SET full_name = 'Changed' WHERE email = 'parent@example.org'")
            .execute(first.state.db.pool())
            .await
            .unwrap();
        first.stop().await;
        let db = std::mem::replace(&mut first.db, TestDb::new(Backend::Sqlite).await);

        let second = TestApp::spawn_with(db, &[]).await;
        assert_eq!(
            count(&second, "SELECT COUNT(*) FROM _sqlx_migrations").await,
            migrations_after_first,
            "{backend:?}"
        );
        assert_eq!(
            count(&second, "SELECT COUNT(*) FROM users").await,
            users_after_first,
            "{backend:?}"
        );
        let (name,): (String,) =
            sqlx::query_as("SELECT full_name FROM users WHERE email = 'parent@example.org'")
                .fetch_one(second.state.db.pool())
                .await
                .unwrap();
        assert_eq!(name, "Changed", "{backend:?}");
        second.finish().await;
    }
}

#[tokio::test]
async fn sqlite_database_is_created_in_wal_mode() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(mode.to_lowercase(), "wal");
    assert!(app.db.dir.path().join("portal.db").exists());
    app.finish().await;
}

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    n
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for path in [
        "/",
        "/healthz",
        "/no-such-page",
        "/pkg/missing.wasm",
        "/accessibility",
    ] {
        let response = app.get(path).await;
        let h = response.headers();
        let csp = h
            .get("content-security-policy")
            .unwrap_or_else(|| panic!("CSP on {path}"))
            .to_str()
            .unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("'unsafe-eval'"), "{path}: {csp}");
        assert!(!csp.contains("'unsafe-inline'"), "{path}: {csp}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert!(
            h.get("strict-transport-security").is_none(),
            "no HSTS in development: {path}"
        );
    }
    app.finish().await;
}

#[tokio::test]
async fn pages_allow_their_own_wasm_and_nonced_scripts_only() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let response = app.get("/").await;
    assert_eq!(response.status(), StatusCode::OK);
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(response.headers()["cache-control"], "no-store");
    let html = response.text().await.unwrap();
    assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .expect("a nonce in the CSP");
    assert!(nonce.len() >= 16, "nonce too short: {nonce}");
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the nonce"
    );
    // A second page gets a different nonce.
    let again = app.get("/").await;
    assert!(!again.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains(nonce));
    app.finish().await;
}

#[tokio::test]
async fn production_sends_hsts() {
    let db = TestDb::new(Backend::Sqlite).await;
    let app = TestApp::spawn_with(
        db,
        &[
            ("PORTAL_ENV", "production"),
            ("PORTAL_SMTP_URL", "smtp://127.0.0.1:1"),
            ("PORTAL_SECRET_KEY", "0123456789abcdef0123456789abcdef"),
            ("PORTAL_BASE_URL", "https://send.example.gov.uk"),
        ],
    )
    .await;
    let response = app.get("/healthz").await;
    assert!(response.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .contains("max-age=31536000"));
    // The development mailbox does not exist in production.
    assert_eq!(
        app.get("/dev/mailbox").await.status(),
        StatusCode::NOT_FOUND
    );
    assert!(app.state.mailer.outbox_dir().is_none());
    app.finish().await;
}

#[tokio::test]
async fn cross_site_state_changes_are_refused() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let endpoint = app.url("/api/dev/outbox");
    let cross_site = app
        .client
        .post(&endpoint)
        .header("sec-fetch-site", "cross-site")
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);

    let foreign_origin = app
        .client
        .post(&endpoint)
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(foreign_origin.status(), StatusCode::FORBIDDEN);

    let same_site_subdomain = app
        .client
        .post(&endpoint)
        .header("sec-fetch-site", "same-site")
        .send()
        .await
        .unwrap();
    assert_eq!(same_site_subdomain.status(), StatusCode::FORBIDDEN);

    let same_origin = app
        .client
        .post(&endpoint)
        .header("sec-fetch-site", "same-origin")
        .header("origin", app.address.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(same_origin.status(), StatusCode::OK);
    app.finish().await;
}

#[tokio::test]
async fn server_functions_do_not_answer_get() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let response = app.get("/api/dev/outbox").await;
    assert!(
        response.status() == StatusCode::METHOD_NOT_ALLOWED
            || response.status() == StatusCode::NOT_FOUND,
        "GET on a server function answered {}",
        response.status()
    );
    app.finish().await;
}

#[tokio::test]
async fn unknown_pages_answer_404_inside_the_page_shell() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let response = app.get("/no-such-page").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let html = response.text().await.unwrap();
    assert!(html.contains("Page not found"));
    assert!(html.contains("Skip to main content"));
    assert!(html.contains("Example Borough Council"));
    app.finish().await;
}

#[tokio::test]
async fn shell_shows_the_council_and_its_contact_details() {
    let db = TestDb::new(Backend::Sqlite).await;
    let app = TestApp::spawn_with(
        db,
        &[
            ("PORTAL_COUNCIL_NAME", "Stockton-on-Tees Borough Council"),
            ("PORTAL_SEN_TEAM_PHONE", "01642 527145"),
            ("PORTAL_SEN_TEAM_EMAIL", "sen@stockton.example"),
        ],
    )
    .await;
    let html = app.get("/").await.text().await.unwrap();
    assert!(html.contains("Stockton-on-Tees Borough Council"));
    assert!(html.contains("href=\"tel:01642527145\""));
    assert!(html.contains("sen@stockton.example"));
    assert!(html.contains("href=\"/accessibility\""));
    assert!(html.contains("href=\"/privacy\""));
    for path in ["/accessibility", "/privacy"] {
        assert_eq!(app.get(path).await.status(), StatusCode::OK, "{path}");
    }
    app.finish().await;
}

#[tokio::test]
async fn dev_mailbox_lists_what_the_portal_sent() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut tx = app.state.db.pool().begin().await.unwrap();
    let queued = app
        .state
        .outbox
        .write(
            &mut tx,
            &app::platform::Email {
                to: "parent@example.org".into(),
                subject: "Confirm your email address".into(),
                text: "Open http://127.0.0.1/confirm?t=abc to finish.".into(),
            },
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    queued.wake();
    // Opened at once: the page shows what the sender delivers just after the commit.
    let html = app.get("/dev/mailbox").await.text().await.unwrap();
    // Complete without JavaScript: the title and the messages are in the HTML as sent, not
    // streamed in later for a script to put in place.
    assert!(
        html.contains("<title>Development mailbox – SEND Portal</title>"),
        "{html}"
    );
    assert!(!html.contains("Loading the mailbox"));
    assert!(html.contains("Confirm your email address"));
    assert!(html.contains("parent@example.org"));
    assert!(html.contains("href=\"http://127.0.0.1/confirm?t=abc\""));
    app.finish().await;
}

#[tokio::test]
async fn static_assets_are_compressed_and_revalidated() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let pkg = app.db.dir.path().join("site/pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(
        pkg.join("send_portal.js"),
        "export function hydrate() {}\n".repeat(200),
    )
    .unwrap();
    let response = app
        .client
        .get(app.url("/pkg/send_portal.js"))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-encoding"], "br");
    assert_eq!(response.headers()["cache-control"], "no-cache");
    assert!(response.headers().contains_key("last-modified"));
    app.finish().await;
}

/// A site folder whose wasm has a brotli copy beside it, the copy `age` older than the file
/// (negative: newer). The copy's bytes are a marker, so a test sees which was sent.
async fn site_with_copy(age: std::time::Duration) -> TestApp {
    let db = TestDb::new(Backend::Sqlite).await;
    let pkg = db.dir.path().join("site/pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    let wasm = pkg.join("send_portal.wasm");
    let copy = pkg.join("send_portal.wasm.br");
    std::fs::write(&wasm, b"\0asm".repeat(500)).unwrap();
    std::fs::write(&copy, b"PRECOMPRESSED COPY").unwrap();
    let built = std::fs::metadata(&wasm).unwrap().modified().unwrap();
    std::fs::File::options()
        .write(true)
        .open(&copy)
        .unwrap()
        .set_modified(built - age)
        .unwrap();
    TestApp::spawn_with(db, &[]).await
}

async fn fetch_wasm(app: &TestApp, encodings: &str) -> (Option<String>, Vec<u8>) {
    let response = app
        .client
        .get(app.url("/pkg/send_portal.wasm"))
        .header("accept-encoding", encodings)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let encoding = response
        .headers()
        .get("content-encoding")
        .map(|v| v.to_str().unwrap().to_owned());
    (encoding, response.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn a_precompressed_asset_is_sent_as_built() {
    // Written after the wasm (as scripts/assets.js does): sent as it is.
    let app = site_with_copy(std::time::Duration::ZERO).await;
    let (encoding, body) = fetch_wasm(&app, "gzip, br").await;
    assert_eq!(encoding.as_deref(), Some("br"));
    assert_eq!(body, b"PRECOMPRESSED COPY");
    // A browser that takes no brotli gets the file itself.
    let (encoding, body) = fetch_wasm(&app, "identity").await;
    assert_eq!(encoding, None);
    assert_eq!(body, b"\0asm".repeat(500));
    app.finish().await;
}

#[tokio::test]
async fn a_precompressed_copy_older_than_its_file_is_never_sent() {
    // A build since the copies were made: the copy is out of date, and is not used.
    let app = site_with_copy(std::time::Duration::from_secs(3600)).await;
    let (encoding, body) = fetch_wasm(&app, "br").await;
    assert_eq!(encoding.as_deref(), Some("br"), "compressed as it is sent");
    assert_ne!(body, b"PRECOMPRESSED COPY");
    app.finish().await;
}

#[tokio::test]
async fn pages_link_the_assets_named_by_their_content_which_are_kept_for_good() {
    let db = TestDb::new(Backend::Sqlite).await;
    let pkg = db.dir.path().join("site/pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    let names = [
        ("js", "send_portal.0123456789abcdef.js"),
        ("wasm", "send_portal.fedcba9876543210.wasm"),
        ("css", "send_portal.00112233445566aa.css"),
    ];
    for (_, name) in names {
        std::fs::write(pkg.join(name), "/* built */").unwrap();
    }
    std::fs::write(
        pkg.join("assets.json"),
        serde_json::json!({ "js": names[0].1, "wasm": names[1].1, "css": names[2].1 }).to_string(),
    )
    .unwrap();
    let app = TestApp::spawn_with(db, &[]).await;

    let html = app.get("/sign-in").await.text().await.unwrap();
    assert!(
        html.contains(r#"<link rel="stylesheet" href="/pkg/send_portal.00112233445566aa.css">"#),
        "{html}"
    );
    assert!(html.contains(
        r#""/pkg/send_portal.0123456789abcdef.js", "/pkg/send_portal.fedcba9876543210.wasm""#
    ));
    // Rendered on the server only: no resource's data is sent again for hydration.
    assert!(!html.contains("__RESOLVED_RESOURCES["), "{html}");

    let asset = app.get("/pkg/send_portal.0123456789abcdef.js").await;
    assert_eq!(asset.status(), StatusCode::OK);
    assert_eq!(
        asset.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    // A name no build made is not found, and the answer is not kept.
    let missing = app.get("/pkg/send_portal.9999999999999999.js").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(missing.headers()["cache-control"], "no-store");
    app.finish().await;
}

#[tokio::test]
async fn graceful_shutdown_finishes_and_releases_the_port() {
    let mut app = TestApp::spawn(Backend::Sqlite).await;
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    tokio::time::timeout(std::time::Duration::from_secs(10), app.stop())
        .await
        .expect("the server stops within 10 seconds of the signal");
    assert!(app.client.get(app.url("/healthz")).send().await.is_err());
}

#[test]
fn the_binary_refuses_unsafe_production_settings_and_names_them() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_send-portal"))
        .env_clear()
        .env("PORTAL_ENV", "production")
        .env("PORTAL_COOKIE_SECURE", "false")
        .output()
        .expect("run send-portal");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for setting in [
        "PORTAL_SMTP_URL",
        "PORTAL_COOKIE_SECURE",
        "PORTAL_SECRET_KEY",
        "PORTAL_BASE_URL",
    ] {
        assert!(stderr.contains(setting), "{setting} not named in: {stderr}");
    }
}

#[test]
fn create_admin_makes_an_admin_who_is_emailed_a_link_to_choose_a_password() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_send-portal"))
            .args(args)
            .env_clear()
            .env("PORTAL_DATA_DIR", dir.path())
            .env("PORTAL_SEED_DEMO", "false")
            .output()
            .expect("run send-portal")
    };
    let output = run(&["create-admin", "first.admin@example.org", "Morgan Admin"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("first.admin@example.org"));
    let outbox = std::fs::read_dir(dir.path().join("outbox"))
        .unwrap()
        .count();
    assert_eq!(outbox, 1, "the new admin is emailed a link");
    // A second time the address is taken, and it says so.
    let again = run(&["create-admin", "first.admin@example.org", "Morgan Admin"]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already an account"));
}

#[tokio::test]
async fn start_page_offers_log_in_and_register_and_sends_the_signed_in_home() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let html = app.get("/").await.text().await.unwrap();
    assert!(
        html.contains(r#"href="/sign-in" class="govuk-button""#),
        "{html}"
    );
    assert!(html.contains(">Log in<"), "{html}");
    assert!(html.contains(r#"href="/register""#), "{html}");
    assert!(html.contains(">Register<"), "{html}");
    for (email, home) in [
        ("parent@example.org", "/home"),
        ("senco@example.org", "/professional"),
        ("caseworker@example.org", "/staff"),
        ("admin@example.org", "/admin"),
    ] {
        let client = app.signed_in(email, "demo-portal-2026").await;
        let response = client
            .get(app.url("/"))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert!(response.status().is_redirection(), "{email}");
        assert_eq!(common::location(&response), home, "{email}");
    }
    app.finish().await;
}
