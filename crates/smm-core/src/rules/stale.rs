//! Accepted rules that no longer fire.
//!
//! An acceptance records why a profile departs from a rule. Once the levels change so that the
//! rule holds (or the catalog retires it), the acceptance explains nothing any more, and left in
//! place it would silently excuse the departure should it come back. It is a warning, never an
//! error: files written before the change keep validating.

use crate::catalog::Catalog;
use crate::diagnostic::Diagnostic;
use crate::document::TargetProfile;

use super::RuleFinding;

/// One warning per accepted rule of `profile` that none of `findings` (the rules that fire on
/// it, from [`check_rules`](super::check_rules)) is about, at the acceptance's line.
pub fn stale_acceptances(
    catalog: &Catalog,
    profile: &TargetProfile,
    findings: &[RuleFinding],
) -> Vec<Diagnostic> {
    profile
        .accepted_rules
        .iter()
        .filter(|(key, _)| !findings.iter().any(|f| f.rule == key.value))
        .filter_map(|(key, _)| {
            let id = &key.value;
            let message = if catalog.rule(id).is_some() {
                format!("rule `{id}` is accepted but no longer fires on this target")
            } else if catalog.retired_rule(id).is_some() {
                format!("rule `{id}` is accepted but the catalog has retired it")
            } else {
                // An unknown id is an error that resolving already reports.
                return None;
            };
            Some(
                Diagnostic::new(key.at, format!("accepted-rules.{id}"), message)
                    .with_help("the acceptance can be removed"),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{check_rules, parse_target, resolve};

    const TARGET: &str = "smm: 1\nkind: TargetProfile\nname: x\nsystem: s\nrole: vendor\ndate: 2026-01-01\ncatalog: {id: iot-smm, version: '1.2'}\ngoals:\n  governance: {statement: g, comprehensiveness: 2, scope: general}\n  enablement: {statement: e, comprehensiveness: 2, scope: general}\n  hardening: {statement: h, comprehensiveness: 3, scope: general}\npractices:\n  patch-management: {comprehensiveness: 1, rationale: slow}\naccepted-rules:\n  hardening-needs-patching: {reason: the line is patched at stops only}\n";

    fn stale(text: &str) -> Vec<Diagnostic> {
        let catalog = Catalog::builtin();
        let profile = parse_target(text).expect("target");
        let resolved = resolve(&catalog, &profile).expect("resolves");
        let findings = check_rules(&catalog, &resolved);
        stale_acceptances(&catalog, &profile, &findings)
    }

    #[test]
    fn an_acceptance_of_a_rule_that_fires_is_not_stale() {
        assert_eq!(stale(TARGET), Vec::new());
    }

    #[test]
    fn an_acceptance_of_a_rule_that_no_longer_fires_is_named_at_its_line() {
        let text = TARGET.replace(
            "comprehensiveness: 1, rationale: slow",
            "comprehensiveness: 3, rationale: monthly",
        );
        let found = stale(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].field, "accepted-rules.hardening-needs-patching");
        assert_eq!(found[0].at.line, 15);
        assert!(found[0].message.contains("no longer fires"));
        assert_eq!(
            found[0].help.as_deref(),
            Some("the acceptance can be removed")
        );
    }
}
