//! Reading a catalog and refusing one that could mislead an assessor.
//!
//! A catalog is checked once, when loaded: unique and well-formed ids, every level 0-4 and every
//! scope described, and for each practice every level 1-4 with a description, actions and
//! indicators. Everything downstream can then index it without further checks.

use std::collections::HashMap;

use serde::Deserialize;

use super::{Catalog, Index, Node};
use super::{CatalogKind, ComprehensivenessMeaning, Domain, ScopeMeaning};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::header::{parse_kind, FormatVersion, Kind};
use crate::id::is_well_formed;
use crate::level::{Comprehensiveness, Scope};
use crate::located::Located;
use crate::located::Position;

/// Parses and checks a catalog from YAML or JSON text.
pub fn parse_catalog(source: &str) -> Result<Catalog, Diagnostics> {
    let file: CatalogFile = parse_kind(source, Kind::Catalog)?;
    checked(file)
}

/// Checks a catalog as written and builds its index.
pub(super) fn checked(file: CatalogFile) -> Result<Catalog, Diagnostics> {
    let mut catalog = Catalog {
        smm: file.smm,
        kind: file.kind,
        id: file.id,
        version: file.version,
        title: file.title,
        comprehensiveness: file.comprehensiveness,
        scopes: file.scopes,
        domains: file.domains,
        factors: file.factors,
        rules: file.rules,
        retired_rules: file.retired_rules,
        index: Index::default(),
        compiled_rules: Vec::new(),
    };
    let mut problems = Diagnostics::default();
    check_meanings(&catalog, &mut problems);
    catalog.index = build_index(&catalog, &mut problems);
    check_practices(&catalog, &mut problems);
    check_guide(&catalog, &mut problems);
    if problems.is_empty() {
        match crate::rules::compile(&catalog, &catalog.rules) {
            Ok(compiled) => catalog.compiled_rules = compiled,
            Err(rule_problems) => problems.0.extend(rule_problems.0),
        }
    }
    problems.into_result(catalog)
}

/// The catalog as written; [`parse_catalog`] checks it and adds the index.
///
/// [`Catalog`]'s `Serialize` writes these fields under these names, which is how
/// [`super::prepare`] writes what [`Catalog::from_prepared`] reads.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CatalogFile {
    smm: FormatVersion,
    kind: CatalogKind,
    id: Located<String>,
    version: Located<String>,
    title: String,
    comprehensiveness: Vec<ComprehensivenessMeaning>,
    scopes: Vec<ScopeMeaning>,
    domains: Vec<Domain>,
    #[serde(default)]
    factors: Vec<super::FactorGuide>,
    #[serde(default)]
    rules: Vec<crate::rules::Rule>,
    #[serde(default, rename = "retired-rules")]
    retired_rules: Vec<super::RetiredRule>,
}

fn check_meanings(catalog: &Catalog, problems: &mut Diagnostics) {
    let start = Position::new(1, 1);
    for level in Comprehensiveness::ALL {
        let found: Vec<_> = catalog
            .comprehensiveness
            .iter()
            .filter(|m| m.level.value == level)
            .collect();
        match found.as_slice() {
            [] => problems.push(Diagnostic::new(
                start,
                "comprehensiveness",
                format!("level {level} is not described: every level 0-4 needs a name and summary"),
            )),
            [one] if one.name.trim().is_empty() || one.summary.trim().is_empty() => {
                problems.push(Diagnostic::new(
                    one.level.at,
                    "comprehensiveness",
                    format!("level {level} needs a non-empty name and summary"),
                ))
            }
            [_] => {}
            [_, second, ..] => problems.push(Diagnostic::new(
                second.level.at,
                "comprehensiveness",
                format!("level {level} is described twice"),
            )),
        }
    }
    for scope in Scope::ALL {
        let count = catalog
            .scopes
            .iter()
            .filter(|m| m.scope.value == scope)
            .count();
        if count != 1 {
            problems.push(Diagnostic::new(
                start,
                "scopes",
                format!("scope `{scope}` must be described exactly once (found {count})"),
            ));
        }
    }
}

fn build_index(catalog: &Catalog, problems: &mut Diagnostics) -> Index {
    let mut index = Index::default();
    let mut names: HashMap<String, Node> = HashMap::new();
    // The field's path is formatted only for a problem: a good catalog formats none.
    let mut claim = |id: &str,
                     at: Position,
                     field: &dyn Fn() -> String,
                     node: Node,
                     problems: &mut Diagnostics| {
        if !is_well_formed(id) {
            problems.push(Diagnostic::new(
                at,
                field(),
                format!(
                    "`{id}` is not a valid id: use lowercase letters, digits and inner hyphens"
                ),
            ));
        }
        if index.by_id.insert(id.to_string(), node).is_some() {
            problems.push(Diagnostic::new(
                at,
                field(),
                format!("duplicate id `{id}`: ids must be unique across the catalog"),
            ));
        }
    };
    if catalog.domains.is_empty() {
        problems.push(Diagnostic::new(
            Position::new(1, 1),
            "domains",
            "a catalog needs at least one domain",
        ));
    }
    for (d, domain) in catalog.domains.iter().enumerate() {
        let node = Node::Domain(d);
        claim(
            domain.id.as_str(),
            domain.id.at,
            &|| format!("domains[{d}].id"),
            node,
            problems,
        );
        add_names(&mut names, &domain.name, &domain.aliases, node);
        if domain.subdomains.is_empty() {
            problems.push(Diagnostic::new(
                domain.id.at,
                format!("domains.{}", domain.id.value),
                "a domain needs at least one subdomain",
            ));
        }
        for (s, subdomain) in domain.subdomains.iter().enumerate() {
            let node = Node::Subdomain(d, s);
            claim(
                subdomain.id.as_str(),
                subdomain.id.at,
                &|| format!("subdomains.{}.id", subdomain.id.value),
                node,
                problems,
            );
            add_names(&mut names, &subdomain.name, &subdomain.aliases, node);
            index.subdomains.push((d, s));
            if subdomain.practices.is_empty() {
                problems.push(Diagnostic::new(
                    subdomain.id.at,
                    format!("subdomains.{}", subdomain.id.value),
                    "a subdomain needs at least one practice",
                ));
            }
            for (p, practice) in subdomain.practices.iter().enumerate() {
                let node = Node::Practice(d, s, p);
                claim(
                    practice.id.as_str(),
                    practice.id.at,
                    &|| format!("practices.{}.id", practice.id.value),
                    node,
                    problems,
                );
                add_names(&mut names, &practice.name, &practice.aliases, node);
                index.practices.push((d, s, p));
            }
        }
    }
    index.by_name = names;
    index
}

/// Names are looked up case-insensitively; a name shared by a subdomain and a practice (as
/// "Threat Modeling" is) stays usable because each lookup wants one kind of node.
fn add_names(names: &mut HashMap<String, Node>, name: &str, aliases: &[String], node: Node) {
    for n in std::iter::once(name).chain(aliases.iter().map(String::as_str)) {
        names.entry(n.trim().to_lowercase()).or_insert(node);
    }
}

fn check_practices(catalog: &Catalog, problems: &mut Diagnostics) {
    for item in catalog.practices() {
        let practice = item.practice;
        // Paths are formatted only for a problem: a good catalog formats none.
        let field = || format!("practices.{}", practice.id.value);
        let at = practice.id.at;
        if practice.name.trim().is_empty() {
            problems.push(Diagnostic::new(
                at,
                format!("{}.name", field()),
                "a practice needs a name",
            ));
        }
        if practice.purpose.trim().is_empty() {
            problems.push(Diagnostic::new(
                at,
                format!("{}.purpose", field()),
                "a practice needs its purpose",
            ));
        }
        let written: Vec<Comprehensiveness> =
            practice.levels.iter().map(|l| l.level.value).collect();
        let wanted = &Comprehensiveness::ALL[1..];
        if written != wanted {
            problems.push(Diagnostic::new(
                practice.levels.first().map(|l| l.level.at).unwrap_or(at),
                format!("{}.levels", field()),
                format!(
                    "levels must be 1, 2, 3, 4 in that order, each once (found {})",
                    written
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        for level in &practice.levels {
            let lf = || format!("{}.levels[{}]", field(), level.level.value);
            let empty =
                |items: &[String]| items.is_empty() || items.iter().any(|i| i.trim().is_empty());
            if level.description.trim().is_empty() {
                problems.push(Diagnostic::new(
                    level.level.at,
                    format!("{}.description", lf()),
                    "each level needs a description",
                ));
            }
            if empty(&level.actions) {
                problems.push(Diagnostic::new(
                    level.level.at,
                    format!("{}.actions", lf()),
                    "each level needs at least one action, none empty",
                ));
            }
            if empty(&level.indicators) {
                problems.push(Diagnostic::new(
                    level.level.at,
                    format!("{}.indicators", lf()),
                    "each level needs at least one indicator, none empty",
                ));
            }
        }
        if practice.scope.industry.trim().is_empty() || practice.scope.system.trim().is_empty() {
            problems.push(Diagnostic::new(
                at,
                format!("{}.scope", field()),
                "say what Industry and System scope add",
            ));
        }
    }
}

/// Goal options need unique ids per domain; adjustments must name exactly one existing target.
fn check_guide(catalog: &Catalog, problems: &mut Diagnostics) {
    for domain in &catalog.domains {
        let mut seen = std::collections::HashSet::new();
        for option in &domain.goals {
            if !seen.insert(option.id.value.as_str()) {
                problems.push(Diagnostic::new(
                    option.id.at,
                    format!("domains.{}.goals", domain.id.value),
                    format!("duplicate goal option id `{}`", option.id.value),
                ));
            }
            if option.statement.trim().is_empty() || option.question.trim().is_empty() {
                problems.push(Diagnostic::new(
                    option.id.at,
                    format!("domains.{}.goals.{}", domain.id.value, option.id.value),
                    "a goal option needs a statement and a question",
                ));
            }
        }
    }
    for guide in &catalog.factors {
        for adjustment in &guide.adjustments {
            let t = &adjustment.applies_to;
            let named: Vec<(&Located<String>, bool)> = [
                t.domain
                    .as_ref()
                    .map(|d| (d, matches!(catalog.find(&d.value), Some(Node::Domain(_))))),
                t.subdomain
                    .as_ref()
                    .map(|s| (s, catalog.subdomain(&s.value).is_some())),
                t.practice
                    .as_ref()
                    .map(|p| (p, catalog.practice(&p.value).is_some())),
            ]
            .into_iter()
            .flatten()
            .collect();
            match named.as_slice() {
                [(_, true)] => {}
                [(id, false)] => problems.push(Diagnostic::new(
                    id.at,
                    "factors.adjustments.applies-to",
                    format!("unknown id `{}`", id.value),
                )),
                _ => problems.push(Diagnostic::new(
                    Position::new(1, 1),
                    "factors.adjustments.applies-to",
                    "name exactly one of domain, subdomain, practice",
                )),
            }
            if adjustment.at_least.comprehensiveness.is_none()
                && adjustment.at_least.scope.is_none()
            {
                problems.push(Diagnostic::new(
                    Position::new(1, 1),
                    "factors.adjustments.at-least",
                    "give a comprehensiveness or scope floor",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_catalog_has_the_published_hierarchy() {
        let catalog = Catalog::builtin();
        assert_eq!(catalog.reference(), "iot-smm@1.2");
        assert_eq!(catalog.domains.len(), 3);
        assert_eq!(catalog.subdomains().len(), 9);
        assert_eq!(catalog.practices().len(), 18);
        let tm = catalog.practice("threat-modeling").expect("practice");
        assert_eq!(tm.subdomain.id.as_str(), "threats");
        assert_eq!(tm.domain.id.as_str(), "governance");
    }

    #[test]
    fn older_names_resolve_to_the_same_ids() {
        let catalog = Catalog::builtin();
        let sub = catalog
            .subdomain("Threat Modeling and Risk Assessment")
            .expect("alias");
        assert_eq!(sub.subdomain.id.as_str(), "threats");
        let practice = catalog
            .practice("Third Party Dependencies Management")
            .expect("alias");
        assert_eq!(practice.practice.id.as_str(), "third-party-services");
        assert_eq!(
            catalog
                .subdomain("Security Model and Policy for Data")
                .map(|s| s.subdomain.id.as_str()),
            None,
            "that alias names a practice, not a subdomain"
        );
        assert!(catalog
            .practice("Security Model and Policy for Data")
            .is_some());
    }

    #[test]
    fn a_duplicate_practice_id_is_rejected_with_its_position() {
        let source = BUILTIN.replacen("id: compliance", "id: program-management", 1);
        let err = parse_catalog(&source).expect_err("duplicate id");
        let d = err
            .0
            .iter()
            .find(|d| d.message.contains("duplicate id"))
            .expect("dup reported");
        assert!(d.at.is_known());
    }

    #[test]
    fn a_missing_level_is_rejected() {
        let source = BUILTIN.replacen("              - level: 4", "              - level: 3", 1);
        let err = parse_catalog(&source).expect_err("levels incomplete");
        assert!(
            err.to_string().contains("levels must be 1, 2, 3, 4"),
            "{err}"
        );
    }

    use super::super::BUILTIN_CATALOG_YAML as BUILTIN;
}
