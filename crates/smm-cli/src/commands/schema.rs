//! `smm schema KIND`: the JSON Schema of a document kind, generated from the Rust types.

use schemars::generate::SchemaSettings;
use smm_core::document::{Assessment, TargetProfile};

use crate::cli::SchemaKind;
use crate::output;

/// The schema text for `kind`, as committed under `schemas/`.
pub fn schema_text(kind: SchemaKind) -> String {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let schema = match kind {
        SchemaKind::TargetProfile => generator.into_root_schema_for::<TargetProfile>(),
        SchemaKind::Assessment => generator.into_root_schema_for::<Assessment>(),
        SchemaKind::Scheme => generator.into_root_schema_for::<smm_core::scheme::Scheme>(),
        SchemaKind::Mapping => generator.into_root_schema_for::<smm_core::mapping::Mapping>(),
        SchemaKind::RiskScenarios => {
            generator.into_root_schema_for::<smm_core::risk::RiskScenarios>()
        }
    };
    // A schema is plain JSON; serializing it cannot fail.
    let text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    format!("{text}\n")
}

/// Runs the command.
pub fn run(kind: SchemaKind) {
    output::print(&schema_text(kind));
}
