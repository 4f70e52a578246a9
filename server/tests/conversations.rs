//! Conversations: the SEN team's plain message opens a thread; the family replies with a file,
//! which reaches the case page and the dashboard's "Replies to read"; the team answers, and the
//! family's unread count shows it. Emails say only that there is a message. A family member
//! writes to the SEN team; a professional answers an advice request's message. Nobody outside
//! the conversation reads it, its files, or replies to it; every limit holds, in parallel too.

mod common;

use common::{backends, browser, location, TestApp};
use reqwest::{multipart::Form, multipart::Part, StatusCode};

const PASSWORD: &str = "demo-portal-2026";
const CASEWORKER: &str = "caseworker@example.org";
const PARENT: &str = "parent@example.org";
const PSYCHOLOGIST: &str = "psychologist@example.org";
const PDF: &[u8] = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

fn pdf(name: &str) -> Part {
    Part::bytes(PDF.to_vec()).file_name(name.to_owned())
}

impl TestApp {
    async fn post_multipart(
        &self,
        client: &reqwest::Client,
        path: &str,
        form: Form,
    ) -> reqwest::Response {
        client
            .post(self.url(path))
            .header("origin", self.address.clone())
            .multipart(form)
            .send()
            .await
            .expect("multipart post")
    }

    async fn message_id(&self, subject: &str) -> String {
        sqlx::query_scalar("SELECT public_id FROM messages WHERE subject = $1")
            .bind(subject)
            .fetch_one(self.state.db.pool())
            .await
            .unwrap()
    }

    /// Whether the inbox marks the conversation with this subject unread.
    async fn unread_in_inbox(&self, client: &reqwest::Client, subject: &str) -> bool {
        let (_, inbox) = self.html(client, "/messages").await;
        let at = inbox
            .find(subject)
            .expect("the conversation is in the inbox");
        let item = inbox[..at].rfind("<li").expect("an item");
        inbox[item..at].contains("--unread")
    }

    async fn scalar(&self, sql: &str, arg: &str) -> i64 {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
            .bind(arg)
            .fetch_one(self.state.db.pool())
            .await
            .unwrap()
    }

    /// The SEN team's plain message from the case page: where it sent the browser.
    async fn staff_message(
        &self,
        staff: &reqwest::Client,
        child: &str,
        to: i64,
        subject: &str,
        body: &str,
    ) -> String {
        let form = Form::new()
            .text("message-to", to.to_string())
            .text("message-subject", subject.to_owned())
            .text("message-body", body.to_owned());
        let response = self
            .post_multipart(staff, &format!("/staff/cases/{child}/messages"), form)
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        location(&response)
    }
}

#[tokio::test]
async fn a_reply_with_a_file_reaches_the_case_page_and_the_teams_answer_reaches_the_parent() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let staff = app.signed_in(CASEWORKER, PASSWORD).await;
        let parent = app.signed_in(PARENT, PASSWORD).await;
        let max = app.child_id("Max").await;
        let parent_id = app.user_id(PARENT).await;
        let case = format!("/staff/cases/{max}");

        // Refused: no subject (what was typed is kept), and someone not linked to Max.
        let back = app
            .staff_message(&staff, &max, parent_id, " ", "We would like to visit.")
            .await;
        assert_eq!(back, case);
        let (_, html) = app.html(&staff, &case).await;
        assert!(html.contains("Enter a subject"), "{backend:?}");
        assert!(html.contains("We would like to visit."), "{backend:?}");
        let psychologist_id = app.user_id(PSYCHOLOGIST).await;
        app.staff_message(&staff, &max, psychologist_id, "Visit", "Hello")
            .await;
        let (_, html) = app.html(&staff, &case).await;
        assert!(html.contains("Choose someone linked to the child"));
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM messages WHERE subject = $1", "Visit")
                .await,
            0
        );

        // Sent: a plain message, asking for no form.
        let subject = "A visit at home next week";
        app.staff_message(
            &staff,
            &max,
            parent_id,
            subject,
            "We would like to visit on Tuesday. Does the morning suit you?",
        )
        .await;
        let (_, html) = app.html(&staff, &case).await;
        assert!(html.contains("Message sent to Sam Taylor"), "{backend:?}");
        assert!(html.contains(subject));
        let message = app.message_id(subject).await;
        let email = app.last_email_to(PARENT).await.expect("an email");
        assert_eq!(email.subject, "New message about Max in the SEND portal");
        assert!(!email.text.contains("Tuesday"));
        assert!(app.unread_in_inbox(&parent, subject).await, "{backend:?}");

        // The parent reads it: it asks for no form, and can be answered.
        let page = format!("/messages/{message}");
        let (status, html) = app.html(&parent, &page).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Does the morning suit you?"));
        assert!(!html.contains("What you need to do"));
        assert!(html.contains("Reply to the SEN team"));

        // A blank reply, and a file of the wrong type, come back with the reason (and the text).
        let reply = |body: &str, file: Option<Part>| {
            let form = Form::new().text("body", body.to_owned());
            match file {
                Some(part) => form.part("file", part),
                None => form,
            }
        };
        let path = format!("/messages/{message}/replies");
        let refused = app.post_multipart(&parent, &path, reply("  ", None)).await;
        assert_eq!(location(&refused), page);
        let (_, html) = app.html(&parent, &page).await;
        assert!(html.contains("Enter your reply"), "{backend:?}");
        assert!(html.contains("<title>Error: "));
        let text = Part::bytes(b"just some text".to_vec()).file_name("notes.txt");
        app.post_multipart(&parent, &path, reply("Tuesday is fine.", Some(text)))
            .await;
        let (_, html) = app.html(&parent, &page).await;
        assert!(html.contains("must be a PDF"), "{backend:?}");
        assert!(html.contains("Tuesday is fine."));
        assert_eq!(
            app.scalar(
                "SELECT COUNT(*) FROM message_replies r JOIN messages m ON m.id = r.message_id WHERE m.public_id = $1",
                &message,
            )
            .await,
            0
        );

        // The reply with a file.
        let sent = app
            .post_multipart(
                &parent,
                &path,
                reply(
                    "Tuesday morning is fine. Here is the GP's letter.",
                    Some(pdf("GP letter.pdf")),
                ),
            )
            .await;
        assert_eq!(sent.status(), StatusCode::SEE_OTHER);
        assert!(location(&sent).starts_with(&format!("{page}#reply-")));
        let (_, html) = app.html(&parent, &page).await;
        assert!(html.contains("Tuesday morning is fine."));
        assert!(html.contains("GP letter.pdf"));
        assert!(!app.unread_in_inbox(&parent, subject).await);

        // The SEN team: the dashboard's "Replies to read", the case page, an email to the
        // caseworker who wrote (saying only that there is a reply).
        let (_, dashboard) = app.html(&staff, "/staff").await;
        assert!(dashboard.contains("Replies to read (1)"), "{backend:?}");
        assert!(dashboard.contains(&format!("/staff/messages/{message}")));
        let (_, html) = app.html(&staff, &case).await;
        assert!(html.contains("1 conversation has a reply to read."));
        assert!(html.contains("Reply to read"));
        let email = app.last_email_to(CASEWORKER).await.expect("an email");
        assert_eq!(email.subject, "A reply to read in the SEND portal");
        assert!(!email.text.contains("GP"));
        assert!(email.text.contains(&format!("/staff/messages/{message}")));

        // The caseworker reads it (the file too); then nothing is left to read.
        let staff_page = format!("/staff/messages/{message}");
        let (status, html) = app.html(&staff, &staff_page).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Tuesday morning is fine."));
        assert!(html.contains("GP letter.pdf"));
        let file: String = sqlx::query_scalar(
            "SELECT public_id FROM attachments WHERE file_name = 'GP letter.pdf'",
        )
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
        let download = staff
            .get(app.url(&format!("/files/{file}")))
            .send()
            .await
            .unwrap();
        assert_eq!(download.status(), StatusCode::OK);
        assert_eq!(download.bytes().await.unwrap().as_ref(), PDF);
        let (_, dashboard) = app.html(&staff, "/staff").await;
        assert!(dashboard.contains("Replies to read (0)"), "{backend:?}");

        // Nobody else: another parent, the psychologist, anonymous.
        app.new_citizen("other.parent@example.org", "Other Parent")
            .await;
        let other = app.signed_in("other.parent@example.org", PASSWORD).await;
        let psychologist = app.signed_in(PSYCHOLOGIST, PASSWORD).await;
        for outsider in [&other, &psychologist] {
            assert_eq!(app.html(outsider, &page).await.0, StatusCode::NOT_FOUND);
            assert_eq!(
                app.html(outsider, &staff_page).await.0,
                StatusCode::FORBIDDEN
            );
            let response = app
                .post_multipart(outsider, &path, reply("Let me in", None))
                .await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{backend:?}");
            let response = outsider
                .get(app.url(&format!("/files/{file}")))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::NOT_FOUND);
        }
        let anonymous = browser();
        let response = app
            .post_multipart(&anonymous, &path, reply("Hello", None))
            .await;
        assert!(location(&response).starts_with("/sign-in"), "{backend:?}");

        // The team answers: the parent has something unread again, and an email.
        app.post_multipart(
            &staff,
            &path,
            reply("Thank you. See you at 10 on Tuesday.", None),
        )
        .await;
        assert!(app.unread_in_inbox(&parent, subject).await, "{backend:?}");
        let (_, html) = app.html(&parent, &page).await;
        assert!(html.contains("See you at 10 on Tuesday."));
        assert!(html.contains("Chris Walker, SEN team"));
        let email = app.last_email_to(PARENT).await.unwrap();
        assert_eq!(email.subject, "New message in the SEND portal");
        assert!(!email.text.contains("Tuesday"));
        assert!(!app.unread_in_inbox(&parent, subject).await);

        // Unlinked from Max, the parent can no longer answer a message about him.
        sqlx::query(
            "DELETE FROM child_links WHERE user_id = $1 AND child_id = (SELECT id FROM children WHERE public_id = $2)",
        )
        .bind(parent_id)
        .bind(&max)
        .execute(app.state.db.pool())
        .await
        .unwrap();
        let response = app
            .post_multipart(&parent, &path, reply("Are you still there?", None))
            .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{backend:?}");

        // Both replies are on the record.
        assert_eq!(
            app.scalar(
                "SELECT COUNT(*) FROM audit_log WHERE action = $1",
                "message_replied"
            )
            .await,
            2
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn a_parent_writes_to_the_sen_team_and_a_professional_answers_an_advice_request() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let staff = app.signed_in(CASEWORKER, PASSWORD).await;
        let parent = app.signed_in(PARENT, PASSWORD).await;
        let max = app.child_id("Max").await;

        let write = |child: &str, subject: &str, body: &str| {
            Form::new()
                .text("child", child.to_owned())
                .text("subject", subject.to_owned())
                .text("body", body.to_owned())
        };
        // A child not linked to them, and no subject: refused, kept.
        let young = app.child_id("Jordan").await;
        let refused = app
            .post_multipart(&parent, "/messages", write(&young, "Hello", "About Jordan"))
            .await;
        assert_eq!(location(&refused), "/messages/new");
        let (_, html) = app.html(&parent, "/messages/new").await;
        assert!(
            html.contains("Choose who the message is about"),
            "{backend:?}"
        );
        assert!(html.contains("About Jordan"));
        app.post_multipart(&parent, "/messages", write(&max, "", "Max's new diagnosis"))
            .await;
        let (_, html) = app.html(&parent, "/messages/new").await;
        assert!(html.contains("Enter a subject"));
        assert!(html.contains("Max&#x27;s new diagnosis") || html.contains("Max's new diagnosis"));

        // Written: it is in the parent's messages as theirs, and the team has it to read.
        let subject = "Max has a new diagnosis";
        let sent = app
            .post_multipart(
                &parent,
                "/messages",
                write(&max, subject, "The paediatrician has diagnosed autism.")
                    .part("file", pdf("Diagnosis.pdf")),
            )
            .await;
        let message = app.message_id(subject).await;
        assert_eq!(location(&sent), format!("/messages/{message}"));
        let (_, html) = app.html(&parent, &format!("/messages/{message}")).await;
        assert!(html.contains("Diagnosis.pdf"));
        assert!(html.contains(">You<"), "{backend:?}");
        let (_, inbox) = app.html(&parent, "/messages").await;
        assert!(inbox.contains(subject));
        let (_, dashboard) = app.html(&staff, "/staff").await;
        assert!(dashboard.contains("Replies to read (1)"), "{backend:?}");
        assert!(dashboard.contains("Max Taylor"));
        let (_, html) = app.html(&staff, &format!("/staff/cases/{max}")).await;
        assert!(html.contains(subject));
        assert!(html.contains("From Sam Taylor"));

        // The advice request's message to the psychologist names no child, but belongs to
        // Max's case: the psychologist replies, and the case shows it.
        let (_, html) = app.html(&staff, &format!("/staff/cases/{max}")).await;
        let at = html.find("name=\"version\" value=\"").expect("a version") + 22;
        let version = html[at..].split('"').next().unwrap().to_owned();
        let organisation: i64 = sqlx::query_scalar("SELECT id FROM organisations WHERE name = $1")
            .bind("Educational Psychology Service")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
        let due = app::status::timeline::add_days(app::status::store::today(), 42);
        let asked = app
            .post_form(
                &staff,
                &format!("/staff/cases/{max}/ask-advice"),
                &[
                    ("version", version.as_str()),
                    ("advice-kind", "psychological"),
                    ("advice-organisation", &organisation.to_string()),
                    ("advice-person", "0"),
                    ("advice-due-day", &due.day.to_string()),
                    ("advice-due-month", &due.month.to_string()),
                    ("advice-due-year", &due.year.to_string()),
                    ("advice-note", "Please see him at nursery."),
                ],
            )
            .await;
        assert_eq!(asked.status(), StatusCode::SEE_OTHER);
        let advice: String = sqlx::query_scalar(
            "SELECT m.public_id FROM messages m JOIN users u ON u.id = m.recipient_id \
             JOIN children c ON c.id = m.case_child_id WHERE u.email = $1 AND c.public_id = $2 \
             AND m.child_id IS NULL",
        )
        .bind(PSYCHOLOGIST)
        .bind(&max)
        .fetch_one(app.state.db.pool())
        .await
        .expect("the advice request's message belongs to Max's case");
        let psychologist = app.signed_in(PSYCHOLOGIST, PASSWORD).await;
        let response = app
            .post_multipart(
                &psychologist,
                &format!("/messages/{advice}/replies"),
                Form::new().text("body", "I can see him on the 12th."),
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{backend:?}");
        let (_, html) = app.html(&staff, &format!("/staff/cases/{max}")).await;
        assert!(
            html.contains("2 conversations have replies to read."),
            "{backend:?}"
        );
        let (_, html) = app.html(&staff, &format!("/staff/messages/{advice}")).await;
        assert!(html.contains("I can see him on the 12th."));
        app.finish().await;
    }
}

#[tokio::test]
async fn replies_hold_their_limits_and_none_is_lost_in_parallel() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let staff = app.signed_in(CASEWORKER, PASSWORD).await;
        let max = app.child_id("Max").await;
        let parent_id = app.user_id(PARENT).await;
        app.staff_message(&staff, &max, parent_id, "Limits", "Tell us anything.")
            .await;
        let message = app.message_id("Limits").await;
        let path = format!("/messages/{message}/replies");
        let page = format!("/messages/{message}");
        let parent = app.signed_in(PARENT, PASSWORD).await;

        // Six files, and a reply over 10,000 characters, are refused with the reason.
        let mut six = Form::new().text("body", "Six files");
        for i in 0..6 {
            six = six.part("file", pdf(&format!("file {i}.pdf")));
        }
        app.post_multipart(&parent, &path, six).await;
        let (_, html) = app.html(&parent, &page).await;
        assert!(
            html.contains("Send at most 5 files with one message"),
            "{backend:?}"
        );
        let long = "a".repeat(10_001);
        app.post_multipart(&parent, &path, Form::new().text("body", long))
            .await;
        let (_, html) = app.html(&parent, &page).await;
        assert!(html.contains("10000 characters or fewer"), "{backend:?}");
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM attachments WHERE message_id IS NOT NULL AND file_name LIKE $1", "file %")
                .await,
            0
        );

        // Ten replies at once from each side: every one is kept, in one thread.
        let mut posts = tokio::task::JoinSet::new();
        for i in 0..10 {
            for (client, who) in [(&parent, "parent"), (&staff, "team")] {
                let form = Form::new().text("body", format!("{who} reply {i}"));
                let request = client
                    .post(app.url(&path))
                    .header("origin", app.address.clone())
                    .multipart(form);
                posts.spawn(async move { request.send().await.expect("a reply") });
            }
        }
        for response in posts.join_all().await {
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{backend:?}");
            assert!(location(&response).contains("#reply-"));
        }
        assert_eq!(
            app.scalar(
                "SELECT COUNT(*) FROM message_replies r JOIN messages m ON m.id = r.message_id WHERE m.public_id = $1",
                &message
            )
            .await,
            20
        );
        let (_, html) = app
            .html(&staff, &format!("/staff/messages/{message}"))
            .await;
        for i in 0..10 {
            assert!(html.contains(&format!("parent reply {i}")));
            assert!(html.contains(&format!("team reply {i}")));
        }
        app.finish().await;
    }
}
