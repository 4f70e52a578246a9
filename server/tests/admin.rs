//! Administration: only admins may call it; staff accounts, roles, deactivation and two-step
//! resets, each written to the audit log with the admin who did it.

mod common;

use common::{backends, browser, link_in, token_of, Backend, TestApp};
use reqwest::StatusCode;

const PASSWORD: &str = app::demo::DEMO_PASSWORD;
const ADMIN: &str = "admin@example.org";
const PARENT: &str = "parent@example.org";

/// Every admin server function, with arguments that would otherwise be accepted.
fn admin_calls(target: &str) -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    vec![
        (
            "admin/accounts",
            vec![("query", String::new()), ("page", "1".into())],
        ),
        ("admin/account", vec![("user_id", target.to_owned())]),
        (
            "admin/create-staff",
            vec![
                ("full_name", "Sam Officer".into()),
                ("email", "sam.officer@example.org".into()),
                ("role", "sen_officer".into()),
            ],
        ),
        (
            "admin/change-role",
            vec![("user_id", target.to_owned()), ("role", "admin".into())],
        ),
        (
            "admin/set-active",
            vec![("user_id", target.to_owned()), ("active", "false".into())],
        ),
        ("admin/reset-two-step", vec![("user_id", target.to_owned())]),
    ]
}

#[tokio::test]
async fn every_admin_function_refuses_anyone_but_an_admin() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let target = app.user_id(PARENT).await.to_string();
    let others = [
        ("nobody", browser()),
        ("citizen", app.signed_in(PARENT, PASSWORD).await),
        (
            "professional",
            app.signed_in("senco@example.org", PASSWORD).await,
        ),
        (
            "SEN officer",
            app.signed_in("caseworker@example.org", PASSWORD).await,
        ),
    ];
    for (endpoint, args) in admin_calls(&target) {
        let form: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        for (who, client) in &others {
            let expected = if *who == "nobody" {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::FORBIDDEN
            };
            let response = app.call(client, endpoint, &form).await;
            assert_eq!(response.status(), expected, "{endpoint} as {who}");
        }
    }
    // Nothing was changed by the refused calls.
    let parent = app.user_id(PARENT).await;
    assert!(app.audit_rows(parent, "role_changed").await.is_empty());
    assert!(app
        .audit_rows(parent, "account_deactivated")
        .await
        .is_empty());
    assert!(app.last_email_to("sam.officer@example.org").await.is_none());
    // And an admin may call each of them (the listing first).
    let admin = app.signed_in(ADMIN, PASSWORD).await;
    let response = app
        .call(
            &admin,
            "admin/accounts",
            &[("query", "example"), ("page", "1")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["total"], app::demo::DEMO_ACCOUNTS.len());
    app.finish().await;
}

#[tokio::test]
async fn a_new_staff_account_chooses_a_password_and_signs_in_with_a_code() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let admin = app.signed_in(ADMIN, PASSWORD).await;
        let email = "sam.officer@example.org";
        let response = app
            .call(
                &admin,
                "admin/create-staff",
                &[
                    ("full_name", "Sam Officer"),
                    ("email", email),
                    ("role", "sen_officer"),
                ],
            )
            .await;
        assert!(response.status().is_success(), "{backend:?}");
        // The same address again is refused, naming the field.
        let again = app
            .call(
                &admin,
                "admin/create-staff",
                &[
                    ("full_name", "Sam"),
                    ("email", email),
                    ("role", "sen_officer"),
                ],
            )
            .await;
        assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
        // A citizen account cannot be made this way.
        let citizen = app
            .call(
                &admin,
                "admin/create-staff",
                &[
                    ("full_name", "Pat"),
                    ("email", "pat@example.org"),
                    ("role", "citizen"),
                ],
            )
            .await;
        assert_eq!(citizen.status(), StatusCode::UNPROCESSABLE_ENTITY);

        let id = app.user_id(email).await;
        let admin_id = app.user_id(ADMIN).await;
        assert_eq!(
            app.audit_rows(id, "account_created").await,
            vec![(Some(admin_id), Some("SEN officer".to_owned()))]
        );
        let mail = app.last_email_to(email).await.expect("a welcome email");
        let token = token_of(&link_in(&mail.text, "/reset-password?token="));
        let set = app
            .call(
                &browser(),
                "auth/reset-password",
                &[("token", &token), ("password", "harbour violet engine")],
            )
            .await;
        assert!(set.status().is_success());
        let client = app.signed_in(email, "harbour violet engine").await;
        let me: serde_json::Value = app
            .call(&client, "auth/current-user", &[])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(me["role"], "SenOfficer", "{backend:?}");
        app.finish().await;
    }
}

#[tokio::test]
async fn deactivating_signs_out_and_refuses_sign_in_until_reactivated() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let admin = app.signed_in(ADMIN, PASSWORD).await;
        let parent_session = app.signed_in(PARENT, PASSWORD).await;
        let parent = app.user_id(PARENT).await.to_string();
        let off = app
            .call(
                &admin,
                "admin/set-active",
                &[("user_id", &parent), ("active", "false")],
            )
            .await;
        assert!(off.status().is_success(), "{backend:?}");
        let overview = app.call(&parent_session, "account/overview", &[]).await;
        assert_eq!(overview.status(), StatusCode::UNAUTHORIZED, "{backend:?}");
        let refused = app
            .call(
                &browser(),
                "auth/sign-in",
                &[("email", PARENT), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);

        let on = app
            .call(
                &admin,
                "admin/set-active",
                &[("user_id", &parent), ("active", "true")],
            )
            .await;
        assert!(on.status().is_success());
        app.signed_in(PARENT, PASSWORD).await;
        let admin_id = app.user_id(ADMIN).await;
        let id: i64 = parent.parse().unwrap();
        assert_eq!(
            app.audit_rows(id, "account_deactivated").await,
            vec![(Some(admin_id), Some(String::new()))]
        );
        assert_eq!(app.audit_rows(id, "account_reactivated").await.len(), 1);
        app.finish().await;
    }
}

#[tokio::test]
async fn role_changes_are_recorded_and_an_admin_cannot_demote_themself() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let admin = app.signed_in(ADMIN, PASSWORD).await;
        let admin_id = app.user_id(ADMIN).await;
        let senco = app.user_id("senco@example.org").await;
        let response = app
            .call(
                &admin,
                "admin/change-role",
                &[("user_id", &senco.to_string()), ("role", "sen_officer")],
            )
            .await;
        assert!(response.status().is_success(), "{backend:?}");
        assert_eq!(
            app.audit_rows(senco, "role_changed").await,
            vec![(
                Some(admin_id),
                Some("Professional → SEN officer".to_owned())
            )]
        );
        let own = app
            .call(
                &admin,
                "admin/change-role",
                &[("user_id", &admin_id.to_string()), ("role", "citizen")],
            )
            .await;
        assert_eq!(own.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let own = app
            .call(
                &admin,
                "admin/set-active",
                &[("user_id", &admin_id.to_string()), ("active", "false")],
            )
            .await;
        assert_eq!(own.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let bogus = app
            .call(
                &admin,
                "admin/change-role",
                &[("user_id", &senco.to_string()), ("role", "superuser")],
            )
            .await;
        assert_eq!(bogus.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let missing = app
            .call(&admin, "admin/account", &[("user_id", "999999")])
            .await;
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
        // The account's page shows the change, with who made it.
        let detail: serde_json::Value = app
            .call(&admin, "admin/account", &[("user_id", &senco.to_string())])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(detail["account"]["role"], "SenOfficer");
        assert_eq!(detail["history"][0]["what"], "Role changed");
        assert_eq!(detail["history"][0]["by"], "Alex Morgan");
        app.finish().await;
    }
}

#[tokio::test]
async fn resetting_two_step_signs_out_and_asks_for_set_up_at_the_next_sign_in() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let admin = app.signed_in(ADMIN, PASSWORD).await;
    let parent_session = app.signed_in(PARENT, PASSWORD).await;
    let parent = app.user_id(PARENT).await;
    let response = app
        .call(
            &admin,
            "admin/reset-two-step",
            &[("user_id", &parent.to_string())],
        )
        .await;
    assert!(response.status().is_success());
    assert_eq!(
        app.call(&parent_session, "account/overview", &[])
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let mail = app.last_email_to(PARENT).await.expect("a notice");
    assert_eq!(mail.subject, "Your two-step verification has been reset");
    // As a page without JavaScript posts it, so the answer is a redirect.
    let sign_in = browser()
        .post(app.url("/api/auth/sign-in"))
        .header("origin", app.address.clone())
        .header("accept", "text/html")
        .form(&[("email", PARENT), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(sign_in.status(), StatusCode::FOUND);
    let to = sign_in
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(to, "/register/two-step");
    assert_eq!(app.audit_rows(parent, "two_step_reset").await.len(), 1);
    app.finish().await;
}
