//! The SEN team's dashboard and case pages: every staff server function and post refusing
//! parents and professionals, linking by email (an account at once, an unknown address by an
//! invitation), form requests, review with accept and reject (a new draft with the old answers
//! and files), the statutory clock's deadlines, concurrent edits and the case's audit timeline.

mod common;

use app::{
    formdef::answers::Answer,
    forms::store,
    status::{
        store::today,
        timeline::{add_days, Stage},
    },
};
use common::{backends, browser, link_in, location, token_of, TestApp};
use reqwest::StatusCode;

const PASSWORD: &str = "demo-portal-2026";
const CASEWORKER: &str = "caseworker@example.org";
const ADMIN: &str = "admin@example.org";
const PARENT_VIEWS: &str = "parent-carer-views";

/// The case's version, from a form on its page.
fn version_in(html: &str) -> String {
    let at = html
        .find("name=\"version\" value=\"")
        .expect("a version field")
        + 22;
    html[at..].split('"').next().unwrap().to_owned()
}

fn date_fields(prefix: &str, date: app::values::Date) -> Vec<(String, String)> {
    vec![
        (format!("{prefix}-day"), date.day.to_string()),
        (format!("{prefix}-month"), date.month.to_string()),
        (format!("{prefix}-year"), date.year.to_string()),
    ]
}

impl TestApp {
    async fn case_html(&self, staff: &reqwest::Client, child: &str) -> String {
        let (status, html) = self.page(staff, "staff/case", &[("child", child)]).await;
        assert_eq!(status, StatusCode::OK, "{html}");
        html
    }

    /// Posts one of the case page's forms with the page's current version; answers where it
    /// redirected to.
    async fn case_post(
        &self,
        staff: &reqwest::Client,
        child: &str,
        action: &str,
        fields: &[(String, String)],
    ) -> String {
        let version = version_in(&self.case_html(staff, child).await);
        self.case_post_at(staff, child, action, &version, fields)
            .await
    }

    async fn case_post_at(
        &self,
        staff: &reqwest::Client,
        child: &str,
        action: &str,
        version: &str,
        fields: &[(String, String)],
    ) -> String {
        let mut form: Vec<(&str, &str)> = vec![("version", version)];
        form.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let response = self
            .post_form(staff, &format!("/staff/cases/{child}/{action}"), &form)
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{action}");
        location(&response)
    }

    /// Link someone by email, from the case page as it is now.
    async fn link(&self, staff: &reqwest::Client, child: &str, email: &str, relationship: &str) {
        self.case_post(
            staff,
            child,
            "link",
            &[
                ("email".into(), email.into()),
                ("relationship".into(), relationship.into()),
            ],
        )
        .await;
    }

    /// A new case added by the SEN team: the child's public id.
    async fn new_case(&self, staff: &reqwest::Client, first: &str, last: &str) -> String {
        let response = self
            .post_form(
                staff,
                "/staff/cases",
                &[
                    ("first_name", first),
                    ("last_name", last),
                    ("day", "9"),
                    ("month", "4"),
                    ("year", "2018"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        location(&response)
            .strip_prefix("/staff/cases/")
            .expect("to the new case")
            .to_owned()
    }

    /// The dashboard's HTML for these filters.
    async fn cases(
        &self,
        staff: &reqwest::Client,
        q: &str,
        due: &str,
        caseworker: &str,
        page: &str,
    ) -> String {
        let (status, html) = self
            .page(
                staff,
                "staff/dashboard",
                &[
                    ("stage", ""),
                    ("caseworker", caseworker),
                    ("due", due),
                    ("q", q),
                    ("page", page),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{html}");
        cases_part(&html)
    }

    async fn child_row(&self, public_id: &str) -> i64 {
        let (id,): (i64,) = sqlx::query_as("SELECT id FROM children WHERE public_id = $1")
            .bind(public_id)
            .fetch_one(self.state.db.pool())
            .await
            .unwrap();
        id
    }

    async fn is_linked(&self, child: i64, user: i64) -> bool {
        app::people::store::relationship_to(self.state.db.pool(), child, user)
            .await
            .unwrap()
            .is_some()
    }

    /// The case's stored stage and next deadline.
    async fn clock(&self, child: i64) -> (String, Option<String>) {
        sqlx::query_as("SELECT stage, next_deadline FROM cases WHERE child_id = $1")
            .bind(child)
            .fetch_one(self.state.db.pool())
            .await
            .unwrap()
    }

    /// A Parent/Carer Views submission for the child from `user`, with one file attached:
    /// (submission public id, file id).
    async fn submitted_views(&self, child: i64, user: i64, strengths: &str) -> (String, String) {
        let form = self.state.forms.latest(PARENT_VIEWS).unwrap();
        let mut answers = app::formdef::answers::Answers::default();
        answers.set(
            "about_child",
            0,
            "strengths",
            Answer::Text(strengths.into()),
        );
        let draft_id = store::insert_draft(
            self.state.db.pool(),
            child,
            user,
            &form.id,
            form.version,
            &form.steps[0].id,
            &answers,
        )
        .await
        .unwrap();
        let draft = store::find_draft_for_user(self.state.db.pool(), user, &draft_id)
            .await
            .unwrap()
            .unwrap();
        let file = app::forms::files::store_file(
            &self.state,
            &draft,
            user,
            "supporting_documents.0.documents",
            "diary.pdf",
            app::demo::demo_pdf("A week in the life").into(),
        )
        .await
        .unwrap();
        answers.set(
            "supporting_documents",
            0,
            "documents",
            Answer::Many(vec![file.id.clone()]),
        );
        let draft = match store::save_answers(
            &mut self.state.db.pool().acquire().await.unwrap(),
            &draft,
            draft.version,
            &answers,
            "about-you",
        )
        .await
        .unwrap()
        {
            store::Saved::Saved { version, .. } => store::Draft {
                version,
                answers,
                ..draft
            },
            store::Saved::Stale(_) => panic!("stale"),
        };
        let mut tx = self.state.db.pool().begin().await.unwrap();
        let (submission, _) = store::submit_draft(&mut tx, &draft, &form.title)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        (submission, file.id)
    }
}

/// The dashboard from its filters on: the list of cases and its pages, without the panels above
/// it (replies to read, overdue requests), which name cases of their own.
fn cases_part(html: &str) -> String {
    let at = html
        .find("<form method=\"get\" action=\"/staff\"")
        .expect("the dashboard's filters");
    html[at..].to_owned()
}

#[tokio::test]
async fn every_staff_page_and_post_refuses_parents_and_professionals() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let ellie = app.child_id("Ellie").await;
        let staff = app.signed_in(CASEWORKER, PASSWORD).await;
        let (submission, _) = app
            .submitted_views(
                app.child_row(&ellie).await,
                app.user_id("parent@example.org").await,
                "Kind",
            )
            .await;
        let pages: [(&str, Vec<(&str, &str)>); 4] = [
            (
                "staff/dashboard",
                vec![
                    ("stage", ""),
                    ("caseworker", ""),
                    ("due", ""),
                    ("q", ""),
                    ("page", ""),
                ],
            ),
            ("staff/case", vec![("child", ellie.as_str())]),
            (
                "staff/submission",
                vec![
                    ("child", ellie.as_str()),
                    ("submission", submission.as_str()),
                ],
            ),
            ("staff/new-case", vec![]),
        ];
        let version = version_in(&app.case_html(&staff, &ellie).await);
        for email in ["parent@example.org", "senco@example.org"] {
            let other = app.signed_in(email, PASSWORD).await;
            for (endpoint, args) in &pages {
                let (status, _) = app.page(&other, endpoint, args).await;
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{backend:?} {email} {endpoint}"
                );
            }
            for action in [
                "assign",
                "link",
                "verify",
                "unlink",
                "request",
                "stage",
                "advice",
                "ask-advice",
                "accept",
                "reject",
            ] {
                let response = app
                    .post_form(
                        &other,
                        &format!("/staff/cases/{ellie}/{action}"),
                        &[
                            ("version", &version),
                            ("email", email),
                            ("relationship", "parent_carer"),
                            ("submission", &submission),
                        ],
                    )
                    .await;
                assert_eq!(
                    response.status(),
                    StatusCode::FORBIDDEN,
                    "{backend:?} {email} {action}"
                );
            }
            let share = other
                .post(app.url(&format!("/staff/cases/{ellie}/documents")))
                .header("origin", app.address.clone())
                .multipart(
                    reqwest::multipart::Form::new()
                        .text("version", version.clone())
                        .text("kind", "letter")
                        .text("title", "Not theirs")
                        .text("body", "x"),
                )
                .send()
                .await
                .unwrap();
            assert_eq!(share.status(), StatusCode::FORBIDDEN, "{backend:?} {email}");
            let add = app
                .post_form(
                    &other,
                    "/staff/cases",
                    &[
                        ("first_name", "A"),
                        ("last_name", "B"),
                        ("day", "1"),
                        ("month", "1"),
                        ("year", "2018"),
                    ],
                )
                .await;
            assert_eq!(add.status(), StatusCode::FORBIDDEN, "{backend:?} {email}");
        }
        // Nothing changed: the version is the same, and nobody was linked or shared.
        assert_eq!(version_in(&app.case_html(&staff, &ellie).await), version);
        // Signed out: sent to sign in, coming back to the case.
        let response = app
            .post_form(
                &browser(),
                &format!("/staff/cases/{ellie}/assign"),
                &[("version", &version)],
            )
            .await;
        assert!(location(&response).starts_with("/sign-in?return=/staff/cases/"));
        // Both staff roles get in.
        let admin = app.signed_in(ADMIN, PASSWORD).await;
        for client in [&staff, &admin] {
            for (endpoint, args) in &pages {
                let (status, _) = app.page(client, endpoint, args).await;
                assert_eq!(status, StatusCode::OK, "{backend:?} {endpoint}");
            }
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn linking_by_email_links_an_account_at_once_and_invites_an_unknown_address() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let staff = app.signed_in(CASEWORKER, PASSWORD).await;
        let child = app.new_case(&staff, "Ruby", "Lee").await;
        let row = app.child_row(&child).await;
        let robin = app.new_citizen("robin@example.org", "Robin Lee").await;

        // A mistyped address, or the wrong kind of link, is refused and what was typed kept.
        app.link(&staff, &child, "robin@", "parent_carer").await;
        let html = app.case_html(&staff, &child).await;
        assert!(
            html.contains("Enter an email address in the correct format"),
            "{backend:?}"
        );
        assert!(html.contains("value=\"robin@\""), "the address is kept");
        app.link(&staff, &child, "Robin@Example.org", "professional")
            .await;
        assert!(app
            .case_html(&staff, &child)
            .await
            .contains("belongs to a parent"));
        assert!(!app.is_linked(row, robin).await);

        // An existing account: linked (and confirmed) at once, and told.
        app.link(&staff, &child, "Robin@Example.org", "parent_carer")
            .await;
        assert!(app.is_linked(row, robin).await, "{backend:?}");
        let html = app.case_html(&staff, &child).await;
        assert!(html.contains("Robin Lee is now linked to Ruby and has been told"));
        assert!(!html.contains("Not confirmed"));
        let told = app.last_email_to("robin@example.org").await.unwrap();
        assert_eq!(told.subject, "New message about Ruby in the SEND portal");
        let parent = app.signed_in("robin@example.org", PASSWORD).await;
        let (_, inbox) = app.page(&parent, "messages/inbox", &[]).await;
        assert!(
            inbox.contains("Ruby has been added to your SEND area"),
            "{inbox}"
        );

        // An unknown address: an invitation to register; the link is made on confirming.
        let invited = "new.carer@example.org";
        app.link(&staff, &child, invited, "parent_carer").await;
        let html = app.case_html(&staff, &child).await;
        assert!(html.contains("invitation to register"), "{backend:?}");
        assert!(html.contains(invited), "the invitation is listed");
        let invitation = app.last_email_to(invited).await.expect("an invitation");
        assert!(invitation.text.contains("/register"), "{}", invitation.text);
        let newcomer = browser();
        let registered = app
            .call(
                &newcomer,
                "auth/register",
                &[
                    ("full_name", "Alex Carer"),
                    ("email", invited),
                    ("password", "kettle orbit lantern"),
                    ("secret_question", "What was the name of your first pet?"),
                    ("secret_answer", "Biscuit"),
                ],
            )
            .await;
        assert!(registered.status().is_success());
        let alex = app.user_id(invited).await;
        assert!(
            !app.is_linked(row, alex).await,
            "not before the address is confirmed"
        );
        let mail = app.last_email_to(invited).await.unwrap();
        let token = token_of(&link_in(&mail.text, "/register/confirm?token="));
        assert!(app
            .call(&newcomer, "auth/confirm-email", &[("token", &token)])
            .await
            .status()
            .is_success());
        assert!(
            app.is_linked(row, alex).await,
            "{backend:?}: linked on confirming"
        );
        let html = app.case_html(&staff, &child).await;
        assert!(html.contains("Alex Carer"));
        assert!(!html.contains("Invited to register, not yet linked"));

        // Add Person links are unconfirmed until the SEN team confirms them; unlinking ends
        // the link.
        let parent_id = app.user_id("parent@example.org").await;
        let added: (String,) = {
            let parent = app.signed_in("parent@example.org", PASSWORD).await;
            let response = app
                .post_form(
                    &parent,
                    "/send/people",
                    &[
                        ("who", "child"),
                        ("first_name", "Noah"),
                        ("last_name", "Taylor"),
                        ("day", "3"),
                        ("month", "3"),
                        ("year", "2019"),
                    ],
                )
                .await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER);
            sqlx::query_as("SELECT public_id FROM children WHERE first_name = 'Noah'")
                .fetch_one(app.state.db.pool())
                .await
                .unwrap()
        };
        let noah = added.0;
        assert!(
            app.case_html(&staff, &noah).await.contains("Not confirmed"),
            "{backend:?}"
        );
        app.case_post(
            &staff,
            &noah,
            "verify",
            &[("user".into(), parent_id.to_string())],
        )
        .await;
        assert!(!app.case_html(&staff, &noah).await.contains("Not confirmed"));
        app.case_post(
            &staff,
            &noah,
            "unlink",
            &[("user".into(), parent_id.to_string())],
        )
        .await;
        assert!(!app.is_linked(app.child_row(&noah).await, parent_id).await);

        // Every change is in the case's timeline, naming who did it.
        let html = app.case_html(&staff, &child).await;
        for what in [
            "Added the case",
            "Linked a person to the child",
            "Invited someone to register",
            "Registered from an invitation and was linked",
        ] {
            assert!(html.contains(what), "{backend:?}: {what}");
        }
        assert!(html.contains("Chris Walker"));
        app.finish().await;
    }
}

#[tokio::test]
async fn a_request_then_reject_reopens_a_draft_with_the_old_answers_and_accept_closes_it() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let staff = app.signed_in(CASEWORKER, PASSWORD).await;
        let child = app.new_case(&staff, "Ruby", "Lee").await;
        let row = app.child_row(&child).await;
        let robin = app.new_citizen("robin@example.org", "Robin Lee").await;
        app.link(&staff, &child, "robin@example.org", "parent_carer")
            .await;

        // The request: a past due date is refused; then a message and an email with the date.
        let mut fields = vec![
            ("form".to_owned(), PARENT_VIEWS.to_owned()),
            ("recipient".to_owned(), robin.to_string()),
            ("note".to_owned(), "Tell us about Ruby at home.".to_owned()),
        ];
        let mut past = fields.clone();
        past.extend(date_fields("due", add_days(today(), -1)));
        app.case_post(&staff, &child, "request", &past).await;
        assert!(app
            .case_html(&staff, &child)
            .await
            .contains("must be today or later"));
        let due = add_days(today(), 10);
        fields.extend(date_fields("due", due));
        app.case_post(&staff, &child, "request", &fields).await;
        let email = app.last_email_to("robin@example.org").await.unwrap();
        assert!(
            email.subject.contains(&due.long()),
            "{backend:?}: {}",
            email.subject
        );
        let html = app.case_html(&staff, &child).await;
        assert!(html.contains(&format!("from Robin Lee, by {}", due.long())));
        let dashboard = app.cases(&staff, "Ruby Lee", "", "", "1").await;
        assert!(dashboard.contains("Ruby Lee"));

        // Robin sends it; the case shows it awaiting review, and it is no longer outstanding.
        let (submission, file) = app.submitted_views(row, robin, "Kind and funny").await;
        let html = app.case_html(&staff, &child).await;
        assert!(html.contains("Awaiting review"), "{backend:?}");
        assert!(html.contains("answered"));
        let awaiting = app.cases(&staff, "", "awaiting", "", "1").await;
        assert!(awaiting.contains("Ruby Lee"), "{backend:?}");

        // The review page shows the answers and the file, which the SEN team can download.
        let (status, review) = app
            .page(
                &staff,
                "staff/submission",
                &[("child", &child), ("submission", &submission)],
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(review.contains("Kind and funny"));
        assert!(review.contains("diary.pdf"));
        let download = staff
            .get(app.url(&format!("/files/{file}")))
            .send()
            .await
            .unwrap();
        assert_eq!(download.status(), StatusCode::OK, "{backend:?}");

        // Rejecting needs a reason.
        let version = version_in(&review);
        let mut reject = vec![
            ("submission".to_owned(), submission.clone()),
            ("reason".to_owned(), " ".to_owned()),
        ];
        reject.extend(date_fields("due", add_days(today(), 7)));
        let back = app
            .case_post_at(&staff, &child, "reject", &version, &reject)
            .await;
        assert_eq!(
            back,
            format!("/staff/cases/{child}/submissions/{submission}")
        );
        let (_, review) = app
            .page(
                &staff,
                "staff/submission",
                &[("child", &child), ("submission", &submission)],
            )
            .await;
        assert!(review.contains("Say what needs changing"), "{backend:?}");
        reject[1].1 = "Please add what helps Ruby sleep.".into();
        app.case_post_at(&staff, &child, "reject", &version_in(&review), &reject)
            .await;

        // Robin has a message with the reason, and a new draft with every old answer and the
        // file (a copy under a new id); the rejected submission stays in the history.
        let parent = app.signed_in("robin@example.org", PASSWORD).await;
        let (_, inbox) = app.page(&parent, "messages/inbox", &[]).await;
        assert!(
            inbox.contains("Please change and send again"),
            "{backend:?}"
        );
        let drafts = store::drafts_for_child(app.state.db.pool(), row, robin)
            .await
            .unwrap();
        assert_eq!(drafts.len(), 1, "{backend:?}");
        let draft = &drafts[0];
        assert_eq!(
            draft.answers.get("about_child", 0, "strengths"),
            Some(&Answer::Text("Kind and funny".into()))
        );
        let Some(Answer::Many(files)) = draft.answers.get("supporting_documents", 0, "documents")
        else {
            panic!("the file answer is kept")
        };
        assert_eq!(files.len(), 1);
        assert_ne!(files[0], file);
        let copy = parent
            .get(app.url(&format!("/files/{}", files[0])))
            .send()
            .await
            .unwrap();
        assert_eq!(copy.status(), StatusCode::OK, "the draft's copy is Robin's");
        let history = store::submissions_for_child(app.state.db.pool(), row)
            .await
            .unwrap();
        assert_eq!(history.len(), 1);
        let html = app.case_html(&staff, &child).await;
        assert!(html.contains("Sent back"));
        assert!(html.contains("Sent a form back to be changed"));
        // Sent back: the request is outstanding again.
        assert!(!html.contains("answered"), "{backend:?}");

        // Robin sends it again; the SEN team accepts; both stay in the history.
        let (second, _) = app
            .submitted_views(row, robin, "Kind, funny, sleeps with a night light")
            .await;
        let (_, review) = app
            .page(
                &staff,
                "staff/submission",
                &[("child", &child), ("submission", &second)],
            )
            .await;
        app.case_post_at(
            &staff,
            &child,
            "accept",
            &version_in(&review),
            &[("submission".into(), second.clone())],
        )
        .await;
        let html = app.case_html(&staff, &child).await;
        assert!(html.contains("Accepted"), "{backend:?}");
        assert!(html.contains("Sent back"));
        assert_eq!(
            store::submissions_for_child(app.state.db.pool(), row)
                .await
                .unwrap()
                .len(),
            2
        );
        // Reviewed once only.
        app.case_post(
            &staff,
            &child,
            "accept",
            &[("submission".into(), second.clone())],
        )
        .await;
        let (_, review) = app
            .page(
                &staff,
                "staff/submission",
                &[("child", &child), ("submission", &second)],
            )
            .await;
        assert!(review.contains("Accepted by Chris Walker"));
        app.finish().await;
    }
}

#[tokio::test]
async fn the_clock_gives_each_stage_its_deadline_and_a_no_ends_the_case() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let staff = app.signed_in(CASEWORKER, PASSWORD).await;
        let child = app.new_case(&staff, "Ruby", "Lee").await;
        let row = app.child_row(&child).await;
        assert_eq!(app.clock(row).await, ("not_started".into(), None));

        let requested = add_days(today(), -70);
        let record = |stage: Stage, on, decision: Option<&str>, reason: &str| {
            let mut fields = vec![
                ("stage".to_owned(), stage.as_str().to_owned()),
                ("reason".to_owned(), reason.to_owned()),
            ];
            fields.extend(date_fields("on", on));
            if let Some(d) = decision {
                fields.push(("decision".into(), d.into()));
            }
            fields
        };
        // A date in the future, or a stage out of turn, is refused.
        app.case_post(
            &staff,
            &child,
            "stage",
            &record(Stage::RequestReceived, add_days(today(), 1), None, ""),
        )
        .await;
        assert!(app
            .case_html(&staff, &child)
            .await
            .contains("must be today or earlier"));
        app.case_post(
            &staff,
            &child,
            "stage",
            &record(Stage::DecisionToAssess, today(), Some("yes"), ""),
        )
        .await;
        assert!(app
            .case_html(&staff, &child)
            .await
            .contains("The next stage to record is"));
        assert_eq!(app.clock(row).await.0, "not_started");

        // Week 0, ten weeks ago: the decision to assess (week 6) is overdue.
        app.case_post(
            &staff,
            &child,
            "stage",
            &record(Stage::RequestReceived, requested, None, ""),
        )
        .await;
        assert_eq!(
            app.clock(row).await,
            (
                "decision_to_assess".into(),
                Some(add_days(requested, 42).iso())
            ),
            "{backend:?}"
        );
        let overdue = app.cases(&staff, "", "overdue", "", "1").await;
        assert!(overdue.contains("Ruby Lee"), "{backend:?}");
        assert!(overdue.contains("28 days overdue"));

        // A decision needs its answer.
        app.case_post(
            &staff,
            &child,
            "stage",
            &record(Stage::DecisionToAssess, add_days(requested, 40), None, ""),
        )
        .await;
        assert!(app
            .case_html(&staff, &child)
            .await
            .contains("Choose what was decided"));
        app.case_post(
            &staff,
            &child,
            "stage",
            &record(
                Stage::DecisionToAssess,
                add_days(requested, 40),
                Some("yes"),
                "",
            ),
        )
        .await;
        assert_eq!(
            app.clock(row).await,
            (
                "advice_gathering".into(),
                Some(add_days(requested, 84).iso())
            )
        );
        // Advice asked for on day 41: due 6 weeks later, before week 12.
        let mut advice = date_fields("advice", add_days(requested, 41));
        app.case_post(&staff, &child, "advice", &advice).await;
        assert_eq!(
            app.clock(row).await.1,
            Some(add_days(requested, 83).iso()),
            "{backend:?}"
        );
        advice = date_fields("advice", add_days(requested, 50));
        app.case_post(&staff, &child, "advice", &advice).await;
        assert_eq!(
            app.clock(row).await.1,
            Some(add_days(requested, 84).iso()),
            "week 12 stands"
        );
        app.case_post(
            &staff,
            &child,
            "stage",
            &record(Stage::AdviceGathering, add_days(requested, 60), None, ""),
        )
        .await;
        assert_eq!(
            app.clock(row).await,
            (
                "decision_to_issue".into(),
                Some(add_days(requested, 112).iso())
            )
        );

        // Not to issue a plan: the reason is needed, the case ends and leaves the dashboard,
        // and the family's status page says why.
        app.case_post(
            &staff,
            &child,
            "stage",
            &record(Stage::DecisionToIssue, today(), Some("no"), ""),
        )
        .await;
        assert!(app
            .case_html(&staff, &child)
            .await
            .contains("Give the reason for the decision"));
        app.case_post(
            &staff,
            &child,
            "stage",
            &record(
                Stage::DecisionToIssue,
                today(),
                Some("no"),
                "Needs are met by the school's own support.",
            ),
        )
        .await;
        assert_eq!(
            app.clock(row).await,
            ("stopped".into(), None),
            "{backend:?}"
        );
        let all = app.cases(&staff, "Ruby", "", "", "1").await;
        assert!(all.contains("No open cases match"), "{backend:?}");
        let robin = app.new_citizen("robin@example.org", "Robin Lee").await;
        app.link(&staff, &child, "robin@example.org", "parent_carer")
            .await;
        assert!(app.is_linked(row, robin).await);
        let parent = app.signed_in("robin@example.org", PASSWORD).await;
        let (status, page) = app
            .page(&parent, "status/child", &[("child", &child)])
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(
            page.contains("decided not to issue an EHC plan"),
            "{backend:?}"
        );
        assert!(page.contains("Needs are met by the school"));
        assert!(
            !page.contains("portal-stage--overdue"),
            "nothing is overdue once it has ended"
        );
        assert!(!page.contains("Next:"));
        assert!(page.contains("the assessment stopped there"));

        // The demo: Ellie's draft plan was issued, so the final plan (week 20) is next.
        let ellie = app.child_row(&app.child_id("Ellie").await).await;
        assert_eq!(app.clock(ellie).await.0, "final_plan");
        app.finish().await;
    }
}

#[tokio::test]
async fn a_second_caseworker_working_from_an_old_page_is_told_and_changes_nothing() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let chris = app.signed_in(CASEWORKER, PASSWORD).await;
        let admin = app.signed_in(ADMIN, PASSWORD).await;
        let child = app.new_case(&chris, "Ruby", "Lee").await;
        let row = app.child_row(&child).await;
        app.new_citizen("robin@example.org", "Robin Lee").await;
        // Both open the case.
        let seen_by_chris = version_in(&app.case_html(&chris, &child).await);
        let seen_by_admin = version_in(&app.case_html(&admin, &child).await);
        assert_eq!(seen_by_chris, seen_by_admin);
        let chris_id = app.user_id(CASEWORKER).await;

        // Chris assigns it to himself; the administrator then links someone from the old page.
        app.case_post_at(
            &chris,
            &child,
            "assign",
            &seen_by_chris,
            &[("caseworker".into(), chris_id.to_string())],
        )
        .await;
        app.case_post_at(
            &admin,
            &child,
            "link",
            &seen_by_admin,
            &[
                ("email".into(), "robin@example.org".into()),
                ("relationship".into(), "parent_carer".into()),
            ],
        )
        .await;
        let robin = app.user_id("robin@example.org").await;
        assert!(
            !app.is_linked(row, robin).await,
            "{backend:?}: nothing is changed"
        );
        let html = app.case_html(&admin, &child).await;
        assert!(
            html.contains("Chris Walker changed this case at"),
            "{backend:?}: {html}"
        );
        assert!(
            html.contains("value=\"robin@example.org\""),
            "what was typed is kept"
        );
        // Trying again from the new page works.
        app.link(&admin, &child, "robin@example.org", "parent_carer")
            .await;
        assert!(app.is_linked(row, robin).await);
        // The dashboard filters by caseworker.
        let (_, mine) = app
            .page(
                &admin,
                "staff/dashboard",
                &[
                    ("stage", ""),
                    ("caseworker", &chris_id.to_string()),
                    ("due", ""),
                    ("q", ""),
                    ("page", "1"),
                ],
            )
            .await;
        let mine = cases_part(&mine);
        assert!(mine.contains("Ruby Lee"), "{backend:?}");
        assert!(
            mine.contains("Ellie Taylor"),
            "Ellie is Chris's in the demo"
        );
        assert!(!mine.contains("Max Taylor"), "Max is nobody's yet");
        let unassigned = app.cases(&admin, "", "", "none", "1").await;
        assert!(unassigned.contains("Max Taylor"));
        assert!(!unassigned.contains("Ruby Lee"));
        // The timeline names both, and the admin can read it.
        let html = app.case_html(&admin, &child).await;
        assert!(html.contains("Assigned the case"));
        assert!(html.contains("Alex Morgan"), "{html}");
        app.finish().await;
    }
}

#[tokio::test]
async fn the_dashboard_searches_by_name_date_of_birth_and_reference_and_pages() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let staff = app.signed_in(CASEWORKER, PASSWORD).await;
        for i in 0..30 {
            app.new_case(&staff, &format!("Child{i:02}"), "Pager").await;
        }
        let first = app.cases(&staff, "pager", "", "", "1").await;
        assert!(first.contains("30 open cases"), "{backend:?}");
        assert!(first.contains("page 1 of 2"));
        assert_eq!(
            first.matches("/staff/cases/").count() - first.matches("/staff/cases/new").count(),
            25
        );
        let second = app.cases(&staff, "pager", "", "", "2").await;
        assert_eq!(second.matches("Pager</a>").count(), 5, "{backend:?}");
        // By date of birth (as people type it) and by the case reference.
        assert!(app
            .cases(&staff, "09/04/2018", "", "", "1")
            .await
            .contains("30 open cases"));
        assert!(app
            .cases(&staff, "9 4 2018", "", "", "1")
            .await
            .contains("30 open cases"));
        let ellie = app.child_row(&app.child_id("Ellie").await).await;
        let (reference,): (String,) =
            sqlx::query_as("SELECT reference FROM cases WHERE child_id = $1")
                .bind(ellie)
                .fetch_one(app.state.db.pool())
                .await
                .unwrap();
        let found = app
            .cases(&staff, &reference.to_lowercase(), "", "", "1")
            .await;
        assert!(
            found.contains("Ellie Taylor") && found.contains("1 open case"),
            "{backend:?}: {found}"
        );
        // Most urgent first: Max's overdue advice before Ellie's final plan.
        let all = app.cases(&staff, "taylor", "", "", "1").await;
        assert!(all.find("Max Taylor").unwrap() < all.find("Ellie Taylor").unwrap());
        // Wildcards are searched for, not used.
        assert!(app
            .cases(&staff, "%", "", "", "1")
            .await
            .contains("No open cases match"));
        app.finish().await;
    }
}

#[tokio::test]
async fn a_shared_draft_plan_reaches_only_the_chosen_readers_with_a_message() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let staff = app.signed_in(CASEWORKER, PASSWORD).await;
        let child = app.new_case(&staff, "Ruby", "Lee").await;
        let robin = app.new_citizen("robin@example.org", "Robin Lee").await;
        let sam = app.user_id("parent@example.org").await;
        for email in ["robin@example.org", "parent@example.org"] {
            app.link(&staff, &child, email, "parent_carer").await;
        }
        let version = version_in(&app.case_html(&staff, &child).await);
        let share = |readers: Vec<i64>, title: &str, version: String| {
            let mut form = reqwest::multipart::Form::new()
                .text("version", version)
                .text("kind", "draft_plan")
                .text("title", title.to_owned())
                .text("body", "Section A: Ruby loves drawing.")
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(app::demo::demo_pdf("Draft plan"))
                        .file_name("draft-plan.pdf"),
                );
            for r in readers {
                form = form.text("readers", r.to_string());
            }
            staff
                .post(app.url(&format!("/staff/cases/{child}/documents")))
                .header("origin", app.address.clone())
                .multipart(form)
                .send()
        };
        // Nobody chosen: refused, with the title kept.
        let response = share(vec![], "Ruby's draft EHC plan", version.clone())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let html = app.case_html(&staff, &child).await;
        assert!(
            html.contains("Choose who can read the document"),
            "{backend:?}"
        );
        assert!(
            html.contains("Ruby&#x27;s draft EHC plan") || html.contains("Ruby's draft EHC plan")
        );
        let response = share(vec![robin], "Ruby's draft EHC plan", version_in(&html))
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert!(
            app.case_html(&staff, &child)
                .await
                .contains("is shared with Robin Lee"),
            "{backend:?}"
        );
        let robin_client = app.signed_in("robin@example.org", PASSWORD).await;
        let sam_client = app.signed_in("parent@example.org", PASSWORD).await;
        assert_eq!(
            app.shared_titles(&robin_client, &child).await,
            ["Ruby's draft EHC plan"]
        );
        assert!(
            app.shared_titles(&sam_client, &child).await.is_empty(),
            "{backend:?}"
        );
        let (_, inbox) = app.page(&robin_client, "messages/inbox", &[]).await;
        assert!(inbox.contains("New draft EHC plan for Ruby"), "{inbox}");
        // The other parent was not chosen, and got no message about it.
        let (_, sam_inbox) = app.page(&sam_client, "messages/inbox", &[]).await;
        assert!(
            !sam_inbox.contains("New draft EHC plan for Ruby"),
            "{backend:?}"
        );
        assert!(app.is_linked(app.child_row(&child).await, sam).await);
        app.finish().await;
    }
}

#[tokio::test]
async fn a_send_back_that_cannot_be_finished_changes_nothing() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let staff = app.signed_in(CASEWORKER, PASSWORD).await;
        let child = app.new_case(&staff, "Ruby", "Lee").await;
        let row = app.child_row(&child).await;
        let robin = app.new_citizen("robin@example.org", "Robin Lee").await;
        app.link(&staff, &child, "robin@example.org", "parent_carer")
            .await;
        let (submission, file) = app.submitted_views(row, robin, "Kind and funny").await;
        // The stored copy of the submission's file has gone (a storage fault), so sending it
        // back cannot copy the file into the new draft.
        let (key,): (String,) =
            sqlx::query_as("SELECT storage_key FROM attachments WHERE public_id = $1")
                .bind(&file)
                .fetch_one(app.state.db.pool())
                .await
                .unwrap();
        app.state.storage.delete(&key).await.unwrap();
        let (_, review) = app
            .page(
                &staff,
                "staff/submission",
                &[("child", &child), ("submission", &submission)],
            )
            .await;
        let version = version_in(&review);
        let mut form = vec![
            ("version".to_owned(), version.clone()),
            ("submission".to_owned(), submission.clone()),
            (
                "reason".to_owned(),
                "Please add what helps Ruby sleep.".to_owned(),
            ),
        ];
        form.extend(date_fields("due", add_days(today(), 7)));
        let fields: Vec<(&str, &str)> =
            form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        app.post_form(&staff, &format!("/staff/cases/{child}/reject"), &fields)
            .await;

        // Nothing of it happened: no draft, no review, no message, no email, and the case is
        // at the version the caseworker saw, so they can try again.
        let count = |sql: &'static str| {
            let pool = app.state.db.pool().clone();
            async move {
                let (n,): (i64,) = sqlx::query_as(sql).fetch_one(&pool).await.unwrap();
                n
            }
        };
        assert_eq!(count("SELECT COUNT(*) FROM drafts").await, 0, "{backend:?}");
        assert_eq!(count("SELECT COUNT(*) FROM submission_reviews").await, 0);
        assert_eq!(
            count("SELECT COUNT(*) FROM messages WHERE subject LIKE 'Please change%'").await,
            0
        );
        assert!(
            app.emails()
                .await
                .iter()
                .all(|m| !m.subject.starts_with("Action needed")),
            "{backend:?}: no email asks Robin for the form again"
        );
        let (_, review) = app
            .page(
                &staff,
                "staff/submission",
                &[("child", &child), ("submission", &submission)],
            )
            .await;
        assert_eq!(version_in(&review), version, "{backend:?}");
        app.finish().await;
    }
}

/// The id of a demo organisation, by name.
async fn organisation(app: &TestApp, name: &str) -> String {
    let id: i64 = sqlx::query_scalar("SELECT id FROM organisations WHERE name = $1")
        .bind(name)
        .fetch_one(app.state.db.pool())
        .await
        .expect("a demo organisation");
    id.to_string()
}

/// Sets a date column of the child's advice request of this kind (to move its clock).
async fn set_advice_date(
    app: &TestApp,
    child: &str,
    kind: &str,
    column: &str,
    date: app::values::Date,
) {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE advice_requests SET {column} = $1 WHERE kind = $2 \
         AND child_id = (SELECT id FROM children WHERE public_id = $3)"
    )))
    .bind(date.iso())
    .bind(kind)
    .bind(child)
    .execute(app.state.db.pool())
    .await
    .expect("set an advice request's date");
}

async fn advice_rows(app: &TestApp, child: &str) -> Vec<(String, String, Option<i64>, String)> {
    sqlx::query_as(
        "SELECT a.kind, o.name, a.person_id, a.due_on FROM advice_requests a \
         JOIN organisations o ON o.id = a.organisation_id JOIN children c ON c.id = a.child_id \
         WHERE c.public_id = $1 ORDER BY a.id",
    )
    .bind(child)
    .fetch_all(app.state.db.pool())
    .await
    .expect("read advice requests")
}

#[tokio::test]
async fn the_sen_team_asks_an_organisation_or_one_of_its_members_for_advice() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let staff = app.signed_in(CASEWORKER, PASSWORD).await;
        let child = app.child_id("Ellie").await;
        let psychology = organisation(&app, "Educational Psychology Service").await;
        let school = organisation(&app, "Oakfield Primary School").await;
        let senco = app.user_id("senco@example.org").await;
        let psychologist = app.user_id("psychologist@example.org").await;
        let html = app.case_html(&staff, &child).await;
        assert!(
            html.contains("Nobody has been asked for advice yet."),
            "{backend:?}"
        );
        let today = today();
        let ask = |kind: &str, organisation: &str, person: &str, due, note: &str| {
            let mut fields = vec![
                ("advice-kind".to_owned(), kind.to_owned()),
                ("advice-organisation".to_owned(), organisation.to_owned()),
                ("advice-person".to_owned(), person.to_owned()),
                ("advice-note".to_owned(), note.to_owned()),
            ];
            fields.extend(date_fields("advice-due", due));
            fields
        };

        // Each refusal says what to do, keeps what was typed, and asks nobody.
        let due = add_days(today, 42);
        for (fields, message) in [
            (
                ask("", &psychology, "0", due, "Kept note one"),
                "Choose the kind of advice",
            ),
            (
                ask("psychological", "", "0", due, "Kept note two"),
                "Choose who to ask for advice",
            ),
            (
                ask(
                    "psychological",
                    &psychology,
                    &senco.to_string(),
                    due,
                    "Kept note three",
                ),
                "Choose someone who works at Educational Psychology Service, or anyone there",
            ),
            (
                ask(
                    "psychological",
                    &psychology,
                    "0",
                    add_days(today, -1),
                    "Kept note four",
                ),
                "The due date must be today or later",
            ),
        ] {
            let to = app.case_post(&staff, &child, "ask-advice", &fields).await;
            assert_eq!(to, format!("/staff/cases/{child}"));
            let html = app.case_html(&staff, &child).await;
            assert!(html.contains(message), "{backend:?}: {message}");
            let note = &fields[3].1;
            assert!(html.contains(note.as_str()), "{backend:?}: {note} kept");
        }
        assert!(advice_rows(&app, &child).await.is_empty());

        // Anyone in the psychology service; the SENCo by name, sooner.
        app.case_post(
            &staff,
            &child,
            "ask-advice",
            &ask(
                "psychological",
                &psychology,
                "0",
                due,
                "Please see Ellie at school.",
            ),
        )
        .await;
        let html = app.case_html(&staff, &child).await;
        assert!(
            html.contains(
                "Educational psychology advice has been asked of Educational Psychology Service"
            ),
            "{backend:?}"
        );
        let soon = add_days(today, 10);
        app.case_post(
            &staff,
            &child,
            "ask-advice",
            &ask("educational", &school, &senco.to_string(), soon, ""),
        )
        .await;
        assert_eq!(
            advice_rows(&app, &child).await,
            vec![
                (
                    "psychological".to_owned(),
                    "Educational Psychology Service".to_owned(),
                    None,
                    due.iso()
                ),
                (
                    "educational".to_owned(),
                    "Oakfield Primary School".to_owned(),
                    Some(senco),
                    soon.iso()
                ),
            ]
        );
        let html = app.case_html(&staff, &child).await;
        let table = &html[html.find("id=\"advice-requests\"").expect("the list")..];
        let school_at = table.find("Priya Shah, Oakfield Primary School").unwrap();
        let psychology_at = table
            .find("Educational Psychology Service (anyone there)")
            .unwrap();
        assert!(school_at < psychology_at, "the sooner due is first");
        assert!(table.contains("due in 10 days") && table.contains("due in 42 days"));
        // The psychologist is offered by name under their organisation.
        let people = &html[html.find("id=\"advice-person\"").unwrap()..];
        let people = &people[..people.find("</select>").unwrap()];
        assert!(
            people.contains(&format!("value=\"{psychologist}\""))
                && people.contains("Dr Dana Okafor")
        );
        assert!(!people.contains("Sam Taylor"), "only members are offered");

        // Once its day has passed, a request is overdue, and still awaited before received ones.
        set_advice_date(&app, &child, "psychological", "due_on", add_days(today, -3)).await;
        let html = app.case_html(&staff, &child).await;
        let table = &html[html.find("id=\"advice-requests\"").unwrap()..];
        assert!(table.contains("3 days overdue"), "{backend:?}");
        assert!(
            table
                .find("Educational Psychology Service (anyone there)")
                .unwrap()
                < table.find("Priya Shah").unwrap()
        );
        // The dashboard finds the cases with advice overdue: Ellie's now, and the demo's Max.
        let overdue = app.cases(&staff, "", "advice", "", "1").await;
        assert!(
            overdue.contains("Ellie Taylor") && overdue.contains("Max Taylor"),
            "{backend:?}"
        );
        assert!(overdue.contains("2 open cases"), "{backend:?}");
        assert!(overdue.contains(r#"<option value="advice" selected"#));

        // The family sees which services were asked and when each replied; never staff names.
        set_advice_date(&app, &child, "educational", "received_on", today).await;
        let parent = app.signed_in("parent@example.org", PASSWORD).await;
        let (status, page) = app
            .page(&parent, "status/child", &[("child", &child)])
            .await;
        assert_eq!(status, StatusCode::OK);
        let list = &page[page.find("id=\"advice-list\"").expect("the family's list")..];
        let list = &list[..list.find("</ul>").unwrap()];
        assert!(list.contains("Educational Psychology Service") && list.contains("late"));
        assert!(list.contains("Oakfield Primary School") && list.contains("received"));
        assert!(list.contains(&format!("replied on {}", today.long())));
        assert!(!page.contains("Priya Shah") && !page.contains("Dana Okafor"));
        // Advice that has arrived is no longer overdue, whatever its due date was.
        set_advice_date(&app, &child, "psychological", "received_on", today).await;
        let overdue = app.cases(&staff, "", "advice", "", "1").await;
        assert!(!overdue.contains("Ellie Taylor") && overdue.contains("Max Taylor"));
        let asked: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'advice_asked' AND actor_id = $1",
        )
        .bind(app.user_id(CASEWORKER).await)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
        assert_eq!(asked, 2);

        // The demo's Max: the school's advice received, the psychologists' late, health's waiting.
        let max = app.child_id("Max").await;
        let (_, page) = app.page(&parent, "status/child", &[("child", &max)]).await;
        let list = &page[page.find("id=\"advice-list\"").expect("Max's list")..];
        let list = &list[..list.find("</ul>").unwrap()];
        for (service, state) in [
            ("Oakfield Primary School", "received"),
            ("Educational Psychology Service", "late"),
            ("Children’s Community Health", "waiting"),
        ] {
            let at = list
                .find(service)
                .unwrap_or_else(|| panic!("{service} listed"));
            let item = &list[..at];
            let item = &item[item.rfind("<li>").unwrap()..];
            assert!(
                item.contains(state),
                "{backend:?}: {service} {state}: {item}"
            );
        }
        app.finish().await;
    }
}
