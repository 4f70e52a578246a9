//! The people linked to a child: who they are, invitations not yet taken up, and linking by email.
//! This file holds its markup; the SQL is in `casework/store/links.rs`.

use leptos::prelude::*;

use super::{field_error, form_problem, group_class, version_input};
use crate::casework::{
    post::Flash,
    store::{self, Case},
};
use crate::{clock, people::Relationship};

pub(super) fn people_section(
    case: &Case,
    flash: &Flash,
    people: &[store::LinkedPerson],
    invitations: &[store::PendingInvitation],
) -> AnyView {
    let action = |name: &str| format!("/staff/cases/{}/{name}", case.child.id);
    let kept_relationship = flash.kept("link", "relationship").unwrap_or_default();
    let radio = |value: &'static str, id: &'static str, label: &'static str| {
        let checked = kept_relationship == value;
        view! {
            <div class="govuk-radios__item">
                <input class="govuk-radios__input" id=id name="relationship" type="radio" value=value checked=checked/>
                <label class="govuk-label govuk-radios__label" for=id>{label}</label>
            </div>
        }
    };
    view! {
        <h2 class="govuk-heading-m" id="link-section">"People linked to the child"</h2>
        {if people.is_empty() {
            view! { <p class="govuk-body">"Nobody is linked yet."</p> }.into_any()
        } else {
            view! {
                <ul class="govuk-list portal-people" id="linked-people">
                    {people.iter().map(|p| {
                        let what = format!("{} – {}", p.relationship.label(), p.email);
                        view! {
                            <li class="portal-person">
                                <span class="govuk-!-font-weight-bold">{p.name.clone()}</span>
                                <span class="portal-cell-detail">{what}</span>
                                {(!p.verified).then(|| view! {
                                    <strong class="govuk-tag govuk-tag--yellow">"Not confirmed – added by them"</strong>
                                })}
                                <div class="govuk-button-group">
                                    {(!p.verified).then(|| view! {
                                        <form method="post" action=action("verify")>
                                            {version_input(case)}
                                            <input type="hidden" name="user" value=p.user_id.to_string()/>
                                            <button type="submit" class="govuk-button govuk-button--secondary">
                                                "Confirm link" <span class="govuk-visually-hidden">{format!(" for {}", p.name)}</span>
                                            </button>
                                        </form>
                                    })}
                                    <form method="post" action=action("unlink")>
                                        {version_input(case)}
                                        <input type="hidden" name="user" value=p.user_id.to_string()/>
                                        <button type="submit" class="govuk-button govuk-button--warning">
                                            "Unlink" <span class="govuk-visually-hidden">{format!(" {}", p.name)}</span>
                                        </button>
                                    </form>
                                </div>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any()
        }}
        {(!invitations.is_empty()).then(|| view! {
            <p class="govuk-body">"Invited to register, not yet linked:"</p>
            <ul class="govuk-list govuk-list--bullet" id="invitations">
                {invitations.iter().map(|invitation| {
                    let label = Relationship::parse(&invitation.relationship).map(Relationship::label).unwrap_or_default();
                    view! { <li>{format!("{} ({label}), invited on {}", invitation.email, clock::date(invitation.created_at))}</li> }
                }).collect_view()}
            </ul>
        })}
        <form method="post" action=action("link") novalidate>
            {version_input(case)}
            <h3 class="govuk-heading-s">"Link someone by email"</h3>
            {form_problem(flash, "link")}
            <div class=group_class(flash, "link", "email")>
                <label class="govuk-label" for="email">"Email address"</label>
                <div class="govuk-hint" id="email-hint">"If they have no account yet, they are invited to register and linked when they confirm their address."</div>
                {field_error(flash, "link", "email")}
                <input class="govuk-input govuk-!-width-two-thirds" id="email" name="email" type="email" autocomplete="off" spellcheck="false"
                    aria-describedby="email-hint" value=flash.kept("link", "email").unwrap_or_default()/>
            </div>
            <div class=group_class(flash, "link", "relationship")>
                <fieldset class="govuk-fieldset">
                    <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">"They are"</legend>
                    {field_error(flash, "link", "relationship")}
                    <div class="govuk-radios govuk-radios--small">
                        {radio("parent_carer", "relationship", "A parent or carer")}
                        {radio("self", "relationship-self", "The young person themself")}
                        {radio("professional", "relationship-professional", "A professional (school, health, educational psychologist)")}
                    </div>
                </fieldset>
            </div>
            <button type="submit" class="govuk-button">"Link"</button>
        </form>
    }
    .into_any()
}
