//! Registering with an emailed link and two-step set-up; forgotten password with the same
//! reply whether or not the details were right.

mod common;

use common::{backends, browser, link_in, token_of, Backend, TestApp};
use reqwest::StatusCode;

const NEW_EMAIL: &str = "new.parent@example.org";
const NEW_PASSWORD: &str = "kettle orbit lantern";
const QUESTION: &str = "What was the name of your first pet?";

async fn register(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
    password: &str,
) -> reqwest::Response {
    app.call(
        client,
        "auth/register",
        &[
            ("full_name", "Robin Lee"),
            ("email", email),
            ("password", password),
            ("secret_question", QUESTION),
            ("secret_answer", "Biscuit"),
        ],
    )
    .await
}

#[tokio::test]
async fn registering_confirming_and_setting_up_two_step_ends_signed_in() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let client = browser();
        assert!(
            register(&app, &client, NEW_EMAIL, NEW_PASSWORD)
                .await
                .status()
                .is_success(),
            "{backend:?}"
        );
        let mail = app
            .last_email_to(NEW_EMAIL)
            .await
            .expect("a confirmation email");
        assert_eq!(mail.subject, "Confirm your email address");
        let token = token_of(&link_in(&mail.text, "/register/confirm?token="));

        // Signing in before confirming is refused with the reason.
        let early = app
            .call(
                &browser(),
                "auth/sign-in",
                &[("email", NEW_EMAIL), ("password", NEW_PASSWORD)],
            )
            .await;
        assert_eq!(early.status(), StatusCode::UNPROCESSABLE_ENTITY);

        assert!(app
            .call(&client, "auth/confirm-email", &[("token", &token)])
            .await
            .status()
            .is_success());
        // The link works once.
        let again = app
            .call(&browser(), "auth/confirm-email", &[("token", &token)])
            .await;
        assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);

        assert!(app
            .call(&client, "auth/set-up-two-step", &[("method", "email")])
            .await
            .status()
            .is_success());
        let code = app.last_code_to(NEW_EMAIL).await;
        app.call(&client, "auth/verify-code", &[("code", &code)])
            .await;
        assert_eq!(
            app.signed_in_email(&client).await.as_deref(),
            Some(NEW_EMAIL),
            "{backend:?}"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn registering_an_existing_email_looks_the_same_and_tells_the_owner() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let fresh = register(&app, &browser(), NEW_EMAIL, NEW_PASSWORD).await;
    let existing = register(&app, &browser(), "parent@example.org", NEW_PASSWORD).await;
    assert_eq!(fresh.status(), existing.status());
    assert_eq!(
        fresh.headers().get("location"),
        existing.headers().get("location")
    );
    assert_eq!(fresh.text().await.unwrap(), existing.text().await.unwrap());
    let notice = app
        .last_email_to("parent@example.org")
        .await
        .expect("the owner is told");
    assert_eq!(notice.subject, "You already have an account");
    let (users,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM users WHERE email = 'parent@example.org'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(users, 1);
    app.finish().await;
}

#[tokio::test]
async fn weak_passwords_are_refused_with_a_reason() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for (password, expected) in [
        ("short", "at least 10 characters"),
        ("password123", "too common"),
    ] {
        let response = register(&app, &browser(), NEW_EMAIL, password).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = response.text().await.unwrap();
        assert!(body.contains(expected), "{password}: {body}");
        assert!(body.contains("\"field\":\"password\""), "{body}");
    }
    let long = "x".repeat(129);
    assert_eq!(
        register(&app, &browser(), NEW_EMAIL, &long).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    app.finish().await;
}

#[tokio::test]
async fn an_expired_confirmation_link_is_refused() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    register(&app, &browser(), NEW_EMAIL, NEW_PASSWORD).await;
    let mail = app.last_email_to(NEW_EMAIL).await.unwrap();
    let token = token_of(&link_in(&mail.text, "/register/confirm?token="));
    sqlx::query("UPDATE email_tokens SET expires_at = created_at - 1")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let response = app
        .call(&browser(), "auth/confirm-email", &[("token", &token)])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.finish().await;
}

async fn ask_reset(app: &TestApp, email: &str, question: &str, answer: &str) -> reqwest::Response {
    app.call(
        &browser(),
        "auth/forgotten-password",
        &[
            ("email", email),
            ("secret_question", question),
            ("secret_answer", answer),
        ],
    )
    .await
}

#[tokio::test]
async fn reset_reply_is_identical_for_unknown_email_and_wrong_answer() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let q = app::demo::DEMO_SECRET_QUESTION;
    let unknown = ask_reset(&app, "nobody@example.org", q, "Oakfield Primary").await;
    let wrong = ask_reset(&app, "parent@example.org", q, "Elm Road").await;
    let right = ask_reset(&app, "parent@example.org", q, "  oakfield   PRIMARY ").await;
    let statuses = [unknown.status(), wrong.status(), right.status()];
    assert!(statuses.iter().all(|s| *s == statuses[0]), "{statuses:?}");
    let bodies = [
        unknown.text().await.unwrap(),
        wrong.text().await.unwrap(),
        right.text().await.unwrap(),
    ];
    assert!(bodies.iter().all(|b| *b == bodies[0]));
    let outbox = app.emails().await;
    let resets: Vec<_> = outbox
        .iter()
        .filter(|m| m.subject == "Reset your password")
        .collect();
    assert_eq!(resets.len(), 1, "only the right details get a link");
    assert_eq!(resets[0].to, "parent@example.org");
    app.finish().await;
}

#[tokio::test]
async fn a_reset_link_sets_a_new_password_once_and_ends_other_sessions() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        // A session signed in elsewhere.
        let elsewhere = browser();
        app.call(
            &elsewhere,
            "auth/sign-in",
            &[
                ("email", "parent@example.org"),
                ("password", app::demo::DEMO_PASSWORD),
            ],
        )
        .await;
        let code = app.last_code_to("parent@example.org").await;
        app.call(&elsewhere, "auth/verify-code", &[("code", &code)])
            .await;
        assert!(app.signed_in_email(&elsewhere).await.is_some());

        ask_reset(
            &app,
            "parent@example.org",
            app::demo::DEMO_SECRET_QUESTION,
            "Oakfield Primary",
        )
        .await;
        let mail = app.last_email_to("parent@example.org").await.unwrap();
        let token = token_of(&link_in(&mail.text, "/reset-password?token="));
        let done = app
            .call(
                &browser(),
                "auth/reset-password",
                &[("token", &token), ("password", NEW_PASSWORD)],
            )
            .await;
        assert!(done.status().is_success(), "{backend:?}: {}", done.status());
        assert_eq!(
            app.signed_in_email(&elsewhere).await,
            None,
            "{backend:?}: other sessions end"
        );
        let notice = app.last_email_to("parent@example.org").await.unwrap();
        assert_eq!(notice.subject, "Your password has been changed");

        let reused = app
            .call(
                &browser(),
                "auth/reset-password",
                &[("token", &token), ("password", "another long one")],
            )
            .await;
        assert_eq!(
            reused.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{backend:?}"
        );

        // The new password works, and still needs the emailed code.
        let client = browser();
        app.call(
            &client,
            "auth/sign-in",
            &[("email", "parent@example.org"), ("password", NEW_PASSWORD)],
        )
        .await;
        assert_eq!(app.signed_in_email(&client).await, None);
        let code = app.last_code_to("parent@example.org").await;
        app.call(&client, "auth/verify-code", &[("code", &code)])
            .await;
        assert_eq!(
            app.signed_in_email(&client).await.as_deref(),
            Some("parent@example.org")
        );
        app.finish().await;
    }
}
