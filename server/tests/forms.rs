//! Drafts and submissions through the server functions the wizard calls: start, autosave
//! (stale saves refused), submit (only when complete and agreed), and the rule that someone
//! else's draft, submission or child answers exactly like one that does not exist.

mod common;

use common::{backends, browser, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

const PASSWORD: &str = app::demo::DEMO_PASSWORD;
const PARENT: &str = "parent@example.org";
const E2: &str = "e2-parental-consent";

async fn start(app: &TestApp, client: &reqwest::Client, child: &str, form: &str) -> String {
    let response = app
        .call(client, "forms/start", &[("child", child), ("form", form)])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json::<String>().await.unwrap()
}

async fn load(app: &TestApp, client: &reqwest::Client, draft: &str) -> reqwest::Response {
    app.call(client, "forms/draft", &[("draft", draft)]).await
}

async fn save(
    app: &TestApp,
    client: &reqwest::Client,
    draft: &str,
    base_version: i64,
    answers: &Value,
) -> reqwest::Response {
    app.call_json(
        client,
        "forms/save",
        &json!({ "draft": draft, "base_version": base_version, "answers": answers, "step": "child" }),
    )
    .await
}

fn e2_example() -> Value {
    let library = app::forms::ssr::FormLibrary::shipped().unwrap();
    serde_json::to_value(library.latest(E2).unwrap().example_answers()).unwrap()
}

#[tokio::test]
async fn a_parent_starts_saves_and_submits_a_form_which_then_cannot_change() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let parent = app.signed_in(PARENT, PASSWORD).await;
        let child = app.child_id("Ellie").await;

        let forms: Value = app
            .call(&parent, "forms/child", &[("child", &child)])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(forms["child"]["first_name"], "Ellie");
        let titles: Vec<&str> = forms["available"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap())
            .collect();
        assert!(titles.contains(&E2), "{titles:?}");
        assert!(
            !titles.contains(&"early-years-request"),
            "a parent is not offered a professionals' form"
        );

        let draft = start(&app, &parent, &child, E2).await;
        let view: Value = load(&app, &parent, &draft).await.json().await.unwrap();
        assert_eq!(view["version"], 1);
        assert_eq!(view["form"]["id"], E2);

        // Autosave: each save names the version it was based on.
        let partial = json!({ "nowhere_yet": [] });
        let refused = save(&app, &parent, &draft, 1, &partial).await;
        assert_eq!(
            refused.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{backend:?}"
        );
        let answers = e2_example();
        let saved: Value = save(&app, &parent, &draft, 1, &answers)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(saved["Saved"]["version"], 2, "{backend:?}");
        // A save based on version 1 again (another tab) is refused and shown what is stored.
        let stale: Value = save(&app, &parent, &draft, 1, &json!({}))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(stale["Conflict"]["version"], 2, "{backend:?}");
        assert_eq!(stale["Conflict"]["answers"], answers);
        let view: Value = load(&app, &parent, &draft).await.json().await.unwrap();
        assert_eq!(view["answers"], answers, "the stale save wrote nothing");

        // Accept needs every box ticked.
        let unagreed = app
            .call(
                &parent,
                "forms/submit",
                &[("draft", &draft), ("agreed[0]", "0")],
            )
            .await;
        assert_eq!(unagreed.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let submitted = app
            .call(
                &parent,
                "forms/submit",
                &[("draft", &draft), ("agreed[0]", "0"), ("agreed[1]", "1")],
            )
            .await;
        assert_eq!(submitted.status(), StatusCode::OK, "{backend:?}");
        let submission: String = submitted.json().await.unwrap();
        let receipt = app.last_email_to(PARENT).await.expect("a receipt");
        assert!(receipt
            .subject
            .starts_with("We have received your form: EHC-"));

        let details: Value = app
            .call(&parent, "forms/submission", &[("submission", &submission)])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(details["answers"], answers);
        assert!(details["reference"].as_str().unwrap().starts_with("EHC-"));

        // The draft is gone: it can be neither loaded, saved nor submitted again.
        assert_eq!(
            load(&app, &parent, &draft).await.status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            save(&app, &parent, &draft, 2, &answers).await.status(),
            StatusCode::NOT_FOUND
        );
        let history: Value = app
            .call(&parent, "forms/child", &[("child", &child)])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(history["drafts"].as_array().unwrap().len(), 0);
        assert_eq!(history["submitted"][0]["id"], submission.as_str());
        app.finish().await;
    }
}

#[tokio::test]
async fn an_incomplete_form_is_refused_naming_the_first_problem() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let parent = app.signed_in(PARENT, PASSWORD).await;
    let child = app.child_id("Max").await;
    let draft = start(&app, &parent, &child, E2).await;
    let response = app
        .call(
            &parent,
            "forms/submit",
            &[("draft", &draft), ("agreed[0]", "0"), ("agreed[1]", "1")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    assert!(body.contains("Some answers are missing"), "{body}");
    assert!(load(&app, &parent, &draft).await.status().is_success());
    app.finish().await;
}

#[tokio::test]
async fn someone_elses_draft_or_child_answers_like_one_that_does_not_exist() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let parent = app.signed_in(PARENT, PASSWORD).await;
        let child = app.child_id("Ellie").await;
        let draft = start(&app, &parent, &child, E2).await;
        let submitted = {
            let other = start(&app, &parent, &child, E2).await;
            save(&app, &parent, &other, 1, &e2_example()).await;
            let response = app
                .call(
                    &parent,
                    "forms/submit",
                    &[("draft", &other), ("agreed[0]", "0"), ("agreed[1]", "1")],
                )
                .await;
            response.json::<String>().await.unwrap()
        };

        let stranger = app.signed_in("young.person@example.org", PASSWORD).await;
        for (endpoint, key, theirs, missing) in [
            ("forms/draft", "draft", draft.as_str(), "no-such-draft"),
            ("forms/child", "child", child.as_str(), "no-such-child"),
            (
                "forms/submission",
                "submission",
                submitted.as_str(),
                "no-such-submission",
            ),
        ] {
            let foreign = app.call(&stranger, endpoint, &[(key, theirs)]).await;
            let absent = app.call(&stranger, endpoint, &[(key, missing)]).await;
            assert_eq!(
                foreign.status(),
                StatusCode::NOT_FOUND,
                "{endpoint} {backend:?}"
            );
            assert_eq!(
                absent.status(),
                StatusCode::NOT_FOUND,
                "{endpoint} {backend:?}"
            );
            assert_eq!(
                foreign.text().await.unwrap(),
                absent.text().await.unwrap(),
                "{endpoint}: the same answer either way"
            );
        }
        let theirs = save(&app, &stranger, &draft, 1, &json!({})).await;
        assert_eq!(theirs.status(), StatusCode::NOT_FOUND);
        let start_for_other = app
            .call(&stranger, "forms/start", &[("child", &child), ("form", E2)])
            .await;
        assert_eq!(start_for_other.status(), StatusCode::NOT_FOUND);
        // The parent's draft is untouched.
        let view: Value = load(&app, &parent, &draft).await.json().await.unwrap();
        assert_eq!(view["version"], 1);
        app.finish().await;
    }
}

#[tokio::test]
async fn the_sen_team_and_strangers_cannot_call_the_form_functions() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let caseworker = app.signed_in("caseworker@example.org", PASSWORD).await;
    let child = app.child_id("Ellie").await;
    for (client, expected) in [
        (browser(), StatusCode::UNAUTHORIZED),
        (caseworker, StatusCode::FORBIDDEN),
    ] {
        for (endpoint, form) in [
            ("forms/child", vec![("child", child.as_str())]),
            ("forms/start", vec![("child", child.as_str()), ("form", E2)]),
            ("forms/draft", vec![("draft", "x")]),
            ("forms/submit", vec![("draft", "x")]),
            ("forms/submission", vec![("submission", "x")]),
        ] {
            assert_eq!(
                app.call(&client, endpoint, &form).await.status(),
                expected,
                "{endpoint}"
            );
        }
        assert_eq!(
            save(&app, &client, "x", 1, &json!({})).await.status(),
            expected
        );
    }
    app.finish().await;
}

/// Posts a wizard step the way a page without JavaScript does.
async fn post_step(
    app: &TestApp,
    client: &reqwest::Client,
    draft: &str,
    step: &str,
    pairs: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(app.url(&format!("/drafts/{draft}/steps/{step}")))
        .header("origin", app.address.clone())
        .form(pairs)
        .send()
        .await
        .unwrap()
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn steps_posted_without_javascript_save_and_move_on() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let parent = app.signed_in(PARENT, PASSWORD).await;
        let child = app.child_id("Ellie").await;
        let draft = start(&app, &parent, &child, E2).await;

        // Continue with problems: saved, and back to the step with its problems shown.
        let response = post_step(
            &app,
            &parent,
            &draft,
            "child-details",
            &[("__action", "continue"), ("child.0.first_name", "Ellie")],
        )
        .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(
            location(&response),
            format!("/drafts/{draft}/child-details?check=1#error-summary")
        );
        let view: Value = load(&app, &parent, &draft).await.json().await.unwrap();
        assert_eq!(view["answers"]["child"][0]["first_name"], "Ellie");

        // Add More keeps what was typed in the first item and opens a second.
        let response = post_step(
            &app,
            &parent,
            &draft,
            "parent-carer-details",
            &[
                ("__action", "add:parents_carers"),
                ("parents_carers.0.full_name", "Sam Taylor"),
                ("parents_carers.0.address.postcode", "LS1 4AP"),
            ],
        )
        .await;
        assert_eq!(
            location(&response),
            format!("/drafts/{draft}/parent-carer-details#parents_carers-1")
        );
        let view: Value = load(&app, &parent, &draft).await.json().await.unwrap();
        let items = view["answers"]["parents_carers"].as_array().unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0]["full_name"], "Sam Taylor");
        assert_eq!(items[0]["address"]["postcode"], "LS1 4AP");

        // Remove takes it away again; Previous goes back a step without checking.
        let response = post_step(
            &app,
            &parent,
            &draft,
            "parent-carer-details",
            &[
                ("__action", "remove:parents_carers:1"),
                ("parents_carers.0.full_name", "Sam Taylor"),
                ("parents_carers.1.full_name", ""),
            ],
        )
        .await;
        assert_eq!(
            location(&response),
            format!("/drafts/{draft}/parent-carer-details#parents_carers-add")
        );
        let view: Value = load(&app, &parent, &draft).await.json().await.unwrap();
        assert_eq!(
            view["answers"]["parents_carers"].as_array().unwrap().len(),
            1
        );
        let response = post_step(
            &app,
            &parent,
            &draft,
            "parent-carer-details",
            &[
                ("__action", "previous"),
                ("parents_carers.0.full_name", "Sam Taylor"),
            ],
        )
        .await;
        assert_eq!(
            location(&response),
            format!("/drafts/{draft}/school-or-setting")
        );

        // A complete step moves on; "Save and come back later" goes to the child's forms.
        let answers = e2_example();
        let complete: Vec<(String, String)> = flatten("child", &answers["child"][0])
            .into_iter()
            .chain(flatten("background", &answers["background"][0]))
            .chain([("__action".to_owned(), "continue".to_owned())])
            .collect();
        let pairs: Vec<(&str, &str)> = complete
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let response = post_step(&app, &parent, &draft, "child-details", &pairs).await;
        assert_eq!(
            location(&response),
            format!("/drafts/{draft}/school-or-setting"),
            "{backend:?}"
        );
        let response = post_step(
            &app,
            &parent,
            &draft,
            "school-or-setting",
            &[("__action", "exit")],
        )
        .await;
        assert_eq!(
            location(&response),
            format!("/children/{child}/forms?saved=1")
        );

        // Someone else's draft: not found, nothing changed.
        let stranger = app.signed_in("young.person@example.org", PASSWORD).await;
        let response = post_step(
            &app,
            &stranger,
            &draft,
            "child-details",
            &[("child.0.first_name", "X")],
        )
        .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        app.finish().await;
    }
}

/// The form-post pairs of one section item's answers (`section.0.field[.part]`).
fn flatten(section: &str, item: &Value) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    for (field, answer) in item.as_object().unwrap() {
        let name = format!("{section}.0.{field}");
        match answer {
            Value::String(text) => pairs.push((name, text.clone())),
            Value::Array(values) => {
                for v in values {
                    pairs.push((name.clone(), v.as_str().unwrap().to_owned()));
                }
            }
            Value::Object(parts) => {
                for (part, v) in parts {
                    pairs.push((format!("{name}.{part}"), v.as_str().unwrap().to_owned()));
                }
            }
            _ => {}
        }
    }
    pairs
}

#[tokio::test]
async fn a_step_posted_after_the_session_ended_is_saved_after_signing_in_again() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let parent = app.signed_in(PARENT, PASSWORD).await;
    let child = app.child_id("Ellie").await;
    let draft = start(&app, &parent, &child, E2).await;

    // The session has ended (a browser with no session), and the step is posted.
    let later = browser();
    let response = post_step(
        &app,
        &later,
        &draft,
        "child-details",
        &[
            ("__action", "continue"),
            ("child.0.first_name", "Ellie"),
            ("child.0.last_name", "Taylor"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(
        location(&response).starts_with("/sign-in?return="),
        "{}",
        location(&response)
    );

    app.sign_in_with(&later, PARENT, PASSWORD).await;
    let view: Value = load(&app, &later, &draft).await.json().await.unwrap();
    assert_eq!(view["answers"]["child"][0]["first_name"], "Ellie");
    assert_eq!(view["answers"]["child"][0]["last_name"], "Taylor");
    assert_eq!(view["version"], 2);
    // Applied once only.
    let again: Value = load(&app, &later, &draft).await.json().await.unwrap();
    assert_eq!(again["version"], 2);
    app.finish().await;
}
