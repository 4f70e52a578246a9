//! "View Shared Form": a shared document as its page, rendered on the server.

use leptos::prelude::*;

use super::{
    store::{find_document_for_user, Document},
    AttachmentInfo, DocumentKind,
};
use crate::{
    auth::ssr::accounts::Audit, components::ServerPage, error::AppError, platform::AppState,
};

/// "View Shared Form": the document if the signed-in person may see it (`NotFound` otherwise,
/// as for no such document), audited as a reading of the child's record.
pub async fn document_page(state: &AppState, public_id: &str) -> Result<ServerPage, AppError> {
    let account = crate::people::access::require_form_user(state).await?;
    let document = find_document_for_user(state.db.pool(), account.id, public_id)
        .await?
        .ok_or(AppError::NotFound)?;
    // Those linked to the child go back to the child's page; a school consulted on a draft
    // plan (not linked) to its caseload.
    let linked = crate::people::store::children_of(state.db.pool(), account.id)
        .await?
        .into_iter()
        .find(|c| c.id == document.child_id);
    let back = linked.as_ref().map_or_else(
        || {
            (
                "/professional".to_owned(),
                "Back to your caseload".to_owned(),
            )
        },
        |c| {
            (
                format!("/children/{}/forms", c.summary.id),
                format!("Back to {}’s page", c.summary.first_name),
            )
        },
    );
    let child = match linked {
        Some(child) => child,
        None => crate::people::store::child_by_id(state.db.pool(), document.child_id).await?,
    };
    let ip = crate::auth::api::server::client_ip().await;
    crate::auth::ssr::accounts::audit(
        state,
        Audit::of(Some(account.id), "document_viewed", &ip)
            .child(child.id)
            .detail(&document.title),
    )
    .await?;
    let files =
        crate::documents::files::files_of_shared_document(state.db.pool(), document.id).await?;
    Ok(ServerPage {
        title: document.title.clone(),
        body: document_body(&document, public_id, &child.summary, &files, back),
    })
}

fn document_body(
    document: &Document,
    public_id: &str,
    child: &crate::people::ChildSummary,
    files: &[AttachmentInfo],
    (back, back_text): (String, String),
) -> AnyView {
    let paragraphs = crate::components::paragraphs(&document.body);
    let kind = document.kind.map_or("Document", DocumentKind::label);
    {
        view! {
            <a class="govuk-back-link" href=back>{back_text}</a>
            <span class="govuk-caption-l">{format!("{kind} for {}", child.full_name())}</span>
            <h1 class="govuk-heading-l">{document.title.clone()}</h1>
            <dl class="govuk-summary-list govuk-summary-list--no-border">
                <div class="govuk-summary-list__row">
                    <dt class="govuk-summary-list__key">"Shared by"</dt>
                    <dd class="govuk-summary-list__value">{document.shared_by.clone()}</dd>
                </div>
                <div class="govuk-summary-list__row">
                    <dt class="govuk-summary-list__key">"Shared on"</dt>
                    <dd class="govuk-summary-list__value">{crate::clock::date(document.shared_at)}</dd>
                </div>
            </dl>
            <p class="govuk-body">
                <a class="govuk-link" href=format!("/shared/{public_id}/copy.pdf") download="">"Download a copy to keep (PDF)"</a>
            </p>
            <div class="portal-document">
                {paragraphs.into_iter().map(|p| view! { <p class="govuk-body">{p}</p> }).collect_view()}
            </div>
            {(!files.is_empty()).then(|| view! {
                <h2 class="govuk-heading-m">"Files"</h2>
                <ul class="govuk-list">
                    {files.iter().map(|f| view! {
                        <li>
                            <a class="govuk-link" href=format!("/files/{}", f.id) download="">
                                {format!("Download {}", f.describe())}
                            </a>
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {(document.kind == Some(DocumentKind::DraftPlan)).then(|| view! {
                <div class="govuk-inset-text">
                    "You have at least 15 days from the day the draft plan was shared to comment on it and to tell the SEN team which school or setting you would like named in it. Reply to the SEN team’s message, or call them."
                </div>
            })}
        }
        .into_any()
    }
}
