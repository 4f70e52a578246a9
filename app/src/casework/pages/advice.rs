//! Advice asked for on a case: who was asked for what, when, and whether it has come; and the
//! form that asks. This file holds its markup; the SQL is in `casework/store/advice.rs` and
//! `advice/store.rs`.

use leptos::prelude::*;

use super::{date_input, field_error, form_problem, group_class, scroll_table, version_input};
use crate::{
    advice::{
        store::OrganisationChoice, AdviceKind, AdviceRequest, AdviceState, Consultation,
        CONSULTATION_DAYS, DUE_AFTER_DAYS,
    },
    casework::{
        post::Flash,
        store::{Case, CaseDocument},
    },
    status::timeline::{add_days, due_phrase},
    values::Date,
};

pub(super) fn advice_section(
    case: &Case,
    flash: &Flash,
    requests: &[AdviceRequest],
    organisations: &[OrganisationChoice],
    today: Date,
) -> AnyView {
    const FORM: &str = "ask-advice";
    let kept = |field: &str| flash.kept(FORM, field).unwrap_or_default();
    let (kept_kind, kept_organisation, kept_person) = (
        kept("advice-kind"),
        kept("advice-organisation"),
        kept("advice-person"),
    );
    let list = if requests.is_empty() {
        view! { <p class="govuk-body">"Nobody has been asked for advice yet."</p> }.into_any()
    } else {
        let rows = requests.iter().map(|r| {
            let of = match &r.person {
                Some(person) => format!("{person}, {}", r.organisation),
                None => format!("{} (anyone there)", r.organisation),
            };
            let not_yet = || {
                let progress = r.progress.describe();
                let mut chars = progress.chars();
                let first = chars.next().map(|c| c.to_lowercase().to_string()).unwrap_or_default();
                format!("Not yet: {first}{}", chars.as_str())
            };
            let (received, tag) = match r.state {
                AdviceState::Received { on } => (on.long(), None),
                AdviceState::Overdue { due } => (not_yet(), Some(("govuk-tag govuk-tag--red", due_phrase(due, today)))),
                AdviceState::Waiting { due } => (not_yet(), Some(("govuk-tag govuk-tag--grey", due_phrase(due, today)))),
            };
            view! {
                <tr class="govuk-table__row">
                    <td class="govuk-table__cell">{r.kind.label()}</td>
                    <td class="govuk-table__cell">{of}</td>
                    <td class="govuk-table__cell">{r.asked_on.long()}</td>
                    <td class="govuk-table__cell">
                        {r.due_on.long()}
                        {tag.map(|(class, text)| view! { <br/><strong class=class>{text}</strong> })}
                    </td>
                    <td class="govuk-table__cell">{received}</td>
                </tr>
            }
        }).collect_view();
        scroll_table(
            "Advice asked for, awaited first",
            &[
                ("Advice", false),
                ("Asked of", false),
                ("Asked on", false),
                ("Due", false),
                ("Received", false),
            ],
            "advice-requests",
            rows.into_any(),
        )
    };
    let form = if organisations.is_empty() {
        view! {
            <p class="govuk-body">"To ask for advice, an administrator first adds the organisations professionals work in."</p>
        }
        .into_any()
    } else {
        view! {
            <form method="post" action=format!("/staff/cases/{}/ask-advice", case.child.id) novalidate>
                {version_input(case)}
                <h3 class="govuk-heading-s">"Ask for advice"</h3>
                {form_problem(flash, FORM)}
                <div class=group_class(flash, FORM, "advice-kind")>
                    <label class="govuk-label" for="advice-kind">"Kind of advice"</label>
                    {field_error(flash, FORM, "advice-kind")}
                    <select class="govuk-select" id="advice-kind" name="advice-kind">
                        <option value="">"Choose"</option>
                        {AdviceKind::ALL.into_iter().map(|kind| view! {
                            <option value=kind.as_str() selected=kept_kind == kind.as_str()>
                                {format!("{} ({})", kind.label(), kind.hint())}
                            </option>
                        }).collect_view()}
                    </select>
                </div>
                <div class=group_class(flash, FORM, "advice-organisation")>
                    <label class="govuk-label" for="advice-organisation">"Ask"</label>
                    {field_error(flash, FORM, "advice-organisation")}
                    <select class="govuk-select" id="advice-organisation" name="advice-organisation">
                        <option value="">"Choose an organisation"</option>
                        {organisations.iter().map(|o| view! {
                            <option value=o.id.to_string() selected=kept_organisation == o.id.to_string()>{o.name.clone()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class=group_class(flash, FORM, "advice-person")>
                    <label class="govuk-label" for="advice-person">"Who there"</label>
                    <div class="govuk-hint" id="advice-person-hint">
                        "Anyone in the organisation can pick the request up, so it does not wait for one person."
                    </div>
                    {field_error(flash, FORM, "advice-person")}
                    <select class="govuk-select" id="advice-person" name="advice-person" aria-describedby="advice-person-hint">
                        <option value="0">"Anyone there"</option>
                        {organisations.iter().filter(|o| !o.members.is_empty()).map(|o| view! {
                            <optgroup label=o.name.clone()>
                                {o.members.iter().map(|(id, person)| view! {
                                    <option value=id.to_string() selected=kept_person == id.to_string()>{person.clone()}</option>
                                }).collect_view()}
                            </optgroup>
                        }).collect_view()}
                    </select>
                </div>
                {date_input(flash, FORM, "advice-due", "Due by", add_days(today, DUE_AFTER_DAYS))}
                <div class="govuk-form-group">
                    <label class="govuk-label" for="advice-note">"What you would like advice on (optional)"</label>
                    <textarea class="govuk-textarea" id="advice-note" name="advice-note" rows="3">{kept("advice-note")}</textarea>
                </div>
                <button type="submit" class="govuk-button">"Ask for advice"</button>
            </form>
        }
        .into_any()
    };
    view! {
        <h2 class="govuk-heading-m" id="advice-asked-section">"Advice asked for"</h2>
        <p class="govuk-body">"Advice is due 6 weeks after it is asked for."</p>
        {list}
        {form}
    }
    .into_any()
}

/// Consultation with schools and settings on the draft plan: each one asked, its date to answer
/// by, and its answer with reasons; and the form that consults.
pub(super) fn consultation_section(
    case: &Case,
    flash: &Flash,
    consultations: &[Consultation],
    schools: &[OrganisationChoice],
    documents: &[CaseDocument],
    today: Date,
) -> AnyView {
    const FORM: &str = "consult-school";
    let kept = |field: &str| flash.kept(FORM, field).unwrap_or_default();
    let (kept_school, kept_document) = (kept("consult-organisation"), kept("consult-document"));
    let plans: Vec<&CaseDocument> = documents
        .iter()
        .filter(|d| d.kind == "draft_plan")
        .collect();
    let list = if consultations.is_empty() {
        view! { <p class="govuk-body">"No school or setting has been consulted yet."</p> }
            .into_any()
    } else {
        let rows = consultations.iter().map(|c| {
            let answer = match &c.answered {
                Some(a) => view! {
                    <strong>{a.answer.label()}</strong>
                    <span class="portal-cell-detail">
                        {format!("{} – {}{}", a.reasons, a.on.long(), a.by.as_ref().map(|b| format!(", {b}")).unwrap_or_default())}
                    </span>
                }.into_any(),
                None => {
                    let class = if c.due_on < today { "govuk-tag govuk-tag--red" } else { "govuk-tag govuk-tag--grey" };
                    view! { "Not yet " <strong class=class>{due_phrase(c.due_on, today)}</strong> }.into_any()
                }
            };
            view! {
                <tr class="govuk-table__row">
                    <td class="govuk-table__cell">{c.organisation.clone()}</td>
                    <td class="govuk-table__cell">{c.document_title.clone()}</td>
                    <td class="govuk-table__cell">{c.asked_on.long()}</td>
                    <td class="govuk-table__cell">{c.due_on.long()}</td>
                    <td class="govuk-table__cell">{answer}</td>
                </tr>
            }
        }).collect_view();
        scroll_table(
            "Schools and settings consulted, unanswered first",
            &[
                ("School or setting", false),
                ("Draft plan", false),
                ("Consulted on", false),
                ("Answer by", false),
                ("Answer", false),
            ],
            "consultations",
            rows.into_any(),
        )
    };
    let form = if schools.is_empty() {
        view! {
            <p class="govuk-body">"To consult a school or setting, an administrator first adds it as an organisation."</p>
        }
        .into_any()
    } else if plans.is_empty() {
        view! {
            <p class="govuk-body">"To consult a school or setting, first share the draft EHC plan (below)."</p>
        }
        .into_any()
    } else {
        view! {
            <form method="post" action=format!("/staff/cases/{}/consult-school", case.child.id) novalidate>
                {version_input(case)}
                <h3 class="govuk-heading-s">"Consult a school or setting"</h3>
                {form_problem(flash, FORM)}
                <div class=group_class(flash, FORM, "consult-organisation")>
                    <label class="govuk-label" for="consult-organisation">"School or setting the family asked for"</label>
                    {field_error(flash, FORM, "consult-organisation")}
                    <select class="govuk-select" id="consult-organisation" name="consult-organisation">
                        <option value="">"Choose"</option>
                        {schools.iter().map(|o| view! {
                            <option value=o.id.to_string() selected=kept_school == o.id.to_string()>{o.name.clone()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class=group_class(flash, FORM, "consult-document")>
                    <label class="govuk-label" for="consult-document">"Draft plan to send"</label>
                    {field_error(flash, FORM, "consult-document")}
                    <select class="govuk-select" id="consult-document" name="consult-document">
                        {plans.iter().map(|d| view! {
                            <option value=d.public_id.clone() selected=kept_document == d.public_id>{d.title.clone()}</option>
                        }).collect_view()}
                    </select>
                </div>
                {date_input(flash, FORM, "consult-due", "Answer by", add_days(today, CONSULTATION_DAYS))}
                <div class="govuk-form-group">
                    <label class="govuk-label" for="consult-note">"Message (optional)"</label>
                    <textarea class="govuk-textarea" id="consult-note" name="consult-note" rows="3">{kept("consult-note")}</textarea>
                </div>
                <button type="submit" class="govuk-button">"Consult"</button>
            </form>
        }
        .into_any()
    };
    view! {
        <h2 class="govuk-heading-m" id="consultation-section">"Consultation with schools"</h2>
        <p class="govuk-body">
            "When the family asks for a school or setting, send it the draft plan: it has 15 days to say whether it can meet the needs, with its reasons."
        </p>
        {list}
        {form}
    }
    .into_any()
}
