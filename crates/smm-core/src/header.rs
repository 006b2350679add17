//! The two lines every smm document starts with: `smm: 1` and `kind: ...`.
//!
//! Reading them first, leniently, lets us say "this is an Assessment, a TargetProfile was
//! expected" instead of a confusing list of unknown fields.

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::located::{Located, Position};

/// The document format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// The kinds of document smm reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A model catalog.
    Catalog,
    /// A target profile.
    TargetProfile,
    /// An assessment (a current profile).
    Assessment,
    /// A template: a partial target profile for an industry.
    Template,
    /// Answers to the target interview (or a draft of them).
    Answers,
    /// The actions that raise each practice, with default efforts (companion of a catalog).
    Actions,
    /// An organization's own efforts and prices for those actions.
    Costs,
    /// A certification scheme: what an attestation requires.
    Scheme,
    /// A standard's clauses related to the model's practices.
    Mapping,
    /// A system's loss scenarios with their Open FAIR factors.
    RiskScenarios,
    /// What each practice step does to the Open FAIR factors (companion of a catalog).
    RiskEffects,
}

impl Kind {
    /// Every kind, for messages.
    pub const ALL: [Kind; 11] = [
        Kind::Catalog,
        Kind::TargetProfile,
        Kind::Assessment,
        Kind::Template,
        Kind::Answers,
        Kind::Actions,
        Kind::Costs,
        Kind::Scheme,
        Kind::Mapping,
        Kind::RiskScenarios,
        Kind::RiskEffects,
    ];

    /// The name written after `kind:`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Catalog => "Catalog",
            Kind::TargetProfile => "TargetProfile",
            Kind::Assessment => "Assessment",
            Kind::Template => "Template",
            Kind::Answers => "Answers",
            Kind::Actions => "Actions",
            Kind::Costs => "Costs",
            Kind::Scheme => "Scheme",
            Kind::Mapping => "Mapping",
            Kind::RiskScenarios => "RiskScenarios",
            Kind::RiskEffects => "RiskEffects",
        }
    }

    /// Every kind's name, for "expected one of" messages.
    fn names() -> String {
        let names: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
        match names.split_last() {
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        }
    }

    /// Parses a kind name, ignoring case and `-`/`_` (so `target-profile` works on the CLI).
    pub fn parse(text: &str) -> Option<Kind> {
        let wanted: String = text
            .chars()
            .filter(|c| *c != '-' && *c != '_')
            .collect::<String>()
            .to_ascii_lowercase();
        let wanted = if wanted == "target" {
            "targetprofile".to_string()
        } else {
            wanted
        };
        Kind::ALL
            .into_iter()
            .find(|k| k.name().to_ascii_lowercase() == wanted)
    }
}

#[derive(Deserialize)]
struct RawHeader {
    #[serde(default)]
    smm: Option<Located<serde_json::Value>>,
    #[serde(default)]
    kind: Option<Located<String>>,
}

/// Reads and checks the header, returning the document's kind.
pub fn read_kind(source: &str) -> Result<Kind, Diagnostics> {
    let raw: RawHeader = serde_saphyr::from_str(source).map_err(|e| {
        let mut d = Diagnostic::from_yaml(&e);
        if d.message.contains("expected") && d.message.contains("map") || source.trim().is_empty() {
            d.message =
                "expected an smm document: a mapping that starts with `smm: 1` and `kind: ...`"
                    .to_string();
        }
        Diagnostics::from(d)
    })?;
    let start = Position::new(1, 1);
    let Some(smm) = raw.smm else {
        return Err(
            Diagnostic::new(start, "smm", "missing the format version line `smm: 1`").into(),
        );
    };
    if smm.value.as_u64() != Some(u64::from(FORMAT_VERSION)) {
        return Err(Diagnostic::new(
            smm.at,
            "smm",
            format!(
                "unsupported format version {}: this smm reads version {FORMAT_VERSION}",
                smm.value
            ),
        )
        .into());
    }
    let Some(kind) = raw.kind else {
        return Err(Diagnostic::new(
            start,
            "kind",
            format!("missing `kind:` (one of {})", Kind::names()),
        )
        .into());
    };
    Kind::ALL
        .into_iter()
        .find(|k| k.name() == kind.value)
        .ok_or_else(|| {
            Diagnostic::new(
                kind.at,
                "kind",
                format!("unknown kind `{}`: expected {}", kind.value, Kind::names()),
            )
            .into()
        })
}

/// Reads the header and fails unless the document is of the `expected` kind.
pub fn expect_kind(source: &str, expected: Kind) -> Result<(), Diagnostics> {
    let kind = read_kind(source)?;
    if kind == expected {
        return Ok(());
    }
    let at = locate_kind(source);
    Err(Diagnostic::new(
        at,
        "kind",
        format!(
            "expected a {} document, found kind `{}`",
            expected.name(),
            kind.name()
        ),
    )
    .into())
}

fn locate_kind(source: &str) -> Position {
    #[derive(Deserialize)]
    struct KindOnly {
        kind: Located<String>,
    }
    serde_saphyr::from_str::<KindOnly>(source)
        .map(|k| k.kind.at)
        .unwrap_or_default()
}

/// Parses a document of the `expected` kind in one pass; only when that fails is the header read
/// on its own, so a wrong kind or version gets a plain message instead of a field error.
pub(crate) fn parse_kind<'de, T: Deserialize<'de>>(
    source: &'de str,
    expected: Kind,
) -> Result<T, Diagnostics> {
    match serde_saphyr::from_str(source) {
        Ok(document) => Ok(document),
        Err(e) => {
            expect_kind(source, expected)?;
            Err(Diagnostic::from_yaml(&e).into())
        }
    }
}

/// The `smm:` line: the format version, which must be [`FORMAT_VERSION`].
///
/// A type of its own so the typed documents refuse other versions while they are parsed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FormatVersion;

impl serde::Serialize for FormatVersion {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u32(FORMAT_VERSION)
    }
}

impl<'de> Deserialize<'de> for FormatVersion {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        if value.as_u64() == Some(u64::from(FORMAT_VERSION)) {
            Ok(FormatVersion)
        } else {
            Err(serde::de::Error::custom(format!(
                "unsupported format version {value}: this smm reads version {FORMAT_VERSION}"
            )))
        }
    }
}

impl schemars::JsonSchema for FormatVersion {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "FormatVersion".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Document format version; this edition of smm reads 1.",
            "type": "integer",
            "const": FORMAT_VERSION
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_kind_is_named_with_its_position() {
        let err =
            expect_kind("smm: 1\nkind: Assessment\n", Kind::TargetProfile).expect_err("wrong kind");
        assert_eq!(err.0[0].at, Position::new(2, 7));
        assert!(err.0[0].message.contains("expected a TargetProfile"));
    }

    #[test]
    fn a_future_format_version_is_refused() {
        let err = read_kind("smm: 2\nkind: Catalog\n").expect_err("version 2");
        assert!(err.0[0].message.contains("unsupported format version 2"));
    }

    #[test]
    fn text_that_is_not_a_mapping_gets_a_plain_explanation() {
        let err = read_kind("just words").expect_err("not a mapping");
        assert!(
            err.0[0].message.contains("expected an smm document"),
            "{err}"
        );
    }
}
