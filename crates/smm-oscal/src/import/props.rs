//! Reading OSCAL's loose JSON: props (smm's and other tools'), texts and lists, never failing on
//! a shape that is not what OSCAL says.

use serde::de::DeserializeOwned;
use serde_json::Value;
use smm_core::located::Located;

use crate::shared::{SMM_NS, VERBATIM};

/// A prop in smm's namespace, with its exact text.
pub(super) fn smm_props(object: &Value) -> Vec<(String, String)> {
    let Some(props) = object.get("props").and_then(Value::as_array) else {
        return Vec::new();
    };
    props
        .iter()
        .filter(|p| p.get("ns").and_then(Value::as_str) == Some(SMM_NS))
        .filter_map(|p| {
            let name = p.get("name")?.as_str()?.to_string();
            let value = if p.get("class").and_then(Value::as_str) == Some(VERBATIM) {
                p.get("remarks").and_then(Value::as_str).unwrap_or_default()
            } else {
                p.get("value")?.as_str()?
            };
            Some((name, value.to_string()))
        })
        .collect()
}

pub(super) fn smm_prop(object: &Value, name: &str) -> Option<String> {
    smm_props(object)
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v)
}

pub(super) fn smm_prop_all(object: &Value, name: &str) -> Vec<String> {
    smm_props(object)
        .into_iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| v)
        .collect()
}

/// A prop of any namespace by one of `names` (how other tools write what smm calls so).
pub(super) fn any_prop(object: &Value, names: &[&str]) -> Option<String> {
    object.get("props")?.as_array()?.iter().find_map(|p| {
        let name = p.get("name")?.as_str()?;
        names
            .iter()
            .any(|n| n.eq_ignore_ascii_case(name))
            .then(|| p.get("value")?.as_str().map(str::to_string))
            .flatten()
    })
}

pub(super) fn text(object: &Value, key: &str) -> Option<String> {
    object.get(key).and_then(Value::as_str).map(str::to_string)
}

pub(super) fn located(value: String) -> Located<String> {
    Located::new(value)
}

/// An enum from the word documents use for it.
pub(super) fn parse_word<T: DeserializeOwned>(word: &str) -> Option<T> {
    serde_json::from_value(Value::String(word.to_string())).ok()
}

pub(super) fn items<'v>(object: &'v Value, key: &str) -> &'v [Value] {
    object
        .get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}
