//! Limits that must hold for anonymous requests and for many requests in parallel: sign-in
//! failures counted atomically and per account (never locking out everyone behind one
//! address), client addresses through trusted proxies only, email-sending forms throttled with
//! unchanged replies, hashing off the async workers, the scheduled clean-up, and email through
//! an outbox that survives an SMTP outage and sends nothing twice.

mod common;

use std::time::{Duration, Instant};

use app::platform::{db::unix_now, jobs, outbox};
use common::{backends, browser, free_port, Backend, SmtpSink, TestApp, TestDb};
use reqwest::StatusCode;

const EMAIL: &str = "parent@example.org";
const PASSWORD: &str = app::demo::DEMO_PASSWORD;

/// The portal behind a load balancer on this machine: `X-Forwarded-For` names the client.
async fn behind_proxy(backend: Backend) -> TestApp {
    TestApp::spawn_with(
        TestDb::new(backend).await,
        &[("PORTAL_TRUSTED_PROXIES", "127.0.0.1/32")],
    )
    .await
}

async fn sign_in_from(
    app: &TestApp,
    client: &reqwest::Client,
    from: &str,
    email: &str,
    password: &str,
) -> reqwest::Response {
    client
        .post(app.url("/api/auth/sign-in"))
        .header("origin", app.address.clone())
        .header("x-forwarded-for", from)
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .expect("sign-in call")
}

async fn count(app: &TestApp, sql: &str, bind: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(bind)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    n
}

#[tokio::test]
async fn failures_for_made_up_emails_do_not_lock_out_a_real_user_behind_the_same_address() {
    for backend in backends() {
        let app = behind_proxy(backend).await;
        let school = "203.0.113.10";
        for n in 0..12 {
            let response = sign_in_from(
                &app,
                &browser(),
                school,
                &format!("nobody{n}@example.org"),
                "wrong-password",
            )
            .await;
            assert_eq!(
                response.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "{backend:?}"
            );
        }
        let response = sign_in_from(&app, &browser(), school, EMAIL, PASSWORD).await;
        assert!(
            response.status().is_success() || response.status().is_redirection(),
            "{backend:?}: {} {}",
            response.status(),
            response.text().await.unwrap()
        );
        app.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_wrong_passwords_are_checked_at_most_ten_times_and_the_owner_elsewhere_gets_in() {
    for backend in backends() {
        let app = behind_proxy(backend).await;
        let attacker = "198.51.100.66";
        let mut tries = Vec::new();
        for _ in 0..60 {
            let client = browser();
            let address = app.address.clone();
            tries.push(tokio::spawn(async move {
                client
                    .post(format!("{address}/api/auth/sign-in"))
                    .header("origin", address.clone())
                    .header("x-forwarded-for", attacker)
                    .form(&[("email", EMAIL), ("password", "wrong-password")])
                    .send()
                    .await
                    .unwrap()
                    .status()
            }));
        }
        let mut checked = 0;
        let mut refused = 0;
        for task in tries {
            match task.await.unwrap() {
                StatusCode::UNPROCESSABLE_ENTITY => checked += 1,
                StatusCode::TOO_MANY_REQUESTS => refused += 1,
                other => panic!("{backend:?}: unexpected {other}"),
            }
        }
        assert_eq!(checked, 10, "{backend:?}: passwords checked");
        assert_eq!(refused, 50, "{backend:?}");
        let user = app.user_id(EMAIL).await;
        assert_eq!(app.audit_rows(user, "sign_in_failed").await.len(), 10);
        // The attacker's address is refused even the right password…
        let blocked = sign_in_from(&app, &browser(), attacker, EMAIL, PASSWORD).await;
        assert_eq!(
            blocked.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "{backend:?}"
        );
        // …while the owner, at home, signs in.
        let home = sign_in_from(&app, &browser(), "192.0.2.44", EMAIL, PASSWORD).await;
        assert!(
            home.status().is_success() || home.status().is_redirection(),
            "{backend:?}: {}",
            home.status()
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn the_client_address_comes_from_forwarded_for_only_through_a_trusted_proxy() {
    for (trusted, expected) in [(true, "198.51.100.23"), (false, "127.0.0.1")] {
        let app = if trusted {
            behind_proxy(Backend::Sqlite).await
        } else {
            TestApp::spawn(Backend::Sqlite).await
        };
        sign_in_from(&app, &browser(), "198.51.100.23", EMAIL, "wrong-password").await;
        let user = app.user_id(EMAIL).await;
        let (ip,): (String,) = sqlx::query_as(
            "SELECT ip FROM audit_log WHERE user_id = $1 AND action = 'sign_in_failed'",
        )
        .bind(user)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
        assert_eq!(ip, expected, "trusted proxy: {trusted}");
        let (failure_ip,): (String,) = sqlx::query_as("SELECT ip FROM auth_failures")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
        assert_eq!(failure_ip, expected, "trusted proxy: {trusted}");
        app.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registrations_from_one_address_are_throttled_with_the_same_reply() {
    for backend in backends() {
        let app = behind_proxy(backend).await;
        let mut tasks = Vec::new();
        for n in 0..70 {
            let client = browser();
            let address = app.address.clone();
            tasks.push(tokio::spawn(async move {
                let response = client
                    .post(format!("{address}/api/auth/register"))
                    .header("origin", address.clone())
                    .header("x-forwarded-for", "203.0.113.99")
                    .form(&[
                        ("full_name", "Pat Example"),
                        ("email", &format!("target{n}@example.org")),
                        ("password", "a long and unusual passphrase"),
                        ("secret_question", app::auth::rules::SECRET_QUESTIONS[0]),
                        ("secret_answer", "Oakfield"),
                    ])
                    .send()
                    .await
                    .unwrap();
                (response.status(), common::location(&response))
            }));
        }
        let mut replies = Vec::new();
        for task in tasks {
            replies.push(task.await.unwrap());
        }
        let first = replies[0].clone();
        assert!(
            replies.iter().all(|r| *r == first),
            "{backend:?}: every reply the same: {replies:?}"
        );
        let created = count(
            &app,
            "SELECT COUNT(*) FROM users WHERE email LIKE $1",
            "target%",
        )
        .await;
        assert_eq!(
            created,
            app::auth::ssr::accounts::MAX_EMAILS_PER_ADDRESS,
            "{backend:?}: accounts made and emails sent stop at the address's limit"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn one_address_is_sent_at_most_five_emails_in_fifteen_minutes() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let client = browser();
        for _ in 0..8 {
            let response = app
                .call(
                    &client,
                    "auth/forgotten-password",
                    &[
                        ("email", EMAIL),
                        ("secret_question", app::demo::DEMO_SECRET_QUESTION),
                        ("secret_answer", app::demo::DEMO_SECRET_ANSWER),
                    ],
                )
                .await;
            assert!(
                response.status().is_success() || response.status().is_redirection(),
                "{backend:?}: {}",
                response.status()
            );
        }
        let resets = app
            .emails()
            .await
            .into_iter()
            .filter(|m| m.to == EMAIL && m.subject == "Reset your password")
            .count();
        assert_eq!(resets, 5, "{backend:?}");
        app.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_checks_stay_fast_during_a_burst_of_password_hashing() {
    let app = behind_proxy(Backend::Sqlite).await;
    let mut burst = Vec::new();
    for n in 0..40 {
        let client = browser();
        let address = app.address.clone();
        burst.push(tokio::spawn(async move {
            client
                .post(format!("{address}/api/auth/sign-in"))
                .header("origin", address.clone())
                .header("x-forwarded-for", format!("198.51.100.{n}"))
                .form(&[("email", EMAIL), ("password", "wrong-password")])
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    let mut slowest = Duration::ZERO;
    while !burst.iter().all(|t| t.is_finished()) {
        let started = Instant::now();
        assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
        slowest = slowest.max(started.elapsed());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for task in burst {
        task.await.unwrap();
    }
    assert!(
        slowest < Duration::from_millis(250),
        "/healthz took {slowest:?} during the burst"
    );
    app.finish().await;
}

#[tokio::test]
async fn clean_up_deletes_what_has_expired_and_keeps_the_record() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let db = &app.state.db;
        let pool = db.pool();
        let now = unix_now();
        let day = 24 * 60 * 60;
        let user = app.user_id(EMAIL).await;
        for (id, expires) in [("old-session", now - 60), ("live-session", now + 600)] {
            sqlx::query("INSERT INTO sessions (id, data, expires_at) VALUES ($1, '{}', $2)")
                .bind(id)
                .bind(expires)
                .execute(pool)
                .await
                .unwrap();
        }
        for (attempt, expires) in [("old", now - 2 * day), ("live", now + 600)] {
            sqlx::query(
                "INSERT INTO sign_in_codes (user_id, attempt, code_hash, created_at, expires_at) \
                 VALUES ($1, $2, 'x', $3, $3)",
            )
            .bind(user)
            .bind(attempt)
            .bind(expires)
            .execute(pool)
            .await
            .unwrap();
        }
        for (hash, expires) in [("old-link", now - 2 * day), ("live-link", now + 600)] {
            sqlx::query(
                "INSERT INTO email_tokens (user_id, purpose, token_hash, created_at, expires_at) \
                 VALUES ($1, 'reset_password', $2, $3, $3)",
            )
            .bind(user)
            .bind(hash)
            .bind(expires)
            .execute(pool)
            .await
            .unwrap();
        }
        for (table, at) in [("auth_failures", now - 2 * day), ("auth_failures", now)] {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO {table} (account, ip, at) VALUES ('someone', '192.0.2.1', $1)"
            )))
            .bind(at)
            .execute(pool)
            .await
            .unwrap();
        }
        sqlx::query(
            "INSERT INTO email_throttle (kind, target, ip, at) VALUES ('reset', 'a@b', '192.0.2.1', $1)",
        )
        .bind(now - 2 * day)
        .execute(pool)
        .await
        .unwrap();
        let long_ago = now - jobs::SIGN_IN_RECORDS_KEPT_SECS - day;
        for action in ["sign_in", "code_failed", "child_viewed", "form_submitted"] {
            sqlx::query(
                "INSERT INTO audit_log (at, user_id, action, ip) VALUES ($1, $2, $3, '192.0.2.1')",
            )
            .bind(long_ago)
            .bind(user)
            .bind(action)
            .execute(pool)
            .await
            .unwrap();
        }

        // Emails sent or given up two days ago go; one sent now, and one still unsent however
        // old, stay. Its next try is not due yet, so the running server's sender leaves it
        // alone while this test looks (due now, the sender could try it first and give it up).
        for (sent, given_up) in [
            (Some(now - 2 * day), None),
            (None, Some(now - 2 * day)),
            (Some(now), None),
            (None, None),
        ] {
            sqlx::query(
                "INSERT INTO email_outbox (sealed, created_at, next_attempt_at, sent_at, given_up_at) \
                 VALUES ('', $1, $4, $2, $3)",
            )
            .bind(now - 3 * day)
            .bind(sent)
            .bind(given_up)
            .bind(now + day)
            .execute(pool)
            .await
            .unwrap();
        }

        let done = jobs::clean_up(db, &app.state.storage, now).await.unwrap();
        assert_eq!(
            done,
            jobs::CleanUp {
                sessions: 1,
                codes: 1,
                links: 1,
                throttle: 2,
                sign_in_records: 2,
                files: 0,
                emails: 2,
            },
            "{backend:?}"
        );
        let kept = |sql: &'static str| async move {
            let (n,): (i64,) = sqlx::query_as(sql).fetch_one(pool).await.unwrap();
            n
        };
        assert_eq!(
            kept("SELECT COUNT(*) FROM sessions WHERE id = 'live-session'").await,
            1
        );
        assert_eq!(
            kept("SELECT COUNT(*) FROM sign_in_codes WHERE attempt = 'live'").await,
            1
        );
        assert_eq!(
            kept("SELECT COUNT(*) FROM email_tokens WHERE token_hash = 'live-link'").await,
            1
        );
        assert_eq!(kept("SELECT COUNT(*) FROM auth_failures").await, 1);
        assert_eq!(
            kept("SELECT COUNT(*) FROM email_outbox WHERE sent_at IS NULL AND given_up_at IS NULL")
                .await,
            1
        );
        assert_eq!(kept("SELECT COUNT(*) FROM email_outbox").await, 2);
        // Reading and changing a child's record stays on the record.
        assert_eq!(
            kept(
                "SELECT COUNT(*) FROM audit_log WHERE action IN ('child_viewed', 'form_submitted')"
            )
            .await,
            2
        );
        app.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clean_up_runs_on_one_server_at_a_time() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let mut runs = Vec::new();
        for server in 0..6 {
            let db = app.state.db.clone();
            let storage = app.state.storage.clone();
            runs.push(tokio::spawn(async move {
                jobs::clean_up_once(
                    &db,
                    &storage,
                    &format!("server-{server}"),
                    jobs::CLEAN_UP_EVERY,
                )
                .await
                .unwrap()
                .is_some()
            }));
        }
        let mut ran = 0;
        for run in runs {
            ran += usize::from(run.await.unwrap());
        }
        assert_eq!(ran, 1, "{backend:?}: one of six servers ran it");
        // Not again until the interval has passed, whichever server asks.
        assert!(jobs::clean_up_once(
            &app.state.db,
            &app.state.storage,
            "server-9",
            jobs::CLEAN_UP_EVERY
        )
        .await
        .unwrap()
        .is_none());
        sqlx::query("UPDATE job_leases SET until = until - $1")
            .bind(i64::try_from(jobs::CLEAN_UP_EVERY.as_millis()).unwrap())
            .execute(app.state.db.pool())
            .await
            .unwrap();
        assert!(jobs::clean_up_once(
            &app.state.db,
            &app.state.storage,
            "server-9",
            jobs::CLEAN_UP_EVERY
        )
        .await
        .unwrap()
        .is_some());
        app.finish().await;
    }
}

/// With a short interval, a run late in one second must still hold off another server just
/// after the next second begins (kept in whole seconds, the lease let it through: two servers
/// ran the clean-up 0.14 s apart in CI).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_interval_holds_across_a_second_boundary() {
    let every = Duration::from_secs(2);
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        // Start the first run in the last tenth of a second.
        let into_second = || {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_millis()
        };
        while into_second() < 900 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let first = Instant::now();
        let ran = jobs::clean_up_once(&app.state.db, &app.state.storage, "server-a", every)
            .await
            .unwrap();
        assert!(ran.is_some(), "{backend:?}: the first server runs it");
        // Just after the next second has begun, well within the interval.
        while into_second() >= 900 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(first.elapsed() < Duration::from_millis(1500));
        let again = jobs::clean_up_once(&app.state.db, &app.state.storage, "server-b", every)
            .await
            .unwrap();
        assert!(
            again.is_none(),
            "{backend:?}: a second server ran it {:?} after the first",
            first.elapsed()
        );
        // Once the interval has passed, it is due again.
        tokio::time::sleep(every.saturating_sub(first.elapsed())).await;
        assert!(
            jobs::clean_up_once(&app.state.db, &app.state.storage, "server-b", every)
                .await
                .unwrap()
                .is_some(),
            "{backend:?}: due again after the interval"
        );
        app.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_wrong_codes_are_compared_at_most_five_times() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let client = browser();
        app.call(
            &client,
            "auth/sign-in",
            &[("email", EMAIL), ("password", PASSWORD)],
        )
        .await;
        let code = app.last_code_to(EMAIL).await;
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let mut tries = Vec::new();
        for _ in 0..200 {
            let client = client.clone();
            let address = app.address.clone();
            tries.push(tokio::spawn(async move {
                client
                    .post(format!("{address}/api/auth/verify-code"))
                    .header("origin", address.clone())
                    .form(&[("code", wrong)])
                    .send()
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap()
            }));
        }
        let mut compared = 0;
        for task in tries {
            if task.await.unwrap().contains("The code is not right") {
                compared += 1;
            }
        }
        assert_eq!(compared, 5, "{backend:?}: wrong codes compared");
        let user = app.user_id(EMAIL).await;
        assert_eq!(app.audit_rows(user, "code_failed").await.len(), 5);
        // The right code no longer works for this attempt.
        let right = app
            .call(&client, "auth/verify-code", &[("code", &code)])
            .await;
        let body = right.text().await.unwrap();
        assert!(body.contains("too many times"), "{backend:?}: {body}");
        app.finish().await;
    }
}

/// The account's session rows as they are now: what a request under way would save again.
async fn session_rows(app: &TestApp, user: i64) -> Vec<(String, String, i64)> {
    sqlx::query_as("SELECT id, data, expires_at FROM sessions WHERE user_id = $1")
        .bind(user)
        .fetch_all(app.state.db.pool())
        .await
        .unwrap()
}

/// Writes back the rows that have gone, as a request that loaded them before would.
async fn save_again(app: &TestApp, user: i64, rows: &[(String, String, i64)]) {
    let now: Vec<String> = session_rows(app, user)
        .await
        .into_iter()
        .map(|(id, _, _)| id)
        .collect();
    for (id, data, expires_at) in rows.iter().filter(|(id, _, _)| !now.contains(id)) {
        sqlx::query(
            "INSERT INTO sessions (id, user_id, data, expires_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (id) DO UPDATE SET data = excluded.data",
        )
        .bind(id)
        .bind(user)
        .bind(data)
        .bind(expires_at)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn signing_out_everywhere_cannot_be_undone_by_a_request_in_flight() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let user = app.user_id(EMAIL).await;
        for change in ["sign out of other sessions", "change the password"] {
            let phone = app.signed_in(EMAIL, PASSWORD).await;
            let laptop = app.signed_in(EMAIL, PASSWORD).await;
            let before = session_rows(&app, user).await;
            let response = match change {
                "sign out of other sessions" => {
                    app.call(&laptop, "account/sign-out-others", &[]).await
                }
                _ => {
                    app.call(
                        &laptop,
                        "account/change-password",
                        &[("current_password", PASSWORD), ("new_password", PASSWORD)],
                    )
                    .await
                }
            };
            assert!(
                response.status().is_success() || response.status().is_redirection(),
                "{backend:?} {change}: {}",
                response.status()
            );
            // A request of the phone's, under way all along, ends and saves its session.
            save_again(&app, user, &before).await;
            assert_eq!(
                app.signed_in_email(&phone).await,
                None,
                "{backend:?}: after {change} the phone is signed out"
            );
            assert_eq!(
                app.signed_in_email(&laptop).await.as_deref(),
                Some(EMAIL),
                "{backend:?}: the laptop that made the change stays signed in"
            );
        }
        app.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_out_post_keeps_only_a_little_text_and_no_files() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let big = "x".repeat(60 * 1024 * 1024);
        let small = format!("child.0.first_name={}", "y".repeat(1000));
        let mut tasks = Vec::new();
        // Many anonymous posts at once: a 60 MB form, a 60 MB multipart "file", a short step.
        for n in 0..6 {
            let client = browser();
            let url = app.url(&format!("/drafts/made-up-{n}/steps/child-details"));
            let origin = app.address.clone();
            let request = match n % 3 {
                0 => client
                    .post(url)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(format!("child.0.first_name={big}")),
                1 => client.post(url).multipart(
                    reqwest::multipart::Form::new()
                        .text("child.0.first_name", "Ellie")
                        .part(
                            "reports",
                            reqwest::multipart::Part::bytes(big.clone().into_bytes())
                                .file_name("report.pdf"),
                        ),
                ),
                _ => client
                    .post(url)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(small.clone()),
            };
            tasks.push(tokio::spawn(async move {
                match request.header("origin", origin).send().await {
                    Ok(response) => Some(response.status()),
                    // The server may close the connection on a body it will not read.
                    Err(_) => None,
                }
            }));
        }
        for task in tasks {
            if let Some(status) = task.await.unwrap() {
                assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
            }
        }
        let (largest,): (Option<i64>,) =
            sqlx::query_as("SELECT MAX(LENGTH(data)) FROM sessions WHERE user_id IS NULL")
                .fetch_one(app.state.db.pool())
                .await
                .unwrap();
        let limit = i64::try_from(app::forms::post::SIGNED_OUT_KEEP_BYTES).unwrap();
        assert!(
            largest.unwrap_or(0) < 2 * limit,
            "{backend:?}: a signed-out session holds {largest:?} bytes"
        );
        // The short step was kept, to be saved after signing in.
        let (kept,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM sessions WHERE user_id IS NULL AND data LIKE '%unsaved_step%'",
        )
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
        assert_eq!(kept, 2, "{backend:?}: the two short posts were kept");
        app.finish().await;
    }
}

#[tokio::test]
async fn clean_up_removes_files_that_nothing_holds_and_keeps_the_rest() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let storage = &app.state.storage;
        let pool = app.state.db.pool();
        // A file stored by an upload whose row was never written.
        let orphan = storage
            .put(bytes::Bytes::from_static(b"%PDF-1.4 orphan"))
            .await
            .unwrap();
        // An attachment whose draft has gone.
        let loose = storage
            .put(bytes::Bytes::from_static(b"%PDF-1.4 loose"))
            .await
            .unwrap();
        let parent = app.user_id(EMAIL).await;
        let (child,): (i64,) = sqlx::query_as("SELECT MIN(id) FROM children")
            .fetch_one(pool)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO attachments (public_id, child_id, uploaded_by, answer_path, file_name, \
             content_type, size_bytes, storage_key, created_at) \
             VALUES ('loose-file', $1, $2, 'reports.0.files', 'report.pdf', 'application/pdf', 14, $3, $4)",
        )
        .bind(child)
        .bind(parent)
        .bind(&loose)
        .bind(unix_now() - 2 * 24 * 60 * 60)
        .execute(pool)
        .await
        .unwrap();
        let held: Vec<(String,)> = sqlx::query_as(
            "SELECT storage_key FROM attachments WHERE shared_document_id IS NOT NULL",
        )
        .fetch_all(pool)
        .await
        .unwrap();
        assert!(!held.is_empty(), "the demo shares documents with files");

        let later = unix_now() + jobs::LOOSE_FILES_KEPT_SECS + 60;
        let done = jobs::clean_up(&app.state.db, storage, later).await.unwrap();
        assert_eq!(done.files, 2, "{backend:?}");
        for gone in [&orphan, &loose] {
            assert!(
                matches!(storage.get(gone).await, Err(app::error::AppError::NotFound)),
                "{backend:?}"
            );
        }
        for (key,) in &held {
            assert!(storage.get(key).await.is_ok(), "{backend:?}: {key} kept");
        }
        let (rows,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM attachments WHERE public_id = 'loose-file'")
                .fetch_one(pool)
                .await
                .unwrap();
        assert_eq!(rows, 0, "{backend:?}");
        app.finish().await;
    }
}

/// The outbox's rows: (attempts, sealed, sent, last error).
async fn outbox_rows(app: &TestApp) -> Vec<(i64, String, Option<i64>, Option<String>)> {
    sqlx::query_as("SELECT attempts, sealed, sent_at, last_error FROM email_outbox ORDER BY id")
        .fetch_all(app.state.db.pool())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_smtp_outage_loses_no_email_and_sends_none_twice() {
    for backend in backends() {
        // The mail server is down: nothing listens on its port.
        let port = free_port();
        let smtp = format!("smtp://127.0.0.1:{port}");
        let app =
            TestApp::spawn_with(TestDb::new(backend).await, &[("PORTAL_SMTP_URL", &smtp)]).await;
        let client = browser();
        let registered = app
            .call(
                &client,
                "auth/register",
                &[
                    ("full_name", "Sam Outage"),
                    ("email", "sam@example.org"),
                    ("password", "a long enough password"),
                    ("secret_question", "What was the name of your first pet?"),
                    ("secret_answer", "Biscuit"),
                ],
            )
            .await;
        // Registering still works: the email waits in the outbox.
        assert!(
            registered.status().is_redirection() || registered.status().is_success(),
            "{backend:?}: {}",
            registered.status()
        );
        // The sender has tried (it is woken by the commit) and failed.
        let deadline = Instant::now() + Duration::from_secs(10);
        let (attempts, sealed, sent, error) = loop {
            let rows = outbox_rows(&app).await;
            assert_eq!(rows.len(), 1, "{backend:?}: one email written");
            if rows[0].0 >= 1 && rows[0].3.is_some() || Instant::now() > deadline {
                break rows[0].clone();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert!(attempts >= 1, "{backend:?}: the sender tried");
        assert!(sent.is_none(), "{backend:?}");
        assert!(error.unwrap().contains("SMTP"), "{backend:?}");
        // What waits is sealed: neither the address nor the link is in the clear.
        assert!(!sealed.is_empty());
        assert!(!sealed.contains("sam@example.org") && !sealed.contains("token="));
        let (token_hash,): (String,) =
            sqlx::query_as("SELECT token_hash FROM email_tokens ORDER BY id DESC LIMIT 1")
                .fetch_one(app.state.db.pool())
                .await
                .unwrap();
        assert!(!sealed.contains(&token_hash));

        // The mail server comes back. Five senders (as on five app servers, beside this
        // server's own) find the email due; it is sent once.
        let sink = SmtpSink::start(port);
        let later = unix_now() + 3600;
        let mut senders = Vec::new();
        for n in 0..5 {
            let state = app.state.clone();
            senders.push(tokio::spawn(async move {
                outbox::deliver_due(
                    &state.db,
                    &state.outbox,
                    &state.mailer,
                    &format!("server-{n}"),
                    later,
                )
                .await
                .unwrap()
                .sent
            }));
        }
        let mut sent = 0;
        for sender in senders {
            sent += sender.await.unwrap();
        }
        assert_eq!(sent, 1, "{backend:?}: one sender sent it");
        let messages = sink.messages();
        assert_eq!(messages.len(), 1, "{backend:?}: delivered once");
        assert!(
            messages[0].contains("To: sam@example.org"),
            "{}",
            messages[0]
        );
        assert!(messages[0].contains("/register/confirm?token="));
        let rows = outbox_rows(&app).await;
        assert!(rows[0].2.is_some(), "{backend:?}: marked sent");
        assert_eq!(rows[0].1, "", "{backend:?}: its text is gone once sent");
        // Nothing is sent again, however often the sender runs.
        let again = outbox::deliver_due(
            &app.state.db,
            &app.state.outbox,
            &app.state.mailer,
            "server-9",
            later + 3600,
        )
        .await
        .unwrap();
        assert_eq!(again, outbox::Delivery::default());
        assert_eq!(sink.messages().len(), 1);

        // With the server up, a new email goes at once (woken by its commit).
        app.call(
            &client,
            "auth/resend-confirmation",
            &[("email", "sam@example.org")],
        )
        .await;
        let deadline = Instant::now() + Duration::from_secs(10);
        while sink.messages().len() < 2 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(sink.messages().len(), 2, "{backend:?}");
        app.finish().await;
    }
}

#[tokio::test]
async fn an_email_is_written_with_its_change_or_not_at_all() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        // A change that fails after writing its email leaves no email behind.
        let mut tx = app.state.db.pool().begin().await.unwrap();
        let queued = app
            .state
            .outbox
            .write(
                &mut tx,
                &app::platform::Email {
                    to: EMAIL.into(),
                    subject: "Never sent".into(),
                    text: "The change this told of did not happen".into(),
                },
            )
            .await
            .unwrap();
        drop(tx);
        queued.wake();
        assert_eq!(
            outbox::unsent(&app.state.db).await.unwrap(),
            0,
            "{backend:?}"
        );
        assert!(app.emails().await.iter().all(|m| m.subject != "Never sent"));
        app.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_changes_that_read_before_writing_all_commit_beside_the_sender() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let parent = app.user_id(EMAIL).await;
        // Each reads (the recipient) before it writes, while the sender writes beside them:
        // on SQLite a transaction that began as a reader could not then write.
        let mut sends = Vec::new();
        for n in 0..40 {
            let state = app.state.clone();
            sends.push(tokio::spawn(async move {
                app::messages::store::send_message(
                    &state,
                    &app::messages::store::NewMessage {
                        recipient_id: parent,
                        sender_id: None,
                        child_id: None,
                        case_child_id: None,
                        subject: format!("Parallel {n}"),
                        body: "A plain message".into(),
                        action: None,
                    },
                )
                .await
            }));
        }
        for send in sends {
            send.await.unwrap().expect("each message is sent");
        }
        let emails = app.emails().await;
        assert_eq!(
            emails.iter().filter(|m| m.to == EMAIL).count(),
            40,
            "{backend:?}: one email each"
        );
        app.finish().await;
    }
}
