//! The administration pages for organisations: the list, a new one, and one with its members.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    AddMember, CreateOrganisation, OrganisationKind, OrganisationRecord, OrganisationSummary,
    RemoveMember,
};
use crate::{
    clock::format_time,
    components::errors::load_failed,
    components::{ErrorSummary, SuccessBanner},
};

/// `/admin/organisations`: every organisation, by name.
#[component]
pub fn OrganisationsPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| super::list_organisations());
    view! {
        <Title text="Organisations"/>
        <Suspense fallback=|| view! { <p class="govuk-body">"Loading organisations…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(err) => load_failed(err, "/admin/organisations".into()),
                    Ok(list) => view! {
                        <a href="/admin" class="govuk-back-link">"Back to accounts"</a>
                        <span class="govuk-caption-l">"Administration"</span>
                        <h1 class="govuk-heading-l">"Organisations"</h1>
                        <p class="govuk-body">
                            "Schools, early years settings and the services professionals work in. \
                             The SEN team can ask an organisation for advice, and anyone in it can pick the request up."
                        </p>
                        <a href="/admin/organisations/new" class="govuk-button" role="button" draggable="false">"Add an organisation"</a>
                        <OrganisationTable list/>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OrganisationTable(list: Vec<OrganisationSummary>) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="govuk-body">"There are no organisations yet."</p> }.into_any();
    }
    let count = list.len();
    view! {
        <table class="govuk-table">
            <caption class="govuk-table__caption govuk-table__caption--m">
                {format!("{count} organisation{}", if count == 1 { "" } else { "s" })}
            </caption>
            <thead class="govuk-table__head">
                <tr class="govuk-table__row">
                    <th scope="col" class="govuk-table__header">"Name"</th>
                    <th scope="col" class="govuk-table__header">"Kind"</th>
                    <th scope="col" class="govuk-table__header govuk-table__header--numeric">"Members"</th>
                </tr>
            </thead>
            <tbody class="govuk-table__body">
                {list.into_iter().map(|row| view! {
                    <tr class="govuk-table__row">
                        <td class="govuk-table__cell">
                            <a class="govuk-link" href=format!("/admin/organisations/{}", row.id)>{row.name}</a>
                        </td>
                        <td class="govuk-table__cell">{row.kind.label()}</td>
                        <td class="govuk-table__cell govuk-table__cell--numeric">{row.members}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// `/admin/organisations/new`: a name and a kind.
#[component]
pub fn NewOrganisationPage() -> impl IntoView {
    let create = ServerAction::<CreateOrganisation>::new();
    let error = move || create.value().get().and_then(|r| r.err());
    // The page needs an admin: the list checks the role.
    let allowed = Resource::new(|| (), |_| super::list_organisations());
    view! {
        <Title text="Add an organisation"/>
        <Suspense>
            {move || Suspend::new(async move {
                if let Err(err) = allowed.await {
                    return load_failed(err, "/admin/organisations/new".into());
                }
                view! {
                    <a href="/admin/organisations" class="govuk-back-link">"Back to organisations"</a>
                    <div class="govuk-grid-row">
                        <div class="govuk-grid-column-two-thirds">
                            {move || error().map(|e| view! { <ErrorSummary error=e field_id="name"/> })}
                            <h1 class="govuk-heading-l">"Add an organisation"</h1>
                            <ActionForm action=create attr:novalidate=true>
                                <div class="govuk-form-group">
                                    <label class="govuk-label" for="name">"Name"</label>
                                    <div class="govuk-hint" id="name-hint">"For example, Oakfield Primary School or Educational Psychology Service."</div>
                                    <input class="govuk-input" id="name" name="name" type="text" autocomplete="organization"
                                        spellcheck="false" aria-describedby="name-hint" maxlength="100"/>
                                </div>
                                <div class="govuk-form-group">
                                    <fieldset class="govuk-fieldset">
                                        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">"Kind of organisation"</legend>
                                        <div class="govuk-radios" data-module="govuk-radios">
                                            {OrganisationKind::ALL.into_iter().map(|kind| {
                                                let id = format!("kind-{}", kind.as_str().replace('_', "-"));
                                                view! {
                                                    <div class="govuk-radios__item">
                                                        <input class="govuk-radios__input" id=id.clone() name="kind" type="radio" value=kind.as_str()/>
                                                        <label class="govuk-label govuk-radios__label" for=id>{kind.label()}</label>
                                                    </div>
                                                }
                                            }).collect_view()}
                                        </div>
                                    </fieldset>
                                </div>
                                <button type="submit" class="govuk-button">"Add organisation"</button>
                            </ActionForm>
                        </div>
                    </div>
                }
                .into_any()
            })}
        </Suspense>
    }
}

/// `/admin/organisations/:id`: the organisation's members, adding and removing them.
#[component]
pub fn OrganisationPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let add = ServerAction::<AddMember>::new();
    let remove = ServerAction::<RemoveMember>::new();
    let detail = Resource::new(
        move || (id(), add.version().get(), remove.version().get()),
        |(id, ..)| super::organisation_detail(id),
    );
    let error = move || {
        add.value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| remove.value().get().and_then(|r| r.err()))
    };
    let query = use_query_map();
    // What the last change did; never beside an error about the next one.
    let notice = move || match query.read().get("done").as_deref() {
        _ if error().is_some() => None,
        Some("created") => Some("The organisation has been added. Now add its members."),
        Some("added") => Some("The member has been added."),
        Some("removed") => Some("The member has been removed."),
        _ => None,
    };
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match detail.await {
                    Err(err) => load_failed(err, format!("/admin/organisations/{}", id())),
                    Ok(detail) => view! {
                        <a href="/admin/organisations" class="govuk-back-link">"Back to organisations"</a>
                        {move || error().map(|e| view! { <ErrorSummary error=e field_id="email"/> })}
                        {move || notice().map(|text| view! { <SuccessBanner text/> })}
                        <Organisation detail add remove/>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Organisation(
    detail: OrganisationRecord,
    add: ServerAction<AddMember>,
    remove: ServerAction<RemoveMember>,
) -> impl IntoView {
    let organisation_id = detail.id.to_string();
    let no_members = detail.members.is_empty();
    let count = detail.members.len();
    let name = detail.name.clone();
    view! {
        <Title text=detail.name.clone()/>
        <span class="govuk-caption-l">{detail.kind.label()}</span>
        <h1 class="govuk-heading-l">{detail.name.clone()}</h1>
        <p class="govuk-body portal-secondary-text">{format!("Added {}", format_time(detail.created_at * 1000))}</p>

        <h2 class="govuk-heading-m">"Members"</h2>
        {no_members.then(|| view! {
            <p class="govuk-body">"No one is a member yet. Requests for advice sent to this organisation would wait until someone is."</p>
        })}
        <table class="govuk-table" hidden=no_members>
            <caption class="govuk-table__caption govuk-visually-hidden">
                {format!("{count} member{} of {name}", if count == 1 { "" } else { "s" })}
            </caption>
            <thead class="govuk-table__head">
                <tr class="govuk-table__row">
                    <th scope="col" class="govuk-table__header">"Name"</th>
                    <th scope="col" class="govuk-table__header">"Added"</th>
                    <th scope="col" class="govuk-table__header"><span class="govuk-visually-hidden">"Action"</span></th>
                </tr>
            </thead>
            <tbody class="govuk-table__body">
                {detail.members.into_iter().map(|member| {
                    let organisation_id = organisation_id.clone();
                    view! {
                        <tr class="govuk-table__row">
                            <td class="govuk-table__cell">
                                <a class="govuk-link" href=format!("/admin/accounts/{}", member.user_id)>{member.name.clone()}</a>
                                <br/><span class="portal-secondary-text">{member.email}</span>
                                {(!member.active).then(|| view! { " " <strong class="govuk-tag govuk-tag--grey">"Deactivated"</strong> })}
                            </td>
                            <td class="govuk-table__cell">{format_time(member.added_at * 1000)}</td>
                            <td class="govuk-table__cell">
                                <ActionForm action=remove>
                                    <input type="hidden" name="organisation_id" value=organisation_id/>
                                    <input type="hidden" name="user_id" value=member.user_id.to_string()/>
                                    <button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0">
                                        "Remove"<span class="govuk-visually-hidden">{format!(" {}", member.name)}</span>
                                    </button>
                                </ActionForm>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>

        <h2 class="govuk-heading-m">"Add a member"</h2>
        <ActionForm action=add attr:novalidate=true>
            <input type="hidden" name="organisation_id" value=organisation_id.clone()/>
            <div class="govuk-form-group">
                <label class="govuk-label" for="email">"Email address"</label>
                <div class="govuk-hint" id="email-hint">"The email address of their professional account on the portal."</div>
                <input class="govuk-input govuk-!-width-two-thirds" id="email" name="email" type="email" autocomplete="off"
                    spellcheck="false" aria-describedby="email-hint"/>
            </div>
            <button type="submit" class="govuk-button">"Add member"</button>
        </ActionForm>
    }
}
