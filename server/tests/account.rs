//! The account page's actions: each needs the signed-in user and, for changes, the current password.

mod common;

use common::{backends, browser, Backend, TestApp};
use reqwest::StatusCode;

const EMAIL: &str = "parent@example.org";
const PASSWORD: &str = app::demo::DEMO_PASSWORD;

async fn overview(app: &TestApp, client: &reqwest::Client) -> reqwest::Response {
    app.call(client, "account/overview", &[]).await
}

#[tokio::test]
async fn the_account_page_needs_a_signed_in_user() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for endpoint in ["account/overview", "account/sign-out-others"] {
        let response = app.call(&browser(), endpoint, &[]).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{endpoint}");
    }
    let response = app
        .call(
            &browser(),
            "account/change-password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a brand new one"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    app.finish().await;
}

#[tokio::test]
async fn recent_sign_ins_are_listed() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let client = app.signed_in(EMAIL, PASSWORD).await;
    let body: serde_json::Value = overview(&app, &client).await.json().await.unwrap();
    assert_eq!(body["email"], EMAIL);
    assert_eq!(body["recent"][0]["what"], "Signed in");
    assert_eq!(body["recent"][0]["ip"], "127.0.0.1");
    app.finish().await;
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_other_sessions() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let here = app.signed_in(EMAIL, PASSWORD).await;
        let elsewhere = app.signed_in(EMAIL, PASSWORD).await;
        let body: serde_json::Value = overview(&app, &here).await.json().await.unwrap();
        assert_eq!(body["other_sessions"], 1, "{backend:?}");

        let wrong = app
            .call(
                &here,
                "account/change-password",
                &[
                    ("current_password", "not it at all"),
                    ("new_password", "a brand new one"),
                ],
            )
            .await;
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let common = app
            .call(
                &here,
                "account/change-password",
                &[
                    ("current_password", PASSWORD),
                    ("new_password", "1234567890"),
                ],
            )
            .await;
        assert_eq!(common.status(), StatusCode::UNPROCESSABLE_ENTITY);

        let changed = app
            .call(
                &here,
                "account/change-password",
                &[
                    ("current_password", PASSWORD),
                    ("new_password", "a brand new one"),
                ],
            )
            .await;
        assert!(
            changed.status().is_success(),
            "{backend:?}: {}",
            changed.status()
        );
        assert!(
            overview(&app, &here).await.status().is_success(),
            "this session stays signed in"
        );
        assert_eq!(
            overview(&app, &elsewhere).await.status(),
            StatusCode::UNAUTHORIZED,
            "{backend:?}"
        );
        assert_eq!(
            app.last_email_to(EMAIL).await.unwrap().subject,
            "Your password has been changed"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn signing_out_everywhere_else_keeps_this_session() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let here = app.signed_in(EMAIL, PASSWORD).await;
    let elsewhere = app.signed_in(EMAIL, PASSWORD).await;
    assert!(app
        .call(&here, "account/sign-out-others", &[])
        .await
        .status()
        .is_success());
    assert!(overview(&app, &here).await.status().is_success());
    assert_eq!(
        overview(&app, &elsewhere).await.status(),
        StatusCode::UNAUTHORIZED
    );
    app.finish().await;
}

#[tokio::test]
async fn the_secret_question_can_be_changed_and_is_then_the_one_asked() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let client = app.signed_in(EMAIL, PASSWORD).await;
    let question = "What was the name of your first pet?";
    // The current password is asked again, and a wrong one changes nothing.
    let wrong = app
        .call(
            &client,
            "account/change-secret",
            &[
                ("current_password", "not it at all"),
                ("secret_question", question),
                ("secret_answer", "Biscuit"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = wrong.text().await.unwrap();
    assert!(
        body.contains("secret_password") && body.contains("Your current password is not right"),
        "{body}"
    );
    let changed = app
        .call(
            &client,
            "account/change-secret",
            &[
                ("current_password", PASSWORD),
                ("secret_question", question),
                ("secret_answer", "Biscuit"),
            ],
        )
        .await;
    assert!(changed.status().is_success(), "{}", changed.status());
    app.call(
        &browser(),
        "auth/forgotten-password",
        &[
            ("email", EMAIL),
            ("secret_question", question),
            ("secret_answer", "biscuit"),
        ],
    )
    .await;
    assert_eq!(
        app.last_email_to(EMAIL).await.unwrap().subject,
        "Reset your password"
    );
    app.finish().await;
}
