//! "Who has seen this record": for the family, everyone outside it who opened or changed the
//! child's record (the SEN team, professionals), from the audit log, newest first and paged.
//! The family's own reading and writing is not listed: they know about it.

use leptos::prelude::*;

use crate::{clock, components::ServerPage, error::AppError, platform::AppState, role::Role};

/// Entries per page.
pub const PAGE_SIZE: i64 = 25;

/// The roles whose actions are listed: everyone outside the family.
const LISTED_ROLES: &str = "('sen_officer', 'admin', 'professional')";

/// One thing someone did with the record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    pub at: i64,
    /// Their name, and their service ("SEN team", or their organisations).
    pub who: String,
    pub service: String,
    pub what: &'static str,
}

#[derive(sqlx::FromRow)]
struct SeenRow {
    at: i64,
    user_id: i64,
    full_name: String,
    role: String,
    action: String,
}

/// How many entries the child's record has, and page `page` (from 1) of them.
pub async fn seen_by(
    pool: &sqlx::AnyPool,
    child_id: i64,
    page: i64,
) -> Result<(i64, Vec<Seen>), AppError> {
    let from = format!(
        "FROM audit_log a JOIN users u ON u.id = COALESCE(a.actor_id, a.user_id) \
         WHERE a.child_id = $1 AND u.role IN {LISTED_ROLES}"
    );
    let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) {from}")))
        .bind(child_id)
        .fetch_one(pool)
        .await?;
    let rows: Vec<SeenRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT a.at, u.id AS user_id, u.full_name, u.role, a.action {from} \
         ORDER BY a.at DESC, a.id DESC LIMIT $2 OFFSET $3"
    )))
    .bind(child_id)
    .bind(PAGE_SIZE)
    .bind((page.max(1) - 1) * PAGE_SIZE)
    .fetch_all(pool)
    .await?;
    let mut services = std::collections::HashMap::new();
    let mut seen = Vec::with_capacity(rows.len());
    for row in rows {
        let service = match Role::parse(&row.role) {
            Some(Role::Professional) => {
                let names = match services.entry(row.user_id) {
                    std::collections::hash_map::Entry::Occupied(known) => known.into_mut(),
                    std::collections::hash_map::Entry::Vacant(new) => {
                        let names: Vec<String> = sqlx::query_scalar(
                            "SELECT o.name FROM organisations o JOIN organisation_members m \
                             ON m.organisation_id = o.id WHERE m.user_id = $1 ORDER BY o.name",
                        )
                        .bind(row.user_id)
                        .fetch_all(pool)
                        .await?;
                        new.insert(names.join(", "))
                    }
                };
                match names.as_str() {
                    "" => "Professional".to_owned(),
                    names => names.to_owned(),
                }
            }
            _ => "SEN team".to_owned(),
        };
        seen.push(Seen {
            at: row.at,
            who: row.full_name,
            service,
            what: crate::auth::describe_action(&row.action),
        });
    }
    Ok((total, seen))
}

/// `/children/:child/seen?page=N`: for the child's parents, carers or the young person.
pub async fn seen_page(state: &AppState, child: &str, page: &str) -> Result<ServerPage, AppError> {
    let account = crate::people::access::require_form_user(state).await?;
    if account.role != Role::Citizen {
        return Err(AppError::NotFound);
    }
    let child = crate::people::access::linked_child(state, &account, child).await?;
    let page: i64 = page.parse().unwrap_or(1).max(1);
    let (total, seen) = seen_by(state.db.pool(), child.id, page).await?;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let page = page.min(pages);
    let name = child.summary.full_name();
    let link = |p: i64| format!("/children/{}/seen?page={p}", child.summary.id);
    let body = view! {
        <a class="govuk-back-link" href=format!("/children/{}/forms", child.summary.id)>{format!("Back to {}", child.summary.first_name)}</a>
        <span class="govuk-caption-l">{name.clone()}</span>
        <h1 class="govuk-heading-l">"Who has seen this record"</h1>
        <p class="govuk-body">
            "Everyone outside your family who has opened or changed this record in the portal: the SEN team and the professionals giving advice. Newest first. What you and your family do is not listed."
        </p>
        {if seen.is_empty() {
            view! { <p class="govuk-body">"Nobody outside your family has opened this record yet."</p> }.into_any()
        } else {
            view! {
                <p class="govuk-body">{format!("{total} entries – page {page} of {pages}")}</p>
                <div class="portal-table-scroll" tabindex="0" role="region" aria-label="Who has seen this record">
                    <table class="govuk-table">
                        <caption class="govuk-table__caption govuk-visually-hidden">"Who has seen this record"</caption>
                        <thead class="govuk-table__head">
                            <tr class="govuk-table__row">
                                <th scope="col" class="govuk-table__header">"When"</th>
                                <th scope="col" class="govuk-table__header">"Who"</th>
                                <th scope="col" class="govuk-table__header">"What"</th>
                            </tr>
                        </thead>
                        <tbody class="govuk-table__body" id="seen">
                            {seen.into_iter().map(|s| view! {
                                <tr class="govuk-table__row">
                                    <td class="govuk-table__cell">{format!("{} {}", clock::date(s.at), clock::time_of_day(s.at))}</td>
                                    <td class="govuk-table__cell">{s.who}<span class="portal-cell-detail">{s.service}</span></td>
                                    <td class="govuk-table__cell">{s.what}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                {(pages > 1).then(|| view! {
                    <nav class="govuk-pagination" aria-label="Pages">
                        {(page > 1).then(|| view! {
                            <div class="govuk-pagination__prev">
                                <a class="govuk-link govuk-pagination__link" href=link(page - 1) rel="prev">
                                    <span class="govuk-pagination__link-title">"Newer"</span>
                                </a>
                            </div>
                        })}
                        {(page < pages).then(|| view! {
                            <div class="govuk-pagination__next">
                                <a class="govuk-link govuk-pagination__link" href=link(page + 1) rel="next">
                                    <span class="govuk-pagination__link-title">"Older"</span>
                                </a>
                            </div>
                        })}
                    </nav>
                })}
            }
            .into_any()
        }}
    }
    .into_any();
    Ok(ServerPage {
        title: format!("Who has seen {name}’s record"),
        body,
    })
}
