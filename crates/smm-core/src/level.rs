//! The two measures of a practice: comprehensiveness and scope.
//!
//! Both are ordered scales, so they are enums with `Ord`: "is the current level below the target?"
//! is then a plain comparison. Documents may write a level as a number or a name (`2`, `ad-hoc`;
//! `industry`, `I`); we always write numbers for comprehensiveness and lowercase names for scope.

pub mod summary;

use std::borrow::Cow;
use std::fmt;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// How thoroughly and systematically a practice is carried out, from 0 (None) to 4 (Formalized).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Comprehensiveness {
    /// 0: nothing implemented, no shared understanding.
    None = 0,
    /// 1: the bare minimum, without assurance.
    Minimum = 1,
    /// 2: main use cases and known incidents, with occasional reviews.
    AdHoc = 2,
    /// 3: best practice and standards, validated against known patterns.
    Consistent = 3,
    /// 4: a defined, continuously improved process.
    Formalized = 4,
}

/// The tokens a document may use for each comprehensiveness level (number first).
const COMPREHENSIVENESS_TOKENS: [&[&str]; 5] = [
    &["0", "none"],
    &["1", "minimum", "min"],
    &["2", "ad-hoc", "adhoc", "ad_hoc", "ad hoc"],
    &["3", "consistent"],
    &["4", "formalized", "formalised"],
];

impl Comprehensiveness {
    /// Every level, lowest first.
    pub const ALL: [Comprehensiveness; 5] = [
        Comprehensiveness::None,
        Comprehensiveness::Minimum,
        Comprehensiveness::AdHoc,
        Comprehensiveness::Consistent,
        Comprehensiveness::Formalized,
    ];

    /// The level's number, 0 to 4.
    pub fn value(self) -> u8 {
        self as u8
    }

    /// The level with this number, if it is in 0..=4.
    pub fn from_value(value: u64) -> Option<Self> {
        Self::ALL.get(usize::try_from(value).ok()?).copied()
    }

    /// Whether a practice at this level has a scope to choose. At 0 nothing is carried out, so
    /// there is nothing to tailor to a sector or a system; the interview does not ask for one.
    pub fn takes_scope(self) -> bool {
        self != Comprehensiveness::None
    }

    /// The canonical name used in messages (`ad-hoc`); display names come from the catalog.
    pub fn token(self) -> &'static str {
        COMPREHENSIVENESS_TOKENS[self as usize][1]
    }

    /// Parses a number or a name, ignoring case and surrounding blanks.
    pub fn parse(text: &str) -> Option<Self> {
        let wanted = text.trim().to_ascii_lowercase();
        COMPREHENSIVENESS_TOKENS
            .iter()
            .position(|tokens| tokens.contains(&wanted.as_str()))
            .and_then(|i| Self::from_value(i as u64))
    }
}

impl fmt::Display for Comprehensiveness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.value())
    }
}

/// How specific to its setting a practice is; broadest first, so `General < Industry < System`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// As in any IT system.
    General,
    /// Tailored to the sector.
    Industry,
    /// Tailored to this system.
    System,
}

const SCOPE_TOKENS: [&[&str]; 3] = [
    &["general", "g"],
    &["industry", "i", "industry-specific", "industry specific"],
    &["system", "s", "system-specific", "system specific"],
];

impl Scope {
    /// Every scope, broadest first.
    pub const ALL: [Scope; 3] = [Scope::General, Scope::Industry, Scope::System];

    /// The lowercase name written in documents and JSON (`industry`).
    pub fn token(self) -> &'static str {
        SCOPE_TOKENS[self as usize][0]
    }

    /// The one-letter abbreviation (`I`).
    pub fn letter(self) -> char {
        match self {
            Scope::General => 'G',
            Scope::Industry => 'I',
            Scope::System => 'S',
        }
    }

    /// Position on the scale: 0 General, 1 Industry, 2 System.
    pub fn rank(self) -> u8 {
        self as u8
    }

    /// Parses a name or a letter, ignoring case and surrounding blanks.
    pub fn parse(text: &str) -> Option<Self> {
        let wanted = text.trim().to_ascii_lowercase();
        SCOPE_TOKENS
            .iter()
            .position(|tokens| tokens.contains(&wanted.as_str()))
            .map(|i| Self::ALL[i])
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.token())
    }
}

/// One practice's pair of measures: what a profile says about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Level {
    /// How thoroughly the practice is carried out.
    pub comprehensiveness: Comprehensiveness,
    /// How specific to its setting it is.
    pub scope: Scope,
}

impl Level {
    /// A level from its two measures.
    pub fn new(comprehensiveness: Comprehensiveness, scope: Scope) -> Self {
        Level {
            comprehensiveness,
            scope,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.comprehensiveness, self.scope.letter())
    }
}

const COMPREHENSIVENESS_EXPECTED: &str =
    "a comprehensiveness level: 0-4 or none, minimum, ad-hoc, consistent, formalized";
const SCOPE_EXPECTED: &str = "a scope: general, industry or system (or G, I, S)";

impl Serialize for Comprehensiveness {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.value())
    }
}

impl<'de> Deserialize<'de> for Comprehensiveness {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LevelVisitor;
        impl Visitor<'_> for LevelVisitor {
            type Value = Comprehensiveness;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(COMPREHENSIVENESS_EXPECTED)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Comprehensiveness::from_value(v).ok_or_else(|| {
                    E::custom(format!(
                        "comprehensiveness {v} is out of range: expected 0 (none) to 4 (formalized)"
                    ))
                })
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                match u64::try_from(v) {
                    Ok(v) => self.visit_u64(v),
                    Err(_) => Err(E::custom(format!(
                        "comprehensiveness {v} is out of range: expected 0 (none) to 4 (formalized)"
                    ))),
                }
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Err(E::custom(format!(
                    "comprehensiveness {v} is not a whole level: expected {COMPREHENSIVENESS_EXPECTED}"
                )))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Comprehensiveness::parse(v).ok_or_else(|| {
                    E::custom(format!(
                        "`{v}` is not a comprehensiveness level: expected {COMPREHENSIVENESS_EXPECTED}"
                    ))
                })
            }
        }
        deserializer.deserialize_any(LevelVisitor)
    }
}

impl Serialize for Scope {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.token())
    }
}

impl<'de> Deserialize<'de> for Scope {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ScopeVisitor;
        impl Visitor<'_> for ScopeVisitor {
            type Value = Scope;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(SCOPE_EXPECTED)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Scope::parse(v).ok_or_else(|| {
                    E::custom(format!("`{v}` is not a scope: expected {SCOPE_EXPECTED}"))
                })
            }
        }
        deserializer.deserialize_str(ScopeVisitor)
    }
}

impl JsonSchema for Comprehensiveness {
    fn schema_name() -> Cow<'static, str> {
        "Comprehensiveness".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let names: Vec<&str> = COMPREHENSIVENESS_TOKENS
            .iter()
            .flat_map(|t| t[1..].iter().copied())
            .collect();
        json_schema!({
            "description": "Comprehensiveness: 0 none, 1 minimum, 2 ad-hoc, 3 consistent, 4 formalized (a number or a name).",
            "oneOf": [
                { "type": "integer", "minimum": 0, "maximum": 4 },
                { "type": "string", "enum": names }
            ]
        })
    }
}

impl JsonSchema for Scope {
    fn schema_name() -> Cow<'static, str> {
        "Scope".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let names: Vec<String> = SCOPE_TOKENS
            .iter()
            .flat_map(|t| {
                t.iter()
                    .flat_map(|s| [s.to_string(), s.to_ascii_uppercase()])
            })
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        json_schema!({
            "description": "Scope: general, industry or system (or the letters G, I, S).",
            "type": "string",
            "enum": names
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers_parse_to_the_same_level() {
        assert_eq!(
            Comprehensiveness::parse("2"),
            Some(Comprehensiveness::AdHoc)
        );
        assert_eq!(
            Comprehensiveness::parse("Ad-Hoc"),
            Some(Comprehensiveness::AdHoc)
        );
        assert_eq!(
            Comprehensiveness::parse("formalized"),
            Some(Comprehensiveness::Formalized)
        );
        assert_eq!(Comprehensiveness::parse("5"), None);
        assert_eq!(Scope::parse("I"), Some(Scope::Industry));
        assert_eq!(Scope::parse("system"), Some(Scope::System));
        assert_eq!(Scope::parse("global"), None);
    }

    #[test]
    fn scales_are_ordered_broadest_and_lowest_first() {
        assert!(Comprehensiveness::Minimum < Comprehensiveness::Consistent);
        assert!(Scope::General < Scope::Industry && Scope::Industry < Scope::System);
    }

    #[test]
    fn documents_accept_numbers_names_and_letters() {
        let level: Level =
            serde_saphyr::from_str("comprehensiveness: ad-hoc\nscope: I\n").expect("valid level");
        assert_eq!(level, Level::new(Comprehensiveness::AdHoc, Scope::Industry));
        let err = serde_saphyr::from_str::<Level>("comprehensiveness: 7\nscope: general\n")
            .expect_err("7 is out of range");
        assert!(err.to_string().contains("out of range"), "{err}");
    }
}
