//! What the log records: each entry is one attestation as issued, or one revocation, written as
//! canonical JSON (RFC 8785) so that anyone holding the attestation file rebuilds the exact
//! entry, and so its leaf hash, without asking the log.

use serde::{Deserialize, Serialize};

use smm_core::digest::canonical_json;

use crate::dsse::Envelope;

/// One entry of the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum LogEntry {
    /// A certificate or supplier's declaration, as its signed envelope.
    Attestation {
        /// The envelope as handed to its holder.
        envelope: Envelope,
    },
    /// A revocation of an attestation already in the log.
    Revocation {
        /// The revoked attestation's serial.
        serial: String,
        /// Who revoked it (the signing organization's name).
        issuer: String,
        /// Why.
        reason: String,
        /// When the revocation was recorded (RFC 3339, UTC).
        revoked_at: String,
    },
}

impl LogEntry {
    /// The entry's bytes in the log: its canonical JSON.
    pub fn to_text(&self) -> String {
        canonical_json(self)
    }

    /// The kind the store indexes it by.
    pub fn kind(&self) -> &'static str {
        match self {
            LogEntry::Attestation { .. } => "attestation",
            LogEntry::Revocation { .. } => "revocation",
        }
    }

    /// The leaf hash of this entry.
    pub fn leaf_hash(&self) -> super::Hash {
        super::merkle::leaf_hash(self.to_text().as_bytes())
    }
}
