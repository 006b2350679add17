//! An assessment and its gap as OSCAL assessment results.
//!
//! One result holds everything: an observation per assessed practice (its achieved levels,
//! evidence as relevant evidence, the assessor's notes), a finding for every practice under
//! target (from the gap), and a finding with a risk for each of the assessment's own findings
//! (kind, severity, status, CVE). The assessor's recommendations are the result's tasks and,
//! where a finding names them, its risk's remediations.
//!
//! Every field of the assessment is kept, in OSCAL's fields or in [`crate::SMM_NS`] props, so
//! [`crate::import_results`] gives the same assessment back: the content digests match.

use serde_json::{json, Map, Value};
use smm_core::document::{Assessment, Evidence, Method};
use smm_core::{content_digest, Gap};

use crate::shared::{insert_list, insert_text, metadata, one_line, prop, timestamp, uuid};

mod findings;
#[cfg(test)]
mod tests;

use findings::{assessment_finding, gap_finding, recommendation_task};

/// The OSCAL method an smm assessment method belongs to (OSCAL knows three).
pub fn oscal_method(method: Method) -> &'static str {
    match method {
        Method::DocumentReview | Method::ArchitectureAnalysis => "EXAMINE",
        Method::Interviews => "INTERVIEW",
        Method::VulnerabilityAnalysis | Method::PenetrationTest => "TEST",
    }
}

/// The identities UUIDs are derived from: the assessment's content digest, so two assessments
/// never share a UUID and the same assessment always has the same ones.
pub(crate) struct Ids {
    digest: String,
}

impl Ids {
    pub(crate) fn of(assessment: &Assessment) -> Ids {
        Ids {
            digest: content_digest(assessment),
        }
    }
    pub(crate) fn get(&self, kind: &str, parts: &[&str]) -> String {
        let mut identity = vec![self.digest.as_str()];
        identity.extend_from_slice(parts);
        uuid(kind, &identity)
    }
}

/// The assessment with its gap as an OSCAL assessment-results document.
pub fn assessment_results(assessment: &Assessment, gap: &Gap) -> Value {
    let ids = Ids::of(assessment);
    let date = timestamp(assessment.date);
    let product = &assessment.product;
    let mut props = vec![
        prop("product-name", &product.name),
        prop("product-version", &product.version),
    ];
    if let Some(line) = &product.line {
        props.push(prop("product-line", line));
    }
    let title = format!(
        "IoT SMM assessment of {} {} against {}",
        product.name, product.version, gap.target
    );
    let mut meta = metadata(&title, &date, &assessment.date.to_string(), props);
    assessors(&ids, assessment, &mut meta);

    let target_resource = ids.get("target", &[]);
    let mut resources = vec![json!({
        "uuid": target_resource,
        "title": format!("Target profile {}", gap.target),
        "description": "The smm target profile the assessment measures against; it plays the part of the assessment plan.",
        "props": [
            prop("resource", "target"),
            prop("path", &assessment.target.path),
            prop("content-sha256", &assessment.target.sha256.value),
        ],
        "rlinks": [{ "href": href(&assessment.target.path) }],
    })];
    if let Some(follows) = &assessment.follows {
        resources.push(json!({
            "uuid": ids.get("follows", &[]),
            "title": "The assessment this one follows",
            "props": [
                prop("resource", "follows"),
                prop("path", &follows.path.value),
                prop("content-sha256", &follows.sha256.value),
            ],
            "rlinks": [{ "href": href(&follows.path.value) }],
        }));
    }

    let mut body = Map::new();
    body.insert(
        "uuid".into(),
        Value::String(ids.get("assessment-results", &[])),
    );
    body.insert("metadata".into(), Value::Object(meta));
    body.insert(
        "import-ap".into(),
        json!({ "href": format!("#{target_resource}") }),
    );
    body.insert(
        "results".into(),
        json!([result(&ids, assessment, gap, &date)]),
    );
    body.insert("back-matter".into(), json!({ "resources": resources }));
    json!({ "assessment-results": body })
}

/// A link target: OSCAL hrefs are URI references, so blanks are escaped.
fn href(path: &str) -> String {
    let escaped = path.replace('%', "%25").replace(' ', "%20");
    if escaped.is_empty() {
        "#".to_string()
    } else {
        escaped
    }
}

fn assessors(ids: &Ids, assessment: &Assessment, meta: &mut Map<String, Value>) {
    if assessment.assessors.is_empty() {
        return;
    }
    let mut parties = Vec::new();
    let mut uuids = Vec::new();
    for (i, name) in assessment.assessors.iter().enumerate() {
        let party = ids.get("assessor", &[&i.to_string(), name]);
        let mut p = Map::new();
        p.insert("uuid".into(), Value::String(party.clone()));
        p.insert("type".into(), Value::String("person".into()));
        let shown = one_line(name, "(unnamed)");
        let verbatim = shown != *name;
        p.insert("name".into(), Value::String(shown));
        if verbatim {
            p.insert("props".into(), json!([prop("assessor", name)]));
        }
        parties.push(Value::Object(p));
        uuids.push(Value::String(party));
    }
    meta.insert(
        "roles".into(),
        json!([{ "id": "assessor", "title": "Assessor" }]),
    );
    meta.insert("parties".into(), Value::Array(parties));
    meta.insert(
        "responsible-parties".into(),
        json!([{ "role-id": "assessor", "party-uuids": uuids }]),
    );
}

fn result(ids: &Ids, assessment: &Assessment, gap: &Gap, date: &str) -> Value {
    let mut r = Map::new();
    r.insert("uuid".into(), Value::String(ids.get("result", &[])));
    r.insert(
        "title".into(),
        Value::String(format!(
            "Assessment against {}",
            one_line(&gap.target, "the target")
        )),
    );
    r.insert(
        "description".into(),
        Value::String(format!(
            "{} practices assessed: {} under target, {} met, {} over.",
            assessment.practices.0.len(),
            gap.summary.under,
            gap.summary.met,
            gap.summary.over
        )),
    );
    r.insert("start".into(), Value::String(date.to_string()));
    let methods: Vec<Value> = assessment
        .methods
        .iter()
        .map(|m| prop("method", m.as_str()))
        .collect();
    insert_list(&mut r, "props", methods);
    let tasks: Vec<Value> = assessment
        .recommendations
        .iter()
        .enumerate()
        .map(|(i, rec)| recommendation_task(ids, i, rec))
        .collect();
    if !tasks.is_empty() {
        r.insert("local-definitions".into(), json!({ "tasks": tasks }));
    }
    let selection = if assessment.practices.is_empty() {
        json!([{ "include-all": {} }])
    } else {
        let controls: Vec<Value> = assessment
            .practices
            .iter()
            .map(|(id, _)| json!({ "control-id": token(&id.value) }))
            .collect();
        json!([{ "include-controls": controls }])
    };
    r.insert(
        "reviewed-controls".into(),
        json!({ "control-selections": selection }),
    );

    let methods = observation_methods(&assessment.methods);
    let observations: Vec<Value> = assessment
        .practices
        .iter()
        .map(|(id, practice)| {
            let mut o = Map::new();
            o.insert(
                "uuid".into(),
                Value::String(ids.get("observation", &[&id.value])),
            );
            o.insert(
                "title".into(),
                Value::String(format!(
                    "{}: comprehensiveness {}, scope {}",
                    one_line(&id.value, "practice"),
                    practice.comprehensiveness.value,
                    practice.scope.value
                )),
            );
            o.insert(
                "description".into(),
                Value::String(format!(
                    "Achieved comprehensiveness {} and scope {} on practice {}.",
                    practice.comprehensiveness.value, practice.scope.value, id.value
                )),
            );
            o.insert(
                "props".into(),
                json!([
                    prop("practice", &id.value),
                    prop(
                        "comprehensiveness",
                        &practice.comprehensiveness.value.to_string()
                    ),
                    prop("scope", practice.scope.value.token()),
                ]),
            );
            o.insert("methods".into(), json!(methods));
            o.insert("types".into(), json!(["control-objective"]));
            let evidence: Vec<Value> = practice.evidence.iter().map(relevant_evidence).collect();
            insert_list(&mut o, "relevant-evidence", evidence);
            o.insert("collected".into(), Value::String(date.to_string()));
            insert_text(&mut o, "remarks", practice.notes.as_deref());
            Value::Object(o)
        })
        .collect();
    insert_list(&mut r, "observations", observations);

    let mut risks = Vec::new();
    let mut findings: Vec<Value> = gap
        .under()
        .map(|p| gap_finding(ids, assessment, p))
        .collect();
    for (i, finding) in assessment.findings.iter().enumerate() {
        let (f, risk) = assessment_finding(ids, assessment, i, finding);
        findings.push(f);
        risks.push(risk);
    }
    insert_list(&mut r, "risks", risks);
    insert_list(&mut r, "findings", findings);
    Value::Object(r)
}

/// OSCAL's methods for the assessment's methods, each once; `UNKNOWN` when none is recorded.
fn observation_methods(methods: &[Method]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for m in methods {
        let o = oscal_method(*m);
        if !out.contains(&o) {
            out.push(o);
        }
    }
    if out.is_empty() {
        out.push("UNKNOWN");
    }
    out
}

fn relevant_evidence(evidence: &Evidence) -> Value {
    let mut e = Map::new();
    let link = evidence.file.as_ref().or(evidence.url.as_ref());
    if let Some(link) = link {
        e.insert("href".into(), Value::String(href(&link.value)));
    }
    e.insert(
        "description".into(),
        Value::String(evidence.description.clone()),
    );
    let mut props = Vec::new();
    if let Some(file) = &evidence.file {
        props.push(prop("file", &file.value));
    }
    if let Some(sha256) = &evidence.sha256 {
        props.push(prop("sha256", &sha256.value));
    }
    if let Some(url) = &evidence.url {
        props.push(prop("url", &url.value));
    }
    insert_list(&mut e, "props", props);
    Value::Object(e)
}

/// An OSCAL token from an id: letters, digits, `.`, `-`, `_`, starting with a letter or `_`.
pub(super) fn token(id: &str) -> String {
    let mut out: String = id
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !out
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
    {
        out.insert(0, '_');
    }
    out
}
