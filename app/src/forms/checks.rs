//! Instant checks in the browser: when the focus leaves a question, what was typed is checked
//! with the server's own rules (`formdef::validate::check_typed`) and the message shown at once.

use leptos::{prelude::*, wasm_bindgen::JsCast};

use super::browser::wizard_form;

/// When the focus leaves a question, checks what was typed there with the same rules as the
/// server (`validate::check_typed`) and shows or clears its message at once. Whether a
/// required answer is missing is left to Continue.
pub fn check_question(ev: &leptos::ev::FocusEvent) {
    let Some(question) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|e| e.closest("[data-check]").ok().flatten())
    else {
        return;
    };
    // Moving between the boxes of one date or address is not leaving the question.
    if ev
        .related_target()
        .and_then(|t| t.dyn_into::<web_sys::Node>().ok())
        .is_some_and(|next| question.contains(Some(&next)))
    {
        return;
    }
    let (Some(spec), Some(label), Some(id)) = (
        question.get_attribute("data-check"),
        question.get_attribute("data-label"),
        question.get_attribute("data-question"),
    ) else {
        return;
    };
    let today = wizard_form()
        .and_then(|f| f.get_attribute("data-today"))
        .and_then(|iso| {
            let mut bits = iso.splitn(3, '-').map(|b| b.parse::<u32>().ok());
            let (y, m, d) = (bits.next()??, bits.next()??, bits.next()??);
            crate::values::Date::new(y as i32, m, d)
        });
    let Some(today) = today else { return };
    let Ok(inputs) = question.query_selector_all("input[name], textarea[name]") else {
        return;
    };
    let mut parts = std::collections::BTreeMap::new();
    let mut text = String::new();
    for i in 0..inputs.length() {
        let Some(node) = inputs.item(i) else { continue };
        let (name, value) = if let Some(input) = node.dyn_ref::<web_sys::HtmlInputElement>() {
            (input.name(), input.value())
        } else if let Some(area) = node.dyn_ref::<web_sys::HtmlTextAreaElement>() {
            (area.name(), area.value())
        } else {
            continue;
        };
        // `section.index.field` or `section.index.field.part`.
        match name.splitn(4, '.').nth(3) {
            Some(part) => {
                parts.insert(part.to_owned(), value);
            }
            None => text = value,
        }
    }
    let answer = if parts.is_empty() {
        crate::formdef::answers::Answer::Text(text)
    } else {
        crate::formdef::answers::Answer::Parts(parts)
    };
    let problem = crate::formdef::validate::check_typed(&spec, &label, &answer, today).err();
    show_problem(&question, &id, problem.as_deref());
}

/// Marks a question with its problem (GOV.UK error markup), or clears it.
fn show_problem(question: &web_sys::Element, id: &str, problem: Option<&str>) {
    let message_id = format!("{id}-error");
    let existing = document().get_element_by_id(&message_id);
    let class_list = question.class_list();
    let Ok(inputs) = question.query_selector_all("input.govuk-input, textarea") else {
        return;
    };
    for i in 0..inputs.length() {
        if let Some(input) = inputs
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
        {
            let error_class = if input.tag_name() == "TEXTAREA" {
                "govuk-textarea--error"
            } else {
                "govuk-input--error"
            };
            let _ = if problem.is_some() {
                input.class_list().add_1(error_class)
            } else {
                input.class_list().remove_1(error_class)
            };
            // The message is read out with the input.
            let described = input.get_attribute("aria-describedby").unwrap_or_default();
            let mut ids: Vec<&str> = described
                .split_whitespace()
                .filter(|d| *d != message_id)
                .collect();
            if problem.is_some() {
                ids.push(&message_id);
            }
            let _ = if ids.is_empty() {
                input.remove_attribute("aria-describedby")
            } else {
                input.set_attribute("aria-describedby", &ids.join(" "))
            };
        }
    }
    let Some(problem) = problem else {
        let _ = class_list.remove_1("govuk-form-group--error");
        if let Some(message) = existing {
            message.remove();
        }
        return;
    };
    let _ = class_list.add_1("govuk-form-group--error");
    let message = match existing {
        Some(message) => message,
        None => {
            let Ok(message) = document().create_element("p") else {
                return;
            };
            message.set_class_name("govuk-error-message");
            message.set_id(&message_id);
            // Before the inputs, after the label or legend and hint.
            let first = question
                .query_selector(".govuk-date-input, .portal-part, input, textarea")
                .ok()
                .flatten();
            if let Some(parent) = first.as_ref().and_then(|f| f.parent_node()) {
                let _ = parent.insert_before(&message, first.as_ref().map(|f| f.as_ref()));
            }
            message
        }
    };
    message.set_text_content(None);
    if let Ok(hidden) = document().create_element("span") {
        hidden.set_class_name("govuk-visually-hidden");
        hidden.set_text_content(Some("Error: "));
        let _ = message.append_child(&hidden);
    }
    let _ = message.append_child(&document().create_text_node(problem));
}
