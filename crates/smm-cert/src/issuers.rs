//! The issuers document: every organization that signs attestations, whether it is a
//! certification body, and its public keys with their ids, validity and status. A verifier
//! looks a signature's key id up here to learn who signed, whether that key could sign on the
//! statement's date, and whether the signer may issue certificates or only declarations.
//!
//! A key is *active* (signs now), *retired* (signed until `valid_until`, still verifies what it
//! signed before) or *revoked* (compromised: nothing it signed on or after `revoked_from` is
//! trusted). Rotation is a new active key published beside the old one, then the old one
//! retired: both verify during the overlap.

use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};

use crate::keys::{key_id, read_public};
use crate::CertError;

/// The document's type field.
pub const ISSUERS_TYPE: &str = "urn:smm:issuers:v1";

/// Every issuer's public keys, as a server publishes them (or as a body writes them by hand).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IssuersDocument {
    /// Always [`ISSUERS_TYPE`].
    #[serde(rename = "_type")]
    pub document_type: String,
    /// When it was produced (RFC 3339 or `YYYY-MM-DD`).
    pub published: String,
    /// The issuers.
    pub issuers: Vec<IssuerEntry>,
}

/// One organization that signs attestations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IssuerEntry {
    /// A stable identifier, unique in the document (a server uses `org-<id>`).
    pub id: String,
    /// The name statements carry.
    pub name: String,
    /// Whether it is a designated certification body (may issue certificates); every issuer may
    /// sign its own supplier's declarations.
    pub certification_body: bool,
    /// Its keys, newest first.
    pub keys: Vec<PublishedKey>,
}

/// A public key and its life.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishedKey {
    /// SHA-256 of the SubjectPublicKeyInfo DER, hex (what signatures and statements name).
    pub keyid: String,
    /// The key as SubjectPublicKeyInfo PEM.
    pub public_key: String,
    /// First day it may sign, `YYYY-MM-DD`.
    pub valid_from: String,
    /// Last day it signed, once retired, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    /// Where it stands.
    pub status: KeyStatus,
    /// For a revoked key: from which day nothing it signed is trusted, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_from: Option<String>,
    /// For a revoked key: why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_reason: Option<String>,
}

/// Where a key stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum KeyStatus {
    /// Signs now.
    Active,
    /// No longer signs; verifies what it signed while active.
    Retired,
    /// Compromised from `revoked_from`.
    Revoked,
}

impl KeyStatus {
    /// The word used in the document.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyStatus::Active => "active",
            KeyStatus::Retired => "retired",
            KeyStatus::Revoked => "revoked",
        }
    }
}

/// A key found for a signature: who holds it and the key itself.
#[derive(Clone, Debug)]
pub struct FoundKey<'a> {
    /// The issuer.
    pub issuer: &'a IssuerEntry,
    /// Its published record.
    pub key: &'a PublishedKey,
    /// The public key, read and checked against its key id.
    pub verifying: VerifyingKey,
}

impl IssuersDocument {
    /// Reads the document from JSON, checking its type and that every key's id is its key's.
    pub fn from_json(text: &str) -> Result<IssuersDocument, CertError> {
        let doc: IssuersDocument = serde_json::from_str(text)
            .map_err(|e| CertError::Invalid(format!("not an issuers document: {e}")))?;
        if doc.document_type != ISSUERS_TYPE {
            return Err(CertError::Invalid(format!(
                "not an issuers document: `_type` is `{}`, expected `{ISSUERS_TYPE}`",
                doc.document_type
            )));
        }
        let mut seen = std::collections::BTreeSet::new();
        for issuer in &doc.issuers {
            for key in &issuer.keys {
                let public = read_public(&key.public_key).map_err(|e| {
                    CertError::Invalid(format!("issuer `{}`, key {}: {e}", issuer.id, key.keyid))
                })?;
                let actual = key_id(&public)?;
                if actual != key.keyid {
                    return Err(CertError::Invalid(format!(
                        "issuer `{}`: key {} is published with the id of another key (its id is {actual})",
                        issuer.id, key.keyid
                    )));
                }
                if !seen.insert(key.keyid.clone()) {
                    return Err(CertError::Invalid(format!(
                        "key {} is published twice: a key belongs to one issuer",
                        key.keyid
                    )));
                }
                if key.status == KeyStatus::Revoked && key.revoked_from.is_none() {
                    return Err(CertError::Invalid(format!(
                        "issuer `{}`: revoked key {} has no `revoked_from` date",
                        issuer.id, key.keyid
                    )));
                }
            }
        }
        Ok(doc)
    }

    /// The document as JSON, as published.
    pub fn to_json(&self) -> String {
        // Plain strings, booleans and lists: serializing cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The key with this id, and its issuer.
    pub fn key(&self, keyid: &str) -> Option<FoundKey<'_>> {
        self.issuers.iter().find_map(|issuer| {
            let key = issuer.keys.iter().find(|k| k.keyid == keyid)?;
            let verifying = read_public(&key.public_key).ok()?;
            Some(FoundKey {
                issuer,
                key,
                verifying,
            })
        })
    }
}

impl PublishedKey {
    /// Whether the key could sign on `date` (`YYYY-MM-DD`): on or after `valid_from`, not after
    /// it was retired, and before it was revoked. `Err` says why not.
    pub fn could_sign_on(&self, date: &str) -> Result<(), String> {
        if date < self.valid_from.as_str() {
            return Err(format!(
                "key {} was not valid yet on {date} (valid from {})",
                self.keyid, self.valid_from
            ));
        }
        if let Some(until) = &self.valid_until {
            if date > until.as_str() {
                return Err(format!(
                    "key {} was retired on {until}: it did not sign on {date}",
                    self.keyid
                ));
            }
        }
        if let Some(from) = &self.revoked_from {
            if date >= from.as_str() {
                return Err(format!(
                    "key {} is revoked from {from}{}: nothing it signed from then on is trusted",
                    self.keyid,
                    self.revocation_reason
                        .as_deref()
                        .map(|r| format!(" ({r})"))
                        .unwrap_or_default()
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{generate, public_pem};

    fn published(status: KeyStatus) -> (PublishedKey, String) {
        let key = generate();
        let keyid = key_id(&key.verifying_key()).expect("id");
        (
            PublishedKey {
                keyid: keyid.clone(),
                public_key: public_pem(&key.verifying_key()).expect("pem"),
                valid_from: "2026-01-01".into(),
                valid_until: (status == KeyStatus::Retired).then(|| "2026-06-30".into()),
                status,
                revoked_from: (status == KeyStatus::Revoked).then(|| "2026-03-01".into()),
                revocation_reason: (status == KeyStatus::Revoked).then(|| "stolen laptop".into()),
            },
            keyid,
        )
    }

    #[test]
    fn a_key_signs_only_within_its_life() {
        let (active, _) = published(KeyStatus::Active);
        assert!(active.could_sign_on("2025-12-31").is_err());
        assert!(active.could_sign_on("2026-01-01").is_ok());
        assert!(active.could_sign_on("2030-01-01").is_ok());
        let (retired, _) = published(KeyStatus::Retired);
        assert!(retired.could_sign_on("2026-06-30").is_ok());
        assert!(retired.could_sign_on("2026-07-01").is_err());
        let (revoked, _) = published(KeyStatus::Revoked);
        assert!(revoked.could_sign_on("2026-02-28").is_ok());
        let why = revoked.could_sign_on("2026-03-01").expect_err("revoked");
        assert!(why.contains("stolen laptop"), "{why}");
    }

    #[test]
    fn the_document_round_trips_and_refuses_a_key_under_another_id() {
        let (key, keyid) = published(KeyStatus::Active);
        let mut doc = IssuersDocument {
            document_type: ISSUERS_TYPE.into(),
            published: "2026-12-05".into(),
            issuers: vec![IssuerEntry {
                id: "org-1".into(),
                name: "Lab".into(),
                certification_body: true,
                keys: vec![key],
            }],
        };
        let back = IssuersDocument::from_json(&doc.to_json()).expect("reads");
        assert_eq!(back, doc);
        assert_eq!(back.key(&keyid).expect("found").issuer.name, "Lab");
        assert!(back.key("00").is_none());
        let (other, _) = published(KeyStatus::Active);
        doc.issuers[0].keys[0].public_key = other.public_key;
        let err = IssuersDocument::from_json(&doc.to_json()).expect_err("mismatch");
        assert!(err.to_string().contains("id of another key"), "{err}");
        assert!(IssuersDocument::from_json("{}").is_err());
    }
}
