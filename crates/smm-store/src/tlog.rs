//! The transparency log's storage: entries sequenced in the transaction of the attestation or
//! revocation they record, the hashes of the Merkle tree's complete subtrees (the only hashes a
//! log must keep: every proof is built from them), the signed checkpoints and the log's sealed
//! key. The store hashes (that is the log's structure) but never reads an entry: what an entry
//! says is [`smm_cert::tlog::LogEntry`]'s business, above.

use std::collections::BTreeMap;

use sqlx::Row;

use smm_cert::tlog::merkle::{self, Hash, NodeId};

use crate::store::now;
use crate::{Store, StoreError};

/// One stored entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredLogEntry {
    /// Its index in the log, from 0.
    pub index: u64,
    /// `attestation` or `revocation`.
    pub kind: String,
    /// The attestation's serial.
    pub serial: String,
    /// The entry's bytes (canonical JSON).
    pub data: String,
    /// When it was appended.
    pub created_at: String,
}

/// An entry to append.
#[derive(Clone, Copy, Debug)]
pub struct NewLogEntry<'a> {
    /// `attestation` or `revocation`.
    pub kind: &'a str,
    /// The attestation's serial.
    pub serial: &'a str,
    /// The entry's bytes.
    pub data: &'a str,
}

/// The log's size: indexes are gapless from 0, so one step down the primary key gives it
/// (a `COUNT(*)` would read every entry).
pub(crate) const SIZE: &str = "SELECT COALESCE(MAX(idx) + 1, 0) FROM tlog_entries";

fn to_i64(n: u64) -> Result<i64, StoreError> {
    i64::try_from(n).map_err(|_| StoreError::Invalid(format!("log index {n} is out of range")))
}

fn hash_from_hex(text: &str) -> Result<Hash, StoreError> {
    let bytes: Vec<u8> = (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|b| u8::from_str_radix(b, 16).ok())
        })
        .collect::<Option<_>>()
        .ok_or_else(|| StoreError::Corrupt(format!("log hash {text:?} is not hex")))?;
    bytes
        .try_into()
        .map_err(|_| StoreError::Corrupt(format!("log hash {text:?} is not 32 bytes")))
}

use crate::audit::hex_of as hex;

/// Reads the listed complete-subtree hashes.
pub(crate) async fn read_hashes<'c, E>(
    executor: E,
    ids: &[NodeId],
) -> Result<BTreeMap<NodeId, Hash>, StoreError>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let mut found = BTreeMap::new();
    if ids.is_empty() {
        return Ok(found);
    }
    let clauses: Vec<String> = (0..ids.len())
        .map(|i| format!("(level = ${} AND idx = ${})", 2 * i + 1, 2 * i + 2))
        .collect();
    let sql = format!(
        "SELECT level, idx, hash FROM tlog_hashes WHERE {}",
        clauses.join(" OR ")
    );
    let mut query = sqlx::query(&sql);
    for id in ids {
        query = query.bind(i64::from(id.level)).bind(to_i64(id.index)?);
    }
    for row in query.fetch_all(executor).await? {
        let level: i64 = row.try_get(0)?;
        let index: i64 = row.try_get(1)?;
        let hash: String = row.try_get(2)?;
        let id = NodeId {
            level: u8::try_from(level)
                .map_err(|_| StoreError::Corrupt(format!("log level {level}")))?,
            index: u64::try_from(index)
                .map_err(|_| StoreError::Corrupt(format!("log index {index}")))?,
        };
        found.insert(id, hash_from_hex(&hash)?);
    }
    Ok(found)
}

/// Appends an entry inside a write transaction (the store's write lock is held, so the size read
/// here is the size the entry extends): its row, then the hashes of every complete subtree it
/// completes. Returns its index.
pub(crate) async fn append(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    entry: &NewLogEntry<'_>,
) -> Result<u64, StoreError> {
    append_many(tx, std::slice::from_ref(entry)).await
}

/// Rows per multi-row `INSERT`: well under SQLite's and PostgreSQL's limits on parameters.
const ROWS_PER_INSERT: usize = 200;

/// Appends entries in order inside a write transaction; returns the first one's index. The
/// left siblings a new leaf completes are all on the tree's right edge, so they are read once
/// (one hash per one bit of the size) and the rest is computed here; the rows go in as multi-row
/// inserts. One entry (an attestation as it is stored) is the same path with a batch of one.
pub(crate) async fn append_many(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    entries: &[NewLogEntry<'_>],
) -> Result<u64, StoreError> {
    let size: i64 = sqlx::query(SIZE).fetch_one(&mut **tx).await?.try_get(0)?;
    let first = u64::try_from(size).map_err(|_| StoreError::Corrupt("log size".into()))?;
    let edge: Vec<NodeId> = (0..64u8)
        .filter(|level| (first >> level) & 1 == 1)
        .map(|level| NodeId {
            level,
            index: (first >> level) - 1,
        })
        .collect();
    let mut known = read_hashes(&mut **tx, &edge).await?;
    let mut hashes: Vec<(NodeId, Hash)> = Vec::with_capacity(entries.len() * 2);
    for (offset, entry) in entries.iter().enumerate() {
        let index = first + offset as u64;
        let leaf = merkle::leaf_hash(entry.data.as_bytes());
        let completed = merkle::completed_by(&known, index, leaf)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        known.extend(completed.iter().copied());
        hashes.extend(completed);
    }
    let created = now();
    for (chunk_no, chunk) in entries.chunks(ROWS_PER_INSERT).enumerate() {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                let p = 5 * i;
                format!(
                    "(${}, ${}, ${}, ${}, ${})",
                    p + 1,
                    p + 2,
                    p + 3,
                    p + 4,
                    p + 5
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO tlog_entries (idx, kind, serial, data, created_at) VALUES {}",
            values.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for (i, entry) in chunk.iter().enumerate() {
            query = query
                .bind(to_i64(first + (chunk_no * ROWS_PER_INSERT + i) as u64)?)
                .bind(entry.kind)
                .bind(entry.serial)
                .bind(entry.data)
                .bind(created.clone());
        }
        query.execute(&mut **tx).await?;
    }
    for chunk in hashes.chunks(ROWS_PER_INSERT) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3))
            .collect();
        let sql = format!(
            "INSERT INTO tlog_hashes (level, idx, hash) VALUES {}",
            values.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for (id, hash) in chunk {
            query = query
                .bind(i64::from(id.level))
                .bind(to_i64(id.index)?)
                .bind(hex(hash));
        }
        query.execute(&mut **tx).await?;
    }
    Ok(first)
}

fn entry_from(row: &sqlx::any::AnyRow) -> Result<StoredLogEntry, StoreError> {
    let index: i64 = row.try_get(0)?;
    Ok(StoredLogEntry {
        index: u64::try_from(index).map_err(|_| StoreError::Corrupt("log index".into()))?,
        kind: row.try_get(1)?,
        serial: row.try_get(2)?,
        data: row.try_get(3)?,
        created_at: row.try_get(4)?,
    })
}

impl Store {
    /// Appends entries to the log in one transaction, under the write lock, in order; returns
    /// the first one's index. For bulk loads (a log restored from its entries, benchmarks):
    /// attestations append their own entry as they are stored.
    pub async fn append_log_entries(&self, entries: &[NewLogEntry<'_>]) -> Result<u64, StoreError> {
        let _guard = self.writes.lock().await;
        let mut tx = self.begin_write().await?;
        let first = append_many(&mut tx, entries).await?;
        tx.commit().await?;
        Ok(first)
    }

    /// How many entries the log has.
    pub async fn log_size(&self) -> Result<u64, StoreError> {
        let size: i64 = sqlx::query(SIZE).fetch_one(self.pool()).await?.try_get(0)?;
        u64::try_from(size).map_err(|_| StoreError::Corrupt("log size".into()))
    }

    /// Up to `limit` entries from `start`, in order.
    pub async fn log_entries(
        &self,
        start: u64,
        limit: u64,
    ) -> Result<Vec<StoredLogEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT idx, kind, serial, data, created_at FROM tlog_entries \
             WHERE idx >= $1 ORDER BY idx LIMIT $2",
        )
        .bind(to_i64(start)?)
        .bind(to_i64(limit)?)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(entry_from).collect()
    }

    /// Every entry about an attestation (its issue and any revocation), in order.
    pub async fn log_entries_for(&self, serial: &str) -> Result<Vec<StoredLogEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT idx, kind, serial, data, created_at FROM tlog_entries \
             WHERE serial = $1 ORDER BY idx",
        )
        .bind(serial)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(entry_from).collect()
    }

    /// The listed complete-subtree hashes (those a proof or root needs: see
    /// [`merkle::inclusion_nodes`] and [`merkle::consistency_nodes`]).
    pub async fn log_hashes(&self, ids: &[NodeId]) -> Result<BTreeMap<NodeId, Hash>, StoreError> {
        let mut found = BTreeMap::new();
        // Bound the statement's parameters; a proof needs at most about 128 hashes.
        for chunk in ids.chunks(200) {
            found.extend(read_hashes(self.pool(), chunk).await?);
        }
        Ok(found)
    }

    /// The hashes of the complete subtrees at `level` numbered `start` to `start + count - 1`,
    /// in order, as far as they exist (a tile of the C2SP tlog-tiles layout).
    pub async fn log_hash_range(
        &self,
        level: u8,
        start: u64,
        count: u64,
    ) -> Result<Vec<Hash>, StoreError> {
        let end = start
            .checked_add(count)
            .map(to_i64)
            .transpose()?
            .unwrap_or(i64::MAX);
        let rows = sqlx::query(
            "SELECT hash FROM tlog_hashes WHERE level = $1 AND idx >= $2 AND idx < $3 ORDER BY idx",
        )
        .bind(i64::from(level))
        .bind(to_i64(start)?)
        .bind(end)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| hash_from_hex(&r.try_get::<String, _>(0)?))
            .collect()
    }

    /// The latest signed checkpoint: its size and note.
    pub async fn latest_checkpoint(&self) -> Result<Option<(u64, String)>, StoreError> {
        let row = sqlx::query("SELECT size, note FROM tlog_checkpoints ORDER BY size DESC LIMIT 1")
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| {
            let size: i64 = r.try_get(0)?;
            Ok((
                u64::try_from(size).map_err(|_| StoreError::Corrupt("checkpoint size".into()))?,
                r.try_get(1)?,
            ))
        })
        .transpose()
    }

    /// The checkpoint signed at a size, if one was.
    pub async fn checkpoint_at(&self, size: u64) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT note FROM tlog_checkpoints WHERE size = $1")
            .bind(to_i64(size)?)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    /// Keeps a signed checkpoint. A size keeps its first checkpoint: another server that signed
    /// the same size concurrently keeps the one stored (both sign the same root).
    pub async fn put_checkpoint(&self, size: u64, note: &str) -> Result<String, StoreError> {
        sqlx::query(
            "INSERT INTO tlog_checkpoints (size, note, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (size) DO NOTHING",
        )
        .bind(to_i64(size)?)
        .bind(note)
        .bind(now())
        .execute(self.pool())
        .await?;
        self.checkpoint_at(size)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("checkpoint {size} vanished")))
    }

    /// Every log key kept (normally one): its key id and sealed private key, so a server checks at
    /// start that its keys secret opens them.
    pub async fn sealed_log_keys(&self) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let rows = sqlx::query("SELECT public_key, sealed FROM tlog_keys ORDER BY origin")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    /// The origin of the first log kept in this database, if any.
    pub async fn first_log_origin(&self) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT origin FROM tlog_keys ORDER BY created_at, origin LIMIT 1")
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    /// The log's key for an origin, as kept: its public key (hex) and its sealed private key.
    pub async fn log_key(&self, origin: &str) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        let row = sqlx::query("SELECT public_key, sealed FROM tlog_keys WHERE origin = $1")
            .bind(origin)
            .fetch_optional(self.pool())
            .await?;
        Ok(row
            .map(|r| Ok::<_, sqlx::Error>((r.try_get(0)?, r.try_get(1)?)))
            .transpose()?)
    }

    /// Keeps the log's key for an origin unless one is kept already (a second server starting at
    /// the same moment); returns the one kept.
    pub async fn put_log_key(
        &self,
        origin: &str,
        public_key: &str,
        sealed: &[u8],
    ) -> Result<(String, Vec<u8>), StoreError> {
        sqlx::query(
            "INSERT INTO tlog_keys (origin, public_key, sealed, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (origin) DO NOTHING",
        )
        .bind(origin)
        .bind(public_key)
        .bind(sealed)
        .bind(now())
        .execute(self.pool())
        .await?;
        self.log_key(origin)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("log key of {origin} vanished")))
    }
}
