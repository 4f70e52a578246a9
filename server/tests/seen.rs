//! "Who has seen this record": the family finds, on the child's page, everyone outside the
//! family who opened or changed the record (the caseworker's view among them), newest first and
//! paged, with their service; never the family's own actions; nobody else can read the list.

mod common;

use common::{backends, browser, location, TestApp};
use reqwest::StatusCode;

const PASSWORD: &str = "demo-portal-2026";

impl TestApp {
    async fn seen(&self, client: &reqwest::Client, child: &str, page: i64) -> (StatusCode, String) {
        self.html(client, &format!("/children/{child}/seen?page={page}"))
            .await
    }
}

/// The rows of the list, as text with the tags taken out.
fn rows(html: &str) -> Vec<String> {
    let Some(start) = html.find("id=\"seen\"") else {
        return Vec::new();
    };
    let body = &html[start
        ..html[start..]
            .find("</tbody>")
            .map_or(html.len(), |e| start + e)];
    body.split("<tr")
        .skip(1)
        .map(|row| {
            let mut text = String::new();
            let mut in_tag = false;
            for c in row.chars() {
                match c {
                    '<' => {
                        in_tag = true;
                        text.push(' ');
                    }
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .collect()
}

#[tokio::test]
async fn the_family_sees_who_outside_it_opened_the_record() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let parent = app.signed_in("parent@example.org", PASSWORD).await;
        let staff = app.signed_in("caseworker@example.org", PASSWORD).await;
        let max = app.child_id("Max").await;

        // The family's own reading is not listed; the caseworker's is, newest first.
        let (status, _) = app.page(&parent, "status/child", &[("child", &max)]).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = app.page(&staff, "staff/case", &[("child", &max)]).await;
        assert_eq!(status, StatusCode::OK);
        let (status, html) = app.seen(&parent, &max, 1).await;
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(html.contains("Who has seen this record"));
        let listed = rows(&html);
        assert!(
            listed[0].contains("Chris Walker SEN team Opened the case"),
            "{backend:?}: {listed:?}"
        );
        assert!(
            listed.iter().all(|r| !r.contains("Sam Taylor")),
            "{listed:?}"
        );

        // A professional is named with their service.
        let max_id: i64 = sqlx::query_scalar("SELECT id FROM children WHERE public_id = $1")
            .bind(&max)
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
        let psychologist = app.user_id("psychologist@example.org").await;
        let later = app::platform::db::unix_now() + 60;
        sqlx::query(
            "INSERT INTO audit_log (at, user_id, action, child_id, detail) VALUES ($1, $2, 'document_viewed', $3, '')",
        )
        .bind(later)
        .bind(psychologist)
        .bind(max_id)
        .execute(app.state.db.pool())
        .await
        .unwrap();
        let (_, html) = app.seen(&parent, &max, 1).await;
        let listed = rows(&html);
        assert!(
            listed[0]
                .contains("Dr Dana Okafor Educational Psychology Service Read a shared document"),
            "{listed:?}"
        );

        // Paged: 25 to a page, newest first; the last page holds the oldest.
        for i in 0..30 {
            sqlx::query(
                "INSERT INTO audit_log (at, user_id, action, child_id, detail) VALUES ($1, $2, 'case_viewed', $3, '')",
            )
            .bind(later + 10 + i)
            .bind(app.user_id("caseworker@example.org").await)
            .bind(max_id)
            .execute(app.state.db.pool())
            .await
            .unwrap();
        }
        let (_, first) = app.seen(&parent, &max, 1).await;
        assert_eq!(rows(&first).len(), 25);
        assert!(first.contains("page 1 of "), "{backend:?}");
        assert!(first.contains("rel=\"next\""));
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log a JOIN users u ON u.id = COALESCE(a.actor_id, a.user_id) \
             WHERE a.child_id = $1 AND u.role <> 'citizen'",
        )
        .bind(max_id)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
        assert!(first.contains(&format!("{total} entries")), "{backend:?}");
        let last_page = (total + 24) / 25;
        let (_, last) = app.seen(&parent, &max, last_page).await;
        assert_eq!(rows(&last).len() as i64, total - 25 * (last_page - 1));
        assert!(last.contains("rel=\"prev\""));
        let (_, second) = app.seen(&parent, &max, 2).await;
        assert!(
            rows(&second).iter().any(|r| r.contains("Dr Dana Okafor")),
            "the psychologist's entry moves to page 2"
        );

        // Nobody else reads it: another parent, the young person, a professional, the SEN team
        // (who have the case history), anonymous.
        app.new_citizen("other.parent@example.org", "Other Parent")
            .await;
        let other = app.signed_in("other.parent@example.org", PASSWORD).await;
        let young = app.signed_in("young.person@example.org", PASSWORD).await;
        let professional = app.signed_in("psychologist@example.org", PASSWORD).await;
        for outsider in [&other, &young, &professional] {
            assert_eq!(app.seen(outsider, &max, 1).await.0, StatusCode::NOT_FOUND);
        }
        assert_ne!(app.seen(&staff, &max, 1).await.0, StatusCode::OK);
        let anonymous = browser();
        let response = anonymous
            .get(app.url(&format!("/children/{max}/seen")))
            .send()
            .await
            .unwrap();
        assert!(location(&response).starts_with("/sign-in"), "{backend:?}");
        // The young person reads their own.
        let jordan = app.child_id("Jordan").await;
        assert_eq!(app.seen(&young, &jordan, 1).await.0, StatusCode::OK);
        app.finish().await;
    }
}
