//! Content digests: SHA-256 over the RFC 8785 canonical JSON of a parsed document.
//!
//! Digesting the parsed document rather than its bytes means comments, key order, quoting and
//! `2` versus `ad-hoc` do not change a digest, while any change of meaning does. An assessment
//! pins its target this way, and certificates will pin both.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::document::{Assessment, TargetProfile};

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The canonical JSON text of a document (RFC 8785).
pub fn canonical_json<T: Serialize>(document: &T) -> String {
    // Our document types serialize to plain JSON values (string keys, no NaN), which the
    // canonical form always accepts; an error here would be a defect in our types.
    crate::canonical::to_string(document)
        .unwrap_or_else(|e| panic!("document not serializable as JSON: {e}"))
}

/// The content digest of a document.
pub fn content_digest<T: Serialize>(document: &T) -> String {
    sha256_hex(canonical_json(document).as_bytes())
}

/// Checks that an assessment names this target by its digest.
pub fn check_target_digest(
    assessment: &Assessment,
    target: &TargetProfile,
) -> Result<(), Diagnostics> {
    check_known_target_digest(assessment, target, &content_digest(target))
}

/// [`check_target_digest`] for a target whose content digest is known already: a store keeps
/// each version's digest beside it, computed by [`content_digest`] when the version was checked,
/// and serializing the target again to hash it costs a reader as much as reading it.
pub fn check_known_target_digest(
    assessment: &Assessment,
    target: &TargetProfile,
    actual: &str,
) -> Result<(), Diagnostics> {
    let written = &assessment.target.sha256;
    if written.value == actual {
        return Ok(());
    }
    Err(Diagnostic::new(
        written.at,
        "target.sha256",
        format!(
            "the target's digest does not match: the assessment names {}, the target `{}` has {}",
            written.value, target.name.value, actual
        ),
    )
    .with_help("the target changed after the assessment; reassess, or update the digest with `smm digest` if the change does not affect it")
    .into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_ignores_formatting_but_not_meaning() {
        let a = "smm: 1\nkind: TargetProfile\nname: x\nsystem: s\nrole: vendor\ndate: 2026-01-01\ncatalog: {id: iot-smm, version: '1.2'}\ngoals:\n  governance: {statement: g, comprehensiveness: 2, scope: general}\n";
        let b = "# a comment\nkind: TargetProfile\nsmm: 1\nname: \"x\"\nsystem: s\nrole: vendor\ndate: 2026-01-01\ncatalog:\n  version: \"1.2\"\n  id: iot-smm\ngoals:\n  governance:\n    statement: g\n    comprehensiveness: ad-hoc\n    scope: G\n";
        let c = a.replace("comprehensiveness: 2", "comprehensiveness: 3");
        let parse = |s: &str| {
            crate::document::parse_target(s)
                .map(|t| content_digest(&t))
                .expect("valid")
        };
        assert_eq!(parse(a), parse(b));
        assert_ne!(parse(a), parse(&c));
        assert_eq!(parse(a).len(), 64);
    }
}
