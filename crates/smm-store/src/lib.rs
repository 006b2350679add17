//! Where a team's targets, assessments and evidence live: SQLite by default (one file, nothing to
//! install), PostgreSQL for teams at scale, behind one API.
//!
//! - Documents are stored as the YAML the CLI reads, byte for byte, with their content digest and
//!   level summary. They arrive checked ([`smm_core::CheckedDocument`]: parsed, resolved,
//!   digested and summarized once, at the edge); the store never parses a document. Every
//!   change is a new version, nothing is overwritten, and an update names the version it
//!   replaces so two editors never silently overwrite each other ([`Store::update_document`]).
//! - Evidence is stored content-addressed by SHA-256, with a size limit and a type check.
//! - Every change is appended to a hash-chained audit log ([`audit`]); the database refuses to
//!   update or delete an entry, and [`Store::verify_audit`] finds any entry changed or removed
//!   behind its back.
//! - People log in with passwords kept as argon2id hashes; CI uses API tokens scoped to one
//!   organization and role, kept as hashes and shown once ([`auth`]).
//! - Organizations' signing keys are kept with their life (active, retired, revoked), their
//!   private parts only as the server sealed them; the administrator designates certification
//!   bodies ([`issuers`]).
//! - Every attestation is also kept in the public register ([`register`]): its searchable facts
//!   in columns, filled when it is stored, so a search never opens an envelope.
//! - [`backup`] copies a live store consistently (SQLite's `VACUUM INTO`, PostgreSQL's
//!   `pg_dump` of an exported snapshot) with the facts a restore is checked against.
//! - Every read and write names the organization it acts for; an object of another organization
//!   is "not found", never returned.
#![deny(missing_docs)]

pub mod access;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod certificates;
mod checkpoints;
mod direct;
pub mod drafts;
mod evidence;
mod exec;
mod files;
mod forms;
mod group_commit;
pub mod issuers;
pub mod members;
mod migrations;
pub mod offers;
pub mod oidc;
pub mod register;
pub mod session;
mod standing;
mod store;
pub mod summary;
pub mod tlog;
mod version_levels;
pub use version_levels::{VersionLevels, VersionToFill};

pub use access::{
    DocumentHome, DocumentInfo, Grant, GrantedSystem, Page, PortfolioRow, SystemInfo, SystemKind,
};
pub use audit::{audit_leaf, hex_of, AuditCheckpoint, AuditEntry, AuditReport, ChainCheck};
pub use auth::{Role, TokenGrant, UserId, MAX_TOKEN_DAYS};
pub use certificates::{CertificateRecord, NewAttestation};
pub use checkpoints::{
    KeptAuditCheckpoint, RecordedEvidence, RecordedVersion, SortedAuditCheckpoints,
};
pub use drafts::Draft;
pub use evidence::{EvidenceType, MAX_EVIDENCE_BYTES};
pub use files::{create_private_dir, sqlite_file};
pub use forms::{FormsCursor, PreparedForm, VersionToPrepare};
pub use group_commit::GroupedWrites;
pub use issuers::{
    IssuerKeys, KeyLife, KeyOrigin, NewSigningKey, OrganizationInfo, SealedKey, SigningKeyRecord,
};
pub use members::{Invitation, INVITATION_SECONDS};
pub use offers::GrantOffer;
pub use register::{RegisterEntry, RegisterFields, RegisterQuery, RegisterStatus};
pub use store::{
    Backend, DocumentId, DocumentKind, OrganizationId, Store, StoredDocument, SystemId, VersionInfo,
};
pub use tlog::{NewLogEntry, StoredLogEntry};

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
    /// The input is not acceptable (a new version of another kind than the document, evidence too
    /// large or of a refused type, a bad name).
    #[error("{0}")]
    Invalid(String),
    /// A name already taken.
    #[error("{0} already exists")]
    Exists(String),
    /// The change would leave an organization without an owner, so nobody could manage it.
    #[error(
        "the change would leave the organization without an owner: make someone else owner first"
    )]
    LastOwner,
    /// The database could not be reached, or was too busy to answer: worth trying again.
    #[error("database unavailable: {0}")]
    Unavailable(sqlx::Error),
    /// The database failed otherwise.
    #[error("database: {0}")]
    Database(sqlx::Error),
    /// Stored data is not as the store wrote it (a damaged or altered database).
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    /// A migration failed.
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// The database file could not be created.
    #[error("{}: cannot create the database file: {source}", path.display())]
    File {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl From<sqlx::Error> for StoreError {
    /// Sorts a driver error by kind, so that a broken rule of the schema reaches the caller as
    /// their mistake (a name taken, a reference to nothing) and only a database that cannot
    /// answer is called unavailable.
    fn from(e: sqlx::Error) -> StoreError {
        match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Exists("a record with that name or key".to_string())
            }
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                StoreError::Invalid("that refers to something that does not exist".to_string())
            }
            sqlx::Error::Database(db) if db.is_check_violation() => {
                StoreError::Invalid("that breaks a rule of the stored data".to_string())
            }
            sqlx::Error::Database(db) if is_busy(db.code().as_deref()) => {
                StoreError::Unavailable(e)
            }
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::WorkerCrashed => StoreError::Unavailable(e),
            _ => StoreError::Database(e),
        }
    }
}

/// SQLite's "busy" and "locked" (with their extended codes), and PostgreSQL's serialization,
/// deadlock and lock-not-available failures: the same request may well succeed a moment later.
fn is_busy(code: Option<&str>) -> bool {
    matches!(
        code,
        Some("5" | "6" | "261" | "262" | "517" | "40001" | "40P01" | "55P03")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_that_cannot_be_reached_is_unavailable_not_a_failure() {
        assert!(matches!(
            StoreError::from(sqlx::Error::PoolTimedOut),
            StoreError::Unavailable(_)
        ));
        assert!(matches!(
            StoreError::from(sqlx::Error::RowNotFound),
            StoreError::Database(_)
        ));
    }

    #[test]
    fn busy_codes_of_both_back_ends_are_recognised() {
        assert!(is_busy(Some("5")));
        assert!(is_busy(Some("40001")));
        assert!(!is_busy(Some("23505")));
        assert!(!is_busy(None));
    }
}
