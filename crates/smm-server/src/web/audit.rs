//! The organization's audit log in pages, a page at a time, with whether its hash chain holds.

use askama::Template;
use axum::extract::State;
use serde::Deserialize;

use smm_store::{OrganizationId, Page};

use super::{render, Nav, PageResult, PageUser};
use crate::app::organizations;
use crate::audit_watch::ChainStatus;
use crate::extract::{ApiPath, ApiQuery};
use crate::state::{unix_now, AppState};

struct AuditRow {
    /// The entry's content no longer matches its hash.
    altered: bool,
    seq: i64,
    at: String,
    actor: String,
    action: String,
    object: String,
    hash: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    nav: Option<Nav>,
    org_id: i64,
    org_name: String,
    rows: Vec<AuditRow>,
    next: Option<i64>,
    chain: Option<ChainStatus>,
    /// Seconds since `chain` was checked.
    checked_ago: i64,
}

/// Which page of the log.
#[derive(Deserialize)]
pub struct AuditQuery {
    after: Option<i64>,
}

/// The organization's audit log, a page at a time, and whether the whole chain holds.
pub async fn audit(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(org): ApiPath<i64>,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> PageResult {
    let page = Page::new(query.after.unwrap_or(0), 100);
    let entries = organizations::audit(&state, &user.caller, org, page).await?;
    let org_name = state.store.organization_name(OrganizationId(org)).await?;
    // Each shown entry is checked now; the whole chain at most once a minute, or at once when
    // this page holds an altered entry.
    let altered: Vec<bool> = entries
        .iter()
        .map(|e| e.expected_hash() != e.hash)
        .collect();
    let chain = state
        .audit
        .status(&state.store, &state.log, altered.contains(&true))
        .await;
    let checked_ago = chain.map_or(0, |c| (unix_now() - c.checked_at).max(0));
    let next = (entries.len() as i64 >= page.limit)
        .then(|| entries.last().map(|e| e.seq))
        .flatten();
    Ok(render(&AuditPage {
        nav: Some(user.nav(&state, org).await),
        org_id: org,
        org_name,
        rows: entries
            .into_iter()
            .zip(altered)
            .map(|(e, altered)| AuditRow {
                altered,
                seq: e.seq,
                at: e.at,
                actor: e.actor,
                action: e.action,
                object: e.object,
                hash: e.hash[..16].to_string(),
            })
            .collect(),
        next,
        chain,
        checked_ago,
    }))
}
