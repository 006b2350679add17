use super::*;
use crate::catalog::{Node, BUILTIN_CATALOG_YAML};

fn cbor(catalog: &Catalog) -> Vec<u8> {
    cbor4ii::serde::to_vec(Vec::new(), catalog).expect("a catalog has a CBOR form")
}

fn prepared_builtin() -> Catalog {
    let bytes = prepare(BUILTIN_CATALOG_YAML).expect("the built-in catalog prepares");
    Catalog::from_prepared(&bytes).expect("the prepared catalog reads back")
}

#[test]
fn the_prepared_builtin_catalog_equals_the_parsed_yaml_in_every_field() {
    let parsed = parse_catalog(BUILTIN_CATALOG_YAML).expect("the built-in catalog parses");
    let prepared = prepared_builtin();
    assert_eq!(
        serde_json::to_value(&prepared).expect("json"),
        serde_json::to_value(&parsed).expect("json")
    );
    // CBOR writes every `Located` value with its line and column: equal bytes mean equal
    // positions everywhere, not only equal values.
    assert!(cbor(&prepared) == cbor(&parsed), "positions differ");
}

#[test]
fn the_prepared_catalog_points_where_the_yaml_does() {
    let prepared = prepared_builtin();
    let line_of = |text: &str| {
        BUILTIN_CATALOG_YAML
            .lines()
            .position(|l| l.trim_start().trim_start_matches("- ") == text)
            .map(|i| i as u64 + 1)
            .expect("in the YAML")
    };
    let practice = prepared.practice("threat-modeling").expect("practice");
    assert_eq!(practice.practice.id.at.line, line_of("id: threat-modeling"));
    assert!(practice.practice.id.at.column > 0);
    let subdomain = prepared.subdomain("threats").expect("subdomain");
    assert_eq!(subdomain.subdomain.id.at.line, line_of("id: threats"));
    let rule = prepared.rules().first().expect("the catalog has rules");
    assert_eq!(
        rule.rule.id.at.line,
        line_of(&format!("id: {}", rule.rule.id.value))
    );
}

#[test]
fn the_prepared_catalog_is_indexed_like_the_parsed_one() {
    let parsed = parse_catalog(BUILTIN_CATALOG_YAML).expect("the built-in catalog parses");
    let prepared = prepared_builtin();
    assert_eq!(prepared.practices().len(), 18);
    for key in parsed.practice_ids().chain(parsed.subdomain_ids()) {
        assert_eq!(prepared.find(key), parsed.find(key), "{key}");
    }
    let alias = "Third Party Dependencies Management";
    assert!(matches!(prepared.find(alias), Some(Node::Practice(..))));
    assert_eq!(prepared.find(alias), parsed.find(alias));
    let ids = |c: &Catalog| -> Vec<String> {
        c.rules().iter().map(|r| r.rule.id.value.clone()).collect()
    };
    assert!(!ids(&parsed).is_empty());
    assert_eq!(ids(&prepared), ids(&parsed));
}

#[test]
fn a_prepared_catalog_is_checked_like_yaml() {
    let mut catalog = parse_catalog(BUILTIN_CATALOG_YAML).expect("the built-in catalog parses");
    let practices = &mut catalog.domains[0].subdomains[0].practices;
    let first = practices[0].id.clone();
    practices[1].id = first.clone();
    let err = Catalog::from_prepared(&cbor(&catalog)).expect_err("duplicate id");
    let duplicate = err
        .0
        .iter()
        .find(|d| d.message.contains("duplicate id"))
        .expect("duplicate reported");
    assert_eq!(duplicate.at, first.at, "reported where the YAML had it");
}

#[test]
fn bytes_that_are_not_a_prepared_catalog_are_refused() {
    let err = Catalog::from_prepared(b"smm: 1\nkind: Catalog\n").expect_err("not CBOR");
    assert!(err.to_string().contains("cannot be read"), "{err}");
}

#[test]
fn a_catalog_that_fails_its_checks_is_not_prepared() {
    let source = BUILTIN_CATALOG_YAML.replacen("id: compliance", "id: program-management", 1);
    let err = prepare(&source).expect_err("duplicate id");
    assert!(err.to_string().contains("duplicate id"), "{err}");
}
