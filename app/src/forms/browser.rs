//! What the wizard's island does to the page around it: reads and fills the step's form,
//! keeps unsent answers in the browser's storage, shows the save status line and moves focus.

use leptos::{prelude::*, wasm_bindgen::JsCast};

use super::autosave::{Editor, SaveState};

/// "Saving…", "Saved at 10:42", "Not saved — retrying", in the status line the server put
/// under the form's title (`#save-status`), kept up to date as saves come and go.
pub fn show_status(editor: Editor) {
    Effect::new(move |_| {
        let state = editor.state.get();
        // The step's HTML may have just been replaced: read it after this change.
        editor.html.track();
        let text = match &state {
            SaveState::Unchanged { at } if *at > 0 => {
                format!("Last saved at {}", crate::clock::date_time(*at))
            }
            SaveState::Unchanged { .. } => String::new(),
            SaveState::Pending => "Changes not saved yet".into(),
            SaveState::Saving => "Saving…".into(),
            SaveState::Saved { at } => format!("Saved at {}", crate::clock::time_of_day(*at)),
            SaveState::Retrying => {
                "Not saved — your changes are kept in this browser and we are retrying".into()
            }
            SaveState::Refused(message) => message.clone(),
            SaveState::Conflict => "Not saved — this form was changed elsewhere".into(),
            SaveState::Uploading(name, percent) => format!("Uploading {name} — {percent}%"),
        };
        let class = match state {
            SaveState::Retrying | SaveState::Conflict | SaveState::Refused(_) => {
                "portal-save-status portal-save-status--problem"
            }
            _ => "portal-save-status",
        };
        request_animation_frame(move || {
            if let Some(line) = document().get_element_by_id("save-status") {
                line.set_text_content(Some(&text));
                line.set_class_name(class);
            }
        });
    });
}

pub(super) fn local_storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

pub(super) fn wizard_form() -> Option<web_sys::HtmlFormElement> {
    document()
        .get_element_by_id("wizard-form")?
        .dyn_into::<web_sys::HtmlFormElement>()
        .ok()
}

/// The text fields of a form, in order (chosen files are not text and are left out).
pub(super) fn form_fields(form: &web_sys::HtmlFormElement) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    let Ok(data) = web_sys::FormData::new_with_form(form) else {
        return fields;
    };
    if let Ok(Some(entries)) = js_sys::try_iter(&data) {
        for entry in entries.flatten() {
            let pair = js_sys::Array::from(&entry);
            if let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                fields.push((name, value));
            }
        }
    }
    fields
}

/// Puts kept fields back into the form: text into inputs, ticks onto boxes and radios.
pub(super) fn fill_form(form: &web_sys::HtmlFormElement, fields: &[(String, String)]) {
    let Ok(inputs) = form.query_selector_all("input[name], textarea[name]") else {
        return;
    };
    for i in 0..inputs.length() {
        let Some(node) = inputs.item(i) else { continue };
        if let Some(input) = node.dyn_ref::<web_sys::HtmlInputElement>() {
            let name = input.name();
            if name.starts_with("__") {
                continue;
            }
            match input.type_().as_str() {
                "file" | "submit" | "hidden" => {}
                "radio" | "checkbox" => {
                    let value = input.value();
                    input.set_checked(fields.iter().any(|(n, v)| *n == name && *v == value));
                }
                _ => {
                    if let Some((_, v)) = fields.iter().find(|(n, _)| *n == name) {
                        input.set_value(v);
                    }
                }
            }
        } else if let Some(area) = node.dyn_ref::<web_sys::HtmlTextAreaElement>() {
            if let Some((_, v)) = fields.iter().find(|(n, _)| *n == area.name()) {
                area.set_value(v);
            }
        }
    }
}

/// The character count under a long answer.
pub(super) fn update_count(ev: &leptos::ev::Event) {
    let Some(area) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
    else {
        return;
    };
    let Some(max) = area
        .get_attribute("data-max-length")
        .and_then(|m| m.parse::<i64>().ok())
    else {
        return;
    };
    let left = max - area.value().chars().count() as i64;
    if let Some(info) = document().get_element_by_id(&format!("{}-info", area.id())) {
        info.set_text_content(Some(&if left >= 0 {
            format!("You have {left} characters remaining")
        } else {
            format!("You have {} characters too many", -left)
        }));
    }
}

pub(super) fn first_file_name(form: &web_sys::HtmlFormElement, name: &str) -> String {
    form.query_selector(&format!("input[type=file][name=\"{name}\"]"))
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        .and_then(|input| input.files())
        .and_then(|files| files.get(0))
        .map(|file| file.name())
        .unwrap_or_else(|| "file".into())
}

/// Focuses an element once the page has redrawn (the new item after Add More, the error
/// summary after a failed Continue).
pub fn focus_later(id: String) {
    request_animation_frame(move || {
        if let Some(element) = document().get_element_by_id(&id) {
            if let Ok(element) = element.dyn_into::<web_sys::HtmlElement>() {
                let _ = element.focus();
            }
        }
    });
}

/// The start of the names under which the wizard keeps answers in the browser's storage while
/// they have not reached the server.
pub const OFFLINE_COPY_PREFIX: &str = "send-portal-draft-";

/// Forgets every unsent answer kept in this browser, so that the next person at a shared
/// computer cannot read them: on the signed-out page, which every sign-out reaches (the
/// header's button, the inactivity warning's, and the inactivity sign-out itself).
pub fn forget_offline_copies() {
    if !cfg!(target_arch = "wasm32") {
        return;
    }
    let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) else {
        return;
    };
    let keys: Vec<String> = (0..storage.length().unwrap_or(0))
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|key| key.starts_with(OFFLINE_COPY_PREFIX))
        .collect();
    for key in keys {
        let _ = storage.remove_item(&key);
    }
}
