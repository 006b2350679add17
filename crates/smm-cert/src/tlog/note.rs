//! Signed notes as the C2SP signed-note specification defines them: a text, a blank line, then
//! one line per signature (`— <key name> <base64 of key id and signature>`). This is how Go's
//! checksum database and the transparency logs of the web sign their checkpoints, so a monitor or
//! witness written for those reads ours unchanged.
//!
//! Two signature types are used: plain Ed25519 (type 0x01) for the log's own checkpoints, and
//! timestamped Ed25519 cosignatures (type 0x04, C2SP tlog-cosignature) for witnesses.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

use super::TlogError;

/// The signature type of a plain Ed25519 note signature.
const ED25519: u8 = 0x01;
/// The signature type of a timestamped witness cosignature.
const COSIGNATURE: u8 = 0x04;
/// More signatures than this and a note is refused rather than checked one by one.
const MAX_SIGNATURES: usize = 100;

/// A key's name and public key, as verifiers of notes know it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteVerifier {
    /// The name written on every signature line (for a log, its origin).
    pub name: String,
    /// The Ed25519 public key.
    pub key: VerifyingKey,
    /// 0x01 for a log's signatures, 0x04 for a witness's cosignatures.
    kind: u8,
}

impl NoteVerifier {
    /// The verifier of a log's checkpoints, signed with `key` under `name`.
    pub fn ed25519(name: &str, key: VerifyingKey) -> Result<NoteVerifier, TlogError> {
        check_name(name)?;
        Ok(NoteVerifier {
            name: name.to_string(),
            key,
            kind: ED25519,
        })
    }

    /// The verifier of a witness's cosignatures.
    pub fn cosigner(name: &str, key: VerifyingKey) -> Result<NoteVerifier, TlogError> {
        check_name(name)?;
        Ok(NoteVerifier {
            name: name.to_string(),
            key,
            kind: COSIGNATURE,
        })
    }

    /// Whether this verifies a log's own signatures (type 0x01), not a witness's cosignatures.
    pub fn is_log_key(&self) -> bool {
        self.kind == ED25519
    }

    /// The four bytes that tie a signature line to this key and type.
    pub fn key_id(&self) -> [u8; 4] {
        key_id(&self.name, self.kind, &self.key)
    }

    /// The verifier key in its text form, `<name>+<key id in hex>+<base64 of type and key>`,
    /// which Go's `note.NewVerifier` and other tools accept.
    pub fn encode(&self) -> String {
        let mut raw = vec![self.kind];
        raw.extend_from_slice(self.key.as_bytes());
        let id: String = self.key_id().iter().map(|b| format!("{b:02x}")).collect();
        format!("{}+{id}+{}", self.name, STANDARD.encode(raw))
    }

    /// Reads the text form back, checking that the id in it is the key's.
    pub fn decode(text: &str) -> Result<NoteVerifier, TlogError> {
        let bad = |why: &str| TlogError::Invalid(format!("verifier key {text:?}: {why}"));
        let mut parts = text.splitn(3, '+');
        let (Some(name), Some(id), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad("expected <name>+<key id>+<key>"));
        };
        check_name(name)?;
        let raw = STANDARD
            .decode(key)
            .map_err(|_| bad("the key is not base64"))?;
        let (kind, key_bytes) = raw.split_first().ok_or_else(|| bad("the key is empty"))?;
        if *kind != ED25519 && *kind != COSIGNATURE {
            return Err(bad("only Ed25519 keys (type 0x01 or 0x04) are supported"));
        }
        let bytes: [u8; 32] = key_bytes
            .try_into()
            .map_err(|_| bad("an Ed25519 key is 32 bytes"))?;
        let key = VerifyingKey::from_bytes(&bytes).map_err(|_| bad("not an Ed25519 key"))?;
        let verifier = NoteVerifier {
            name: name.to_string(),
            key,
            kind: *kind,
        };
        let expected: String = verifier
            .key_id()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        if id != expected {
            return Err(bad("the key id does not match the key"));
        }
        Ok(verifier)
    }
}

/// A key name: not empty, no spaces of any kind, no `+` (which separates the verifier key's parts).
pub fn check_name(name: &str) -> Result<(), TlogError> {
    if name.is_empty() || name.contains('+') || name.chars().any(char::is_whitespace) {
        return Err(TlogError::Invalid(format!(
            "key name {name:?}: it must be non-empty, without spaces or '+'"
        )));
    }
    Ok(())
}

fn key_id(name: &str, kind: u8, key: &VerifyingKey) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([kind]);
    h.update(key.as_bytes());
    let digest = h.finalize();
    [digest[0], digest[1], digest[2], digest[3]]
}

/// A note's text must end with a newline and carry no control characters but newlines.
fn check_text(text: &str) -> Result<(), TlogError> {
    if !text.ends_with('\n') {
        return Err(TlogError::Invalid(
            "a note's text must end with a newline".into(),
        ));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(TlogError::Invalid(
            "a note's text may not contain control characters".into(),
        ));
    }
    Ok(())
}

/// One signature line of a note, not yet checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteSignature {
    /// The key name it names.
    pub name: String,
    /// The key id and the signature bytes (for a cosignature, with its timestamp between them).
    pub raw: Vec<u8>,
}

impl NoteSignature {
    fn line(&self) -> String {
        format!("\u{2014} {} {}\n", self.name, STANDARD.encode(&self.raw))
    }
}

/// A note split into its text and signature lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The signed text, ending with a newline.
    pub text: String,
    /// Its signatures, in the order written.
    pub signatures: Vec<NoteSignature>,
}

impl Note {
    /// Signs a text with a log's key under `name`.
    pub fn sign(text: &str, name: &str, key: &SigningKey) -> Result<Note, TlogError> {
        check_text(text)?;
        let verifier = NoteVerifier::ed25519(name, key.verifying_key())?;
        let mut raw = verifier.key_id().to_vec();
        raw.extend_from_slice(&key.sign(text.as_bytes()).to_bytes());
        Ok(Note {
            text: text.to_string(),
            signatures: vec![NoteSignature {
                name: name.to_string(),
                raw,
            }],
        })
    }

    /// Adds a witness's cosignature of a checkpoint note at `time` (seconds since the Unix
    /// epoch): it signs `cosignature/v1`, the time, and the checkpoint's text.
    pub fn cosign(&mut self, name: &str, key: &SigningKey, time: u64) -> Result<(), TlogError> {
        let verifier = NoteVerifier::cosigner(name, key.verifying_key())?;
        let message = cosigned_message(time, &self.text);
        let mut raw = verifier.key_id().to_vec();
        raw.extend_from_slice(&time.to_be_bytes());
        raw.extend_from_slice(&key.sign(message.as_bytes()).to_bytes());
        self.signatures
            .retain(|s| s.name != name || s.raw.get(..4) != Some(&raw[..4]));
        self.signatures.push(NoteSignature {
            name: name.to_string(),
            raw,
        });
        Ok(())
    }

    /// The note as text: the text, a blank line, the signature lines.
    pub fn encode(&self) -> String {
        let mut out = self.text.clone();
        out.push('\n');
        for s in &self.signatures {
            out.push_str(&s.line());
        }
        out
    }

    /// Splits a note into text and signatures, checking only its shape.
    pub fn parse(note: &str) -> Result<Note, TlogError> {
        let bad = |why: &str| TlogError::Invalid(format!("not a signed note: {why}"));
        let split = note
            .rfind("\n\n")
            .ok_or_else(|| bad("no blank line before the signatures"))?;
        let (text, rest) = (&note[..=split], &note[split + 2..]);
        check_text(text)?;
        if !rest.ends_with('\n') {
            return Err(bad("the last signature line must end with a newline"));
        }
        let mut signatures = Vec::new();
        for line in rest[..rest.len() - 1].split('\n') {
            let body = line
                .strip_prefix("\u{2014} ")
                .ok_or_else(|| bad("a signature line must start with an em dash and a space"))?;
            let (name, sig) = body
                .rsplit_once(' ')
                .ok_or_else(|| bad("a signature line is `— <name> <signature>`"))?;
            check_name(name)?;
            let raw = STANDARD
                .decode(sig)
                .map_err(|_| bad("a signature is not base64"))?;
            if raw.len() < 5 {
                return Err(bad("a signature is too short"));
            }
            signatures.push(NoteSignature {
                name: name.to_string(),
                raw,
            });
            if signatures.len() > MAX_SIGNATURES {
                return Err(bad("too many signatures"));
            }
        }
        if signatures.is_empty() {
            return Err(bad("no signature"));
        }
        Ok(Note {
            text: text.to_string(),
            signatures,
        })
    }

    /// Checks the signature of `verifier` on this note: present and valid. For a cosigner,
    /// returns the time it cosigned at. A signature by an unknown key is ignored, as the
    /// specification asks; one that claims the verifier's name and id but does not verify is an
    /// error.
    pub fn verify(&self, verifier: &NoteVerifier) -> Result<Option<u64>, TlogError> {
        let id = verifier.key_id();
        let mine: Vec<&NoteSignature> = self
            .signatures
            .iter()
            .filter(|s| s.name == verifier.name && s.raw[..4] == id)
            .collect();
        let Some(signature) = mine.first() else {
            return Err(TlogError::Signature(format!(
                "no signature by {} on the note",
                verifier.name
            )));
        };
        let bad = || {
            TlogError::Signature(format!(
                "the signature by {} does not verify",
                verifier.name
            ))
        };
        let rest = &signature.raw[4..];
        let (time, sig, message) = if verifier.kind == COSIGNATURE {
            if rest.len() != 72 {
                return Err(bad());
            }
            let mut t = [0u8; 8];
            t.copy_from_slice(&rest[..8]);
            let time = u64::from_be_bytes(t);
            (Some(time), &rest[8..], cosigned_message(time, &self.text))
        } else {
            (None, rest, self.text.clone())
        };
        let sig = Signature::from_slice(sig).map_err(|_| bad())?;
        verifier
            .key
            .verify(message.as_bytes(), &sig)
            .map_err(|_| bad())?;
        Ok(time)
    }
}

/// What a witness signs: the cosignature header, the time, then the checkpoint's text.
fn cosigned_message(time: u64, checkpoint: &str) -> String {
    format!("cosignature/v1\ntime {time}\n{checkpoint}")
}
