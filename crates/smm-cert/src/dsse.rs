//! DSSE, the Dead Simple Signing Envelope (secure-systems-lab/dsse, v1): a payload, its type, and
//! signatures over the pre-authentication encoding of both, so a signature can never be moved to
//! a payload of another type.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::keys::key_id;
use crate::CertError;

/// The payload type of an in-toto statement.
pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// A signed envelope, as written to `cert.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Envelope {
    /// The payload's media type.
    pub payload_type: String,
    /// The payload, base64 (RFC 4648, with padding).
    pub payload: String,
    /// One or more signatures.
    pub signatures: Vec<EnvelopeSignature>,
}

/// One signature of an envelope.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvelopeSignature {
    /// The signing key's id (see [`key_id`]).
    pub keyid: String,
    /// The Ed25519 signature over the PAE, base64.
    pub sig: String,
}

/// DSSE's pre-authentication encoding:
/// `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, lengths in ASCII decimal.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {} {} ",
        payload_type.len(),
        payload_type,
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}

/// Signs `payload` of `payload_type` with `key`.
pub fn sign(payload_type: &str, payload: &[u8], key: &SigningKey) -> Result<Envelope, CertError> {
    let signature = key.sign(&pae(payload_type, payload));
    Ok(Envelope {
        payload_type: payload_type.to_string(),
        payload: STANDARD.encode(payload),
        signatures: vec![EnvelopeSignature {
            keyid: key_id(&key.verifying_key())?,
            sig: STANDARD.encode(signature.to_bytes()),
        }],
    })
}

/// Checks that `key` signed the envelope and returns the payload; nothing in the payload may be
/// trusted before this returns.
pub fn verify(envelope: &Envelope, key: &VerifyingKey) -> Result<Vec<u8>, CertError> {
    let id = key_id(key)?;
    let payload = STANDARD
        .decode(envelope.payload.trim())
        .map_err(|e| CertError::Invalid(format!("the payload is not base64: {e}")))?;
    let message = pae(&envelope.payload_type, &payload);
    let mine: Vec<&EnvelopeSignature> = envelope
        .signatures
        .iter()
        .filter(|s| s.keyid == id)
        .collect();
    if mine.is_empty() {
        let ids: Vec<&str> = envelope
            .signatures
            .iter()
            .map(|s| s.keyid.as_str())
            .collect();
        return Err(CertError::Invalid(format!(
            "not signed by the given key {id}: the envelope names key(s) {}",
            if ids.is_empty() {
                "none".to_string()
            } else {
                ids.join(", ")
            }
        )));
    }
    for s in mine {
        let bytes = STANDARD
            .decode(s.sig.trim())
            .map_err(|e| CertError::Invalid(format!("the signature is not base64: {e}")))?;
        let signature = Signature::from_slice(&bytes).map_err(|_| {
            CertError::Invalid("the signature is not 64 bytes of Ed25519".to_string())
        })?;
        if key.verify(&message, &signature).is_ok() {
            return Ok(payload);
        }
    }
    Err(CertError::Invalid(
        "the signature does not match: the payload or the signature was changed".to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::generate;

    #[test]
    fn pae_matches_the_dsse_specification_example() {
        // The example from the DSSE protocol description.
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
    }

    #[test]
    fn any_changed_byte_fails_verification() {
        let key = generate();
        let env = sign(IN_TOTO_PAYLOAD_TYPE, b"{\"a\":1}", &key).expect("sign");
        assert_eq!(
            verify(&env, &key.verifying_key()).expect("valid"),
            b"{\"a\":1}"
        );
        let mut payload = env.clone();
        payload.payload = STANDARD.encode(b"{\"a\":2}");
        assert!(verify(&payload, &key.verifying_key()).is_err());
        let mut kind = env.clone();
        kind.payload_type = "text/plain".to_string();
        assert!(verify(&kind, &key.verifying_key()).is_err());
        let other = generate();
        assert!(verify(&env, &other.verifying_key()).is_err());
        let mut sig = env;
        let mut bytes = STANDARD.decode(&sig.signatures[0].sig).expect("b64");
        bytes[10] ^= 1;
        sig.signatures[0].sig = STANDARD.encode(bytes);
        assert!(verify(&sig, &key.verifying_key()).is_err());
    }
}
