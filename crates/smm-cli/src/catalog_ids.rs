//! The catalog ids the arguments of `smm explain` and `smm catalog` take, as clap sees them.
//!
//! Shells complete from the static scripts `smm completions` writes, and those scripts can only
//! offer what clap knows when they are generated: an argument's possible values. So these
//! arguments get a value parser that lists the built-in catalog's ids as possible values, with
//! their names as descriptions, but accepts any text unchanged: names, other casings and the ids
//! of a `--catalog FILE` keep working, and an unknown id is still reported by the command itself,
//! with its suggestion of the nearest id.

use std::ffi::OsStr;
use std::sync::OnceLock;

use clap::builder::{PossibleValue, StringValueParser, TypedValueParser};
use smm_core::Catalog;

/// A value parser for an id of the catalog: any text goes, the built-in catalog's ids are offered.
#[derive(Clone, Copy, Debug)]
pub struct CatalogIdParser {
    /// Whether the consistency rules' ids are offered too (`smm explain` explains rules).
    rules: bool,
}

impl CatalogIdParser {
    /// Domains, subdomains and practices: what `smm catalog ID` shows.
    pub fn hierarchy() -> Self {
        CatalogIdParser { rules: false }
    }

    /// Domains, subdomains, practices and consistency rules: what `smm explain ID` explains.
    pub fn with_rules() -> Self {
        CatalogIdParser { rules: true }
    }
}

/// The built-in catalog, read once however often clap asks for the possible values; a `'static`
/// borrow lets the ids be clap's `'static` strings without copying or leaking them.
fn builtin() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(crate::input::builtin_catalog)
}

/// The ids offered, from the top of the hierarchy down (domains, subdomains, practices, then the
/// rules when asked for), each described by its name or, for a rule, its title.
fn catalog_ids(rules: bool) -> Vec<PossibleValue> {
    let catalog = builtin();
    let domains = catalog
        .domains
        .iter()
        .map(|d| PossibleValue::new(d.id.as_str()).help(d.name.as_str()));
    let subdomains = catalog
        .subdomains()
        .map(|s| PossibleValue::new(s.subdomain.id.as_str()).help(s.subdomain.name.as_str()));
    let practices = catalog
        .practices()
        .map(|p| PossibleValue::new(p.practice.id.as_str()).help(p.practice.name.as_str()));
    let rule_ids = if rules { catalog.rules() } else { &[] }
        .iter()
        .map(|r| PossibleValue::new(r.rule.id.value.as_str()).help(r.rule.title.as_str()));
    domains
        .chain(subdomains)
        .chain(practices)
        .chain(rule_ids)
        .collect()
}

impl TypedValueParser for CatalogIdParser {
    type Value = String;

    /// Exactly what a plain `String` argument accepts (anything in UTF-8), so adding completions
    /// changes nothing about which values are accepted or how a wrong one is reported.
    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(catalog_ids(self.rules).into_iter()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offers_every_id_of_the_hierarchy_and_the_rules_only_for_explain() {
        let catalog = builtin();
        let names = |parser: CatalogIdParser| -> Vec<String> {
            parser
                .possible_values()
                .into_iter()
                .flatten()
                .map(|v| v.get_name().to_string())
                .collect()
        };
        let hierarchy = names(CatalogIdParser::hierarchy());
        let expected: Vec<&str> = catalog
            .domain_ids()
            .chain(catalog.subdomain_ids())
            .chain(catalog.practice_ids())
            .collect();
        assert_eq!(hierarchy, expected);
        assert!(hierarchy.iter().any(|id| id == "threat-modeling"));

        let with_rules = names(CatalogIdParser::with_rules());
        assert_eq!(with_rules.len(), expected.len() + catalog.rules().len());
        assert!(!catalog.rules().is_empty());
        for rule in catalog.rules() {
            assert!(with_rules.contains(&rule.rule.id.value));
        }
    }

    #[test]
    fn accepts_any_text_unchanged() {
        let cmd = clap::Command::new("smm");
        for text in ["threat-modeling", "Threat Modeling", "no-such", ""] {
            let parsed = CatalogIdParser::with_rules().parse_ref(&cmd, None, OsStr::new(text));
            assert_eq!(parsed.ok().as_deref(), Some(text));
        }
    }
}
