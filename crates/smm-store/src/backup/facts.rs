//! What a store holds, in numbers a restore can be checked against, and the public parts of its
//! keys, all read through one connection so that a backup reads them inside its snapshot.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};

use smm_cert::tlog::merkle;

use crate::audit::{hex_of, ChainCheck, GENESIS};
use crate::issuers::{key_from, SigningKeyRecord, KEY_COLUMNS};
use crate::{Backend, StoreError};

/// The facts of a store that a complete restore reproduces exactly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreFacts {
    /// The latest migration applied (its version number).
    pub migration: i64,
    /// Rows in every table of the schema, by table name.
    pub tables: BTreeMap<String, i64>,
    /// The audit log's head and whether its chain verified.
    pub audit: AuditHead,
    /// The transparency log's size and root.
    pub transparency_log: LogHead,
}

/// The audit log as read: its last entry, the Merkle root of all entries, and every break found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditHead {
    /// Entries read.
    pub entries: u64,
    /// The last entry's sequence number (0 for an empty log).
    pub last_seq: i64,
    /// The last entry's hash (the genesis hash for an empty log).
    pub head: String,
    /// The Merkle root of the entries (what an audit checkpoint of this size signs), hex.
    pub root: String,
    /// Every break in the chain; empty when it verified.
    pub problems: Vec<String>,
}

impl AuditHead {
    /// Whether the chain verified.
    pub fn intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// The transparency log's size and the root of its tree (RFC 9162), hex.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogHead {
    /// Entries.
    pub size: u64,
    /// The root of the tree of those entries.
    pub root: String,
}

/// The public part of every key the store holds: what it takes to verify certificates and the
/// log's checkpoints from a backup alone, without any private key.
#[derive(Clone, Debug, Serialize)]
pub struct PublicKeys {
    /// Organizations' signing keys, in the order kept.
    pub signing_keys: Vec<PublicSigningKey>,
    /// The transparency log's keys.
    pub log_keys: Vec<PublicLogKey>,
}

/// An organization's signing key without its sealed private part.
#[derive(Clone, Debug, Serialize)]
pub struct PublicSigningKey {
    /// The organization's name.
    pub organization_name: String,
    /// The signature algorithm (every key the server makes or imports is Ed25519).
    pub algorithm: &'static str,
    /// Where the key stands: active, retired or revoked.
    pub life: &'static str,
    /// The key as kept, public key (SubjectPublicKeyInfo PEM) and dates included.
    #[serde(flatten)]
    pub record: SigningKeyRecord,
}

/// A transparency log's public key.
#[derive(Clone, Debug, Serialize)]
pub struct PublicLogKey {
    /// The log's name.
    pub origin: String,
    /// Its public key, as kept.
    pub public_key: String,
    /// When it was made.
    pub created_at: String,
}

/// Reads the facts through `conn`, inside whatever transaction it holds.
pub(crate) async fn read(
    conn: &mut AnyConnection,
    backend: Backend,
) -> Result<StoreFacts, StoreError> {
    let migration: i64 =
        sqlx::query("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?;
    Ok(StoreFacts {
        migration,
        tables: table_counts(conn, backend).await?,
        audit: audit_head(conn).await?,
        transparency_log: log_head(conn).await?,
    })
}

/// Rows per table, for every table of the schema: any table a restore lost or cut short shows.
async fn table_counts(
    conn: &mut AnyConnection,
    backend: Backend,
) -> Result<BTreeMap<String, i64>, StoreError> {
    let list = match backend {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT CAST(tablename AS TEXT) FROM pg_catalog.pg_tables \
             WHERE schemaname = current_schema() ORDER BY tablename"
        }
    };
    let names: Vec<String> = sqlx::query(list)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    let mut counts = BTreeMap::new();
    for name in names {
        // The names come from the catalog; quoting them is safe only for plain identifiers.
        if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(StoreError::Corrupt(format!(
                "unexpected table name {name:?} in the schema"
            )));
        }
        let count: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM \"{name}\""))
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?;
        counts.insert(name, count);
    }
    Ok(counts)
}

/// The audit chain checked whole, and its head.
async fn audit_head(conn: &mut AnyConnection) -> Result<AuditHead, StoreError> {
    let report = crate::store::check_audit_on(conn, ChainCheck::default()).await?;
    let last = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut *conn)
        .await?;
    let (last_seq, head) = match last {
        Some(row) => (row.try_get(0)?, row.try_get(1)?),
        None => (0, GENESIS.to_string()),
    };
    Ok(AuditHead {
        entries: report.entries as u64,
        last_seq,
        head,
        root: hex_of(&report.root),
        problems: report.problems,
    })
}

/// The transparency log's size and the root its stored subtree hashes give.
async fn log_head(conn: &mut AnyConnection) -> Result<LogHead, StoreError> {
    let size: i64 = sqlx::query(crate::tlog::SIZE)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    let size = u64::try_from(size).map_err(|_| StoreError::Corrupt("log size".into()))?;
    let nodes = merkle::root_nodes(size);
    let hashes = crate::tlog::read_hashes(&mut *conn, &nodes).await?;
    let root = merkle::root(&hashes, size).map_err(|e| {
        StoreError::Corrupt(format!("the transparency log's root at size {size}: {e}"))
    })?;
    Ok(LogHead {
        size,
        root: hex_of(&root),
    })
}

/// The public part of every key, read through `conn`.
pub(crate) async fn public_keys(conn: &mut AnyConnection) -> Result<PublicKeys, StoreError> {
    let names: BTreeMap<i64, String> = sqlx::query("SELECT id, name FROM organizations")
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect::<Result<_, sqlx::Error>>()?;
    let rows = sqlx::query(&format!(
        "SELECT {KEY_COLUMNS} FROM signing_keys ORDER BY id"
    ))
    .fetch_all(&mut *conn)
    .await?;
    let mut signing_keys = Vec::with_capacity(rows.len());
    for row in &rows {
        let record = key_from(row)?;
        signing_keys.push(PublicSigningKey {
            organization_name: names
                .get(&record.organization.0)
                .cloned()
                .unwrap_or_default(),
            algorithm: "ed25519",
            life: record.life().as_str(),
            record,
        });
    }
    let log_keys =
        sqlx::query("SELECT origin, public_key, created_at FROM tlog_keys ORDER BY origin")
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| {
                Ok(PublicLogKey {
                    origin: r.try_get(0)?,
                    public_key: r.try_get(1)?,
                    created_at: r.try_get(2)?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()?;
    Ok(PublicKeys {
        signing_keys,
        log_keys,
    })
}
