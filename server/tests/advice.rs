//! Professionals give advice: the SEN team asks an organisation, a member picks the request up
//! from their caseload (the advice form for its kind, the child linked to them), sends it, and
//! the SEN team returns it with a reason or accepts it, which the family sees. Anyone outside
//! the organisation is told the request does not exist; two members picking it up at once get
//! one draft between them; someone who left is taken over from, their draft and all.

mod common;

use app::status::{store::today, timeline::add_days};
use common::{backends, browser, drafts::example_answers, location, TestApp};
use reqwest::StatusCode;

const PASSWORD: &str = "demo-portal-2026";
const CASEWORKER: &str = "caseworker@example.org";
const PSYCHOLOGIST: &str = "psychologist@example.org";
const SENCO: &str = "senco@example.org";
const PSYCHOLOGY: &str = "Educational Psychology Service";

impl TestApp {
    /// Posts one of the case page's forms with the page's current version.
    async fn case_action(
        &self,
        staff: &reqwest::Client,
        child: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) {
        let (_, html) = self.page(staff, "staff/case", &[("child", child)]).await;
        let at = html.find("name=\"version\" value=\"").expect("a version") + 22;
        let version = html[at..].split('"').next().unwrap().to_owned();
        let mut form = vec![("version", version.as_str())];
        form.extend_from_slice(fields);
        let response = self
            .post_form(staff, &format!("/staff/cases/{child}/{action}"), &form)
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{action}");
    }

    /// The SEN team asks the organisation (anyone there) for advice of `kind` about the child.
    async fn ask(&self, staff: &reqwest::Client, child: &str, kind: &str, organisation: &str) {
        let id: i64 = sqlx::query_scalar("SELECT id FROM organisations WHERE name = $1")
            .bind(organisation)
            .fetch_one(self.state.db.pool())
            .await
            .unwrap();
        let due = add_days(today(), 42);
        let (day, month, year) = (
            due.day.to_string(),
            due.month.to_string(),
            due.year.to_string(),
        );
        let id = id.to_string();
        self.case_action(
            staff,
            child,
            "ask-advice",
            &[
                ("advice-kind", kind),
                ("advice-organisation", &id),
                ("advice-person", "0"),
                ("advice-due-day", &day),
                ("advice-due-month", &month),
                ("advice-due-year", &year),
                (
                    "advice-note",
                    "Please see her at school; the parent's views are attached.",
                ),
            ],
        )
        .await;
    }

    /// The public id of the child's newest advice request of this kind.
    async fn request_of(&self, child: &str, kind: &str) -> String {
        sqlx::query_scalar(
            "SELECT a.public_id FROM advice_requests a JOIN children c ON c.id = a.child_id \
             WHERE c.public_id = $1 AND a.kind = $2 ORDER BY a.id DESC LIMIT 1",
        )
        .bind(child)
        .bind(kind)
        .fetch_one(self.state.db.pool())
        .await
        .unwrap()
    }

    /// Presses Pick up: (status, where it sent the browser).
    async fn pick_up(&self, client: &reqwest::Client, request: &str) -> (StatusCode, String) {
        let response = self
            .post_form(client, &format!("/advice/{request}/pick-up"), &[])
            .await;
        (response.status(), location(&response))
    }

    async fn caseload(&self, client: &reqwest::Client) -> String {
        let (status, html) = self.page(client, "professional/caseload", &[]).await;
        assert_eq!(status, StatusCode::OK, "{html}");
        html
    }

    /// A new professional account in the organisation.
    async fn colleague(&self, email: &str, name: &str, organisation: &str) -> reqwest::Client {
        let id = self.new_citizen(email, name).await;
        sqlx::query("UPDATE users SET role = 'professional' WHERE id = $1")
            .bind(id)
            .execute(self.state.db.pool())
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO organisation_members (organisation_id, user_id, added_at) \
             SELECT id, $1, 0 FROM organisations WHERE name = $2",
        )
        .bind(id)
        .bind(organisation)
        .execute(self.state.db.pool())
        .await
        .unwrap();
        self.signed_in(email, PASSWORD).await
    }

    async fn count(&self, sql: &str, arg: &str) -> i64 {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
            .bind(arg)
            .fetch_one(self.state.db.pool())
            .await
            .unwrap()
    }
}

fn draft_in(location: &str) -> String {
    location
        .strip_prefix("/drafts/")
        .unwrap_or_else(|| panic!("not a draft: {location}"))
        .to_owned()
}

#[tokio::test]
async fn a_psychologist_picks_up_advice_sends_it_and_the_sen_team_returns_then_accepts_it() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let staff = app.signed_in(CASEWORKER, PASSWORD).await;
        let ellie = app.child_id("Ellie").await;
        app.ask(&staff, &ellie, "psychological", PSYCHOLOGY).await;
        let request = app.request_of(&ellie, "psychological").await;
        // The dashboard's row lists the advice Ellie's case waits on.
        let awaited = |html: &str| {
            let row = &html[html.find("Ellie Taylor").expect("Ellie's row")..];
            let row = &row[..row.find("</tr>").unwrap()];
            row.contains("Educational psychology advice from Educational Psychology Service")
                && row.contains("due in 42 days")
        };
        let (_, dashboard) = app.page(&staff, "staff/dashboard", &[("q", "Ellie")]).await;
        assert!(awaited(&dashboard), "{backend:?}");

        // The psychologist hears of it, and their caseload lists it after Max's overdue one.
        let psychologist = app.signed_in(PSYCHOLOGIST, PASSWORD).await;
        let (_, inbox) = app.page(&psychologist, "messages/inbox", &[]).await;
        assert!(
            inbox.contains("Educational psychology advice asked of Educational Psychology Service"),
            "{backend:?}"
        );
        let email = app.last_email_to(PSYCHOLOGIST).await.expect("an email");
        assert!(!email.text.contains("Ellie"), "the email names no child");
        let caseload = app.caseload(&psychologist).await;
        let active = &caseload[caseload.find("id=\"caseload-active\"").expect("active")..];
        let (max_at, ellie_at) = (
            active.find("Max Taylor").expect("Max"),
            active.find("Ellie Taylor").expect("Ellie"),
        );
        assert!(max_at < ellie_at, "overdue first");
        assert!(active.contains("Asked of anyone at Educational Psychology Service"));
        assert!(active.contains("Please see her at school"));
        assert!(active.contains(&format!("/advice/{request}/pick-up")));
        assert!(active.contains("Pick up and start"));
        // Not linked yet: the record does not open for them.
        assert!(!active.contains(&format!("/children/{ellie}/forms")));

        // Outside the organisation it does not exist: the SENCo, a parent, the SEN team.
        let senco = app.signed_in(SENCO, PASSWORD).await;
        assert!(!app.caseload(&senco).await.contains(&request));
        let parent = app.signed_in("parent@example.org", PASSWORD).await;
        for client in [&senco, &parent, &staff] {
            assert_eq!(app.pick_up(client, &request).await.0, StatusCode::NOT_FOUND);
        }
        let (status, to) = app.pick_up(&browser(), &request).await;
        assert!(
            status.is_redirection() && to.starts_with("/sign-in"),
            "{to}"
        );
        assert_eq!(
            app.pick_up(&psychologist, "no-such-request").await.0,
            StatusCode::NOT_FOUND
        );

        // Picking it up opens the psychology advice form, the child's details filled in, and
        // links the psychologist to the child; pressing again opens the same draft.
        let (status, to) = app.pick_up(&psychologist, &request).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        let draft = draft_in(&to);
        let stored = app.stored_draft(&draft).await;
        assert_eq!(stored["form"]["id"], "advice-psychological");
        assert_eq!(stored["answers"]["child"][0]["first_name"], "Ellie");
        assert_eq!(app.pick_up(&psychologist, &request).await.1, to);
        let caseload = app.caseload(&psychologist).await;
        assert!(caseload.contains("You are writing it"));
        assert!(caseload.contains(&format!("href=\"/drafts/{draft}\"")));
        assert!(
            caseload.contains(&format!("/children/{ellie}/forms")),
            "now linked"
        );
        // A colleague sees who has it, and cannot take it while they are still in the service.
        let colleague = app
            .colleague("ep2@example.org", "Sam Ogunyemi", PSYCHOLOGY)
            .await;
        assert!(app
            .caseload(&colleague)
            .await
            .contains("Being written by Dr Dana Okafor"));
        let refused = app
            .post_form(&colleague, &format!("/advice/{request}/pick-up"), &[])
            .await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused
            .text()
            .await
            .unwrap()
            .contains("Dr Dana Okafor has picked this request up"));
        // The family's forms stay closed to the psychologist (a professional sees their own).
        let forms: serde_json::Value = app
            .call(&psychologist, "forms/child", &[("child", &ellie)])
            .await
            .json()
            .await
            .unwrap();
        assert!(forms["available"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| !f["id"].as_str().unwrap().starts_with("advice-")));
        let started = app
            .call(
                &psychologist,
                "forms/start",
                &[("child", &ellie), ("form", "advice-psychological")],
            )
            .await;
        assert_eq!(
            started.status(),
            StatusCode::NOT_FOUND,
            "advice forms start only from a request"
        );

        // Filled in and sent: the request records the day, and the case says so.
        app.fill_in(
            &psychologist,
            &draft,
            &example_answers("advice-psychological"),
        )
        .await;
        let sent = app.submit(&psychologist, &draft).await;
        assert!(app.caseload(&psychologist).await.contains(&format!(
            "Sent on {}, waiting for the SEN team",
            today().long()
        )));
        let (_, case) = app.page(&staff, "staff/case", &[("child", &ellie)]).await;
        assert!(
            case.contains(&format!(
                "Not yet: sent on {}, waiting for the SEN team",
                today().long()
            )),
            "{backend:?}"
        );

        // Returned with a reason: the psychologist's new draft answers the same request.
        let due = add_days(today(), 7);
        let (day, month, year) = (
            due.day.to_string(),
            due.month.to_string(),
            due.year.to_string(),
        );
        app.case_action(
            &staff,
            &ellie,
            "reject",
            &[
                ("submission", &sent),
                ("reason", "Please add the provision for her reading."),
                ("due-day", &day),
                ("due-month", &month),
                ("due-year", &year),
            ],
        )
        .await;
        let caseload = app.caseload(&psychologist).await;
        assert!(caseload.contains("Change and send again"), "{backend:?}");
        let (_, inbox) = app.page(&psychologist, "messages/inbox", &[]).await;
        assert!(inbox.contains("Please change and send again"));
        let again: String = sqlx::query_scalar(
            "SELECT d.public_id FROM drafts d JOIN advice_requests a ON a.id = d.advice_request_id \
             WHERE a.public_id = $1",
        )
        .bind(&request)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
        assert!(caseload.contains(&format!("href=\"/drafts/{again}\"")));
        let (_, case) = app.page(&staff, "staff/case", &[("child", &ellie)]).await;
        assert!(case.contains("Not yet: sent back to Dr Dana Okafor to change"));

        // Sent again and accepted: received today, which the family sees.
        let second = app.submit(&psychologist, &again).await;
        app.case_action(&staff, &ellie, "accept", &[("submission", &second)])
            .await;
        let received: Option<String> =
            sqlx::query_scalar("SELECT received_on FROM advice_requests WHERE public_id = $1")
                .bind(&request)
                .fetch_one(app.state.db.pool())
                .await
                .unwrap();
        assert_eq!(received, Some(today().iso()), "{backend:?}");
        let caseload = app.caseload(&psychologist).await;
        assert!(caseload.contains(&format!("Received on {}", today().long())));
        let (_, dashboard) = app.page(&staff, "staff/dashboard", &[("q", "Ellie")]).await;
        assert!(!awaited(&dashboard), "received advice is no longer awaited");
        let (_, status) = app
            .page(&parent, "status/child", &[("child", &ellie)])
            .await;
        let list = &status[status
            .find("id=\"advice-list\"")
            .expect("the family's list")..];
        let list = &list[..list.find("</ul>").unwrap()];
        assert!(
            list.contains(PSYCHOLOGY) && list.contains("received"),
            "{list}"
        );
        assert!(!status.contains("Dana Okafor"));
        // Accepted advice is not picked up again.
        let done = app
            .post_form(&colleague, &format!("/advice/{request}/pick-up"), &[])
            .await;
        assert_eq!(done.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let picked = app
            .count("SELECT COUNT(*) FROM audit_log WHERE action = 'advice_picked_up' AND detail LIKE $1", "%Educational Psychology Service%")
            .await;
        assert_eq!(picked, 1);
        app.finish().await;
    }
}

#[tokio::test]
async fn two_members_picking_up_at_once_get_one_draft_and_a_leaver_is_taken_over_from() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let staff = app.signed_in(CASEWORKER, PASSWORD).await;
        let ellie = app.child_id("Ellie").await;
        app.ask(&staff, &ellie, "psychological", PSYCHOLOGY).await;
        let request = app.request_of(&ellie, "psychological").await;
        let mut members = vec![app.signed_in(PSYCHOLOGIST, PASSWORD).await];
        for i in 0..3 {
            members.push(
                app.colleague(
                    &format!("ep{i}@example.org"),
                    &format!("Psychologist {i}"),
                    PSYCHOLOGY,
                )
                .await,
            );
        }
        // Everyone presses Pick up at once, twice over: one of them has it, with one draft.
        let mut presses = tokio::task::JoinSet::new();
        for member in members.iter().chain(members.iter()) {
            let (client, url, origin) = (
                member.clone(),
                app.url(&format!("/advice/{request}/pick-up")),
                app.address.clone(),
            );
            presses.spawn(async move {
                let response = client
                    .post(url)
                    .header("origin", origin)
                    .send()
                    .await
                    .expect("a pick-up");
                (response.status(), location(&response))
            });
        }
        let answers = presses.join_all().await;
        let opened: Vec<&String> = answers
            .iter()
            .filter(|(s, _)| *s == StatusCode::SEE_OTHER)
            .map(|(_, to)| to)
            .collect();
        assert!(!opened.is_empty(), "{backend:?}: {answers:?}");
        assert!(
            opened.iter().all(|to| *to == opened[0]),
            "one draft: {answers:?}"
        );
        assert!(
            answers.iter().all(|(s, _)| *s == StatusCode::SEE_OTHER || *s == StatusCode::UNPROCESSABLE_ENTITY),
            "{backend:?}: {answers:?}"
        );
        let drafts = app
            .count("SELECT COUNT(*) FROM drafts d JOIN advice_requests a ON a.id = d.advice_request_id WHERE a.public_id = $1", &request)
            .await;
        assert_eq!(drafts, 1, "{backend:?}");
        let draft = draft_in(opened[0]);

        // Whoever has it leaves the service: a colleague takes it over, their draft with it.
        let holder: i64 =
            sqlx::query_scalar("SELECT picked_up_by FROM advice_requests WHERE public_id = $1")
                .bind(&request)
                .fetch_one(app.state.db.pool())
                .await
                .unwrap();
        sqlx::query("DELETE FROM organisation_members WHERE user_id = $1")
            .bind(holder)
            .execute(app.state.db.pool())
            .await
            .unwrap();
        let holder_email: String = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
            .bind(holder)
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
        let mut others = Vec::new();
        for (i, email) in [
            PSYCHOLOGIST,
            "ep0@example.org",
            "ep1@example.org",
            "ep2@example.org",
        ]
        .iter()
        .enumerate()
        {
            if *email != holder_email {
                others.push(&members[i]);
            }
        }
        let next = others[0];
        assert!(
            app.caseload(next).await.contains("Take over"),
            "{backend:?}"
        );
        let (status, to) = app.pick_up(next, &request).await;
        assert_eq!(
            (status, to.clone()),
            (StatusCode::SEE_OTHER, format!("/drafts/{draft}"))
        );
        let owner: i64 = sqlx::query_scalar("SELECT owner_id FROM drafts WHERE public_id = $1")
            .bind(&draft)
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
        assert_ne!(owner, holder, "the draft went with the request");
        // The one who left no longer reaches the request or the draft.
        let leaver = members
            .iter()
            .zip([
                PSYCHOLOGIST,
                "ep0@example.org",
                "ep1@example.org",
                "ep2@example.org",
            ])
            .find(|(_, e)| *e == holder_email)
            .unwrap()
            .0;
        assert_eq!(app.pick_up(leaver, &request).await.0, StatusCode::NOT_FOUND);
        let reply = app
            .save_step(leaver, &draft, "about", &[("__action", "autosave")])
            .await;
        assert_eq!(reply.status(), StatusCode::NOT_FOUND);
        app.finish().await;
    }
}

/// Starts a form for the child as `client` and returns the draft's id.
async fn start(app: &TestApp, client: &reqwest::Client, child: &str, form: &str) -> String {
    let response = app
        .call(client, "forms/start", &[("child", child), ("form", form)])
        .await;
    assert_eq!(response.status(), StatusCode::OK, "starting {form}");
    response.json::<String>().await.unwrap()
}

/// The family's consent form sent, naming whom information may be shared with.
async fn consent(app: &TestApp, parent: &reqwest::Client, child: &str, share_with: &[&str]) {
    let mut answers = example_answers("e2-parental-consent");
    answers["consent_to_share"][0]["share_with"] = serde_json::json!(share_with);
    let draft = start(app, parent, child, "e2-parental-consent").await;
    app.fill_in(parent, &draft, &answers).await;
    app.submit(parent, &draft).await;
}

#[tokio::test]
async fn the_familys_consent_decides_which_of_its_forms_a_professional_reads() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let staff = app.signed_in(CASEWORKER, PASSWORD).await;
        let ellie = app.child_id("Ellie").await;
        app.ask(&staff, &ellie, "psychological", PSYCHOLOGY).await;
        let psychologist = app.signed_in(PSYCHOLOGIST, PASSWORD).await;
        let (_, to) = app
            .pick_up(
                &psychologist,
                &app.request_of(&ellie, "psychological").await,
            )
            .await;
        let advice = draft_in(&to);
        let parent = app.signed_in("parent@example.org", PASSWORD).await;
        let views = start(&app, &parent, &ellie, "parent-carer-views").await;
        app.fill_in(&parent, &views, &example_answers("parent-carer-views"))
            .await;
        let views = app.submit(&parent, &views).await;
        let child = ellie.as_str();
        let reads = |client: &reqwest::Client, submission: &str| {
            let (client, submission) = (client.clone(), submission.to_owned());
            let app = &app;
            async move {
                let (status, _) = app
                    .page(&client, "forms/submission", &[("submission", &submission)])
                    .await;
                let listed: serde_json::Value = app
                    .call(&client, "forms/child", &[("child", child)])
                    .await
                    .json()
                    .await
                    .unwrap();
                let listed = listed["submitted"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|s| s["id"] == submission.as_str());
                assert_eq!(
                    listed,
                    status == StatusCode::OK,
                    "the list and the page agree"
                );
                status == StatusCode::OK
            }
        };
        // No consent yet: the family's form is closed to the psychologist linked to Ellie.
        assert!(!reads(&psychologist, &views).await, "{backend:?}");
        // Consent for health only: still closed.
        consent(&app, &parent, &ellie, &["health"]).await;
        assert!(!reads(&psychologist, &views).await, "{backend:?}");
        // Consent naming the educational psychology service: open to its linked members.
        consent(
            &app,
            &parent,
            &ellie,
            &["education", "educational_psychology"],
        )
        .await;
        assert!(reads(&psychologist, &views).await, "{backend:?}");
        // The SENCo's school is covered too, and she is linked to Ellie; a colleague of the
        // psychologist who is not linked to Ellie reads nothing.
        let senco = app.signed_in(SENCO, PASSWORD).await;
        assert!(reads(&senco, &views).await, "{backend:?}");
        let colleague = app
            .colleague("ep9@example.org", "Alex Moss", PSYCHOLOGY)
            .await;
        let (status, _) = app
            .page(&colleague, "forms/submission", &[("submission", &views)])
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // A later consent that leaves the service out closes it again; their own advice they
        // always read.
        consent(&app, &parent, &ellie, &["health"]).await;
        assert!(!reads(&psychologist, &views).await, "{backend:?}");
        app.fill_in(
            &psychologist,
            &advice,
            &example_answers("advice-psychological"),
        )
        .await;
        let sent = app.submit(&psychologist, &advice).await;
        assert!(reads(&psychologist, &sent).await, "{backend:?}");
        app.finish().await;
    }
}

/// The public id of the child's shared document with this title.
async fn document(app: &TestApp, title: &str) -> String {
    sqlx::query_scalar("SELECT public_id FROM shared_documents WHERE title = $1")
        .bind(title)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_school_consulted_on_the_draft_plan_reads_it_and_answers_once_with_reasons() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let staff = app.signed_in(CASEWORKER, PASSWORD).await;
        let ellie = app.child_id("Ellie").await;
        // The school is not yet involved with Ellie: the demo's link is removed.
        sqlx::query(
            "DELETE FROM child_links WHERE user_id = (SELECT id FROM users WHERE email = $1)",
        )
        .bind(SENCO)
        .execute(app.state.db.pool())
        .await
        .unwrap();
        let plan = document(&app, "Draft EHC plan for Ellie Taylor").await;
        let letter = document(&app, "Decision to carry out an EHC needs assessment").await;
        let id_of = |name: &'static str| {
            let app = &app;
            async move {
                let id: i64 = sqlx::query_scalar("SELECT id FROM organisations WHERE name = $1")
                    .bind(name)
                    .fetch_one(app.state.db.pool())
                    .await
                    .unwrap();
                id.to_string()
            }
        };
        let (school, psychology) = (
            id_of("Oakfield Primary School").await,
            id_of(PSYCHOLOGY).await,
        );
        let due = add_days(today(), 15);
        let (day, month, year) = (
            due.day.to_string(),
            due.month.to_string(),
            due.year.to_string(),
        );
        let consult = |organisation: &str, document: &str| {
            vec![
                ("consult-organisation".to_owned(), organisation.to_owned()),
                ("consult-document".to_owned(), document.to_owned()),
                ("consult-due-day".to_owned(), day.clone()),
                ("consult-due-month".to_owned(), month.clone()),
                ("consult-due-year".to_owned(), year.clone()),
                (
                    "consult-note".to_owned(),
                    "The family asked for Oakfield.".to_owned(),
                ),
            ]
        };
        // Only a school or setting, and only the child's draft plan.
        for (fields, message) in [
            (
                consult("", &plan),
                "Choose the school or setting to consult",
            ),
            (
                consult(&psychology, &plan),
                "Choose the school or setting to consult",
            ),
            (consult(&school, &letter), "Choose the draft plan to send"),
        ] {
            let fields: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            app.case_action(&staff, &ellie, "consult-school", &fields)
                .await;
            let (_, html) = app.page(&staff, "staff/case", &[("child", &ellie)]).await;
            assert!(html.contains(message), "{backend:?}: {message}");
        }
        let fields = consult(&school, &plan);
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        app.case_action(&staff, &ellie, "consult-school", &fields)
            .await;
        let (_, html) = app.page(&staff, "staff/case", &[("child", &ellie)]).await;
        assert!(html.contains("Oakfield Primary School has been consulted on the draft plan"));
        let table = &html[html.find("id=\"consultations\"").expect("the list")..];
        assert!(table.contains("due in 15 days"), "{backend:?}");
        let consultation: String = sqlx::query_scalar("SELECT public_id FROM consultations")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();

        // The SENCo hears of it, finds it on the caseload and reads the draft plan, though not
        // linked to Ellie; the psychologist, outside the school, does not.
        let senco = app.signed_in(SENCO, PASSWORD).await;
        let (_, inbox) = app.page(&senco, "messages/inbox", &[]).await;
        assert!(inbox.contains("Consultation on a draft EHC plan for Oakfield Primary School"));
        let caseload = app.caseload(&senco).await;
        assert!(
            caseload.contains("Ellie Taylor")
                && caseload.contains("The family asked for Oakfield.")
        );
        assert!(caseload.contains(&format!("/consultations/{consultation}")));
        let (status, page) = app
            .page(&senco, "documents/view", &[("document", &plan)])
            .await;
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(page.contains("Back to your caseload"));
        let (status, _) = app
            .page(&senco, "documents/view", &[("document", &letter)])
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "only the plan consulted on");
        let psychologist = app.signed_in(PSYCHOLOGIST, PASSWORD).await;
        for page in [
            app.page(&psychologist, "documents/view", &[("document", &plan)])
                .await,
            app.page(
                &psychologist,
                "professional/consultation",
                &[("consultation", &consultation)],
            )
            .await,
        ] {
            assert_eq!(page.0, StatusCode::NOT_FOUND);
        }
        let path = format!("/consultations/{consultation}/answer");
        let outsider = app
            .post_form(
                &psychologist,
                &path,
                &[("answer", "can_meet"), ("reasons", "x")],
            )
            .await;
        assert_eq!(outsider.status(), StatusCode::NOT_FOUND);

        // An answer without a choice comes back explained, the reasons kept.
        let refused = app
            .post_form(&senco, &path, &[("reasons", "We have no lift.")])
            .await;
        assert_eq!(location(&refused), format!("/consultations/{consultation}"));
        let (_, page) = app
            .page(
                &senco,
                "professional/consultation",
                &[("consultation", &consultation)],
            )
            .await;
        assert!(page.contains("Choose whether Oakfield Primary School can meet the needs"));
        assert!(page.contains("We have no lift."));
        let refused = app
            .post_form(&senco, &path, &[("answer", "cannot_meet")])
            .await;
        assert_eq!(location(&refused), format!("/consultations/{consultation}"));
        let (_, page) = app
            .page(
                &senco,
                "professional/consultation",
                &[("consultation", &consultation)],
            )
            .await;
        assert!(page.contains("Give your reasons"));

        // Answered once: the case shows it with the reasons; a second answer is refused.
        let answered = app
            .post_form(
                &senco,
                &path,
                &[("answer", "cannot_meet"), ("reasons", "We have no lift.")],
            )
            .await;
        assert_eq!(location(&answered), "/professional");
        let (_, html) = app.page(&staff, "staff/case", &[("child", &ellie)]).await;
        let table = &html[html.find("id=\"consultations\"").unwrap()..];
        assert!(table.contains("Cannot meet the needs") && table.contains("We have no lift."));
        assert!(table.contains("Priya Shah"), "{backend:?}");
        let again = app
            .post_form(
                &senco,
                &path,
                &[("answer", "can_meet"), ("reasons", "Changed our mind.")],
            )
            .await;
        assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(app.caseload(&senco).await.contains("answered on"));
        let audited = app
            .count(
                "SELECT COUNT(*) FROM audit_log WHERE action = $1",
                "consultation_answered",
            )
            .await;
        assert_eq!(audited, 1);

        // A draft plan never names a school.
        let (_, html) = app.page(&staff, "staff/case", &[("child", &ellie)]).await;
        let at = html.find("name=\"version\" value=\"").unwrap() + 22;
        let version = html[at..].split('"').next().unwrap().to_owned();
        let parent = app.user_id("parent@example.org").await;
        let form = reqwest::multipart::Form::new()
            .text("version", version)
            .text("kind", "draft_plan")
            .text("title", "Draft EHC plan, second version")
            .text("body", "Section I: Oakfield primary school.")
            .text("readers", parent.to_string());
        let shared = staff
            .post(app.url(&format!("/staff/cases/{ellie}/documents")))
            .header("origin", app.address.clone())
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(shared.status(), StatusCode::SEE_OTHER);
        let (_, html) = app.page(&staff, "staff/case", &[("child", &ellie)]).await;
        assert!(
            html.contains("A draft plan must not name a school or setting, and this one names Oakfield Primary School"),
            "{backend:?}"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn a_school_asks_for_an_assessment_which_starts_the_case_and_asks_the_parent_for_consent() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let senco = app.signed_in(SENCO, PASSWORD).await;
        let request = |fields: Vec<(&'static str, &'static str)>| {
            let senco = senco.clone();
            let app = &app;
            async move {
                app.post_form(&senco, "/professional/request", &fields)
                    .await
            }
        };
        let page = || async {
            let response = senco
                .get(app.url("/professional/request"))
                .header("accept", "text/html")
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            response.text().await.unwrap()
        };
        assert!(app
            .caseload(&senco)
            .await
            .contains("href=\"/professional/request\""));

        // Nothing typed: every problem named; then a professional's address refused, the rest kept.
        let refused = request(vec![]).await;
        assert_eq!(location(&refused), "/professional/request");
        let html = page().await;
        for message in [
            "Enter their first name",
            "Enter their date of birth",
            "Enter their parent's or carer's email address",
            "Choose which request you are making",
        ] {
            assert!(html.contains(message), "{backend:?}: {message}");
        }
        request(vec![
            ("first_name", "Noah"),
            ("last_name", "Patel"),
            ("day", "1"),
            ("month", "9"),
            ("year", "2016"),
            ("parent_email", PSYCHOLOGIST),
            ("form", "school-request"),
        ])
        .await;
        let html = page().await;
        assert!(html.contains("belongs to a professional"), "{backend:?}");
        assert!(html.contains("value=\"Noah\"") && html.contains("value=\"2016\""));
        let children: i64 = app
            .count(
                "SELECT COUNT(*) FROM children WHERE first_name = $1",
                "Noah",
            )
            .await;
        assert_eq!(children, 0, "nothing recorded while refused");

        // Made: the school request opens, Noah's details filled in.
        let made = request(vec![
            ("first_name", "Noah"),
            ("last_name", "Patel"),
            ("day", "1"),
            ("month", "9"),
            ("year", "2016"),
            ("parent_email", "Parent@Example.org"),
            ("form", "school-request"),
        ])
        .await;
        assert_eq!(made.status(), StatusCode::SEE_OTHER, "{backend:?}");
        let draft = draft_in(&location(&made));
        let stored = app.stored_draft(&draft).await;
        assert_eq!(stored["form"]["id"], "school-request");
        assert_eq!(stored["answers"]["child"][0]["first_name"], "Noah");
        let noah = stored["child"]["id"].as_str().unwrap().to_owned();
        // The SENCo and the parent are linked (the parent unconfirmed, as after Add Person);
        // the case is on the dashboard with its clock not yet started.
        let links: Vec<(String, String, Option<i64>)> = sqlx::query_as(
            "SELECT u.email, l.relationship, l.verified_at FROM child_links l JOIN users u ON u.id = l.user_id \
             JOIN children c ON c.id = l.child_id WHERE c.public_id = $1 ORDER BY u.email",
        )
        .bind(&noah)
        .fetch_all(app.state.db.pool())
        .await
        .unwrap();
        assert_eq!(links.len(), 2, "{links:?}");
        assert_eq!(
            (links[0].0.as_str(), links[0].1.as_str(), links[0].2),
            ("parent@example.org", "parent_carer", None)
        );
        assert_eq!(
            (links[1].0.as_str(), links[1].1.as_str()),
            (SENCO, "professional")
        );
        let staff = app.signed_in(CASEWORKER, PASSWORD).await;
        let (_, dashboard) = app.page(&staff, "staff/dashboard", &[("q", "Noah")]).await;
        assert!(
            dashboard.contains("Noah Patel") && dashboard.contains("Request not yet recorded"),
            "{backend:?}"
        );
        // The parent is asked for consent, and the message's button opens E2 for Noah.
        let parent = app.signed_in("parent@example.org", PASSWORD).await;
        let (_, inbox) = app.page(&parent, "messages/inbox", &[]).await;
        assert!(
            inbox.contains("Your consent for an EHC needs assessment for Noah"),
            "{backend:?}"
        );
        let message: String = sqlx::query_scalar(
            "SELECT m.public_id FROM messages m JOIN children c ON c.id = m.child_id WHERE c.public_id = $1",
        )
        .bind(&noah)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
        let opened = app
            .post_form(&parent, &format!("/messages/{message}/form"), &[])
            .await;
        let consent = draft_in(&location(&opened));
        assert_eq!(
            app.stored_draft(&consent).await["form"]["id"],
            "e2-parental-consent"
        );
        // The school sends its request.
        app.fill_in(&senco, &draft, &example_answers("school-request"))
            .await;
        app.submit(&senco, &draft).await;
        let (_, dashboard) = app.page(&staff, "staff/dashboard", &[("q", "Noah")]).await;
        let row = &dashboard[dashboard.find("Noah Patel").unwrap()..];
        let row = &row[..row.find("</tr>").unwrap()];
        assert!(row.contains(">1</td>"), "the request awaits review: {row}");

        // A parent without an account is invited to register instead.
        request(vec![
            ("first_name", "Ava"),
            ("last_name", "Brown"),
            ("day", "3"),
            ("month", "2"),
            ("year", "2022"),
            ("parent_email", "new.parent@example.org"),
            ("form", "early-years-request"),
        ])
        .await;
        let invitation = app
            .last_email_to("new.parent@example.org")
            .await
            .expect("an invitation");
        assert!(invitation.text.contains("/register"));
        let invited = app
            .count(
                "SELECT COUNT(*) FROM invitations WHERE email = $1",
                "new.parent@example.org",
            )
            .await;
        assert_eq!(invited, 1);
        assert_eq!(
            app.count(
                "SELECT COUNT(*) FROM audit_log WHERE action = $1",
                "assessment_requested_by_setting"
            )
            .await,
            2
        );
        // Nobody but a professional may ask this way.
        let by_parent = app
            .post_form(&parent, "/professional/request", &[("first_name", "X")])
            .await;
        assert_eq!(by_parent.status(), StatusCode::NOT_FOUND);
        let anonymous = app
            .post_form(&browser(), "/professional/request", &[])
            .await;
        assert!(location(&anonymous).starts_with("/sign-in"));
        app.finish().await;
    }
}

#[tokio::test]
async fn a_closed_case_is_finished_on_the_caseload_for_18_months_then_drops_off() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let senco = app.signed_in(SENCO, PASSWORD).await;
        let ellie = app.child_id("Ellie").await;
        let close = |days_ago: i64| {
            let (app, ellie) = (&app, ellie.clone());
            async move {
                let at = app::platform::db::unix_now() - days_ago * 86_400;
                sqlx::query(
                    "UPDATE cases SET closed_at = $1 WHERE child_id = (SELECT id FROM children WHERE public_id = $2)",
                )
                .bind(at)
                .bind(&ellie)
                .execute(app.state.db.pool())
                .await
                .unwrap();
            }
        };
        let section = |html: &str, id: &str| -> String {
            html.find(&format!("id=\"{id}\""))
                .map(|at| {
                    let rest = &html[at..];
                    rest[..rest.find("<h2").unwrap_or(rest.len())].to_owned()
                })
                .unwrap_or_default()
        };
        // The SENCo is linked to Ellie: active while her case is open.
        let html = app.caseload(&senco).await;
        assert!(
            section(&html, "caseload-active").contains("Ellie Taylor"),
            "{backend:?}"
        );
        close(30).await;
        let html = app.caseload(&senco).await;
        assert!(!section(&html, "caseload-active").contains("Ellie Taylor"));
        assert!(
            section(&html, "caseload-finished").contains("Ellie Taylor"),
            "{backend:?}"
        );
        assert!(html.contains("Finished in the last 18 months (1)"));
        close(600).await;
        let html = app.caseload(&senco).await;
        assert!(
            !html.contains("Ellie Taylor"),
            "{backend:?}: dropped off after 18 months"
        );
        assert!(html.contains("Finished in the last 18 months (0)"));
        app.finish().await;
    }
}
