//! What every OSCAL document smm writes shares: the version, the namespace, UUIDs, metadata,
//! props, and the two serializations.

use serde::Serialize;
use serde_json::{json, Map, Value};
use smm_core::document::Date;
use uuid::Uuid;

/// The OSCAL release the documents declare: the newest that NIST publishes and that
/// compliance-trestle (the Python OSCAL library most compliance teams use) loads.
pub const OSCAL_VERSION: &str = "1.2.1";

/// The namespace of smm's own `props`: what smm records that OSCAL has no field for.
pub const SMM_NS: &str = "https://example.invalid/smm/ns/oscal";

/// The fixed namespace of every UUID smm derives (a v5 UUID itself, over the URL of [`SMM_NS`]).
pub const SMM_UUID_NAMESPACE: Uuid = Uuid::from_u128(0x5d3f_6b1c_2a4e_5c07_9e21_6f0a_b8c4_d913);

/// The prop value smm writes when a text does not fit a prop value (empty, several lines, or
/// blanks at either end); the text itself is then the prop's `remarks`.
pub(crate) const VERBATIM: &str = "verbatim";

/// The two serializations OSCAL defines that smm writes (OSCAL's third, XML, smm does not).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// JSON, pretty-printed.
    Json,
    /// YAML.
    Yaml,
}

/// A document as text in `format`, ending with a newline.
pub fn render(document: &Value, format: Format) -> String {
    let ordered = Ordered(document);
    match format {
        // A `Value` has string keys and finite numbers only: serializing it cannot fail.
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&ordered).unwrap_or_default();
            text.push('\n');
            text
        }
        Format::Yaml => serde_saphyr::to_string(&ordered).unwrap_or_default(),
    }
}

/// The keys a reader looks for first, in OSCAL's own order; the rest follow alphabetically,
/// and the back matter comes last.
const LEADING_KEYS: [&str; 16] = [
    "uuid",
    "id",
    "param-id",
    "control-id",
    "name",
    "ns",
    "value",
    "type",
    "class",
    "title",
    "description",
    "metadata",
    "last-modified",
    "version",
    "oscal-version",
    "import-ap",
];

/// A value written with its keys in [`LEADING_KEYS`] order: the same order on every run and
/// every machine, and the identifying keys of each object on top, as OSCAL's examples have them.
struct Ordered<'v>(&'v Value);

impl Serialize for Ordered<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self.0 {
            Value::Object(object) => {
                let rank = |key: &str| match LEADING_KEYS.iter().position(|k| *k == key) {
                    Some(i) => (0, i),
                    None if key == "back-matter" => (2, 0),
                    None => (1, 0),
                };
                let mut keys: Vec<&String> = object.keys().collect();
                keys.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
                let mut map = serializer.serialize_map(Some(keys.len()))?;
                for key in keys {
                    map.serialize_entry(key, &Ordered(&object[key.as_str()]))?;
                }
                map.end()
            }
            Value::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&Ordered(item))?;
                }
                seq.end()
            }
            other => other.serialize(serializer),
        }
    }
}

/// A UUID for the object of `kind` with this identity: the same input, the same UUID.
pub(crate) fn uuid(kind: &str, identity: &[&str]) -> String {
    let mut name = String::from(kind);
    for part in identity {
        // A separator no id contains keeps ("a", "bc") and ("ab", "c") apart.
        name.push('\u{1f}');
        name.push_str(part);
    }
    Uuid::new_v5(&SMM_UUID_NAMESPACE, name.as_bytes()).to_string()
}

/// A date as an OSCAL date-time (midnight UTC): OSCAL wants a time zone, smm records days.
pub(crate) fn timestamp(date: Date) -> String {
    format!("{date}T00:00:00Z")
}

/// The date part of an OSCAL date-time.
pub(crate) fn date_of(timestamp: &str) -> Option<Date> {
    Date::parse(timestamp.get(..10)?)
}

/// Whether `text` can be a prop value or a single-line OSCAL string as it is: OSCAL's pattern
/// `^\S(.*\S)?$` is an ECMAScript one, whose `.` matches no line break and whose `\S` matches
/// no blank. Erring on the strict side only sends a text to a verbatim prop.
pub(crate) fn fits_line(text: &str) -> bool {
    let blank = |c: char| c.is_whitespace() || c == '\u{feff}';
    let breaks = |c: char| matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}');
    match (text.chars().next(), text.chars().last()) {
        (Some(first), Some(last)) => !blank(first) && !blank(last) && !text.chars().any(breaks),
        _ => false,
    }
}

/// `text` on one line: blanks collapsed, never empty (OSCAL titles and names must have text).
pub(crate) fn one_line(text: &str, fallback: &str) -> String {
    let line = text
        .split(|c: char| c.is_whitespace() || c == '\u{feff}')
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if line.is_empty() {
        fallback.to_string()
    } else {
        line
    }
}

/// An smm prop. A text that does not fit a prop value keeps its exact form in `remarks`.
pub(crate) fn prop(name: &str, value: &str) -> Value {
    if fits_line(value) {
        json!({ "name": name, "ns": SMM_NS, "value": value })
    } else {
        json!({ "name": name, "ns": SMM_NS, "value": VERBATIM, "class": VERBATIM, "remarks": value })
    }
}

/// An smm prop whose remarks explain it (a rationale, a reason).
pub(crate) fn prop_with_remarks(name: &str, value: &str, remarks: &str) -> Value {
    let mut p = prop(name, value);
    if let Some(object) = p.as_object_mut() {
        if !object.contains_key("remarks") {
            object.insert("remarks".into(), Value::String(remarks.to_string()));
        }
    }
    p
}

/// The word serde writes for an enum value (`document-review`, `high`).
pub(crate) fn word<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// OSCAL metadata: title, dates, versions, and props.
pub(crate) fn metadata(
    title: &str,
    last_modified: &str,
    version: &str,
    props: Vec<Value>,
) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("title".into(), Value::String(one_line(title, "untitled")));
    m.insert(
        "last-modified".into(),
        Value::String(last_modified.to_string()),
    );
    m.insert("version".into(), Value::String(one_line(version, "1")));
    m.insert("oscal-version".into(), Value::String(OSCAL_VERSION.into()));
    insert_list(&mut m, "props", props);
    m
}

/// Inserts a list unless it is empty: OSCAL forbids empty arrays.
pub(crate) fn insert_list(object: &mut Map<String, Value>, key: &str, items: Vec<Value>) {
    if !items.is_empty() {
        object.insert(key.to_string(), Value::Array(items));
    }
}

/// Inserts a text unless there is none.
pub(crate) fn insert_text(object: &mut Map<String, Value>, key: &str, text: Option<&str>) {
    if let Some(text) = text {
        object.insert(key.to_string(), Value::String(text.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_deterministic_version_5_and_tell_identities_apart() {
        let a = uuid("observation", &["digest", "threat-modeling"]);
        assert_eq!(a, uuid("observation", &["digest", "threat-modeling"]));
        assert_ne!(a, uuid("observation", &["digest", "threat-modelin", "g"]));
        assert_ne!(a, uuid("finding", &["digest", "threat-modeling"]));
        let parsed = Uuid::parse_str(&a).expect("a UUID");
        assert_eq!(parsed.get_version_num(), 5);
    }

    #[test]
    fn identifying_keys_come_first_and_the_back_matter_last() {
        let document = json!({ "zeta": 1, "back-matter": {}, "alpha": [{ "title": "t", "uuid": "u" }], "uuid": "d" });
        let text = render(&document, Format::Json);
        let at = |key: &str| text.find(&format!("\"{key}\"")).expect(key);
        assert!(
            at("uuid") < at("alpha") && at("alpha") < at("zeta") && at("zeta") < at("back-matter")
        );
        assert!(text.find("\"u\"").expect("inner uuid") < text.find("\"t\"").expect("inner title"));
        let yaml: Value = serde_saphyr::from_str(&render(&document, Format::Yaml)).expect("YAML");
        assert_eq!(yaml, document);
    }

    #[test]
    fn a_text_that_does_not_fit_a_prop_value_is_kept_in_remarks() {
        assert_eq!(prop("reason", "fixed")["value"], "fixed");
        let p = prop("reason", "two\nlines ");
        assert_eq!(p["value"], VERBATIM);
        assert_eq!(p["remarks"], "two\nlines ");
        assert_eq!(prop("reason", "")["remarks"], "");
    }
}
