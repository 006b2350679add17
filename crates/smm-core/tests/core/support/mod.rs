//! What the core's integration tests share: the built-in catalog parsed once, and the examples
//! read from the repository and carried through resolution and checking.
//!
//! Every test file declares `mod support;` and uses part of it: an item one file does not use
//! is not a warning.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::LazyLock;

use smm_core::document::Assessment;
use smm_core::{
    current_profile, parse_assessment, parse_target, resolve, Catalog, CurrentProfile,
    ResolvedTarget,
};

/// The built-in catalog, parsed once: parsing it dominates a property test's cases otherwise.
pub static CATALOG: LazyLock<Catalog> = LazyLock::new(Catalog::builtin);

/// The examples, each with a target, an assessment and the interview's answers.
pub const EXAMPLES: [&str; 4] = ["bottling-line", "hvac", "ota-gateway", "home-cameras"];

/// The repository's root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The text of a file given by its path from the repository root.
pub fn read(path: &str) -> String {
    let full = root().join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// The text of `examples/NAME/FILE`.
pub fn example(name: &str, file: &str) -> String {
    read(&format!("examples/{name}/{file}"))
}

/// The example's target profile, resolved against the built-in catalog.
pub fn resolved_target(name: &str) -> ResolvedTarget {
    let target = parse_target(&example(name, "target.yaml"))
        .unwrap_or_else(|e| panic!("{name} target: {e}"));
    resolve(&CATALOG, &target).unwrap_or_else(|e| panic!("{name} target: {e}"))
}

/// The example's assessment, and its current profile.
pub fn assessed(name: &str) -> (Assessment, CurrentProfile) {
    let assessment = parse_assessment(&example(name, "assessment.yaml"))
        .unwrap_or_else(|e| panic!("{name} assessment: {e}"));
    let current =
        current_profile(&CATALOG, &assessment).unwrap_or_else(|e| panic!("{name} assessment: {e}"));
    (assessment, current)
}
