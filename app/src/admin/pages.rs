//! The administration pages: the list of accounts, a new staff account, and one account.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    AccountList, AccountRecord, AccountRow, ChangeRole, CreateStaff, ResetTwoStep,
    SetAccountActive, CREATABLE_ROLES,
};
use crate::{
    clock::format_time,
    components::errors::load_failed,
    components::{query_value, ErrorSummary, SuccessBanner},
    role::Role,
};

/// `/admin`: every account, searchable, a page at a time.
#[component]
pub fn AdminHome() -> impl IntoView {
    let query = use_query_map();
    let search = move || query.read().get("q").unwrap_or_default();
    let page = move || {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<i64>().ok())
            .unwrap_or(1)
    };
    let list = Resource::new(
        move || (search(), page()),
        |(q, page)| super::list_accounts(q, page),
    );
    view! {
        <Suspense fallback=|| view! { <p class="govuk-body">"Loading accounts…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(err) => load_failed(err, "/admin".into()),
                    Ok(list) => view! {
                        <Title text="Accounts"/>
                        <span class="govuk-caption-l">"Administration"</span>
                        <h1 class="govuk-heading-l">"Accounts"</h1>
                        <p class="govuk-body">
                            "Create accounts for professionals and the SEN team here. Parents, carers and young people register themselves."
                        </p>
                        <p class="govuk-body">
                            <a class="govuk-link" href="/staff">"Cases: the SEN team’s dashboard, and every case’s history"</a>
                        </p>
                        <p class="govuk-body">
                            <a class="govuk-link" href="/admin/organisations">"Organisations: schools, settings and services, and their members"</a>
                        </p>
                        <a href="/admin/accounts/new" class="govuk-button" role="button" draggable="false">"Create a staff account"</a>
                        <form method="get" action="/admin" class="portal-search" role="search">
                            <div class="govuk-form-group">
                                <label class="govuk-label" for="q">"Search by name or email address"</label>
                                <input class="govuk-input govuk-!-width-two-thirds" id="q" name="q" type="search" value=search()/>
                                " "
                                <button type="submit" class="govuk-button govuk-button--secondary">"Search"</button>
                            </div>
                        </form>
                        <AccountTable list search=search()/>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AccountTable(list: AccountList, search: String) -> impl IntoView {
    if list.rows.is_empty() {
        return view! { <p class="govuk-body">"No accounts match your search."</p> }.into_any();
    }
    let link = move |page: i64| format!("/admin?q={}&page={page}", query_value(&search));
    let previous = (list.page > 1).then(|| link(list.page - 1));
    let next = (list.page < list.pages).then(|| link(list.page + 1));
    view! {
        <table class="govuk-table">
            <caption class="govuk-table__caption govuk-table__caption--m">
                {format!("{} account{}", list.total, if list.total == 1 { "" } else { "s" })}
            </caption>
            <thead class="govuk-table__head">
                <tr class="govuk-table__row">
                    <th scope="col" class="govuk-table__header">"Name"</th>
                    <th scope="col" class="govuk-table__header">"Role"</th>
                    <th scope="col" class="govuk-table__header">"Status"</th>
                </tr>
            </thead>
            <tbody class="govuk-table__body">
                {list.rows.into_iter().map(|row: AccountRow| view! {
                    <tr class="govuk-table__row">
                        <td class="govuk-table__cell">
                            <a class="govuk-link" href=format!("/admin/accounts/{}", row.id)>{row.name}</a>
                            <br/><span class="portal-secondary-text">{row.email}</span>
                        </td>
                        <td class="govuk-table__cell">{row.role.label()}</td>
                        <td class="govuk-table__cell"><strong class=row.status.tag_class()>{row.status.label()}</strong></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <nav class="govuk-pagination" aria-label="Pages of accounts">
            {previous.map(|href| view! {
                <div class="govuk-pagination__prev">
                    <a class="govuk-link govuk-pagination__link" href=href rel="prev">
                        <span class="govuk-pagination__link-title">"Previous"<span class="govuk-visually-hidden">" page"</span></span>
                    </a>
                </div>
            })}
            <p class="govuk-body portal-pagination__position">{format!("Page {} of {}", list.page, list.pages)}</p>
            {next.map(|href| view! {
                <div class="govuk-pagination__next">
                    <a class="govuk-link govuk-pagination__link" href=href rel="next">
                        <span class="govuk-pagination__link-title">"Next"<span class="govuk-visually-hidden">" page"</span></span>
                    </a>
                </div>
            })}
        </nav>
    }
    .into_any()
}

/// `/admin/accounts/new`: a professional, SEN officer or administrator account.
#[component]
pub fn NewStaffPage() -> impl IntoView {
    let create = ServerAction::<CreateStaff>::new();
    let error = move || create.value().get().and_then(|r| r.err());
    // The page needs an admin: the list loads the role check once, cheaply.
    let allowed = Resource::new(|| (), |_| super::list_accounts(String::new(), 1));
    view! {
        <Title text="Create a staff account"/>
        <Suspense>
            {move || Suspend::new(async move {
                if let Err(err) = allowed.await {
                    return load_failed(err, "/admin/accounts/new".into());
                }
                view! {
                    <a href="/admin" class="govuk-back-link">"Back to accounts"</a>
                    <div class="govuk-grid-row">
                        <div class="govuk-grid-column-two-thirds">
                            {move || error().map(|e| view! { <ErrorSummary error=e field_id="full_name"/> })}
                            <h1 class="govuk-heading-l">"Create a staff account"</h1>
                            <p class="govuk-body">
                                "We will email the person a link to choose their password. The link works for 24 hours. \
                                 Each time they sign in, they will also get a code by email."
                            </p>
                            <ActionForm action=create attr:novalidate=true>
                                <div class="govuk-form-group">
                                    <label class="govuk-label" for="full_name">"Full name"</label>
                                    <input class="govuk-input" id="full_name" name="full_name" type="text" autocomplete="off" spellcheck="false"/>
                                </div>
                                <div class="govuk-form-group">
                                    <label class="govuk-label" for="email">"Email address"</label>
                                    <div class="govuk-hint" id="email-hint">"Their work email address."</div>
                                    <input class="govuk-input" id="email" name="email" type="email" autocomplete="off"
                                        spellcheck="false" aria-describedby="email-hint"/>
                                </div>
                                <div class="govuk-form-group">
                                    <fieldset class="govuk-fieldset">
                                        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">"Kind of account"</legend>
                                        <div class="govuk-radios" data-module="govuk-radios">
                                            {CREATABLE_ROLES.into_iter().map(|role| {
                                                let id = format!("role-{}", role_slug(role));
                                                view! {
                                                    <div class="govuk-radios__item">
                                                        <input class="govuk-radios__input" id=id.clone() name="role" type="radio"
                                                            value=role.as_str() checked=role == Role::Professional/>
                                                        <label class="govuk-label govuk-radios__label" for=id>{role.label()}</label>
                                                    </div>
                                                }
                                            }).collect_view()}
                                        </div>
                                    </fieldset>
                                </div>
                                <button type="submit" class="govuk-button">"Create account"</button>
                            </ActionForm>
                        </div>
                    </div>
                }
                .into_any()
            })}
        </Suspense>
    }
}

/// The id suffix of a role's radio button (`role-professional`, `role-sen-officer`, …).
fn role_slug(role: Role) -> String {
    role.as_str().replace('_', "-")
}

/// `/admin/accounts/:id`: one account, its history, and what an admin can change.
#[component]
pub fn ManageAccountPage() -> impl IntoView {
    let params = use_params_map();
    let user_id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let change_role = ServerAction::<ChangeRole>::new();
    let set_active = ServerAction::<SetAccountActive>::new();
    let reset_two_step = ServerAction::<ResetTwoStep>::new();
    let detail = Resource::new(
        move || {
            (
                user_id(),
                change_role.version().get(),
                set_active.version().get(),
                reset_two_step.version().get(),
            )
        },
        |(id, ..)| super::account_detail(id),
    );
    let error = move || {
        change_role
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| set_active.value().get().and_then(|r| r.err()))
            .or_else(|| reset_two_step.value().get().and_then(|r| r.err()))
    };
    let query = use_query_map();
    let notice = move || {
        match query.read().get("done").as_deref() {
        Some("created") => Some("Account created. We have emailed them a link to choose a password."),
        Some("role") => Some("The role has been saved."),
        Some("deactivated") => Some("The account has been deactivated and its sessions ended."),
        Some("reactivated") => Some("The account has been reactivated."),
        Some("two_step") => Some(
            "Two-step verification has been reset. They will set it up again when they next sign in.",
        ),
        _ => None,
    }
    };
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match detail.await {
                    Err(err) => load_failed(err, format!("/admin/accounts/{}", user_id())),
                    Ok(detail) => view! {
                        <a href="/admin" class="govuk-back-link">"Back to accounts"</a>
                        {move || error().map(|e| view! { <ErrorSummary error=e field_id="role"/> })}
                        {move || notice().map(|text| view! { <SuccessBanner text/> })}
                        <AccountManagement detail change_role set_active reset_two_step/>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AccountManagement(
    detail: AccountRecord,
    change_role: ServerAction<ChangeRole>,
    set_active: ServerAction<SetAccountActive>,
    reset_two_step: ServerAction<ResetTwoStep>,
) -> impl IntoView {
    let account = detail.account;
    let id = account.id.to_string();
    let (id_role, id_reset) = (id.clone(), id.clone());
    let active = account.status != super::AccountStatus::Deactivated;
    let no_history = detail.history.is_empty();
    let actions = if detail.is_self {
        view! {
            <div class="govuk-inset-text">
                "This is your own account. Another administrator must change its role or deactivate it."
            </div>
        }
        .into_any()
    } else {
        view! {
            <h2 class="govuk-heading-m">"Role"</h2>
            <ActionForm action=change_role>
                <input type="hidden" name="user_id" value=id_role/>
                <div class="govuk-form-group">
                    <label class="govuk-label" for="role">"Role"</label>
                    <select class="govuk-select" id="role" name="role">
                        {Role::ALL.into_iter().map(|role| view! {
                            <option value=role.as_str() selected=role == account.role>{role.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="govuk-button govuk-button--secondary">"Change role"</button>
            </ActionForm>

            <h2 class="govuk-heading-m">"Two-step verification"</h2>
            <p class="govuk-body">
                "If they can no longer get sign-in codes, reset it: they are signed out, and set it up again when they next sign in. Check who is asking before you do this."
            </p>
            <ActionForm action=reset_two_step>
                <input type="hidden" name="user_id" value=id_reset/>
                <button type="submit" class="govuk-button govuk-button--secondary">"Reset two-step verification"</button>
            </ActionForm>

            <h2 class="govuk-heading-m">{if active { "Deactivate" } else { "Reactivate" }}</h2>
            <p class="govuk-body">
                {if active {
                    "A deactivated account cannot sign in, and is signed out at once. Its records are kept."
                } else {
                    "Reactivating lets them sign in again with their password and an emailed code."
                }}
            </p>
            <ActionForm action=set_active>
                <input type="hidden" name="user_id" value=id/>
                <input type="hidden" name="active" value=if active { "false" } else { "true" }/>
                <button type="submit" class=if active { "govuk-button govuk-button--warning" } else { "govuk-button" }>
                    {if active { "Deactivate account" } else { "Reactivate account" }}
                </button>
            </ActionForm>
        }
        .into_any()
    };
    view! {
        <Title text=account.name.clone()/>
        <span class="govuk-caption-l">"Account"</span>
        <h1 class="govuk-heading-l">{account.name.clone()}</h1>
        <dl class="govuk-summary-list">
            <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">"Email address"</dt>
                <dd class="govuk-summary-list__value">{account.email.clone()}</dd>
            </div>
            <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">"Role"</dt>
                <dd class="govuk-summary-list__value">{account.role.label()}</dd>
            </div>
            {(account.role == Role::Professional).then(|| view! {
                <div class="govuk-summary-list__row">
                    <dt class="govuk-summary-list__key">"Organisations"</dt>
                    <dd class="govuk-summary-list__value">
                        {if detail.organisations.is_empty() {
                            "None yet: add them on an organisation’s page".to_owned()
                        } else {
                            detail.organisations.join(", ")
                        }}
                        <br/><a class="govuk-link" href="/admin/organisations">"Organisations"</a>
                    </dd>
                </div>
            })}
            <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">"Status"</dt>
                <dd class="govuk-summary-list__value"><strong class=account.status.tag_class()>{account.status.label()}</strong></dd>
            </div>
            <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">"Created (UTC)"</dt>
                <dd class="govuk-summary-list__value">{format_time(detail.created_at * 1000)}</dd>
            </div>
        </dl>
        {actions}
        <h2 class="govuk-heading-m">"Recent activity"</h2>
        {no_history.then(|| view! { <p class="govuk-body">"Nothing has happened on this account yet."</p> })}
        <table class="govuk-table" hidden=no_history>
            <caption class="govuk-table__caption govuk-visually-hidden">"Recent activity on this account, newest first"</caption>
            <thead class="govuk-table__head">
                <tr class="govuk-table__row">
                    <th scope="col" class="govuk-table__header">"When (UTC)"</th>
                    <th scope="col" class="govuk-table__header">"What"</th>
                    <th scope="col" class="govuk-table__header">"By"</th>
                </tr>
            </thead>
            <tbody class="govuk-table__body">
                {detail.history.into_iter().map(|e| view! {
                    <tr class="govuk-table__row">
                        <td class="govuk-table__cell">{format_time(e.at * 1000)}</td>
                        <td class="govuk-table__cell">
                            {e.what}
                            {(!e.detail.is_empty()).then(|| view! { <br/><span class="portal-secondary-text">{e.detail}</span> })}
                        </td>
                        <td class="govuk-table__cell">{e.by.unwrap_or_else(|| "Themself".into())}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
