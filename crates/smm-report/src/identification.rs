//! What a report opens with: which documents it is about and when and with what it was written.
//!
//! A certification body files a report by this block and a reader checks it against the documents
//! they hold: the target is named by its content digest (comments and formatting do not change
//! it; any change of meaning does), the assessment by its date, assessors and methods. The report
//! date is passed in rather than read from a clock, so the same documents and the same date give
//! the same report byte for byte.
//!
//! The target sheet also carries the target's particulars (background, the factors that shaped
//! it, its authors) and a place for each party to sign that they agree to it.

use smm_core::content_digest;
use smm_core::document::{Factor, FactorKind, Impact, StakeholderRole};

use crate::html::{words, ReportInput};

/// The program that wrote the report, with its version, as the identification block names it.
pub const TOOL: &str = concat!("smm ", env!("CARGO_PKG_VERSION"));

/// One line of the identification block.
#[derive(Clone, Debug)]
pub(crate) struct Field {
    pub(crate) label: &'static str,
    pub(crate) value: String,
    /// A digest: shown in a fixed-width font and allowed to break anywhere.
    pub(crate) digest: bool,
}

impl Field {
    fn text(label: &'static str, value: impl Into<String>) -> Field {
        Field {
            label,
            value: value.into(),
            digest: false,
        }
    }

    fn digest(label: &'static str, value: String) -> Field {
        Field {
            label,
            value,
            digest: true,
        }
    }
}

/// A factor of step 2, in words.
#[derive(Clone, Debug)]
pub(crate) struct FactorRow {
    pub(crate) kind: String,
    pub(crate) impact: String,
    pub(crate) description: String,
}

fn none_given(list: &[String]) -> String {
    if list.is_empty() {
        "none named".to_string()
    } else {
        list.join("; ")
    }
}

/// The stakeholder's role, as a reader says it.
pub(crate) fn role_words(role: StakeholderRole) -> &'static str {
    role.words()
}

/// The identification block, in the order a reader checks it: what, against which target, how,
/// and when this report was written.
pub(crate) fn fields(input: &ReportInput) -> Vec<Field> {
    let profile = input.profile;
    let target = input.target;
    let mut rows = vec![Field::text("System of interest", words(&target.system))];
    if let Some((assessment, _)) = input.assessment {
        let product = &assessment.product;
        rows.push(Field::text(
            "Product and version",
            format!("{} {}", product.name, product.version),
        ));
        if let Some(line) = &product.line {
            rows.push(Field::text("Product line", line.clone()));
        }
    }
    rows.push(Field::text("Target profile", target.name.clone()));
    rows.push(Field::text(
        "Target version",
        target
            .version
            .clone()
            .unwrap_or_else(|| "not versioned".to_string()),
    ));
    rows.push(Field::text("Target date", profile.date.to_string()));
    rows.push(Field::digest(
        "Target digest (SHA-256)",
        content_digest(profile),
    ));
    rows.push(Field::text(
        "Set by",
        format!("the {}", role_words(target.role)),
    ));
    rows.push(Field::text("Approval", crate::parties::approval(target)));
    match input.assessment {
        Some((assessment, _)) => {
            rows.push(Field::text("Assessment date", assessment.date.to_string()));
            rows.push(Field::text("Assessors", none_given(&assessment.assessors)));
            let methods: Vec<String> = assessment
                .methods
                .iter()
                .map(|m| m.label().to_string())
                .collect();
            rows.push(Field::text(
                "Assessment methods",
                if methods.is_empty() {
                    "not recorded".to_string()
                } else {
                    methods.join(", ")
                },
            ));
            rows.push(Field::digest(
                "Assessment digest (SHA-256)",
                content_digest(assessment),
            ));
        }
        None => rows.push(Field::text("Target authors", none_given(&profile.authors))),
    }
    rows.push(Field::text("Model", target.catalog.clone()));
    rows.push(Field::text("Report date", input.date.to_string()));
    rows.push(Field::text("Written by", TOOL));
    rows
}

/// The target's background (step 1), in one paragraph.
pub(crate) fn background(input: &ReportInput) -> String {
    input
        .profile
        .background
        .as_deref()
        .map(words)
        .unwrap_or_default()
}

/// The factors of step 2.
pub(crate) fn factors(input: &ReportInput) -> Vec<FactorRow> {
    input.profile.factors.iter().map(factor_row).collect()
}

fn factor_row(factor: &Factor) -> FactorRow {
    FactorRow {
        kind: factor_words(factor.kind).to_string(),
        impact: match factor.impact {
            Some(Impact::Low) => "low",
            Some(Impact::Medium) => "medium",
            Some(Impact::High) => "high",
            None => "",
        }
        .to_string(),
        description: words(&factor.description),
    }
}

fn factor_words(kind: FactorKind) -> &'static str {
    match kind {
        FactorKind::Safety => "safety",
        FactorKind::Continuity => "continuity",
        FactorKind::Lifecycle => "lifecycle",
        FactorKind::Exposure => "exposure",
        FactorKind::Regulation => "regulation",
        FactorKind::Industry => "industry",
        FactorKind::System => "system",
        FactorKind::Business => "business",
        FactorKind::Threats => "threats",
        FactorKind::Expectations => "expectations",
        FactorKind::InPlace => "already in place",
    }
}

/// Who signs the target sheet: the stakeholder who sets the target, and the party that must meet
/// it. Each gets lines for name, role, date and signature.
pub(crate) fn signatories(input: &ReportInput) -> Vec<String> {
    vec![
        format!(
            "Approved for the {} who sets the target",
            role_words(input.target.role)
        ),
        "Agreed by the party that must meet it".to_string(),
    ]
}

/// The lines each signatory fills in.
pub(crate) const SIGNATURE_LINES: [&str; 4] = ["Name", "Role", "Date", "Signature"];
