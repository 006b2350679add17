//! What a mapping's types cannot say: it names the catalog it is read with, its practices exist,
//! each clause appears once, and every claim carries its reasoning.

use std::collections::HashSet;

use crate::catalog::Catalog;
use crate::diagnostic::{nearest, Diagnostic, Diagnostics};
use crate::level::Comprehensiveness;
use crate::located::Position;

use super::Mapping;

/// Every problem of `mapping` read with `catalog`, in file order.
pub(super) fn check(catalog: &Catalog, mapping: &Mapping) -> Diagnostics {
    let mut problems = Diagnostics::default();
    let id = &mapping.standard.id;
    if !well_formed(&id.value) {
        problems.push(
            Diagnostic::new(
                id.at,
                "standard.id",
                format!("`{}` is not a standard id", id.value),
            )
            .with_help("lowercase letters, digits, `.` and `-`, e.g. `etsi-en-303-645`"),
        );
    }
    let c = &mapping.catalog;
    if c.id.value != catalog.id.value || c.version.value != catalog.version.value {
        problems.push(Diagnostic::new(
            c.id.at,
            "catalog",
            format!(
                "the mapping relates clauses to {}@{}, but the catalog in use is {}",
                c.id.value,
                c.version.value,
                catalog.reference()
            ),
        ));
    }
    if mapping.clauses.is_empty() {
        problems.push(Diagnostic::new(
            Position::new(1, 1),
            "clauses",
            "a mapping needs at least one clause",
        ));
    }
    let mut seen = HashSet::new();
    for (i, clause) in mapping.clauses.iter().enumerate() {
        let field = |name: &str| format!("clauses[{i}].{name}");
        if clause.id.value.trim().is_empty() {
            problems.push(Diagnostic::new(
                clause.id.at,
                field("id"),
                "a clause needs its identifier",
            ));
        } else if !seen.insert(clause.id.value.as_str()) {
            problems.push(Diagnostic::new(
                clause.id.at,
                field("id"),
                format!("clause `{}` is mapped twice", clause.id.value),
            ));
        }
        if clause.relations.is_empty() && clause.outside_model.is_none() {
            problems.push(
                Diagnostic::new(
                    clause.id.at,
                    field("relations"),
                    format!(
                        "clause `{}` relates to no practice and says nothing about why",
                        clause.id.value
                    ),
                )
                .with_help("add `relations`, or `outside-model:` with the reason the model does not reach it"),
            );
        }
        if let Some(why) = &clause.outside_model {
            if why.value.trim().is_empty() {
                problems.push(Diagnostic::new(
                    why.at,
                    field("outside-model"),
                    "say why the model does not reach the clause",
                ));
            }
        }
        if clause.jointly && clause.relations.len() < 2 {
            problems.push(Diagnostic::new(
                clause.id.at,
                field("jointly"),
                "`jointly: true` needs at least two relations: one practice cannot act jointly",
            ));
        }
        let mut practices = HashSet::new();
        for (j, relation) in clause.relations.iter().enumerate() {
            let field = |name: &str| format!("clauses[{i}].relations[{j}].{name}");
            let practice = &relation.practice;
            if catalog.practice_ids().all(|p| p != practice.value) {
                let mut d = Diagnostic::new(
                    practice.at,
                    field("practice"),
                    format!("unknown practice `{}`", practice.value),
                );
                if let Some(near) = nearest(&practice.value, catalog.practice_ids()) {
                    d = d.with_help(format!("did you mean `{near}`?"));
                }
                problems.push(d);
            } else if !practices.insert(practice.value.as_str()) {
                problems.push(Diagnostic::new(
                    practice.at,
                    field("practice"),
                    format!(
                        "practice `{}` is related to clause `{}` twice",
                        practice.value, clause.id.value
                    ),
                ));
            }
            if relation.comprehensiveness.value == Comprehensiveness::None {
                problems.push(Diagnostic::new(
                    relation.comprehensiveness.at,
                    field("comprehensiveness"),
                    "a practice at 0 (None) addresses nothing: give the lowest level, 1 to 4, at which it addresses the clause",
                ));
            }
            if relation.rationale.value.trim().is_empty() {
                problems.push(Diagnostic::new(
                    relation.rationale.at,
                    field("rationale"),
                    "every relation needs its reasoning",
                ));
            }
        }
    }
    problems.sorted()
}

fn well_formed(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
}
