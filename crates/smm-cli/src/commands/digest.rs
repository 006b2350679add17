//! `smm digest FILE`: the canonical content digest of a document.

use std::path::Path;

use schemars::JsonSchema;
use serde::Serialize;
use smm_core::{content_digest, parse_document, Document};

use crate::failure::{Failure, Problem};
use crate::input::read_source;
use crate::output;

/// `smm digest --json`: the document and its digest.
#[derive(Serialize, JsonSchema)]
pub struct DigestJson {
    /// The file, as given.
    pub path: String,
    /// The document's `kind` (`TargetProfile`, `Assessment`, ...), named apart from this
    /// output's own `kind` (`Digest`).
    pub document_kind: String,
    /// The SHA-256 of the document's RFC 8785 canonical JSON, in lowercase hex: what an
    /// assessment names its target by.
    pub sha256: String,
}

/// Runs the command.
pub fn run(path: &Path, json: bool) -> Result<(), Failure> {
    let source = read_source(path)?;
    let document = parse_document(&source.text)
        .map_err(|d| Problem::from_diagnostics(path, &source.text, d))?;
    let (kind, digest) = match &document {
        Document::TargetProfile(t) => ("TargetProfile".to_string(), content_digest(t.as_ref())),
        Document::Assessment(a) => ("Assessment".to_string(), content_digest(a.as_ref())),
        Document::Catalog(c) => ("Catalog".to_string(), content_digest(c.as_ref())),
        Document::Template(t) => ("Template".to_string(), content_digest(t.as_ref())),
        Document::Answers(a) => ("Answers".to_string(), content_digest(a.as_ref())),
        Document::Scheme(s) => ("Scheme".to_string(), content_digest(s.as_ref())),
        Document::Mapping(m) => ("Mapping".to_string(), content_digest(m.as_ref())),
        Document::RiskScenarios(r) => ("RiskScenarios".to_string(), content_digest(r.as_ref())),
        Document::Planning { kind, content } => (format!("{kind:?}"), content_digest(content)),
    };
    if json {
        output::print_tagged_json(
            "Digest",
            &DigestJson {
                path: path.display().to_string(),
                document_kind: kind,
                sha256: digest,
            },
        );
    } else {
        output::print(&format!("{digest}  {}\n", path.display()));
    }
    Ok(())
}
