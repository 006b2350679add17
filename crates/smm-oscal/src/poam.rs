//! A roadmap as an OSCAL plan of action and milestones.
//!
//! Each planned action is a POA&M item with its effort, cost and weight as props, tied to a risk
//! (the practice under target it raises) whose planned remediation holds the action; when the
//! roadmap has a schedule, the remediation's milestone is the budget period the action falls in.

use serde_json::{json, Map, Value};
use smm_core::content_digest;
use smm_core::document::Date;
use smm_core::roadmap::{Month, Roadmap};

use crate::shared::{insert_list, insert_text, metadata, one_line, prop, timestamp, uuid, word};

/// The roadmap as an OSCAL plan-of-action-and-milestones document; `date` is the day it was
/// planned from (the assessment's date), which is its `last-modified`.
pub fn poam(roadmap: &Roadmap, date: Date) -> Value {
    let digest = content_digest(roadmap);
    let id = |kind: &str, parts: &[&str]| {
        let mut identity = vec![digest.as_str()];
        identity.extend_from_slice(parts);
        uuid(kind, &identity)
    };
    let mut props = vec![
        prop("product-name", &roadmap.product),
        prop("product-version", &roadmap.version),
        prop("target", &roadmap.target),
        prop("currency", &roadmap.currency),
        prop("day-rate", &roadmap.day_rate.to_string()),
        prop("practices-under", &roadmap.practices_under.to_string()),
        prop("total-effort-days", &roadmap.totals.effort.to_string()),
        prop("total-amount", &roadmap.totals.amount.to_string()),
    ];
    if let Some(schedule) = &roadmap.schedule {
        props.push(prop(
            "budget-per-period",
            &schedule.budget.per_period.to_string(),
        ));
        props.push(prop("budget-unit", &word(&schedule.budget.unit)));
        props.push(prop("period", &word(&schedule.budget.period)));
    }
    let title = format!(
        "Roadmap for {} {} to reach {}",
        roadmap.product, roadmap.version, roadmap.target
    );
    let meta = metadata(&title, &timestamp(date), &date.to_string(), props);

    let mut items = Vec::new();
    let mut risks = Vec::new();
    for action in &roadmap.actions {
        let action_id = action.id.to_string();
        let risk_uuid = id("risk", &[&action_id]);
        let period = roadmap
            .schedule
            .as_ref()
            .and_then(|s| s.periods.iter().find(|p| p.actions.contains(&action.id)));
        let mut item_props = vec![
            prop("action-id", &action_id),
            prop("practice", action.id.practice.as_str()),
            prop("domain", action.domain.as_str()),
            prop("step", &action.step),
            prop("effort-days", &action.effort.to_string()),
            prop("cost-class", &action.cost_class),
            prop("amount", &action.amount.to_string()),
            prop("weight", &action.weight.to_string()),
            prop("priority", &word(&action.priority)),
            prop("gap", &action.gap.to_string()),
            prop("risk", &action.risk.to_string()),
        ];
        if action.prerequisite {
            item_props.push(prop("prerequisite", "true"));
        }
        if let Some(responsible) = &action.responsible {
            item_props.push(prop("responsible", responsible));
        }
        if let Some(bearer) = &action.cost_bearer {
            item_props.push(prop("cost-bearer", bearer));
        }
        match period {
            Some(p) => item_props.push(prop("scheduled-period", &p.label)),
            None if roadmap.schedule.is_some() => item_props.push(prop("scheduled-period", "none")),
            None => {}
        }
        let mut item = Map::new();
        item.insert("uuid".into(), Value::String(id("poam-item", &[&action_id])));
        item.insert(
            "title".into(),
            Value::String(format!(
                "{}: {}",
                one_line(&action.practice_name, "practice"),
                one_line(&action.title, &action_id)
            )),
        );
        item.insert("description".into(), Value::String(action.work.clone()));
        item.insert("props".into(), Value::Array(item_props));
        item.insert("related-risks".into(), json!([{ "risk-uuid": risk_uuid }]));
        let needs: Vec<String> = action
            .needs
            .iter()
            .map(|n| format!("Needs {} first: {}", n.action, n.why))
            .collect();
        insert_text(
            &mut item,
            "remarks",
            (!needs.is_empty()).then(|| needs.join("\n")).as_deref(),
        );
        items.push(Value::Object(item));

        let mut remediation = Map::new();
        remediation.insert(
            "uuid".into(),
            Value::String(id("remediation", &[&action_id])),
        );
        remediation.insert("lifecycle".into(), Value::String("planned".into()));
        remediation.insert(
            "title".into(),
            Value::String(one_line(&action.title, &action_id)),
        );
        remediation.insert("description".into(), Value::String(action.work.clone()));
        remediation.insert(
            "props".into(),
            json!([
                prop("effort-days", &action.effort.to_string()),
                prop("amount", &action.amount.to_string())
            ]),
        );
        if let Some(p) = period {
            remediation.insert(
                "tasks".into(),
                json!([{
                    "uuid": id("milestone", &[&action_id]),
                    "type": "milestone",
                    "title": format!("Done in {}", p.label),
                    "timing": { "within-date-range": { "start": first_day(p.first_month), "end": last_day(p.last_month) } },
                }]),
            );
        }
        let mut risk = Map::new();
        risk.insert("uuid".into(), Value::String(risk_uuid));
        risk.insert(
            "title".into(),
            Value::String(format!(
                "{} is under target",
                one_line(&action.practice_name, "practice")
            )),
        );
        risk.insert(
            "description".into(),
            Value::String(format!(
                "Practice {} is below its target; {} raises it.",
                action.id.practice, action_id
            )),
        );
        let statement = if action.risk_because.is_empty() {
            "No finding or rule raises this practice's risk.".to_string()
        } else {
            action.risk_because.join("\n")
        };
        risk.insert("statement".into(), Value::String(statement));
        risk.insert("status".into(), Value::String("open".into()));
        let mut remediations = vec![Value::Object(remediation)];
        insert_list(&mut risk, "remediations", std::mem::take(&mut remediations));
        risks.push(Value::Object(risk));
    }
    let mut body = Map::new();
    body.insert("uuid".into(), Value::String(id("poam", &[])));
    body.insert("metadata".into(), Value::Object(meta));
    body.insert(
        "system-id".into(),
        json!({ "identifier-type": crate::SMM_NS, "id": one_line(&format!("{} {}", roadmap.product, roadmap.version), "system") }),
    );
    insert_list(&mut body, "risks", risks);
    if items.is_empty() {
        // OSCAL needs at least one item: a roadmap with nothing to do says so.
        items.push(json!({
            "uuid": id("poam-item", &["none"]),
            "title": "Nothing to do",
            "description": "Every practice meets its target: the roadmap has no action.",
        }));
    }
    body.insert("poam-items".into(), Value::Array(items));
    json!({ "plan-of-action-and-milestones": body })
}

fn first_day(month: Month) -> String {
    format!("{:04}-{:02}-01T00:00:00Z", month.year(), month.month())
}

/// The last day of `month`, at the end of the day.
fn last_day(month: Month) -> String {
    let next = month.plus(1);
    let day = Date::parse(&format!("{:04}-{:02}-01", next.year(), next.month()))
        .and_then(|d| d.plus_days(-1))
        .map(|d| d.to_string())
        .unwrap_or_else(|| format!("{:04}-{:02}-28", month.year(), month.month()));
    format!("{day}T23:59:59Z")
}
