//! The store: one API over SQLite and PostgreSQL (sqlx's `Any` driver, with the same SQL for
//! both and a migration set for each).

use std::str::FromStr;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use sqlx::any::{install_default_drivers, AnyPoolOptions};
use sqlx::{AnyPool, Row};

use smm_core::{CheckedDocument, CheckedKind};

use crate::audit::{AuditEntry, AuditReport, ChainCheck, GENESIS};
use crate::direct::Direct;
use crate::evidence::EvidenceType;
use crate::exec::{Cols, Exec, Param};
use crate::group_commit::{Content, DocumentWrite, GroupCommit, GroupedWrites, Target};
use crate::StoreError;

/// Which database is behind the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Backend {
    /// An SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// An organization's id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct OrganizationId(pub i64);
/// A system's id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct SystemId(pub i64);
/// A document's id (all its versions share it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct DocumentId(pub i64);

/// The kinds of stored document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum DocumentKind {
    /// A target profile.
    TargetProfile,
    /// An assessment.
    Assessment,
    /// A system's loss scenarios (migration 0016 admits the kind).
    RiskScenarios,
}

impl DocumentKind {
    /// The word stored and shown (the document's `kind`).
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::TargetProfile => "TargetProfile",
            DocumentKind::Assessment => "Assessment",
            DocumentKind::RiskScenarios => "RiskScenarios",
        }
    }
}

impl From<CheckedKind> for DocumentKind {
    fn from(kind: CheckedKind) -> Self {
        match kind {
            CheckedKind::TargetProfile => DocumentKind::TargetProfile,
            CheckedKind::Assessment => DocumentKind::Assessment,
            CheckedKind::RiskScenarios => DocumentKind::RiskScenarios,
        }
    }
}

impl FromStr for DocumentKind {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, StoreError> {
        match s {
            "TargetProfile" => Ok(DocumentKind::TargetProfile),
            "Assessment" => Ok(DocumentKind::Assessment),
            "RiskScenarios" => Ok(DocumentKind::RiskScenarios),
            other => Err(StoreError::Invalid(format!(
                "unknown document kind `{other}`"
            ))),
        }
    }
}

/// A pooled PostgreSQL connection idle this long is pinged before it is used again.
const PING_WHEN_IDLE: std::time::Duration = std::time::Duration::from_secs(1);

/// One version of a document, as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoredDocument {
    /// The document.
    pub id: DocumentId,
    /// Its system.
    pub system: SystemId,
    /// Its kind.
    pub kind: DocumentKind,
    /// This version's number (1, 2, …).
    pub version: i64,
    /// Content digest (as `smm digest` prints it).
    pub sha256: String,
    /// The YAML exactly as submitted.
    pub body: String,
    /// Who stored this version.
    pub author: String,
    /// When.
    pub created_at: String,
    /// The document as parsed, in its prepared form ([`smm_core::document::prepared`]), when
    /// the version was stored with one: a reader takes it instead of parsing `body`. Never part
    /// of what is shown of a document.
    #[serde(skip)]
    pub prepared: Option<Vec<u8>>,
}

/// The columns of a [`StoredDocument`], of `documents d` joined with `document_versions v`, in
/// the order [`stored_document`] reads them: a literal, so statements built with `concat!` are
/// written once at compile time, not on every read. With an argument, that expression stands
/// in for the text (`v.body`).
macro_rules! stored_columns {
    () => {
        $crate::store::stored_columns!("v.body")
    };
    ($text:literal) => {
        concat!(
            "d.id, d.system_id, d.kind, v.version, v.sha256, ",
            $text,
            ", v.author, v.created_at, v.prepared"
        )
    };
}
pub(crate) use stored_columns;

/// A [`StoredDocument`] from [`stored_columns!`], the first of them at column `at`.
pub(crate) fn stored_document(r: &dyn Cols, at: usize) -> Result<StoredDocument, StoreError> {
    Ok(StoredDocument {
        id: DocumentId(r.int(at)?),
        system: SystemId(r.int(at + 1)?),
        kind: r.text(at + 2)?.parse()?,
        version: r.int(at + 3)?,
        sha256: r.text(at + 4)?,
        body: r.text(at + 5)?,
        author: r.text(at + 6)?,
        created_at: r.text(at + 7)?,
        prepared: r.opt_blob(at + 8)?,
    })
}

/// A version, without its body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VersionInfo {
    /// Version number.
    pub version: i64,
    /// Content digest.
    pub sha256: String,
    /// Who.
    pub author: String,
    /// When.
    pub created_at: String,
}

/// The store.
pub struct Store {
    pub(crate) pool: AnyPool,
    backend: Backend,
    /// The write lock, and the queue of document writes that share transactions.
    pub(crate) writes: GroupCommit,
    /// The store's own connections to its SQLite file, for the statements every request makes
    /// (none on PostgreSQL, or for an SQLite database in memory).
    direct: Option<Arc<Direct>>,
}

/// The advisory lock key that serializes writers on PostgreSQL.
const WRITE_LOCK: i64 = 0x534d_4d57; // "SMMW"

impl Store {
    /// Opens (and creates, for SQLite) the database at `url`, and brings its schema up to date.
    /// `sqlite://path/smm.db` or `postgres://user@host/db`.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::Invalid(format!(
                "unsupported database URL `{url}`: use sqlite://FILE or postgres://…"
            )));
        };
        let url = match backend {
            // Create the file if needed, private to this user (see `create_private_file`);
            // WAL lets readers work while a write commits.
            Backend::Sqlite if !url.contains('?') => {
                if let Some(path) = crate::files::sqlite_file(url) {
                    crate::files::create_private_file(&path)
                        .map_err(|source| StoreError::File { path, source })?;
                }
                format!("{url}?mode=rwc")
            }
            _ => url.to_string(),
        };
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 16 })
            // A PostgreSQL connection that sat idle is pinged before use, which catches one the
            // database dropped (a restart, a firewall's idle timeout). One in use a moment ago
            // is not: a ping before every use doubled the round trips of a gap's five queries.
            // An SQLite connection is a file handle that cannot go stale.
            .test_before_acquire(false)
            .before_acquire(move |conn, meta| {
                Box::pin(async move {
                    if backend == Backend::Postgres && meta.idle_for >= PING_WHEN_IDLE {
                        sqlx::Connection::ping(conn).await?;
                    }
                    Ok(true)
                })
            })
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        sqlx::query("PRAGMA journal_mode = WAL")
                            .execute(&mut *conn)
                            .await?;
                        sqlx::query("PRAGMA foreign_keys = ON")
                            .execute(&mut *conn)
                            .await?;
                        sqlx::query("PRAGMA busy_timeout = 10000")
                            .execute(&mut *conn)
                            .await?;
                        sqlx::query("PRAGMA synchronous = FULL")
                            .execute(&mut *conn)
                            .await?;
                    } else {
                        // The store's statements are lookups of a few rows. A parallel plan
                        // starts worker processes for each (15-20 ms on a 2-core machine, more
                        // than the query), so its searches never get one (docs/performance.md).
                        sqlx::query("SET max_parallel_workers_per_gather = 0")
                            .execute(&mut *conn)
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        crate::migrations::migrator(backend)
            .await?
            .run(&pool)
            .await?;
        let direct = match crate::files::sqlite_file(&url) {
            Some(path) if backend == Backend::Sqlite => Some(Arc::new(Direct::open(&path)?)),
            _ => None,
        };
        let store = Store {
            pool,
            backend,
            writes: GroupCommit::new(),
            direct,
        };
        // Attestations stored before the register existed join it once, here; afterwards
        // each is added in the transaction that stores it, and this finds nothing to do.
        store.fill_register().await?;
        // Likewise each system's standing (what the portfolio reads), once.
        store.fill_standings().await?;
        Ok(store)
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// How many document writes were committed, in how many transactions, since the store
    /// opened (concurrent writes share one: see `group_commit`).
    pub fn grouped_writes(&self) -> GroupedWrites {
        self.writes.counts()
    }

    /// Creates an organization.
    pub async fn create_organization(
        &self,
        actor: &str,
        name: &str,
    ) -> Result<OrganizationId, StoreError> {
        let name = non_empty(name, "organization name")?;
        let _guard = self.writes.lock().await;
        let mut tx = self.begin_write().await?;
        name_free(&mut tx, "organizations", name, None, "organization").await?;
        let row = sqlx::query(
            "INSERT INTO organizations (name, created_at) VALUES ($1, $2) RETURNING id",
        )
        .bind(name)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.try_get(0)?;
        append_audit(
            &mut tx,
            actor,
            Some(OrganizationId(id)),
            "organization.create",
            &format!("organization/{id}"),
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(OrganizationId(id))
    }

    /// Creates a system of interest in an organization.
    pub async fn create_system(
        &self,
        actor: &str,
        org: OrganizationId,
        name: &str,
    ) -> Result<SystemId, StoreError> {
        self.create_system_of_kind(actor, org, name, crate::SystemKind::System, None)
            .await
    }

    /// Stores a new document (version 1) in a system of the organization: its text exactly as
    /// submitted, with the digest and level summary the check computed (the store never parses
    /// a document).
    pub async fn create_document(
        &self,
        actor: &str,
        org: OrganizationId,
        system: SystemId,
        document: &CheckedDocument,
    ) -> Result<StoredDocument, StoreError> {
        let write = DocumentWrite::Create {
            actor: actor.to_string(),
            org,
            system,
            content: Content::of(document),
        };
        self.writes.write(self.write_target(), write).await
    }

    /// Stores a new version of a document, if `if_version` is still its latest version;
    /// otherwise [`StoreError::Conflict`] and nothing is written. The kind may not change.
    pub async fn update_document(
        &self,
        actor: &str,
        org: OrganizationId,
        id: DocumentId,
        if_version: i64,
        document: &CheckedDocument,
    ) -> Result<StoredDocument, StoreError> {
        let write = DocumentWrite::Update {
            actor: actor.to_string(),
            org,
            id,
            if_version,
            content: Content::of(document),
        };
        self.writes.write(self.write_target(), write).await
    }

    /// A document of the organization: its latest version, or the one asked for.
    pub async fn document(
        &self,
        org: OrganizationId,
        id: DocumentId,
        version: Option<i64>,
    ) -> Result<StoredDocument, StoreError> {
        let wanted = version.unwrap_or(-1);
        self.read_one(
            concat!(
                "SELECT ",
                stored_columns!(),
                " FROM documents d JOIN document_versions v ON v.document_id = d.id \
                 WHERE d.id = $1 AND d.organization_id = $2 AND ($3 < 0 OR v.version = $4) \
                 ORDER BY v.version DESC LIMIT 1"
            ),
            &[
                Param::Int(id.0),
                Param::Int(org.0),
                Param::Int(wanted),
                Param::Int(wanted),
            ],
            |r| stored_document(r, 0),
        )
        .await?
        .ok_or_else(|| match version {
            Some(v) => StoreError::NotFound(format!("version {v} of document {}", id.0)),
            None => StoreError::NotFound(format!("document {}", id.0)),
        })
    }

    /// Every version of a document of the organization, oldest first.
    pub async fn versions(
        &self,
        org: OrganizationId,
        id: DocumentId,
    ) -> Result<Vec<VersionInfo>, StoreError> {
        let rows = sqlx::query(
            "SELECT v.version, v.sha256, v.author, v.created_at FROM documents d \
             JOIN document_versions v ON v.document_id = d.id \
             WHERE d.id = $1 AND d.organization_id = $2 ORDER BY v.version",
        )
        .bind(id.0)
        .bind(org.0)
        .fetch_all(&self.pool)
        .await?;
        if rows.is_empty() {
            return Err(StoreError::NotFound(format!("document {}", id.0)));
        }
        rows.iter()
            .map(|r| {
                Ok(VersionInfo {
                    version: r.try_get(0)?,
                    sha256: r.try_get(1)?,
                    author: r.try_get(2)?,
                    created_at: r.try_get(3)?,
                })
            })
            .collect()
    }

    /// Stores an evidence file uploaded to a system (once per content in its organization) and
    /// returns its SHA-256. The file is served through that system only (see `evidence`); the
    /// same bytes uploaded to a second system are linked there too, not stored again.
    pub async fn put_evidence(
        &self,
        actor: &str,
        org: OrganizationId,
        system: SystemId,
        declared_type: &str,
        bytes: &[u8],
    ) -> Result<String, StoreError> {
        let kind = EvidenceType::check(declared_type, bytes)?;
        let sha256 = smm_core::digest::sha256_hex(bytes);
        let _guard = self.writes.lock().await;
        let mut tx = self.begin_write().await?;
        let owner = sqlx::query("SELECT organization_id FROM systems WHERE id = $1")
            .bind(system.0)
            .fetch_optional(&mut *tx)
            .await?;
        match owner {
            Some(row) if row.try_get::<i64, _>(0)? == org.0 => {}
            _ => return Err(StoreError::NotFound(format!("system {}", system.0))),
        }
        let exists =
            sqlx::query("SELECT size FROM evidence WHERE organization_id = $1 AND sha256 = $2")
                .bind(org.0)
                .bind(&sha256)
                .fetch_optional(&mut *tx)
                .await?;
        let at = now();
        if exists.is_none() {
            sqlx::query(
                "INSERT INTO evidence (organization_id, sha256, media_type, size, content, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(org.0)
            .bind(&sha256)
            .bind(kind.media_type())
            .bind(i64::try_from(bytes.len()).unwrap_or(i64::MAX))
            .bind(bytes.to_vec())
            .bind(&at)
            .execute(&mut *tx)
            .await?;
        }
        let linked =
            sqlx::query("SELECT 1 FROM evidence_links WHERE system_id = $1 AND sha256 = $2")
                .bind(system.0)
                .bind(&sha256)
                .fetch_optional(&mut *tx)
                .await?;
        if linked.is_none() {
            sqlx::query(
                "INSERT INTO evidence_links (organization_id, system_id, sha256, created_at) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(org.0)
            .bind(system.0)
            .bind(&sha256)
            .bind(&at)
            .execute(&mut *tx)
            .await?;
            append_audit(
                &mut tx,
                actor,
                Some(org),
                "evidence.upload",
                &format!("systems/{}/evidence/{sha256}", system.0),
                None,
                Some(&sha256),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(sha256)
    }

    /// An evidence file uploaded to the system: its media type and bytes. A file of the same
    /// organization uploaded only to another system is not found here.
    pub async fn evidence(
        &self,
        org: OrganizationId,
        system: SystemId,
        sha256: &str,
    ) -> Result<(String, Vec<u8>), StoreError> {
        let row = sqlx::query(
            "SELECT e.media_type, e.content FROM evidence_links l \
             JOIN evidence e ON e.organization_id = l.organization_id AND e.sha256 = l.sha256 \
             WHERE l.system_id = $1 AND l.organization_id = $2 AND l.sha256 = $3",
        )
        .bind(system.0)
        .bind(org.0)
        .bind(sha256)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("evidence {sha256}")))?;
        Ok((row.try_get(0)?, row.try_get(1)?))
    }

    /// The whole audit log, in order.
    pub async fn audit_entries(&self) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, at, actor, action, object, before_hash, after_hash, prev_hash, hash, organization_id \
             FROM audit_log ORDER BY seq",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(audit_from).collect()
    }

    /// Checks the audit log's chain.
    pub async fn verify_audit(&self) -> Result<AuditReport, StoreError> {
        self.check_audit(ChainCheck::default()).await
    }

    /// Runs `check` over the whole log, read in `seq` order a batch at a time so memory stays
    /// flat however long the log grows.
    pub async fn check_audit(&self, check: ChainCheck) -> Result<AuditReport, StoreError> {
        let mut conn = self.pool.acquire().await?;
        check_audit_on(&mut conn, check).await
    }

    /// Checks the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes every connection (after the last write, on shutdown).
    pub async fn close(&self) {
        if let Some(direct) = &self.direct {
            direct.close();
        }
        self.pool.close().await;
    }

    /// Where the group commit writes.
    fn write_target(&self) -> Target {
        match &self.direct {
            Some(direct) => Target::Direct(Arc::clone(direct)),
            None => Target::Pool {
                pool: self.pool.clone(),
                backend: self.backend,
            },
        }
    }

    /// The first row of a read, mapped; on SQLite with a file, on this thread (see
    /// [`crate::direct`]).
    pub(crate) async fn read_one<T: Send>(
        &self,
        sql: &str,
        params: &[Param<'_>],
        map: impl FnOnce(&dyn Cols) -> Result<T, StoreError> + Send,
    ) -> Result<Option<T>, StoreError> {
        match &self.direct {
            Some(direct) => direct.read(|conn| crate::exec::sqlite_one(conn, sql, params, map)),
            None => self.pool.acquire().await?.one(sql, params, map).await,
        }
    }

    /// Every row of a read, mapped; on SQLite with a file, on this thread.
    pub(crate) async fn read_all<T: Send>(
        &self,
        sql: &str,
        params: &[Param<'_>],
        map: impl FnMut(&dyn Cols) -> Result<T, StoreError> + Send,
    ) -> Result<Vec<T>, StoreError> {
        match &self.direct {
            Some(direct) => direct.read(|conn| crate::exec::sqlite_all(conn, sql, params, map)),
            None => self.pool.acquire().await?.all(sql, params, map).await,
        }
    }

    /// The pool, for tests and tools that inspect the database directly.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub(crate) async fn begin_write(&self) -> Result<sqlx::Transaction<'_, sqlx::Any>, StoreError> {
        begin_write_on(&self.pool, self.backend).await
    }
}

/// Begins a write transaction (the caller holds the process's write lock).
pub(crate) async fn begin_write_on(
    pool: &AnyPool,
    backend: Backend,
) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
    match backend {
        // IMMEDIATE takes SQLite's write lock now, waiting (busy_timeout) while another
        // connection holds it. A deferred BEGIN takes it only at the first write, after the
        // transaction has read; if another connection wrote in between (a session, a failed
        // login, `smm admin` in another process), SQLite cannot wait and fails the write at
        // once with "database is locked".
        Backend::Sqlite => Ok(pool.begin_with("BEGIN IMMEDIATE").await?),
        Backend::Postgres => {
            let mut tx = pool.begin().await?;
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(WRITE_LOCK)
                .execute(&mut *tx)
                .await?;
            Ok(tx)
        }
    }
}

pub(crate) fn non_empty<'a>(text: &'a str, what: &str) -> Result<&'a str, StoreError> {
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed.len() > 200 {
        Err(StoreError::Invalid(format!(
            "{what} must be 1 to 200 characters"
        )))
    } else {
        Ok(trimmed)
    }
}

/// Fails with [`StoreError::NotFound`] unless `table` (one of ours, never user input) has a row
/// with this id.
pub(crate) async fn require_row(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    table: &'static str,
    id: i64,
    what: &str,
) -> Result<(), StoreError> {
    let row = sqlx::query(&format!("SELECT id FROM {table} WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    match row {
        Some(_) => Ok(()),
        None => Err(StoreError::NotFound(format!("{what} {id}"))),
    }
}

/// Fails with [`StoreError::Exists`] if `table` (one of ours) already has `name`, within the
/// organization when one is given.
pub(crate) async fn name_free(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    table: &'static str,
    name: &str,
    org: Option<OrganizationId>,
    what: &str,
) -> Result<(), StoreError> {
    let row = match org {
        Some(org) => {
            sqlx::query(&format!(
                "SELECT id FROM {table} WHERE name = $1 AND organization_id = $2"
            ))
            .bind(name)
            .bind(org.0)
            .fetch_optional(&mut **tx)
            .await?
        }
        None => {
            sqlx::query(&format!("SELECT id FROM {table} WHERE name = $1"))
                .bind(name)
                .fetch_optional(&mut **tx)
                .await?
        }
    };
    match row {
        Some(_) => Err(StoreError::Exists(format!("{what} `{name}`"))),
        None => Ok(()),
    }
}

pub(crate) async fn append_audit(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    actor: &str,
    org: Option<OrganizationId>,
    action: &str,
    object: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> Result<(), StoreError> {
    let mut head = audit_head(&mut **tx).await?;
    let entry = head.next(actor, org, action, object, before, after);
    insert_audit(&mut **tx, &entry).await
}

/// The audit log's last entry as a writer holding the write lock sees it: where the next entry
/// chains on.
pub(crate) struct AuditHead {
    seq: i64,
    hash: String,
}

impl AuditHead {
    /// The entry that follows, with its hash; the head moves onto it. A batch of writes chains
    /// its entries here, reading the log's head once.
    pub(crate) fn next(
        &mut self,
        actor: &str,
        org: Option<OrganizationId>,
        action: &str,
        object: &str,
        before: Option<&str>,
        after: Option<&str>,
    ) -> AuditEntry {
        let mut entry = AuditEntry {
            seq: self.seq + 1,
            at: now(),
            actor: actor.to_string(),
            organization: org.map(|o| o.0),
            action: action.to_string(),
            object: object.to_string(),
            before_hash: before.map(str::to_string),
            after_hash: after.map(str::to_string),
            prev_hash: std::mem::take(&mut self.hash),
            hash: String::new(),
        };
        entry.hash = entry.expected_hash();
        self.seq = entry.seq;
        self.hash.clone_from(&entry.hash);
        entry
    }
}

/// Reads the audit log's head (under the write lock, so nobody appends meanwhile).
pub(crate) async fn audit_head(tx: &mut impl Exec) -> Result<AuditHead, StoreError> {
    let last = tx
        .one(
            "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
            &[],
            |r| Ok((r.int(0)?, r.text(1)?)),
        )
        .await?;
    Ok(match last {
        Some((seq, hash)) => AuditHead { seq, hash },
        None => AuditHead {
            seq: 0,
            hash: GENESIS.to_string(),
        },
    })
}

/// The columns of an audit entry's row, in the order [`audit_values`] gives its values; a macro
/// so that the single insert's statement is a constant, not formatted on every audited action.
macro_rules! audit_columns {
    () => {
        "seq, at, actor, action, object, before_hash, after_hash, prev_hash, hash, organization_id"
    };
}

/// The columns of an audit entry's row, in this order, and its values as [`audit_values`] gives
/// them.
pub(crate) const AUDIT_COLUMNS: &str = audit_columns!();

/// An audit entry's values, in the order of [`AUDIT_COLUMNS`].
pub(crate) fn audit_values(entry: &AuditEntry) -> [Param<'_>; 10] {
    [
        Param::Int(entry.seq),
        Param::Text(&entry.at),
        Param::Text(&entry.actor),
        Param::Text(&entry.action),
        Param::Text(&entry.object),
        Param::OptText(entry.before_hash.as_deref()),
        Param::OptText(entry.after_hash.as_deref()),
        Param::Text(&entry.prev_hash),
        Param::Text(&entry.hash),
        Param::OptInt(entry.organization),
    ]
}

/// Writes an entry made by [`AuditHead::next`].
pub(crate) async fn insert_audit(tx: &mut impl Exec, entry: &AuditEntry) -> Result<(), StoreError> {
    const SQL: &str = concat!(
        "INSERT INTO audit_log (",
        audit_columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    );
    tx.run(SQL, &audit_values(entry)).await?;
    Ok(())
}

/// An audit entry from a row of `seq, at, actor, action, object, before_hash, after_hash,
/// prev_hash, hash, organization_id`.
/// Runs `check` over the log as `conn` sees it (a backup's snapshot reads it inside the
/// snapshot's transaction), a batch at a time.
pub(crate) async fn check_audit_on(
    conn: &mut sqlx::AnyConnection,
    mut check: ChainCheck,
) -> Result<AuditReport, StoreError> {
    const BATCH: i64 = 5_000;
    let mut after = 0i64;
    loop {
        let rows = sqlx::query(
            "SELECT seq, at, actor, action, object, before_hash, after_hash, prev_hash, hash, organization_id \
             FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after)
        .bind(BATCH)
        .fetch_all(&mut *conn)
        .await?;
        for row in &rows {
            let entry = audit_from(row)?;
            after = entry.seq;
            check.push(&entry);
        }
        if (rows.len() as i64) < BATCH {
            return Ok(check.finish());
        }
    }
}

pub(crate) fn audit_from(r: &sqlx::any::AnyRow) -> Result<AuditEntry, StoreError> {
    Ok(AuditEntry {
        seq: r.try_get(0)?,
        at: r.try_get(1)?,
        actor: r.try_get(2)?,
        action: r.try_get(3)?,
        object: r.try_get(4)?,
        before_hash: r.try_get(5)?,
        after_hash: r.try_get(6)?,
        prev_hash: r.try_get(7)?,
        hash: r.try_get(8)?,
        organization: r.try_get(9)?,
    })
}

/// Now, as RFC 3339 UTC with milliseconds.
pub(crate) fn now() -> String {
    let elapsed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let secs = i64::try_from(elapsed.as_secs()).unwrap_or(0);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = smm_core::calendar::civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        elapsed.subsec_millis()
    )
}
