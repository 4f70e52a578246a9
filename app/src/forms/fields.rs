//! One question of a form, in GOV.UK markup, for every field kind, rendered on the server.
//! The markup is a plain form (names `section.index.field[.part]`) that posts without
//! JavaScript; once the page's scripts run, they save it as it is typed (`autosave.rs`).

use leptos::prelude::*;

use super::wizard::StepAction;
use crate::{
    documents::AttachmentInfo,
    formdef::{
        answers::{field_dom_id, field_name, Answer},
        schema::{Field, FieldKind},
    },
};

/// What a question shows: where it sits, its answer, its problem and (for attachments) the
/// draft's files.
pub struct Place<'a> {
    pub section: &'a str,
    pub index: usize,
    pub answer: Option<&'a Answer>,
    pub error: Option<String>,
    pub files: &'a [AttachmentInfo],
}

pub fn question(field: &Field, place: Place<'_>) -> AnyView {
    let id = field_dom_id(place.section, place.index, &field.id);
    let name = field_name(place.section, place.index, &field.id);
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let mut described = Vec::new();
    if field.hint.is_some() {
        described.push(hint_id.clone());
    }
    if place.error.is_some() {
        described.push(error_id.clone());
    }
    let described = (!described.is_empty()).then(|| described.join(" "));
    let label = if field.optional {
        format!("{} (optional)", field.label)
    } else {
        field.label.clone()
    };
    let hint = field
        .hint
        .clone()
        .map(|h| view! { <div class="govuk-hint" id=hint_id.clone()>{h}</div> });
    let has_error = place.error.is_some();
    let error_message = place.error.clone().map(|message| {
        view! {
            <p class="govuk-error-message" id=error_id.clone()>
                <span class="govuk-visually-hidden">"Error: "</span>
                {message}
            </p>
        }
    });
    let group_class = with_error("govuk-form-group", has_error);
    let body = match field.kind {
        FieldKind::Date
        | FieldKind::Address
        | FieldKind::YesNo
        | FieldKind::Choice
        | FieldKind::MultiChoice => {
            let inputs = grouped_inputs(field, &place, &id, &name, has_error);
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
        FieldKind::Attachments => {
            let files = attachments(field, &place, &id, &name, described, has_error);
            view! {
                <label class="govuk-label govuk-label--s" for=id.clone()>{label}</label>
                {hint}
                {error_message}
                {files}
            }
            .into_any()
        }
        _ => {
            let input = single_input(field, &place, &id, &name, described, has_error);
            view! {
                <label class="govuk-label govuk-label--s" for=id.clone()>{label}</label>
                {hint}
                {error_message}
                {input}
            }
            .into_any()
        }
    };
    // The browser checks what is typed with the same rules (see `checks::check_question`).
    let check = crate::formdef::validate::check_spec(field);
    let label = check.as_ref().map(|_| field.label.clone());
    view! { <div class=group_class data-question=id.clone() data-check=check data-label=label>{body}</div> }
        .into_any()
}

/// A GOV.UK class with its `--error` modifier when the question has a problem.
fn with_error(base: &str, has_error: bool) -> String {
    if has_error {
        format!("{base} {base}--error")
    } else {
        base.to_owned()
    }
}

/// Text, long text, email, phone and number: one input (or a text area with a count).
fn single_input(
    field: &Field,
    place: &Place<'_>,
    id: &str,
    name: &str,
    described: Option<String>,
    has_error: bool,
) -> AnyView {
    let value = place
        .answer
        .map(|a| a.text().to_owned())
        .unwrap_or_default();
    if field.kind == FieldKind::LongText {
        let max = field.max_length() as i64;
        let left = max - value.chars().count() as i64;
        let remaining = if left >= 0 {
            format!("You have {left} characters remaining")
        } else {
            format!("You have {} characters too many", -left)
        };
        let count_id = format!("{id}-info");
        let described =
            Some(described.map_or_else(|| count_id.clone(), |d| format!("{d} {count_id}")));
        return view! {
            <textarea class=with_error("govuk-textarea", has_error) id=id.to_owned() name=name.to_owned() rows="5"
                aria-describedby=described data-max-length=max.to_string()>{value}</textarea>
            <div class="govuk-hint govuk-character-count__message" id=count_id aria-live="polite">{remaining}</div>
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
        <input class=format!("{} {width}", with_error("govuk-input", has_error)) id=id.to_owned() name=name.to_owned()
            type=kind value=value autocomplete=autocomplete inputmode=inputmode spellcheck="false"
            aria-describedby=described/>
    }
    .into_any()
}

/// Date boxes, address lines, radios and checkboxes: several inputs in a fieldset.
fn grouped_inputs(
    field: &Field,
    place: &Place<'_>,
    id: &str,
    name: &str,
    has_error: bool,
) -> AnyView {
    let part_input = |part: &'static str,
                      label: &'static str,
                      class: &'static str,
                      inputmode: Option<&'static str>,
                      autocomplete: Option<&'static str>| {
        let value = place
            .answer
            .map(|a| a.part(part).to_owned())
            .unwrap_or_default();
        let part_id = format!("{id}-{part}");
        let class = format!("{} {class}", with_error("govuk-input", has_error));
        view! {
            <div class="govuk-form-group portal-part">
                <label class="govuk-label" for=part_id.clone()>{label}</label>
                <input class=class id=part_id name=format!("{name}.{part}") type="text" value=value
                    inputmode=inputmode autocomplete=autocomplete/>
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
            let (prefix, input_type) = if multiple {
                ("govuk-checkboxes", "checkbox")
            } else {
                ("govuk-radios", "radio")
            };
            let items = options
                .into_iter()
                .map(|(value, label, hint)| {
                    let option_id = format!("{id}-{value}");
                    let checked = place.answer.is_some_and(|a| a.has(&value));
                    let hint_id = format!("{option_id}-hint");
                    view! {
                        <div class=format!("{prefix}__item")>
                            <input class=format!("{prefix}__input") id=option_id.clone() name=name.to_owned()
                                type=input_type value=value checked=checked
                                aria-describedby=hint.as_ref().map(|_| hint_id.clone())/>
                            <label class=format!("govuk-label {prefix}__label") for=option_id>{label}</label>
                            {hint.map(|h| view! { <div class=format!("govuk-hint {prefix}__hint") id=hint_id>{h}</div> })}
                        </div>
                    }
                })
                .collect_view();
            let class = if field.kind == FieldKind::YesNo {
                format!("{prefix} {prefix}--inline")
            } else {
                prefix.to_owned()
            };
            view! { <div class=class>{items}</div> }.into_any()
        }
    }
}

/// The files attached so far (each with Remove), and a file input with Upload for more.
/// Without JavaScript, Upload posts the step with the chosen files; with it, each file is
/// sent as soon as it is chosen, with its progress shown.
fn attachments(
    field: &Field,
    place: &Place<'_>,
    id: &str,
    name: &str,
    described: Option<String>,
    has_error: bool,
) -> AnyView {
    let ids = place.answer.map(|a| a.many().to_vec()).unwrap_or_default();
    let attached: Vec<AttachmentInfo> = ids
        .iter()
        .filter_map(|file| place.files.iter().find(|f| &f.id == file).cloned())
        .collect();
    let room = (field.max_files() as usize).saturating_sub(attached.len());
    let list = if attached.is_empty() {
        view! { <p class="govuk-body portal-files__none">"No files attached yet."</p> }.into_any()
    } else {
        let rows = attached
            .into_iter()
            .map(|file| {
                let remove = StepAction::RemoveFile(file.id.clone()).value();
                let described = file.describe();
                view! {
                    <div class="govuk-summary-list__row">
                        <dd class="govuk-summary-list__value">
                            <a class="govuk-link" href=format!("/files/{}", file.id) download="">{described}</a>
                        </dd>
                        <dd class="govuk-summary-list__actions">
                            <button type="submit" name="__action" value=remove class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0 portal-link-button">
                                "Remove"<span class="govuk-visually-hidden">{format!(" {}", file.name)}</span>
                            </button>
                        </dd>
                    </div>
                }
            })
            .collect_view();
        view! { <dl class="govuk-summary-list portal-files">{rows}</dl> }.into_any()
    };
    let input = (room > 0).then(|| {
        let class = with_error("govuk-file-upload", has_error);
        let upload = StepAction::Upload(name.to_owned()).value();
        view! {
            <p class="govuk-hint">{format!(
                "PDF, Word or photo, up to {} each. You can add {} more.",
                crate::documents::human_size(max_upload_hint()),
                if room == 1 { "1 file".to_owned() } else { format!("{room} files") }
            )}</p>
            <input class=class id=id.to_owned() name=name.to_owned() type="file" multiple=room.gt(&1)
                accept=".pdf,.doc,.docx,.jpg,.jpeg,.png,.gif,.webp,.heic,application/pdf,image/*"
                aria-describedby=described data-upload=name.to_owned()/>
            <button type="submit" name="__action" value=upload class="govuk-button govuk-button--secondary portal-upload">"Upload"</button>
        }
    });
    view! { <div class="portal-files-field">{list}{input}</div> }.into_any()
}

/// The upload limit, for the hint beside the file input.
fn max_upload_hint() -> u64 {
    use_context::<crate::platform::AppState>()
        .map(|s| s.storage.max_upload_bytes)
        .unwrap_or(crate::platform::storage::DEFAULT_MAX_UPLOAD_BYTES)
}
