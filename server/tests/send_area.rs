//! The parents' SEND area: messages (unread counts, emails, the button to the form asked for),
//! Add Person, shared documents, the EHC status diagram, and every new server function refusing
//! someone else's record exactly as it refuses a missing one. Links, messages, documents and
//! stages are made with the functions the SEN team's dashboard calls.

mod common;

use app::{
    documents::{
        store::{share_document, NewDocument},
        DocumentKind,
    },
    messages::store::{send_message, FormRequest, NewMessage},
    people::{store as people, Relationship},
    status::{
        store::{record_stage, today},
        timeline::{add_days, Stage},
    },
};
use common::{backends, location, TestApp};
use reqwest::StatusCode;
use serde_json::Value;

const PASSWORD: &str = "demo-portal-2026";
const PARENT_VIEWS: &str = "parent-carer-views";

impl TestApp {
    /// A child linked (verified) to `user_id`, as the SEN team links one: (row id, public id).
    async fn linked_child(
        &self,
        user_id: i64,
        first: &str,
        last: &str,
        relationship: Relationship,
    ) -> (i64, String) {
        let mut conn = self.state.db.pool().acquire().await.unwrap();
        let child = people::insert_child(&mut conn, first, last, "2018-04-09", None)
            .await
            .unwrap();
        people::link_child(&mut conn, child.id, user_id, relationship, true)
            .await
            .unwrap();
        (child.id, child.summary.id)
    }

    async fn message(
        &self,
        to: i64,
        child: Option<i64>,
        subject: &str,
        action: Option<(&str, i64)>,
    ) -> String {
        send_message(
            &self.state,
            &NewMessage {
                recipient_id: to,
                sender_id: Some(self.user_id("caseworker@example.org").await),
                child_id: child,
                case_child_id: None,
                subject: subject.into(),
                body: format!("{subject}: private details about the family."),
                action: action.map(|(form, due_in)| FormRequest {
                    form_id: form.into(),
                    due_on: add_days(today(), due_in),
                }),
            },
        )
        .await
        .expect("the message is sent")
    }

    async fn stage(&self, child: i64, stage: Stage, days_ago: i64) {
        let mut conn = self.state.db.pool().acquire().await.unwrap();
        record_stage(&mut conn, child, stage, add_days(today(), -days_ago), None)
            .await
            .unwrap();
    }

    /// The child ids of `user_id`'s audit rows with this action, oldest first.
    async fn child_audit(&self, user_id: i64, action: &str) -> Vec<Option<i64>> {
        sqlx::query_as::<_, (Option<i64>,)>(
            "SELECT child_id FROM audit_log WHERE user_id = $1 AND action = $2 ORDER BY id",
        )
        .bind(user_id)
        .bind(action)
        .fetch_all(self.state.db.pool())
        .await
        .unwrap()
        .into_iter()
        .map(|(c,)| c)
        .collect()
    }
}

fn unread_badge(html: &str) -> Option<String> {
    let start = html.find("portal-unread__count\">")? + "portal-unread__count\">".len();
    Some(html[start..].split('<').next()?.to_owned())
}

#[tokio::test]
async fn messages_count_as_unread_until_opened_and_an_action_message_opens_its_form() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let parent_id = app.new_citizen("robin@example.org", "Robin Lee").await;
        let (child_row, child) = app
            .linked_child(parent_id, "Ruby", "Lee", Relationship::ParentCarer)
            .await;
        let parent = app.signed_in("robin@example.org", PASSWORD).await;

        let (_, home) = app.page(&parent, "messages/home", &[]).await;
        assert!(
            home.contains("You have no unread messages"),
            "{backend:?}: {home}"
        );
        assert_eq!(unread_badge(&home), None);

        let asked = app
            .message(
                parent_id,
                Some(child_row),
                "Your views about Ruby",
                Some((PARENT_VIEWS, 5)),
            )
            .await;
        let note = app
            .message(parent_id, Some(child_row), "A note about Ruby", None)
            .await;
        let (_, home) = app.page(&parent, "messages/home", &[]).await;
        assert_eq!(unread_badge(&home).as_deref(), Some("2"), "{backend:?}");
        assert!(
            home.contains("Due "),
            "the action message shows its due date"
        );
        // Newest first.
        assert!(
            home.find("A note about Ruby").unwrap() < home.find("Your views about Ruby").unwrap()
        );

        // The email says what is asked and by when, names the child by first name only, and
        // links to the message through sign-in; the message's own words stay in the portal.
        let email = app.last_email_to("robin@example.org").await.unwrap();
        let emails: Vec<_> = app
            .emails()
            .await
            .into_iter()
            .filter(|m| m.to == "robin@example.org" && m.subject.starts_with("Action needed"))
            .collect();
        assert_eq!(emails.len(), 1, "{backend:?}");
        let action_email = &emails[0];
        let due = add_days(today(), 5).long();
        assert_eq!(
            action_email.subject,
            format!("Action needed by {due}: a form for Ruby")
        );
        assert!(action_email.text.contains("Parent/Carer Views"));
        assert!(action_email
            .text
            .contains(&format!("/sign-in?return=/messages/{asked}")));
        for private in ["Lee", "private details", "2018"] {
            assert!(
                !action_email.text.contains(private) && !action_email.subject.contains(private),
                "{private} in the email"
            );
        }
        assert!(
            email.subject.contains("Ruby"),
            "the newest email is the note about Ruby"
        );

        // Opening the action message marks it read and offers the form.
        let (status, page) = app
            .page(&parent, "messages/message", &[("message", &asked)])
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("due in 5 days"), "{page}");
        assert!(page.contains("Start Parent/Carer Views"));
        assert!(page.contains(&format!("action=\"/messages/{asked}/form\"")));
        let (_, home) = app.page(&parent, "messages/home", &[]).await;
        assert_eq!(unread_badge(&home).as_deref(), Some("1"), "{backend:?}");
        assert_eq!(
            app.child_audit(parent_id, "message_read").await,
            [Some(child_row)]
        );

        // Its button starts exactly that form for that child, with the child's details in it…
        let response = app
            .post_form(&parent, &format!("/messages/{asked}/form"), &[])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let draft = location(&response)
            .trim_start_matches("/drafts/")
            .to_owned();
        let view = app.stored_draft(&draft).await;
        assert_eq!(view["form"]["id"], PARENT_VIEWS, "{view}");
        assert_eq!(view["child"]["id"], child.as_str());
        assert_eq!(view["answers"]["child"][0]["first_name"], "Ruby");
        assert_eq!(view["answers"]["child"][0]["date_of_birth"]["year"], "2018");
        // …and then continues it rather than starting another.
        let again = app
            .post_form(&parent, &format!("/messages/{asked}/form"), &[])
            .await;
        assert_eq!(location(&again), format!("/drafts/{draft}"));
        let (_, page) = app
            .page(&parent, "messages/message", &[("message", &asked)])
            .await;
        assert!(page.contains("Continue Parent/Carer Views"));

        // A message without an action has no button; the inbox lists both, both read now.
        let (_, page) = app
            .page(&parent, "messages/message", &[("message", &note)])
            .await;
        assert!(!page.contains("/form\""));
        let (_, inbox) = app.page(&parent, "messages/inbox", &[]).await;
        assert!(
            inbox.contains("You have read all your messages."),
            "{inbox}"
        );

        // Overdue counts calendar days, weekends included.
        let late = app
            .message(
                parent_id,
                Some(child_row),
                "Consent for Ruby",
                Some(("e2-parental-consent", -3)),
            )
            .await;
        let (_, page) = app
            .page(&parent, "messages/message", &[("message", &late)])
            .await;
        assert!(page.contains("3 days overdue"), "{page}");

        // The SEN team cannot message about a child who is not linked to the person.
        let stranger_child = app
            .linked_child(
                app.user_id("young.person@example.org").await,
                "Sol",
                "Ng",
                Relationship::Myself,
            )
            .await;
        let refused = send_message(
            &app.state,
            &NewMessage {
                recipient_id: parent_id,
                sender_id: None,
                child_id: Some(stranger_child.0),
                case_child_id: None,
                subject: "Wrong child".into(),
                body: String::new(),
                action: None,
            },
        )
        .await;
        assert!(refused.is_err());
        app.finish().await;
    }
}

#[tokio::test]
async fn add_person_links_a_child_as_added_by_the_parent_and_keeps_answers_when_refused() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let parent_id = app.new_citizen("kim@example.org", "Kim Ash").await;
        let parent = app.signed_in("kim@example.org", PASSWORD).await;

        // Refused: back to the form with every problem named and what was typed kept.
        let response = app
            .post_form(
                &parent,
                "/send/people",
                &[
                    ("who", "child"),
                    ("first_name", "Ava"),
                    ("day", "31"),
                    ("month", "2"),
                    ("year", "2019"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(location(&response), "/send/add-person");
        let (_, form) = app.page(&parent, "people/add", &[("who", "")]).await;
        assert!(form.contains("Enter their last name"), "{form}");
        assert!(form.contains("Date of birth must be a real date"));
        assert!(form.contains("value=\"Ava\"") && form.contains("value=\"31\""));
        assert!(form.contains("value=\"child\" checked"));
        // Shown once.
        let (_, form) = app.page(&parent, "people/add", &[("who", "")]).await;
        assert!(!form.contains("There is a problem"));

        let response = app
            .post_form(
                &parent,
                "/send/people",
                &[
                    ("who", "child"),
                    ("first_name", "Ava"),
                    ("last_name", "Ash"),
                    ("day", "3"),
                    ("month", "3"),
                    ("year", "2019"),
                ],
            )
            .await;
        let to = location(&response);
        assert!(
            to.starts_with("/children/") && to.ends_with("/forms?added=1"),
            "{to}"
        );
        let child = to
            .trim_start_matches("/children/")
            .trim_end_matches("/forms?added=1")
            .to_owned();
        let (row, created_by, relationship, verified): (i64, Option<i64>, String, Option<i64>) = sqlx::query_as(
            "SELECT c.id, c.created_by, l.relationship, l.verified_at FROM children c JOIN child_links l ON l.child_id = c.id WHERE c.public_id = $1",
        )
        .bind(&child)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
        assert_eq!(
            (created_by, relationship.as_str(), verified),
            (Some(parent_id), "parent_carer", None)
        );
        assert_eq!(
            app.child_audit(parent_id, "person_added").await,
            [Some(row)]
        );

        // The SEND area shows the new tile, marked as added by the parent, and the own tile.
        let (_, area) = app.page(&parent, "people/area", &[]).await;
        assert!(
            area.contains("Ava Ash") && area.contains("Added by you"),
            "{area}"
        );
        assert!(area.contains("portal-tile--self") && area.contains("/send/add-person?who=self"));

        // E1 starts with the child's names and date of birth filled in.
        let response = app
            .call(
                &parent,
                "forms/start",
                &[("child", &child), ("form", "e1-parent-request")],
            )
            .await;
        assert!(response.status().is_success() || response.status().is_redirection());
        let draft: String =
            sqlx::query_as::<_, (String,)>("SELECT answers FROM drafts WHERE child_id = $1")
                .bind(row)
                .fetch_one(app.state.db.pool())
                .await
                .unwrap()
                .0;
        assert!(
            draft.contains("\"first_name\":\"Ava\"") && draft.contains("\"last_name\":\"Ash\""),
            "{draft}"
        );

        // A young person adds themself once; a second time is refused.
        let young = app.signed_in("young.person@example.org", PASSWORD).await;
        let response = app
            .post_form(
                &young,
                "/send/people",
                &[
                    ("who", "self"),
                    ("first_name", "Jordan"),
                    ("last_name", "Reid"),
                    ("day", "20"),
                    ("month", "3"),
                    ("year", "2009"),
                ],
            )
            .await;
        assert_eq!(location(&response), "/send/add-person");
        let (_, form) = app.page(&young, "people/add", &[("who", "")]).await;
        assert!(form.contains("You have already added yourself"), "{form}");

        // Not signed in: to sign in, coming back to the form.
        let response = app
            .post_form(&common::browser(), "/send/people", &[("who", "child")])
            .await;
        assert_eq!(location(&response), "/sign-in?return=/send/add-person");
        app.finish().await;
    }
}

#[tokio::test]
async fn the_status_diagram_appears_once_the_assessment_starts_with_deadlines_from_the_request() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let parent_id = app.new_citizen("lee@example.org", "Lee Park").await;
        let (row, child) = app
            .linked_child(parent_id, "Noah", "Park", Relationship::ParentCarer)
            .await;
        let parent = app.signed_in("lee@example.org", PASSWORD).await;

        // Not started: no diagram, and the child's page offers none.
        let (status, _) = app
            .page(&parent, "status/child", &[("child", &child)])
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{backend:?}");
        let forms: Value = app
            .call(&parent, "forms/child", &[("child", &child)])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(forms["assessment_started"], false);

        // Requested 50 days ago, decided to assess 10 days ago (week 5: on time).
        app.stage(row, Stage::RequestReceived, 50).await;
        app.stage(row, Stage::DecisionToAssess, 10).await;
        let forms: Value = app
            .call(&parent, "forms/child", &[("child", &child)])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(forms["assessment_started"], true);
        let (status, page) = app
            .page(&parent, "status/child", &[("child", &child)])
            .await;
        assert_eq!(status, StatusCode::OK);
        let requested = add_days(today(), -50);
        assert!(
            page.contains(&format!("received the request on {}", requested.long())),
            "{page}"
        );
        assert!(page.contains("Next: Advice gathered"));
        // Advice by week 12, final plan by week 20, counted from the request.
        assert!(page.contains(&add_days(requested, 84).long()));
        assert!(page.contains(&add_days(requested, 140).long()));
        assert!(page.contains(&format!("Done on {}", add_days(today(), -10).long())));
        assert!(
            !page.contains("portal-stage--overdue") && !page.contains("govuk-tag--red"),
            "nothing is late yet"
        );
        assert!(
            page.contains("role=\"img\"") && page.contains("<table"),
            "a picture and its words"
        );
        assert_eq!(
            app.child_audit(parent_id, "status_viewed").await,
            [Some(row)]
        );

        // Requested 100 days ago: advice (due at day 84) is overdue.
        app.stage(row, Stage::RequestReceived, 100).await;
        let (_, page) = app
            .page(&parent, "status/child", &[("child", &child)])
            .await;
        assert!(
            page.contains("govuk-tag--red") && page.contains("portal-stage--overdue"),
            "{page}"
        );
        assert!(page.contains("16 days overdue"));

        // A draft plan issued 5 days ago leaves 10 days to comment.
        app.stage(row, Stage::AdviceGathering, 30).await;
        app.stage(row, Stage::DecisionToIssue, 6).await;
        app.stage(row, Stage::DraftPlan, 5).await;
        let (_, page) = app
            .page(&parent, "status/child", &[("child", &child)])
            .await;
        assert!(page.contains("Your comments on the draft plan"), "{page}");
        assert!(page.contains(&format!(
            "{} (due in 10 days)",
            add_days(today(), 10).long()
        )));
        app.finish().await;
    }
}

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

#[tokio::test]
async fn shared_documents_show_in_history_for_the_family_and_download_as_attachments() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let parent_id = app.new_citizen("ash@example.org", "Ash Green").await;
        let (row, child) = app
            .linked_child(parent_id, "Mia", "Green", Relationship::ParentCarer)
            .await;
        let senco_id = app.user_id("senco@example.org").await;
        let mut conn = app.state.db.pool().acquire().await.unwrap();
        people::link_child(&mut conn, row, senco_id, Relationship::Professional, true)
            .await
            .unwrap();
        drop(conn);
        let caseworker = app.user_id("caseworker@example.org").await;
        let share =
            |kind, title: &str, readers: &[i64], files: Vec<(String, bytes::Bytes)>| NewDocument {
                child_id: row,
                shared_by: caseworker,
                kind,
                title: title.into(),
                body: "First paragraph.\n\nSecond paragraph.".into(),
                readers: readers.to_vec(),
                files,
            };
        let plan = share_document(
            &app.state.db,
            &app.state.storage,
            &share(
                DocumentKind::DraftPlan,
                "Draft EHC plan for Mia",
                &[parent_id],
                vec![("plan.pdf".into(), PDF.into())],
            ),
        )
        .await
        .unwrap();
        share_document(
            &app.state.db,
            &app.state.storage,
            &share(
                DocumentKind::Report,
                "School report",
                &[parent_id, senco_id],
                vec![],
            ),
        )
        .await
        .unwrap();
        // A program is not shared, whatever its name.
        let refused = share_document(
            &app.state.db,
            &app.state.storage,
            &share(
                DocumentKind::Letter,
                "Bad",
                &[parent_id],
                vec![(
                    "letter.pdf".into(),
                    b"MZ\x90\x00\x03\x00\x00\x00".as_slice().into(),
                )],
            ),
        )
        .await;
        assert!(refused.is_err(), "{backend:?}");
        // Nor with someone who is not linked to the child.
        let stranger = app.user_id("young.person@example.org").await;
        let refused = share_document(
            &app.state.db,
            &app.state.storage,
            &share(
                DocumentKind::Letter,
                "Not theirs",
                &[parent_id, stranger],
                vec![],
            ),
        )
        .await;
        assert!(refused.is_err(), "{backend:?}");

        let parent = app.signed_in("ash@example.org", PASSWORD).await;
        let titles = app.shared_titles(&parent, &child).await;
        assert_eq!(titles.len(), 2, "{backend:?}: {titles:?}");
        assert!(titles.iter().any(|t| t == "Draft EHC plan for Mia"));
        let (status, page) = app
            .page(&parent, "documents/view", &[("document", &plan)])
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains("Second paragraph.") && page.contains("Draft EHC plan"),
            "{page}"
        );
        assert!(page.contains("15 days"), "the comment window is explained");
        let file = page
            .split("href=\"/files/")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        let download = parent
            .get(app.url(&format!("/files/{file}")))
            .send()
            .await
            .unwrap();
        assert_eq!(download.status(), StatusCode::OK);
        assert!(download.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment"));
        assert_eq!(download.bytes().await.unwrap().as_ref(), PDF);
        assert_eq!(
            app.child_audit(parent_id, "document_viewed").await,
            [Some(row)]
        );
        assert_eq!(
            app.child_audit(parent_id, "file_downloaded").await,
            [Some(row)]
        );

        // The school reads what was shared with it, not the family's plan.
        let senco = app.signed_in("senco@example.org", PASSWORD).await;
        let titles = app.shared_titles(&senco, &child).await;
        assert_eq!(titles, ["School report"]);
        let (status, _) = app
            .page(&senco, "documents/view", &[("document", &plan)])
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let download = senco
            .get(app.url(&format!("/files/{file}")))
            .send()
            .await
            .unwrap();
        assert_eq!(download.status(), StatusCode::NOT_FOUND);
        app.finish().await;
    }
}

#[tokio::test]
async fn someone_elses_child_message_document_or_status_answers_like_a_missing_one() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let owner_id = app.new_citizen("owner@example.org", "Olu Ade").await;
        let (row, child) = app
            .linked_child(owner_id, "Tia", "Ade", Relationship::ParentCarer)
            .await;
        app.stage(row, Stage::RequestReceived, 20).await;
        let message = app
            .message(owner_id, Some(row), "For Tia", Some((PARENT_VIEWS, 5)))
            .await;
        let document = share_document(
            &app.state.db,
            &app.state.storage,
            &NewDocument {
                child_id: row,
                shared_by: app.user_id("caseworker@example.org").await,
                kind: DocumentKind::Letter,
                title: "Letter".into(),
                body: "Private.".into(),
                readers: vec![owner_id],
                files: vec![("letter.pdf".into(), PDF.into())],
            },
        )
        .await
        .unwrap();
        let (file,): (String,) =
            sqlx::query_as("SELECT public_id FROM attachments WHERE child_id = $1")
                .bind(row)
                .fetch_one(app.state.db.pool())
                .await
                .unwrap();

        // The demo parent is linked to other children, not to Tia.
        let other = app.signed_in("parent@example.org", PASSWORD).await;
        let missing = "AAAAAAAAAAAAAAAA";
        for (page, key, theirs) in [
            ("status/child", "child", child.as_str()),
            ("messages/message", "message", message.as_str()),
            ("documents/view", "document", document.as_str()),
        ] {
            let (foreign_status, foreign_body) = app.page(&other, page, &[(key, theirs)]).await;
            let (absent_status, absent_body) = app.page(&other, page, &[(key, missing)]).await;
            assert_eq!(foreign_status, StatusCode::NOT_FOUND, "{backend:?} {page}");
            assert_eq!(absent_status, foreign_status, "{page}");
            assert_eq!(absent_body, foreign_body, "{page}");
        }
        let foreign = app.call(&other, "forms/child", &[("child", &child)]).await;
        let (foreign_status, foreign_body) = (foreign.status(), foreign.text().await.unwrap());
        let absent = app.call(&other, "forms/child", &[("child", missing)]).await;
        assert_eq!(
            foreign_status,
            StatusCode::NOT_FOUND,
            "{backend:?} forms/child"
        );
        assert_eq!(absent.status(), foreign_status);
        assert_eq!(absent.text().await.unwrap(), foreign_body);
        for (theirs, absent) in [(
            format!("/messages/{message}/form"),
            format!("/messages/{missing}/form"),
        )] {
            let foreign = app.post_form(&other, &theirs, &[]).await;
            let nothing = app.post_form(&other, &absent, &[]).await;
            assert_eq!(foreign.status(), StatusCode::NOT_FOUND);
            assert_eq!(nothing.status(), foreign.status());
            assert_eq!(nothing.text().await.unwrap(), foreign.text().await.unwrap());
        }
        let foreign = other
            .get(app.url(&format!("/files/{file}")))
            .send()
            .await
            .unwrap();
        assert_eq!(foreign.status(), StatusCode::NOT_FOUND);
        // The pages themselves answer "Page not found", as for an address that does not exist.
        for path in [
            format!("/children/{child}/status"),
            format!("/messages/{message}"),
            format!("/shared/{document}"),
        ] {
            let page = other.get(app.url(&path)).send().await.unwrap();
            assert_eq!(page.status(), StatusCode::NOT_FOUND, "{path}");
            assert!(
                page.text().await.unwrap().contains("Page not found"),
                "{path}"
            );
        }
        // Nothing was marked read or opened for the owner.
        let owner = app.signed_in("owner@example.org", PASSWORD).await;
        let (_, home) = app.page(&owner, "messages/home", &[]).await;
        assert_eq!(unread_badge(&home).as_deref(), Some("1"), "{backend:?}");
        // And the SEND area lists only one's own children.
        let (_, area) = app.page(&other, "people/area", &[]).await;
        assert!(area.contains("Ellie Taylor") && !area.contains("Tia Ade"));
        app.finish().await;
    }
}

#[tokio::test]
async fn the_demo_parent_sees_two_children_at_different_stages_unread_messages_and_a_draft_plan() {
    let app = TestApp::spawn(common::Backend::Sqlite).await;
    let parent = app.signed_in("parent@example.org", PASSWORD).await;
    let (_, home) = app.page(&parent, "messages/home", &[]).await;
    assert_eq!(unread_badge(&home).as_deref(), Some("3"), "{home}");
    let (_, area) = app.page(&parent, "people/area", &[]).await;
    assert!(
        area.contains("Assessment – next: Final plan issued"),
        "{area}"
    );
    assert!(
        area.contains("Assessment – next: Advice gathered – overdue"),
        "{area}"
    );
    let ellie = app.child_id("Ellie").await;
    let forms: Value = app
        .call(&parent, "forms/child", &[("child", &ellie)])
        .await
        .json()
        .await
        .unwrap();
    assert!(
        forms["shared"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["kind"] == "Draft EHC plan"),
        "{forms}"
    );
    let (_, status) = app
        .page(&parent, "status/child", &[("child", &ellie)])
        .await;
    assert!(
        status.contains("(due in 10 days)"),
        "comments on the draft plan: {status}"
    );
    app.finish().await;
}
