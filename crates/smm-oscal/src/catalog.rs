//! The model catalog as an OSCAL catalog.
//!
//! Domains and subdomains become nested groups and practices become controls, all keeping the
//! catalog's stable ids (already OSCAL tokens), so a profile, a result or a mapping written by
//! another tool can name a practice exactly as smm does. Each practice carries two parameters,
//! the target comprehensiveness and the target scope, with their allowed values: a profile sets
//! them, which is how a target profile becomes an OSCAL profile.

use serde_json::{json, Map, Value};
use smm_core::catalog::{Practice, PracticeLevel};
use smm_core::{content_digest, Catalog, Comprehensiveness, Scope};

use crate::shared::{insert_list, metadata, prop, uuid, word};

/// The id of a practice's target comprehensiveness parameter.
pub fn comprehensiveness_param(practice: &str) -> String {
    format!("{practice}-comprehensiveness")
}

/// The id of a practice's target scope parameter.
pub fn scope_param(practice: &str) -> String {
    format!("{practice}-scope")
}

/// The date the catalog export declares as `last-modified`: the catalog data carries no date of
/// its own, and a fixed one keeps the export byte for byte the same on every run.
pub const CATALOG_LAST_MODIFIED: &str = "2026-01-01T00:00:00Z";

/// The catalog as an OSCAL catalog document (`{"catalog": ...}`).
pub fn catalog(catalog: &Catalog) -> Value {
    let digest = content_digest(catalog);
    let mut meta = metadata(
        &catalog.title,
        CATALOG_LAST_MODIFIED,
        &catalog.version.value,
        vec![prop("catalog-id", &catalog.id.value)],
    );
    meta.insert("remarks".into(), Value::String(scales(catalog)));
    let groups: Vec<Value> = catalog
        .domains
        .iter()
        .map(|domain| {
            let subdomains: Vec<Value> = domain
                .subdomains
                .iter()
                .map(|subdomain| {
                    let controls: Vec<Value> = subdomain
                        .practices
                        .iter()
                        .map(|p| control(catalog, p))
                        .collect();
                    let mut g = group(
                        subdomain.id.value.as_str(),
                        "subdomain",
                        &subdomain.name,
                        &subdomain.summary,
                    );
                    insert_list(&mut g, "controls", controls);
                    Value::Object(g)
                })
                .collect();
            let mut g = group(
                domain.id.value.as_str(),
                "domain",
                &domain.name,
                &domain.summary,
            );
            insert_list(&mut g, "groups", subdomains);
            Value::Object(g)
        })
        .collect();
    let mut body = Map::new();
    body.insert("uuid".into(), Value::String(uuid("catalog", &[&digest])));
    body.insert("metadata".into(), Value::Object(meta));
    insert_list(&mut body, "groups", groups);
    json!({ "catalog": body })
}

/// The two scales in words, for a reader of the catalog's metadata.
fn scales(catalog: &Catalog) -> String {
    let mut text = String::from("Comprehensiveness levels:\n\n");
    for m in &catalog.comprehensiveness {
        text.push_str(&format!("- {} {}: {}\n", m.level.value, m.name, m.summary));
    }
    text.push_str("\nScopes:\n\n");
    for m in &catalog.scopes {
        text.push_str(&format!("- {}: {}\n", m.name, m.summary));
    }
    text
}

fn group(id: &str, class: &str, title: &str, summary: &str) -> Map<String, Value> {
    let mut g = Map::new();
    g.insert("id".into(), Value::String(id.to_string()));
    g.insert("class".into(), Value::String(class.to_string()));
    g.insert("title".into(), Value::String(title.to_string()));
    g.insert(
        "parts".into(),
        json!([{ "id": format!("{id}_ovw"), "name": "overview", "prose": summary }]),
    );
    g
}

fn control(catalog: &Catalog, practice: &Practice) -> Value {
    let id = practice.id.value.as_str();
    let mut parts = vec![json!({
        "id": format!("{id}_smt"),
        "name": "statement",
        "prose": practice.purpose,
    })];
    parts.extend(
        practice
            .levels
            .iter()
            .map(|level| level_part(catalog, id, level)),
    );
    for (scope, text) in [
        (Scope::Industry, &practice.scope.industry),
        (Scope::System, &practice.scope.system),
    ] {
        if !text.is_empty() {
            parts.push(json!({
                "id": format!("{id}_scope-{}", scope.token()),
                "name": "scope",
                "ns": crate::SMM_NS,
                "title": format!("{} scope", title_case(scope.token())),
                "props": [prop("scope", scope.token())],
                "prose": text,
            }));
        }
    }
    let levels: Vec<String> = Comprehensiveness::ALL
        .iter()
        .map(|c| c.value().to_string())
        .collect();
    let scopes: Vec<String> = Scope::ALL.iter().map(|s| s.token().to_string()).collect();
    json!({
        "id": id,
        "class": "practice",
        "title": practice.name,
        "params": [
            {
                "id": crate::catalog::comprehensiveness_param(id),
                "label": "target comprehensiveness",
                "usage": "How thoroughly and systematically the practice must be carried out: 0 (none) to 4 (formalized).",
                "props": [prop("measure", "comprehensiveness")],
                "constraints": [allowed(&levels)],
            },
            {
                "id": crate::catalog::scope_param(id),
                "label": "target scope",
                "usage": "How specific to its setting the practice must be: general, industry or system.",
                "props": [prop("measure", "scope")],
                "constraints": [allowed(&scopes)],
            }
        ],
        "parts": parts,
    })
}

/// The allowed values of a parameter, as a constraint rather than a `select`: OSCAL lets a
/// parameter have a selection or values, not both, so a profile's values would be dropped when
/// the profile is resolved against a parameter that offers a selection (compliance-trestle does
/// exactly that). With a constraint the resolved catalog carries the target's levels.
fn allowed(values: &[String]) -> Value {
    let quoted: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
    json!({
        "description": format!("One of: {}.", values.join(", ")),
        "tests": [{ "expression": format!(". = ({})", quoted.join(", ")) }],
    })
}

fn level_part(catalog: &Catalog, practice: &str, level: &PracticeLevel) -> Value {
    let n = level.level.value;
    let name = catalog
        .comprehensiveness_meaning(n)
        .map(|m| m.name.clone())
        .unwrap_or_else(|| n.token().to_string());
    let mut part = Map::new();
    part.insert(
        "id".into(),
        Value::String(format!("{practice}_lvl-{}", n.value())),
    );
    part.insert("name".into(), Value::String("level".into()));
    part.insert("ns".into(), Value::String(crate::SMM_NS.into()));
    part.insert(
        "title".into(),
        Value::String(format!("Comprehensiveness {}: {name}", n.value())),
    );
    part.insert(
        "props".into(),
        json!([prop("comprehensiveness", &word(&n.value()))]),
    );
    part.insert("prose".into(), Value::String(level.description.clone()));
    let mut inner = Vec::new();
    for (name, items) in [
        ("actions", &level.actions),
        ("indicators", &level.indicators),
    ] {
        if !items.is_empty() {
            let prose = items
                .iter()
                .map(|i| format!("- {i}"))
                .collect::<Vec<_>>()
                .join("\n");
            inner.push(json!({
                "id": format!("{practice}_lvl-{}_{name}", n.value()),
                "name": name,
                "ns": crate::SMM_NS,
                "prose": prose,
            }));
        }
    }
    insert_list(&mut part, "parts", inner);
    Value::Object(part)
}

fn title_case(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn practices_become_controls_inside_their_subdomain_and_domain_groups() {
        let builtin = Catalog::builtin();
        let doc = catalog(&builtin);
        let domain = &doc["catalog"]["groups"][0];
        assert_eq!(domain["id"], builtin.domains[0].id.value.as_str());
        assert_eq!(domain["class"], "domain");
        let subdomain = &domain["groups"][0];
        assert_eq!(subdomain["class"], "subdomain");
        let control = &subdomain["controls"][0];
        let practice = &builtin.domains[0].subdomains[0].practices[0];
        assert_eq!(control["id"], practice.id.value.as_str());
        assert_eq!(
            control["params"][0]["constraints"][0]["tests"][0]["expression"],
            ". = ('0', '1', '2', '3', '4')"
        );
        assert_eq!(
            control["params"][1]["constraints"][0]["tests"][0]["expression"],
            ". = ('general', 'industry', 'system')"
        );
        let levels: Vec<&Value> = control["parts"]
            .as_array()
            .expect("parts")
            .iter()
            .filter(|p| p["name"] == "level")
            .collect();
        assert_eq!(levels.len(), practice.levels.len());
        assert_eq!(levels[0]["prose"], practice.levels[0].description.as_str());
        let controls: usize = doc["catalog"]["groups"]
            .as_array()
            .expect("groups")
            .iter()
            .flat_map(|d| d["groups"].as_array().expect("subdomains"))
            .map(|s| s["controls"].as_array().map_or(0, |c| c.len()))
            .sum();
        assert_eq!(controls, builtin.practices().len());
    }

    #[test]
    fn the_same_catalog_exports_the_same_bytes() {
        let builtin = Catalog::builtin();
        let a = crate::render(&catalog(&builtin), crate::Format::Json);
        let b = crate::render(&catalog(&builtin), crate::Format::Json);
        assert_eq!(a, b);
    }
}
