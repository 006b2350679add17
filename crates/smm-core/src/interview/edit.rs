//! Reading and changing answers one question at a time, as both doors do: which choice a step
//! shows as chosen, and how a choice is written back.

use super::answers::{Answers, Decision, Remaining, Take};
use super::suggest::factors_in_effect;
use crate::document::{Factor, FactorKind, Template};
use crate::level::Scope;
use crate::located::{Entries, Located};

/// Which of steps 4 and 5 a decision belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecisionKind {
    /// Step 4: a subdomain.
    Subdomain,
    /// Step 5: a practice.
    Practice,
}

/// The entry written under `id`.
pub fn entry<'e, V>(entries: &'e Entries<V>, id: &str) -> Option<&'e V> {
    entries
        .0
        .iter()
        .find(|(k, _)| k.value == id)
        .map(|(_, v)| v)
}

/// Writes `value` under `id`: in place when `id` is there already, else at the end, so entries
/// keep the order in which they were first given.
pub fn set_entry<V>(entries: &mut Entries<V>, id: &str, value: V) {
    match entries.0.iter_mut().find(|(k, _)| k.value == id) {
        Some((_, v)) => *v = value,
        None => entries.0.push((Located::new(id.to_string()), value)),
    }
}

/// Removes the entry under `id`, if any.
pub fn remove_entry<V>(entries: &mut Entries<V>, id: &str) {
    entries.0.retain(|(k, _)| k.value != id);
}

impl Answers {
    /// The answers an interview starts with from a template: its role and typical factors, shown
    /// in steps 1 and 2 as the starting choices.
    pub fn from_template(name: &str, template: &Template) -> Answers {
        Answers {
            template: Some(name.to_string()),
            role: template.role,
            factors: template.factors.clone(),
            ..Answers::default()
        }
    }

    /// The decisions of step 4 or 5.
    pub fn decisions(&self, kind: DecisionKind) -> &Entries<Decision> {
        match kind {
            DecisionKind::Subdomain => &self.subdomains,
            DecisionKind::Practice => &self.practices,
        }
    }

    /// The decisions of step 4 or 5, to change.
    pub fn decisions_mut(&mut self, kind: DecisionKind) -> &mut Entries<Decision> {
        match kind {
            DecisionKind::Subdomain => &mut self.subdomains,
            DecisionKind::Practice => &mut self.practices,
        }
    }

    /// Gives (or, with `None`, withdraws) the factor of `kind`. The factors in effect are the
    /// starting point, so changing one factor of a template keeps the others; a factor keeps its
    /// place, and a new one goes last.
    pub fn set_factor(
        &mut self,
        template: Option<&Template>,
        kind: FactorKind,
        factor: Option<Factor>,
    ) {
        if self.factors.is_empty() {
            self.factors = factors_in_effect(template, self).to_vec();
        }
        match (self.factors.iter().position(|f| f.kind == kind), factor) {
            (Some(i), Some(f)) => self.factors[i] = f,
            (Some(i), None) => {
                self.factors.remove(i);
            }
            (None, Some(f)) => self.factors.push(f),
            (None, None) => {}
        }
    }
}

/// Which choice step 3 shows as chosen for a domain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GoalPick {
    /// The suggestion (nothing answered yet, or the suggestion kept).
    Suggestion,
    /// One of the catalog's options, by id.
    Option(String),
    /// A goal in one's own words and levels.
    Own,
}

/// What the answers chose for `domain`'s goal. An option with a scope of its own is still that
/// option: scope is chosen beside it (see [`GoalAnswer::option`](super::GoalAnswer::option)).
pub fn goal_pick(answers: &Answers, domain: &str) -> GoalPick {
    match entry(&answers.goals, domain) {
        None => GoalPick::Suggestion,
        Some(a) if a.comprehensiveness.is_some() => GoalPick::Own,
        Some(a) if a.scope.is_some() && a.option.is_none() => GoalPick::Own,
        Some(a) => match (&a.option, &a.statement) {
            (Some(option), _) => GoalPick::Option(option.value.clone()),
            (None, Some(_)) => GoalPick::Own,
            (None, None) => GoalPick::Suggestion,
        },
    }
}

/// The scope chosen beside a goal option for `domain`, when one differs from the option's own.
pub fn goal_option_scope(answers: &Answers, domain: &str) -> Option<Scope> {
    match goal_pick(answers, domain) {
        GoalPick::Option(_) => {
            entry(&answers.goals, domain).and_then(|a| a.scope.as_ref().map(|s| s.value))
        }
        _ => None,
    }
}

/// Which choice steps 4 and 5 show as chosen for a subdomain or practice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecisionPick {
    /// Take the suggestion.
    Accept,
    /// Inherit from the level above.
    Inherit,
    /// Levels (or a confirmation) with a rationale.
    Set,
}

/// What the answers chose for subdomain or practice `id`; an unanswered one follows
/// `answers.remaining`.
pub fn decision_pick(answers: &Answers, kind: DecisionKind, id: &str) -> DecisionPick {
    match entry(answers.decisions(kind), id) {
        None => match answers.remaining {
            Remaining::Accept => DecisionPick::Accept,
            Remaining::Inherit => DecisionPick::Inherit,
        },
        Some(Decision {
            take: Some(Take::Accept),
            ..
        }) => DecisionPick::Accept,
        Some(Decision {
            take: Some(Take::Inherit),
            ..
        }) => DecisionPick::Inherit,
        Some(_) => DecisionPick::Set,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{builtin_templates, Impact};

    #[test]
    fn an_entry_set_again_keeps_its_place_and_a_new_one_goes_last() {
        let mut entries: Entries<u8> = Entries::default();
        set_entry(&mut entries, "a", 1);
        set_entry(&mut entries, "b", 2);
        set_entry(&mut entries, "a", 3);
        let keys: Vec<(&str, u8)> = entries
            .iter()
            .map(|(k, v)| (k.value.as_str(), *v))
            .collect();
        assert_eq!(keys, [("a", 3), ("b", 2)]);
        remove_entry(&mut entries, "a");
        assert_eq!(entry(&entries, "a"), None);
        assert_eq!(entry(&entries, "b"), Some(&2));
    }

    #[test]
    fn changing_one_factor_of_a_template_keeps_the_others_in_their_order() {
        let template = builtin_templates().into_iter().next().expect("a template");
        let mut answers = Answers {
            template: Some(template.id.value.clone()),
            ..Answers::default()
        };
        let first = template.factors[0].kind;
        let changed = Factor {
            kind: first,
            impact: Some(Impact::Low),
            description: "changed".to_string(),
        };
        answers.set_factor(Some(&template), first, Some(changed.clone()));
        assert_eq!(answers.factors.len(), template.factors.len());
        assert_eq!(answers.factors[0], changed);
        assert_eq!(answers.factors[1..], template.factors[1..]);
        answers.set_factor(Some(&template), first, None);
        assert_eq!(answers.factors, template.factors[1..]);
    }

    #[test]
    fn the_picks_follow_the_answers() {
        let mut answers = Answers::default();
        assert_eq!(goal_pick(&answers, "hardening"), GoalPick::Suggestion);
        set_entry(
            &mut answers.goals,
            "hardening",
            super::super::GoalAnswer {
                option: Some(Located::new("internet-risks".to_string())),
                ..Default::default()
            },
        );
        assert_eq!(
            goal_pick(&answers, "hardening"),
            GoalPick::Option("internet-risks".to_string())
        );
        let kind = DecisionKind::Practice;
        assert_eq!(
            decision_pick(&answers, kind, "monitoring"),
            DecisionPick::Accept
        );
        answers.remaining = Remaining::Inherit;
        assert_eq!(
            decision_pick(&answers, kind, "monitoring"),
            DecisionPick::Inherit
        );
        set_entry(
            answers.decisions_mut(kind),
            "monitoring",
            Decision {
                rationale: Some(Located::new("why".to_string())),
                ..Decision::default()
            },
        );
        assert_eq!(
            decision_pick(&answers, kind, "monitoring"),
            DecisionPick::Set
        );
        assert_eq!(
            decision_pick(&answers, DecisionKind::Subdomain, "monitoring"),
            DecisionPick::Inherit
        );
    }
}
