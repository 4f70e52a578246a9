//! Organisations (issue 16, point 1): only admins create them and change who is in them; names
//! are unique whatever their case and spacing, also when created at once; only professionals
//! can be members; every change is in the audit log with the admin who made it.

mod common;

use common::{backends, browser, Backend, TestApp};
use reqwest::StatusCode;

const PASSWORD: &str = app::demo::DEMO_PASSWORD;
const ADMIN: &str = "admin@example.org";
const SENCO: &str = "senco@example.org";

/// The id of the organisation with this name, if there is one.
async fn organisation_id(app: &TestApp, name: &str) -> Option<i64> {
    sqlx::query_scalar("SELECT id FROM organisations WHERE name = $1")
        .bind(name)
        .fetch_optional(app.state.db.pool())
        .await
        .expect("read organisations")
}

async fn member_ids(app: &TestApp, organisation: i64) -> Vec<i64> {
    sqlx::query_scalar(
        "SELECT user_id FROM organisation_members WHERE organisation_id = $1 ORDER BY user_id",
    )
    .bind(organisation)
    .fetch_all(app.state.db.pool())
    .await
    .expect("read members")
}

/// The message of a refused call (422) for its field.
async fn refusal(response: reqwest::Response) -> String {
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    response.text().await.unwrap()
}

#[tokio::test]
async fn every_organisation_function_refuses_anyone_but_an_admin() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let school = organisation_id(&app, "Oakfield Primary School")
        .await
        .expect("the demo school")
        .to_string();
    let psychologist = app.user_id("psychologist@example.org").await.to_string();
    let calls: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("admin/organisations", vec![]),
        ("admin/organisation", vec![("organisation_id", &school)]),
        (
            "admin/create-organisation",
            vec![("name", "Riverside Academy"), ("kind", "school")],
        ),
        (
            "admin/add-member",
            vec![
                ("organisation_id", &school),
                ("email", "psychologist@example.org"),
            ],
        ),
        (
            "admin/remove-member",
            vec![("organisation_id", &school), ("user_id", &psychologist)],
        ),
    ];
    let others = [
        ("nobody", browser()),
        (
            "citizen",
            app.signed_in("parent@example.org", PASSWORD).await,
        ),
        ("professional", app.signed_in(SENCO, PASSWORD).await),
        (
            "SEN officer",
            app.signed_in("caseworker@example.org", PASSWORD).await,
        ),
    ];
    for (endpoint, form) in &calls {
        for (who, client) in &others {
            let expected = if *who == "nobody" {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::FORBIDDEN
            };
            let response = app.call(client, endpoint, form).await;
            assert_eq!(response.status(), expected, "{endpoint} as {who}");
        }
    }
    assert_eq!(organisation_id(&app, "Riverside Academy").await, None);
    let senco = app.user_id(SENCO).await;
    assert_eq!(member_ids(&app, school.parse().unwrap()).await, vec![senco]);
    // The pages refuse them too, and show an admin the demo organisations.
    for (who, client) in &others {
        let status = app.get_with(client, "/admin/organisations").await;
        assert_ne!(status, StatusCode::OK, "the list as {who}");
    }
    let admin = app.signed_in(ADMIN, PASSWORD).await;
    let html = admin
        .get(app.url("/admin/organisations"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for (name, kind, _) in app::demo::DEMO_ORGANISATIONS {
        assert!(html.contains(name), "{name} listed");
        assert!(html.contains(kind.label()), "{} shown", kind.label());
    }
    app.finish().await;
}

#[tokio::test]
async fn an_admin_creates_an_organisation_and_chooses_its_members() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let admin = app.signed_in(ADMIN, PASSWORD).await;
        let admin_id = app.user_id(ADMIN).await;
        let created = app
            .call(
                &admin,
                "admin/create-organisation",
                &[("name", "  Riverside   Academy "), ("kind", "school")],
            )
            .await;
        assert!(created.status().is_success(), "{backend:?}");
        let id = organisation_id(&app, "Riverside Academy")
            .await
            .expect("stored with its spaces tidied");
        assert_eq!(
            app.audit_rows(admin_id, "organisation_created").await,
            vec![(None, Some("Riverside Academy (School)".to_owned()))]
        );

        // Bad input is refused with a message that says what to do, and nothing is stored.
        for (name, kind, expected) in [
            (
                "riverside ACADEMY",
                "school",
                "There is already an organisation called riverside ACADEMY",
            ),
            ("   ", "school", "Enter the organisation’s name"),
            (&"x".repeat(101), "school", "100 characters or fewer"),
            (
                "Police liaison",
                "police",
                "Choose what kind of organisation it is",
            ),
            (
                "Police liaison",
                "",
                "Choose what kind of organisation it is",
            ),
        ] {
            let response = app
                .call(
                    &admin,
                    "admin/create-organisation",
                    &[("name", name), ("kind", kind)],
                )
                .await;
            let text = refusal(response).await;
            assert!(text.contains(expected), "{name:?}/{kind:?}: {text}");
        }
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organisations")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
        assert_eq!(count, app::demo::DEMO_ORGANISATIONS.len() as i64 + 1);

        // Members: professionals only, each once.
        let org = id.to_string();
        let add = |email: &'static str| {
            let org = org.clone();
            let admin = admin.clone();
            let app = &app;
            async move {
                app.call(
                    &admin,
                    "admin/add-member",
                    &[("organisation_id", &org), ("email", email)],
                )
                .await
            }
        };
        assert!(add("SENCO@example.org ").await.status().is_success());
        assert!(add("psychologist@example.org").await.status().is_success());
        let senco = app.user_id(SENCO).await;
        let psychologist = app.user_id("psychologist@example.org").await;
        assert_eq!(member_ids(&app, id).await, {
            let mut both = vec![senco, psychologist];
            both.sort();
            both
        });
        assert!(refusal(add(SENCO).await)
            .await
            .contains("Priya Shah is already a member"));
        assert!(refusal(add("parent@example.org").await)
            .await
            .contains("Only professionals can be members of an organisation: Sam Taylor is a parent, carer or young person"));
        assert!(refusal(add("caseworker@example.org").await)
            .await
            .contains("is an SEN officer"));
        assert!(refusal(add("nobody@example.org").await)
            .await
            .contains("No account has this email address"));
        assert!(refusal(add("").await)
            .await
            .contains("Enter the professional’s email address"));
        // The demo seed writes no audit rows: only the admin's addition is there.
        assert_eq!(
            app.audit_rows(senco, "organisation_member_added").await,
            vec![(Some(admin_id), Some("Riverside Academy".to_owned()))]
        );

        // The account page lists a professional's organisations.
        let record: serde_json::Value = app
            .call(&admin, "admin/account", &[("user_id", &senco.to_string())])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            record["organisations"],
            serde_json::json!(["Oakfield Primary School", "Riverside Academy"])
        );

        // Removing: once changes it, twice changes nothing more.
        for _ in 0..2 {
            let removed = app
                .call(
                    &admin,
                    "admin/remove-member",
                    &[("organisation_id", &org), ("user_id", &senco.to_string())],
                )
                .await;
            assert!(removed.status().is_success(), "{backend:?}");
        }
        assert_eq!(member_ids(&app, id).await, vec![psychologist]);
        assert_eq!(
            app.audit_rows(senco, "organisation_member_removed").await,
            vec![(Some(admin_id), Some("Riverside Academy".to_owned()))]
        );
        let detail: serde_json::Value = app
            .call(&admin, "admin/organisation", &[("organisation_id", &org)])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(detail["name"], "Riverside Academy");
        assert_eq!(detail["kind"], "School");
        assert_eq!(detail["members"][0]["name"], "Dr Dana Okafor");
        assert_eq!(detail["members"].as_array().unwrap().len(), 1);

        // An organisation that does not exist is not found, whatever is asked of it.
        for (endpoint, form) in [
            ("admin/organisation", vec![("organisation_id", "999999")]),
            (
                "admin/add-member",
                vec![("organisation_id", "999999"), ("email", SENCO)],
            ),
            (
                "admin/remove-member",
                vec![("organisation_id", "999999"), ("user_id", "1")],
            ),
        ] {
            let response = app.call(&admin, endpoint, &form).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{endpoint}");
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn the_same_name_created_at_once_makes_one_organisation() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let admin = app.signed_in(ADMIN, PASSWORD).await;
        let mut attempts = tokio::task::JoinSet::new();
        for i in 0..8 {
            let (client, url, origin) = (
                admin.clone(),
                app.url("/api/admin/create-organisation"),
                app.address.clone(),
            );
            // The same organisation, spelt a little differently each time.
            let name = if i % 2 == 0 {
                "Hillside Nursery"
            } else {
                "hillside  nursery"
            };
            attempts.spawn(async move {
                client
                    .post(url)
                    .header("origin", origin)
                    .form(&[("name", name), ("kind", "early_years")])
                    .send()
                    .await
                    .expect("a create call")
                    .status()
            });
        }
        let statuses = attempts.join_all().await;
        let made = statuses.iter().filter(|s| s.is_success()).count();
        let refused = statuses
            .iter()
            .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
            .count();
        assert_eq!((made, refused), (1, 7), "{backend:?}: {statuses:?}");
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM organisations WHERE name_key = $1")
                .bind("hillside nursery")
                .fetch_one(app.state.db.pool())
                .await
                .unwrap();
        assert_eq!(count, 1);
        app.finish().await;
    }
}
