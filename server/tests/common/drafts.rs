//! Filling in and sending a form the way the wizard's page does (its steps posted to
//! `forms/step/save`, Accept on the declaration), and reading a draft as it is stored.

use reqwest::StatusCode;
use serde_json::{json, Value};

use super::TestApp;

/// The form-post pairs of one section item's answers (`section.index.field[.part]`).
pub fn flatten(section: &str, index: usize, item: &Value) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    for (field, answer) in item.as_object().expect("an item is an object") {
        let name = format!("{section}.{index}.{field}");
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

/// The shipped example answers of a form, as JSON.
pub fn example_answers(form: &str) -> Value {
    let library = app::formdef::library::FormLibrary::shipped().unwrap();
    serde_json::to_value(library.latest(form).unwrap().example_answers()).unwrap()
}

impl TestApp {
    /// Posts a step the way the page's scripts do (the `save_step` server function).
    pub async fn save_step(
        &self,
        client: &reqwest::Client,
        draft: &str,
        step: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        self.call_json(
            client,
            "forms/step/save",
            &json!({ "draft": draft, "step": step, "fields": fields }),
        )
        .await
    }

    /// Types `answers` into every step of the draft's form, step by step as a person with the
    /// page's scripts does (each step saved as they leave it), and returns the last reply.
    pub async fn fill_in(&self, client: &reqwest::Client, draft: &str, answers: &Value) -> Value {
        let form_id = self.stored_draft(draft).await["form"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let library = app::formdef::library::FormLibrary::shipped().unwrap();
        let form = library.latest(&form_id).unwrap();
        let mut reply = Value::Null;
        for step in &form.steps {
            let mut pairs = vec![("__action".to_owned(), "autosave".to_owned())];
            for section in &step.sections {
                let items = answers[&section.id].as_array().cloned().unwrap_or_default();
                for (index, item) in items.iter().enumerate() {
                    pairs.extend(flatten(&section.id, index, item));
                }
            }
            let fields: Vec<(&str, &str)> = pairs
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let response = self.save_step(client, draft, &step.id, &fields).await;
            assert_eq!(response.status(), StatusCode::OK, "saving step {}", step.id);
            reply = response.json().await.unwrap();
            assert!(reply.get("Saved").is_some(), "step {}: {reply}", step.id);
        }
        reply
    }

    /// Presses Accept on the declaration with the numbered boxes ticked, as the page's
    /// scripts do; the reply is `Go` to the submission or `Show` with the problem.
    pub async fn accept(&self, client: &reqwest::Client, draft: &str, ticked: &[usize]) -> Value {
        let boxes: Vec<(String, String)> = ticked
            .iter()
            .map(|i| (format!("agreed[{i}]"), i.to_string()))
            .collect();
        let mut fields = vec![("__action", "accept")];
        fields.extend(boxes.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let response = self.save_step(client, draft, "declaration", &fields).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }

    /// Accepts the declaration with every box ticked and returns the new submission's id.
    pub async fn submit(&self, client: &reqwest::Client, draft: &str) -> String {
        let form_id = self.stored_draft(draft).await["form"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let library = app::formdef::library::FormLibrary::shipped().unwrap();
        let count = library
            .latest(&form_id)
            .unwrap()
            .declaration
            .agreements
            .len();
        let ticked: Vec<usize> = (0..count).collect();
        let reply = self.accept(client, draft, &ticked).await;
        let to = reply["Go"]["to"]
            .as_str()
            .unwrap_or_else(|| panic!("{reply}"));
        to.trim_start_matches("/submissions/")
            .trim_end_matches("?submitted=1")
            .to_owned()
    }

    /// A draft as stored, or `None` once it is gone: `{ form: {id}, child: {id}, answers,
    /// version, current_step, files: [file ids] }`.
    pub async fn find_draft(&self, draft: &str) -> Option<Value> {
        let pool = self.state.db.pool();
        let row: Option<(i64, String, String, String, i64, String)> = sqlx::query_as(
            "SELECT d.id, d.form_id, c.public_id, d.answers, d.version, d.current_step \
             FROM drafts d JOIN children c ON c.id = d.child_id WHERE d.public_id = $1",
        )
        .bind(draft)
        .fetch_optional(pool)
        .await
        .unwrap();
        let (id, form, child, answers, version, step) = row?;
        let files: Vec<String> =
            sqlx::query_scalar("SELECT public_id FROM attachments WHERE draft_id = $1 ORDER BY id")
                .bind(id)
                .fetch_all(pool)
                .await
                .unwrap();
        Some(json!({
            "form": { "id": form },
            "child": { "id": child },
            "answers": serde_json::from_str::<Value>(&answers).unwrap(),
            "version": version,
            "current_step": step,
            "files": files,
        }))
    }

    /// A draft as stored (see `find_draft`); panics when there is none.
    pub async fn stored_draft(&self, draft: &str) -> Value {
        self.find_draft(draft)
            .await
            .unwrap_or_else(|| panic!("no draft {draft}"))
    }
}
