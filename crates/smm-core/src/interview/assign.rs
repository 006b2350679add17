//! Step 4's optional question, who is responsible and who pays, written into the profile.
//!
//! The answers name a domain, subdomain or practice; the profile keeps the names where they flow
//! down from: on the domain's goal, or on the subdomain's or practice's entry (created without a
//! rationale when there is none, since naming a party moves no level). Whether each name is one
//! of the stakeholders is checked when the profile is resolved, at the profile's field.

use super::answers::{Answers, Assignment};
use super::edit::{remove_entry, set_entry};
use crate::catalog::{Catalog, Node};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::document::{Override, Stakeholder, StakeholderRole, TargetProfile};
use crate::located::{Entries, Located};

impl Answers {
    /// Names (or, with `None`, removes) the stakeholder `id`. The id and name are trimmed, and an
    /// empty name is left out, so the terminal and the pages write the same answer for the same
    /// typing.
    pub fn set_stakeholder(&mut self, id: &str, given: Option<(StakeholderRole, &str)>) {
        let id = id.trim();
        match given {
            Some((role, name)) => set_entry(
                &mut self.stakeholders,
                id,
                Stakeholder {
                    role: Located::new(role),
                    name: Some(name.trim().to_string()).filter(|n| !n.is_empty()),
                },
            ),
            None => remove_entry(&mut self.stakeholders, id),
        }
    }

    /// Says who is responsible for the domain, subdomain or practice `id` and who pays
    /// (stakeholder ids; `None` for "as the level above"). With neither, the answer is withdrawn
    /// rather than kept empty, so the level above decides.
    pub fn assign(&mut self, id: &str, responsible: Option<&str>, cost_bearer: Option<&str>) {
        let named = |v: Option<&str>| {
            v.map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| Located::new(v.to_string()))
        };
        let (responsible, cost_bearer) = (named(responsible), named(cost_bearer));
        if responsible.is_none() && cost_bearer.is_none() {
            remove_entry(&mut self.responsibility, id);
        } else {
            set_entry(
                &mut self.responsibility,
                id,
                Assignment {
                    responsible,
                    cost_bearer,
                },
            );
        }
    }
}

/// A domain, subdomain or practice that step 4's optional question asks about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// Its id.
    pub id: String,
    /// Its display name.
    pub name: String,
    /// 0 for a domain, 1 for a subdomain, 2 for a practice.
    pub depth: usize,
}

/// Everything a responsible party and a cost bearer can be named for, each domain followed by
/// its subdomains and each subdomain by its practices: where a name flows down from.
pub fn parts_to_assign(catalog: &Catalog) -> Vec<Part> {
    let mut out = Vec::new();
    for domain in &catalog.domains {
        out.push(Part {
            id: domain.id.as_str().to_string(),
            name: domain.name.clone(),
            depth: 0,
        });
        for sub in &domain.subdomains {
            out.push(Part {
                id: sub.id.as_str().to_string(),
                name: sub.name.clone(),
                depth: 1,
            });
            for p in &sub.practices {
                out.push(Part {
                    id: p.id.as_str().to_string(),
                    name: p.name.clone(),
                    depth: 2,
                });
            }
        }
    }
    out
}

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

#[cfg(test)]
mod tests {
    use crate::interview::{build_profile, parse_answers};
    use crate::{resolve, Catalog};

    const ANSWERS: &str = "smm: 1\nkind: Answers\nname: plant\nsystem: s\nrole: integrator\ndate: 2026-05-01\nremaining: inherit\nstakeholders:\n  us: {role: integrator}\n  owner: {role: operator, name: The plant owner}\nresponsibility:\n  hardening: {responsible: us, cost-bearer: owner}\n  incident-response: {responsible: owner}\n  monitoring: {cost-bearer: us}\n";

    #[test]
    fn step_four_answers_name_who_is_responsible_and_who_pays() {
        let catalog = Catalog::builtin();
        let answers = parse_answers(ANSWERS).expect("answers");
        let built = build_profile(&catalog, None, &answers).expect("builds");
        let t = resolve(&catalog, &built.profile).expect("resolves");
        let of = |id: &str| {
            let p = t.practice(id).expect("practice");
            (p.responsible.clone(), p.cost_bearer.clone())
        };
        let some = |s: &str| Some(s.to_string());
        assert_eq!(of("patch-management"), (some("us"), some("owner")));
        assert_eq!(
            of("detection-response-plan"),
            (some("owner"), some("owner"))
        );
        assert_eq!(of("monitoring"), (some("us"), some("us")));
        assert_eq!(of("threat-modeling"), (None, None));
        assert_eq!(t.stakeholders.len(), 2);
    }

    #[test]
    fn a_responsibility_for_an_unknown_party_or_part_is_refused_where_written() {
        let catalog = Catalog::builtin();
        let text = ANSWERS.replace("cost-bearer: us}", "cost-bearer: them}")
            + "  nowhere: {responsible: us}\n";
        let answers = parse_answers(&text).expect("answers");
        let refused = build_profile(&catalog, None, &answers).expect_err("refused");
        assert!(refused
            .0
            .iter()
            .any(|d| d.field == "responsibility.nowhere" && d.at.line == 15));
        let text = ANSWERS.replace("cost-bearer: us}", "cost-bearer: them}");
        let answers = parse_answers(&text).expect("answers");
        let refused = build_profile(&catalog, None, &answers).expect_err("refused");
        assert!(
            refused
                .0
                .iter()
                .any(|d| d.field == "practices.monitoring.cost-bearer"
                    && d.message.contains("`them`")),
            "{refused}"
        );
    }
}
