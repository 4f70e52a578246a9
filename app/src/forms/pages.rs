//! A child's Forms page (the forms that can be started, and the History) and a submitted
//! form's page (the confirmation after Accept, and View Details).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{child_forms, ChildFormsData, StartForm};
use crate::{
    clock,
    components::errors::load_failed,
    components::{ErrorSummary, SuccessBanner},
};

/// `/children/:child/forms`.
#[component]
pub fn ChildFormsPage() -> impl IntoView {
    let params = use_params_map();
    let child = move || params.read().get("child").unwrap_or_default();
    let data = Resource::new(child, child_forms);
    view! {
        <Suspense fallback=|| view! { <p class="govuk-body">"Loading forms…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(err) => load_failed(err, format!("/children/{}/forms", child())),
                    Ok(forms) => view! { <ChildFormsView forms/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ChildFormsView(forms: ChildFormsData) -> impl IntoView {
    let ChildFormsData {
        child,
        available,
        drafts,
        submitted,
        shared,
        assessment_started,
        family,
        plans,
    } = forms;
    let query = use_query_map();
    let search = query.read_untracked().get("q").unwrap_or_default();
    let saved = move || query.read().get("saved").is_some();
    let added = query.read_untracked().get("added").is_some();
    let start = ServerAction::<StartForm>::new();
    let start_error = move || start.value().get().and_then(|r| r.err());
    let name = child.full_name();
    let child_id = child.id.clone();
    // Every form is listed; those the search leaves out are hidden (by the server after a search
    // without JavaScript, by `FormSearch` as the person types).
    let term = search.trim().to_ascii_lowercase();
    let matches = |haystack: &str| term.is_empty() || haystack.contains(&term);
    let none_match = !available.iter().any(|f| matches(&search_text(f)));
    let items = available
        .into_iter()
        .map(|f| {
            let haystack = search_text(&f);
            let hidden = !matches(&haystack);
            let child_id = child_id.clone();
            view! {
                <li class="portal-form-list__item" data-search=haystack hidden=hidden>
                    <h3 class="govuk-heading-s">{f.title.clone()}</h3>
                    <p class="govuk-body">{f.description.clone()}</p>
                    <ActionForm action=start>
                        <input type="hidden" name="child" value=child_id/>
                        <input type="hidden" name="form" value=f.id.clone()/>
                        <button type="submit" class="govuk-button govuk-button--secondary">
                            "Start"<span class="govuk-visually-hidden">{format!(" {}", f.title)}</span>
                        </button>
                    </ActionForm>
                </li>
            }
        })
        .collect_view();
    let history_empty = drafts.is_empty() && submitted.is_empty() && shared.is_empty();
    let status_link = format!("/children/{}/status", child.id);
    let seen_link = format!("/children/{}/seen", child.id);
    view! {
        <Title text=format!("Forms for {name}")/>
        {move || start_error().map(|e| view! { <ErrorSummary error=e field_id="search"/> })}
        {move || saved().then(|| view! { <SuccessBanner text="Your answers have been saved. Continue the form from History when you are ready."/> })}
        {added.then(|| view! { <SuccessBanner text="Added. You can now fill in forms for them, such as the E1 application for an EHC needs assessment."/> })}
        <a class="govuk-back-link" href="/send">"Back to your SEND area"</a>
        <span class="govuk-caption-l">"Forms"</span>
        <h1 class="govuk-heading-l portal-child-name">{name.clone()}</h1>
        <p class="govuk-body">
            "Start a form below, or continue one you have already started. Your answers save as you go. \
             Forms you have sent, and anything the SEN team has shared, are under History."
        </p>
        {assessment_started.then(|| view! {
            <p class="govuk-body">
                <a class="govuk-link govuk-!-font-weight-bold" href=status_link>"See where the EHC needs assessment has got to"</a>
            </p>
        })}
        {(!plans.is_empty()).then(|| view! {
            <h2 class="govuk-heading-m">"EHC plan"</h2>
            <ul class="govuk-list" id="child-plans">
                {plans.into_iter().map(|p| view! {
                    <li>
                        <a class="govuk-link" href=p.href>{p.text}</a>
                        {p.note.map(|n| view! { <span class="govuk-hint">{n}</span> })}
                    </li>
                }).collect_view()}
            </ul>
        })}
        {family.then(|| view! {
            <p class="govuk-body">
                <a class="govuk-link" href=seen_link>"Who has seen this record"</a>
            </p>
        })}

        <h2 class="govuk-heading-m">"Forms you can fill in"</h2>
        <FormSearch>
            <form method="get" class="portal-search" role="search">
                <div class="govuk-form-group">
                    <label class="govuk-label" for="search">"Search forms"</label>
                    <input class="govuk-input govuk-!-width-two-thirds" id="search" name="q" type="search"
                        value=search/>
                    " "
                    <button type="submit" class="govuk-button govuk-button--secondary">"Search"</button>
                </div>
            </form>
            <p class="govuk-body" data-none-match hidden=!none_match>"No forms match your search."</p>
            <ul class="govuk-list portal-form-list">{items}</ul>
        </FormSearch>

        <h2 class="govuk-heading-m">"History"</h2>
        {history_empty.then(|| view! { <p class="govuk-body">"Nothing yet."</p> })}
        {(!drafts.is_empty()).then(|| view! {
            // A table wider than a phone scrolls in its own box, never the page.
            <div class="portal-table-scroll" tabindex="0" role="region" aria-label="Not finished">
            <table class="govuk-table portal-history-table">
                <caption class="govuk-table__caption govuk-table__caption--s">"Not finished"</caption>
                <thead class="govuk-table__head">
                    <tr class="govuk-table__row">
                        <th scope="col" class="govuk-table__header">"Form"</th>
                        <th scope="col" class="govuk-table__header">"Last saved"</th>
                        <th scope="col" class="govuk-table__header"><span class="govuk-visually-hidden">"Action"</span></th>
                    </tr>
                </thead>
                <tbody class="govuk-table__body">
                    {drafts.into_iter().map(|d| view! {
                        <tr class="govuk-table__row">
                            <td class="govuk-table__cell">{d.title.clone()}</td>
                            <td class="govuk-table__cell">{clock::date_time(d.updated_at)}</td>
                            <td class="govuk-table__cell">
                                <a class="govuk-link" href=format!("/drafts/{}", d.id)>
                                    "Continue"<span class="govuk-visually-hidden">{format!(" {}", d.title)}</span>
                                </a>
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            </div>
        })}
        {(!shared.is_empty()).then(|| view! {
            // A table wider than a phone scrolls in its own box, never the page.
            <div class="portal-table-scroll" tabindex="0" role="region" aria-label="Shared with you">
            <table class="govuk-table portal-history-table">
                <caption class="govuk-table__caption govuk-table__caption--s">"Shared with you"</caption>
                <thead class="govuk-table__head">
                    <tr class="govuk-table__row">
                        <th scope="col" class="govuk-table__header">"Document"</th>
                        <th scope="col" class="govuk-table__header">"Shared"</th>
                        <th scope="col" class="govuk-table__header"><span class="govuk-visually-hidden">"Action"</span></th>
                    </tr>
                </thead>
                <tbody class="govuk-table__body">
                    {shared.into_iter().map(|d| view! {
                        <tr class="govuk-table__row">
                            <td class="govuk-table__cell">
                                {d.title.clone()}<br/>
                                <span class="portal-secondary-text">{d.kind}</span>
                            </td>
                            <td class="govuk-table__cell">{format!("{} by {}", clock::date(d.shared_at), d.shared_by)}</td>
                            <td class="govuk-table__cell">
                                <a class="govuk-link" href=format!("/shared/{}", d.id)>
                                    "View Shared Form"<span class="govuk-visually-hidden">{format!(" – {}", d.title)}</span>
                                </a>
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            </div>
        })}
        {(!submitted.is_empty()).then(|| view! {
            // A table wider than a phone scrolls in its own box, never the page.
            <div class="portal-table-scroll" tabindex="0" role="region" aria-label="Sent">
            <table class="govuk-table portal-history-table">
                <caption class="govuk-table__caption govuk-table__caption--s">"Sent"</caption>
                <thead class="govuk-table__head">
                    <tr class="govuk-table__row">
                        <th scope="col" class="govuk-table__header">"Form"</th>
                        <th scope="col" class="govuk-table__header">"Sent"</th>
                        <th scope="col" class="govuk-table__header"><span class="govuk-visually-hidden">"Action"</span></th>
                    </tr>
                </thead>
                <tbody class="govuk-table__body">
                    {submitted.into_iter().map(|s| view! {
                        <tr class="govuk-table__row">
                            <td class="govuk-table__cell">
                                {s.title.clone()}<br/>
                                <span class="portal-secondary-text">{format!("Reference {}", s.reference)}</span>
                            </td>
                            <td class="govuk-table__cell">{format!("{} by {}", clock::date(s.submitted_at), s.submitted_by)}</td>
                            <td class="govuk-table__cell">
                                <a class="govuk-link" href=format!("/submissions/{}", s.id)>
                                    "View Details"<span class="govuk-visually-hidden">{format!(" of {}", s.title)}</span>
                                </a>
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            </div>
        })}
    }
}

/// What the forms search looks in: a form's title and description, in lower case (ASCII
/// folding is enough for the forms' names and keeps Unicode tables out of the wasm).
fn search_text(form: &super::api::FormChoice) -> String {
    format!("{}\n{}", form.title, form.description).to_ascii_lowercase()
}

/// Filters the forms list (the children) as the person types in its search box; without
/// JavaScript the search is a GET that the server filters.
#[island]
fn FormSearch(children: Children) -> impl IntoView {
    let filter = move |ev: leptos::ev::Event| {
        use leptos::wasm_bindgen::JsCast;
        let (Some(input), Some(list)) = (
            ev.target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .filter(|input| input.id() == "search"),
            ev.current_target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok()),
        ) else {
            return;
        };
        let term = input.value().trim().to_ascii_lowercase();
        let mut shown = 0;
        if let Ok(items) = list.query_selector_all("[data-search]") {
            for i in 0..items.length() {
                let Some(item) = items
                    .item(i)
                    .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
                else {
                    continue;
                };
                let matches = term.is_empty()
                    || item
                        .get_attribute("data-search")
                        .is_some_and(|text| text.contains(&term));
                let _ = item.toggle_attribute_with_force("hidden", !matches);
                shown += usize::from(matches);
            }
        }
        if let Ok(Some(none)) = list.query_selector("[data-none-match]") {
            let _ = none.toggle_attribute_with_force("hidden", shown > 0);
        }
    };
    // The search box filters as it goes: Enter does not reload the page.
    let stay = |ev: leptos::ev::SubmitEvent| {
        use leptos::wasm_bindgen::JsCast;
        let is_search = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|form| form.class_list().contains("portal-search"));
        if is_search {
            ev.prevent_default();
        }
    };
    view! { <div class="portal-form-search" on:input=filter on:submit=stay>{children()}</div> }
}

/// `/submissions/:submission`: after Accept (`?submitted=1`) the confirmation, then the answers.
#[cfg(feature = "ssr")]
#[component]
pub fn SubmissionPage() -> impl IntoView {
    let id = crate::components::param("submission");
    let just_sent = use_query_map().read_untracked().get("submitted").is_some();
    crate::components::server_page(format!("/submissions/{id}"), move |state| async move {
        submission_page(&state, &id, just_sent).await
    })
}

/// A submitted form, for anyone linked to the child; the reading is audited.
#[cfg(feature = "ssr")]
async fn submission_page(
    state: &crate::platform::AppState,
    id: &str,
    just_sent: bool,
) -> Result<crate::components::ServerPage, crate::error::AppError> {
    use crate::{
        auth::ssr::accounts::Audit, error::AppError, forms::store, people::store::children_of,
    };
    let account = crate::people::access::require_form_user(state).await?;
    let found = store::find_submission_for_user(state.db.pool(), account.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let own_voice =
        crate::people::store::acts_for_self(state.db.pool(), found.child_id, account.id).await?;
    let form = state
        .forms
        .get_voiced(&found.form_id, found.form_version, own_voice)
        .ok_or_else(|| crate::error::internal("submission on a form not in the library"))?;
    let child = children_of(state.db.pool(), account.id)
        .await?
        .into_iter()
        .find(|c| c.id == found.child_id)
        .ok_or(AppError::NotFound)?
        .summary;
    let files = crate::documents::files::files_of_submission(state.db.pool(), id).await?;
    crate::auth::ssr::accounts::audit(
        state,
        Audit::of(Some(account.id), "submission_viewed", "")
            .child(found.child_id)
            .detail(&found.reference),
    )
    .await?;
    let answers = super::render::answers_summary(&form, &found.answers, &files, None);
    let reference = found.reference;
    let top = if just_sent {
        view! {
            <div class="govuk-panel govuk-panel--confirmation">
                <h1 class="govuk-panel__title">"Form sent"</h1>
                <div class="govuk-panel__body">"Your reference number"<br/><strong>{reference.clone()}</strong></div>
            </div>
            <p class="govuk-body">"We have emailed you a receipt."</p>
            <h2 class="govuk-heading-m">"What happens next"</h2>
            {crate::components::paragraphs(&form.next_steps)
                .into_iter()
                .map(|p| view! { <p class="govuk-body">{p}</p> })
                .collect_view()}
            <h2 class="govuk-heading-l">"View Details"</h2>
        }
        .into_any()
    } else {
        view! {
            <span class="govuk-caption-l">{child.full_name()}</span>
            <h1 class="govuk-heading-l">{form.title.clone()}</h1>
        }
        .into_any()
    };
    let sent = format!(
        "{} by {}",
        clock::date_time(found.submitted_at),
        found.submitted_by
    );
    Ok(crate::components::ServerPage {
        title: if just_sent {
            format!("Form sent – {}", form.title)
        } else {
            form.title.clone()
        },
        body: view! {
            <a class="govuk-back-link" href=format!("/children/{}/forms", child.id)>{format!("Back to {}’s forms", child.first_name)}</a>
            {top}
            <dl class="govuk-summary-list govuk-summary-list--no-border">
                <div class="govuk-summary-list__row">
                    <dt class="govuk-summary-list__key">"Reference"</dt>
                    <dd class="govuk-summary-list__value">{reference}</dd>
                </div>
                <div class="govuk-summary-list__row">
                    <dt class="govuk-summary-list__key">"Sent"</dt>
                    <dd class="govuk-summary-list__value">{sent}</dd>
                </div>
            </dl>
            <p class="govuk-body">
                <a class="govuk-link" href=format!("/submissions/{id}/copy.pdf") download="">"Download a copy to keep (PDF)"</a>
            </p>
            {answers}
        }
        .into_any(),
    })
}
