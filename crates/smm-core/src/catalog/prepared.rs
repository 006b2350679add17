//! The built-in catalog prepared at build time, so that a command does not parse YAML at start.
//!
//! [`prepare`] checks a catalog and writes it as CBOR: the catalog as written, each `Located`
//! value with its line and column. [`Catalog::from_prepared`] reads that back and runs the same
//! checks and index building as [`parse_catalog`]. CBOR because it describes itself:
//! the catalog's rules hold an untagged operand that a schema-driven format such as postcard
//! cannot read back.

use super::load::{checked, CatalogFile};
use super::{parse_catalog, Catalog};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::located::Position;

/// Reads a catalog prepared by [`prepare`] and checks it as [`parse_catalog`] checks YAML.
///
/// The checks and the index cost a fraction of what reading 150 kB of YAML does, and running them
/// here keeps the rule that only checked catalogs exist, whatever the bytes are.
pub(super) fn read_prepared(bytes: &[u8]) -> Result<Catalog, Diagnostics> {
    let file: CatalogFile = cbor4ii::serde::from_slice(bytes).map_err(|e| {
        Diagnostics::from(Diagnostic::new(
            Position::new(1, 1),
            "",
            format!("the prepared catalog cannot be read: {e}"),
        ))
    })?;
    checked(file)
}

/// The catalog in `source` (YAML or JSON), checked, in the compact binary form that
/// [`Catalog::from_prepared`] reads: the catalog as written, every position included.
///
/// A build script runs this on the built-in catalog so that a command does not parse YAML at
/// start; a catalog that does not pass the checks is refused here, at build time.
pub fn prepare(source: &str) -> Result<Vec<u8>, Diagnostics> {
    let catalog = parse_catalog(source)?;
    // Writing to a Vec fails only for a value without a CBOR form; the catalog has none.
    cbor4ii::serde::to_vec(Vec::new(), &catalog).map_err(|e| {
        Diagnostics::from(Diagnostic::new(
            Position::new(1, 1),
            "",
            format!("the catalog cannot be prepared: {e}"),
        ))
    })
}

#[cfg(test)]
mod tests;
