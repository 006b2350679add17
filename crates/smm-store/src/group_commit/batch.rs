//! The statements of one batch of document writes: a handful, whatever the batch's size.
//!
//! On PostgreSQL every statement is a round trip, and every write queued behind a batch waits for
//! all of them: one statement per write and table made a batch of 16 creates 52 round trips.
//! Here what the writes depend on is read in one query per kind (the systems the creates name, the
//! latest versions of the documents the updates change), each write is decided in memory in
//! queue order, the new documents get their ids in one query, and the accepted writes' rows go
//! into one multi-row statement per table. Rows are sent in chunks of power-of-two sizes, so a
//! connection prepares a few statement texts per table, not one per batch size.

use std::collections::HashMap;

use smm_core::document::prepared;

use crate::audit::AuditEntry;
use crate::exec::{Exec, Param};
use crate::store::{
    audit_head, audit_values, now, AuditHead, Backend, DocumentId, OrganizationId, StoredDocument,
    SystemId, AUDIT_COLUMNS,
};
use crate::StoreError;

use super::{Answer, Content, DocumentWrite};

/// At most this many rows go in one statement (ten columns at most: 640 parameters, far below
/// either database's limit).
const MAX_ROWS: usize = 64;

/// The writes' statements, inside a transaction the caller begins and commits: each one's
/// outcome, or the database's failure, which ends the batch.
pub(super) async fn statements(
    tx: &mut impl Exec,
    backend: Backend,
    writes: &[&DocumentWrite],
) -> Result<Vec<Answer>, StoreError> {
    let mut head = audit_head(tx).await?;
    let owners = owners_of_systems(tx, writes).await?;
    let mut latest = latest_versions(tx, writes).await?;
    let owned = |org: &OrganizationId, system: &SystemId| owners.get(&system.0) == Some(&org.0);
    let creates = writes
        .iter()
        .filter(|w| matches!(w, DocumentWrite::Create { org, system, .. } if owned(org, system)))
        .count();
    let mut ids = new_document_ids(tx, backend, creates).await?.into_iter();
    let created = now();
    let mut rows: Vec<Planned> = Vec::with_capacity(writes.len());
    let mut outcomes = Vec::with_capacity(writes.len());
    for &write in writes {
        let planned = match write {
            DocumentWrite::Create {
                actor,
                org,
                system,
                content,
            } if owned(org, system) => {
                let id = ids.next().ok_or_else(|| {
                    StoreError::Database(sqlx::Error::Protocol(
                        "fewer document ids than new documents".to_string(),
                    ))
                })?;
                Ok(plan_create(&mut head, id, actor, *org, *system, content))
            }
            DocumentWrite::Create { system, .. } => {
                Err(StoreError::NotFound(format!("system {}", system.0)))
            }
            DocumentWrite::Update {
                actor,
                org,
                id,
                if_version,
                content,
            } => plan_update(
                &mut head,
                &mut latest,
                actor,
                *org,
                *id,
                *if_version,
                content,
            ),
        };
        match planned {
            Ok(planned) => {
                outcomes.push(Ok(planned.stored(&created)));
                rows.push(planned);
            }
            Err(refused) => outcomes.push(Err(refused)),
        }
    }
    insert_documents(tx, &rows, &created).await?;
    insert_versions(tx, &rows, &created).await?;
    update_summaries(tx, &rows).await?;
    insert_audit_entries(tx, &rows).await?;
    Ok(outcomes)
}

/// An accepted write: the rows it adds.
struct Planned<'a> {
    document: i64,
    version: i64,
    system: SystemId,
    /// For a new document, its organization.
    new_in: Option<OrganizationId>,
    actor: &'a str,
    content: &'a Content,
    audit: AuditEntry,
}

impl Planned<'_> {
    /// The answer to the write, once its transaction has committed.
    fn stored(&self, created_at: &str) -> StoredDocument {
        let content = self.content;
        StoredDocument {
            id: DocumentId(self.document),
            system: self.system,
            kind: content.kind,
            version: self.version,
            sha256: content.sha256.clone(),
            body: content.body.clone(),
            author: self.actor.to_string(),
            created_at: created_at.to_string(),
            prepared: content.prepared.clone(),
        }
    }
}

/// Version 1 of a new document `id`, in a system of the organization.
fn plan_create<'a>(
    head: &mut AuditHead,
    id: i64,
    actor: &'a str,
    org: OrganizationId,
    system: SystemId,
    content: &'a Content,
) -> Planned<'a> {
    let audit = head.next(
        actor,
        Some(org),
        "document.create",
        &format!("document/{id}"),
        None,
        Some(&content.sha256),
    );
    Planned {
        document: id,
        version: 1,
        system,
        new_in: Some(org),
        actor,
        content,
        audit,
    }
}

/// The next version of a document, or why it is refused: not the organization's, a version
/// conflict, or another kind. `latest` moves on, so a later update in the batch sees this one.
fn plan_update<'a>(
    head: &mut AuditHead,
    latest: &mut HashMap<i64, Latest>,
    actor: &'a str,
    org: OrganizationId,
    id: DocumentId,
    if_version: i64,
    content: &'a Content,
) -> Result<Planned<'a>, StoreError> {
    let current = latest
        .get_mut(&id.0)
        .filter(|l| l.org == org.0)
        .ok_or_else(|| StoreError::NotFound(format!("document {}", id.0)))?;
    if current.version != if_version {
        return Err(StoreError::Conflict {
            current: current.version,
            expected: if_version,
        });
    }
    if current.kind != content.kind.as_str() {
        return Err(StoreError::Invalid(format!(
            "document {} is a {}; a new version cannot be a {}",
            id.0,
            current.kind,
            content.kind.as_str()
        )));
    }
    let audit = head.next(
        actor,
        Some(org),
        "document.update",
        &format!("document/{}", id.0),
        Some(&current.sha256),
        Some(&content.sha256),
    );
    current.version += 1;
    current.sha256.clone_from(&content.sha256);
    Ok(Planned {
        document: id.0,
        version: current.version,
        system: SystemId(current.system),
        new_in: None,
        actor,
        content,
        audit,
    })
}

/// The latest version of a document an update names.
struct Latest {
    org: i64,
    system: i64,
    kind: String,
    version: i64,
    sha256: String,
}

/// The organization of each system a create names (systems that do not exist are absent).
async fn owners_of_systems(
    tx: &mut impl Exec,
    writes: &[&DocumentWrite],
) -> Result<HashMap<i64, i64>, StoreError> {
    let mut systems: Vec<i64> = writes
        .iter()
        .filter_map(|w| match w {
            DocumentWrite::Create { system, .. } => Some(system.0),
            DocumentWrite::Update { .. } => None,
        })
        .collect();
    systems.sort_unstable();
    systems.dedup();
    let mut owners = HashMap::with_capacity(systems.len());
    for chunk in chunks(systems.len()) {
        let ids = &systems[chunk];
        let sql = format!(
            "SELECT id, organization_id FROM systems WHERE id IN ({})",
            placeholders(1, ids.len())
        );
        let params: Vec<Param<'_>> = ids.iter().map(|&id| Param::Int(id)).collect();
        for (id, org) in tx
            .all(&sql, &params, |r| Ok((r.int(0)?, r.int(1)?)))
            .await?
        {
            owners.insert(id, org);
        }
    }
    Ok(owners)
}

/// The latest version of each document an update names (documents that do not exist are
/// absent).
async fn latest_versions(
    tx: &mut impl Exec,
    writes: &[&DocumentWrite],
) -> Result<HashMap<i64, Latest>, StoreError> {
    let mut documents: Vec<i64> = writes
        .iter()
        .filter_map(|w| match w {
            DocumentWrite::Update { id, .. } => Some(id.0),
            DocumentWrite::Create { .. } => None,
        })
        .collect();
    documents.sort_unstable();
    documents.dedup();
    let mut latest = HashMap::with_capacity(documents.len());
    for chunk in chunks(documents.len()) {
        let ids = &documents[chunk];
        let sql = format!(
            "SELECT d.id, d.organization_id, d.system_id, d.kind, v.version, v.sha256 \
             FROM documents d JOIN document_versions v ON v.document_id = d.id \
             WHERE d.id IN ({}) AND v.version = \
             (SELECT MAX(version) FROM document_versions WHERE document_id = d.id)",
            placeholders(1, ids.len())
        );
        let params: Vec<Param<'_>> = ids.iter().map(|&id| Param::Int(id)).collect();
        let rows = tx
            .all(&sql, &params, |r| {
                Ok((
                    r.int(0)?,
                    Latest {
                        org: r.int(1)?,
                        system: r.int(2)?,
                        kind: r.text(3)?,
                        version: r.int(4)?,
                        sha256: r.text(5)?,
                    },
                ))
            })
            .await?;
        latest.extend(rows);
    }
    Ok(latest)
}

/// `count` ids for new documents, in increasing order. PostgreSQL takes them from the column's
/// sequence, as an insert without an id would; SQLite gives a new row the largest id plus one,
/// which under the write lock nobody else can take meanwhile.
async fn new_document_ids(
    tx: &mut impl Exec,
    backend: Backend,
    count: usize,
) -> Result<Vec<i64>, StoreError> {
    if count == 0 {
        return Ok(Vec::new());
    }
    let count = i64::try_from(count).unwrap_or(i64::MAX);
    match backend {
        Backend::Postgres => {
            let mut ids = tx
                .all(
                    "SELECT nextval(pg_get_serial_sequence('documents', 'id')) \
                     FROM generate_series(CAST(1 AS BIGINT), CAST($1 AS BIGINT))",
                    &[Param::Int(count)],
                    |r| r.int(0),
                )
                .await?;
            ids.sort_unstable();
            Ok(ids)
        }
        Backend::Sqlite => {
            let last = tx
                .one("SELECT COALESCE(MAX(id), 0) FROM documents", &[], |r| {
                    r.int(0)
                })
                .await?
                .unwrap_or(0);
            Ok((1..=count).map(|n| last + n).collect())
        }
    }
}

async fn insert_documents(
    tx: &mut impl Exec,
    rows: &[Planned<'_>],
    created: &str,
) -> Result<(), StoreError> {
    let new: Vec<_> = rows
        .iter()
        .filter_map(|p| p.new_in.map(|org| (p, org)))
        .collect();
    for chunk in chunks(new.len()) {
        let part = &new[chunk];
        let mut params = Vec::with_capacity(part.len() * 6);
        for (planned, org) in part {
            params.extend([
                Param::Int(planned.document),
                Param::Int(org.0),
                Param::Int(planned.system.0),
                Param::Text(planned.content.kind.as_str()),
                Param::Text(created),
                Param::Text(&planned.content.summary),
            ]);
        }
        let sql = format!(
            "INSERT INTO documents (id, organization_id, system_id, kind, created_at, summary) \
             VALUES {}",
            values(part.len(), 6)
        );
        tx.run(&sql, &params).await?;
    }
    Ok(())
}

async fn insert_versions(
    tx: &mut impl Exec,
    rows: &[Planned<'_>],
    created: &str,
) -> Result<(), StoreError> {
    for chunk in chunks(rows.len()) {
        let part = &rows[chunk];
        let mut params = Vec::with_capacity(part.len() * 10);
        for planned in part {
            let content = planned.content;
            params.extend([
                Param::Int(planned.document),
                Param::Int(planned.version),
                Param::Text(&content.sha256),
                Param::Text(&content.body),
                Param::Text(planned.actor),
                Param::Text(created),
                Param::OptText(content.levels.summary.as_deref()),
                Param::OptText(content.levels.target_sha256.as_deref()),
                Param::OptBlob(content.prepared.as_deref()),
                Param::OptBlob(content.prepared.as_deref().and_then(prepared::key_of)),
            ]);
        }
        let sql = format!(
            "INSERT INTO document_versions (document_id, version, sha256, body, author, \
             created_at, summary, target_sha256, prepared, prepared_key) VALUES {}",
            values(part.len(), 10)
        );
        tx.run(&sql, &params).await?;
    }
    Ok(())
}

/// An updated document keeps the summary of its latest version (the last one a batch wrote).
async fn update_summaries(tx: &mut impl Exec, rows: &[Planned<'_>]) -> Result<(), StoreError> {
    let mut last: HashMap<i64, &str> = HashMap::new();
    for planned in rows.iter().filter(|p| p.new_in.is_none()) {
        last.insert(planned.document, &planned.content.summary);
    }
    let mut updates: Vec<(i64, &str)> = last.into_iter().collect();
    updates.sort_unstable();
    for chunk in chunks(updates.len()) {
        let part = &updates[chunk];
        let mut params = Vec::with_capacity(part.len() * 2);
        let mut cases = String::new();
        for (n, (id, summary)) in part.iter().enumerate() {
            params.extend([Param::Int(*id), Param::Text(summary)]);
            cases.push_str(&format!(
                " WHEN CAST(${} AS BIGINT) THEN CAST(${} AS TEXT)",
                2 * n + 1,
                2 * n + 2
            ));
        }
        let ids: Vec<String> = (0..part.len()).map(|n| format!("${}", 2 * n + 1)).collect();
        let sql = format!(
            "UPDATE documents SET summary = CASE id{cases} END WHERE id IN ({})",
            ids.join(", ")
        );
        tx.run(&sql, &params).await?;
    }
    Ok(())
}

async fn insert_audit_entries(tx: &mut impl Exec, rows: &[Planned<'_>]) -> Result<(), StoreError> {
    for chunk in chunks(rows.len()) {
        let part = &rows[chunk];
        let mut params = Vec::with_capacity(part.len() * 10);
        for planned in part {
            params.extend(audit_values(&planned.audit));
        }
        let sql = format!(
            "INSERT INTO audit_log ({AUDIT_COLUMNS}) VALUES {}",
            values(part.len(), 10)
        );
        tx.run(&sql, &params).await?;
    }
    Ok(())
}

/// `n` rows cut into consecutive ranges of power-of-two lengths, largest first, none longer
/// than [`MAX_ROWS`]: 13 rows are sent as 8, 4 and 1.
fn chunks(n: usize) -> impl Iterator<Item = std::ops::Range<usize>> {
    let mut start = 0;
    std::iter::from_fn(move || {
        let left = n - start;
        if left == 0 {
            return None;
        }
        let len = MAX_ROWS.min(1 << left.ilog2());
        let range = start..start + len;
        start += len;
        Some(range)
    })
}

/// `$first, $first+1, …`: `count` numbered placeholders.
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `($1, …, $cols), ($cols+1, …), …`: the placeholders of `rows` rows.
fn values(rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|row| format!("({})", placeholders(row * cols + 1, cols)))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_go_in_power_of_two_chunks_that_cover_them_once() {
        for n in 0..300 {
            let parts: Vec<_> = chunks(n).collect();
            let mut next = 0;
            for part in &parts {
                assert_eq!(part.start, next, "{n}: contiguous");
                assert!(
                    part.len().is_power_of_two() && part.len() <= MAX_ROWS,
                    "{n}"
                );
                next = part.end;
            }
            assert_eq!(next, n, "{n}: every row once");
            assert!(parts.windows(2).all(|w| w[0].len() >= w[1].len()));
        }
        let sizes: Vec<usize> = chunks(13).map(|r| r.len()).collect();
        assert_eq!(sizes, [8, 4, 1]);
    }

    #[test]
    fn values_number_their_placeholders_row_by_row() {
        assert_eq!(values(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(placeholders(4, 2), "$4, $5");
    }
}
