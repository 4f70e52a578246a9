//! One question of a form, in GOV.UK markup, for every field kind. The same markup is a plain
//! form without JavaScript (names `section.index.field[.part]`) and, once hydrated, writes
//! each keystroke into the draft's answers for autosave and instant checks.

use leptos::prelude::*;

use super::{
    answers::{field_dom_id, field_name, Answer, Answers},
    schema::{Field, FieldKind},
    validate::FieldError,
};

/// Where a question sits, and the shared state it reads and writes.
#[derive(Clone)]
pub struct Place {
    pub section: String,
    pub index: usize,
    pub answers: RwSignal<Answers>,
    pub errors: Signal<Vec<FieldError>>,
}

impl Place {
    fn current(&self, field: &str) -> Option<Answer> {
        self.answers
            .with_untracked(|a| a.get(&self.section, self.index, field).cloned())
    }

    fn write(&self, field: &str, change: impl FnOnce(Option<Answer>) -> Answer) {
        let (section, index) = (self.section.clone(), self.index);
        self.answers.update(|a| {
            let old = a.get(&section, index, field).cloned();
            a.set(&section, index, field, change(old));
        });
    }
}

#[component]
pub fn Question(field: Field, place: Place) -> impl IntoView {
    let id = field_dom_id(&place.section, place.index, &field.id);
    let name = field_name(&place.section, place.index, &field.id);
    let error = {
        let (errors, id) = (place.errors, id.clone());
        Memo::new(move |_| {
            errors.with(|list| {
                list.iter()
                    .find(|e| e.field == id)
                    .map(|e| e.message.clone())
            })
        })
    };
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = {
        let (hint_id, error_id, has_hint) =
            (hint_id.clone(), error_id.clone(), field.hint.is_some());
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if error.with(Option::is_some) {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let label = if field.optional {
        format!("{} (optional)", field.label)
    } else {
        field.label.clone()
    };
    let hint = field
        .hint
        .clone()
        .map(|h| view! { <div class="govuk-hint" id=hint_id.clone()>{h}</div> });
    let error_message = move || {
        error.get().map(|message| {
            view! {
                <p class="govuk-error-message" id=error_id.clone()>
                    <span class="govuk-visually-hidden">"Error: "</span>
                    {message}
                </p>
            }
        })
    };
    let group_class = move || {
        if error.with(Option::is_some) {
            "govuk-form-group govuk-form-group--error"
        } else {
            "govuk-form-group"
        }
    };
    let body = match field.kind {
        FieldKind::Date
        | FieldKind::Address
        | FieldKind::YesNo
        | FieldKind::Choice
        | FieldKind::MultiChoice => {
            let inputs = grouped_inputs(&field, &place, &id, &name, error.into());
            view! {
                <fieldset class="govuk-fieldset" aria-describedby=described>
                    <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{label}</legend>
                    {hint}
                    {error_message}
                    {inputs}
                </fieldset>
            }
            .into_any()
        }
        FieldKind::Attachments => view! {
            <h3 class="govuk-heading-s" id=id.clone()>{label}</h3>
            {hint}
            {error_message}
            <p class="govuk-body">"No files attached."</p>
        }
        .into_any(),
        _ => {
            let input = single_input(&field, &place, &id, &name, described, error.into());
            view! {
                <label class="govuk-label govuk-label--s" for=id.clone()>{label}</label>
                {hint}
                {error_message}
                {input}
            }
            .into_any()
        }
    };
    view! { <div class=group_class>{body}</div> }
}

/// Text, long text, email, phone and number: one input (or a text area with a count).
fn single_input(
    field: &Field,
    place: &Place,
    id: &str,
    name: &str,
    described: impl Fn() -> Option<String> + Send + Sync + Clone + 'static,
    error: Signal<Option<String>>,
) -> AnyView {
    let initial = place
        .current(&field.id)
        .map(|a| a.text().to_owned())
        .unwrap_or_default();
    let typed = RwSignal::new(initial.chars().count());
    let on_input = {
        let (place, field_id) = (place.clone(), field.id.clone());
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            typed.set(value.chars().count());
            place.write(&field_id, |_| Answer::Text(value));
        }
    };
    let input_class = move |base: &'static str| {
        if error.with(Option::is_some) {
            format!("{base} {base}--error")
        } else {
            base.to_owned()
        }
    };
    if field.kind == FieldKind::LongText {
        let max = field.max_length() as usize;
        let count_id = format!("{id}-info");
        let remaining = move || {
            let left = max as i64 - typed.get() as i64;
            if left >= 0 {
                format!("You have {left} characters remaining")
            } else {
                format!("You have {} characters too many", -left)
            }
        };
        return view! {
            <textarea class=move || input_class("govuk-textarea") id=id.to_owned() name=name.to_owned() rows="5"
                aria-describedby=move || Some(described().map_or_else(|| count_id.clone(), |d| format!("{d} {count_id}")))
                on:input=on_input>{initial}</textarea>
            <div class="govuk-hint govuk-character-count__message" id=format!("{id}-info") aria-live="polite">{remaining}</div>
        }
        .into_any();
    }
    let (kind, autocomplete, inputmode, width) = match field.kind {
        FieldKind::Email => ("email", Some("email"), None, "govuk-!-width-two-thirds"),
        FieldKind::Phone => ("tel", Some("tel"), None, "govuk-input--width-20"),
        FieldKind::Number => ("text", None, Some("numeric"), "govuk-input--width-5"),
        _ if field.format.is_some() => ("text", None, None, "govuk-input--width-20"),
        _ => ("text", None, None, ""),
    };
    view! {
        <input class=move || format!("{} {width}", input_class("govuk-input")) id=id.to_owned() name=name.to_owned()
            type=kind value=initial autocomplete=autocomplete inputmode=inputmode spellcheck="false"
            aria-describedby=described on:input=on_input/>
    }
    .into_any()
}

/// Date boxes, address lines, radios and checkboxes: several inputs in a fieldset.
fn grouped_inputs(
    field: &Field,
    place: &Place,
    id: &str,
    name: &str,
    error: Signal<Option<String>>,
) -> AnyView {
    let current = place.current(&field.id);
    let part_input = |part: &'static str,
                      label: &'static str,
                      class: &'static str,
                      inputmode: Option<&'static str>,
                      autocomplete: Option<&'static str>| {
        let value = current
            .as_ref()
            .map(|a| a.part(part).to_owned())
            .unwrap_or_default();
        let (place, field_id) = (place.clone(), field.id.clone());
        let on_input = move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            place.write(&field_id, |old| {
                let mut parts = match old {
                    Some(Answer::Parts(parts)) => parts,
                    _ => Default::default(),
                };
                parts.insert(part.to_owned(), value);
                Answer::Parts(parts)
            });
        };
        let part_id = format!("{id}-{part}");
        view! {
            <div class="govuk-form-group portal-part">
                <label class="govuk-label" for=part_id.clone()>{label}</label>
                <input class=move || if error.with(Option::is_some) { format!("govuk-input govuk-input--error {class}") } else { format!("govuk-input {class}") }
                    id=part_id name=format!("{name}.{part}") type="text" value=value
                    inputmode=inputmode autocomplete=autocomplete on:input=on_input/>
            </div>
        }
    };
    match field.kind {
        FieldKind::Date => view! {
            <div class="govuk-date-input">
                {part_input("day", "Day", "govuk-input--width-2", Some("numeric"), None)}
                {part_input("month", "Month", "govuk-input--width-2", Some("numeric"), None)}
                {part_input("year", "Year", "govuk-input--width-4", Some("numeric"), None)}
            </div>
        }
        .into_any(),
        FieldKind::Address => view! {
            {part_input("line1", "Address line 1", "", None, Some("address-line1"))}
            {part_input("line2", "Address line 2 (optional)", "", None, Some("address-line2"))}
            {part_input("town", "Town or city", "govuk-!-width-two-thirds", None, Some("address-level2"))}
            {part_input("postcode", "Postcode", "govuk-input--width-10", None, Some("postal-code"))}
        }
        .into_any(),
        _ => {
            let multiple = field.kind == FieldKind::MultiChoice;
            let options: Vec<(String, String, Option<String>)> = if field.kind == FieldKind::YesNo {
                vec![
                    ("yes".into(), "Yes".into(), None),
                    ("no".into(), "No".into(), None),
                ]
            } else {
                field
                    .options
                    .iter()
                    .map(|o| (o.value.clone(), o.label.clone(), o.hint.clone()))
                    .collect()
            };
            let chosen = |value: &str| current.as_ref().is_some_and(|a| a.has(value));
            let (prefix, input_type) = if multiple {
                ("govuk-checkboxes", "checkbox")
            } else {
                ("govuk-radios", "radio")
            };
            let inline = field.kind == FieldKind::YesNo;
            let items = options
                .into_iter()
                .map(|(value, label, hint)| {
                    let option_id = format!("{id}-{value}");
                    let checked = chosen(&value);
                    let (place, field_id, v) = (place.clone(), field.id.clone(), value.clone());
                    let on_change = move |ev: leptos::ev::Event| {
                        let on = event_target_checked(&ev);
                        let v = v.clone();
                        place.write(&field_id, |old| {
                            if !multiple {
                                return Answer::Text(v);
                            }
                            let mut values = match old {
                                Some(Answer::Many(values)) => values,
                                _ => Vec::new(),
                            };
                            values.retain(|x| x != &v);
                            if on {
                                values.push(v);
                            }
                            Answer::Many(values)
                        });
                    };
                    let hint_id = format!("{option_id}-hint");
                    view! {
                        <div class=format!("{prefix}__item")>
                            <input class=format!("{prefix}__input") id=option_id.clone() name=name.to_owned()
                                type=input_type value=value checked=checked on:change=on_change
                                aria-describedby=hint.as_ref().map(|_| hint_id.clone())/>
                            <label class=format!("govuk-label {prefix}__label") for=option_id>{label}</label>
                            {hint.map(|h| view! { <div class=format!("govuk-hint {prefix}__hint") id=hint_id>{h}</div> })}
                        </div>
                    }
                })
                .collect_view();
            let class = if inline {
                format!("{prefix} {prefix}--inline")
            } else {
                prefix.to_owned()
            };
            view! { <div class=class>{items}</div> }.into_any()
        }
    }
}
