//! `TestApp`: the real router on a free port with a fresh database, SQLite or PostgreSQL.
#![allow(dead_code)] // each test binary uses its own part of the helpers

use std::collections::HashMap;

use app::platform::AppState;
use server::{build_state, router, serve, Settings};
use tokio::sync::oneshot;

pub mod drafts;
pub mod load;
#[allow(unused_imports)] // each test binary uses its own part of the helpers
pub use drafts::{example_answers, flatten};

/// The databases every integration test runs against: SQLite always, PostgreSQL when
/// `TEST_POSTGRES_URL` names a server (its database is used only to create fresh ones).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub fn backends() -> Vec<Backend> {
    let mut list = vec![Backend::Sqlite];
    if postgres_admin_url().is_some() {
        list.push(Backend::Postgres);
    }
    list
}

fn postgres_admin_url() -> Option<String> {
    std::env::var("TEST_POSTGRES_URL")
        .ok()
        .filter(|v| !v.trim().is_empty())
}

/// A database for one test: a file in a temporary folder, or a new PostgreSQL database.
pub struct TestDb {
    pub backend: Backend,
    pub url: String,
    pub dir: tempfile::TempDir,
    pg_name: Option<String>,
}

impl TestDb {
    pub async fn new(backend: Backend) -> TestDb {
        let dir = tempfile::tempdir().expect("temporary folder");
        match backend {
            Backend::Sqlite => TestDb {
                backend,
                url: format!("sqlite:{}", dir.path().join("portal.db").display()),
                dir,
                pg_name: None,
            },
            Backend::Postgres => {
                let admin = postgres_admin_url().expect("TEST_POSTGRES_URL");
                let name = format!("portal_test_{}", app::ids::token(8));
                sqlx::any::install_default_drivers();
                let pool = sqlx::AnyPool::connect(&admin)
                    .await
                    .expect("connect to TEST_POSTGRES_URL");
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&pool)
                    .await
                    .expect("create a test database");
                pool.close().await;
                TestDb {
                    backend,
                    url: replace_database(&admin, &name),
                    dir,
                    pg_name: Some(name),
                }
            }
        }
    }

    /// Drops a PostgreSQL test database (SQLite files go with the temporary folder).
    pub async fn drop_database(&self) {
        if let (Some(name), Some(admin)) = (&self.pg_name, postgres_admin_url()) {
            if let Ok(pool) = sqlx::AnyPool::connect(&admin).await {
                let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .execute(&pool)
                .await;
                pool.close().await;
            }
        }
    }
}

fn replace_database(url: &str, name: &str) -> String {
    let mut parsed = url::Url::parse(url).expect("TEST_POSTGRES_URL is a URL");
    parsed.set_path(&format!("/{name}"));
    parsed.to_string()
}

pub struct TestApp {
    pub address: String,
    pub state: AppState,
    pub client: reqwest::Client,
    pub db: TestDb,
    shutdown: Option<oneshot::Sender<()>>,
    pub server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    /// The email outbox's sender, as a real server runs it.
    sender: Option<tokio::task::JoinHandle<()>>,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        TestApp::spawn_with(TestDb::new(backend).await, &[]).await
    }

    /// Starts the portal on `db` with extra `PORTAL_*` settings.
    pub async fn spawn_with(db: TestDb, extra: &[(&str, &str)]) -> TestApp {
        // Warnings and errors (an internal error's cause, say) in the failing test's output.
        let _ = tracing_subscriber::fmt()
            .with_test_writer()
            .with_env_filter("warn")
            .try_init();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a free port");
        let port = listener.local_addr().expect("local address").port();
        let address = format!("http://127.0.0.1:{port}");
        let settings = test_settings(&db, &address, extra).expect("test settings are valid");
        let state = build_state(&settings).await.expect("the portal starts");
        let app = router(state.clone(), &settings);
        let sender = server::start_sender(&state);
        let (tx, rx) = oneshot::channel::<()>();
        let server = tokio::spawn(serve(listener, app, async {
            let _ = rx.await;
        }));
        TestApp {
            address,
            state,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("HTTP client"),
            db,
            shutdown: Some(tx),
            server: Some(server),
            sender: Some(sender),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    /// The page at `path` as `client`'s browser asks for it (HTML): its status.
    pub async fn get_with(&self, client: &reqwest::Client, path: &str) -> reqwest::StatusCode {
        client
            .get(self.url(path))
            .header("accept", "text/html")
            .send()
            .await
            .expect("GET")
            .status()
    }

    /// Stops the server the way SIGTERM would, and waits for it to finish.
    pub async fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server
                .await
                .expect("server task")
                .expect("server stopped cleanly");
        }
        if let Some(sender) = self.sender.take() {
            sender.abort();
        }
        self.state.db.close().await;
    }

    pub async fn finish(mut self) {
        self.stop().await;
        self.db.drop_database().await;
    }
}

pub fn test_settings(
    db: &TestDb,
    address: &str,
    extra: &[(&str, &str)],
) -> Result<Settings, server::config::ConfigError> {
    let port = address.rsplit(':').next().unwrap_or("0").to_owned();
    let mut vars: HashMap<String, String> = HashMap::from([
        ("PORTAL_DATABASE_URL".into(), db.url.clone()),
        (
            "PORTAL_DATA_DIR".into(),
            db.dir.path().display().to_string(),
        ),
        ("PORTAL_BASE_URL".into(), address.to_owned()),
        ("PORTAL_PORT".into(), port),
        ("PORTAL_DB_MAX_CONNECTIONS".into(), "4".into()),
        (
            "PORTAL_SITE_ROOT".into(),
            db.dir.path().join("site").display().to_string(),
        ),
    ]);
    for (k, v) in extra {
        vars.insert((*k).into(), (*v).into());
    }
    Settings::from_lookup(|k| vars.get(k).cloned())
}

/// A client that keeps cookies, like one browser.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("HTTP client")
}

impl TestApp {
    /// Calls a server function the way the hydrated page does (form-encoded POST).
    pub async fn call(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(self.url(&format!("/api/{endpoint}")))
            .header("origin", self.address.clone())
            .form(form)
            .send()
            .await
            .expect("server function call")
    }

    /// Calls a server function whose input is JSON (autosave).
    pub async fn call_json(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        client
            .post(self.url(&format!("/api/{endpoint}")))
            .header("origin", self.address.clone())
            .json(body)
            .send()
            .await
            .expect("server function call")
    }

    /// Waits until the sender has delivered every email written so far (to the outbox
    /// folder the tests read).
    pub async fn delivered(&self) {
        let settled =
            app::platform::outbox::settled(&self.state.db, std::time::Duration::from_secs(5))
                .await
                .expect("read the outbox");
        assert!(
            settled,
            "emails written to the outbox were not delivered within 5 seconds"
        );
    }

    /// Every delivered email, newest first.
    pub async fn emails(&self) -> Vec<app::mailbox::OutboxMessage> {
        self.delivered().await;
        let dir = self.state.mailer.outbox_dir().expect("outbox");
        app::mailbox::store::read_outbox(dir)
            .await
            .expect("read outbox")
    }

    /// The newest email to `to`, once delivered.
    pub async fn last_email_to(&self, to: &str) -> Option<app::mailbox::OutboxMessage> {
        self.emails().await.into_iter().find(|m| m.to == to)
    }

    /// The 6-digit code in the newest sign-in email to `to`.
    pub async fn last_code_to(&self, to: &str) -> String {
        let mail = self.last_email_to(to).await.expect("a sign-in email");
        let start = mail.text.find("code is ").expect("a code in the email") + "code is ".len();
        mail.text[start..start + 6].to_owned()
    }
}

impl TestApp {
    /// Whom `client`'s session is signed in as, if anyone.
    pub async fn signed_in_email(&self, client: &reqwest::Client) -> Option<String> {
        let body: serde_json::Value = self
            .call(client, "auth/current-user", &[])
            .await
            .json()
            .await
            .expect("current-user answers JSON");
        body.get("email")
            .and_then(|e| e.as_str())
            .map(str::to_owned)
    }

    /// A browser signed in as `email` (password, then the emailed code).
    pub async fn signed_in(&self, email: &str, password: &str) -> reqwest::Client {
        let client = browser();
        self.sign_in_with(&client, email, password).await;
        client
    }

    /// Signs in an existing browser (keeping whatever its session already holds).
    pub async fn sign_in_with(&self, client: &reqwest::Client, email: &str, password: &str) {
        self.call(
            client,
            "auth/sign-in",
            &[("email", email), ("password", password)],
        )
        .await;
        let code = self.last_code_to(email).await;
        let response = self
            .call(client, "auth/verify-code", &[("code", &code)])
            .await;
        assert!(
            response.status().is_success(),
            "signing in as {email}: {}",
            response.status()
        );
    }
}

/// Where a redirect sends the browser ("" when it is not a redirect).
pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

impl TestApp {
    /// Posts a plain form, as a page without JavaScript does.
    pub async fn post_form(
        &self,
        client: &reqwest::Client,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(self.url(path))
            .header("origin", self.address.clone())
            .form(form)
            .send()
            .await
            .expect("form post")
    }
}

/// The first link in `text` that starts with `path`.
pub fn link_in(text: &str, path: &str) -> String {
    let start = text.find(path).expect("a link in the email");
    let rest = &text[start..];
    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    rest[..end].to_owned()
}

/// The `token=` value of a link.
pub fn token_of(link: &str) -> String {
    link.split("token=").nth(1).expect("a token").to_owned()
}

impl TestApp {
    /// The id of the account with this email address.
    pub async fn user_id(&self, email: &str) -> i64 {
        let (id,): (i64,) = sqlx::query_as("SELECT id FROM users WHERE email = $1")
            .bind(email)
            .fetch_one(self.state.db.pool())
            .await
            .expect("the account exists");
        id
    }

    /// The audit rows about `user_id` with this action, as (actor_id, detail).
    pub async fn audit_rows(
        &self,
        user_id: i64,
        action: &str,
    ) -> Vec<(Option<i64>, Option<String>)> {
        sqlx::query_as(
            "SELECT actor_id, detail FROM audit_log WHERE user_id = $1 AND action = $2 ORDER BY id",
        )
        .bind(user_id)
        .bind(action)
        .fetch_all(self.state.db.pool())
        .await
        .expect("read the audit log")
    }
}

impl TestApp {
    /// The public id of a demo child, by first name.
    pub async fn child_id(&self, first_name: &str) -> String {
        let (id,): (String,) =
            sqlx::query_as("SELECT public_id FROM children WHERE first_name = $1")
                .bind(first_name)
                .fetch_one(self.state.db.pool())
                .await
                .expect("the demo child exists");
        id
    }
}

impl TestApp {
    /// A new parent account (the demo parent's password), with nothing linked or sent to them.
    pub async fn new_citizen(&self, email: &str, name: &str) -> i64 {
        sqlx::query(
            "INSERT INTO users (email, full_name, role, password_hash, secret_question, secret_answer_hash, \
             email_confirmed_at, two_step_method, created_at, updated_at) \
             SELECT $1, $2, role, password_hash, secret_question, secret_answer_hash, email_confirmed_at, \
             two_step_method, created_at, updated_at FROM users WHERE email = 'parent@example.org'",
        )
        .bind(email)
        .bind(name)
        .execute(self.state.db.pool())
        .await
        .expect("a new parent");
        self.user_id(email).await
    }

    /// A page rendered on the server, named as its test knows it (`"staff/case"` with
    /// `child`): fetched from its address as a browser would, answered as (status, html) with
    /// the per-response CSP nonces blanked, so two answers can be compared.
    pub async fn page(
        &self,
        client: &reqwest::Client,
        page: &str,
        args: &[(&str, &str)],
    ) -> (reqwest::StatusCode, String) {
        let arg = |name: &str| {
            args.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
                .unwrap_or_default()
        };
        let path = match page {
            "staff/dashboard" => {
                let query: Vec<String> = args
                    .iter()
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect();
                format!("/staff?{}", query.join("&"))
            }
            "staff/case" => format!("/staff/cases/{}", arg("child")),
            "staff/submission" => format!(
                "/staff/cases/{}/submissions/{}",
                arg("child"),
                arg("submission")
            ),
            "staff/new-case" => "/staff/cases/new".to_owned(),
            "messages/home" => "/home".to_owned(),
            "professional/caseload" => "/professional".to_owned(),
            "professional/consultation" => format!("/consultations/{}", arg("consultation")),
            "messages/inbox" => "/messages".to_owned(),
            "messages/message" => format!("/messages/{}", arg("message")),
            "people/area" => "/send".to_owned(),
            "people/add" => format!("/send/add-person?who={}", arg("who")),
            "status/child" => format!("/children/{}/status", arg("child")),
            "documents/view" => format!("/shared/{}", arg("document")),
            "forms/submission" => format!("/submissions/{}", arg("submission")),
            other => panic!("no page named {other}"),
        };
        let get = |path: &str| {
            client
                .get(self.url(path))
                .header("accept", "text/html")
                .send()
        };
        let mut response = get(&path).await.expect("GET a page");
        // A professional's home is /professional: /home sends them there.
        if response.status().is_redirection() && location(&response) == "/professional" {
            response = get("/professional").await.expect("GET a page");
        }
        let status = response.status();
        let html = response.text().await.unwrap();
        (status, blank_nonces(&html))
    }

    /// Any page of the site by its address, as a browser asks for it: (status, html).
    pub async fn html(
        &self,
        client: &reqwest::Client,
        path: &str,
    ) -> (reqwest::StatusCode, String) {
        let response = client
            .get(self.url(path))
            .header("accept", "text/html")
            .send()
            .await
            .expect("GET a page");
        (response.status(), response.text().await.unwrap())
    }

    /// The titles in a child's "Shared with you", as `client` sees them.
    pub async fn shared_titles(&self, client: &reqwest::Client, child: &str) -> Vec<String> {
        let forms: serde_json::Value = self
            .call(client, "forms/child", &[("child", child)])
            .await
            .json()
            .await
            .unwrap();
        forms["shared"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["title"].as_str().unwrap().to_owned())
            .collect()
    }
}

/// A mail server for tests: answers SMTP on `127.0.0.1:port` (plain, no TLS, no sign-in) and
/// keeps every message it accepts, as the raw text after DATA. It runs on threads of its own,
/// outside the tests' runtime, until the test process ends.
pub struct SmtpSink {
    messages: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl SmtpSink {
    pub fn start(port: u16) -> SmtpSink {
        let listener =
            std::net::TcpListener::bind(("127.0.0.1", port)).expect("the SMTP port is free");
        let messages = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let kept = messages.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let kept = kept.clone();
                std::thread::spawn(move || {
                    let _ = smtp_session(stream, &kept);
                });
            }
        });
        SmtpSink { messages }
    }

    pub fn messages(&self) -> Vec<String> {
        self.messages.lock().expect("sink lock").clone()
    }
}

fn smtp_session(
    stream: std::net::TcpStream,
    kept: &std::sync::Mutex<Vec<String>>,
) -> std::io::Result<()> {
    use std::io::{BufRead, BufReader, Write};
    let mut out = stream.try_clone()?;
    let mut lines = BufReader::new(stream).lines();
    out.write_all(b"220 sink ESMTP\r\n")?;
    while let Some(line) = lines.next().transpose()? {
        let command = line.to_ascii_uppercase();
        if command.starts_with("EHLO") {
            out.write_all(b"250-sink\r\n250 8BITMIME\r\n")?;
        } else if command == "DATA" {
            out.write_all(b"354 end with a dot\r\n")?;
            let mut message = String::new();
            for line in lines.by_ref() {
                let line = line?;
                if line == "." {
                    break;
                }
                message.push_str(&line);
                message.push('\n');
            }
            kept.lock().expect("sink lock").push(message);
            out.write_all(b"250 kept\r\n")?;
        } else if command == "QUIT" {
            out.write_all(b"221 bye\r\n")?;
            break;
        } else {
            out.write_all(b"250 ok\r\n")?;
        }
    }
    Ok(())
}

/// A port nothing listens on (bound for a moment by the system's choice, then let go).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// The page with every `nonce="…"` emptied: each response has its own.
pub fn blank_nonces(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("nonce=\"") {
        let start = at + "nonce=\"".len();
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find('"').unwrap_or(rest.len());
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The text of a PDF, page by page.
pub fn pdf_pages(bytes: &[u8]) -> Vec<String> {
    let document = lopdf::Document::load_mem(bytes).expect("a PDF");
    document
        .get_pages()
        .keys()
        .map(|number| document.extract_text(&[*number]).expect("its text"))
        .collect()
}

impl TestApp {
    /// Downloads a copy to keep: its status, content type and (for a PDF) its pages' text.
    pub async fn copy(
        &self,
        client: &reqwest::Client,
        path: &str,
    ) -> (reqwest::StatusCode, String, Vec<String>) {
        let response = client.get(self.url(path)).send().await.expect("a copy");
        let status = response.status();
        let kind = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let bytes = response.bytes().await.expect("its bytes");
        let pages = if kind == "application/pdf" {
            pdf_pages(&bytes)
        } else {
            Vec::new()
        };
        (status, kind, pages)
    }
}
