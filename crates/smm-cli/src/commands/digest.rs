//! `smm digest FILE`: the canonical content digest of a document.

use std::path::Path;

use smm_core::{content_digest, parse_document, Document};

use crate::failure::{Failure, Problem};
use crate::input::read_source;
use crate::output;

/// Runs the command.
pub fn run(path: &Path) -> Result<(), Failure> {
    let source = read_source(path)?;
    let document = parse_document(&source.text)
        .map_err(|d| Problem::from_diagnostics(path, &source.text, d))?;
    let digest = match &document {
        Document::TargetProfile(t) => content_digest(t.as_ref()),
        Document::Assessment(a) => content_digest(a.as_ref()),
        Document::Catalog(c) => content_digest(c.as_ref()),
        Document::Template(t) => content_digest(t.as_ref()),
        Document::Answers(a) => content_digest(a.as_ref()),
        Document::Scheme(s) => content_digest(s.as_ref()),
        Document::Mapping(m) => content_digest(m.as_ref()),
        Document::RiskScenarios(r) => content_digest(r.as_ref()),
        Document::Planning { content, .. } => content_digest(content),
    };
    output::print(&format!("{digest}  {}\n", path.display()));
    Ok(())
}
