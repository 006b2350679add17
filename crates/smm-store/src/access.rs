//! What the server needs to decide who may see what, and to list things a page at a time:
//! systems and products with their owning organization, grants of a system to an assessor
//! organization, document listings, the portfolio and the audit log of one organization.
//!
//! These reads take ids, not the caller's organization: the server resolves an object to its
//! owner first and checks the caller's role against it (smm-server's `authz`), then reads.

use std::str::FromStr;

use serde::Serialize;
use sqlx::Row;

use crate::exec::{Cols, Param};
use crate::store::{
    append_audit, name_free, non_empty, now, require_row, stored_columns, stored_document,
};
use crate::{
    AuditEntry, DocumentId, DocumentKind, OrganizationId, Role, Store, StoreError, StoredDocument,
    SystemId,
};

/// A system of interest or a product.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SystemKind {
    /// A system (a plant, a building, a fleet).
    System,
    /// A product, possibly of a product line.
    Product,
}

impl SystemKind {
    /// The word stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            SystemKind::System => "system",
            SystemKind::Product => "product",
        }
    }
}

impl FromStr for SystemKind {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, StoreError> {
        match s {
            "system" => Ok(SystemKind::System),
            "product" => Ok(SystemKind::Product),
            other => Err(StoreError::Invalid(format!(
                "unknown kind `{other}`: expected system or product"
            ))),
        }
    }
}

/// A system or product, with the organization that owns it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SystemInfo {
    /// Its id.
    pub id: SystemId,
    /// The owning organization.
    pub organization: OrganizationId,
    /// Its name, unique in the organization.
    pub name: String,
    /// System or product.
    pub kind: SystemKind,
    /// The product line, for products that belong to one.
    pub line: Option<String>,
    /// When it was created.
    pub created_at: String,
}

/// A document without its body, as lists show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DocumentInfo {
    /// Its id.
    pub id: DocumentId,
    /// Its system.
    pub system: SystemId,
    /// Its kind.
    pub kind: DocumentKind,
    /// The latest version.
    pub version: i64,
    /// The latest version's content digest.
    pub sha256: String,
    /// Who wrote the latest version.
    pub author: String,
    /// When the latest version was written.
    pub updated_at: String,
}

/// Where a document lives, and what its latest version is, as one query finds them
/// ([`Store::document_home`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentHome {
    /// The organization that owns it.
    pub organization: OrganizationId,
    /// Its kind.
    pub kind: DocumentKind,
    /// Its system.
    pub system: SystemInfo,
    /// The latest version's content digest (a document has one version at least).
    pub latest_sha256: String,
}

/// An organization's access to another organization's system.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Grant {
    /// The system.
    pub system: SystemId,
    /// The organization given access.
    pub organization: OrganizationId,
    /// Its name.
    pub organization_name: String,
    /// What its assessors may do there: `assessor` or `viewer`.
    pub role: Role,
    /// Who granted it.
    pub granted_by: String,
}

/// One row of the portfolio: a system with the levels its latest assessment is measured by.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PortfolioRow {
    /// The system.
    pub system: SystemInfo,
    /// Set when the system is another organization's, granted to this one.
    pub granted: Option<GrantedSystem>,
    /// The target profile the latest assessment names by digest (the newest stored version with
    /// that digest, as the gap finds it), with that version's summary; `None` when no stored
    /// target has the digest. For a system not assessed: its latest target profile.
    pub target: Option<(DocumentId, Option<String>)>,
    /// Its latest assessment, with its latest version's summary.
    pub assessment: Option<(DocumentId, Option<String>)>,
}

/// How a system of another organization came into a portfolio.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GrantedSystem {
    /// The name of the organization that owns it.
    pub owner_name: String,
    /// The role granted on it.
    pub role: Role,
}

/// A page of a list: at most `limit` items after the id `after`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    /// Only items whose id (or sequence number) is greater.
    pub after: i64,
    /// At most this many (1 to 500).
    pub limit: i64,
}

impl Page {
    /// The largest page.
    pub const MAX_LIMIT: i64 = 500;

    /// A page, with the limit clamped to 1..=[`Page::MAX_LIMIT`].
    pub fn new(after: i64, limit: i64) -> Page {
        Page {
            after,
            limit: limit.clamp(1, Page::MAX_LIMIT),
        }
    }
}

fn system_from(r: &dyn Cols) -> Result<SystemInfo, StoreError> {
    system_at(r, 0)
}

/// [`system_from`] for columns that start at `at`.
fn system_at(r: &dyn Cols, at: usize) -> Result<SystemInfo, StoreError> {
    Ok(SystemInfo {
        id: SystemId(r.int(at)?),
        organization: OrganizationId(r.int(at + 1)?),
        name: r.text(at + 2)?,
        kind: r.text(at + 3)?.parse()?,
        line: r.opt_text(at + 4)?,
        created_at: r.text(at + 5)?,
    })
}

/// The columns [`system_from`] reads, as a literal that `concat!` can join.
macro_rules! system_columns {
    () => {
        "s.id, s.organization_id, s.name, s.kind, s.line, s.created_at"
    };
}
const SYSTEM_COLUMNS: &str = system_columns!();

impl Store {
    /// Creates a system or a product (optionally of a product line) in an organization.
    pub async fn create_system_of_kind(
        &self,
        actor: &str,
        org: OrganizationId,
        name: &str,
        kind: SystemKind,
        line: Option<&str>,
    ) -> Result<SystemId, StoreError> {
        let name = non_empty(name, "system name")?;
        let line = line.map(|l| non_empty(l, "product line")).transpose()?;
        if line.is_some() && kind != SystemKind::Product {
            return Err(StoreError::Invalid(
                "only a product belongs to a product line".to_string(),
            ));
        }
        let _guard = self.writes.lock().await;
        let mut tx = self.begin_write().await?;
        require_row(&mut tx, "organizations", org.0, "organization").await?;
        name_free(&mut tx, "systems", name, Some(org), "system").await?;
        let row = sqlx::query(
            "INSERT INTO systems (organization_id, name, created_at, kind, line) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(org.0)
        .bind(name)
        .bind(now())
        .bind(kind.as_str())
        .bind(line)
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.try_get(0)?;
        append_audit(
            &mut tx,
            actor,
            Some(org),
            &format!("{}.create", kind.as_str()),
            &format!("system/{id}"),
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(SystemId(id))
    }

    /// A system by id, whoever owns it (the caller checks access).
    pub async fn system(&self, id: SystemId) -> Result<SystemInfo, StoreError> {
        const SQL: &str = concat!(
            "SELECT ",
            system_columns!(),
            " FROM systems s WHERE s.id = $1"
        );
        self.read_one(SQL, &[Param::Int(id.0)], system_from)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("system {}", id.0)))
    }

    /// The systems an organization may see: its own and those granted to it, filtered by kind
    /// and by a part of the name, a page at a time (by id).
    pub async fn systems(
        &self,
        org: OrganizationId,
        kind: Option<SystemKind>,
        name_contains: Option<&str>,
        page: Page,
    ) -> Result<Vec<SystemInfo>, StoreError> {
        let pattern = name_contains.map(|n| {
            format!(
                "%{}%",
                n.replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            )
        });
        let rows = sqlx::query(&format!(
            "SELECT {SYSTEM_COLUMNS} FROM systems s \
             WHERE (s.organization_id = $1 OR EXISTS \
                    (SELECT 1 FROM grants g WHERE g.system_id = s.id AND g.organization_id = $2)) \
               AND ($3 = '' OR s.kind = $4) \
               AND ($5 = '' OR LOWER(s.name) LIKE LOWER($6) ESCAPE '\\') \
               AND s.id > $7 ORDER BY s.id LIMIT $8"
        ))
        .bind(org.0)
        .bind(org.0)
        .bind(kind.map_or("", SystemKind::as_str))
        .bind(kind.map_or("", SystemKind::as_str))
        .bind(pattern.clone().unwrap_or_default())
        .bind(pattern.unwrap_or_default())
        .bind(page.after)
        .bind(page.limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| system_from(r)).collect()
    }

    /// The organization and system a document belongs to, whoever owns it (the caller checks
    /// access before reading the document itself).
    pub async fn document_owner(
        &self,
        id: DocumentId,
    ) -> Result<(OrganizationId, SystemId, DocumentKind), StoreError> {
        let row =
            sqlx::query("SELECT organization_id, system_id, kind FROM documents WHERE id = $1")
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("document {}", id.0)))?;
        Ok((
            OrganizationId(row.try_get(0)?),
            SystemId(row.try_get(1)?),
            row.try_get::<String, _>(2)?.parse()?,
        ))
    }

    /// A document's owner, kind and system, whoever owns it, and its latest version's digest, in
    /// one query: what every access check on a document needs (the caller checks access before
    /// reading the document itself), and what a cache of answers derived from the document is
    /// keyed by, so that a cached answer costs no second query.
    pub async fn document_home(&self, id: DocumentId) -> Result<DocumentHome, StoreError> {
        const SQL: &str = concat!(
            "SELECT ",
            system_columns!(),
            ", d.organization_id, d.kind, \
             (SELECT v.sha256 FROM document_versions v WHERE v.document_id = d.id \
              ORDER BY v.version DESC LIMIT 1) \
             FROM documents d JOIN systems s ON s.id = d.system_id WHERE d.id = $1"
        );
        self.read_one(SQL, &[Param::Int(id.0)], |r| {
            Ok(DocumentHome {
                organization: OrganizationId(r.int(6)?),
                kind: r.text(7)?.parse()?,
                system: system_from(r)?,
                latest_sha256: r.text(8)?,
            })
        })
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("document {}", id.0)))
    }

    /// A system's documents of one kind, newest first when `page.after` is 0 … by id ascending.
    pub async fn documents(
        &self,
        system: SystemId,
        kind: DocumentKind,
        page: Page,
    ) -> Result<Vec<DocumentInfo>, StoreError> {
        let rows = sqlx::query(
            "SELECT d.id, v.version, v.sha256, v.author, v.created_at FROM documents d \
             JOIN document_versions v ON v.document_id = d.id \
             WHERE d.system_id = $1 AND d.kind = $2 AND d.id > $3 \
               AND v.version = (SELECT MAX(version) FROM document_versions WHERE document_id = d.id) \
             ORDER BY d.id LIMIT $4",
        )
        .bind(system.0)
        .bind(kind.as_str())
        .bind(page.after)
        .bind(page.limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(DocumentInfo {
                    id: DocumentId(r.try_get(0)?),
                    system,
                    kind,
                    version: r.try_get(1)?,
                    sha256: r.try_get(2)?,
                    author: r.try_get(3)?,
                    updated_at: r.try_get(4)?,
                })
            })
            .collect()
    }

    /// Every document of these systems, as (id, system, kind), by system, then targets before
    /// assessments, then id: what a page offers to pick from, in one query however many systems.
    pub async fn documents_of(
        &self,
        systems: &[SystemId],
    ) -> Result<Vec<(DocumentId, SystemId, DocumentKind)>, StoreError> {
        if systems.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders: Vec<String> = (1..=systems.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT id, system_id, kind FROM documents WHERE system_id IN ({}) \
             ORDER BY system_id, kind DESC, id",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for system in systems {
            query = query.bind(system.0);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get(2)?;
                Ok((
                    DocumentId(r.try_get(0)?),
                    SystemId(r.try_get(1)?),
                    kind.parse()?,
                ))
            })
            .collect()
    }

    /// The latest document of a kind in a system, if any.
    pub async fn latest_document(
        &self,
        system: SystemId,
        kind: DocumentKind,
    ) -> Result<Option<DocumentId>, StoreError> {
        let row = sqlx::query(
            "SELECT id FROM documents WHERE system_id = $1 AND kind = $2 ORDER BY id DESC LIMIT 1",
        )
        .bind(system.0)
        .bind(kind.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok(DocumentId(r.try_get(0)?))).transpose()
    }

    /// Gives an organization access to a system (replacing an earlier grant to it).
    pub async fn grant(
        &self,
        actor: &str,
        system: SystemId,
        grantee: OrganizationId,
        role: Role,
    ) -> Result<(), StoreError> {
        if !matches!(role, Role::Assessor | Role::Viewer) {
            return Err(StoreError::Invalid(format!(
                "a grant gives `assessor` or `viewer`, not `{}`",
                role.as_str()
            )));
        }
        let owner = self.system(system).await?.organization;
        if owner == grantee {
            return Err(StoreError::Invalid(
                "an organization already has access to its own systems".to_string(),
            ));
        }
        let _guard = self.writes.lock().await;
        let mut tx = self.begin_write().await?;
        require_row(&mut tx, "organizations", grantee.0, "organization").await?;
        sqlx::query("DELETE FROM grants WHERE system_id = $1 AND organization_id = $2")
            .bind(system.0)
            .bind(grantee.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO grants (system_id, organization_id, role, granted_by, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(system.0)
        .bind(grantee.0)
        .bind(role.as_str())
        .bind(actor)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        append_audit(
            &mut tx,
            actor,
            Some(owner),
            &format!("grant.set.{}", role.as_str()),
            &format!("system/{}/organization/{}", system.0, grantee.0),
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes an organization's access to a system away.
    pub async fn revoke_grant(
        &self,
        actor: &str,
        system: SystemId,
        grantee: OrganizationId,
    ) -> Result<(), StoreError> {
        let owner = self.system(system).await?.organization;
        let _guard = self.writes.lock().await;
        let mut tx = self.begin_write().await?;
        let gone = sqlx::query("DELETE FROM grants WHERE system_id = $1 AND organization_id = $2")
            .bind(system.0)
            .bind(grantee.0)
            .execute(&mut *tx)
            .await?;
        if gone.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!(
                "grant of system {} to organization {}",
                system.0, grantee.0
            )));
        }
        append_audit(
            &mut tx,
            actor,
            Some(owner),
            "grant.revoke",
            &format!("system/{}/organization/{}", system.0, grantee.0),
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The grants of a system.
    pub async fn grants(&self, system: SystemId) -> Result<Vec<Grant>, StoreError> {
        let rows = sqlx::query(
            "SELECT g.organization_id, o.name, g.role, g.granted_by FROM grants g \
             JOIN organizations o ON o.id = g.organization_id WHERE g.system_id = $1 ORDER BY o.name",
        )
        .bind(system.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Grant {
                    system,
                    organization: OrganizationId(r.try_get(0)?),
                    organization_name: r.try_get(1)?,
                    role: r.try_get::<String, _>(2)?.parse()?,
                    granted_by: r.try_get(3)?,
                })
            })
            .collect()
    }

    /// The role a grant gives an organization on a system, if it has one.
    pub async fn grant_for(
        &self,
        system: SystemId,
        grantee: OrganizationId,
    ) -> Result<Option<Role>, StoreError> {
        self.read_one(
            "SELECT role FROM grants WHERE system_id = $1 AND organization_id = $2",
            &[Param::Int(system.0), Param::Int(grantee.0)],
            |r| r.text(0)?.parse(),
        )
        .await
    }

    /// Every system an organization sees (its own, then those granted to it), each with its
    /// latest assessment and the target version that assessment names by digest, with their
    /// level summaries: what a portfolio roll-up needs, in one query however many systems.
    pub async fn portfolio(&self, org: OrganizationId) -> Result<Vec<PortfolioRow>, StoreError> {
        let rows = sqlx::query(&portfolio_sql())
            .bind(org.0)
            .bind(org.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let owner: Option<String> = r.try_get(6)?;
                let role: Option<String> = r.try_get(7)?;
                let assessment: Option<i64> = r.try_get(8)?;
                let target: Option<i64> = r.try_get(10)?;
                Ok(PortfolioRow {
                    system: system_from(r)?,
                    granted: match (owner, role) {
                        (Some(owner_name), Some(role)) => Some(GrantedSystem {
                            owner_name,
                            role: role.parse()?,
                        }),
                        _ => None,
                    },
                    target: target
                        .map(|id| Ok::<_, StoreError>((DocumentId(id), r.try_get(11)?)))
                        .transpose()?,
                    assessment: assessment
                        .map(|id| Ok::<_, StoreError>((DocumentId(id), r.try_get(9)?)))
                        .transpose()?,
                })
            })
            .collect()
    }

    /// An organization's entries of the audit log, a page at a time (by sequence number).
    pub async fn audit_page(
        &self,
        org: OrganizationId,
        page: Page,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, at, actor, action, object, before_hash, after_hash, prev_hash, hash, organization_id \
             FROM audit_log WHERE organization_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        )
        .bind(org.0)
        .bind(page.after)
        .bind(page.limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(crate::store::audit_from).collect()
    }

    /// An organization's name.
    pub async fn organization_name(&self, org: OrganizationId) -> Result<String, StoreError> {
        let row = sqlx::query("SELECT name FROM organizations WHERE id = $1")
            .bind(org.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("organization {}", org.0)))?;
        Ok(row.try_get(0)?)
    }

    /// The latest version of a document owned by one of `orgs`, where it lives, and, for an
    /// assessment, the target version [`Store::document_by_digest`] would find for the digest
    /// it names (kept beside it as `target_sha256`): the two documents a gap reads, in one
    /// statement, so a gap on PostgreSQL waits for one round trip. Given the organizations a
    /// caller belongs to, the statement is also the check that the document is theirs, and
    /// a document of any other organization is not found, as one that does not exist.
    /// `None` for the target when no stored version of the system has that digest (or the
    /// document is no assessment).
    ///
    /// A version with a prepared form comes without its text: `body` is empty, and the reader
    /// that cannot read the form (another build's, whose key is not
    /// [`smm_core::document::prepared::key`], or a damaged one) reads the version again with
    /// [`Store::document`].
    /// The text is most of a version's bytes, and on PostgreSQL it is stored apart from the row
    /// (TOAST): leaving it out spares a read of its pages for each document.
    pub async fn document_with_named_target(
        &self,
        orgs: &[OrganizationId],
        id: DocumentId,
    ) -> Result<(DocumentHome, StoredDocument, Option<StoredDocument>), StoreError> {
        let not_found = || StoreError::NotFound(format!("document {}", id.0));
        if orgs.is_empty() {
            return Err(not_found());
        }
        // Each branch is a lookup by index that reads one row; the second finds the first's
        // organization, system and named digest once. Placeholders are numbered in the order
        // they appear, as SQLite binds them.
        let owners = |first: usize| {
            (first..first + orgs.len())
                .map(|n| format!("${n}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let n = orgs.len();
        // A version's columns, its text left out (empty) when it has a prepared form. The
        // reader checks the form's key and reads a version whose form is another build's or
        // damaged again whole (`from_read` in the server). Checking the key here, with
        // `substr(v.prepared, 1, 12)`, made PostgreSQL fetch each form from its TOAST table
        // twice, once to compare and once to send it: 12% of this statement's time
        // (docs/performance.md, session 25).
        macro_rules! columns {
            () => {
                stored_columns!("CASE WHEN v.prepared IS NULL THEN v.body ELSE '' END")
            };
        }
        let sql = format!(
            concat!(
                "SELECT * FROM (SELECT 0 AS part, ",
                system_columns!(),
                ", d.organization_id, ",
                columns!(),
                " FROM documents d JOIN systems s ON s.id = d.system_id \
                 JOIN document_versions v ON v.document_id = d.id \
                 WHERE d.id = $1 AND d.organization_id IN ({owners}) \
                 ORDER BY v.version DESC LIMIT 1) a \
                 UNION ALL \
                 SELECT * FROM (SELECT 1 AS part, CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), \
                   CAST(NULL AS TEXT), CAST(NULL AS TEXT), CAST(NULL AS TEXT), \
                   CAST(NULL AS TEXT), CAST(NULL AS BIGINT), ",
                columns!(),
                " FROM documents d JOIN document_versions v ON v.document_id = d.id \
                 WHERE d.kind = 'TargetProfile' \
                   AND (d.organization_id, d.system_id, v.sha256) = \
                     (SELECT a.organization_id, a.system_id, av.target_sha256 \
                      FROM documents a JOIN document_versions av ON av.document_id = a.id \
                      WHERE a.id = ${id_again} AND a.organization_id IN ({owners_again}) \
                        AND a.kind = 'Assessment' \
                      ORDER BY av.version DESC LIMIT 1) \
                 ORDER BY d.id DESC, v.version DESC LIMIT 1) t"
            ),
            owners = owners(2),
            id_again = n + 2,
            owners_again = owners(n + 3),
        );
        let mut params = Vec::with_capacity(2 * n + 2);
        params.push(Param::Int(id.0));
        params.extend(orgs.iter().map(|o| Param::Int(o.0)));
        params.push(Param::Int(id.0));
        params.extend(orgs.iter().map(|o| Param::Int(o.0)));
        let rows = self
            .read_all(&sql, &params, |r| {
                let part = r.int(0)?;
                let home = if part == 0 {
                    Some((system_at(r, 1)?, OrganizationId(r.int(7)?)))
                } else {
                    None
                };
                Ok((home, stored_document(r, 8)?))
            })
            .await?;
        let (mut document, mut target) = (None, None);
        for (home, stored) in rows {
            match home {
                Some((system, organization)) => {
                    let home = DocumentHome {
                        organization,
                        kind: stored.kind,
                        system,
                        latest_sha256: stored.sha256.clone(),
                    };
                    document = Some((home, stored));
                }
                None => target = Some(stored),
            }
        }
        let (home, document) = document.ok_or_else(not_found)?;
        Ok((home, document, target))
    }

    /// The newest document version of a kind in a system of the organization with this content
    /// digest (how an assessment finds the target it was made against), read whole.
    pub async fn document_by_digest(
        &self,
        org: OrganizationId,
        system: SystemId,
        kind: DocumentKind,
        sha256: &str,
    ) -> Result<Option<StoredDocument>, StoreError> {
        self.read_one(
            concat!(
                "SELECT ",
                stored_columns!(),
                " FROM documents d JOIN document_versions v ON v.document_id = d.id \
                 WHERE d.system_id = $1 AND d.kind = $2 AND v.sha256 = $3 \
                   AND d.organization_id = $4 \
                 ORDER BY d.id DESC, v.version DESC LIMIT 1"
            ),
            &[
                Param::Int(system.0),
                Param::Text(kind.as_str()),
                Param::Text(sha256),
                Param::Int(org.0),
            ],
            |r| stored_document(r, 0),
        )
        .await
    }
}

/// The portfolio's query: the systems an organization sees (its own, then those granted to
/// it), each with its standing as its row keeps it (`standing`): one row read per system.
fn portfolio_sql() -> String {
    format!(
        "SELECT {SYSTEM_COLUMNS}, s.owner, s.granted, {} FROM \
         (SELECT s.*, NULL AS owner, NULL AS granted FROM systems s \
            WHERE s.organization_id = $1 \
          UNION ALL \
          SELECT s.*, o.name, g.role FROM grants g \
            JOIN systems s ON s.id = g.system_id \
            JOIN organizations o ON o.id = s.organization_id \
            WHERE g.organization_id = $2) s \
         ORDER BY s.id",
        crate::standing::COLUMNS
    )
}
