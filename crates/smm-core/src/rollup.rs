//! Roll-ups: how a group of practices reads against the level its group was given.
//!
//! The model's notation keeps a summary honest: a domain at base 2 whose practices include a 3
//! reads `2+`; one with a 1 reads `2-` (we never hide parts below the base); both, `2+-`. Scope
//! reads the same way: `general+` has some Industry or System practices under a General base.

use serde::Serialize;

use crate::id::PracticeId;
use crate::level::Level;

/// A group's level summarized against its base, with the parts that differ named.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Rollup {
    /// The level the group was given (domain goal, or subdomain value).
    pub base: Level,
    /// Base comprehensiveness with `+`, `-` or `+-` when parts differ, e.g. `2+`.
    pub comprehensiveness: String,
    /// Base scope with the same marks, e.g. `general+`.
    pub scope: String,
    /// Practices with either measure above the base.
    pub above: Vec<PracticeId>,
    /// Practices with either measure below the base.
    pub below: Vec<PracticeId>,
}

/// `+` when some part is above, `-` when some is below, `+-` when both.
fn marks(above: bool, below: bool) -> &'static str {
    match (above, below) {
        (true, true) => "+-",
        (true, false) => "+",
        (false, true) => "-",
        (false, false) => "",
    }
}

/// Rolls `parts` up against `base`.
pub fn roll_up<'a>(
    base: Level,
    parts: impl IntoIterator<Item = (&'a PracticeId, Level)>,
) -> Rollup {
    let (mut c_above, mut c_below, mut s_above, mut s_below) = (false, false, false, false);
    let mut above = Vec::new();
    let mut below = Vec::new();
    for (id, level) in parts {
        let ca = level.comprehensiveness > base.comprehensiveness;
        let cb = level.comprehensiveness < base.comprehensiveness;
        let sa = level.scope > base.scope;
        let sb = level.scope < base.scope;
        c_above |= ca;
        c_below |= cb;
        s_above |= sa;
        s_below |= sb;
        if ca || sa {
            above.push(id.clone());
        }
        if cb || sb {
            below.push(id.clone());
        }
    }
    Rollup {
        base,
        comprehensiveness: format!("{}{}", base.comprehensiveness, marks(c_above, c_below)),
        scope: format!("{}{}", base.scope, marks(s_above, s_below)),
        above,
        below,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::level::{Comprehensiveness as C, Scope as S};
    use proptest::prelude::*;

    fn id(s: &str) -> PracticeId {
        PracticeId::new(s)
    }

    #[test]
    fn a_raised_part_marks_the_group_with_a_plus() {
        let base = Level::new(C::AdHoc, S::Industry);
        let (a, b) = (id("a"), id("b"));
        let r = roll_up(
            base,
            [(&a, base), (&b, Level::new(C::Consistent, S::Industry))],
        );
        assert_eq!(r.comprehensiveness, "2+");
        assert_eq!(r.scope, "industry");
        assert_eq!(r.above, vec![b]);
    }

    #[test]
    fn a_lowered_part_is_shown_not_hidden() {
        let base = Level::new(C::AdHoc, S::General);
        let (a, b) = (id("a"), id("b"));
        let r = roll_up(
            base,
            [
                (&a, Level::new(C::Minimum, S::General)),
                (&b, Level::new(C::Consistent, S::System)),
            ],
        );
        assert_eq!(r.comprehensiveness, "2+-");
        assert_eq!(r.scope, "general+");
        assert_eq!(r.below, vec![a]);
    }

    fn any_level() -> impl Strategy<Value = Level> {
        (0u64..5, 0usize..3)
            .prop_map(|(c, s)| Level::new(C::from_value(c).unwrap_or(C::None), S::ALL[s]))
    }

    proptest! {
        #[test]
        fn marks_appear_exactly_when_some_part_differs(base in any_level(), parts in proptest::collection::vec(any_level(), 0..20)) {
            let ids: Vec<PracticeId> = (0..parts.len()).map(|i| id(&format!("p{i}"))).collect();
            let r = roll_up(base, ids.iter().zip(parts.iter().copied()));
            let plain = r.comprehensiveness == base.comprehensiveness.to_string();
            prop_assert_eq!(plain, parts.iter().all(|p| p.comprehensiveness == base.comprehensiveness));
            prop_assert_eq!(r.comprehensiveness.ends_with('-'), parts.iter().any(|p| p.comprehensiveness < base.comprehensiveness));
            prop_assert_eq!(r.scope.contains('+'), parts.iter().any(|p| p.scope > base.scope));
            let differing = parts.iter().filter(|p| **p != base).count();
            prop_assert!(r.above.len() + r.below.len() >= differing);
        }
    }
}
