//! Drafts and submissions through the server functions the wizard calls: start, autosave
//! (stale saves refused), submit (only when complete and agreed), and the rule that someone
//! else's draft, submission or child answers exactly like one that does not exist.

mod common;

use common::{backends, browser, example_answers, flatten, location, Backend, TestApp};
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

fn e2_example() -> Value {
    example_answers(E2)
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
        let view = app.stored_draft(&draft).await;
        assert_eq!(view["version"], 1);
        assert_eq!(view["form"]["id"], E2);
        assert_eq!(view["child"]["id"], child.as_str());

        // Filled in step by step, as the page saves each one.
        let answers = e2_example();
        app.fill_in(&parent, &draft, &answers).await;
        let view = app.stored_draft(&draft).await;
        assert_eq!(view["answers"], answers, "{backend:?}");

        // Accept needs every box ticked.
        let unagreed = app.accept(&parent, &draft, &[0]).await;
        let problem = unagreed["Show"]["html"].as_str().unwrap();
        assert!(problem.contains("Tick each"), "{problem}");
        assert!(app.find_draft(&draft).await.is_some(), "nothing was sent");
        let submission = app.submit(&parent, &draft).await;
        let receipt = app.last_email_to(PARENT).await.expect("a receipt");
        assert!(receipt
            .subject
            .starts_with("We have received your form: EHC-"));
        // The receipt links to a copy to keep: a PDF whose text holds the answers, with the
        // reference and the date on every page.
        let copy = format!("/submissions/{submission}/copy.pdf");
        assert!(
            receipt.text.contains(&copy.replace('/', "%2F")) || receipt.text.contains(&copy),
            "{}",
            receipt.text
        );
        let (status, kind, pages) = app.copy(&parent, &copy).await;
        assert_eq!(
            (status, kind.as_str()),
            (StatusCode::OK, "application/pdf"),
            "{backend:?}"
        );
        let text = pages.join("\n");
        let reference = receipt.subject.rsplit(' ').next().unwrap().to_owned();
        assert!(
            text.contains("First name") && text.contains("Example answer"),
            "{text}"
        );
        for page in &pages {
            assert!(
                page.contains(&reference) && page.contains("Sent "),
                "{page}"
            );
        }
        app.new_citizen("stranger@example.org", "Stan Stranger")
            .await;
        let stranger = app.signed_in("stranger@example.org", PASSWORD).await;
        assert_eq!(app.copy(&stranger, &copy).await.0, StatusCode::NOT_FOUND);
        let anonymous = browser();
        let response = anonymous.get(app.url(&copy)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert!(location(&response).starts_with("/sign-in"));

        let (status, shown) = app
            .page(&parent, "forms/submission", &[("submission", &submission)])
            .await;
        assert_eq!(status, StatusCode::OK, "{shown}");
        assert!(shown.contains("First name"), "{shown}");
        assert!(shown.contains("Example answer"), "{shown}");
        assert!(
            !shown.contains(">Change<"),
            "a submitted form has no Change links"
        );
        assert!(shown.contains("EHC-"), "the reference is shown");

        // The draft is gone: it can be neither opened, saved nor submitted again.
        assert!(app.find_draft(&draft).await.is_none());
        let opened = parent
            .get(app.url(&format!("/drafts/{draft}/child-details")))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert_eq!(opened.status(), StatusCode::NOT_FOUND);
        for action in ["autosave", "accept"] {
            let step = if action == "accept" {
                "declaration"
            } else {
                "child-details"
            };
            let again = app
                .save_step(&parent, &draft, step, &[("__action", action)])
                .await;
            assert_eq!(again.status(), StatusCode::NOT_FOUND, "{action}");
        }
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
    let refused = app.accept(&parent, &draft, &[0, 1]).await;
    assert_eq!(refused["Show"]["focus"], "error-summary");
    let page = refused["Show"]["html"].as_str().unwrap();
    assert!(page.contains("Some answers are missing"), "{page}");
    assert!(app.find_draft(&draft).await.is_some(), "the draft stays");
    app.finish().await;
}

#[tokio::test]
async fn someone_elses_draft_or_child_answers_like_one_that_does_not_exist() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let parent = app.signed_in(PARENT, PASSWORD).await;
        let child = app.child_id("Ellie").await;
        let draft = start(&app, &parent, &child, E2).await;
        let before = app.stored_draft(&draft).await;
        let submitted = {
            let other = start(&app, &parent, &child, E2).await;
            app.fill_in(&parent, &other, &e2_example()).await;
            app.submit(&parent, &other).await
        };

        let stranger = app.signed_in("young.person@example.org", PASSWORD).await;
        let (foreign, foreign_page) = app
            .page(&stranger, "forms/submission", &[("submission", &submitted)])
            .await;
        let (absent, absent_page) = app
            .page(
                &stranger,
                "forms/submission",
                &[("submission", "no-such-submission")],
            )
            .await;
        assert_eq!(foreign, StatusCode::NOT_FOUND, "{backend:?}");
        assert_eq!(absent, StatusCode::NOT_FOUND, "{backend:?}");
        assert_eq!(
            foreign_page, absent_page,
            "a submission page: the same answer either way"
        );
        let foreign = app
            .call(&stranger, "forms/child", &[("child", &child)])
            .await;
        let absent = app
            .call(&stranger, "forms/child", &[("child", "no-such-child")])
            .await;
        assert_eq!(foreign.status(), StatusCode::NOT_FOUND, "{backend:?}");
        assert_eq!(absent.status(), StatusCode::NOT_FOUND, "{backend:?}");
        assert_eq!(
            foreign.text().await.unwrap(),
            absent.text().await.unwrap(),
            "forms/child: the same answer either way"
        );
        let open = |draft: String| {
            let stranger = stranger.clone();
            let url = app.url(&format!("/drafts/{draft}/child-details"));
            async move {
                let response = stranger
                    .get(url)
                    .header("accept", "text/html")
                    .send()
                    .await
                    .unwrap();
                (
                    response.status(),
                    common::blank_nonces(&response.text().await.unwrap()),
                )
            }
        };
        let (foreign, foreign_page) = open(draft.clone()).await;
        let (absent, absent_page) = open("no-such-draft".into()).await;
        assert_eq!(foreign, StatusCode::NOT_FOUND, "{backend:?}");
        assert_eq!(absent, StatusCode::NOT_FOUND, "{backend:?}");
        assert_eq!(
            foreign_page.replace(&draft, "no-such-draft"),
            absent_page,
            "a draft's page: the same answer either way"
        );
        for action in ["autosave", "continue"] {
            let theirs = app
                .save_step(
                    &stranger,
                    &draft,
                    "child-details",
                    &[("__action", action), ("child.0.first_name", "X")],
                )
                .await;
            assert_eq!(theirs.status(), StatusCode::NOT_FOUND, "{action}");
        }
        let accepted = app
            .save_step(&stranger, &draft, "declaration", &[("__action", "accept")])
            .await;
        assert_eq!(accepted.status(), StatusCode::NOT_FOUND);
        let start_for_other = app
            .call(&stranger, "forms/start", &[("child", &child), ("form", E2)])
            .await;
        assert_eq!(start_for_other.status(), StatusCode::NOT_FOUND);
        // The parent's draft is untouched.
        let view = app.stored_draft(&draft).await;
        assert_eq!(view, before, "{backend:?}");
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
        ] {
            assert_eq!(
                app.call(&client, endpoint, &form).await.status(),
                expected,
                "{endpoint}"
            );
        }
        for (step, action) in [("child-details", "autosave"), ("declaration", "accept")] {
            let saved = app
                .save_step(&client, "x", step, &[("__action", action)])
                .await;
            assert_eq!(saved.status(), expected, "{action}");
        }
        // A submission's page: signed out, sent to sign in; the SEN team, refused.
        let (status, body) = app
            .page(&client, "forms/submission", &[("submission", "x")])
            .await;
        let refused = if expected == StatusCode::UNAUTHORIZED {
            StatusCode::FOUND
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(status, refused, "forms/submission: {body}");
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
    app.post_form(client, &format!("/drafts/{draft}/steps/{step}"), pairs)
        .await
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
            format!("/drafts/{draft}/child-details#error-summary")
        );
        let view = app.stored_draft(&draft).await;
        assert_eq!(view["answers"]["child"][0]["first_name"], "Ellie");
        // The step opens again with its problems, once.
        let page = step_page(&app, &parent, &draft, "child-details").await;
        assert!(page.contains("There is a problem"), "{backend:?}");
        assert!(page.contains("value=\"Ellie\""), "what was typed is there");
        let again = step_page(&app, &parent, &draft, "child-details").await;
        assert!(!again.contains("There is a problem"));

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
        let view = app.stored_draft(&draft).await;
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
        let view = app.stored_draft(&draft).await;
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
        let complete: Vec<(String, String)> = flatten("child", 0, &answers["child"][0])
            .into_iter()
            .chain(flatten("background", 0, &answers["background"][0]))
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

/// One step of the wizard, as its page shows it (`step` empty: where the person left off).
async fn step_page(app: &TestApp, client: &reqwest::Client, draft: &str, step: &str) -> String {
    let path = if step.is_empty() {
        format!("/drafts/{draft}")
    } else {
        format!("/drafts/{draft}/{step}")
    };
    let response = client
        .get(app.url(&path))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

/// Posts a step the way the page's scripts do, and reads the `StepReply`.
async fn step_reply(
    app: &TestApp,
    client: &reqwest::Client,
    draft: &str,
    step: &str,
    fields: &[(&str, &str)],
) -> Value {
    app.save_step(client, draft, step, fields)
        .await
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_pages_scripts_save_steps_and_a_stale_page_is_told_not_overwritten() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let parent = app.signed_in(PARENT, PASSWORD).await;
        let child = app.child_id("Ellie").await;
        let draft = start(&app, &parent, &child, E2).await;
        let page = step_page(&app, &parent, &draft, "").await;
        assert!(
            page.contains(&format!("action=\"/drafts/{draft}/steps/child-details\"")),
            "opens where the person left off"
        );
        assert!(page.contains(r#"name="__version" value="1""#), "{page}");
        assert!(page.contains("<title>Step 1 of 8: "), "{page}");

        // Autosave from one tab.
        let saved: Value = step_reply(
            &app,
            &parent,
            &draft,
            "child-details",
            &[
                ("__version", "1"),
                ("__action", "autosave"),
                ("child.0.first_name", "Ellie"),
            ],
        )
        .await;
        assert_eq!(saved["Saved"]["version"], 2, "{backend:?}");
        // A second tab still on version 1: refused, shown both, nothing written.
        let stale: Value = step_reply(
            &app,
            &parent,
            &draft,
            "child-details",
            &[
                ("__version", "1"),
                ("__action", "autosave"),
                ("child.0.first_name", "Ellen"),
            ],
        )
        .await;
        assert_eq!(stale["Conflict"]["version"], 2, "{backend:?}");
        let banner = stale["Conflict"]["html"].as_str().unwrap();
        assert!(
            banner.contains("Ellen") && banner.contains("Ellie"),
            "{banner}"
        );
        assert!(banner.contains("Keep the answers here"));
        let view = app.stored_draft(&draft).await;
        assert_eq!(view["answers"]["child"][0]["first_name"], "Ellie");
        // Keeping theirs-over-mine: the page now names version 2 and its save goes through.
        let kept: Value = step_reply(
            &app,
            &parent,
            &draft,
            "child-details",
            &[
                ("__version", "2"),
                ("__action", "autosave"),
                ("child.0.first_name", "Ellen"),
            ],
        )
        .await;
        assert_eq!(kept["Saved"]["version"], 3);

        // Add More answers with the step again, focused on the new item.
        let shown: Value = step_reply(
            &app,
            &parent,
            &draft,
            "parent-carer-details",
            &[
                ("__version", "3"),
                ("__action", "add:parents_carers"),
                ("parents_carers.0.full_name", "Sam Taylor"),
            ],
        )
        .await;
        assert_eq!(shown["Show"]["focus"], "parents_carers-1");
        let html = shown["Show"]["html"].as_str().unwrap();
        assert!(html.contains("Parent or carer 2"), "{html}");
        assert!(html.contains("Sam Taylor"));
        // Continue with problems shows them; Previous moves.
        let checked: Value = step_reply(
            &app,
            &parent,
            &draft,
            "parent-carer-details",
            &[
                ("__version", "4"),
                ("__action", "continue"),
                ("parents_carers.0.full_name", "Sam Taylor"),
            ],
        )
        .await;
        assert_eq!(checked["Show"]["focus"], "error-summary");
        assert!(checked["Show"]["html"]
            .as_str()
            .unwrap()
            .contains("There is a problem"));
        let moved: Value = step_reply(
            &app,
            &parent,
            &draft,
            "parent-carer-details",
            &[("__version", "5"), ("__action", "previous")],
        )
        .await;
        assert_eq!(
            moved["Go"]["to"],
            format!("/drafts/{draft}/school-or-setting")
        );
        // Continue (from History) opens the step the person moved to.
        let resumed = step_page(&app, &parent, &draft, "").await;
        assert!(resumed.contains(&format!(
            "action=\"/drafts/{draft}/steps/school-or-setting\""
        )));

        // Ticking a box of the declaration saves nothing and sends nothing: only Accept does.
        let ticked: Value = step_reply(
            &app,
            &parent,
            &draft,
            "declaration",
            &[
                ("__version", "6"),
                ("__action", "autosave"),
                ("agreed[0]", "0"),
                ("agreed[1]", "1"),
            ],
        )
        .await;
        assert_eq!(ticked["Saved"]["version"], 6, "{backend:?}");
        assert!(app.find_draft(&draft).await.is_some());

        // Someone else: exactly like a draft that does not exist.
        let stranger = app.signed_in("young.person@example.org", PASSWORD).await;
        let foreign = app
            .save_step(&stranger, &draft, "child-details", &[("__version", "6")])
            .await;
        let missing = app
            .save_step(
                &stranger,
                "no-such-draft",
                "child-details",
                &[("__version", "6")],
            )
            .await;
        assert_eq!(foreign.status(), StatusCode::NOT_FOUND);
        assert_eq!(foreign.text().await.unwrap(), missing.text().await.unwrap());
        app.finish().await;
    }
}

const PDF: &[u8] =
    b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// Posts the supporting documents step with files, as the page's scripts do for an upload.
async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    draft: &str,
    version: i64,
    files: &[(&str, Vec<u8>)],
) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new()
        .text("__version", version.to_string())
        .text("__action", "upload:supporting_documents.0.documents");
    for (name, content) in files {
        form = form.part(
            "supporting_documents.0.documents",
            reqwest::multipart::Part::bytes(content.clone()).file_name(name.to_string()),
        );
    }
    client
        .post(app.url(&format!("/drafts/{draft}/steps/supporting-documents")))
        .header("origin", app.address.clone())
        .header("accept", "application/json")
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn files_are_typed_from_their_content_kept_to_their_people_and_downloaded_as_attachments() {
    for backend in backends() {
        let db = common::TestDb::new(backend).await;
        let app = TestApp::spawn_with(db, &[("PORTAL_MAX_UPLOAD_MB", "1")]).await;
        let parent = app.signed_in(PARENT, PASSWORD).await;
        let child = app.child_id("Ellie").await;
        let draft = start(&app, &parent, &child, E2).await;

        // Two files at once (as without JavaScript): both stored, both named in the answer.
        let reply: Value = upload(
            &app,
            &parent,
            &draft,
            1,
            &[("report.pdf", PDF.to_vec()), ("letter.pdf", PDF.to_vec())],
        )
        .await
        .json()
        .await
        .unwrap();
        let html = reply["Show"]["html"].as_str().unwrap();
        assert!(
            html.contains("report.pdf") && html.contains("letter.pdf"),
            "{backend:?} {html}"
        );
        let view = app.stored_draft(&draft).await;
        let ids = view["answers"]["supporting_documents"][0]["documents"]
            .as_array()
            .unwrap()
            .clone();
        assert_eq!(ids.len(), 2);
        let first = ids[0].as_str().unwrap().to_owned();

        // A program called .pdf, and a file over the limit: refused in words, nothing stored.
        let refused: Value = upload(
            &app,
            &parent,
            &draft,
            2,
            &[(
                "invoice.pdf",
                b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff".to_vec(),
            )],
        )
        .await
        .json()
        .await
        .unwrap();
        let html = refused["Show"]["html"].as_str().unwrap();
        assert!(html.contains("must be a PDF, a Word document"), "{html}");
        let mut big = PDF.to_vec();
        big.resize(1024 * 1024 + 1, b' ');
        let too_big: Value = upload(&app, &parent, &draft, 3, &[("scan.pdf", big)])
            .await
            .json()
            .await
            .unwrap();
        assert!(too_big["Show"]["html"]
            .as_str()
            .unwrap()
            .contains("larger than 1 MB"));
        let view = app.stored_draft(&draft).await;
        assert_eq!(view["files"].as_array().unwrap().len(), 2, "{backend:?}");

        // Downloaded as an attachment, with the type found in it, by the owner only.
        let file = parent
            .get(app.url(&format!("/files/{first}")))
            .send()
            .await
            .unwrap();
        assert_eq!(file.status(), StatusCode::OK);
        assert_eq!(file.headers()["content-type"], "application/pdf");
        assert!(file.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"report.pdf\""));
        assert_eq!(file.headers()["x-content-type-options"], "nosniff");
        assert_eq!(&file.bytes().await.unwrap()[..], PDF);
        let stranger = app.signed_in("young.person@example.org", PASSWORD).await;
        let foreign = stranger
            .get(app.url(&format!("/files/{first}")))
            .send()
            .await
            .unwrap();
        let missing = stranger
            .get(app.url("/files/no-such-file"))
            .send()
            .await
            .unwrap();
        assert_eq!(foreign.status(), StatusCode::NOT_FOUND);
        assert_eq!(foreign.text().await.unwrap(), missing.text().await.unwrap());
        assert_eq!(
            browser()
                .get(app.url(&format!("/files/{first}")))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::UNAUTHORIZED
        );

        // Remove takes a file off the answer and out of storage.
        let second = ids[1].as_str().unwrap().to_owned();
        let remove = format!("remove-file:{second}");
        let view = app.stored_draft(&draft).await;
        let version = view["version"].as_i64().unwrap().to_string();
        app.save_step(
            &parent,
            &draft,
            "supporting-documents",
            &[("__version", &version), ("__action", &remove)],
        )
        .await;
        let view = app.stored_draft(&draft).await;
        assert_eq!(view["files"].as_array().unwrap().len(), 1);
        assert_eq!(
            parent
                .get(app.url(&format!("/files/{second}")))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::NOT_FOUND
        );
        app.finish().await;
    }
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
    // Kept until the draft opens again (where signing in returns to).
    assert_eq!(app.stored_draft(&draft).await["version"], 1);
    step_page(&app, &later, &draft, "child-details").await;
    let view = app.stored_draft(&draft).await;
    assert_eq!(view["answers"]["child"][0]["first_name"], "Ellie");
    assert_eq!(view["answers"]["child"][0]["last_name"], "Taylor");
    assert_eq!(view["version"], 2);
    // Applied once only.
    step_page(&app, &later, &draft, "child-details").await;
    let again = app.stored_draft(&draft).await;
    assert_eq!(again["version"], 2);
    app.finish().await;
}

#[tokio::test]
async fn a_step_with_a_million_values_for_one_question_is_refused_and_nothing_is_saved() {
    const NAME: &str = "consent_to_share.0.share_with";
    const MILLION: usize = 1_000_000;
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let parent = app.signed_in(PARENT, PASSWORD).await;
        let child = app.child_id("Ellie").await;
        let draft = start(&app, &parent, &child, E2).await;
        let before = app.stored_draft(&draft).await;
        let started = std::time::Instant::now();

        // Without JavaScript: a plain form post. Each value different, as an attack sends
        // them: every one a new option to compare with those before.
        let body = (0..MILLION).fold(String::from("__action=continue"), |mut body, i| {
            body.push_str(&format!("&{NAME}=v{i}"));
            body
        });
        let response = parent
            .post(app.url(&format!("/drafts/{draft}/steps/consent")))
            .header("origin", app.address.clone())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("an answer, not a dropped connection");
        assert_eq!(
            response.status(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "{backend:?}"
        );
        let page = response.text().await.unwrap();
        assert!(page.contains("Nothing was saved"), "{backend:?} {page}");

        // The same as multipart (the form that can carry files), counted as it arrives.
        let mut form = reqwest::multipart::Form::new().text("__action", "continue");
        for i in 0..=app::formdef::answers::MAX_STEP_PAIRS {
            form = form.text(NAME, format!("v{i}"));
        }
        let response = parent
            .post(app.url(&format!("/drafts/{draft}/steps/consent")))
            .header("origin", app.address.clone())
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "{backend:?}"
        );

        // From the page's scripts: the `save_step` server function. A million values are
        // over the limit of any server function's body; tens of thousands are not, and reach
        // the step's own limits.
        let values: Vec<String> = (0..MILLION).map(|i| format!("v{i}")).collect();
        for count in [MILLION, 30_000] {
            let fields: Vec<(&str, &str)> =
                values[..count].iter().map(|v| (NAME, v.as_str())).collect();
            let response = app.save_step(&parent, &draft, "consent", &fields).await;
            assert_eq!(
                response.status(),
                StatusCode::PAYLOAD_TOO_LARGE,
                "{backend:?} {count}"
            );
            let error: Value = response.json().await.unwrap();
            assert!(
                error["TooLarge"]
                    .as_str()
                    .is_some_and(|m| m.to_lowercase().contains("nothing was saved")),
                "{backend:?} {count} {error}"
            );
        }
        // Quickly, not after the request's time limit.
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "{backend:?} took {:?}",
            started.elapsed()
        );

        let after = app.stored_draft(&draft).await;
        assert_eq!(after["version"], before["version"], "{backend:?}");
        assert_eq!(after["answers"], before["answers"], "{backend:?}");

        // A question's own options, each ticked (twice, even), are still saved.
        let response = post_step(
            &app,
            &parent,
            &draft,
            "consent",
            &[
                ("__action", "autosave"),
                (NAME, "education"),
                (NAME, "health"),
                (NAME, "education"),
            ],
        )
        .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{backend:?}");
        let saved = app.stored_draft(&draft).await;
        assert_eq!(
            saved["answers"]["consent_to_share"][0]["share_with"],
            json!(["education", "health"]),
            "{backend:?}"
        );
        app.finish().await;
    }
}

/// A submission for `child` by `by` with one attached file; returns (submission id, file id).
async fn submission_with_file(app: &TestApp, child: i64, by: i64, name: &str) -> (String, String) {
    let pool = app.state.db.pool();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO submissions (public_id, reference, child_id, submitted_by, form_id, form_version, \
         title, answers, submitted_at) VALUES ($1, $2, $3, $4, 'parent-carer-views', 1, $5, '{}', 1) RETURNING id",
    )
    .bind(format!("sub-{name}"))
    .bind(format!("EHC-TEST-{name}"))
    .bind(child)
    .bind(by)
    .bind(format!("Form by {name}"))
    .fetch_one(pool)
    .await
    .unwrap();
    let key = app
        .state
        .storage
        .put(bytes::Bytes::from_static(b"%PDF-1.4 report"))
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO attachments (public_id, submission_id, child_id, uploaded_by, answer_path, file_name, \
         content_type, size_bytes, storage_key, created_at) \
         VALUES ($1, $2, $3, $4, 'reports.0.files', 'report.pdf', 'application/pdf', 15, $5, 1)",
    )
    .bind(format!("file-{name}"))
    .bind(id)
    .bind(child)
    .bind(by)
    .bind(&key)
    .execute(pool)
    .await
    .unwrap();
    (format!("sub-{name}"), format!("file-{name}"))
}

#[tokio::test]
async fn a_linked_professional_reads_only_what_they_sent_not_the_familys_forms() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let (ellie,): (i64,) = sqlx::query_as("SELECT id FROM children WHERE first_name = 'Ellie'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
        let ellie_public = app.child_id("Ellie").await;
        let parent_id = app.user_id(PARENT).await;
        let senco_id = app.user_id("senco@example.org").await;
        let (family_form, family_file) =
            submission_with_file(&app, ellie, parent_id, "family").await;
        let (school_form, school_file) =
            submission_with_file(&app, ellie, senco_id, "school").await;
        let parent = app.signed_in(PARENT, PASSWORD).await;
        let senco = app.signed_in("senco@example.org", PASSWORD).await;

        let read = |client: &reqwest::Client, id: &str| {
            let client = client.clone();
            let id = id.to_owned();
            let app = &app;
            async move {
                app.page(&client, "forms/submission", &[("submission", &id)])
                    .await
                    .0
            }
        };
        let download = |client: &reqwest::Client, id: &str| {
            let client = client.clone();
            let url = app.url(&format!("/files/{id}"));
            async move { client.get(url).send().await.unwrap().status() }
        };
        // The family reads both; the SENCo, linked to Ellie, only what the school sent.
        assert_eq!(
            read(&parent, &family_form).await,
            StatusCode::OK,
            "{backend:?}"
        );
        assert_eq!(
            read(&parent, &school_form).await,
            StatusCode::OK,
            "{backend:?}"
        );
        assert_eq!(
            read(&senco, &school_form).await,
            StatusCode::OK,
            "{backend:?}"
        );
        let missing = read(&senco, "sub-no-such").await;
        assert_eq!(
            read(&senco, &family_form).await,
            missing,
            "{backend:?}: like a missing one"
        );
        assert_eq!(
            download(&parent, &family_file).await,
            StatusCode::OK,
            "{backend:?}"
        );
        assert_eq!(
            download(&senco, &school_file).await,
            StatusCode::OK,
            "{backend:?}"
        );
        assert_eq!(
            download(&senco, &family_file).await,
            StatusCode::NOT_FOUND,
            "{backend:?}"
        );
        let history: Value = app
            .call(&senco, "forms/child", &[("child", &ellie_public)])
            .await
            .json()
            .await
            .unwrap();
        let titles: Vec<&str> = history["submitted"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["title"].as_str().unwrap())
            .collect();
        assert_eq!(titles, ["Form by school"], "{backend:?}");
        app.finish().await;
    }
}

#[tokio::test]
async fn a_drafts_files_stop_opening_when_its_owner_is_no_longer_linked() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let parent = app.signed_in(PARENT, PASSWORD).await;
        let child = app.child_id("Ellie").await;
        let draft = start(&app, &parent, &child, E2).await;
        let (draft_id, child_id): (i64, i64) =
            sqlx::query_as("SELECT id, child_id FROM drafts WHERE public_id = $1")
                .bind(&draft)
                .fetch_one(app.state.db.pool())
                .await
                .unwrap();
        let key = app
            .state
            .storage
            .put(bytes::Bytes::from_static(b"%PDF-1.4 draft"))
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO attachments (public_id, draft_id, child_id, uploaded_by, answer_path, file_name, \
             content_type, size_bytes, storage_key, created_at) \
             VALUES ('draft-file', $1, $2, $3, 'reports.0.files', 'report.pdf', 'application/pdf', 14, $4, 1)",
        )
        .bind(draft_id)
        .bind(child_id)
        .bind(app.user_id(PARENT).await)
        .bind(&key)
        .execute(app.state.db.pool())
        .await
        .unwrap();
        let download = || async {
            parent
                .get(app.url("/files/draft-file"))
                .send()
                .await
                .unwrap()
                .status()
        };
        assert_eq!(download().await, StatusCode::OK, "{backend:?}");
        sqlx::query("DELETE FROM child_links WHERE child_id = $1 AND user_id = $2")
            .bind(child_id)
            .bind(app.user_id(PARENT).await)
            .execute(app.state.db.pool())
            .await
            .unwrap();
        assert_eq!(download().await, StatusCode::NOT_FOUND, "{backend:?}");
        app.finish().await;
    }
}
