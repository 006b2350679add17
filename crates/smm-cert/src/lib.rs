//! Certificates for IoT SMM profiles: a certification body states, with its Ed25519 key, that
//! named products (or a product line) conform to a target profile, binding target and
//! assessments by content digest; anyone with the public key verifies it offline.
//!
//! - [`keys`]: key pairs in standard PEM files (PKCS#8, optionally encrypted; SPKI).
//! - [`dsse`]: the DSSE envelope and its pre-authentication encoding.
//! - [`certificate`]: the in-toto statement and issuing (refused unless every practice meets the
//!   target and no finding is open).
//! - [`issuers`]: the published document of every issuer's keys, their life and standing.
//! - [`verify`]: verification, check by check.
//! - [`revocation`]: signed revocation lists.
//!
//! The format is specified in docs/certificates.md precisely enough to verify without smm.
#![deny(missing_docs)]

pub mod certificate;
pub mod dsse;
pub mod issuers;
pub mod keys;
pub mod revocation;
pub mod tlog;
pub mod verify;

pub use certificate::{
    issue, Attestation, IssueRequest, IssuerName, Scope, Statement, TargetApproval,
};
pub use dsse::Envelope;
/// The key types, so users of this crate need not depend on ed25519-dalek themselves.
pub use ed25519_dalek::{SigningKey, VerifyingKey};
pub use issuers::IssuersDocument;
pub use smm_core::scheme::AttestationKind;
pub use verify::{verify, Report, Trust, VerifyInput};

/// Why a key, certificate or list could not be made or read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CertError {
    /// A key file problem.
    #[error("{0}")]
    Key(String),
    /// A malformed or tampered envelope or payload.
    #[error("{0}")]
    Invalid(String),
    /// The certificate cannot be issued, for these reasons.
    #[error("refused: {}", .0.join("; "))]
    Refused(Vec<String>),
}
