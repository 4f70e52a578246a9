//! Autosave, once the page has hydrated: a moment after the person stops typing (and at every
//! step change) the answers go to `save_draft` with the version they were based on. A refused
//! (stale) save is shown to the person to choose; a failed one (offline) is kept in the
//! browser's storage and sent again when the connection comes back. Closing the tab with
//! unsaved edits warns.

use std::time::Duration;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{
    answers::Answers,
    api::{save_draft, SaveOutcome},
};

/// How long after the last keystroke a save starts, and how soon a failed save is retried.
const QUIET: Duration = Duration::from_millis(800);
const RETRY: Duration = Duration::from_secs(5);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveState {
    /// Nothing changed since loading (`at` is when it was last saved).
    Unchanged {
        at: i64,
    },
    Pending,
    Saving,
    Saved {
        at: i64,
    },
    /// Not saved (offline or the server did not answer): kept in this browser, retrying.
    Retrying,
    /// Someone saved from another tab or device since this page's version.
    Conflict {
        theirs: Answers,
        version: i64,
        at: i64,
    },
}

/// What is kept in the browser's storage while a save is outstanding.
#[derive(Serialize, Deserialize)]
struct Backup {
    base_version: i64,
    answers: Answers,
}

#[derive(Clone, Copy)]
pub struct Autosave {
    draft: StoredValue<String>,
    pub answers: RwSignal<Answers>,
    pub version: RwSignal<i64>,
    pub state: RwSignal<SaveState>,
    step: Memo<String>,
    /// A save is on its way; `again` asks for another once it is back.
    in_flight: StoredValue<bool>,
    again: StoredValue<bool>,
    timer: StoredValue<Option<TimeoutHandle>>,
    /// The inactivity clock's signal: a save counts as activity.
    activity: Option<RwSignal<u32>>,
}

impl Autosave {
    pub fn new(
        draft: String,
        answers: RwSignal<Answers>,
        version: i64,
        saved_at: i64,
        step: Memo<String>,
    ) -> Autosave {
        let saver = Autosave {
            draft: StoredValue::new(draft),
            answers,
            version: RwSignal::new(version),
            state: RwSignal::new(SaveState::Unchanged { at: saved_at }),
            step,
            in_flight: StoredValue::new(false),
            again: StoredValue::new(false),
            timer: StoredValue::new(None),
            activity: use_context::<crate::auth::idle::Activity>().map(|a| a.0),
        };
        saver.watch();
        saver
    }

    /// Effects run only in the browser: on the server this sets nothing up.
    fn watch(self) {
        // Edits: save a moment after the last one.
        Effect::new(move |first: Option<()>| {
            self.answers.track();
            if first.is_some() {
                self.state.set(SaveState::Pending);
                self.schedule(QUIET);
            }
        });
        // A step change saves at once (the server remembers where the person is).
        Effect::new(move |first: Option<()>| {
            self.step.track();
            if first.is_some() {
                self.save_now();
            }
        });
        // Edits kept from an earlier visit that never reached the server.
        Effect::new(move |_| self.restore_backup());
        let online = window_event_listener(leptos::ev::online, move |_| {
            if self.state.get_untracked() == SaveState::Retrying {
                self.save_now();
            }
        });
        let unload = window_event_listener(leptos::ev::beforeunload, move |ev| {
            if self.unsaved() {
                ev.prevent_default();
                ev.set_return_value("You have changes that are not saved yet.");
            }
        });
        on_cleanup(move || {
            online.remove();
            unload.remove();
        });
    }

    pub fn unsaved(self) -> bool {
        matches!(
            self.state.get_untracked(),
            SaveState::Pending | SaveState::Saving | SaveState::Retrying
        )
    }

    fn schedule(self, after: Duration) {
        if let Some(handle) = self.timer.get_value() {
            handle.clear();
        }
        let handle = set_timeout_with_handle(move || self.save_now(), after).ok();
        self.timer.set_value(handle);
    }

    /// Sends the answers now (or as soon as the save on its way is back).
    pub fn save_now(self) {
        if let Some(handle) = self.timer.get_value() {
            handle.clear();
            self.timer.set_value(None);
        }
        if matches!(self.state.get_untracked(), SaveState::Conflict { .. }) {
            return;
        }
        if self.in_flight.get_value() {
            self.again.set_value(true);
            return;
        }
        self.in_flight.set_value(true);
        self.state.set(SaveState::Saving);
        let answers = self.answers.get_untracked();
        let base_version = self.version.get_untracked();
        self.keep_backup(base_version, &answers);
        let (draft, step) = (self.draft.get_value(), self.step.get_untracked());
        leptos::task::spawn_local(async move {
            let outcome = save_draft(draft, base_version, answers.clone(), step).await;
            self.in_flight.set_value(false);
            match outcome {
                Ok(SaveOutcome::Saved { version, saved_at }) => {
                    if let Some(activity) = self.activity {
                        activity.update(|n| *n = n.wrapping_add(1));
                    }
                    self.version.set(version);
                    if self.answers.with_untracked(|a| a == &answers) {
                        self.drop_backup();
                        self.state.set(SaveState::Saved { at: saved_at });
                    } else {
                        self.again.set_value(true);
                    }
                }
                Ok(SaveOutcome::Conflict {
                    version,
                    answers: theirs,
                    saved_at,
                }) => {
                    self.again.set_value(false);
                    self.state.set(SaveState::Conflict {
                        theirs,
                        version,
                        at: saved_at,
                    });
                    return;
                }
                Err(
                    crate::error::AppError::Unreachable | crate::error::AppError::Internal { .. },
                ) => {
                    self.state.set(SaveState::Retrying);
                    self.schedule(RETRY);
                    return;
                }
                Err(_) => {
                    // Refused (signed out, or no longer theirs): keep the backup for later.
                    self.state.set(SaveState::Retrying);
                    return;
                }
            }
            if self.again.get_value() {
                self.again.set_value(false);
                self.save_now();
            }
        });
    }

    /// The person chose: keep their answers (saved over the other version), or take the
    /// other version.
    pub fn resolve(self, keep_mine: bool) {
        let SaveState::Conflict {
            theirs,
            version,
            at,
        } = self.state.get_untracked()
        else {
            return;
        };
        self.version.set(version);
        if keep_mine {
            self.state.set(SaveState::Pending);
            self.save_now();
        } else {
            self.drop_backup();
            self.answers.set(theirs);
            self.state.set(SaveState::Saved { at });
        }
    }

    fn storage_key(self) -> String {
        format!("send-portal-draft-{}", self.draft.get_value())
    }

    fn keep_backup(self, base_version: i64, answers: &Answers) {
        if let (Some(storage), Ok(json)) = (
            local_storage(),
            serde_json::to_string(&Backup {
                base_version,
                answers: answers.clone(),
            }),
        ) {
            let _ = storage.set_item(&self.storage_key(), &json);
        }
    }

    fn drop_backup(self) {
        if let Some(storage) = local_storage() {
            let _ = storage.remove_item(&self.storage_key());
        }
    }

    /// Edits that never reached the server (the tab closed while offline) come back: sent if
    /// nobody saved since, offered as a choice if someone did.
    fn restore_backup(self) {
        let Some(storage) = local_storage() else {
            return;
        };
        let Ok(Some(json)) = storage.get_item(&self.storage_key()) else {
            return;
        };
        let Ok(backup) = serde_json::from_str::<Backup>(&json) else {
            return;
        };
        if self.answers.with_untracked(|a| a == &backup.answers) {
            self.drop_backup();
            return;
        }
        let current = self.version.get_untracked();
        if backup.base_version == current {
            self.answers.set(backup.answers);
        } else {
            // Show theirs (the server's) against the answers kept here.
            let server = self.answers.get_untracked();
            self.answers.set(backup.answers);
            self.state.set(SaveState::Conflict {
                theirs: server,
                version: current,
                at: 0,
            });
        }
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    #[cfg(feature = "hydrate")]
    {
        leptos::prelude::window().local_storage().ok().flatten()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}

/// "Saving…", "Saved at 10:42", "Not saved — retrying".
#[component]
pub fn SaveStatus(saver: Autosave) -> impl IntoView {
    let text = move || match saver.state.get() {
        SaveState::Unchanged { at } if at > 0 => {
            format!("Last saved at {}", crate::clock::date_time(at))
        }
        SaveState::Unchanged { .. } => String::new(),
        SaveState::Pending => "Changes not saved yet".into(),
        SaveState::Saving => "Saving…".into(),
        SaveState::Saved { at } => format!("Saved at {}", crate::clock::time_of_day(at)),
        SaveState::Retrying => {
            "Not saved — your changes are kept in this browser and we are retrying".into()
        }
        SaveState::Conflict { .. } => "Not saved — this form was changed elsewhere".into(),
    };
    let class = move || match saver.state.get() {
        SaveState::Retrying | SaveState::Conflict { .. } => {
            "portal-save-status portal-save-status--problem"
        }
        _ => "portal-save-status",
    };
    view! { <p class=class role="status" aria-live="polite">{text}</p> }
}
