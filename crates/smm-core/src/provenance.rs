//! Where in a target profile's text a practice's required level is written.
//!
//! A practice's level may come from its domain's goal, its subdomain's override or its own entry
//! (see [`Source`]). Tools that point a reader at the file (a CI gate's code-scanning result, an
//! editor) need the line that decided each measure, not the practice's id: changing the goal's
//! line changes every practice that inherits it.

use crate::catalog::Catalog;
use crate::document::{Goal, Override, TargetProfile};
use crate::located::{Entries, Located, Position};
use crate::resolve::{ResolvedPractice, Source};

/// The positions that decided a practice's two measures; unknown (`0:0`) for a target built in
/// code rather than read from text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WrittenAt {
    /// Where the required comprehensiveness is written.
    pub comprehensiveness: Position,
    /// Where the required scope is written.
    pub scope: Position,
}

/// Where `practice`'s required comprehensiveness and scope are written in `target`, the document
/// it was resolved from.
pub fn written_at(
    catalog: &Catalog,
    target: &TargetProfile,
    practice: &ResolvedPractice,
) -> WrittenAt {
    WrittenAt {
        comprehensiveness: measure_at(
            catalog,
            target,
            practice,
            practice.sources.comprehensiveness,
            |o| o.comprehensiveness.as_ref().map(|c| c.at),
            |g| g.comprehensiveness.at,
        ),
        scope: measure_at(
            catalog,
            target,
            practice,
            practice.sources.scope,
            |o| o.scope.as_ref().map(|s| s.at),
            |g| g.scope.at,
        ),
    }
}

fn measure_at(
    catalog: &Catalog,
    target: &TargetProfile,
    practice: &ResolvedPractice,
    source: Source,
    in_override: impl Fn(&Override) -> Option<Position>,
    in_goal: impl Fn(&Goal) -> Position,
) -> Position {
    match source {
        Source::DomainGoal => entry(&target.goals, |key| {
            catalog
                .domain(key)
                .is_some_and(|d| d.id.as_str() == practice.domain.as_str())
        })
        .map(|(_, goal)| in_goal(goal))
        .unwrap_or_default(),
        Source::SubdomainOverride => override_at(&target.subdomains, &in_override, |key| {
            catalog
                .subdomain(key)
                .is_some_and(|s| s.subdomain.id.as_str() == practice.subdomain.as_str())
                || names(catalog, key, practice.subdomain.as_str())
        }),
        Source::PracticeOverride => override_at(&target.practices, &in_override, |key| {
            catalog
                .practice(key)
                .is_some_and(|p| p.practice.id.as_str() == practice.id.as_str())
                || names(catalog, key, practice.id.as_str())
        }),
    }
}

/// The measure's own line in the entry, else the entry's key.
fn override_at(
    entries: &Entries<Override>,
    in_override: &impl Fn(&Override) -> Option<Position>,
    is_it: impl Fn(&str) -> bool,
) -> Position {
    entry(entries, is_it)
        .map(|(key, over)| in_override(over).unwrap_or(key.at))
        .unwrap_or_default()
}

fn entry<V>(entries: &Entries<V>, is_it: impl Fn(&str) -> bool) -> Option<(&Located<String>, &V)> {
    entries
        .iter()
        .find(|(key, _)| is_it(key.value.as_str()))
        .map(|(key, value)| (key, value))
}

/// Whether `key` names the node `id` by id or by name. A name shared by a subdomain and a practice
/// ("Threat Modeling") finds only one of them through [`Catalog::find`], as resolution allows.
fn names(catalog: &Catalog, key: &str, id: &str) -> bool {
    let key = key.trim();
    if key == id {
        return true;
    }
    let named = |name: &str| name.eq_ignore_ascii_case(key);
    catalog
        .practices()
        .any(|p| p.practice.id.as_str() == id && named(&p.practice.name))
        || catalog
            .subdomains()
            .any(|s| s.subdomain.id.as_str() == id && named(&s.subdomain.name))
}

#[cfg(test)]
mod tests;
