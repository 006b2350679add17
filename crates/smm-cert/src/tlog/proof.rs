//! The log proof a holder keeps beside an attestation: which log, the attestation's index in it,
//! the inclusion proof, and the signed checkpoint the proof leads to. With the log's public key it
//! shows, offline, that the attestation was published: the log's signature covers the root, and
//! the proof ties the attestation's own bytes to that root.
//!
//! It is a small JSON document (`_type` [`LOG_PROOF_TYPE`]), specified in docs/formats.md.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use super::checkpoint::Checkpoint;
use super::entry::LogEntry;
use super::merkle::{verify_inclusion, Hash};
use super::note::{Note, NoteVerifier};
use super::TlogError;
use crate::dsse::Envelope;

/// The document's type field.
pub const LOG_PROOF_TYPE: &str = "urn:smm:log-proof:v1";

/// The file as written: hashes in base64, the checkpoint as its signed note.
#[derive(Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct LogProofFile {
    #[serde(rename = "_type")]
    document_type: String,
    origin: String,
    index: u64,
    inclusion: Vec<String>,
    checkpoint: String,
}

/// A proof that one attestation is in a log, read and checked for shape (not yet for truth: see
/// [`LogProof::verify`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogProof {
    /// The log's name, its checkpoints' first line.
    pub origin: String,
    /// The attestation's entry, from 0.
    pub index: u64,
    /// The audit path of that entry at the checkpoint's size, nearest the leaf first.
    pub inclusion: Vec<Hash>,
    /// The signed checkpoint, as the log served it.
    pub checkpoint: String,
}

/// What a proof that verified established.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Included {
    /// The log's name.
    pub origin: String,
    /// The attestation's entry.
    pub index: u64,
    /// The checkpoint it was proved against (signed by the log's key).
    pub checkpoint: Checkpoint,
}

impl LogProof {
    /// Reads the JSON document: its type, base64 hashes of 32 bytes, and a checkpoint note of the
    /// origin it names.
    pub fn from_json(text: &str) -> Result<LogProof, TlogError> {
        let bad = |why: String| TlogError::Invalid(format!("not a log proof: {why}"));
        let file: LogProofFile = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
        if file.document_type != LOG_PROOF_TYPE {
            return Err(bad(format!(
                "`_type` is `{}`, expected `{LOG_PROOF_TYPE}`",
                file.document_type
            )));
        }
        let inclusion = file
            .inclusion
            .iter()
            .enumerate()
            .map(|(i, h)| {
                STANDARD
                    .decode(h)
                    .ok()
                    .and_then(|b| Hash::try_from(b).ok())
                    .filter(|b| STANDARD.encode(b) == *h)
                    .ok_or_else(|| {
                        bad(format!(
                            "inclusion[{i}] is not a 32-byte hash in canonical base64"
                        ))
                    })
            })
            .collect::<Result<Vec<Hash>, TlogError>>()?;
        let note = Note::parse(&file.checkpoint).map_err(|e| bad(format!("checkpoint: {e}")))?;
        let checkpoint =
            Checkpoint::parse(&note.text).map_err(|e| bad(format!("checkpoint: {e}")))?;
        if checkpoint.origin != file.origin {
            return Err(bad(format!(
                "its origin is {:?} but its checkpoint is of log {:?}",
                file.origin, checkpoint.origin
            )));
        }
        Ok(LogProof {
            origin: file.origin,
            index: file.index,
            inclusion,
            checkpoint: file.checkpoint,
        })
    }

    /// The JSON document, as a holder keeps it.
    pub fn to_json(&self) -> String {
        let file = LogProofFile {
            document_type: LOG_PROOF_TYPE.to_string(),
            origin: self.origin.clone(),
            index: self.index,
            inclusion: self.inclusion.iter().map(|h| STANDARD.encode(h)).collect(),
            checkpoint: self.checkpoint.clone(),
        };
        // Strings and numbers only: serializing cannot fail.
        serde_json::to_string_pretty(&file).unwrap_or_default()
    }

    /// Checks, offline, that `envelope` is entry [`LogProof::index`] of the log `log` names: the
    /// checkpoint is signed by the log's key, and the inclusion proof leads from the entry the
    /// store appended for this envelope (rebuilt from the envelope's own bytes) to the
    /// checkpoint's root.
    pub fn verify(&self, envelope: &Envelope, log: &NoteVerifier) -> Result<Included, TlogError> {
        if self.origin != log.name {
            return Err(TlogError::Signature(format!(
                "the proof is from log {:?}, but the log key given is of {:?}",
                self.origin, log.name
            )));
        }
        let (checkpoint, _) = Checkpoint::open(&self.checkpoint, log).map_err(|e| match e {
            TlogError::Signature(why) => {
                TlogError::Signature(format!("the checkpoint is not the log's: {why}"))
            }
            other => other,
        })?;
        let leaf = LogEntry::Attestation {
            envelope: envelope.clone(),
        }
        .leaf_hash();
        verify_inclusion(
            &leaf,
            self.index,
            checkpoint.size,
            &self.inclusion,
            &checkpoint.root,
        )
        .map_err(|e| {
            TlogError::Proof(format!(
                "this attestation is not entry {} of the log at size {}: {e}",
                self.index, checkpoint.size
            ))
        })?;
        Ok(Included {
            origin: self.origin.clone(),
            index: self.index,
            checkpoint,
        })
    }
}

/// Adds the transparency-log check to a verification report: passed when `proof` verifies for
/// `envelope` with the log's key, failed with the reason when it does not, and failed when no
/// proof is given but one is `required`. Without a proof and not required nothing is added (the
/// caller says the log was not checked). Returns what the proof established, when it held.
pub fn check_log(
    report: &mut crate::verify::Report,
    envelope: &Envelope,
    proof: Option<(&LogProof, &NoteVerifier)>,
    required: bool,
) -> Option<Included> {
    use crate::verify::Check;
    match proof {
        None => {
            if required {
                report.checks.push(Check {
                    ok: false,
                    what: "log: no log proof was given, and one is required: without it nothing \
                           shows the attestation was published in a transparency log"
                        .to_string(),
                });
            }
            None
        }
        Some((proof, log)) => match proof.verify(envelope, log) {
            Ok(included) => {
                let id: String = log.key_id().iter().map(|b| format!("{b:02x}")).collect();
                report.checks.push(Check {
                    ok: true,
                    what: format!(
                        "log: entry {} of log {}, proved against its checkpoint of size {} \
                         (root {}) signed by the log's key {id}",
                        included.index,
                        included.origin,
                        included.checkpoint.size,
                        STANDARD.encode(included.checkpoint.root)
                    ),
                });
                Some(included)
            }
            Err(e) => {
                report.checks.push(Check {
                    ok: false,
                    what: format!("log: {e}"),
                });
                None
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsse::{sign, IN_TOTO_PAYLOAD_TYPE};
    use crate::keys::generate;
    use crate::tlog::merkle::inclusion_proof;
    use crate::tlog::Levels;

    /// A log of five entries whose third is `envelope`, its key, and the proof of that entry.
    fn logged() -> (Envelope, LogProof, NoteVerifier) {
        let signer = generate();
        let envelope = sign(IN_TOTO_PAYLOAD_TYPE, b"{\"a\":1}", &signer).expect("sign");
        let mut levels = Levels::new();
        for i in 0..5u8 {
            let entry = if i == 2 {
                LogEntry::Attestation {
                    envelope: envelope.clone(),
                }
            } else {
                LogEntry::Revocation {
                    serial: format!("{i}"),
                    issuer: "org-1".into(),
                    reason: "test".into(),
                    revoked_at: "2026-01-01T00:00:00Z".into(),
                }
            };
            levels.push(entry.leaf_hash());
        }
        let log_key = generate();
        let checkpoint = Checkpoint {
            origin: "example.org/log".into(),
            size: 5,
            root: levels.root(5).expect("root"),
            extensions: Vec::new(),
        };
        let note = checkpoint.sign(&log_key).expect("sign").encode();
        let proof = LogProof {
            origin: "example.org/log".into(),
            index: 2,
            inclusion: inclusion_proof(&levels, 2, 5).expect("proof"),
            checkpoint: note,
        };
        let verifier =
            NoteVerifier::ed25519("example.org/log", log_key.verifying_key()).expect("verifier");
        (envelope, proof, verifier)
    }

    #[test]
    fn a_proof_round_trips_and_verifies_offline() {
        let (envelope, proof, verifier) = logged();
        let read = LogProof::from_json(&proof.to_json()).expect("read back");
        assert_eq!(read, proof);
        let included = read.verify(&envelope, &verifier).expect("verifies");
        assert_eq!((included.index, included.checkpoint.size), (2, 5));
    }

    #[test]
    fn another_envelope_index_key_or_checkpoint_fails() {
        let (envelope, proof, verifier) = logged();
        let other = sign(IN_TOTO_PAYLOAD_TYPE, b"{\"a\":2}", &generate()).expect("sign");
        let err = proof.verify(&other, &verifier).expect_err("not in the log");
        assert!(err.to_string().contains("not entry 2"), "{err}");

        let mut moved = proof.clone();
        moved.index = 3;
        assert!(moved.verify(&envelope, &verifier).is_err());

        let stranger =
            NoteVerifier::ed25519("example.org/log", generate().verifying_key()).expect("key");
        let err = proof.verify(&envelope, &stranger).expect_err("another key");
        assert!(err.to_string().contains("not the log's"), "{err}");

        let mut tampered = proof.clone();
        tampered.checkpoint = tampered.checkpoint.replacen("\n5\n", "\n4\n", 1);
        let err = tampered.verify(&envelope, &verifier).expect_err("tampered");
        assert!(err.to_string().contains("does not verify"), "{err}");
    }

    #[test]
    fn a_malformed_proof_file_is_refused_with_the_reason() {
        let (_, proof, _) = logged();
        let json = proof.to_json();
        for (from, to, why) in [
            ("urn:smm:log-proof:v1", "urn:other", "`_type`"),
            (
                "\"origin\": \"example.org/log\"",
                "\"origin\": \"elsewhere\"",
                "its origin",
            ),
            ("\"index\": 2", "\"index\": -2", "invalid value"),
        ] {
            let err = LogProof::from_json(&json.replacen(from, to, 1)).expect_err(why);
            assert!(err.to_string().contains(why), "{err}");
        }
        let mut short = proof;
        short.inclusion[0] = [0; 32];
        let text =
            short
                .to_json()
                .replacen("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "AAAA", 1);
        let err = LogProof::from_json(&text).expect_err("short hash");
        assert!(err.to_string().contains("inclusion[0]"), "{err}");
    }
}
