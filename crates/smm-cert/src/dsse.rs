//! DSSE, the Dead Simple Signing Envelope (secure-systems-lab/dsse, v1): a payload, its type, and
//! signatures over the pre-authentication encoding of both, so a signature can never be moved to
//! a payload of another type.

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::keys::key_id;
use crate::CertError;

/// The payload type of an in-toto statement.
pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// A signed envelope, as written to `cert.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnvelopeSignature {
    /// The signing key's id (see [`key_id`]).
    pub keyid: String,
    /// The Ed25519 signature over the PAE, base64.
    pub sig: String,
}

/// The only base64 an envelope may carry: the standard alphabet, padded, no unused bits set, no
/// whitespace. Anything looser would let one signed envelope be re-encoded into many different
/// files that all verify, so a certificate could not be recognised (or refused) by its bytes.
/// The settings are spelled out rather than left to the crate's defaults, which may change.
const CANONICAL: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_encode_padding(true)
        .with_decode_allow_trailing_bits(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
);

/// Decodes one of an envelope's base64 fields (`what` names it in the error), refusing every
/// encoding but the canonical one.
pub fn decode_canonical(what: &str, text: &str) -> Result<Vec<u8>, CertError> {
    let bytes = CANONICAL.decode(text).map_err(|e| {
        CertError::Invalid(format!(
            "the {what} is not canonical base64 (standard alphabet, padded, no whitespace, \
             unused bits zero): {e}"
        ))
    })?;
    // The decoder's settings already refuse every other spelling; this keeps the promise even
    // if a future decoder became more lenient.
    if CANONICAL.encode(&bytes) != text {
        return Err(CertError::Invalid(format!(
            "the {what} is not canonical base64: it decodes, but is not how those bytes are \
             encoded"
        )));
    }
    Ok(bytes)
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
        payload: CANONICAL.encode(payload),
        signatures: vec![EnvelopeSignature {
            keyid: key_id(&key.verifying_key())?,
            sig: CANONICAL.encode(signature.to_bytes()),
        }],
    })
}

/// Checks that `key` signed the envelope and returns the payload; nothing in the payload may be
/// trusted before this returns.
pub fn verify(envelope: &Envelope, key: &VerifyingKey) -> Result<Vec<u8>, CertError> {
    let id = key_id(key)?;
    let payload = decode_canonical("payload", &envelope.payload)?;
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
        let bytes = decode_canonical("signature", &s.sig)?;
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
    use base64::engine::general_purpose::STANDARD;

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

    /// A signed envelope whose payload is 8 bytes long, so its base64 ends in one padding
    /// character and its last data character has two unused bits.
    fn signed() -> (Envelope, SigningKey) {
        let key = generate();
        let env = sign(IN_TOTO_PAYLOAD_TYPE, b"{\"a\":12}", &key).expect("sign");
        assert!(env.payload.ends_with('=') && !env.payload.ends_with("=="));
        (env, key)
    }

    /// The same envelope with its payload spelled `payload` instead: the refusal's reason.
    fn refused_payload(payload: String) -> String {
        let (mut env, key) = signed();
        env.payload = payload;
        match verify(&env, &key.verifying_key()) {
            Ok(_) => panic!("a non-canonical payload `{}` verified", env.payload),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn a_payload_with_unused_bits_set_is_refused() {
        let (env, _) = signed();
        let mut chars: Vec<char> = env.payload.chars().collect();
        let last = chars.len() - 2;
        // The last data character carries two bits nobody reads: set one of them.
        let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let index = alphabet.find(chars[last]).expect("base64 character");
        chars[last] = alphabet.as_bytes()[index | 1] as char;
        let reason = refused_payload(chars.into_iter().collect());
        assert!(
            reason.contains("payload is not canonical base64"),
            "{reason}"
        );
    }

    #[test]
    fn a_payload_without_its_padding_or_with_too_much_is_refused() {
        let (env, _) = signed();
        for spelling in [
            env.payload.trim_end_matches('=').to_string(),
            format!("{}=", env.payload),
        ] {
            let reason = refused_payload(spelling);
            assert!(
                reason.contains("payload is not canonical base64"),
                "{reason}"
            );
        }
    }

    #[test]
    fn a_payload_or_signature_with_whitespace_is_refused() {
        let (env, key) = signed();
        for spelling in [format!("{}\n", env.payload), format!(" {}", env.payload)] {
            let reason = refused_payload(spelling);
            assert!(
                reason.contains("payload is not canonical base64"),
                "{reason}"
            );
        }
        let mut sig = env;
        sig.signatures[0].sig.push('\n');
        let reason = verify(&sig, &key.verifying_key())
            .expect_err("a signature with a newline verified")
            .to_string();
        assert!(
            reason.contains("signature is not canonical base64"),
            "{reason}"
        );
    }

    #[test]
    fn a_payload_in_the_url_safe_alphabet_is_refused() {
        // The signature does not depend on the spelling of the payload, so this envelope is
        // signed: only the encoding can refuse it.
        let key = generate();
        let bytes = [0xfb_u8, 0xff, 0xbf, 0x01];
        let env = sign(IN_TOTO_PAYLOAD_TYPE, &bytes, &key).expect("sign");
        assert!(env.payload.contains('+') || env.payload.contains('/'));
        let mut url_safe = env.clone();
        url_safe.payload = env.payload.replace('+', "-").replace('/', "_");
        let reason = verify(&url_safe, &key.verifying_key())
            .expect_err("a URL-safe payload verified")
            .to_string();
        assert!(
            reason.contains("payload is not canonical base64"),
            "{reason}"
        );
        assert_eq!(
            verify(&env, &key.verifying_key()).expect("canonical"),
            bytes
        );
    }
}
