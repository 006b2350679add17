//! A checked document's prepared form: the document as parsed, in CBOR, kept beside its text so
//! that whoever reads it again (a gap, a roadmap, a page) skips the YAML parse, which costs about
//! ten times as much as reading this form back.
//!
//! The text stays the truth; the form is derived from it and may be missing, old or damaged. So
//! [`read`] answers `None` unless the bytes were written by this release's types, and the
//! reader then parses the text as before. Every form starts with a key: a format number, bumped
//! by hand when a hand-written binary form changes (`Located`'s), and a digest of the JSON Schema
//! of [`Assessment`] and [`TargetProfile`], which changes by itself whenever a field or a serde
//! attribute of theirs does.

use std::sync::OnceLock;

use serde::de::DeserializeOwned;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{Assessment, TargetProfile};

/// Bump when a hand-written serde form inside a document changes (the derived ones are covered
/// by the schema digest).
const FORMAT: u8 = 1;
/// `smm`, the format, then eight bytes of the schema digest.
const KEY_LEN: usize = 3 + 1 + 8;

/// A document kind that has a prepared form.
pub trait Prepared: Serialize + DeserializeOwned + private::Sealed {}
impl Prepared for Assessment {}
impl Prepared for TargetProfile {}

mod private {
    pub trait Sealed {}
    impl Sealed for super::Assessment {}
    impl Sealed for super::TargetProfile {}
}

/// The key that starts every form this build writes, computed once. A form that starts with
/// another one is not read, so a store that leaves out the text of a version with a form reads
/// the text again when the form turns out another build's or damaged.
pub fn key() -> &'static [u8; KEY_LEN] {
    static KEY: OnceLock<[u8; KEY_LEN]> = OnceLock::new();
    KEY.get_or_init(|| {
        let mut hash = Sha256::new();
        for schema in [
            schemars::schema_for!(Assessment),
            schemars::schema_for!(TargetProfile),
        ] {
            // A schema is a JSON value; its text is stable for one set of types.
            hash.update(schema.as_value().to_string().as_bytes());
        }
        let digest = hash.finalize();
        let mut key = [0u8; KEY_LEN];
        key[..3].copy_from_slice(b"smm");
        key[3] = FORMAT;
        key[4..].copy_from_slice(&digest[..8]);
        key
    })
}

/// The key a form starts with, or `None` for bytes too short to hold one: what a store keeps
/// beside the form to tell, without reading the form, whether this release reads it.
pub fn key_of(form: &[u8]) -> Option<&[u8]> {
    form.get(..KEY_LEN)
}

/// The prepared form of a document as parsed from its text.
pub fn prepare<T: Prepared>(document: &T) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(8 * 1024);
    bytes.extend_from_slice(key());
    // A document has a CBOR form (every value in it is a string, a number, a list or a map of
    // them); writing to a Vec cannot fail otherwise.
    cbor4ii::serde::to_vec(bytes, document).expect("a document has a CBOR form")
}

/// The document back from its prepared form, or `None` when the form was written by other
/// types than this build's or is damaged: the caller then parses the text.
pub fn read<T: Prepared>(bytes: &[u8]) -> Option<T> {
    let body = bytes.strip_prefix(key().as_slice())?;
    cbor4ii::serde::from_slice(body).ok()
}

#[cfg(test)]
mod tests;
