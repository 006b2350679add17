//! OSCAL assessment results back into an smm [`Assessment`].
//!
//! Results that smm exported come back whole: every field lives in an OSCAL field or an
//! [`SMM_NS`] prop, so the imported assessment has the original's content digest. Results from
//! other tools come in as far as they map: an observation that names a practice of the catalog
//! (in a `control-id` or `practice` prop, or through a finding that targets it) and gives its
//! levels (`comprehensiveness` and `scope` props) becomes an assessed practice, and a finding
//! that is not satisfied on a practice becomes a nonconformity. Everything else is listed in the
//! [`ImportReport`] with its JSON path, so nothing is dropped silently.

use serde::Serialize;
use serde_json::{Map, Value};
use smm_core::document::{
    AssessedPractice, Assessment, AssessmentKind, AssessmentReference, Evidence, Method, Product,
    Recommendation, TargetReference,
};
use smm_core::header::FormatVersion;
use smm_core::located::{Entries, Located, Position};
use smm_core::{Catalog, Comprehensiveness, Diagnostic, Diagnostics, Scope};

use crate::shared::date_of;

mod findings;
mod props;
#[cfg(test)]
mod tests;

use props::{any_prop, items, located, parse_word, smm_prop, smm_prop_all, text};

/// An imported assessment and what could not be mapped into it.
#[derive(Clone, Debug)]
pub struct Imported {
    /// The assessment.
    pub assessment: Assessment,
    /// What the results hold that the assessment does not.
    pub report: ImportReport,
}

/// Everything of the input that did not make it into the assessment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// In document order.
    pub unmapped: Vec<Unmapped>,
}

impl ImportReport {
    /// Whether everything was mapped.
    pub fn is_empty(&self) -> bool {
        self.unmapped.is_empty()
    }
}

/// One part of the input that was left out (or filled in by assumption), and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unmapped {
    /// Where it is, as a JSON path (`$.assessment-results.results[0].observations[3]`).
    pub path: String,
    /// Why it could not be mapped, or what was assumed.
    pub reason: String,
}

/// Reads OSCAL assessment results (JSON or YAML) into an assessment, against `catalog`.
pub fn import_results(catalog: &Catalog, text: &str) -> Result<Imported, Diagnostics> {
    let root = parse(text)?;
    let Some(ar) = root.get("assessment-results").and_then(Value::as_object) else {
        return Err(not_assessment_results(&root).into());
    };
    Reader {
        catalog,
        report: ImportReport::default(),
    }
    .read(ar)
}

/// JSON or YAML. JSON is read as JSON: YAML refuses characters JSON allows in strings (DEL, for
/// one), and JSON's own errors say more.
fn parse(text: &str) -> Result<Value, Diagnostics> {
    if text.trim_start().starts_with(['{', '[']) {
        return serde_json::from_str(text).map_err(|e| {
            let at = Position::new(e.line() as u64, e.column() as u64);
            Diagnostic::new(at, "", format!("not valid JSON: {e}")).into()
        });
    }
    serde_saphyr::from_str(text).map_err(|e| Diagnostic::from_yaml(&e).into())
}

fn at_start(field: &str, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Position::new(1, 1), field, message)
}

fn not_assessment_results(root: &Value) -> Diagnostic {
    const MODELS: [&str; 7] = [
        "catalog",
        "profile",
        "component-definition",
        "system-security-plan",
        "assessment-plan",
        "plan-of-action-and-milestones",
        "mapping-collection",
    ];
    let message = match root {
        // An smm document first: a target profile has a `catalog` key too.
        Value::Object(o) if o.contains_key("smm") || o.contains_key("kind") => {
            "this is an smm document, not OSCAL: import reads OSCAL assessment results".to_string()
        }
        Value::Object(o) => match MODELS.iter().find(|m| o.contains_key(**m)) {
            Some(model) => format!("this is an OSCAL {model}, not assessment results: import reads OSCAL assessment results"),
            None => "not OSCAL assessment results: expected a top-level `assessment-results` object".to_string(),
        },
        _ => "not OSCAL: expected an object with `assessment-results` at the top".to_string(),
    };
    at_start("assessment-results", message)
}

struct Reader<'c> {
    catalog: &'c Catalog,
    report: ImportReport,
}

impl Reader<'_> {
    fn unmapped(&mut self, path: impl Into<String>, reason: impl Into<String>) {
        self.report.unmapped.push(Unmapped {
            path: path.into(),
            reason: reason.into(),
        });
    }

    /// The catalog's id for a practice named in another tool's results (`threat-modeling`,
    /// `threat-modeling_obj`), if it names one.
    fn practice_id(&self, named: &str) -> Option<String> {
        let base = named.split('_').next().unwrap_or(named);
        [named, base].iter().find_map(|key| {
            self.catalog
                .practice(key)
                .map(|p| p.practice.id.value.as_str().to_string())
        })
    }

    fn read(mut self, ar: &Map<String, Value>) -> Result<Imported, Diagnostics> {
        let root = "$.assessment-results";
        let ar_value = Value::Object(ar.clone());
        let results = items(&ar_value, "results");
        let Some(result) = results.first() else {
            return Err(at_start(
                "assessment-results.results",
                "the assessment results hold no result",
            )
            .into());
        };
        for i in 1..results.len() {
            self.unmapped(
                format!("{root}.results[{i}]"),
                "only the first result is imported: an smm assessment is one assessment",
            );
        }
        let metadata = ar.get("metadata").cloned().unwrap_or(Value::Null);
        let resources = ar
            .get("back-matter")
            .map(|b| items(b, "resources").to_vec())
            .unwrap_or_default();
        let target = self.target(ar, &resources);
        let follows = resources
            .iter()
            .find(|r| smm_prop(r, "resource").as_deref() == Some("follows"))
            .map(|r| AssessmentReference {
                path: located(smm_prop(r, "path").unwrap_or_default()),
                sha256: located(smm_prop(r, "content-sha256").unwrap_or_default()),
            });
        let product = self.product(&metadata);
        let assessors = assessors(&metadata);
        let date = text(result, "start")
            .as_deref()
            .and_then(date_of)
            .or_else(|| text(&metadata, "last-modified").as_deref().and_then(date_of))
            .ok_or_else(|| {
                Diagnostics::from(at_start(
                    "assessment-results.results[0].start",
                    "the result has no start date (YYYY-MM-DDThh:mm:ssZ) and the metadata no last-modified",
                ))
            })?;
        let methods: Vec<Method> = smm_prop_all(result, "method")
            .iter()
            .filter_map(|m| parse_word(m))
            .collect();
        let path = format!("{root}.results[0]");
        let known = [
            "uuid",
            "title",
            "description",
            "start",
            "end",
            "props",
            "links",
            "local-definitions",
            "reviewed-controls",
            "observations",
            "risks",
            "findings",
        ];
        if let Some(object) = result.as_object() {
            for key in object.keys().filter(|k| !known.contains(&k.as_str())) {
                self.unmapped(
                    format!("{path}.{key}"),
                    "an smm assessment has no place for it",
                );
            }
        }
        let practices = self.practices(result, &path);
        let recommendations = self.recommendations(result, &path);
        let findings = self.findings(result, &path);
        self.foreign_risks(result, &path);
        let assessment = Assessment {
            smm: FormatVersion,
            kind: AssessmentKind::Assessment,
            target,
            follows,
            product,
            assessors,
            date,
            methods,
            practices,
            findings,
            recommendations,
        };
        Ok(Imported {
            assessment,
            report: self.report,
        })
    }

    fn target(&mut self, ar: &Map<String, Value>, resources: &[Value]) -> TargetReference {
        if let Some(r) = resources
            .iter()
            .find(|r| smm_prop(r, "resource").as_deref() == Some("target"))
        {
            return TargetReference {
                path: smm_prop(r, "path").unwrap_or_default(),
                sha256: located(smm_prop(r, "content-sha256").unwrap_or_default()),
            };
        }
        self.unmapped(
            "$.assessment-results.import-ap",
            "names no smm target profile: set `target.path` and `target.sha256` (`smm digest TARGET`) in the imported assessment",
        );
        let path = ar
            .get("import-ap")
            .and_then(|i| i.get("href"))
            .and_then(Value::as_str)
            .filter(|h| !h.starts_with('#'))
            .unwrap_or_default();
        TargetReference {
            path: path.to_string(),
            sha256: located(String::new()),
        }
    }

    fn product(&mut self, metadata: &Value) -> Product {
        if let (Some(name), Some(version)) = (
            smm_prop(metadata, "product-name"),
            smm_prop(metadata, "product-version"),
        ) {
            return Product {
                name,
                version,
                line: smm_prop(metadata, "product-line"),
            };
        }
        self.unmapped(
            "$.assessment-results.metadata",
            "names no smm product: the product is the metadata's title and its version the document's version",
        );
        Product {
            name: text(metadata, "title").unwrap_or_default(),
            version: text(metadata, "version").unwrap_or_default(),
            line: None,
        }
    }

    fn practices(&mut self, result: &Value, path: &str) -> Entries<AssessedPractice> {
        // Other tools tie an observation to a control through the findings that cite it.
        let mut cited: Vec<(String, String)> = Vec::new();
        for finding in items(result, "findings") {
            let target = finding.get("target").and_then(|t| text(t, "target-id"));
            for related in items(finding, "related-observations") {
                if let (Some(t), Some(o)) = (&target, text(related, "observation-uuid")) {
                    cited.push((o, t.clone()));
                }
            }
        }
        let mut entries: Vec<(Located<String>, AssessedPractice)> = Vec::new();
        for (i, observation) in items(result, "observations").iter().enumerate() {
            let here = format!("{path}.observations[{i}]");
            let (key, own) = match smm_prop(observation, "practice") {
                Some(key) => (Some(key), true),
                None => {
                    let named = any_prop(observation, &["control-id", "practice", "control"])
                        .or_else(|| {
                            let uuid = text(observation, "uuid")?;
                            cited
                                .iter()
                                .find(|(o, _)| *o == uuid)
                                .map(|(_, t)| t.clone())
                        });
                    (named.and_then(|n| self.practice_id(&n)), false)
                }
            };
            let Some(key) = key else {
                self.unmapped(here, "names no practice of the catalog");
                continue;
            };
            let levels = if own {
                (
                    smm_prop(observation, "comprehensiveness"),
                    smm_prop(observation, "scope"),
                )
            } else {
                (
                    any_prop(observation, &["comprehensiveness"]),
                    any_prop(observation, &["scope"]),
                )
            };
            let comprehensiveness = levels.0.as_deref().and_then(Comprehensiveness::parse);
            let scope = levels.1.as_deref().and_then(Scope::parse);
            let (Some(comprehensiveness), Some(scope)) = (comprehensiveness, scope) else {
                self.unmapped(here, format!("names practice `{key}` but no comprehensiveness (0-4) and scope (general, industry, system) props"));
                continue;
            };
            if entries.iter().any(|(k, _)| k.value == key) {
                self.unmapped(
                    here,
                    format!("a second observation of practice `{key}`: the first is kept"),
                );
                continue;
            }
            let evidence = items(observation, "relevant-evidence")
                .iter()
                .map(|e| evidence(e, own))
                .collect();
            entries.push((
                located(key),
                AssessedPractice {
                    comprehensiveness: Located::new(comprehensiveness),
                    scope: Located::new(scope),
                    evidence,
                    notes: text(observation, "remarks"),
                },
            ));
        }
        Entries(entries)
    }

    fn recommendations(&mut self, result: &Value, path: &str) -> Vec<Recommendation> {
        let Some(local) = result.get("local-definitions") else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, task) in items(local, "tasks").iter().enumerate() {
            match smm_prop(task, "recommendation-id") {
                Some(id) => out.push(Recommendation {
                    id: located(id),
                    practice: smm_prop(task, "practice").map(located),
                    text: text(task, "description").unwrap_or_default(),
                }),
                None => self.unmapped(
                    format!("{path}.local-definitions.tasks[{i}]"),
                    "a task that is not an smm recommendation",
                ),
            }
        }
        if let Some(object) = local.as_object() {
            for key in object.keys().filter(|k| k.as_str() != "tasks") {
                self.unmapped(
                    format!("{path}.local-definitions.{key}"),
                    "an smm assessment has no place for it",
                );
            }
        }
        out
    }
}

fn evidence(e: &Value, own: bool) -> Evidence {
    let description = text(e, "description").unwrap_or_default();
    if own {
        return Evidence {
            file: smm_prop(e, "file").map(located),
            sha256: smm_prop(e, "sha256").map(located),
            url: smm_prop(e, "url").map(located),
            description,
        };
    }
    Evidence {
        file: None,
        sha256: None,
        url: text(e, "href").map(located),
        description,
    }
}

fn assessors(metadata: &Value) -> Vec<String> {
    let parties = items(metadata, "parties");
    items(metadata, "responsible-parties")
        .iter()
        .filter(|r| text(r, "role-id").as_deref() == Some("assessor"))
        .flat_map(|r| items(r, "party-uuids").iter().filter_map(Value::as_str))
        .filter_map(|uuid| {
            parties
                .iter()
                .find(|p| text(p, "uuid").as_deref() == Some(uuid))
        })
        .filter_map(|p| smm_prop(p, "assessor").or_else(|| text(p, "name")))
        .collect()
}
