//! A young person aged 16 to 25 acting for themself is spoken to as "you": the SEN team's
//! request names no child to them (message, email, the action box), and the form they fill in
//! and the form they sent say "you", where a parent's says "your child".

mod common;

use app::status::{store::today, timeline::add_days};
use common::{backends, location, TestApp};
use reqwest::StatusCode;

const PASSWORD: &str = "demo-portal-2026";
const YOUNG: &str = "young.person@example.org";
const E1: &str = "e1-parent-request";

impl TestApp {
    /// The SEN team asks `recipient` for the E1 for the child.
    async fn ask_for_e1(&self, staff: &reqwest::Client, child: &str, recipient: i64) {
        let (_, html) = self.html(staff, &format!("/staff/cases/{child}")).await;
        let at = html.find("name=\"version\" value=\"").expect("a version") + 22;
        let version = html[at..].split('"').next().unwrap().to_owned();
        let due = add_days(today(), 14);
        let response = self
            .post_form(
                staff,
                &format!("/staff/cases/{child}/request"),
                &[
                    ("version", version.as_str()),
                    ("form", E1),
                    ("recipient", &recipient.to_string()),
                    ("note", ""),
                    ("due-day", &due.day.to_string()),
                    ("due-month", &due.month.to_string()),
                    ("due-year", &due.year.to_string()),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }

    /// Opens the request's form from its message: the draft's address.
    async fn open_request(&self, client: &reqwest::Client, recipient: &str) -> String {
        let message: String = sqlx::query_scalar(
            "SELECT m.public_id FROM messages m JOIN users u ON u.id = m.recipient_id \
             WHERE u.email = $1 AND m.form_id = $2 ORDER BY m.id DESC LIMIT 1",
        )
        .bind(recipient)
        .bind(E1)
        .fetch_one(self.state.db.pool())
        .await
        .unwrap();
        let (status, html) = self.html(client, &format!("/messages/{message}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("What you need to do"));
        let response = self
            .post_form(client, &format!("/messages/{message}/form"), &[])
            .await;
        location(&response)
    }
}

#[tokio::test]
async fn a_young_person_is_asked_and_shown_their_form_as_you() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let staff = app.signed_in("caseworker@example.org", PASSWORD).await;
        let young = app.signed_in(YOUNG, PASSWORD).await;
        let parent = app.signed_in("parent@example.org", PASSWORD).await;
        let jordan = app.child_id("Jordan").await;
        let max = app.child_id("Max").await;

        // The request names no child to the young person; to the parent it names Max.
        app.ask_for_e1(&staff, &jordan, app.user_id(YOUNG).await)
            .await;
        app.ask_for_e1(&staff, &max, app.user_id("parent@example.org").await)
            .await;
        let email = app.last_email_to(YOUNG).await.unwrap();
        assert!(
            email.subject.starts_with("Action needed by"),
            "{}",
            email.subject
        );
        assert!(!email.subject.contains("Jordan") && !email.text.contains("Jordan"));
        assert!(email.text.contains("asks you to fill in a form"));
        let subject: String = sqlx::query_scalar(
            "SELECT m.subject FROM messages m JOIN users u ON u.id = m.recipient_id \
             WHERE u.email = $1 AND m.form_id = $2",
        )
        .bind(YOUNG)
        .bind(E1)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
        assert!(!subject.contains("Jordan"), "{backend:?}: {subject}");
        let parent_email = app.last_email_to("parent@example.org").await.unwrap();
        assert!(parent_email.subject.contains("a form for Max"));

        // The young person's form says "you"; the parent's "your child".
        let draft = app.open_request(&young, YOUNG).await;
        assert!(draft.starts_with("/drafts/"), "{backend:?}: {draft}");
        let (status, html) = app.html(&young, &format!("{draft}/about-the-child")).await;
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(html.contains("About you"), "{backend:?}");
        let (_, needs) = app.html(&young, &format!("{draft}/needs")).await;
        assert!(needs.contains("Your needs"), "{backend:?}");
        assert!(needs.contains("Which areas do you need help with?"));
        assert!(!needs.to_lowercase().contains("your child"), "{backend:?}");

        let parent_draft = app.open_request(&parent, "parent@example.org").await;
        let (_, needs) = app.html(&parent, &format!("{parent_draft}/needs")).await;
        assert!(needs.contains("Your child&#x27;s needs") || needs.contains("Your child's needs"));
        assert!(needs.contains("Which areas does your child need help with?"));
        app.finish().await;
    }
}
