//! Signed revocation lists: the serials an issuer has withdrawn, with date and reason, in a DSSE
//! envelope signed by the same key as the certificates, so nobody else can revoke (or
//! un-revoke) them.

use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::dsse::{sign, verify, Envelope};
use crate::keys::key_id;
use crate::CertError;

/// The payload type of a revocation list.
pub const REVOCATIONS_PAYLOAD_TYPE: &str = "application/vnd.smm.revocations+json";
/// The list's type field.
pub const REVOCATIONS_TYPE: &str = "urn:smm:revocations:v1";

/// A revocation list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RevocationList {
    /// Always [`REVOCATIONS_TYPE`].
    #[serde(rename = "_type")]
    pub list_type: String,
    /// The issuer's key id.
    pub issuer_keyid: String,
    /// When the list was last changed.
    pub updated: String,
    /// The revoked certificates.
    pub revoked: Vec<Revocation>,
}

/// One revoked certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Revocation {
    /// The certificate's serial.
    pub serial: String,
    /// From when it no longer holds.
    pub date: String,
    /// Why.
    pub reason: String,
}

/// Reads a revocation list, checking first that `issuer` signed it.
pub fn read_revocations(
    envelope: &Envelope,
    issuer: &VerifyingKey,
) -> Result<RevocationList, CertError> {
    if envelope.payload_type != REVOCATIONS_PAYLOAD_TYPE {
        return Err(CertError::Invalid(format!(
            "not a revocation list: payload type `{}`, expected `{REVOCATIONS_PAYLOAD_TYPE}`",
            envelope.payload_type
        )));
    }
    let payload = verify(envelope, issuer)?;
    let list: RevocationList = serde_json::from_slice(&payload)
        .map_err(|e| CertError::Invalid(format!("the revocation list is malformed: {e}")))?;
    if list.list_type != REVOCATIONS_TYPE || list.issuer_keyid != key_id(issuer)? {
        return Err(CertError::Invalid(
            "the revocation list is of another type or issuer".to_string(),
        ));
    }
    Ok(list)
}

/// Signs a whole list at once (a server builds it from its records): one signature however
/// many entries, where adding them one by one would re-read and re-sign the list each time.
pub fn sign_list(
    key: &SigningKey,
    updated: &str,
    revoked: Vec<Revocation>,
) -> Result<(Envelope, RevocationList), CertError> {
    let list = RevocationList {
        list_type: REVOCATIONS_TYPE.to_string(),
        issuer_keyid: key_id(&key.verifying_key())?,
        updated: updated.to_string(),
        revoked,
    };
    let payload = serde_json::to_vec(&list)
        .map_err(|e| CertError::Invalid(format!("cannot encode the list: {e}")))?;
    Ok((sign(REVOCATIONS_PAYLOAD_TYPE, &payload, key)?, list))
}

/// Adds a revocation to `existing` (verified first) or starts a list, and signs the result.
pub fn revoke(
    existing: Option<&Envelope>,
    key: &SigningKey,
    revocation: Revocation,
) -> Result<(Envelope, RevocationList), CertError> {
    let mut list = match existing {
        Some(envelope) => read_revocations(envelope, &key.verifying_key())?,
        None => RevocationList {
            list_type: REVOCATIONS_TYPE.to_string(),
            issuer_keyid: key_id(&key.verifying_key())?,
            updated: revocation.date.clone(),
            revoked: Vec::new(),
        },
    };
    if list.revoked.iter().any(|r| r.serial == revocation.serial) {
        return Err(CertError::Invalid(format!(
            "certificate {} is already revoked",
            revocation.serial
        )));
    }
    list.updated = revocation.date.clone();
    list.revoked.push(revocation);
    let payload = serde_json::to_vec(&list)
        .map_err(|e| CertError::Invalid(format!("cannot encode the list: {e}")))?;
    Ok((sign(REVOCATIONS_PAYLOAD_TYPE, &payload, key)?, list))
}
