//! The findings of a result: one per practice under target, and one with its risk per finding
//! of the assessment; and the assessor's recommendations as tasks.

use serde_json::{json, Map, Value};
use smm_core::document::{Assessment, Finding, FindingKind, FindingStatus, Recommendation};
use smm_core::gap::PracticeGap;

use super::{token, Ids};
use crate::shared::{insert_list, insert_text, one_line, prop, word};

pub(super) fn gap_finding(ids: &Ids, assessment: &Assessment, practice: &PracticeGap) -> Value {
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

pub(super) fn assessment_finding(
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
    if one_line(&finding.title, id) != finding.title {
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

pub(super) fn recommendation_task(ids: &Ids, index: usize, rec: &Recommendation) -> Value {
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
