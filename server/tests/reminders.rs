//! Reminders: a form asked of a parent, and advice asked of an organisation, are reminded of 3
//! days before they are due and the day after they become overdue, each once, however many
//! runs and servers there are; a form sent since is not; the dashboard lists what is overdue.

mod common;

use app::status::{store::today, timeline::add_days};
use common::{backends, test_settings, TestApp};

const PASSWORD: &str = "demo-portal-2026";
const PARENT: &str = "parent@example.org";
const PSYCHOLOGIST: &str = "psychologist@example.org";
const YOUNG: &str = "young.person@example.org";

impl TestApp {
    async fn exec(&self, sql: &str, args: &[&str]) {
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()));
        for arg in args {
            query = query.bind(*arg);
        }
        query.execute(self.state.db.pool()).await.unwrap();
    }

    async fn reminders_to(&self, to: &str, subject_starts: &str) -> usize {
        self.emails()
            .await
            .into_iter()
            .filter(|m| m.to == to && m.subject.starts_with(subject_starts))
            .count()
    }
}

#[tokio::test]
async fn each_reminder_goes_once_however_many_servers_run_it() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let today = today();
        // Only the requests under test fall due.
        app.exec(
            "UPDATE messages SET due_on = '2099-01-01' WHERE due_on IS NOT NULL",
            &[],
        )
        .await;
        app.exec("UPDATE advice_requests SET due_on = '2099-01-01'", &[])
            .await;
        let form: i64 = sqlx::query_scalar(
            "SELECT m.id FROM messages m JOIN users u ON u.id = m.recipient_id \
             JOIN children c ON c.id = m.child_id \
             WHERE u.email = $1 AND c.first_name = 'Max' AND m.form_id = 'parent-carer-views' ORDER BY m.id LIMIT 1",
        )
        .bind(PARENT)
        .fetch_one(app.state.db.pool())
        .await
        .expect("the demo asks Max's parent for their views");
        let ten_days_ago = (app::platform::db::unix_now() - 10 * 86_400).to_string();
        app.exec(
            &format!("UPDATE messages SET due_on = $1, sent_at = {ten_days_ago} WHERE id = {form}"),
            &[&add_days(today, 2).iso()],
        )
        .await;
        let advice: i64 = sqlx::query_scalar(
            "SELECT a.id FROM advice_requests a JOIN children c ON c.id = a.child_id \
             WHERE c.first_name = 'Max' AND a.kind = 'psychological'",
        )
        .fetch_one(app.state.db.pool())
        .await
        .expect("the demo asks for Max's psychological advice");
        app.exec(
            &format!("UPDATE advice_requests SET due_on = $1, asked_on = $2, received_on = NULL, sent_on = NULL WHERE id = {advice}"),
            &[&add_days(today, 3).iso(), &add_days(today, -39).iso()],
        )
        .await;

        // The young person is asked for the E1 too: their reminder names no child.
        let young = app.user_id(YOUNG).await;
        let jordan: i64 = sqlx::query_scalar("SELECT id FROM children WHERE first_name = 'Jordan'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
        app::messages::store::send_message(
            &app.state,
            &app::messages::store::NewMessage {
                recipient_id: young,
                sender_id: None,
                child_id: Some(jordan),
                case_child_id: None,
                subject: "Please fill in the E1".into(),
                body: "Please fill in the E1.".into(),
                action: Some(app::messages::store::FormRequest {
                    form_id: "e1-parent-request".into(),
                    due_on: add_days(today, 1),
                }),
            },
        )
        .await
        .unwrap();
        app.exec(
            &format!("UPDATE messages SET sent_at = {ten_days_ago} WHERE recipient_id = {young} AND form_id = 'e1-parent-request'"),
            &[],
        )
        .await;

        // A second server on the same database, and many runs at once on both.
        let settings = test_settings(&app.db, &app.address, &[]).unwrap();
        let second = server::build_state(&settings).await.unwrap();
        let mut runs = tokio::task::JoinSet::new();
        for i in 0..8 {
            let state = if i % 2 == 0 {
                app.state.clone()
            } else {
                second.clone()
            };
            runs.spawn(async move { app::reminders::send_due(&state, today).await.unwrap() });
        }
        let sent = runs.join_all().await;
        let forms: u64 = sent.iter().map(|s| s.forms).sum();
        let advice_sent: u64 = sent.iter().map(|s| s.advice).sum();
        assert_eq!((forms, advice_sent), (2, 1), "{backend:?}");
        assert_eq!(
            app.reminders_to(PARENT, "Reminder: a form for Max").await,
            1
        );
        let email = app.last_email_to(PARENT).await.unwrap();
        assert!(email.text.contains("Parent/Carer Views"), "{}", email.text);
        assert!(email.text.contains("/messages/"));
        let email = app.last_email_to(YOUNG).await.unwrap();
        assert!(
            email.subject.starts_with("Reminder: a form is due by"),
            "{}",
            email.subject
        );
        assert!(!email.text.contains("Jordan"));
        // Advice asked of anyone at the service: each member hears, naming no child.
        assert_eq!(
            app.reminders_to(PSYCHOLOGIST, "Reminder: advice is due by")
                .await,
            1
        );
        let email = app.last_email_to(PSYCHOLOGIST).await.unwrap();
        assert!(!email.text.contains("Max"));

        // Run again: nothing more.
        let again = app::reminders::send_due(&app.state, today).await.unwrap();
        assert_eq!(again, app::reminders::Sent::default());

        // The day after each is due: the overdue reminder, once.
        for day in [3, 4, 5] {
            let later = add_days(today, day);
            let mut runs = tokio::task::JoinSet::new();
            for state in [app.state.clone(), second.clone()] {
                runs.spawn(async move { app::reminders::send_due(&state, later).await.unwrap() });
            }
            runs.join_all().await;
        }
        assert_eq!(app.reminders_to(PARENT, "Overdue: a form for Max").await, 1);
        assert_eq!(
            app.reminders_to(PSYCHOLOGIST, "Overdue: advice was due on")
                .await,
            1
        );
        // Still only one early reminder each.
        assert_eq!(
            app.reminders_to(PARENT, "Reminder: a form for Max").await,
            1
        );

        // A form sent since it was asked for is not reminded of.
        let parent_id = app.user_id(PARENT).await.to_string();
        app.exec("DELETE FROM reminders_sent", &[]).await;
        app.exec(
            &format!(
                "INSERT INTO submissions (public_id, reference, child_id, submitted_by, form_id, form_version, title, answers, submitted_at) \
                 SELECT 'sent-since', 'REF-SINCE', child_id, {parent_id}, form_id, 1, 'Parent/Carer Views', '{{}}', sent_at + 60 \
                 FROM messages WHERE id = {form}"
            ),
            &[],
        )
        .await;
        let sent = app::reminders::send_due(&app.state, add_days(today, 4))
            .await
            .unwrap();
        // Only the young person's form, still not sent, is reminded of again.
        assert_eq!(sent.forms, 1, "{backend:?}");
        assert_eq!(app.reminders_to(PARENT, "Overdue: a form for Max").await, 1);
        assert_eq!(app.reminders_to(YOUNG, "Overdue: a form was due").await, 2);

        // The dashboard lists the overdue advice, with its reminder (sent again by the last
        // run, the rows having been deleted).
        assert_eq!(sent.advice, 1);
        app.exec(
            &format!("UPDATE advice_requests SET due_on = $1 WHERE id = {advice}"),
            &[&add_days(today, -2).iso()],
        )
        .await;
        let staff = app.signed_in("caseworker@example.org", PASSWORD).await;
        let (_, html) = app.page(&staff, "staff/dashboard", &[]).await;
        assert!(html.contains("Overdue requests"), "{backend:?}");
        assert!(
            html.contains("Max Taylor: Educational psychology advice"),
            "{html}"
        );
        assert!(html.contains("reminder sent"));

        // The job's lease: two servers' runs at the same moment, one of them runs.
        let every = std::time::Duration::from_secs(3600);
        let (a, b) = tokio::join!(
            app::reminders::send_once(&app.state, "server-a", every),
            app::reminders::send_once(&second, "server-b", every),
        );
        assert_eq!(
            [a.unwrap().is_some(), b.unwrap().is_some()]
                .iter()
                .filter(|ran| **ran)
                .count(),
            1
        );
        second.db.pool().close().await;
        app.finish().await;
    }
}
