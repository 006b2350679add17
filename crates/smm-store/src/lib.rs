//! Where a team's targets, assessments and evidence live: SQLite by default (one file, nothing to
//! install), PostgreSQL for teams at scale, behind one API.
//!
//! - Documents are stored as the YAML the CLI reads, byte for byte, with their content digest;
//!   every change is a new version, nothing is overwritten, and an update names the version it
//!   replaces so two editors never silently overwrite each other ([`Store::update_document`]).
//! - Evidence is stored content-addressed by SHA-256, with a size limit and a type check.
//! - Every change is appended to a hash-chained audit log ([`audit`]); the database refuses to
//!   update or delete an entry, and [`Store::verify_audit`] finds any entry changed or removed
//!   behind its back.
//! - People log in with passwords kept as argon2id hashes; CI uses API tokens scoped to one
//!   organization and role, kept as hashes and shown once ([`auth`]).
//! - Every read and write names the organization it acts for; an object of another organization
//!   is "not found", never returned.
#![deny(missing_docs)]

pub mod access;
pub mod audit;
pub mod auth;
pub mod certificates;
pub mod drafts;
mod evidence;
pub mod session;
mod store;
pub mod summary;
mod version_levels;

pub use access::{DocumentInfo, Grant, GrantedSystem, Page, PortfolioRow, SystemInfo, SystemKind};
pub use audit::{AuditEntry, AuditReport, ChainCheck};
pub use auth::{Role, TokenGrant, UserId};
pub use certificates::CertificateRecord;
pub use drafts::Draft;
pub use evidence::{EvidenceType, MAX_EVIDENCE_BYTES};
pub use store::{
    Backend, DocumentId, DocumentKind, OrganizationId, Store, StoredDocument, SystemId, VersionInfo,
};

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The object does not exist, or belongs to another organization.
    #[error("{0} not found")]
    NotFound(String),
    /// The document was changed since the version the caller read.
    #[error("version conflict: the document is at version {current}, the update was based on {expected}")]
    Conflict {
        /// The stored latest version.
        current: i64,
        /// The version the update was based on.
        expected: i64,
    },
    /// The input is not acceptable (malformed document, evidence too large or of a refused type).
    #[error("{0}")]
    Invalid(String),
    /// A name already taken.
    #[error("{0} already exists")]
    Exists(String),
    /// The database failed.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
}
