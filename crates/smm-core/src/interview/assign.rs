//! Step 4's optional question, who is responsible and who pays, written into the profile.
//!
//! The answers name a domain, subdomain or practice; the profile keeps the names where they flow
//! down from: on the domain's goal, or on the subdomain's or practice's entry (created without a
//! rationale when there is none, since naming a party moves no level). Whether each name is one
//! of the stakeholders is checked when the profile is resolved, at the profile's field.

use super::answers::Assignment;
use crate::catalog::{Catalog, Node};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::document::{Override, TargetProfile};
use crate::located::{Entries, Located};

/// Writes each assignment onto the goal or entry it belongs to.
pub(crate) fn apply(
    catalog: &Catalog,
    assignments: &Entries<Assignment>,
    profile: &mut TargetProfile,
) -> Result<(), Diagnostics> {
    let mut problems = Diagnostics::default();
    for (key, assignment) in assignments.iter() {
        let field = format!("responsibility.{}", key.value);
        let (responsible, cost_bearer) = (
            assignment.responsible.clone(),
            assignment.cost_bearer.clone(),
        );
        // A domain first, then a subdomain, then a practice (a name shared by a subdomain and a
        // practice means the subdomain; the practice's id is unique).
        let domain = match catalog.find(&key.value) {
            Some(Node::Domain(d)) => Some(catalog.domains[d].id.as_str()),
            _ => None,
        };
        let over = if let Some(id) = domain {
            let goal = profile.goals.0.iter_mut().find(|(k, _)| {
                matches!(catalog.find(&k.value), Some(Node::Domain(g)) if catalog.domains[g].id.as_str() == id)
            });
            if let Some((_, goal)) = goal {
                goal.responsible = responsible.or(goal.responsible.take());
                goal.cost_bearer = cost_bearer.or(goal.cost_bearer.take());
            }
            continue;
        } else if let Some(item) = catalog.subdomain(&key.value) {
            let id = item.subdomain.id.as_str();
            Some(entry(&mut profile.subdomains, id, |k| {
                catalog
                    .subdomain(k)
                    .is_some_and(|s| s.subdomain.id.as_str() == id)
            }))
        } else if let Some(item) = catalog.practice(&key.value) {
            let id = item.practice.id.as_str();
            Some(entry(&mut profile.practices, id, |k| {
                catalog
                    .practice(k)
                    .is_some_and(|p| p.practice.id.as_str() == id)
            }))
        } else {
            None
        };
        match over {
            Some(over) => {
                over.responsible = responsible.or(over.responsible.take());
                over.cost_bearer = cost_bearer.or(over.cost_bearer.take());
            }
            None => problems.push(
                Diagnostic::new(
                    key.at,
                    field,
                    format!("unknown domain, subdomain or practice id `{}`", key.value),
                )
                .with_help("see `smm catalog` for the ids"),
            ),
        }
    }
    problems.into_result(())
}

/// The entry for `id`, added at the end when the profile has none.
fn entry<'p>(
    entries: &'p mut Entries<Override>,
    id: &str,
    is: impl Fn(&str) -> bool,
) -> &'p mut Override {
    let at = match entries.0.iter().position(|(k, _)| is(&k.value)) {
        Some(i) => i,
        None => {
            entries
                .0
                .push((Located::new(id.to_string()), Override::default()));
            entries.0.len() - 1
        }
    };
    &mut entries.0[at].1
}
