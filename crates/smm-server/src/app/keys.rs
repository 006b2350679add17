//! Issuers and their keys: each organization signs its attestations with its own Ed25519 keys
//! (created here or imported by its owners), and every issuer's public keys, their life and
//! whether it is a certification body are published in one document.
//!
//! - Only the organization's owners create, import, retire and revoke its keys; every member
//!   sees their public parts. A private key never leaves the server: it is sealed at rest
//!   ([`crate::keyring`]) and opened only to sign ([`signing_key`]).
//! - A key id belongs to one organization: importing a key already kept here, by anyone, is
//!   refused.
//! - Rotation overlaps: a new key may be made while the old one is active; the newest active key
//!   signs; the old one is retired explicitly later and still verifies what it signed.
//! - A revocation names the day from which nothing the key signed is trusted, which may lie in
//!   the past (a compromise found late), never in the future, and a reason.
//! - The issuers document is built once per change of the issuers and kept ([`IssuersCache`]);
//!   before serving it, one small read of the store's issuers version tells whether another
//!   server or `smm admin` changed them since.

use std::sync::Arc;

use axum::http::StatusCode;
use tokio::sync::Mutex;

use smm_cert::issuers::{IssuerEntry, IssuersDocument, KeyStatus, PublishedKey, ISSUERS_TYPE};
use smm_cert::{keys, SigningKey};
use smm_core::document::Date;
use smm_store::{
    IssuerKeys, KeyLife, KeyOrigin, NewSigningKey, OrganizationId, SigningKeyRecord, Store,
    StoreError,
};

use crate::access::in_organization;
use crate::auth::Caller;
use crate::authz::Action;
use crate::problem::Problem;
use crate::state::{today, AppState};

/// The longest private key file accepted for import (an Ed25519 PKCS#8 PEM is about 120 bytes).
const MAX_IMPORT_BYTES: usize = 4096;

/// The organization's keys, newest first: public parts and life only, for any member.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    org: i64,
) -> Result<Vec<SigningKeyRecord>, Problem> {
    in_organization(caller, org, Action::Read)?;
    Ok(state.store.signing_keys(OrganizationId(org)).await?)
}

/// How a new key comes.
pub enum NewKey<'a> {
    /// The server generates it.
    Generate,
    /// The owner uploads it: an unencrypted PKCS#8 PEM private key.
    Import(&'a str),
}

/// Adds a key to the organization (owners only). It is active at once, beside any key already
/// active: the newest active key signs from now on.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    org: i64,
    new: NewKey<'_>,
) -> Result<SigningKeyRecord, Problem> {
    in_organization(caller, org, Action::ManageKeys)?;
    let (key, origin) = match new {
        NewKey::Generate => (keys::generate(), KeyOrigin::Created),
        NewKey::Import(pem) => (read_import(pem)?, KeyOrigin::Imported),
    };
    let (keyid, public_key, sealed) = prepared(state, &key)?;
    state
        .store
        .add_signing_key(
            &caller.actor(),
            OrganizationId(org),
            &NewSigningKey {
                keyid: &keyid,
                public_key: &public_key,
                sealed_private: &sealed,
                origin,
                valid_from: &today(),
            },
        )
        .await
        .map_err(|e| match e {
            StoreError::Exists(_) => Problem::new(
                StatusCode::CONFLICT,
                format!(
                    "key {keyid} is already published: a key belongs to one organization; \
                     give a key of your own"
                ),
            )
            .with_field("private_key"),
            other => other.into(),
        })
}

fn read_import(pem: &str) -> Result<SigningKey, Problem> {
    let field = "private_key";
    if pem.len() > MAX_IMPORT_BYTES {
        return Err(Problem::bad_field(
            field,
            "that is not an Ed25519 private key: it is far too long",
        ));
    }
    if keys::is_encrypted(pem) {
        return Err(Problem::bad_field(
            field,
            "the key is encrypted with a passphrase: upload it unencrypted \
             (-----BEGIN PRIVATE KEY-----); the server seals it under its own secret",
        ));
    }
    keys::read_private(pem, None).map_err(|e| Problem::bad_field(field, e.to_string()))
}

/// The key's id, public PEM and sealed private part.
fn prepared(state: &AppState, key: &SigningKey) -> Result<(String, String, Vec<u8>), Problem> {
    let verifying = key.verifying_key();
    let keyid = keys::key_id(&verifying)?;
    let public_key = keys::public_pem(&verifying)?;
    let sealed = state
        .keyring
        .seal(key, &keyid)
        .map_err(|e| Problem::internal("sealing a signing key", &e))?;
    Ok((keyid, public_key, sealed))
}

/// Retires an active key (owners only): it signed until today and signs no more; what it
/// signed still verifies.
pub async fn retire(
    state: &AppState,
    caller: &Caller,
    org: i64,
    keyid: &str,
) -> Result<SigningKeyRecord, Problem> {
    in_organization(caller, org, Action::ManageKeys)?;
    Ok(state
        .store
        .retire_signing_key(&caller.actor(), OrganizationId(org), keyid, &today())
        .await?)
}

/// Revokes a key (owners only) from a day (`YYYY-MM-DD`, today or earlier, not before the key's
/// first day), for a reason: nothing it signed from that day on is trusted.
pub async fn revoke(
    state: &AppState,
    caller: &Caller,
    org: i64,
    keyid: &str,
    from: &str,
    reason: &str,
) -> Result<SigningKeyRecord, Problem> {
    in_organization(caller, org, Action::ManageKeys)?;
    let from = from.trim();
    if Date::parse(from).is_none() {
        return Err(Problem::bad_field(
            "from",
            format!("`{from}` is not a date: give the first day not to trust, as YYYY-MM-DD"),
        ));
    }
    let today = today();
    if from > today.as_str() {
        return Err(Problem::bad_field(
            "from",
            format!(
                "{from} has not come yet: a compromised key is revoked from today ({today}) or \
                 an earlier day; to stop signing with a sound key, retire it"
            ),
        ));
    }
    if reason.trim().is_empty() {
        return Err(Problem::bad_field(
            "reason",
            "say why the key is revoked (verifiers are shown it)",
        ));
    }
    let id = OrganizationId(org);
    let key = state
        .store
        .signing_keys(id)
        .await?
        .into_iter()
        .find(|k| k.keyid == keyid)
        .ok_or_else(|| Problem::not_found(format!("signing key {keyid}")))?;
    if from < key.valid_from.as_str() {
        return Err(Problem::bad_field(
            "from",
            format!(
                "key {keyid} was valid only from {}: to distrust everything it signed, revoke it \
                 from that day",
                key.valid_from
            ),
        ));
    }
    state
        .store
        .revoke_signing_key(&caller.actor(), id, keyid, from, reason)
        .await
        .map_err(|e| match e {
            StoreError::Invalid(m) => Problem::bad_field("reason", m),
            other => other.into(),
        })
}

/// The key an organization signs with now: its newest active key, opened, and its key id. An
/// organization without an active key gets one made (and audited, by `actor`); two first
/// signatures at once make one key between them.
pub async fn signing_key(
    state: &AppState,
    org: OrganizationId,
    actor: &str,
) -> Result<(SigningKey, String), Problem> {
    let stored = match state.store.active_signing_key(org).await? {
        Some(stored) => stored,
        None => {
            let candidate = keys::generate();
            let (keyid, public_key, sealed) = prepared(state, &candidate)?;
            let (stored, _) = state
                .store
                .ensure_signing_key(
                    actor,
                    org,
                    &NewSigningKey {
                        keyid: &keyid,
                        public_key: &public_key,
                        sealed_private: &sealed,
                        origin: KeyOrigin::Created,
                        valid_from: &today(),
                    },
                )
                .await?;
            stored
        }
    };
    let key = state
        .keyring
        .open_stored(&stored)
        .map_err(|e| Problem::internal("opening a signing key", &e))?;
    Ok((key, stored.record.keyid))
}

/// The issuers document as published, with what serving it needs.
#[derive(Debug)]
pub struct Published {
    /// The store's issuers version it was built at.
    pub version: i64,
    /// The document.
    pub document: IssuersDocument,
    /// The document as served.
    pub json: String,
    /// Its entity tag (quoted), from its content.
    pub etag: String,
}

/// The issuers document this server built last.
#[derive(Default)]
pub struct IssuersCache {
    current: Mutex<Option<Arc<Published>>>,
}

/// The issuers document, current as of this request: the kept one when the store's issuers
/// version has not moved, otherwise built again (once, however many requests wait for it).
pub async fn published(state: &AppState) -> Result<Arc<Published>, Problem> {
    let (version, _) = state.store.issuers_version().await?;
    let mut current = state.issuers.current.lock().await;
    if let Some(kept) = current.as_ref().filter(|p| p.version >= version) {
        return Ok(kept.clone());
    }
    let (version, changed_at, issuers) = state.store.issuers().await?;
    let document = document(&changed_at, &issuers);
    let json = document.to_json();
    let etag = format!(
        "\"{}\"",
        &smm_core::digest::sha256_hex(json.as_bytes())[..32]
    );
    let built = Arc::new(Published {
        version,
        document,
        json,
        etag,
    });
    *current = Some(built.clone());
    Ok(built)
}

/// The issuers document of every organization that has signing keys.
pub async fn issuers_document(state: &AppState) -> Result<IssuersDocument, Problem> {
    Ok(published(state).await?.document.clone())
}

/// The issuers document straight from a store (for `smm admin issuers`, without a server).
pub async fn read_issuers(store: &Store) -> Result<IssuersDocument, StoreError> {
    let (_, changed_at, issuers) = store.issuers().await?;
    Ok(document(&changed_at, &issuers))
}

/// The document for these issuers, published when they last changed (so every server on one
/// database publishes the same bytes).
pub fn document(changed_at: &str, issuers: &[IssuerKeys]) -> IssuersDocument {
    IssuersDocument {
        document_type: ISSUERS_TYPE.to_string(),
        published: changed_at.to_string(),
        issuers: issuers
            .iter()
            .map(|issuer| IssuerEntry {
                id: format!("org-{}", issuer.organization.id.0),
                name: issuer.organization.name.clone(),
                certification_body: issuer.organization.certification_body,
                keys: issuer.keys.iter().map(published_key).collect(),
            })
            .collect(),
    }
}

fn published_key(key: &SigningKeyRecord) -> PublishedKey {
    PublishedKey {
        keyid: key.keyid.clone(),
        public_key: key.public_key.clone(),
        valid_from: key.valid_from.clone(),
        valid_until: key.valid_until.clone(),
        status: status(key.life()),
        revoked_from: key.revoked_from.clone(),
        revocation_reason: key.revocation_reason.clone(),
    }
}

/// The published word for a key's life.
pub fn status(life: KeyLife) -> KeyStatus {
    match life {
        KeyLife::Active => KeyStatus::Active,
        KeyLife::Retired => KeyStatus::Retired,
        KeyLife::Revoked => KeyStatus::Revoked,
    }
}
