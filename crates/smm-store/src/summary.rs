//! A document's levels in a few bytes, kept beside it so a portfolio of thousands of systems rolls
//! up without parsing every document again.
//!
//! The summary is one comprehensiveness digit and one scope letter (`G`, `I`, `S`) per practice of
//! the built-in catalog, in catalog order: a resolved target's required levels, or an assessment's
//! achieved ones. A document that does not resolve against the built-in catalog has none.

use std::sync::OnceLock;

use smm_core::{current_profile, resolve, Catalog, Comprehensiveness, Document, Level, Scope};

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(Catalog::builtin)
}

/// The summary of a parsed document, if it resolves against the built-in catalog.
pub fn summarize(document: &Document) -> Option<String> {
    let levels: Vec<Level> = match document {
        Document::TargetProfile(t) => resolve(catalog(), t)
            .ok()?
            .practices
            .iter()
            .map(|p| p.level())
            .collect(),
        Document::Assessment(a) => current_profile(catalog(), a)
            .ok()?
            .practices
            .iter()
            .map(|p| p.level)
            .collect(),
        _ => return None,
    };
    Some(encode(&levels))
}

/// Levels as summary text.
pub fn encode(levels: &[Level]) -> String {
    let mut text = String::with_capacity(levels.len() * 2);
    for level in levels {
        text.push(char::from(b'0' + level.comprehensiveness.value()));
        text.push(level.scope.letter());
    }
    text
}

/// Summary text as levels (`None` if it is not one).
pub fn decode(summary: &str) -> Option<Vec<Level>> {
    let bytes = summary.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    bytes
        .chunks(2)
        .map(|pair| {
            let c = Comprehensiveness::from_value(u64::from(pair[0].checked_sub(b'0')?))?;
            let s = Scope::ALL
                .into_iter()
                .find(|s| s.letter() as u32 == u32::from(pair[1]))?;
            Some(Level::new(c, s))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_survive_the_round_trip() {
        let levels: Vec<Level> = Comprehensiveness::ALL
            .into_iter()
            .flat_map(|c| Scope::ALL.into_iter().map(move |s| Level::new(c, s)))
            .collect();
        let text = encode(&levels);
        assert_eq!(text.len(), levels.len() * 2);
        assert_eq!(decode(&text), Some(levels));
    }

    #[test]
    fn garbage_is_not_a_summary() {
        assert_eq!(decode("2"), None);
        assert_eq!(decode("9G"), None);
        assert_eq!(decode("2X"), None);
    }
}
