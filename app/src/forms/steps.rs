//! Saving a posted step, the one way every save goes (a plain form post without JavaScript,
//! the page's scripts, the signed-out step kept until sign-in): parse what was posted, store the
//! chosen files, save the answers, decide where the person goes next.

use super::{
    api::server::{own_draft, today},
    files::{self, Upload},
    render::{self, DECLARATION},
    store,
    wizard::StepAction,
};
use crate::{
    auth::ssr::accounts::Account,
    error::{AppError, FieldError},
    formdef::{
        answers::{check_step_size, field_dom_id, Answer, Answers},
        schema::FormDefinition,
    },
    platform::AppState,
};

/// What a posted step comes to.
pub enum Next {
    /// Saved quietly (autosave).
    Saved,
    /// Open this address.
    Go(String),
    /// Show the same step again, with these problems (none after Add More or Remove);
    /// `focus` is the element to move to.
    Show {
        errors: Vec<FieldError>,
        focus: Option<String>,
    },
    /// The page's copy was older than what is stored: nothing was written.
    Conflict { html: String },
}

pub struct Applied {
    pub next: Next,
    pub version: i64,
    pub saved_at: i64,
    /// Set when `next` is `Show`: the step's page as it is now.
    pub html: Option<String>,
}

/// Whether a post must name the version it was based on (the page's scripts) or is applied
/// to whatever is newest (a page without JavaScript, whose post replaces only its own step).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Versioning {
    Strict,
    Merge,
}

/// What a posted step asks for: its answers, the button pressed and the version the page was
/// based on.
struct Posted {
    pairs: Vec<(String, String)>,
    action: StepAction,
    based_on: Option<i64>,
    versioning: Versioning,
}

impl Posted {
    fn parse(pairs: Vec<(String, String)>, versioning: Versioning) -> Posted {
        let value = |key: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        let action = value("__action")
            .and_then(StepAction::parse)
            .unwrap_or(StepAction::Continue);
        let based_on = value("__version").and_then(|v| v.parse().ok());
        Posted {
            pairs,
            action,
            based_on,
            versioning,
        }
    }
}

/// A chosen file once stored, and the answer (`section`, `item`, `field`) it joins.
struct StoredFile {
    section: String,
    item: usize,
    field: String,
    id: String,
}

/// Saves a posted step and works out what comes next: parse → store the chosen files → save
/// the answers → decide where to go. A step larger than any form's is refused
/// (`AppError::TooLarge`) before anything else.
pub async fn apply(
    state: &AppState,
    account: &Account,
    draft_id: &str,
    step_id: &str,
    pairs: Vec<(String, String)>,
    uploads: Vec<Upload>,
    versioning: Versioning,
) -> Result<Applied, AppError> {
    check_step_size(&pairs)?;
    let posted = Posted::parse(pairs, versioning);
    let (draft, form) = own_draft(state, account, draft_id).await?;
    if step_id == DECLARATION {
        // The declaration has no answers to save: only Accept does anything there.
        return match posted.action {
            StepAction::Accept => accept(state, account, &draft, &form, &posted.pairs).await,
            _ => Ok(Applied {
                next: Next::Saved,
                version: draft.version,
                saved_at: draft.updated_at,
                html: None,
            }),
        };
    }
    let index = form
        .steps
        .iter()
        .position(|s| s.id == step_id)
        .ok_or(AppError::NotFound)?;
    let (stored, problems) = store_uploads(state, account, &draft, &form, index, uploads).await?;
    let saved = match save_answers(state, draft, &form, index, &posted, &stored, problems).await? {
        Saving::Saved(saved) => saved,
        Saving::Conflict(conflict) => return Ok(conflict),
    };
    let html = match &saved.next {
        Next::Show { errors, .. } => {
            Some(super::wizard::step_html(state, &saved.draft, &form, step_id, errors).await?)
        }
        _ => None,
    };
    Ok(Applied {
        next: saved.next,
        version: saved.draft.version,
        saved_at: saved.saved_at,
        html,
    })
}

/// Stores the chosen files of the step's attachments fields; a refused file is a problem to
/// show, not an error.
async fn store_uploads(
    state: &AppState,
    account: &Account,
    draft: &store::Draft,
    form: &FormDefinition,
    index: usize,
    uploads: Vec<Upload>,
) -> Result<(Vec<StoredFile>, Vec<FieldError>), AppError> {
    let step = &form.steps[index];
    let mut problems = Vec::new();
    let mut stored = Vec::new();
    for upload in uploads {
        let Some((section, item, field)) = files::attachment_path(form, &upload.field)
            .filter(|(section, ..)| step.sections.iter().any(|s| &s.id == section))
        else {
            continue;
        };
        let dom_id = field_dom_id(&section, item, &field);
        match upload.content {
            Err(message) => problems.push(FieldError {
                field: dom_id.clone(),
                target: dom_id,
                message,
            }),
            Ok(content) => {
                let info = files::store_file(
                    state,
                    draft,
                    account.id,
                    &upload.field,
                    &upload.name,
                    content,
                )
                .await?;
                stored.push(StoredFile {
                    section,
                    item,
                    field,
                    id: info.id,
                });
            }
        }
    }
    Ok((stored, problems))
}

/// The draft once the step is saved, and where the person goes next.
struct Saved {
    draft: store::Draft,
    saved_at: i64,
    next: Next,
}

enum Saving {
    Saved(Saved),
    /// The page's copy was older than what is stored: nothing was written.
    Conflict(Applied),
}

/// Writes the step's answers (with the stored files, and what Add More, Remove or Remove File
/// asked for) if the draft has not moved on since the page was loaded; a page without
/// JavaScript (`Versioning::Merge`) is applied to the newest version, retried a few times.
/// The answers and the step the person goes to are one write; when files are named or change,
/// the check of the draft's files, that write and forgetting unused files are one transaction.
async fn save_answers(
    state: &AppState,
    mut draft: store::Draft,
    form: &FormDefinition,
    index: usize,
    posted: &Posted,
    stored: &[StoredFile],
    problems: Vec<FieldError>,
) -> Result<Saving, AppError> {
    let step = &form.steps[index];
    let strict = posted.versioning == Versioning::Strict;
    let files_change = matches!(posted.action, StepAction::RemoveFile(_)) || !stored.is_empty();
    let exit = match posted.action {
        StepAction::Exit => {
            let child =
                crate::people::store::public_id_of_child(state.db.pool(), draft.child_id).await?;
            format!("/children/{child}/forms?saved=1")
        }
        _ => String::new(),
    };
    let route = Route {
        form,
        index,
        base: format!("/drafts/{}", draft.public_id),
        exit,
    };
    let mut tries = 0;
    loop {
        if strict && posted.based_on.is_some_and(|v| v != draft.version) {
            let mut mine = draft.answers.clone();
            mine.replace_step(step, &posted.pairs);
            return Ok(Saving::Conflict(Applied {
                next: Next::Conflict {
                    html: render::conflict_html(form, &mine, &draft.answers),
                },
                version: draft.version,
                saved_at: draft.updated_at,
                html: None,
            }));
        }
        let mut answers = draft.answers.clone();
        answers.replace_step(step, &posted.pairs);
        let mut found = problems.clone();
        found.extend(attach(form, index, &mut answers, stored));
        let added = apply_action(form, index, &mut answers, &posted.action);
        form.check_shape(&answers).map_err(AppError::Invalid)?;
        let next = decide(&route, &posted.action, &answers, added, found);
        let at_step = match &next {
            Next::Go(to) => route.step_of(to).unwrap_or(&step.id),
            _ => &step.id,
        };
        let written = if files_change || !files::named_files(form, &answers).is_empty() {
            let mut tx = state.db.begin().await?;
            let known = crate::documents::files::files_of_draft(&mut *tx, draft.id).await?;
            files::check_files(form, &answers, &known)?;
            let written =
                store::save_answers(&mut tx, &draft, draft.version, &answers, at_step).await?;
            let unused = match written {
                store::Saved::Saved { .. } if files_change => {
                    files::forget_unused(&mut tx, draft.id, form, &answers).await?
                }
                _ => Vec::new(),
            };
            tx.commit().await?;
            files::delete_stored(state, &unused).await;
            written
        } else {
            let mut conn = state.db.pool().acquire().await?;
            store::save_answers(&mut conn, &draft, draft.version, &answers, at_step).await?
        };
        match written {
            store::Saved::Saved { version, at } => {
                draft.answers = answers;
                draft.version = version;
                draft.current_step = at_step.to_owned();
                draft.updated_at = at;
                return Ok(Saving::Saved(Saved {
                    draft,
                    saved_at: at,
                    next,
                }));
            }
            store::Saved::Stale(latest) if tries < 3 => {
                tries += 1;
                draft = latest;
            }
            store::Saved::Stale(_) => {
                return Err(AppError::invalid(
                    "This form is being changed somewhere else at the same time. Try again.",
                ))
            }
        }
    }
}

/// Adds the stored files to their answers, up to each field's limit; a file over it is a
/// problem to show.
fn attach(
    form: &FormDefinition,
    index: usize,
    answers: &mut Answers,
    stored: &[StoredFile],
) -> Vec<FieldError> {
    let step = &form.steps[index];
    let mut problems = Vec::new();
    for file in stored {
        let max = step
            .sections
            .iter()
            .find(|s| s.id == file.section)
            .and_then(|s| s.fields.iter().find(|f| f.id == file.field))
            .map_or(0, |f| f.max_files() as usize);
        let mut ids = answers
            .get(&file.section, file.item, &file.field)
            .map(|a| a.many().to_vec())
            .unwrap_or_default();
        if ids.len() < max {
            ids.push(file.id.clone());
            answers.set(&file.section, file.item, &file.field, Answer::Many(ids));
        } else {
            let dom_id = field_dom_id(&file.section, file.item, &file.field);
            problems.push(FieldError {
                field: dom_id.clone(),
                target: dom_id,
                message: format!(
                    "You can attach up to {max} files here. Remove one to add another"
                ),
            });
        }
    }
    problems
}

/// What Add More, Remove and Remove File do to the answers; the item Add More made.
fn apply_action(
    form: &FormDefinition,
    index: usize,
    answers: &mut Answers,
    action: &StepAction,
) -> Option<usize> {
    let step = &form.steps[index];
    match action {
        StepAction::Add(section_id) => {
            let section = step.sections.iter().find(|s| &s.id == section_id)?;
            let max = section.repeat.as_ref().map_or(0, |r| r.max as usize);
            let shown = form.item_count(section, answers);
            // An ordinary section always shows its items; add after those shown.
            while answers.items(section_id).len() < shown {
                answers.add_item(section_id);
            }
            (shown < max).then(|| answers.add_item(section_id))
        }
        StepAction::Remove(section_id, item)
            if step
                .sections
                .iter()
                .any(|s| &s.id == section_id && s.repeat.is_some()) =>
        {
            answers.remove_item(section_id, *item);
            None
        }
        StepAction::RemoveFile(file) => {
            files::detach(form, answers, file);
            None
        }
        _ => None,
    }
}

/// Where a posted step can lead: the draft's steps, and (for "Save and come back later") the
/// child's forms.
struct Route<'a> {
    form: &'a FormDefinition,
    index: usize,
    /// `/drafts/{draft}`.
    base: String,
    exit: String,
}

impl Route<'_> {
    /// The step a `Go` address opens, if it is one of the draft's.
    fn step_of<'t>(&self, to: &'t str) -> Option<&'t str> {
        to.strip_prefix(&self.base)?.strip_prefix('/')
    }
}

/// Where the person goes once the step is saved: on, back, out, or the same step again (with
/// its problems, or at the item added or removed).
fn decide(
    route: &Route,
    action: &StepAction,
    answers: &Answers,
    added: Option<usize>,
    problems: Vec<FieldError>,
) -> Next {
    let (form, index, base) = (route.form, route.index, &route.base);
    let step = &form.steps[index];
    let show = |focus: String| Next::Show {
        errors: Vec::new(),
        focus: Some(focus),
    };
    match action {
        _ if !problems.is_empty() => Next::Show {
            errors: problems,
            focus: Some("error-summary".into()),
        },
        StepAction::Autosave => Next::Saved,
        StepAction::Continue => {
            let errors = form.check_step(step, answers, today());
            if errors.is_empty() {
                let next = form
                    .steps
                    .get(index + 1)
                    .map_or(render::SUMMARY, |s| s.id.as_str());
                Next::Go(format!("{base}/{next}"))
            } else {
                Next::Show {
                    errors,
                    focus: Some("error-summary".into()),
                }
            }
        }
        StepAction::Previous => {
            let to = index.checked_sub(1).map_or(step, |p| &form.steps[p]);
            Next::Go(format!("{base}/{}", to.id))
        }
        StepAction::Exit => Next::Go(route.exit.clone()),
        StepAction::Add(section) => show(match added {
            Some(i) => format!("{section}-{i}"),
            None => format!("{section}-add"),
        }),
        StepAction::Remove(section, _) => show(format!("{section}-add")),
        StepAction::Upload(path) => show(path.replace('.', "-")),
        StepAction::RemoveFile(_) | StepAction::Accept => Next::Show {
            errors: Vec::new(),
            focus: None,
        },
    }
}

/// Accept on the declaration: every required answer must be there and right, and every
/// statement agreed to. The draft becomes an immutable submission with a reference, and a
/// receipt is emailed.
async fn accept(
    state: &AppState,
    account: &Account,
    draft: &store::Draft,
    form: &FormDefinition,
    pairs: &[(String, String)],
) -> Result<Applied, AppError> {
    let agreed: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k.starts_with("agreed"))
        .map(|(_, v)| v.clone())
        .collect();
    match super::api::server::submit(state, account, draft, form, &agreed).await {
        Ok((id, _)) => Ok(Applied {
            next: Next::Go(format!("/submissions/{id}?submitted=1")),
            version: draft.version,
            saved_at: draft.updated_at,
            html: None,
        }),
        Err(AppError::Field { field, message }) => {
            let errors = vec![FieldError {
                field: field.clone(),
                target: field,
                message,
            }];
            let html = super::wizard::step_html(state, draft, form, DECLARATION, &errors).await?;
            Ok(Applied {
                next: Next::Show {
                    errors,
                    focus: Some("error-summary".into()),
                },
                version: draft.version,
                saved_at: draft.updated_at,
                html: Some(html),
            })
        }
        Err(other) => Err(other),
    }
}
