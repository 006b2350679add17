//! The transparency log: every attestation and revocation appended to a Merkle tree (RFC 9162)
//! whose signed checkpoints (C2SP tlog-checkpoint, as signed notes) let anyone check that what
//! they are shown is in the log, and that the log only ever grew. See docs/transparency.md.
//!
//! - [`merkle`]: hashing, roots, inclusion and consistency proofs, made and checked.
//! - [`note`]: signed notes, the log's signatures and witnesses' cosignatures.
//! - [`checkpoint`]: the checkpoint text and its signing.
//! - [`entry`]: what an entry records (an attestation or a revocation) and its bytes.
//! - [`frontier`]: the right edge of the tree, all a follower keeps to extend it.
//! - [`proof`]: the log proof a holder keeps beside an attestation, checked offline.

pub mod checkpoint;
pub mod entry;
pub mod frontier;
pub mod merkle;
pub mod note;
pub mod proof;
pub mod tiles;

pub use checkpoint::Checkpoint;
pub use entry::LogEntry;
pub use frontier::{advance, Frontier};
pub use merkle::{Hash, HashSource, Levels, NodeId};
pub use note::{Note, NoteVerifier};
pub use proof::{LogProof, LOG_PROOF_TYPE};

/// Why a log operation or check failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TlogError {
    /// A hash the log should hold is not there.
    #[error("the log is missing the {0}")]
    Missing(String),
    /// An index or size outside the tree.
    #[error("{0}")]
    Range(String),
    /// A proof that does not check.
    #[error("{0}")]
    Proof(String),
    /// A malformed note, checkpoint or key.
    #[error("{0}")]
    Invalid(String),
    /// A missing or bad signature.
    #[error("{0}")]
    Signature(String),
}
