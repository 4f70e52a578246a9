//! The step-by-step wizard: the numbered list of steps with their states, one step's
//! questions with Add More and Remove, Previous and Save and continue, the Summary with Change
//! links, and the declaration with Accept.
//!
//! Without JavaScript each step is a form that posts to `/drafts/{id}/steps/{step}` (see
//! `post.rs`). Once hydrated, the same buttons act in the page, answers save on their own, and
//! problems show as soon as they are fixed.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::{
    answers::Answers,
    api::{load_draft, DraftView, SubmitForm},
    autosave::{Autosave, SaveState, SaveStatus},
    fields::{Place, Question},
    rules::Date,
    schema::{FormDefinition, Section},
    summary::AnswersSummary,
    validate::{FieldError, StepState},
};
use crate::{components::ErrorSummaryList, pages::load_failed};

/// `/drafts/:draft` and `/drafts/:draft/:step`.
#[component]
pub fn DraftPage() -> impl IntoView {
    let params = use_params_map();
    let draft = move || params.read().get("draft").unwrap_or_default();
    let data = Resource::new(draft, load_draft);
    view! {
        <Suspense fallback=|| view! { <p class="govuk-body">"Loading your form…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(err) => load_failed(err, format!("/drafts/{}", draft())),
                    Ok(view) => view! { <Wizard view/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Shared by every part of the wizard.
#[derive(Clone, Copy)]
struct Ctx {
    draft: StoredValue<String>,
    child: StoredValue<String>,
    form: StoredValue<FormDefinition>,
    saver: Autosave,
    step: Memo<String>,
    show_errors: RwSignal<bool>,
    today: Date,
}

impl Ctx {
    fn step_href(self, step: &str) -> String {
        format!("/drafts/{}/{step}", self.draft.get_value())
    }

    fn forms_href(self) -> String {
        format!("/children/{}/forms", self.child.get_value())
    }

    /// The steps in order, Summary and the declaration included.
    fn step_ids(self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .form
            .with_value(|f| f.steps.iter().map(|s| s.id.clone()).collect());
        ids.push("summary".into());
        ids.push("declaration".into());
        ids
    }

    fn neighbour(self, offset: isize) -> Option<String> {
        let ids = self.step_ids();
        let here = ids.iter().position(|s| *s == self.step.get_untracked())?;
        ids.get(here.checked_add_signed(offset)?).cloned()
    }

    fn go(self, step: &str) {
        let navigate = use_navigate();
        navigate(&self.step_href(step), Default::default());
    }
}

#[component]
fn Wizard(view: DraftView) -> impl IntoView {
    let DraftView {
        id,
        child,
        form,
        answers,
        version,
        current_step,
        updated_at,
        today,
    } = view;
    let params = use_params_map();
    let query = use_query_map();
    let step = Memo::new(move |_| {
        params
            .read()
            .get("step")
            .unwrap_or_else(|| current_step.clone())
    });
    let answers = RwSignal::new(answers);
    let saver = Autosave::new(id.clone(), answers, version, updated_at, step);
    let today = parse_iso(&today).unwrap_or_else(|| Date::new(2026, 1, 1).expect("a real date"));
    let ctx = Ctx {
        draft: StoredValue::new(id),
        child: StoredValue::new(child.id.clone()),
        form: StoredValue::new(form),
        saver,
        step,
        show_errors: RwSignal::new(query.read_untracked().get("check").is_some()),
        today,
    };
    let title = ctx.form.with_value(|f| f.title.clone());
    let page_title = move || {
        let ids = ctx.step_ids();
        let here = step.get();
        let number = ids.iter().position(|s| *s == here).map_or(0, |i| i + 1);
        format!(
            "Step {number} of {}: {} – {title}",
            ids.len(),
            step_title(ctx, &here)
        )
    };
    view! {
        <Title text=page_title/>
        <a class="govuk-back-link" href=ctx.forms_href()>{format!("Back to {}’s forms", child.first_name)}</a>
        <span class="govuk-caption-l">{child.full_name()}</span>
        <h1 class="govuk-heading-l">{ctx.form.with_value(|f| f.title.clone())}</h1>
        <SaveStatus saver/>
        <ConflictChoice ctx/>
        <div class="govuk-grid-row">
            <div class="govuk-grid-column-one-third">
                <StepList ctx/>
            </div>
            <div class="govuk-grid-column-two-thirds">
                {move || {
                    let here = step.get();
                    match here.as_str() {
                        "summary" => view! { <SummaryStep ctx/> }.into_any(),
                        "declaration" => view! { <DeclarationStep ctx/> }.into_any(),
                        _ => match ctx.form.with_value(|f| f.steps.iter().position(|s| s.id == here)) {
                            Some(index) => view! { <StepForm ctx index/> }.into_any(),
                            None => view! { <crate::pages::NotFound/> }.into_any(),
                        },
                    }
                }}
            </div>
        </div>
    }
}

fn parse_iso(text: &str) -> Option<Date> {
    let mut bits = text.splitn(3, '-');
    let (y, m, d) = (bits.next()?, bits.next()?, bits.next()?);
    Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

fn step_title(ctx: Ctx, step: &str) -> String {
    match step {
        "summary" => "Summary".into(),
        "declaration" => "Declaration".into(),
        other => ctx.form.with_value(|f| {
            f.steps
                .iter()
                .find(|s| s.id == other)
                .map(|s| s.title.clone())
                .unwrap_or_default()
        }),
    }
}

/// The numbered steps, each with its state; any step can be opened.
#[component]
fn StepList(ctx: Ctx) -> impl IntoView {
    let states = Memo::new(move |_| {
        ctx.saver.answers.with(|answers| {
            ctx.form.with_value(|f| {
                f.steps
                    .iter()
                    .map(|s| f.step_state(s, answers, ctx.today))
                    .collect::<Vec<_>>()
            })
        })
    });
    let items = ctx
        .step_ids()
        .into_iter()
        .enumerate()
        .map(|(i, id)| {
            let title = step_title(ctx, &id);
            let href = ctx.step_href(&id);
            let current = {
                let id = id.clone();
                move || (ctx.step.get() == id).then_some("step")
            };
            let state = move || {
                states.with(|s| s.get(i).copied()).map(|state| {
                    let class = match state {
                        StepState::Complete => "govuk-tag govuk-tag--green",
                        StepState::InProgress => "govuk-tag govuk-tag--light-blue",
                        StepState::NotStarted => "govuk-tag govuk-tag--grey",
                    };
                    view! { <strong class=format!("{class} portal-steps__state")>{state.label()}</strong> }
                })
            };
            view! {
                <li class="portal-steps__item">
                    <a class="govuk-link portal-steps__link" href=href aria-current=current>
                        {format!("{}. {title}", i + 1)}
                    </a>
                    {state}
                </li>
            }
        })
        .collect_view();
    view! {
        <nav aria-label="Steps of this form">
            <h2 class="govuk-heading-s">"Steps"</h2>
            <ol class="portal-steps">{items}</ol>
        </nav>
    }
}

/// When another tab or device saved first: both versions side by side, and a choice.
#[component]
fn ConflictChoice(ctx: Ctx) -> impl IntoView {
    move || {
        let SaveState::Conflict { theirs, .. } = ctx.saver.state.get() else {
            return None;
        };
        let mine = ctx.saver.answers.get_untracked();
        let rows = ctx.form.with_value(|f| differences(f, &mine, &theirs));
        Some(view! {
            <div class="govuk-notification-banner portal-conflict" role="alert" aria-labelledby="conflict-title">
                <div class="govuk-notification-banner__header">
                    <h2 class="govuk-notification-banner__title" id="conflict-title">"Important"</h2>
                </div>
                <div class="govuk-notification-banner__content">
                    <p class="govuk-notification-banner__heading">
                        "This form was changed in another window or on another device. Nothing has been overwritten."
                    </p>
                    <p class="govuk-body">"Choose which answers to keep."</p>
                    <table class="govuk-table">
                        <caption class="govuk-table__caption govuk-table__caption--s">"Answers that differ"</caption>
                        <thead class="govuk-table__head">
                            <tr class="govuk-table__row">
                                <th scope="col" class="govuk-table__header">"Question"</th>
                                <th scope="col" class="govuk-table__header">"Here"</th>
                                <th scope="col" class="govuk-table__header">"Saved elsewhere"</th>
                            </tr>
                        </thead>
                        <tbody class="govuk-table__body">
                            {rows.into_iter().map(|(question, here, there)| view! {
                                <tr class="govuk-table__row">
                                    <th scope="row" class="govuk-table__header">{question}</th>
                                    <td class="govuk-table__cell">{here}</td>
                                    <td class="govuk-table__cell">{there}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <div class="govuk-button-group">
                        <button type="button" class="govuk-button" on:click=move |_| ctx.saver.resolve(true)>"Keep the answers here"</button>
                        <button type="button" class="govuk-button govuk-button--secondary" on:click=move |_| ctx.saver.resolve(false)>"Use the answers saved elsewhere"</button>
                    </div>
                </div>
            </div>
        })
    }
}

/// (question, here, elsewhere) for every answer that differs.
fn differences(
    form: &FormDefinition,
    mine: &Answers,
    theirs: &Answers,
) -> Vec<(String, String, String)> {
    let mut rows = Vec::new();
    for section in form.sections() {
        let items = mine
            .items(&section.id)
            .len()
            .max(theirs.items(&section.id).len());
        for index in 0..items {
            for field in &section.fields {
                let (a, b) = (
                    mine.get(&section.id, index, &field.id),
                    theirs.get(&section.id, index, &field.id),
                );
                if a.filter(|x| !x.is_empty()) != b.filter(|x| !x.is_empty()) {
                    let question = match (&section.repeat, &section.title) {
                        (Some(_), Some(title)) => format!("{title} {}: {}", index + 1, field.label),
                        _ => field.label.clone(),
                    };
                    rows.push((
                        question,
                        super::validate::display_answer(field, a),
                        super::validate::display_answer(field, b),
                    ));
                }
            }
        }
    }
    rows
}

/// What a button in a step asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepAction {
    Continue,
    Previous,
    Exit,
    Add(String),
    Remove(String, usize),
}

impl StepAction {
    pub fn parse(value: &str) -> Option<StepAction> {
        match value {
            "continue" => Some(StepAction::Continue),
            "previous" => Some(StepAction::Previous),
            "exit" => Some(StepAction::Exit),
            other => {
                if let Some(section) = other.strip_prefix("add:") {
                    return Some(StepAction::Add(section.to_owned()));
                }
                let rest = other.strip_prefix("remove:")?;
                let (section, index) = rest.rsplit_once(':')?;
                Some(StepAction::Remove(section.to_owned(), index.parse().ok()?))
            }
        }
    }

    pub fn value(&self) -> String {
        match self {
            StepAction::Continue => "continue".into(),
            StepAction::Previous => "previous".into(),
            StepAction::Exit => "exit".into(),
            StepAction::Add(section) => format!("add:{section}"),
            StepAction::Remove(section, index) => format!("remove:{section}:{index}"),
        }
    }
}

/// One step's questions.
#[component]
fn StepForm(ctx: Ctx, index: usize) -> impl IntoView {
    let step = ctx.form.with_value(|f| f.steps[index].clone());
    let errors = Memo::new(move |_| {
        if !ctx.show_errors.get() {
            return Vec::new();
        }
        ctx.saver.answers.with(|answers| {
            ctx.form
                .with_value(|f| f.check_step(&f.steps[index], answers, ctx.today))
        })
    });
    let act = move |action: StepAction| match &action {
        StepAction::Add(section) => {
            let new_index = ctx.saver.answers.try_update(|a| a.add_item(section));
            ctx.saver.save_now();
            if let Some(i) = new_index {
                focus_later(format!("{section}-{i}"));
            }
        }
        StepAction::Remove(section, i) => {
            ctx.saver.answers.update(|a| a.remove_item(section, *i));
            ctx.saver.save_now();
            focus_later(format!("{section}-add"));
        }
        StepAction::Previous => {
            if let Some(previous) = ctx.neighbour(-1) {
                ctx.show_errors.set(false);
                ctx.go(&previous);
            }
        }
        StepAction::Exit => {
            ctx.saver.save_now();
            let navigate = use_navigate();
            navigate(&format!("{}?saved=1", ctx.forms_href()), Default::default());
        }
        StepAction::Continue => {
            ctx.show_errors.set(true);
            if errors.get_untracked().is_empty() {
                ctx.show_errors.set(false);
                if let Some(next) = ctx.neighbour(1) {
                    ctx.go(&next);
                }
            } else {
                focus_later("error-summary".into());
            }
        }
    };
    let button = move |action: StepAction, label: String, class: &'static str| {
        let value = action.value();
        view! {
            <button type="submit" name="__action" value=value class=class
                on:click=move |ev| { ev.prevent_default(); act(action.clone()); }>
                {label}
            </button>
        }
    };
    let sections = step
        .sections
        .iter()
        .map(|section| view! { <SectionView ctx section=section.clone() errors=errors.into() button/> })
        .collect_view();
    let action = format!("/drafts/{}/steps/{}", ctx.draft.get_value(), step.id);
    view! {
        {move || {
            let list = errors.get();
            (!list.is_empty()).then(|| view! { <ErrorSummaryList errors=list/> })
        }}
        <h2 class="govuk-heading-m">{step.title.clone()}</h2>
        {step.intro.clone().map(|intro| view! { <p class="govuk-body">{intro}</p> })}
        <form method="post" action=action novalidate>
            // The first submit button is the one Enter presses.
            <button type="submit" name="__action" value="continue" class="portal-default-action" tabindex="-1" aria-hidden="true">"Save and continue"</button>
            <input type="hidden" name="__version" value=move || ctx.saver.version.get()/>
            {sections}
            <div class="govuk-button-group">
                {(index > 0).then(|| button(StepAction::Previous, "Previous".into(), "govuk-button govuk-button--secondary"))}
                {button(StepAction::Continue, "Save and continue".into(), "govuk-button")}
                {button(StepAction::Exit, "Save and come back later".into(), "govuk-button govuk-button--secondary")}
            </div>
        </form>
    }
}

/// Focuses an element once the page has redrawn (the new item after Add More, the error
/// summary after a failed Continue).
fn focus_later(id: String) {
    request_animation_frame(move || {
        if let Some(element) = document().get_element_by_id(&id) {
            use leptos::wasm_bindgen::JsCast;
            if let Ok(element) = element.dyn_into::<leptos::web_sys::HtmlElement>() {
                let _ = element.focus();
            }
        }
    });
}

#[component]
fn SectionView<B, V>(
    ctx: Ctx,
    section: Section,
    errors: Signal<Vec<FieldError>>,
    button: B,
) -> impl IntoView
where
    B: Fn(StepAction, String, &'static str) -> V + Copy + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let section = StoredValue::new(section);
    let shown = Memo::new(move |_| {
        ctx.saver.answers.with(|a| {
            section.with_value(|s| {
                ctx.form
                    .with_value(|f| f.is_shown(s, 0, s.show_if.as_ref(), a))
            })
        })
    });
    let count = Memo::new(move |_| {
        ctx.saver
            .answers
            .with(|a| section.with_value(|s| ctx.form.with_value(|f| f.item_count(s, a))))
    });
    move || {
        if !shown.get() {
            return None;
        }
        let n = count.get();
        let s = section.get_value();
        let items = (0..n)
            .map(|index| {
                let place = Place {
                    section: s.id.clone(),
                    index,
                    answers: ctx.saver.answers,
                    errors,
                };
                let questions = s
                    .fields
                    .iter()
                    .map(|field| {
                        let field = field.clone();
                        let place = place.clone();
                        let condition = field.show_if.clone();
                        let visible = Memo::new(move |_| {
                            ctx.saver.answers.with(|a| {
                                section.with_value(|s| {
                                    ctx.form.with_value(|f| f.is_shown(s, index, condition.as_ref(), a))
                                })
                            })
                        });
                        move || visible.get().then(|| view! { <Question field=field.clone() place=place.clone()/> })
                    })
                    .collect_view();
                let heading = match (&s.repeat, &s.title) {
                    (Some(_), Some(title)) => Some(format!("{title} {}", index + 1)),
                    (None, Some(title)) => Some(title.clone()),
                    _ => None,
                };
                let remove = s.repeat.as_ref().filter(|r| n > r.min as usize).map(|r| {
                    button(
                        StepAction::Remove(s.id.clone(), index),
                        format!("Remove {} {}", r.item, index + 1),
                        "govuk-button govuk-button--secondary portal-remove",
                    )
                });
                view! {
                    <fieldset class="govuk-fieldset portal-item" id=format!("{}-{index}", s.id) tabindex="-1">
                        {heading.map(|h| view! { <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">{h}</legend> })}
                        {s.hint.clone().filter(|_| index == 0).map(|h| view! { <p class="govuk-hint">{h}</p> })}
                        {questions}
                        {remove}
                    </fieldset>
                }
            })
            .collect_view();
        let add = s
            .repeat
            .as_ref()
            .filter(|r| n < r.max as usize)
            .map(|r| {
                view! {
                    <div id=format!("{}-add", s.id) tabindex="-1" class="portal-add">
                        {button(StepAction::Add(s.id.clone()), "Add More".into(), "govuk-button govuk-button--secondary")}
                        <p class="govuk-hint">{format!("Add another {} (up to {}).", r.item, r.max)}</p>
                    </div>
                }
            });
        Some(view! { <div class="portal-section">{items}{add}</div> })
    }
}

/// Every answer, with Change links, and what is still missing.
#[component]
fn SummaryStep(ctx: Ctx) -> impl IntoView {
    let problems = Memo::new(move |_| {
        ctx.saver.answers.with(|a| {
            ctx.form.with_value(|f| {
                f.check_all(a, ctx.today)
                    .into_iter()
                    .map(|(step, e)| (step.id.clone(), e))
                    .collect::<Vec<_>>()
            })
        })
    });
    let draft = ctx.draft.get_value();
    view! {
        <h2 class="govuk-heading-m">"Summary"</h2>
        <p class="govuk-body">"Check your answers. Use the Change links to correct anything before you accept the declaration."</p>
        {move || {
            let list = problems.get();
            (!list.is_empty()).then(|| {
                let n = list.len();
                view! {
                    <div class="govuk-warning-text">
                        <span class="govuk-warning-text__icon" aria-hidden="true">"!"</span>
                        <strong class="govuk-warning-text__text">
                            <span class="govuk-visually-hidden">"Warning"</span>
                            {format!("{n} answer{} still missing or need{} correcting. They are marked on the steps listed.", if n == 1 { " is" } else { "s are" }, if n == 1 { "s" } else { "" })}
                        </strong>
                    </div>
                }
            })
        }}
        {move || {
            let answers = ctx.saver.answers.get();
            let form = ctx.form.get_value();
            view! { <AnswersSummary form answers change_base=Some(format!("/drafts/{draft}"))/> }
        }}
        <a class="govuk-button" href=ctx.step_href("declaration") draggable="false" role="button">"Continue to the declaration"</a>
    }
}

/// The declaration: two "I agree" boxes and Accept.
#[component]
fn DeclarationStep(ctx: Ctx) -> impl IntoView {
    let submit = ServerAction::<SubmitForm>::new();
    let error = move || submit.value().get().and_then(|r| r.err());
    let declaration = ctx.form.with_value(|f| f.declaration.clone());
    let paragraphs = declaration
        .text
        .split("\n\n")
        .map(|p| view! { <p class="govuk-body">{p.trim().to_owned()}</p> })
        .collect_view();
    let boxes = declaration
        .agreements
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let id = format!("agreed-{i}");
            view! {
                <div class="govuk-checkboxes__item">
                    <input class="govuk-checkboxes__input" id=id.clone() name=format!("agreed[{i}]") type="checkbox" value=i.to_string()/>
                    <label class="govuk-label govuk-checkboxes__label" for=id>{text.clone()}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        {move || error().map(|e| view! { <crate::components::ErrorSummary error=e field_id="agreed-0"/> })}
        <h2 class="govuk-heading-m">"Declaration"</h2>
        {paragraphs}
        <ActionForm action=submit>
            <input type="hidden" name="draft" value=ctx.draft.get_value()/>
            <div class="govuk-form-group">
                <fieldset class="govuk-fieldset">
                    <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">"Do you agree?"</legend>
                    <div class="govuk-checkboxes" data-module="govuk-checkboxes">{boxes}</div>
                </fieldset>
            </div>
            <button type="submit" class="govuk-button">"Accept"</button>
        </ActionForm>
    }
}
