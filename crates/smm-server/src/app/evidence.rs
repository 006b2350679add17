//! Evidence files: stored once per content (by SHA-256) under the system's owner, linked to the
//! system they were uploaded to and served only through it. The API's upload and the editor's
//! file fields both come here, so who may attach a file, and which files are refused, is decided
//! once.

use axum::http::StatusCode;

use smm_store::StoreError;

use crate::access;
use crate::auth::Caller;
use crate::authz::Action;
use crate::problem::Problem;
use crate::state::AppState;

/// A stored evidence file.
pub struct Stored {
    /// Its SHA-256, by which documents cite it.
    pub sha256: String,
    /// Its media type, as checked against its content.
    pub media_type: String,
}

/// Stores an evidence file for a system. A type the content does not match, or one that is not
/// accepted, is refused as a 422 naming `Content-Type`.
pub async fn upload(
    state: &AppState,
    caller: &Caller,
    system: i64,
    declared_type: &str,
    bytes: &[u8],
) -> Result<Stored, Problem> {
    let (info, _) = access::system(state, caller, system, Action::UploadEvidence).await?;
    let sha256 = state
        .store
        .put_evidence(
            &caller.actor(),
            info.organization,
            info.id,
            declared_type,
            bytes,
        )
        .await
        .map_err(|e| match e {
            StoreError::Invalid(m) => {
                Problem::new(StatusCode::UNPROCESSABLE_ENTITY, m).with_field("Content-Type")
            }
            other => other.into(),
        })?;
    let (media_type, _) = state
        .store
        .evidence(info.organization, info.id, &sha256)
        .await?;
    Ok(Stored { sha256, media_type })
}

/// An evidence file of a system the caller may read: its media type and bytes. A file of the
/// same owner uploaded only to another system is not found here.
pub async fn download(
    state: &AppState,
    caller: &Caller,
    system: i64,
    sha256: &str,
) -> Result<(String, Vec<u8>), Problem> {
    let (info, _) = access::system(state, caller, system, Action::Read).await?;
    if !smm_core::current::is_sha256_hex(sha256) {
        return Err(Problem::not_found(format!("evidence {sha256}")));
    }
    Ok(state
        .store
        .evidence(info.organization, info.id, sha256)
        .await?)
}
