//! Sharing a letter, report or plan with chosen linked people. This file holds its markup; the SQL
//! is in `casework/store/sharing.rs`.

use leptos::prelude::*;

use super::{field_error, form_problem, group_class, version_input};
use crate::casework::{
    post::Flash,
    store::{self, Case},
};
use crate::{clock, documents::DocumentKind};

pub(super) fn share_section(
    case: &Case,
    flash: &Flash,
    people: &[store::LinkedPerson],
    documents: &[store::CaseDocument],
) -> AnyView {
    let kept_kind = flash.kept("share", "kind").unwrap_or_default();
    let kept_readers = flash.kept_all("share", "readers").unwrap_or_default();
    view! {
        <h2 class="govuk-heading-m" id="share-section">"Shared documents"</h2>
        {if documents.is_empty() {
            view! { <p class="govuk-body">"Nothing has been shared yet."</p> }.into_any()
        } else {
            view! {
                <ul class="govuk-list govuk-list--bullet" id="case-documents">
                    {documents.iter().map(|document| {
                        let kind = DocumentKind::parse(&document.kind).map(|k| k.label()).unwrap_or_default();
                        view! { <li>{format!("{} ({kind}), shared on {}", document.title, clock::date(document.shared_at))}</li> }
                    }).collect_view()}
                </ul>
            }
            .into_any()
        }}
        {(!people.is_empty()).then(|| view! {
            <form method="post" action=format!("/staff/cases/{}/documents", case.child.id) enctype="multipart/form-data" novalidate>
                {version_input(case)}
                <h3 class="govuk-heading-s">"Share a document"</h3>
                {form_problem(flash, "share")}
                <div class=group_class(flash, "share", "kind")>
                    <fieldset class="govuk-fieldset">
                        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">"What is it?"</legend>
                        {field_error(flash, "share", "kind")}
                        <div class="govuk-radios govuk-radios--small">
                            {DocumentKind::ALL.iter().enumerate().map(|(i, k)| {
                                let id = if i == 0 { "kind".to_owned() } else { format!("kind-{}", k.as_str()) };
                                let checked = kept_kind == k.as_str();
                                view! {
                                    <div class="govuk-radios__item">
                                        <input class="govuk-radios__input" id=id.clone() name="kind" type="radio" value=k.as_str() checked=checked/>
                                        <label class="govuk-label govuk-radios__label" for=id>{k.label()}</label>
                                    </div>
                                }
                            }).collect_view()}
                        </div>
                    </fieldset>
                </div>
                <div class=group_class(flash, "share", "title")>
                    <label class="govuk-label" for="title">"Title"</label>
                    {field_error(flash, "share", "title")}
                    <input class="govuk-input" id="title" name="title" type="text" value=flash.kept("share", "title").unwrap_or_default()/>
                </div>
                <div class=group_class(flash, "share", "body")>
                    <label class="govuk-label" for="body">"Text"</label>
                    <div class="govuk-hint" id="body-hint">"What the readers see on the page. Leave a blank line between paragraphs."</div>
                    {field_error(flash, "share", "body")}
                    <textarea class="govuk-textarea" id="body" name="body" rows="6" aria-describedby="body-hint">{flash.kept("share", "body").unwrap_or_default()}</textarea>
                </div>
                <div class=group_class(flash, "share", "file")>
                    <label class="govuk-label" for="file">"File (optional)"</label>
                    <div class="govuk-hint" id="file-hint">"A PDF, Word document or picture. Choose it again if the page shows a problem."</div>
                    {field_error(flash, "share", "file")}
                    <input class="govuk-file-upload" id="file" name="file" type="file" aria-describedby="file-hint"/>
                </div>
                <div class=group_class(flash, "share", "readers")>
                    <fieldset class="govuk-fieldset">
                        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">"Who can read it"</legend>
                        {field_error(flash, "share", "readers")}
                        <div class="govuk-checkboxes govuk-checkboxes--small">
                            {people.iter().enumerate().map(|(i, p)| {
                                let id = if i == 0 { "readers".to_owned() } else { format!("readers-{}", p.user_id) };
                                let checked = kept_readers.contains(&p.user_id.to_string());
                                let label = format!("{} ({})", p.name, p.relationship.label());
                                view! {
                                    <div class="govuk-checkboxes__item">
                                        <input class="govuk-checkboxes__input" id=id.clone() name="readers" type="checkbox" value=p.user_id.to_string() checked=checked/>
                                        <label class="govuk-label govuk-checkboxes__label" for=id>{label}</label>
                                    </div>
                                }
                            }).collect_view()}
                        </div>
                    </fieldset>
                </div>
                <button type="submit" class="govuk-button">"Share"</button>
            </form>
        })}
    }
    .into_any()
}
