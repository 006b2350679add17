//! The transparency log as the server runs it: its key and origin, signed checkpoints, entries
//! and proofs, all public. Entries are appended by the store in the transaction of the
//! attestation or revocation they record (`smm_store::tlog`); this module only reads them and
//! signs what it reads. See docs/transparency.md.
//!
//! - The log's Ed25519 key is made the first time a server starts on a database, sealed under the
//!   keys secret like the organizations' keys, and shared by every server on that database.
//! - A checkpoint is signed for the log's current size when someone asks and the log grew since
//!   the last one; every checkpoint is kept, so proofs can be asked against any of them.

use std::sync::Arc;

use axum::http::StatusCode;
use tokio::sync::Mutex;

use smm_cert::tlog::merkle::{self, Hash};
use smm_cert::tlog::{Checkpoint, LogProof, NoteVerifier};
use smm_cert::SigningKey;
use smm_store::{Store, StoredLogEntry};

use crate::keyring::Keyring;
use crate::problem::Problem;
use crate::serve::ServeError;
use crate::state::AppState;

/// At most this many entries per request.
pub const MAX_ENTRIES: u64 = 1000;

/// The log this server keeps.
pub struct TransparencyLog {
    /// Its name, the first line of every checkpoint.
    pub origin: String,
    key: SigningKey,
    /// What a monitor needs to check its checkpoints, as a C2SP verifier key.
    pub verifier: NoteVerifier,
    /// The audit log's checkpoints are signed with the same key under a name of their own
    /// (the origin and `/audit`), so they can never pass for the transparency log's.
    pub audit_verifier: NoteVerifier,
    /// The latest checkpoint signed or read.
    latest: Mutex<Option<SignedCheckpoint>>,
}

/// A signed checkpoint.
#[derive(Clone, Debug)]
pub struct SignedCheckpoint {
    /// The log's size at the checkpoint.
    pub size: u64,
    /// Its root.
    pub root: Hash,
    /// The signed note, as served.
    pub note: Arc<str>,
}

/// Opens the log's key for `origin` (or, when none is configured, the first log kept in this
/// database, or a new one named after a random id), making and keeping it the first time.
pub async fn open(
    store: &Store,
    keyring: &Keyring,
    origin: Option<&str>,
) -> Result<TransparencyLog, ServeError> {
    let invalid = |e: smm_cert::tlog::TlogError| ServeError::Failed(format!("log origin: {e}"));
    if store.first_log_origin().await?.is_none() {
        let key = smm_cert::keys::generate();
        let keyid = smm_cert::keys::key_id(&key.verifying_key())
            .map_err(|e| ServeError::Failed(e.to_string()))?;
        // Unnamed, a new log is named after its own key.
        let name = match origin {
            Some(o) => o.to_string(),
            None => format!("smm.invalid/log-{}", &keyid[..keyid.len().min(12)]),
        };
        smm_cert::tlog::note::check_name(&name).map_err(invalid)?;
        store
            .put_log_key(&name, &keyid, &keyring.seal(&key, &keyid)?)
            .await?;
    }
    // The first log kept is this database's, even against a server that started at the same
    // moment. It keeps one name for its whole life: checkpoints under two names would be two
    // logs with the same entries, and a renamed log breaks every monitor.
    let kept = store
        .first_log_origin()
        .await?
        .ok_or_else(|| ServeError::Failed("the log's key was not kept".into()))?;
    if let Some(wanted) = origin.filter(|w| *w != kept) {
        return Err(ServeError::Failed(format!(
            "this database keeps the transparency log {kept:?}: a log's name cannot change \
             (asked for {wanted:?})"
        )));
    }
    let (keyid, sealed) = store
        .log_key(&kept)
        .await?
        .ok_or_else(|| ServeError::Failed(format!("the key of log {kept:?} is missing")))?;
    let key = keyring.open(&sealed, &keyid)?;
    let origin = kept;
    let verifier = NoteVerifier::ed25519(&origin, key.verifying_key()).map_err(invalid)?;
    let audit_verifier =
        NoteVerifier::ed25519(&format!("{origin}/audit"), key.verifying_key()).map_err(invalid)?;
    Ok(TransparencyLog {
        origin,
        key,
        verifier,
        audit_verifier,
        latest: Mutex::new(None),
    })
}

impl TransparencyLog {
    /// A checkpoint of the audit log: its first `size` entries have Merkle root `root`.
    pub fn sign_audit(&self, size: u64, root: Hash) -> Result<String, smm_cert::tlog::TlogError> {
        Ok(Checkpoint {
            origin: self.audit_verifier.name.clone(),
            size,
            root,
            extensions: Vec::new(),
        }
        .sign(&self.key)?
        .encode())
    }
}

/// The root of the log at `size`, from the stored subtree hashes.
async fn root(state: &AppState, size: u64) -> Result<Hash, Problem> {
    let ids = merkle::root_nodes(size);
    let hashes = state.store.log_hashes(&ids).await?;
    merkle::root(&hashes, size).map_err(|e| Problem::internal("log root", &e))
}

/// The checkpoint of the log as it is now, signed (and kept) if the log grew since the last.
pub async fn checkpoint(state: &AppState) -> Result<SignedCheckpoint, Problem> {
    let log = &state.log;
    let size = state.store.log_size().await?;
    let mut latest = log.latest.lock().await;
    if let Some(kept) = latest.as_ref().filter(|c| c.size == size) {
        return Ok(kept.clone());
    }
    let root = root(state, size).await?;
    let note: Arc<str> = match state.store.checkpoint_at(size).await? {
        Some(kept) => kept.into(),
        None => {
            let text = Checkpoint {
                origin: log.origin.clone(),
                size,
                root,
                extensions: Vec::new(),
            }
            .sign(&log.key)
            .map_err(|e| Problem::internal("checkpoint", &e))?
            .encode();
            state.store.put_checkpoint(size, &text).await?.into()
        }
    };
    let signed = SignedCheckpoint { size, root, note };
    *latest = Some(signed.clone());
    Ok(signed)
}

fn bad_request(field: &str, detail: String) -> Problem {
    Problem::new(StatusCode::BAD_REQUEST, detail).with_field(field)
}

/// Entries from `start`, at most `limit` (1 to [`MAX_ENTRIES`]).
pub async fn entries(
    state: &AppState,
    start: u64,
    limit: u64,
) -> Result<Vec<StoredLogEntry>, Problem> {
    if !(1..=MAX_ENTRIES).contains(&limit) {
        return Err(bad_request(
            "limit",
            format!("limit must be 1 to {MAX_ENTRIES}"),
        ));
    }
    // Past the end there is nothing (and no index the database could not hold is asked for).
    if start >= state.store.log_size().await? {
        return Ok(Vec::new());
    }
    Ok(state.store.log_entries(start, limit).await?)
}

/// The inclusion proof of entry `index` in the log at `size` (the current size if not given).
pub async fn inclusion(
    state: &AppState,
    index: u64,
    size: Option<u64>,
) -> Result<(u64, Vec<Hash>), Problem> {
    let current = state.store.log_size().await?;
    let size = size.unwrap_or(current);
    if size > current {
        return Err(bad_request(
            "size",
            format!("the log has {current} entries, not {size}"),
        ));
    }
    if index >= size {
        return Err(bad_request(
            "index",
            format!("entry {index} is not in the log at size {size}"),
        ));
    }
    Ok((size, audit_path(state, index, size).await?))
}

/// The audit path of an entry known to be in the log at `size`.
async fn audit_path(state: &AppState, index: u64, size: u64) -> Result<Vec<Hash>, Problem> {
    let ids =
        merkle::inclusion_nodes(index, size).map_err(|e| bad_request("index", e.to_string()))?;
    let hashes = state.store.log_hashes(&ids).await?;
    merkle::inclusion_proof(&hashes, index, size)
        .map_err(|e| Problem::internal("inclusion proof", &e))
}

/// The consistency proof between the log at `old` and at `new` entries.
pub async fn consistency(state: &AppState, old: u64, new: u64) -> Result<Vec<Hash>, Problem> {
    let current = state.store.log_size().await?;
    if new > current {
        return Err(bad_request(
            "new",
            format!("the log has {current} entries, not {new}"),
        ));
    }
    if old > new {
        return Err(bad_request("old", format!("{old} is larger than {new}")));
    }
    let ids = merkle::consistency_nodes(old, new).map_err(|e| bad_request("old", e.to_string()))?;
    let hashes = state.store.log_hashes(&ids).await?;
    merkle::consistency_proof(&hashes, old, new)
        .map_err(|e| Problem::internal("consistency proof", &e))
}

/// An attestation's place in the log.
pub struct LoggedAttestation {
    /// Its entries: its issue, then any revocation.
    pub entries: Vec<StoredLogEntry>,
    /// The index of its issue.
    pub index: u64,
    /// The checkpoint the proof leads to.
    pub checkpoint: SignedCheckpoint,
    /// The audit path of its issue at the checkpoint's size.
    pub proof: Vec<Hash>,
}

/// Where an attestation is in the log: its entries (its issue, any revocation) and the proof
/// of its issue against the current checkpoint. Not found when the serial never was logged.
pub async fn attestation(state: &AppState, serial: &str) -> Result<LoggedAttestation, Problem> {
    logged(state, serial)
        .await?
        .ok_or_else(|| Problem::not_found(format!("attestation {serial} in the log")))
}

/// An attestation's place in the log, or `None` when it is not in it (one issued before the
/// server kept a log, or an unknown serial).
async fn logged(state: &AppState, serial: &str) -> Result<Option<LoggedAttestation>, Problem> {
    let entries = state.store.log_entries_for(serial).await?;
    let Some(index) = entries
        .iter()
        .find(|e| e.kind == "attestation")
        .map(|e| e.index)
    else {
        return Ok(None);
    };
    let checkpoint = checkpoint(state).await?;
    let proof = audit_path(state, index, checkpoint.size).await?;
    Ok(Some(LoggedAttestation {
        entries,
        index,
        checkpoint,
        proof,
    }))
}

/// The log proof a holder keeps beside an attestation (docs/formats.md, "Log proof"): its
/// index, its inclusion proof and the latest signed checkpoint. `None` for an attestation the log
/// does not hold: one issued before the server kept a log has no proof, and says so where it is
/// shown.
pub async fn log_proof(state: &AppState, serial: &str) -> Result<Option<LogProof>, Problem> {
    Ok(logged(state, serial).await?.map(|l| LogProof {
        origin: state.log.origin.clone(),
        index: l.index,
        inclusion: l.proof,
        checkpoint: l.checkpoint.note.to_string(),
    }))
}
