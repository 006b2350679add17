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
use smm_core::document::{
    Assessment, Evidence, Finding, FindingKind, FindingStatus, Method, Recommendation,
};
use smm_core::gap::PracticeGap;
use smm_core::{content_digest, Gap};

use crate::shared::{
    fits_line, insert_list, insert_text, metadata, one_line, prop, timestamp, uuid, word,
};

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
        p.insert("name".into(), Value::String(one_line(name, "(unnamed)")));
        if !fits_line(name) {
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

fn gap_finding(ids: &Ids, assessment: &Assessment, practice: &PracticeGap) -> Value {
    let id = practice.id.as_str();
    let mut f = Map::new();
    f.insert("uuid".into(), Value::String(ids.get("gap", &[id])));
    f.insert(
        "title".into(),
        Value::String(format!("{} is under target", one_line(&practice.name, id))),
    );
    f.insert(
        "description".into(),
        Value::String(format!(
            "The target asks for comprehensiveness {} and scope {}; the assessment found comprehensiveness {} and scope {}.",
            practice.target.comprehensiveness.value(),
            practice.target.scope.token(),
            practice.current.comprehensiveness.value(),
            practice.current.scope.token()
        )),
    );
    let mut props = vec![
        prop("finding-kind", "gap"),
        prop("practice", id),
        prop(
            "target-comprehensiveness",
            &practice.target.comprehensiveness.value().to_string(),
        ),
        prop("target-scope", practice.target.scope.token()),
        prop(
            "comprehensiveness",
            &practice.current.comprehensiveness.value().to_string(),
        ),
        prop("scope", practice.current.scope.token()),
        prop("level-source", &word(&practice.source)),
    ];
    if let Some(rationale) = &practice.rationale {
        props.push(prop("rationale", rationale));
    }
    f.insert("props".into(), Value::Array(props));
    f.insert(
        "target".into(),
        json!({
            "type": "objective-id",
            "target-id": id,
            "status": { "state": "not-satisfied", "reason": "fail" },
        }),
    );
    if assessment.practices.iter().any(|(key, _)| key.value == id) {
        f.insert(
            "related-observations".into(),
            json!([{ "observation-uuid": ids.get("observation", &[id]) }]),
        );
    }
    Value::Object(f)
}

fn assessment_finding(
    ids: &Ids,
    assessment: &Assessment,
    index: usize,
    finding: &Finding,
) -> (Value, Value) {
    let n = index.to_string();
    let id = finding.id.value.as_str();
    let risk_uuid = ids.get("risk", &[&n, id]);
    let kind = match finding.kind {
        FindingKind::Nonconformity => "nonconformity",
        FindingKind::Vulnerability => "vulnerability",
    };
    let mut props = vec![
        prop("finding-kind", kind),
        prop("finding-id", id),
        prop("severity", &word(&finding.severity)),
        prop("status", finding.status.as_str()),
    ];
    if let Some(practice) = &finding.practice {
        props.push(prop("practice", &practice.value));
    }
    if let Some(cve) = &finding.cve {
        props.push(prop("cve", &cve.value));
    }
    if let Some(reason) = &finding.reason {
        props.push(prop("reason", &reason.value));
    }
    if let Some(closed) = &finding.closed {
        props.push(prop("closed", &closed.value.to_string()));
    }
    for rec in &finding.recommendations {
        props.push(prop("recommendation", &rec.value));
    }
    if !fits_line(&finding.title) {
        props.push(prop("title", &finding.title));
    }
    let mut f = Map::new();
    f.insert("uuid".into(), Value::String(ids.get("finding", &[&n, id])));
    f.insert("title".into(), Value::String(one_line(&finding.title, id)));
    f.insert(
        "description".into(),
        Value::String(format!(
            "{} {id} ({} severity, {}).",
            if kind == "nonconformity" {
                "Nonconformity"
            } else {
                "Vulnerability"
            },
            word(&finding.severity),
            finding.status.as_str()
        )),
    );
    f.insert("props".into(), Value::Array(props));
    let target_id = finding
        .practice
        .as_ref()
        .map(|p| p.value.clone())
        .unwrap_or_else(|| token(id));
    let state = if finding.status == FindingStatus::Resolved {
        "satisfied"
    } else {
        "not-satisfied"
    };
    f.insert(
        "target".into(),
        json!({ "type": "objective-id", "target-id": token(&target_id), "status": { "state": state } }),
    );
    if let Some(practice) = &finding.practice {
        if assessment
            .practices
            .iter()
            .any(|(key, _)| key.value == practice.value)
        {
            f.insert(
                "related-observations".into(),
                json!([{ "observation-uuid": ids.get("observation", &[&practice.value]) }]),
            );
        }
    }
    f.insert("related-risks".into(), json!([{ "risk-uuid": risk_uuid }]));
    insert_text(&mut f, "remarks", finding.description.as_deref());

    let mut risk = Map::new();
    risk.insert("uuid".into(), Value::String(risk_uuid));
    risk.insert("title".into(), Value::String(one_line(&finding.title, id)));
    risk.insert(
        "description".into(),
        Value::String(format!("The risk that {kind} {id} stands for.")),
    );
    risk.insert(
        "statement".into(),
        Value::String(
            finding
                .description
                .clone()
                .unwrap_or_else(|| finding.title.clone()),
        ),
    );
    risk.insert(
        "props".into(),
        json!([
            prop("finding-id", id),
            prop("severity", &word(&finding.severity))
        ]),
    );
    risk.insert(
        "status".into(),
        Value::String(
            match finding.status {
                FindingStatus::Open => "open",
                FindingStatus::Resolved => "closed",
                FindingStatus::Accepted => "deviation-approved",
            }
            .into(),
        ),
    );
    if let Some(cve) = &finding.cve {
        risk.insert("threat-ids".into(), {
            // OSCAL wants the threat's id as a URI: the CVE record's address is one.
            let record = format!("https://www.cve.org/CVERecord?id={}", cve.value);
            json!([{ "system": "https://www.cve.org", "id": record, "href": record }])
        });
    }
    let remediations: Vec<Value> = finding
        .recommendations
        .iter()
        .filter_map(|r| {
            let (i, rec) = assessment
                .recommendations
                .iter()
                .enumerate()
                .find(|(_, rec)| rec.id.value == r.value)?;
            Some(json!({
                "uuid": ids.get("remediation", &[&n, id, &i.to_string()]),
                "lifecycle": "recommendation",
                "title": format!("Recommendation {}", one_line(&rec.id.value, "")),
                "description": rec.text,
                "props": [prop("recommendation", &rec.id.value)],
            }))
        })
        .collect();
    insert_list(&mut risk, "remediations", remediations);
    (Value::Object(f), Value::Object(risk))
}

fn recommendation_task(ids: &Ids, index: usize, rec: &Recommendation) -> Value {
    let mut props = vec![prop("recommendation-id", &rec.id.value)];
    if let Some(practice) = &rec.practice {
        props.push(prop("practice", &practice.value));
    }
    json!({
        "uuid": ids.get("recommendation", &[&index.to_string(), &rec.id.value]),
        "type": "action",
        "title": format!("Recommendation {}", one_line(&rec.id.value, "")),
        "description": rec.text,
        "props": props,
    })
}

/// An OSCAL token from an id: letters, digits, `.`, `-`, `_`, starting with a letter or `_`.
fn token(id: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use smm_core::{current_profile, gap, parse_assessment, parse_target, resolve, Catalog};

    const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/ota-gateway/");

    fn example() -> (Assessment, Gap) {
        let read = |name: &str| std::fs::read_to_string(format!("{ROOT}{name}")).expect("example");
        let catalog = Catalog::builtin();
        let target = parse_target(&read("target.yaml")).expect("target");
        let assessment = parse_assessment(&read("assessment.yaml")).expect("assessment");
        let resolved = resolve(&catalog, &target).expect("resolves");
        let current = current_profile(&catalog, &assessment).expect("checks");
        let gap = gap(&resolved, &current).expect("gap");
        (assessment, gap)
    }

    fn gap_findings(document: &Value) -> Vec<String> {
        document["assessment-results"]["results"][0]["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["props"][0]["value"] == "gap")
            .map(|f| {
                f["target"]["target-id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn a_practice_under_target_becomes_a_finding_and_one_at_target_does_not() {
        let (assessment, gap) = example();
        let document = assessment_results(&assessment, &gap);
        let under: Vec<String> = gap.under().map(|p| p.id.as_str().to_string()).collect();
        assert!(!under.is_empty());
        assert_eq!(gap_findings(&document), under);
        let met = gap
            .practices
            .iter()
            .find(|p| p.status == smm_core::Status::Met)
            .expect("a practice at target");
        assert!(!gap_findings(&document).contains(&met.id.as_str().to_string()));
    }

    #[test]
    fn each_assessment_finding_has_a_finding_and_a_risk_with_its_status() {
        let (mut assessment, gap) = example();
        assessment.findings[0].status = FindingStatus::Accepted;
        let document = assessment_results(&assessment, &gap);
        let result = &document["assessment-results"]["results"][0];
        let risks = result["risks"].as_array().expect("risks");
        assert_eq!(risks.len(), assessment.findings.len());
        assert_eq!(risks[0]["status"], "deviation-approved");
        assert_eq!(risks[1]["status"], "open");
        let observations = result["observations"].as_array().expect("observations");
        assert_eq!(observations.len(), assessment.practices.0.len());
    }
}
