//! Who chooses and who pays: the stakeholders a target names, who is responsible for each
//! practice and who bears its cost, and the approval that makes a version binding.
//!
//! The model asks, for every part of security, who decides, who pays and who profits, because a
//! measure that one party pays for and another profits from is the one that does not happen
//! (the seed's vendor who is not paid for the patch the client needs). A target makes that
//! visible by naming its stakeholders once and pointing at them from goals, subdomains and
//! practices; the names flow down like levels do, so a domain's goal sets the default.

use std::collections::HashMap;

use crate::catalog::{Catalog, Node};
use crate::diagnostic::{nearest, Diagnostic, Diagnostics};
use crate::document::TargetProfile;
use crate::located::Located;
use crate::resolve::{GivenApproval, NamedStakeholder};

/// Checks the stakeholder ids (not empty, each once) and lists them in the order written.
pub(crate) fn index_stakeholders(
    target: &TargetProfile,
    problems: &mut Diagnostics,
) -> Vec<NamedStakeholder> {
    let mut found: Vec<NamedStakeholder> = Vec::new();
    for (key, stakeholder) in target.stakeholders.iter() {
        let id = key.value.trim();
        let field = format!("stakeholders.{id}");
        if id.is_empty() {
            problems.push(Diagnostic::new(
                key.at,
                "stakeholders",
                "a stakeholder needs an id: a short word the target refers to it by",
            ));
            continue;
        }
        if found.iter().any(|s| s.id == id) {
            problems.push(Diagnostic::new(
                key.at,
                field,
                format!("the stakeholder `{id}` is named twice"),
            ));
            continue;
        }
        let name = stakeholder
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or(id);
        found.push(NamedStakeholder {
            id: id.to_string(),
            role: stakeholder.role.value,
            name: name.to_string(),
        });
    }
    found
}

/// Checks that every `responsible` and `cost-bearer` names a stakeholder of the target.
pub(crate) fn check_references(
    target: &TargetProfile,
    stakeholders: &[NamedStakeholder],
    problems: &mut Diagnostics,
) {
    let mut check =
        |section: &str, key: &Located<String>, part: &str, value: &Option<Located<String>>| {
            let Some(value) = value else { return };
            let id = value.value.trim();
            if stakeholders.iter().any(|s| s.id == id) {
                return;
            }
            let field = format!("{section}.{}.{part}", key.value);
            let d = Diagnostic::new(
                value.at,
                field,
                format!("`{id}` is not one of this target's stakeholders"),
            );
            problems.push(if stakeholders.is_empty() {
                d.with_help(format!(
                "name it under `stakeholders:` first, e.g. `{id}: {{role: operator, name: ...}}`"
            ))
            } else {
                match nearest(id, stakeholders.iter().map(|s| s.id.as_str())) {
                    Some(near) => d.with_help(format!("did you mean `{near}`?")),
                    None => d.with_help(format!(
                        "the stakeholders are: {}",
                        stakeholders
                            .iter()
                            .map(|s| s.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                }
            });
        };
    for (key, goal) in target.goals.iter() {
        check("goals", key, "responsible", &goal.responsible);
        check("goals", key, "cost-bearer", &goal.cost_bearer);
    }
    for (section, entries) in [
        ("subdomains", &target.subdomains),
        ("practices", &target.practices),
    ] {
        for (key, over) in entries.iter() {
            check(section, key, "responsible", &over.responsible);
            check(section, key, "cost-bearer", &over.cost_bearer);
        }
    }
}

/// Checks the goals' deadlines (not before the target was agreed) and budgets (a currency code).
pub(crate) fn check_goal_plans(target: &TargetProfile, problems: &mut Diagnostics) {
    for (key, goal) in target.goals.iter() {
        if let Some(deadline) = &goal.deadline {
            if deadline.value < target.date {
                problems.push(
                    Diagnostic::new(
                        deadline.at,
                        format!("goals.{}.deadline", key.value),
                        format!(
                            "the deadline {} is before the target was agreed ({})",
                            deadline.value, target.date
                        ),
                    )
                    .with_help("a deadline is a day on or after the target's `date`"),
                );
            }
        }
        if let Some(budget) = &goal.budget {
            let code = budget.currency.value.trim();
            if code.len() != 3 || !code.chars().all(|c| c.is_ascii_uppercase()) {
                problems.push(
                    Diagnostic::new(
                        budget.currency.at,
                        format!("goals.{}.budget.currency", key.value),
                        format!("`{code}` is not a currency code"),
                    )
                    .with_help("write the three-letter ISO 4217 code, e.g. EUR or USD"),
                );
            }
        }
    }
}

/// Checks an approval (who, a statement, a date not before the target's) and returns it.
pub(crate) fn check_approval(
    target: &TargetProfile,
    problems: &mut Diagnostics,
) -> Option<GivenApproval> {
    let approval = target.approval.as_ref()?;
    for (part, text, help) in [
        ("by", &approval.by, "say who approved it and for whom"),
        (
            "statement",
            &approval.statement,
            "say what was approved, e.g. \"agreed as the target for the 2027 service contract\"",
        ),
    ] {
        if text.value.trim().is_empty() {
            problems.push(Diagnostic::new(
                text.at,
                format!("approval.{part}"),
                format!("`{part}` is empty: {help}"),
            ));
        }
    }
    if approval.date.value < target.date {
        problems.push(Diagnostic::new(
            approval.date.at,
            "approval.date",
            format!(
                "the approval is dated {}, before the target itself ({})",
                approval.date.value, target.date
            ),
        ));
    }
    Some(GivenApproval {
        by: approval.by.value.trim().to_string(),
        date: approval.date.value,
        statement: approval.statement.value.trim().to_string(),
    })
}

/// The responsible party and cost bearer named at each level, by catalog id.
pub(crate) struct Parties {
    /// By domain, subdomain and practice id (kept apart: a subdomain may share a practice's id).
    named: [HashMap<String, Named>; 3],
}

type Named = (Option<String>, Option<String>);

impl Parties {
    /// Collects the names from goals, subdomain and practice entries (keys may be names or
    /// aliases; unknown keys are reported elsewhere).
    pub(crate) fn new(catalog: &Catalog, target: &TargetProfile) -> Parties {
        let value = |v: &Option<Located<String>>| v.as_ref().map(|v| v.value.trim().to_string());
        let mut named: [HashMap<String, Named>; 3] = Default::default();
        for (key, goal) in target.goals.iter() {
            if let Some(Node::Domain(d)) = catalog.find(&key.value) {
                named[0].insert(
                    catalog.domains[d].id.as_str().to_string(),
                    (value(&goal.responsible), value(&goal.cost_bearer)),
                );
            }
        }
        for (key, over) in target.subdomains.iter() {
            if let Some(s) = catalog.subdomain(&key.value) {
                named[1].insert(
                    s.subdomain.id.as_str().to_string(),
                    (value(&over.responsible), value(&over.cost_bearer)),
                );
            }
        }
        for (key, over) in target.practices.iter() {
            if let Some(p) = catalog.practice(&key.value) {
                named[2].insert(
                    p.practice.id.as_str().to_string(),
                    (value(&over.responsible), value(&over.cost_bearer)),
                );
            }
        }
        Parties { named }
    }

    /// The responsible party and cost bearer of a practice: its own, else its subdomain's, else
    /// its domain goal's, each on its own.
    pub(crate) fn of(
        &self,
        domain: &str,
        subdomain: &str,
        practice: &str,
    ) -> (Option<String>, Option<String>) {
        let levels = [
            self.named[2].get(practice),
            self.named[1].get(subdomain),
            self.named[0].get(domain),
        ];
        let first = |pick: fn(&Named) -> &Option<String>| {
            levels.iter().flatten().find_map(|n| pick(n).clone())
        };
        (first(|n| &n.0), first(|n| &n.1))
    }
}

#[cfg(test)]
mod tests {
    use crate::document::parse_target;
    use crate::{resolve, Catalog, Diagnostics, ResolvedTarget};

    /// A small target: every domain at 2 / general, with `extra` appended at the top level and
    /// `goal` added to the hardening goal.
    fn target(goal: &str, extra: &str) -> String {
        format!(
            "smm: 1\nkind: TargetProfile\nname: plant\nversion: \"1.0\"\nsystem: s\nrole: integrator\ndate: 2026-03-01\ncatalog: {{id: iot-smm, version: \"1.2\"}}\ngoals:\n  governance: {{statement: g, comprehensiveness: 2, scope: general}}\n  enablement: {{statement: e, comprehensiveness: 2, scope: general}}\n  hardening:\n    statement: h\n    comprehensiveness: 2\n    scope: general\n{goal}{extra}"
        )
    }

    const PARTIES: &str = "stakeholders:\n  us: {role: integrator, name: Plant Integration Ltd}\n  owner: {role: operator}\n  soc: {role: service-provider, name: Night Watch SOC}\n";

    fn resolved(text: &str) -> Result<ResolvedTarget, Diagnostics> {
        resolve(&Catalog::builtin(), &parse_target(text).expect("parses"))
    }

    fn problems(text: &str) -> Vec<(u64, String, String)> {
        resolved(text)
            .expect_err("refused")
            .0
            .iter()
            .map(|d| (d.at.line, d.field.clone(), d.message.clone()))
            .collect()
    }

    #[test]
    fn responsibility_flows_down_from_goal_to_subdomain_to_practice() {
        let text = target(
            "    responsible: us\n    cost-bearer: owner\n",
            &format!("{PARTIES}subdomains:\n  situational-awareness:\n    responsible: soc\npractices:\n  monitoring:\n    cost-bearer: soc\n"),
        );
        let t = resolved(&text).expect("resolves");
        let of = |id: &str| {
            let p = t.practice(id).expect("practice");
            (p.responsible.as_deref(), p.cost_bearer.as_deref())
        };
        // The goal's parties for the domain, the subdomain's for its practices, the practice's own
        // last; each party on its own.
        assert_eq!(of("patch-management"), (Some("us"), Some("owner")));
        assert_eq!(of("information-sharing"), (Some("soc"), Some("owner")));
        assert_eq!(of("monitoring"), (Some("soc"), Some("soc")));
        // Nothing named for governance: nobody is made up.
        assert_eq!(of("program-management"), (None, None));
        assert_eq!(
            t.stakeholder("soc").map(|s| s.name.as_str()),
            Some("Night Watch SOC")
        );
        assert_eq!(
            t.stakeholder("owner").map(|s| s.name.as_str()),
            Some("owner")
        );
    }

    #[test]
    fn naming_parties_moves_no_level_and_needs_no_rationale() {
        let text = target(
            "",
            &format!("{PARTIES}practices:\n  monitoring:\n    responsible: soc\n"),
        );
        let t = resolved(&text).expect("an entry that only names parties needs no rationale");
        let p = t.practice("monitoring").expect("practice");
        assert!(
            !p.confirmed,
            "naming a party is not a confirmation of the level"
        );
        assert_eq!(p.source, crate::Source::DomainGoal);
        // A level without a reason is still refused.
        let text = target(
            "",
            &format!("{PARTIES}practices:\n  monitoring:\n    comprehensiveness: 3\n    responsible: soc\n"),
        );
        assert!(problems(&text)
            .iter()
            .any(|(_, field, _)| field == "practices.monitoring.rationale"));
    }

    #[test]
    fn an_unknown_stakeholder_is_an_error_at_its_line() {
        let text = target(
            "    responsible: uss\n",
            &format!("{PARTIES}practices:\n  monitoring:\n    cost-bearer: nobody\n"),
        );
        let found = problems(&text);
        assert!(
            found.contains(&(
                16,
                "goals.hardening.responsible".into(),
                "`uss` is not one of this target's stakeholders".into()
            )),
            "{found:?}"
        );
        assert!(found
            .iter()
            .any(|(line, field, _)| *line == 23 && field == "practices.monitoring.cost-bearer"));
        let d = resolved(&text).expect_err("refused");
        let help =
            d.0.iter()
                .find(|d| d.field == "goals.hardening.responsible");
        assert_eq!(
            help.and_then(|d| d.help.as_deref()),
            Some("did you mean `us`?")
        );
    }

    #[test]
    fn new_stakeholder_roles_parse_and_read_as_words() {
        let text = target(
            "",
            "stakeholders:\n  chips: {role: component-vendor}\n  cloud: {role: platform-vendor}\n  agency: {role: regulator}\n  lab: {role: certification-body}\n",
        );
        let t = resolved(&text).expect("resolves");
        let roles: Vec<&str> = t.stakeholders.iter().map(|s| s.role.words()).collect();
        assert_eq!(
            roles,
            [
                "component vendor",
                "platform vendor",
                "regulator",
                "certification body"
            ]
        );
    }

    #[test]
    fn deadlines_budgets_and_approvals_are_checked_where_written() {
        let text = target(
            "    deadline: 2026-01-31\n    budget: {amount: 60000, currency: euro}\n",
            "approval:\n  by: \" \"\n  date: 2026-02-01\n  statement: agreed\n",
        );
        let found = problems(&text);
        let fields: Vec<(u64, &str)> = found.iter().map(|(l, f, _)| (*l, f.as_str())).collect();
        assert!(
            fields.contains(&(16, "goals.hardening.deadline")),
            "{found:?}"
        );
        assert!(
            fields.contains(&(17, "goals.hardening.budget.currency")),
            "{found:?}"
        );
        assert!(fields.contains(&(19, "approval.by")), "{found:?}");
        assert!(fields.contains(&(20, "approval.date")), "{found:?}");

        let text = target(
            "    deadline: 2027-06-30\n    budget: {amount: 60000, currency: EUR}\n",
            "approval:\n  by: Jane Doe, for the owner\n  date: 2026-03-02\n  statement: Agreed as the 2027 service target.\n",
        );
        let t = resolved(&text).expect("resolves");
        let hardening = t.domain("hardening").expect("domain");
        assert_eq!(
            hardening.deadline.map(|d| d.to_string()).as_deref(),
            Some("2027-06-30")
        );
        assert_eq!(hardening.budget.as_ref().map(|b| b.amount), Some(60000));
        assert_eq!(
            t.approval.as_ref().map(|a| a.by.as_str()),
            Some("Jane Doe, for the owner")
        );
    }
}
