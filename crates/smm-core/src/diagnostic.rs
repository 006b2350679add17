//! What went wrong in a user's document, and where.
//!
//! The core never reads files, so a diagnostic carries a position and a field path but no file
//! name; the CLI adds the file when it renders it.

use std::fmt;

use crate::located::Position;

/// One problem found in a document: where it is, which field, what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where in the source text; unknown positions render without line and column.
    pub at: Position,
    /// The field path, e.g. `practices.threat-modeling.rationale`; empty for the whole document.
    pub field: String,
    /// What is wrong and what was expected.
    pub message: String,
    /// A suggestion, such as the nearest valid id.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A problem at `at` in `field`.
    pub fn new(at: Position, field: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            at,
            field: field.into(),
            message: message.into(),
            help: None,
        }
    }

    /// The same problem with a suggestion.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Turns a YAML/serde error into a diagnostic, keeping its position but not its own
    /// rendering (we render every diagnostic the same way).
    pub fn from_yaml(err: &serde_saphyr::Error) -> Self {
        let at = err.location().map(Position::from).unwrap_or_default();
        // The parser's own words for a repeated key advise a parser option; say what to fix.
        if let serde_saphyr::Error::DuplicateMappingKey { key, .. } = err.without_snippet() {
            let (field, which) = match key {
                Some(key) => (key.as_str(), format!("`{key}`")),
                None => ("", "a key".to_string()),
            };
            return Diagnostic::new(
                at,
                field,
                format!("{which} is written twice in the same mapping: keep one of the two"),
            );
        }
        let message = strip_position_suffix(&err.without_snippet().to_string());
        let (field, message) = split_field(message);
        Diagnostic::new(at, field, message)
    }
}

/// serde-saphyr appends " at line L, column C" to its messages; we show positions ourselves.
fn strip_position_suffix(message: &str) -> String {
    let trimmed = message.trim();
    let cut = trimmed
        .rfind(" at line ")
        .filter(|&i| trimmed[i..].contains("column"))
        .unwrap_or(trimmed.len());
    trimmed[..cut].trim_start_matches("error: ").to_string()
}

/// Our own deserializers prefix a message with `field: ` when they know it; split it off.
fn split_field(message: String) -> (String, String) {
    if let Some(rest) = message.strip_prefix("missing field `") {
        if let Some(end) = rest.find('`') {
            return (
                rest[..end].to_string(),
                format!("required field `{}` is missing", &rest[..end]),
            );
        }
    }
    (String::new(), message)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.at.is_known() {
            write!(f, "{}:{}: ", self.at.line, self.at.column)?;
        }
        if !self.field.is_empty() {
            write!(f, "{}: ", self.field)?;
        }
        f.write_str(&self.message)?;
        if let Some(help) = &self.help {
            write!(f, " ({help})")?;
        }
        Ok(())
    }
}

/// Every problem found in one document, in source order.
#[derive(Clone, Debug, Default, PartialEq, Eq, thiserror::Error)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Collects one more problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problems in source order.
    pub fn sorted(mut self) -> Self {
        self.0.sort_by_key(|d| d.at);
        self
    }

    /// `Ok(value)` when nothing was found, the sorted problems otherwise.
    pub fn into_result<T>(mut self, value: T) -> Result<T, Diagnostics> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            self.0.sort_by_key(|d| d.at);
            Err(self)
        }
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Diagnostics(vec![diagnostic])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

/// The known id nearest to `wanted`, if one is close enough to be a likely typo.
pub fn nearest<'a>(wanted: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted = wanted.to_ascii_lowercase();
    known
        .into_iter()
        .map(|k| (strsim::normalized_damerau_levenshtein(&wanted, k), k))
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_suggests_a_close_id_and_nothing_for_nonsense() {
        let ids = ["threat-modeling", "risk-attitude", "monitoring"];
        assert_eq!(nearest("threat-modelling", ids), Some("threat-modeling"));
        assert_eq!(nearest("xyzzy", ids), None);
    }

    #[test]
    fn yaml_positions_are_kept_and_not_repeated_in_the_message() {
        let err = serde_saphyr::from_str::<u8>("300").expect_err("out of range");
        let d = Diagnostic::from_yaml(&err);
        assert_eq!(d.at, Position::new(1, 1));
        assert!(!d.message.contains("line 1"), "{}", d.message);
    }

    #[test]
    fn a_key_written_twice_is_named_without_the_parsers_advice() {
        let source = "compliance: 1\nthreat-modeling: 2\ncompliance: 3\n";
        let err = serde_saphyr::from_str::<std::collections::BTreeMap<String, u8>>(source)
            .expect_err("a repeated key");
        let d = Diagnostic::from_yaml(&err);
        assert_eq!(d.at, Position::new(3, 1));
        assert_eq!(d.field, "compliance");
        assert_eq!(
            d.message,
            "`compliance` is written twice in the same mapping: keep one of the two"
        );
    }
}
