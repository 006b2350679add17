//! A profile's levels in a few bytes: one comprehensiveness digit and one scope letter (`G`,
//! `I`, `S`) per practice, in catalog order.
//!
//! A server keeps this beside each stored document (a resolved target's required levels, or an
//! assessment's achieved ones) so a portfolio of thousands of systems rolls up without parsing
//! every document again. It is computed once, when the document is checked
//! ([`crate::CheckedDocument`]).

use super::{Comprehensiveness, Level, Scope};

/// Levels as summary text: `2G3S…`, two bytes per level.
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
    fn each_level_is_a_digit_and_a_scope_letter() {
        let levels = [
            Level::new(Comprehensiveness::None, Scope::General),
            Level::new(Comprehensiveness::Formalized, Scope::System),
        ];
        assert_eq!(encode(&levels), "0G4S");
        assert_eq!(encode(&[]), "");
        assert_eq!(decode(""), Some(Vec::new()));
    }

    #[test]
    fn garbage_is_not_a_summary() {
        assert_eq!(decode("2"), None);
        assert_eq!(decode("9G"), None);
        assert_eq!(decode("2X"), None);
        assert_eq!(decode("G2"), None);
        assert_eq!(decode("2g"), None);
    }
}
