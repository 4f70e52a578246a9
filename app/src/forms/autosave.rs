//! The wizard's island (`wizard::StepEditor`): the step's form is rendered by the server
//! (`render.rs`) and works without JavaScript; in the browser this module saves and sends it:
//!
//! - a moment after the person stops typing (and at once when a choice is ticked), the form's
//!   fields go to the `save_step` server function with the version the page is based on;
//! - every button (Save and continue, Previous, Add More, Remove, Accept…) goes the same way:
//!   the reply opens the next page, or gives the same step again (after Add More, say), which
//!   replaces the form where it stands;
//! - a chosen file is uploaded at once, with its progress shown;
//! - a save refused because another window or device saved first shows both versions and
//!   asks; nothing is overwritten silently;
//! - while a save has not reached the server, the fields are kept in the browser's storage
//!   and sent again when the connection comes back (or the page is opened again); closing the
//!   tab with unsaved edits warns.

use std::time::Duration;

use leptos::{prelude::*, wasm_bindgen::JsCast};

use super::{
    api::{save_step, StepReply},
    browser::{
        fill_form, first_file_name, focus_later, form_fields, local_storage, update_count,
        wizard_form, OFFLINE_COPY_PREFIX,
    },
};

/// How long after the last keystroke a save starts, and how soon a failed save is retried.
const QUIET: Duration = Duration::from_millis(800);
const RETRY: Duration = Duration::from_secs(5);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveState {
    /// Nothing changed since the page opened (`at`: when it was last saved).
    Unchanged {
        at: i64,
    },
    Pending,
    Saving,
    Saved {
        at: i64,
    },
    /// Not saved (offline, or the server did not answer): kept in this browser, retrying.
    Retrying,
    /// Refused, with the reason in words.
    Refused(String),
    /// Someone saved from another tab or device since this page's version.
    Conflict,
    /// A file is on its way: name and percentage.
    Uploading(String, u32),
}

/// What the page's scripts send: a quiet save, or a button.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Job {
    Autosave,
    Action(String),
}

#[derive(Clone, Copy)]
pub struct Editor {
    draft: StoredValue<String>,
    step: StoredValue<String>,
    /// The version the page's answers are based on.
    version: StoredValue<i64>,
    pub state: RwSignal<SaveState>,
    /// The step's HTML when the server has sent the step again (the page's own until then).
    pub html: RwSignal<Option<String>>,
    /// Where the step's form stands.
    wizard: NodeRef<leptos::html::Div>,
    /// Both versions and the choice, when another window saved first.
    pub conflict: RwSignal<Option<String>>,
    /// The version stored now, while a conflict waits for the person's choice.
    theirs: StoredValue<i64>,
    /// Edits not yet sent.
    dirty: StoredValue<bool>,
    busy: StoredValue<bool>,
    queued: StoredValue<Option<Job>>,
    timer: StoredValue<Option<TimeoutHandle>>,
}

impl Editor {
    pub fn new(
        draft: String,
        step: String,
        version: i64,
        saved_at: i64,
        wizard: NodeRef<leptos::html::Div>,
    ) -> Editor {
        let editor = Editor {
            draft: StoredValue::new(draft),
            step: StoredValue::new(step),
            version: StoredValue::new(version),
            state: RwSignal::new(SaveState::Unchanged { at: saved_at }),
            html: RwSignal::new(None),
            wizard,
            conflict: RwSignal::new(None),
            theirs: StoredValue::new(version),
            dirty: StoredValue::new(false),
            busy: StoredValue::new(false),
            queued: StoredValue::new(None),
            timer: StoredValue::new(None),
        };
        editor.watch();
        editor
    }

    /// Effects run only in the browser: on the server this sets nothing up.
    fn watch(self) {
        Effect::new(move |_| self.restore_backup());
        // The step sent again replaces the form (the server rendered both).
        Effect::new(move |_| {
            if let (Some(html), Some(wizard)) = (self.html.get(), self.wizard.get()) {
                wizard.set_inner_html(&html);
            }
        });
        let online = window_event_listener(leptos::ev::online, move |_| {
            if self.dirty.get_value() {
                self.send(Job::Autosave);
            }
        });
        let unload = window_event_listener(leptos::ev::beforeunload, move |ev| {
            if self.dirty.get_value() {
                ev.prevent_default();
                ev.set_return_value("You have changes that are not saved yet.");
            }
        });
        on_cleanup(move || {
            online.remove();
            unload.remove();
            if let Some(handle) = self.timer.get_value() {
                handle.clear();
            }
        });
    }

    /// Typing: save a moment after the last keystroke.
    pub fn typed(self, ev: &leptos::ev::Event) {
        update_count(ev);
        self.edited(QUIET);
    }

    /// A choice ticked, or a file chosen (uploaded at once).
    pub fn changed(self, ev: &leptos::ev::Event) {
        let file_input = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .filter(|input| input.type_() == "file");
        match file_input {
            Some(input) if input.files().is_some_and(|f| f.length() > 0) => {
                let path = input.name();
                self.send(Job::Action(format!("upload:{path}")));
            }
            Some(_) => {}
            None => self.edited(Duration::ZERO),
        }
    }

    fn edited(self, after: Duration) {
        self.dirty.set_value(true);
        self.keep_backup();
        if !matches!(self.state.get_untracked(), SaveState::Conflict) {
            self.state.set(SaveState::Pending);
        }
        if let Some(handle) = self.timer.get_value() {
            handle.clear();
        }
        let handle = set_timeout_with_handle(move || self.send(Job::Autosave), after).ok();
        self.timer.set_value(handle);
    }

    /// A button of the step's form.
    pub fn submitted(self, ev: &leptos::ev::SubmitEvent) {
        ev.prevent_default();
        let action = ev
            .submitter()
            .and_then(|b| b.get_attribute("value"))
            .unwrap_or_else(|| "continue".into());
        self.send(Job::Action(action));
    }

    /// The conflict banner's buttons.
    pub fn chose(self, ev: &leptos::ev::MouseEvent) {
        let choice = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("[data-choice]").ok().flatten())
            .and_then(|e| e.get_attribute("data-choice"));
        match choice.as_deref() {
            Some("mine") => {
                // Saved over the other version, which the person has now seen.
                self.version.set_value(self.theirs.get_value());
                self.conflict.set(None);
                self.state.set(SaveState::Pending);
                self.send(Job::Autosave);
            }
            Some("theirs") => {
                self.dirty.set_value(false);
                self.drop_backup();
                let _ = window().location().reload();
            }
            _ => {}
        }
    }

    /// Sends a job now, or when the one on its way is back. A button outranks a quiet save.
    fn send(self, job: Job) {
        if let Some(handle) = self.timer.get_value() {
            handle.clear();
            self.timer.set_value(None);
        }
        if self.busy.get_value() {
            if self
                .queued
                .with_value(|q| !matches!(q, Some(Job::Action(_))))
            {
                self.queued.set_value(Some(job));
            }
            return;
        }
        if self.conflict.with_untracked(Option::is_some) && job == Job::Autosave {
            return;
        }
        let Some(form) = wizard_form() else {
            return;
        };
        self.busy.set_value(true);
        match job {
            Job::Action(action) if action.starts_with("upload:") => self.upload(&form, &action),
            job => {
                let action = match job {
                    Job::Action(action) => action,
                    Job::Autosave => "autosave".into(),
                };
                let mut fields = self.fields(&form);
                fields.push(("__action".into(), action));
                self.state.set(SaveState::Saving);
                self.dirty.set_value(false);
                let (draft, step) = (self.draft.get_value(), self.step.get_value());
                leptos::task::spawn_local(async move {
                    let result = save_step(draft, step, fields).await;
                    self.finished(result);
                });
            }
        }
    }

    /// The form's fields as posted, with the page's version.
    fn fields(self, form: &web_sys::HtmlFormElement) -> Vec<(String, String)> {
        let mut fields = form_fields(form);
        fields.retain(|(name, _)| name != "__version" && name != "__action");
        fields.push(("__version".into(), self.version.get_value().to_string()));
        fields
    }

    fn finished(self, result: Result<StepReply, crate::error::AppError>) {
        self.busy.set_value(false);
        match result {
            Ok(reply) => self.show(reply),
            Err(
                crate::error::AppError::Unreachable
                | crate::error::AppError::Unavailable
                | crate::error::AppError::Internal { .. },
            ) => {
                self.dirty.set_value(true);
                self.keep_backup();
                self.state.set(SaveState::Retrying);
                let handle = set_timeout_with_handle(move || self.send(Job::Autosave), RETRY).ok();
                self.timer.set_value(handle);
            }
            Err(crate::error::AppError::SignInRequired) => {
                // Kept in this browser; sent once the person has signed in again.
                self.dirty.set_value(true);
                self.keep_backup();
                self.state.set(SaveState::Refused(
                    "Not saved — you have been signed out. Your changes are kept in this browser: sign in again to save them".into(),
                ));
            }
            Err(other) => {
                self.dirty.set_value(true);
                self.keep_backup();
                self.state
                    .set(SaveState::Refused(format!("Not saved — {other}")));
            }
        }
        if let Some(job) = self.queued.try_update_value(Option::take).flatten() {
            self.send(job);
        }
    }

    fn show(self, reply: StepReply) {
        // A save reached the server: the inactivity clock starts again.
        crate::auth::report_activity();
        match reply {
            StepReply::Saved { version, saved_at } => {
                self.version.set_value(version);
                if !self.dirty.get_value() {
                    self.drop_backup();
                    self.state.set(SaveState::Saved { at: saved_at });
                }
            }
            StepReply::Go { to, version } => {
                self.version.set_value(version);
                self.dirty.set_value(false);
                self.drop_backup();
                self.queued.set_value(None);
                let _ = window().location().set_href(&to);
            }
            StepReply::Show {
                html,
                focus,
                version,
                saved_at,
            } => {
                self.version.set_value(version);
                self.dirty.set_value(false);
                self.drop_backup();
                self.html.set(Some(html));
                self.state.set(SaveState::Saved { at: saved_at });
                if let Some(id) = focus {
                    focus_later(id);
                }
            }
            StepReply::Conflict { html, version, .. } => {
                self.theirs.set_value(version);
                self.dirty.set_value(true);
                self.conflict.set(Some(html));
                self.state.set(SaveState::Conflict);
                focus_later("conflict-title".into());
            }
        }
    }

    /// A file, sent with the rest of the step so that nothing typed is left behind, with its
    /// progress shown. The reply is a `StepReply` like any other.
    fn upload(self, form: &web_sys::HtmlFormElement, action: &str) {
        let sent = (|| -> Option<()> {
            let data = web_sys::FormData::new_with_form(form).ok()?;
            data.delete("__version");
            data.append_with_str("__version", &self.version.get_value().to_string())
                .ok()?;
            data.append_with_str("__action", action).ok()?;
            let name = first_file_name(form, action.trim_start_matches("upload:"));
            let request = web_sys::XmlHttpRequest::new().ok()?;
            request
                .open(
                    "POST",
                    &format!(
                        "/drafts/{}/steps/{}",
                        self.draft.get_value(),
                        self.step.get_value()
                    ),
                )
                .ok()?;
            request
                .set_request_header("Accept", "application/json")
                .ok()?;
            self.state.set(SaveState::Uploading(name.clone(), 0));
            let progress = leptos::wasm_bindgen::closure::Closure::<
                dyn FnMut(web_sys::ProgressEvent),
            >::new(move |ev: web_sys::ProgressEvent| {
                if ev.length_computable() && ev.total() > 0.0 {
                    let percent = (ev.loaded() / ev.total() * 100.0).round() as u32;
                    self.state
                        .set(SaveState::Uploading(name.clone(), percent.min(100)));
                }
            });
            request
                .upload()
                .ok()?
                .set_onprogress(Some(progress.as_ref().unchecked_ref()));
            progress.forget();
            let done = {
                let request = request.clone();
                leptos::wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
                    let status = request.status().unwrap_or(0);
                    let body = request.response_text().ok().flatten().unwrap_or_default();
                    let result = match status {
                        200 => serde_json::from_str::<StepReply>(&body)
                            .map_err(|_| crate::error::AppError::Unreachable),
                        0 => Err(crate::error::AppError::Unreachable),
                        401 => Err(crate::error::AppError::SignInRequired),
                        _ => Err(crate::error::AppError::invalid(
                            "the server refused it. Reload the page and try again",
                        )),
                    };
                    if matches!(result, Err(crate::error::AppError::Unreachable)) {
                        // A file cannot wait in the browser: say so rather than retry.
                        self.busy.set_value(false);
                        self.state.set(SaveState::Refused(
                            "The file was not uploaded — check your connection and choose it again"
                                .into(),
                        ));
                        return;
                    }
                    self.finished(result);
                })
            };
            request.set_onloadend(Some(done.as_ref().unchecked_ref()));
            done.forget();
            request.send_with_opt_form_data(Some(&data)).ok()
        })();
        if sent.is_none() {
            self.busy.set_value(false);
            self.state.set(SaveState::Refused(
                "The file could not be sent from this browser. Try again".into(),
            ));
        }
    }

    fn storage_key(self) -> String {
        format!(
            "{}{}-{}",
            OFFLINE_COPY_PREFIX,
            self.draft.get_value(),
            self.step.get_value()
        )
    }

    /// Keeps the form's fields (with the version they are based on) in the browser's storage,
    /// as form-encoded text, until a save reaches the server.
    fn keep_backup(self) {
        let Some(form) = wizard_form() else {
            return;
        };
        let (Some(storage), Ok(encoded)) = (local_storage(), web_sys::UrlSearchParams::new())
        else {
            return;
        };
        for (name, value) in self.fields(&form) {
            encoded.append(&name, &value);
        }
        let _ = storage.set_item(&self.storage_key(), &String::from(encoded.to_string()));
    }

    fn drop_backup(self) {
        if let Some(storage) = local_storage() {
            let _ = storage.remove_item(&self.storage_key());
        }
    }

    /// Edits that never reached the server (the tab was closed or reloaded while offline) are
    /// put back into the form and sent, based on the version they were made on: if someone
    /// saved since, the person is shown both and chooses.
    fn restore_backup(self) {
        let Some(storage) = local_storage() else {
            return;
        };
        let Ok(Some(json)) = storage.get_item(&self.storage_key()) else {
            return;
        };
        let (Ok(decoded), Some(form)) =
            (web_sys::UrlSearchParams::new_with_str(&json), wizard_form())
        else {
            return;
        };
        let mut fields = Vec::new();
        if let Ok(Some(entries)) = js_sys::try_iter(&decoded) {
            for entry in entries.flatten() {
                let pair = js_sys::Array::from(&entry);
                if let (Some(name), Some(value)) =
                    (pair.get(0).as_string(), pair.get(1).as_string())
                {
                    fields.push((name, value));
                }
            }
        }
        let version = fields
            .iter()
            .find(|(name, _)| name == "__version")
            .and_then(|(_, v)| v.parse::<i64>().ok());
        let Some(version) = version else {
            self.drop_backup();
            return;
        };
        if form_fields(&form)
            .iter()
            .filter(|(n, _)| n != "__version")
            .eq(fields.iter().filter(|(n, _)| n != "__version"))
        {
            self.drop_backup();
            return;
        }
        fill_form(&form, &fields);
        self.version.set_value(version);
        self.edited(Duration::ZERO);
    }
}
