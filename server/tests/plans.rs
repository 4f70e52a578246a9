//! The draft EHC plan reviewed in the portal: the SEN team writes it in sections A to K (a draft
//! never names a school) and issues it, which tells the family; the family comments on a
//! section within 15 days, names the school or setting they want and asks for a meeting; the
//! SEN team answers each comment and the family sees the answer; after the 15 days a comment is
//! refused with the date; the final plan closes the draft, and both stay. Nobody outside the
//! family reads it, and the limits hold in parallel.

mod common;

use app::status::{
    store::{record_stage, today},
    timeline::{add_days, Stage},
};
use common::{backends, browser, location, TestApp};
use reqwest::StatusCode;

const PASSWORD: &str = "demo-portal-2026";
const CASEWORKER: &str = "caseworker@example.org";
const PARENT: &str = "parent@example.org";
const PSYCHOLOGIST: &str = "psychologist@example.org";
const YOUNG: &str = "young.person@example.org";

impl TestApp {
    /// The public id of the child's newest plan of `kind`.
    async fn plan_of(&self, child: &str, kind: &str) -> String {
        sqlx::query_scalar(
            "SELECT p.public_id FROM plans p JOIN children c ON c.id = p.child_id \
             WHERE c.public_id = $1 AND p.kind = $2 ORDER BY p.id DESC LIMIT 1",
        )
        .bind(child)
        .bind(kind)
        .fetch_one(self.state.db.pool())
        .await
        .expect("the plan exists")
    }

    async fn count(&self, sql: &str, arg: &str) -> i64 {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
            .bind(arg)
            .fetch_one(self.state.db.pool())
            .await
            .unwrap()
    }

    /// Posts a form of the plan's page; answers where it went.
    async fn plan_post(
        &self,
        client: &reqwest::Client,
        plan: &str,
        action: &str,
        form: &[(&str, &str)],
    ) -> (StatusCode, String) {
        let response = self
            .post_form(client, &format!("/plans/{plan}/{action}"), form)
            .await;
        (response.status(), location(&response))
    }

    /// Posts one of the SEN team's plan forms with the case's current version.
    async fn staff_plan_post(
        &self,
        staff: &reqwest::Client,
        child: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> String {
        let (_, html) = self.html(staff, &format!("/staff/cases/{child}")).await;
        let at = html.find("name=\"version\" value=\"").expect("a version") + 22;
        let version = html[at..].split('"').next().unwrap().to_owned();
        let mut form = vec![("version", version.as_str())];
        form.extend_from_slice(fields);
        let response = self
            .post_form(staff, &format!("/staff/cases/{child}/{action}"), &form)
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{action}");
        location(&response)
    }

    /// `n` comments on section B at once.
    async fn comment_at_once(&self, client: &reqwest::Client, plan: &str, text: &str, n: usize) {
        let mut posts = tokio::task::JoinSet::new();
        for i in 0..n {
            let request = client
                .post(self.url(&format!("/plans/{plan}/comment")))
                .header("origin", self.address.clone())
                .form(&[
                    ("section", "B".to_owned()),
                    ("comment-b", format!("{text} {i}")),
                ]);
            posts.spawn(async move { request.send().await.expect("a comment") });
        }
        for response in posts.join_all().await {
            assert_eq!(response.status(), StatusCode::SEE_OTHER);
        }
    }

    /// Moves the draft's last day for comments to `days` from today.
    async fn comments_due_in(&self, plan: &str, days: i64) {
        sqlx::query("UPDATE plans SET comments_due = $1 WHERE public_id = $2")
            .bind(add_days(today(), days).iso())
            .bind(plan)
            .execute(self.state.db.pool())
            .await
            .unwrap();
    }
}

/// Every section written, as the SEN team's form posts them (I left out: a draft's is empty).
fn sections(overrides: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut form: Vec<(&'static str, &'static str)> = [
        ("section-a", "Max likes trains and wants to be a driver."),
        ("section-b", "Max finds reading and writing hard."),
        ("section-c", "None."),
        ("section-d", "None."),
        (
            "section-e",
            "Max will read a short book by the end of Year 4.",
        ),
        (
            "section-f",
            "Two reading sessions of 20 minutes a week with a teaching assistant.",
        ),
        ("section-g", "None."),
        ("section-h", "None."),
        ("section-j", "No personal budget has been asked for."),
        (
            "section-k",
            "Advice from Max's parents and the educational psychologist.",
        ),
    ]
    .to_vec();
    for (field, text) in overrides {
        match form.iter_mut().find(|(f, _)| f == field) {
            Some(entry) => entry.1 = text,
            None => form.push((field, text)),
        }
    }
    form
}

#[tokio::test]
async fn a_comment_on_section_f_is_answered_and_a_late_one_is_refused_with_the_date() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let staff = app.signed_in(CASEWORKER, PASSWORD).await;
        let parent = app.signed_in(PARENT, PASSWORD).await;
        let ellie = app.child_id("Ellie").await;
        let plan = app.plan_of(&ellie, "draft").await;
        let page = format!("/plans/{plan}");

        // The parent reads the demo's draft, section by section, with 10 days left.
        let (status, html) = app.html(&parent, &page).await;
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(html.contains("F. Special educational provision"));
        assert!(html.contains("multi-sensory literacy programme"));
        assert!(html.contains("Left empty in a draft plan"));
        let due = add_days(today(), 10).long();
        assert!(
            html.contains(&format!("ask for a meeting until {due}")),
            "{html}"
        );
        // It is on Ellie's page and her status page, with the week-20 deadline.
        let (_, forms) = app.html(&parent, &format!("/children/{ellie}/forms")).await;
        assert!(forms.contains(&page), "{backend:?}");
        let (_, status_page) = app
            .html(&parent, &format!("/children/{ellie}/status"))
            .await;
        assert!(status_page.contains(&format!("You have until {due}")));
        assert!(status_page.contains("The final plan must be issued by"));

        // A copy to keep: the plan and the shared draft as PDFs, with the case's reference.
        let (status, _, pages) = app.copy(&parent, &format!("{page}/copy.pdf")).await;
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        let text = pages.join("\n");
        assert!(text.contains("F. Special educational provision"), "{text}");
        assert!(text.contains("multi-sensory literacy programme"));
        assert!(pages
            .iter()
            .all(|p| p.contains("Case SEN-") && p.contains("Issued on")));
        let shared: String = sqlx::query_scalar(
            "SELECT public_id FROM shared_documents WHERE title = 'Draft EHC plan for Ellie Taylor'",
        )
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
        let (status, _, pages) = app
            .copy(&parent, &format!("/shared/{shared}/copy.pdf"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(pages
            .join("\n")
            .contains("draft Education, Health and Care plan"));
        assert!(pages.iter().all(|p| p.contains("Shared on")));

        // A blank comment is refused at its box; a comment on F is kept.
        let (_, to) = app
            .plan_post(
                &parent,
                &plan,
                "comment",
                &[("section", "F"), ("comment-f", "  ")],
            )
            .await;
        assert_eq!(to, page);
        let (_, html) = app.html(&parent, &page).await;
        assert!(html.contains("Write your comment"));
        assert!(
            html.contains("href=\"#comment-f\""),
            "the summary links to the box"
        );
        let comment = "Ellie needs the literacy sessions every day, not three times a week.";
        let (_, to) = app
            .plan_post(
                &parent,
                &plan,
                "comment",
                &[("section", "F"), ("comment-f", comment)],
            )
            .await;
        assert!(to.starts_with(&format!("{page}#comment-")), "{to}");
        let (_, html) = app.html(&parent, &page).await;
        assert!(html.contains(comment) && html.contains("Not answered yet"));
        // The caseworker is emailed that there is a comment to answer, not what it says.
        app.delivered().await;
        let told = app.last_email_to(CASEWORKER).await.expect("an email");
        assert_eq!(told.subject, "Draft EHC plan: a comment to answer");
        assert!(told.text.contains("plan") && !told.text.contains(comment));

        // The SEN team sees it on the case and the plan's page, and answers it: a "not
        // changed" needs the reason.
        let (_, case) = app.html(&staff, &format!("/staff/cases/{ellie}")).await;
        assert!(
            case.contains("1 comment waits for an answer"),
            "{backend:?}"
        );
        let (_, staff_page) = app
            .html(&staff, &format!("/staff/cases/{ellie}/plan"))
            .await;
        assert!(staff_page.contains(comment));
        let id = to.rsplit("#comment-").next().unwrap().to_owned();
        let back = app
            .staff_plan_post(
                &staff,
                &ellie,
                "plan-answer",
                &[("comment", &id), ("answer", "not_changed"), ("reason", "")],
            )
            .await;
        assert_eq!(back, format!("/staff/cases/{ellie}/plan"));
        let (_, staff_page) = app.html(&staff, &back).await;
        assert!(staff_page.contains("Say why the plan is not changed"));
        let reason =
            "The educational psychologist advised three sessions; we will review it in a term.";
        app.staff_plan_post(
            &staff,
            &ellie,
            "plan-answer",
            &[
                ("comment", &id),
                ("answer", "not_changed"),
                ("reason", reason),
            ],
        )
        .await;
        // Answered once only.
        app.staff_plan_post(
            &staff,
            &ellie,
            "plan-answer",
            &[("comment", &id), ("answer", "changed"), ("reason", "")],
        )
        .await;
        let (_, staff_page) = app.html(&staff, &back).await;
        assert!(staff_page.contains("answered already"));
        assert_eq!(
            app.count(
                "SELECT COUNT(*) FROM plan_comments WHERE public_id = $1 AND answer = 'not_changed'",
                &id
            )
            .await,
            1
        );

        // The parent is told, and sees the answer under section F.
        app.delivered().await;
        let email = app.last_email_to(PARENT).await.expect("an email");
        assert!(
            !email.text.contains(reason),
            "the email says only there is a message"
        );
        let (_, html) = app.html(&parent, &page).await;
        assert!(
            html.contains("Not changed") && html.contains(reason),
            "{backend:?}"
        );

        // The school they want, and a meeting; a kind s38 does not list is refused.
        let (_, _) = app
            .plan_post(
                &parent,
                &plan,
                "setting",
                &[("setting-kind", "private_tutor"), ("setting-name", "Home")],
            )
            .await;
        let (_, html) = app.html(&parent, &page).await;
        assert!(html.contains("Choose the kind of school or setting"));
        app.plan_post(
            &parent,
            &plan,
            "setting",
            &[
                ("setting-kind", "academy"),
                ("setting-name", "Riverside Academy"),
            ],
        )
        .await;
        app.plan_post(&parent, &plan, "meeting", &[("meeting-note", "Section F")])
            .await;
        let (_, staff_page) = app.html(&staff, &back).await;
        assert!(staff_page.contains("Sam Taylor would like Riverside Academy named"));
        assert!(staff_page.contains("Sam Taylor asked for a meeting"));

        // Nobody outside the family reads or comments on it.
        let other = app
            .new_citizen("other.parent@example.org", "Olive Other")
            .await;
        assert!(other > 0);
        let stranger = app.signed_in("other.parent@example.org", PASSWORD).await;
        let psychologist = app.signed_in(PSYCHOLOGIST, PASSWORD).await;
        for outsider in [&stranger, &psychologist] {
            assert_eq!(app.get_with(outsider, &page).await, StatusCode::NOT_FOUND);
            let copy = format!("{page}/copy.pdf");
            assert_eq!(app.copy(outsider, &copy).await.0, StatusCode::NOT_FOUND);
            let (status, _) = app
                .plan_post(
                    outsider,
                    &plan,
                    "comment",
                    &[("section", "A"), ("comment-a", "x")],
                )
                .await;
            assert_eq!(status, StatusCode::NOT_FOUND);
        }
        let anonymous = browser();
        let (status, to) = app
            .plan_post(
                &anonymous,
                &plan,
                "comment",
                &[("section", "A"), ("comment-a", "x")],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(to.starts_with("/sign-in"), "{to}");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM plan_comments WHERE body = $1", "x")
                .await,
            0
        );

        // The final plan waits for the 15 days.
        let final_form = sections(&[("section-i", "Riverside Academy")]);
        app.staff_plan_post(&staff, &ellie, "plan-final", &final_form)
            .await;
        let (_, staff_page) = app.html(&staff, &back).await;
        assert!(staff_page.contains("issue the final plan after that"));

        // After the 15 days: a comment is refused, saying when they ended, and nothing is kept.
        app.comments_due_in(&plan, -1).await;
        let ended = add_days(today(), -1).long();
        app.plan_post(
            &parent,
            &plan,
            "comment",
            &[("section", "B"), ("comment-b", "Late")],
        )
        .await;
        let (_, html) = app.html(&parent, &page).await;
        assert!(
            html.contains(&format!(
                "The 15 days to comment on this draft plan ended on {ended}"
            )),
            "{backend:?}"
        );
        assert!(html.contains("href=\"#plan-status\""));
        assert!(
            !html.contains("Send comment on section"),
            "no comment boxes"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM plan_comments WHERE body = $1", "Late")
                .await,
            0
        );

        // The final plan must name the placement; then it closes the draft, and both stay.
        app.staff_plan_post(&staff, &ellie, "plan-final", &sections(&[]))
            .await;
        let (_, staff_page) = app.html(&staff, &back).await;
        assert!(staff_page.contains("Name the school or setting"));
        app.staff_plan_post(&staff, &ellie, "plan-final", &final_form)
            .await;
        let final_plan = app.plan_of(&ellie, "final").await;
        let (_, html) = app.html(&parent, &format!("/plans/{final_plan}")).await;
        assert!(html.contains("Final EHC plan") && html.contains("Riverside Academy"));
        assert!(html.contains(&page), "the draft is still listed");
        let (_, html) = app.html(&parent, &page).await;
        assert!(html.contains("The final plan has been issued"));
        assert!(html.contains(comment) && html.contains(reason));
        let (status, _) = app
            .plan_post(
                &parent,
                &final_plan,
                "comment",
                &[("section", "A"), ("comment-a", "y")],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, html) = app.html(&parent, &format!("/plans/{final_plan}")).await;
        assert!(html.contains("This is the final plan: it takes no comments"));
        assert_eq!(
            app.count(
                "SELECT COUNT(*) FROM assessment_stages s JOIN children c ON c.id = s.child_id \
                 WHERE c.public_id = $1 AND s.stage = 'final_plan'",
                &ellie
            )
            .await,
            1
        );
        let last = app.last_email_to(PARENT).await.expect("an email");
        assert!(
            last.subject.contains("New message about Ellie"),
            "{}",
            last.subject
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn the_sen_team_writes_and_issues_a_draft_that_names_no_school() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let staff = app.signed_in(CASEWORKER, PASSWORD).await;
        let parent = app.signed_in(PARENT, PASSWORD).await;
        let max = app.child_id("Max").await;
        let plan_page = format!("/staff/cases/{max}/plan");

        // Saved, not issued: the family cannot see it.
        let to = app
            .staff_plan_post(&staff, &max, "plan-save", &sections(&[("section-c", "")]))
            .await;
        assert_eq!(to, plan_page);
        let (_, html) = app.html(&staff, &plan_page).await;
        assert!(html.contains("The draft plan is saved"), "{backend:?}");
        assert!(html.contains("Max finds reading and writing hard."));
        let draft = app.plan_of(&max, "draft").await;
        assert_eq!(
            app.get_with(&parent, &format!("/plans/{draft}")).await,
            StatusCode::NOT_FOUND
        );

        // Not issued before the decision to issue a plan is recorded.
        app.staff_plan_post(&staff, &max, "plan-issue", &sections(&[]))
            .await;
        let (_, html) = app.html(&staff, &plan_page).await;
        assert!(html.contains("Record the decision to issue a plan"));
        {
            let mut conn = app.state.db.pool().acquire().await.unwrap();
            let child: i64 = sqlx::query_scalar("SELECT id FROM children WHERE public_id = $1")
                .bind(&max)
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            for stage in [Stage::AdviceGathering, Stage::DecisionToIssue] {
                record_stage(&mut conn, child, stage, today(), None)
                    .await
                    .unwrap();
            }
        }
        // A school named in any section, or a section left empty, is refused at that section.
        app.staff_plan_post(
            &staff,
            &max,
            "plan-issue",
            &sections(&[("section-e", "Max will settle at Oakfield Primary School.")]),
        )
        .await;
        let (_, html) = app.html(&staff, &plan_page).await;
        assert!(
            html.contains("A draft plan must not name a school or setting"),
            "{backend:?}"
        );
        assert!(html.contains("href=\"#section-e\""));
        assert!(
            html.contains("Max will settle at Oakfield Primary School."),
            "kept"
        );
        app.staff_plan_post(&staff, &max, "plan-issue", &sections(&[("section-c", " ")]))
            .await;
        let (_, html) = app.html(&staff, &plan_page).await;
        assert!(html.contains("Write section C (health needs)"));

        // Issued: the stage is recorded, the parent told, and a placement posted is dropped.
        app.staff_plan_post(
            &staff,
            &max,
            "plan-issue",
            &sections(&[("section-i", "Oakfield Primary School")]),
        )
        .await;
        assert_eq!(app.plan_of(&max, "draft").await, draft, "the same draft");
        let stages = app
            .count(
                "SELECT COUNT(*) FROM assessment_stages s JOIN children c ON c.id = s.child_id \
                 WHERE c.public_id = $1 AND s.stage = 'draft_plan'",
                &max,
            )
            .await;
        assert_eq!(stages, 1);
        assert_eq!(
            app.count(
                "SELECT COUNT(*) FROM messages WHERE subject = $1",
                "The draft EHC plan for Max is ready to read"
            )
            .await,
            1
        );
        let (status, html) = app.html(&parent, &format!("/plans/{draft}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!html.contains("Oakfield"), "a draft names no school");
        assert!(html.contains(&format!("until {}", add_days(today(), 15).long())));
        // Issued once: writing a new draft now is refused.
        app.staff_plan_post(&staff, &max, "plan-save", &sections(&[]))
            .await;
        let (_, html) = app.html(&staff, &plan_page).await;
        assert!(html.contains("The draft plan has been issued"));
        app.finish().await;
    }
}

#[tokio::test]
async fn a_young_persons_plan_says_you_and_the_comment_limits_hold_in_parallel() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let young = app.signed_in(YOUNG, PASSWORD).await;
        let (child_id, child): (i64, String) = sqlx::query_as(
            "SELECT c.id, c.public_id FROM children c JOIN child_links l ON l.child_id = c.id \
             JOIN users u ON u.id = l.user_id WHERE u.email = $1",
        )
        .bind(YOUNG)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
        let plan = {
            use app::plans::{store, PlanKind};
            let mut conn = app.state.db.pool().acquire().await.unwrap();
            let (id, public) = store::create_plan(&mut conn, child_id, PlanKind::Draft, 1)
                .await
                .unwrap();
            store::save_sections(&mut conn, id, &[("B", "Reading.".to_owned())], 1)
                .await
                .unwrap();
            store::mark_issued(&mut conn, id, today(), Some(add_days(today(), 15)), 1)
                .await
                .unwrap();
            public
        };
        let (status, html) = app.html(&young, &format!("/plans/{plan}")).await;
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(html.contains("Your EHC plan"));
        assert!(html.contains("What you find difficult and need help with."));
        assert!(!html.contains("your child") && !html.contains("finds difficult"));
        let (_, forms) = app.html(&young, &format!("/children/{child}/forms")).await;
        assert!(forms.contains("You can comment until"));

        // Too long, refused; 20 at once, all kept.
        let long = "a".repeat(10_001);
        app.plan_post(
            &young,
            &plan,
            "comment",
            &[("section", "B"), ("comment-b", &long)],
        )
        .await;
        let (_, html) = app.html(&young, &format!("/plans/{plan}")).await;
        assert!(html.contains("10000 characters or fewer"));
        app.comment_at_once(&young, &plan, "Comment", 20).await;
        assert_eq!(
            app.count(
                "SELECT COUNT(*) FROM plan_comments c JOIN plans p ON p.id = c.plan_id WHERE p.public_id = $1",
                &plan
            )
            .await,
            20
        );
        // At the plan's limit, 8 at once: exactly the one that fits is kept.
        sqlx::query("UPDATE plans SET comment_count = 499 WHERE public_id = $1")
            .bind(&plan)
            .execute(app.state.db.pool())
            .await
            .unwrap();
        app.comment_at_once(&young, &plan, "Last", 8).await;
        assert_eq!(
            app.count(
                "SELECT COUNT(*) FROM plan_comments c JOIN plans p ON p.id = c.plan_id WHERE p.public_id = $1",
                &plan
            )
            .await,
            21,
            "{backend:?}"
        );
        app.finish().await;
    }
}
