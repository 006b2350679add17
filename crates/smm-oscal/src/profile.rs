//! A target profile as an OSCAL profile.
//!
//! The profile imports the catalog (through a back-matter resource that names the exported
//! catalog's file), selects every practice the target asks something of, and sets each one's two
//! parameters to the resolved target's levels. Where a level came from (domain goal, subdomain or
//! practice override) is a prop; an override's rationale is that prop's remarks, so a reviewer
//! sees why a practice was raised or lowered.

use serde_json::{json, Map, Value};
use smm_core::document::TargetProfile;
use smm_core::{content_digest, Comprehensiveness, ResolvedTarget};

use crate::catalog::{comprehensiveness_param, scope_param};
use crate::shared::{insert_list, metadata, prop, prop_with_remarks, timestamp, uuid, word};

/// The target as an OSCAL profile document (`{"profile": ...}`); `catalog_href` is where the
/// exported OSCAL catalog is found (a file name beside the profile, or a URL).
pub fn profile(target: &TargetProfile, resolved: &ResolvedTarget, catalog_href: &str) -> Value {
    let digest = content_digest(target);
    let selected: Vec<_> = resolved
        .practices
        .iter()
        .filter(|p| p.comprehensiveness > Comprehensiveness::None)
        .collect();
    let mut set_parameters = Vec::new();
    for practice in &selected {
        let id = practice.id.as_str();
        let mut source = prop("level-source", &word(&practice.sources.comprehensiveness));
        if let Some(rationale) = &practice.rationale {
            source = prop_with_remarks(
                "level-source",
                &word(&practice.sources.comprehensiveness),
                rationale,
            );
        }
        set_parameters.push(json!({
            "param-id": comprehensiveness_param(id),
            "props": [source],
            "values": [practice.comprehensiveness.value().to_string()],
        }));
        set_parameters.push(json!({
            "param-id": scope_param(id),
            "props": [prop("level-source", &word(&practice.sources.scope))],
            "values": [practice.scope.token()],
        }));
    }
    let mut props = vec![
        prop("system", &target.system),
        prop("role", &word(&target.role)),
        prop("catalog", &resolved.catalog),
        prop("target-sha256", &digest),
    ];
    if let Some(version) = &target.version {
        props.push(prop("target-version", version));
    }
    let version = target
        .version
        .clone()
        .unwrap_or_else(|| target.date.to_string());
    let meta = metadata(&target.name.value, &timestamp(target.date), &version, props);
    let catalog_resource = uuid("catalog-resource", &[&digest]);
    let mut import = Map::new();
    import.insert("href".into(), Value::String(format!("#{catalog_resource}")));
    if selected.is_empty() {
        import.insert("include-all".into(), json!({}));
    } else {
        let ids: Vec<&str> = selected.iter().map(|p| p.id.as_str()).collect();
        import.insert("include-controls".into(), json!([{ "with-ids": ids }]));
    }
    let mut modify = Map::new();
    insert_list(&mut modify, "set-parameters", set_parameters);
    let mut body = Map::new();
    body.insert("uuid".into(), Value::String(uuid("profile", &[&digest])));
    body.insert("metadata".into(), Value::Object(meta));
    body.insert("imports".into(), json!([import]));
    body.insert("merge".into(), json!({ "as-is": true }));
    if !modify.is_empty() {
        body.insert("modify".into(), Value::Object(modify));
    }
    body.insert(
        "back-matter".into(),
        json!({ "resources": [{
            "uuid": catalog_resource,
            "title": format!("OSCAL catalog {}", resolved.catalog),
            "props": [prop("catalog", &resolved.catalog)],
            "rlinks": [{ "href": catalog_href, "media-type": media_type(catalog_href) }],
        }]}),
    );
    json!({ "profile": body })
}

fn media_type(href: &str) -> &'static str {
    if href.ends_with(".yaml") || href.ends_with(".yml") {
        "application/yaml"
    } else {
        "application/json"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use smm_core::{parse_target, resolve, Catalog};

    const TARGET: &str = "smm: 1\nkind: TargetProfile\nname: Line A\nsystem: s\nrole: vendor\ndate: 2026-01-01\ncatalog: {id: iot-smm, version: '1.2'}\ngoals:\n  governance: {statement: g, comprehensiveness: 2, scope: industry}\n  enablement: {statement: e, comprehensiveness: 0, scope: general}\n  hardening: {statement: h, comprehensiveness: 1, scope: general}\npractices:\n  threat-modeling: {comprehensiveness: 3, scope: system, rationale: safety functions}\n";

    #[test]
    fn parameters_carry_the_resolved_levels_and_the_rationale() {
        let catalog = Catalog::builtin();
        let target = parse_target(TARGET).expect("target");
        let resolved = resolve(&catalog, &target).expect("resolves");
        let doc = profile(&target, &resolved, "catalog.json");
        let sets = doc["profile"]["modify"]["set-parameters"]
            .as_array()
            .expect("set");
        let find = |id: &str| sets.iter().find(|s| s["param-id"] == id).cloned();
        let c = find("threat-modeling-comprehensiveness").expect("set");
        assert_eq!(c["values"], json!(["3"]));
        assert_eq!(c["props"][0]["value"], "practice-override");
        assert_eq!(c["props"][0]["remarks"], "safety functions");
        assert_eq!(
            find("threat-modeling-scope").expect("set")["values"],
            json!(["system"])
        );
        let ids = doc["profile"]["imports"][0]["include-controls"][0]["with-ids"].clone();
        assert!(ids
            .as_array()
            .expect("ids")
            .contains(&json!("threat-modeling")));
        // A practice targeted at comprehensiveness 0 is asked nothing, so it is not selected.
        let zero = resolved
            .practices
            .iter()
            .find(|p| p.comprehensiveness == Comprehensiveness::None);
        let zero = zero.expect("the enablement goal sets 0");
        assert!(!ids
            .as_array()
            .expect("ids")
            .contains(&json!(zero.id.as_str())));
        assert!(find(&comprehensiveness_param(zero.id.as_str())).is_none());
    }
}
