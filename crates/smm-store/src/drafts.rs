//! Drafts of target profiles set in the web wizard: the interview's answers so far. A draft is
//! working state, not a record: it is saved in place at every step and removed once it has
//! become a target document (which is versioned and audited like any other).

use serde::Serialize;
use sqlx::Row;

use crate::store::{non_empty, now};
use crate::{OrganizationId, Store, StoreError, SystemId};

/// A draft.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Draft {
    /// Its id.
    pub id: i64,
    /// The organization that owns the system.
    pub organization: OrganizationId,
    /// The system the target is for.
    pub system: SystemId,
    /// Who started it.
    pub author: String,
    /// The answers so far (an answers document).
    pub body: String,
    /// When it was last saved.
    pub updated_at: String,
    /// How many times it was saved: a save based on an older revision can be refused.
    pub revision: i64,
}

/// The largest draft kept.
const MAX_DRAFT_BYTES: usize = 1024 * 1024;

fn draft_from(r: &sqlx::any::AnyRow) -> Result<Draft, StoreError> {
    Ok(Draft {
        id: r.try_get(0)?,
        organization: OrganizationId(r.try_get(1)?),
        system: SystemId(r.try_get(2)?),
        author: r.try_get(3)?,
        body: r.try_get(4)?,
        updated_at: r.try_get(5)?,
        revision: r.try_get(6)?,
    })
}

const COLUMNS: &str = "id, organization_id, system_id, author, body, updated_at, revision";

impl Store {
    /// Starts a draft for a system.
    pub async fn create_draft(
        &self,
        author: &str,
        org: OrganizationId,
        system: SystemId,
        body: &str,
    ) -> Result<Draft, StoreError> {
        non_empty(author, "author")?;
        if body.len() > MAX_DRAFT_BYTES {
            return Err(StoreError::Invalid("the draft is too large".to_string()));
        }
        let at = now();
        let row = sqlx::query(
            "INSERT INTO drafts (organization_id, system_id, author, body, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(org.0)
        .bind(system.0)
        .bind(author)
        .bind(body)
        .bind(&at)
        .bind(&at)
        .fetch_one(&self.pool)
        .await?;
        self.draft(row.try_get(0)?).await
    }

    /// A draft by id, whoever owns it (the caller checks access to its system).
    pub async fn draft(&self, id: i64) -> Result<Draft, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM drafts WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("draft {id}")))?;
        draft_from(&row)
    }

    /// Saves a draft's answers and returns its new revision. With `based_on`, the save is made
    /// only if the draft is still at that revision (a conflict otherwise), so answers computed
    /// from an older reading never replace newer ones.
    pub async fn save_draft(
        &self,
        id: i64,
        body: &str,
        based_on: Option<i64>,
    ) -> Result<i64, StoreError> {
        if body.len() > MAX_DRAFT_BYTES {
            return Err(StoreError::Invalid("the draft is too large".to_string()));
        }
        let saved = sqlx::query(
            "UPDATE drafts SET body = $1, updated_at = $2, revision = revision + 1 \
             WHERE id = $3 AND ($4 < 0 OR revision = $4) RETURNING revision",
        )
        .bind(body)
        .bind(now())
        .bind(id)
        .bind(based_on.unwrap_or(-1))
        .fetch_optional(&self.pool)
        .await?;
        match (saved, based_on) {
            (Some(row), _) => Ok(row.try_get(0)?),
            (None, Some(expected)) => Err(StoreError::Conflict {
                current: self.draft(id).await?.revision,
                expected,
            }),
            (None, None) => Err(StoreError::NotFound(format!("draft {id}"))),
        }
    }

    /// The drafts of a system, newest first.
    pub async fn drafts(&self, system: SystemId) -> Result<Vec<Draft>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM drafts WHERE system_id = $1 ORDER BY id DESC"
        ))
        .bind(system.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(draft_from).collect()
    }

    /// Removes a draft (once it became a target, or when abandoned).
    pub async fn delete_draft(&self, id: i64) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM drafts WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
