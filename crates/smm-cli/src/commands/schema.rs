//! `smm schema KIND`: the JSON Schema of a document kind, or of what a command prints with
//! `--json`, generated from the Rust types.
//!
//! Documents are what people write (schemas for reading them); outputs are what smm writes
//! (schemas for the values it serializes: a field skipped when empty is optional). Both are
//! committed under `schemas/` and checked against the code by the tests.

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema};
use serde_json::{json, Value};
use smm_core::document::{Assessment, TargetProfile};

use crate::cli::SchemaKind;
use crate::output;

/// The schema text for `kind`, as committed under `schemas/`.
pub fn schema_text(kind: SchemaKind) -> String {
    let schema = match kind {
        SchemaKind::TargetProfile => document::<TargetProfile>(),
        SchemaKind::Assessment => document::<Assessment>(),
        SchemaKind::Scheme => document::<smm_core::scheme::Scheme>(),
        SchemaKind::Mapping => document::<smm_core::mapping::Mapping>(),
        SchemaKind::RiskScenarios => document::<smm_core::risk::RiskScenarios>(),
        SchemaKind::Check => tagged::<super::check::CheckJson>("Check", "smm check --json"),
        SchemaKind::Validation => {
            tagged::<super::validate::ValidationJson>("Validation", "smm validate --json")
        }
        SchemaKind::Explanation => {
            tagged::<super::explain::Explanation>("Explanation", "smm explain --json")
        }
        SchemaKind::Gap => tagged::<smm_core::Gap>("Gap", "smm gap --json"),
        SchemaKind::ResolvedTarget => {
            tagged::<super::show::ShowJson>("ResolvedTarget", "smm show --json")
        }
        SchemaKind::Comparison => {
            tagged::<smm_core::Comparison>("Comparison", "smm compare --json")
        }
        SchemaKind::Trend => tagged::<smm_core::Trend>("Trend", "smm trend --json"),
        SchemaKind::Roadmap => {
            tagged::<smm_core::roadmap::Roadmap>("Roadmap", "smm roadmap --json")
        }
        SchemaKind::RiskRoadmap => {
            tagged::<smm_core::risk::ValuedRoadmap>("RiskRoadmap", "smm roadmap --rank risk --json")
        }
        SchemaKind::Risk => tagged::<smm_core::risk::RiskOutlook>("Risk", "smm risk --json"),
        SchemaKind::AssessmentDiff => tagged::<smm_core::diff::AssessmentDiff>(
            "AssessmentDiff",
            "smm diff --json (two assessments)",
        ),
        SchemaKind::TargetDiff => {
            tagged::<smm_core::diff::TargetDiff>("TargetDiff", "smm diff --json (two targets)")
        }
        SchemaKind::Coverage => {
            tagged::<smm_core::mapping::Coverage>("Coverage", "smm map STANDARD PROFILE --json")
        }
        SchemaKind::Standards => {
            tagged::<super::map::StandardsJson>("Standards", "smm map --list --json")
        }
        SchemaKind::Verification => {
            tagged::<super::cert::VerificationJson>("Verification", "smm cert verify --json")
        }
        SchemaKind::LogFollow => {
            tagged::<super::log::LogFollowJson>("LogFollow", "smm log follow --json")
        }
        SchemaKind::Catalog => output_of::<smm_core::Catalog>("smm catalog --json"),
        SchemaKind::Templates => {
            output_of::<Vec<smm_core::document::Template>>("smm template list --json")
        }
        SchemaKind::Digest => tagged::<super::digest::DigestJson>("Digest", "smm digest --json"),
        SchemaKind::AuditVerification => tagged::<super::audit::AuditVerificationJson>(
            "AuditVerification",
            "smm audit verify --json",
        ),
        SchemaKind::Backup => {
            tagged::<super::backup::BackupJson>("Backup", "smm admin backup --json")
        }
        SchemaKind::Restore => {
            tagged::<super::restore::RestoreJson>("Restore", "smm admin restore --json")
        }
        SchemaKind::KeyPair => tagged::<super::cert::KeyPairJson>("KeyPair", "smm key new --json"),
        SchemaKind::IssuersUpdate => tagged::<super::cert::IssuersUpdateJson>(
            "IssuersUpdate",
            "smm key publish|retire|revoke --json",
        ),
        SchemaKind::Issuance => {
            tagged::<super::cert::IssuanceJson>("Issuance", "smm cert issue|declare --json")
        }
        SchemaKind::Revocation => {
            tagged::<super::cert::RevocationJson>("Revocation", "smm cert revoke --json")
        }
        SchemaKind::NewUser => {
            tagged::<super::admin::NewUserJson>("NewUser", "smm admin create-user --json")
        }
        SchemaKind::PreparedForms => tagged::<super::admin::PreparedFormsJson>(
            "PreparedForms",
            "smm admin prepare-forms --json",
        ),
        SchemaKind::UserAccess => tagged::<super::admin::UserAccessJson>(
            "UserAccess",
            "smm admin disable-user|enable-user --json",
        ),
        SchemaKind::IdentityLink => tagged::<super::admin::IdentityLinkJson>(
            "IdentityLink",
            "smm admin link-identity --json",
        ),
        SchemaKind::Designation => tagged::<super::admin::DesignationJson>(
            "Designation",
            "smm admin designate-body|undesignate-body --json",
        ),
        SchemaKind::IssuersExport => {
            tagged::<super::admin::IssuersExportJson>("IssuersExport", "smm admin issuers --json")
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

/// A document kind's schema: what a reader accepts.
fn document<T: JsonSchema>() -> Schema {
    SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<T>()
}

/// An output's schema: what smm writes.
fn output_of<T: JsonSchema>(printed_by: &str) -> Schema {
    let mut schema = SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<T>();
    schema.insert(
        "$comment".to_string(),
        Value::from(format!("Printed by `{printed_by}`.")),
    );
    schema
}

/// An output headed by `smm: 1` and its `kind`, as `output::print_tagged_json` writes it.
fn tagged<T: JsonSchema>(kind: &str, printed_by: &str) -> Schema {
    let mut schema = output_of::<T>(printed_by);
    schema.insert("title".to_string(), Value::from(format!("smm {kind}")));
    let properties = schema
        .ensure_object()
        .entry("properties")
        .or_insert_with(|| json!({}));
    if let Some(properties) = properties.as_object_mut() {
        properties.insert(
            "smm".to_string(),
            json!({ "description": "Output format version: 1.", "const": 1 }),
        );
        properties.insert(
            "kind".to_string(),
            json!({ "description": "What the document is.", "const": kind }),
        );
    }
    let required = schema
        .ensure_object()
        .entry("required")
        .or_insert_with(|| json!([]));
    if let Some(required) = required.as_array_mut() {
        required.insert(0, Value::from("kind"));
        required.insert(0, Value::from("smm"));
    }
    schema
}
