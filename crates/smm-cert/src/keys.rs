//! Ed25519 keys in standard files: the private key as PKCS#8 PEM (optionally encrypted with a
//! passphrase: PBES2 with scrypt and AES-256-CBC), the public key as SubjectPublicKeyInfo PEM.
//! OpenSSL, Python's `cryptography` and most other tools read both.

use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{SigningKey, VerifyingKey};
use pkcs8::{EncryptedPrivateKeyInfo, PrivateKeyInfo};
use rand_core::OsRng;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::CertError;

/// The PEM label of an encrypted private key.
const ENCRYPTED_LABEL: &str = "ENCRYPTED PRIVATE KEY";

/// A new key pair from the operating system's random source.
pub fn generate() -> SigningKey {
    SigningKey::generate(&mut OsRng)
}

/// The private key as PKCS#8 PEM, encrypted when a passphrase is given.
pub fn private_pem(
    key: &SigningKey,
    passphrase: Option<&str>,
) -> Result<Zeroizing<String>, CertError> {
    let der = key
        .to_pkcs8_der()
        .map_err(|e| CertError::Key(format!("cannot encode the private key: {e}")))?;
    match passphrase {
        None => key
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| CertError::Key(format!("cannot encode the private key: {e}"))),
        Some(passphrase) => {
            let info = PrivateKeyInfo::try_from(der.as_bytes())
                .map_err(|e| CertError::Key(format!("cannot encode the private key: {e}")))?;
            let encrypted = info
                .encrypt(OsRng, passphrase.as_bytes())
                .map_err(|e| CertError::Key(format!("cannot encrypt the private key: {e}")))?;
            encrypted
                .to_pem(ENCRYPTED_LABEL, LineEnding::LF)
                .map_err(|e| CertError::Key(format!("cannot encode the private key: {e}")))
        }
    }
}

/// Whether a private key file is encrypted (so a passphrase must be asked for).
pub fn is_encrypted(pem: &str) -> bool {
    pem.contains(&format!("-----BEGIN {ENCRYPTED_LABEL}-----"))
}

/// Reads a private key file; `passphrase` is needed when it is encrypted.
pub fn read_private(pem: &str, passphrase: Option<&str>) -> Result<SigningKey, CertError> {
    if is_encrypted(pem) {
        let Some(passphrase) = passphrase else {
            return Err(CertError::Key(
                "the private key is encrypted: a passphrase is needed".to_string(),
            ));
        };
        let (label, der) = pkcs8::Document::from_pem(pem)
            .map_err(|e| CertError::Key(format!("not a PEM private key: {e}")))?;
        if label != ENCRYPTED_LABEL {
            return Err(CertError::Key(format!("unexpected PEM label `{label}`")));
        }
        let info = EncryptedPrivateKeyInfo::try_from(der.as_bytes())
            .map_err(|e| CertError::Key(format!("not an encrypted PKCS#8 key: {e}")))?;
        let plain = info
            .decrypt(passphrase.as_bytes())
            .map_err(|_| CertError::Key("wrong passphrase (or a damaged key file)".to_string()))?;
        return SigningKey::from_pkcs8_der(plain.as_bytes())
            .map_err(|e| CertError::Key(format!("not an Ed25519 private key: {e}")));
    }
    SigningKey::from_pkcs8_pem(pem).map_err(|e| {
        CertError::Key(format!(
            "not an Ed25519 private key in PKCS#8 PEM (-----BEGIN PRIVATE KEY-----): {e}"
        ))
    })
}

/// The public key as SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`).
pub fn public_pem(key: &VerifyingKey) -> Result<String, CertError> {
    key.to_public_key_pem(LineEnding::LF)
        .map_err(|e| CertError::Key(format!("cannot encode the public key: {e}")))
}

/// Reads a public key file.
pub fn read_public(pem: &str) -> Result<VerifyingKey, CertError> {
    VerifyingKey::from_public_key_pem(pem).map_err(|e| {
        CertError::Key(format!(
            "not an Ed25519 public key in PEM (-----BEGIN PUBLIC KEY-----): {e}"
        ))
    })
}

/// A key's id: the SHA-256 of its SubjectPublicKeyInfo DER encoding, in lowercase hex (what
/// `openssl pkey -pubin -outform DER | sha256sum` prints).
pub fn key_id(key: &VerifyingKey) -> Result<String, CertError> {
    let der = key
        .to_public_key_der()
        .map_err(|e| CertError::Key(format!("cannot encode the public key: {e}")))?;
    Ok(Sha256::digest(der.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_through_their_files() {
        let key = generate();
        let plain = private_pem(&key, None).expect("pem");
        assert!(plain.starts_with("-----BEGIN PRIVATE KEY-----"));
        assert_eq!(
            read_private(&plain, None).expect("read").to_bytes(),
            key.to_bytes()
        );
        let public = public_pem(&key.verifying_key()).expect("pub");
        assert!(public.starts_with("-----BEGIN PUBLIC KEY-----"));
        assert_eq!(read_public(&public).expect("read"), key.verifying_key());
        assert_eq!(key_id(&key.verifying_key()).expect("id").len(), 64);
    }

    #[test]
    fn an_encrypted_key_needs_the_right_passphrase() {
        let key = generate();
        let pem = private_pem(&key, Some("correct horse")).expect("pem");
        assert!(is_encrypted(&pem));
        assert!(read_private(&pem, None).is_err());
        assert!(read_private(&pem, Some("wrong")).is_err());
        let back = read_private(&pem, Some("correct horse")).expect("decrypts");
        assert_eq!(back.to_bytes(), key.to_bytes());
    }

    #[test]
    fn garbage_is_refused_not_a_panic() {
        assert!(read_private("hello", None).is_err());
        assert!(
            read_public("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n").is_err()
        );
    }
}
