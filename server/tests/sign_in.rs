//! Signing in: password, then an emailed code bound to the attempt; throttling; sessions.

mod common;

use common::{backends, browser, Backend, TestApp, TestDb};
use reqwest::StatusCode;

const EMAIL: &str = "parent@example.org";
const PASSWORD: &str = app::demo::DEMO_PASSWORD;

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.contains("portal_session="))
        .map(str::to_owned)
}

async fn password_step(app: &TestApp, client: &reqwest::Client) -> reqwest::Response {
    app.call(
        client,
        "auth/sign-in",
        &[("email", EMAIL), ("password", PASSWORD)],
    )
    .await
}

#[tokio::test]
async fn the_emailed_code_completes_sign_in_with_a_new_session_id() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let client = browser();
        let first = password_step(&app, &client).await;
        assert!(
            first.status().is_success() || first.status().is_redirection(),
            "{backend:?}: {}",
            first.status()
        );
        let before = session_cookie(&first).expect("a session cookie for the attempt");
        assert_eq!(
            app.signed_in_email(&client).await,
            None,
            "the password alone does not sign in"
        );

        let code = app.last_code_to(EMAIL).await;
        let verified = app
            .call(&client, "auth/verify-code", &[("code", &code)])
            .await;
        assert!(
            verified.status().is_success() || verified.status().is_redirection(),
            "{backend:?}"
        );
        let after = session_cookie(&verified).expect("a new session cookie at sign-in");
        assert_ne!(
            before.split(';').next(),
            after.split(';').next(),
            "the session id changes at sign-in"
        );
        assert_eq!(
            app.signed_in_email(&client).await.as_deref(),
            Some(EMAIL),
            "{backend:?}"
        );

        let (events,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('code_sent', 'sign_in')",
        )
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
        assert_eq!(events, 2, "{backend:?}");
        app.finish().await;
    }
}

#[tokio::test]
async fn session_cookie_is_http_only_and_same_site() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let cookie = session_cookie(&password_step(&app, &browser()).await).unwrap();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "development runs on plain http: {cookie}"
    );
    app.finish().await;
}

#[tokio::test]
async fn secure_cookies_are_host_bound_when_configured() {
    // Production forces PORTAL_COOKIE_SECURE=true (see the config tests); here it is set by
    // hand so the demo account and the outbox can be used.
    let db = TestDb::new(Backend::Sqlite).await;
    let app = TestApp::spawn_with(db, &[("PORTAL_COOKIE_SECURE", "true")]).await;
    let response = password_step(&app, &browser()).await;
    let cookie = session_cookie(&response).expect("a session cookie");
    assert!(cookie.starts_with("__Host-portal_session="), "{cookie}");
    assert!(cookie.contains("Secure"), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    app.finish().await;
}

#[tokio::test]
async fn a_code_works_only_once_and_only_for_its_own_attempt() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mine = browser();
    password_step(&app, &mine).await;
    let code = app.last_code_to(EMAIL).await;

    // Someone else who learns the code cannot use it from their own session.
    let other = browser();
    let refused = app
        .call(&other, "auth/verify-code", &[("code", &code)])
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.signed_in_email(&other).await, None);

    app.call(&mine, "auth/verify-code", &[("code", &code)])
        .await;
    assert_eq!(app.signed_in_email(&mine).await.as_deref(), Some(EMAIL));
    let (used,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM sign_in_codes WHERE used_at IS NOT NULL")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(used, 1);
    app.finish().await;
}

#[tokio::test]
async fn five_wrong_codes_use_up_the_code() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let client = browser();
    password_step(&app, &client).await;
    let code = app.last_code_to(EMAIL).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let response = app
            .call(&client, "auth/verify-code", &[("code", wrong)])
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let response = app
        .call(&client, "auth/verify-code", &[("code", &code)])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("too many times"));
    assert_eq!(app.signed_in_email(&client).await, None);
    app.finish().await;
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let client = browser();
    password_step(&app, &client).await;
    let code = app.last_code_to(EMAIL).await;
    sqlx::query("UPDATE sign_in_codes SET expires_at = expires_at - 601")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let response = app
        .call(&client, "auth/verify-code", &[("code", &code)])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("expired"));
    app.finish().await;
}

#[tokio::test]
async fn a_new_code_replaces_the_old_one_after_a_short_wait() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let client = browser();
    password_step(&app, &client).await;
    let old = app.last_code_to(EMAIL).await;

    let too_soon = app.call(&client, "auth/resend-code", &[]).await;
    assert_eq!(too_soon.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_soon.text().await.unwrap().contains("Wait"));

    sqlx::query("UPDATE sign_in_codes SET created_at = created_at - 31")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    // The outbox orders by file time; make sure the new email is the newer file.
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let resent = app.call(&client, "auth/resend-code", &[]).await;
    assert!(resent.status().is_success(), "{}", resent.status());
    let new = app.last_code_to(EMAIL).await;

    if old != new {
        let refused = app
            .call(&client, "auth/verify-code", &[("code", &old)])
            .await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    app.call(&client, "auth/verify-code", &[("code", &new)])
        .await;
    assert_eq!(app.signed_in_email(&client).await.as_deref(), Some(EMAIL));
    app.finish().await;
}

#[tokio::test]
async fn the_eleventh_failure_is_refused_with_when_to_try_again() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let client = browser();
        for _ in 0..10 {
            let response = app
                .call(
                    &client,
                    "auth/sign-in",
                    &[("email", EMAIL), ("password", "wrong-password")],
                )
                .await;
            assert_eq!(
                response.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "{backend:?}"
            );
        }
        // Even the right password waits now, and the message says for how long.
        let response = password_step(&app, &client).await;
        assert_eq!(
            response.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "{backend:?}"
        );
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("Try again in 15 minutes"),
            "{backend:?}"
        );
        // The limit lifts once the failures are older than 15 minutes.
        sqlx::query("UPDATE auth_failures SET at = at - 901")
            .execute(app.state.db.pool())
            .await
            .unwrap();
        assert!(
            password_step(&app, &client).await.status().is_success(),
            "{backend:?}"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn unknown_email_and_wrong_password_get_the_same_answer() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let unknown = app
        .call(
            &browser(),
            "auth/sign-in",
            &[("email", "nobody@example.org"), ("password", PASSWORD)],
        )
        .await;
    let wrong = app
        .call(
            &browser(),
            "auth/sign-in",
            &[("email", EMAIL), ("password", "not-the-password")],
        )
        .await;
    assert_eq!(unknown.status(), wrong.status());
    assert_eq!(unknown.text().await.unwrap(), wrong.text().await.unwrap());
    app.finish().await;
}

#[tokio::test]
async fn sign_out_ends_the_session_on_the_server() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let client = browser();
    password_step(&app, &client).await;
    let code = app.last_code_to(EMAIL).await;
    let verified = app
        .call(&client, "auth/verify-code", &[("code", &code)])
        .await;
    let cookie = session_cookie(&verified).unwrap();
    let cookie_pair = cookie.split(';').next().unwrap().to_owned();

    app.call(&client, "auth/sign-out", &[]).await;
    let (sessions,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM sessions WHERE user_id IS NOT NULL")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(sessions, 0);
    // Replaying the old cookie gets nobody.
    let replay: serde_json::Value = app
        .client
        .post(app.url("/api/auth/current-user"))
        .header("cookie", cookie_pair)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(replay.is_null(), "{replay}");
    app.finish().await;
}

#[tokio::test]
async fn an_idle_session_expires() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let client = browser();
    password_step(&app, &client).await;
    let code = app.last_code_to(EMAIL).await;
    app.call(&client, "auth/verify-code", &[("code", &code)])
        .await;
    assert!(app.signed_in_email(&client).await.is_some());
    sqlx::query("UPDATE sessions SET expires_at = expires_at - 1801")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(app.signed_in_email(&client).await, None);
    app.finish().await;
}

#[tokio::test]
async fn role_homes_send_strangers_to_sign_in() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for path in ["/home", "/professional", "/staff", "/admin"] {
        let response = app
            .client
            .get(app.url(path))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_redirection(),
            "{path}: {}",
            response.status()
        );
        assert_eq!(
            response.headers()["location"],
            format!("/sign-in?return={path}"),
            "{path}"
        );
    }
    app.finish().await;
}

/// Signs in with `return_to` set to `asked`; where the code's answer sends the browser.
async fn lands_after_sign_in(app: &TestApp, client: &reqwest::Client, asked: &str) -> String {
    app.call(
        client,
        "auth/sign-in",
        &[
            ("email", EMAIL),
            ("password", PASSWORD),
            ("return_to", asked),
        ],
    )
    .await;
    let code = app.last_code_to(EMAIL).await;
    let verified = app
        .call(client, "auth/verify-code", &[("code", &code)])
        .await;
    common::location(&verified)
}

#[tokio::test]
async fn after_the_code_people_return_to_the_page_they_were_sent_from() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for (asked, expected) in [
        ("/account", "/account"),
        ("//evil.example/x", "/home"),
        ("https://evil.example", "/home"),
    ] {
        assert_eq!(
            lands_after_sign_in(&app, &browser(), asked).await,
            expected,
            "{asked}"
        );
    }
    app.finish().await;
}

#[tokio::test]
async fn a_return_path_that_browsers_read_as_another_site_leads_to_the_role_home() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        // Browsers drop tabs and newlines and read `\` as `/`, so the first three are
        // `//evil.example` to them; the next two are no page of the portal either.
        // `/%09/…` stays on the portal, as a (missing) page.
        for (asked, expected) in [
            ("/\t/evil.example", "/home"),
            ("/\n/evil.example", "/home"),
            ("/\\evil.example", "/home"),
            ("/.//evil.example", "/home"),
            ("javascript:alert(1)", "/home"),
            ("/%09/evil.example", "/%09/evil.example"),
        ] {
            let client = browser();
            assert_eq!(
                lands_after_sign_in(&app, &client, asked).await,
                expected,
                "{backend:?} {asked:?}"
            );
            assert_eq!(app.signed_in_email(&client).await.as_deref(), Some(EMAIL));
        }
        app.finish().await;
    }
}

/// The session's row as stored: (data, expires_at).
async fn stored_session(app: &TestApp, user: i64) -> (String, i64) {
    sqlx::query_as("SELECT data, expires_at FROM sessions WHERE user_id = $1")
        .bind(user)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap()
}

/// Every signed-in page counts as activity for the inactivity limit, yet the session is stored
/// again at most once a minute: reading pages (the wizard's, which takes its one-off problems
/// out of the session, among them) writes nothing in between; what is stored is the session's
/// own data, without the account row read beside it.
#[tokio::test]
async fn pages_keep_the_session_alive_writing_it_at_most_once_a_minute() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let client = app.signed_in(EMAIL, PASSWORD).await;
        let user = app.user_id(EMAIL).await;
        let child = app.child_id("Ellie").await;
        let draft: String = app
            .call(
                &client,
                "forms/start",
                &[("child", &child), ("form", "e1-parent-request")],
            )
            .await
            .json()
            .await
            .unwrap();
        let pages = ["/home".to_owned(), format!("/drafts/{draft}")];
        for page in &pages {
            assert_eq!(app.get_with(&client, page).await, StatusCode::OK, "{page}");
        }
        // Marked back in time: a session stored again would have its expiry moved forward.
        sqlx::query("UPDATE sessions SET expires_at = expires_at - 600 WHERE user_id = $1")
            .bind(user)
            .execute(app.state.db.pool())
            .await
            .unwrap();
        let before = stored_session(&app, user).await;
        for page in pages.iter().chain(&pages) {
            assert_eq!(app.get_with(&client, page).await, StatusCode::OK, "{page}");
        }
        assert_eq!(stored_session(&app, user).await, before, "{backend:?}");

        // A minute later, a page counts as activity again.
        let (data, expires_at) = before;
        let mut data: serde_json::Value = serde_json::from_str(&data).unwrap();
        data["last_active"] = (app::platform::db::unix_now() - 61).into();
        sqlx::query("UPDATE sessions SET data = $1 WHERE user_id = $2")
            .bind(data.to_string())
            .bind(user)
            .execute(app.state.db.pool())
            .await
            .unwrap();
        assert_eq!(app.get_with(&client, "/home").await, StatusCode::OK);
        let (stored, refreshed) = stored_session(&app, user).await;
        assert!(
            refreshed >= expires_at + 600,
            "{refreshed} after {expires_at}"
        );
        // The account row read with the session is for the request only, never stored.
        let stored: serde_json::Value = serde_json::from_str(&stored).unwrap();
        assert!(
            stored.get(app::auth::session_store::ACCOUNT_KEY).is_none(),
            "{stored}"
        );
        assert_eq!(stored[app::auth::session_store::USER_ID_KEY], user);
        app.finish().await;
    }
}
