//! The assessment editor: every practice's achieved level and scope with what each level means
//! beside it, evidence (links, or files uploaded to the evidence store and cited by digest),
//! findings and recommendations. Saving makes a new assessment, or a new version of one; a
//! version saved by someone else in the meantime is reported, never overwritten, and the form
//! keeps what was typed.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{json, Value};

use smm_core::catalog::Catalog;
use smm_core::document::Assessment;
use smm_core::{content_digest, parse_assessment, Comprehensiveness, Scope};
use smm_store::{DocumentId, DocumentKind, StoreError, SystemInfo};

use super::{page_error, render, Nav, PageUser};
use crate::access;
use crate::authz::Action;
use crate::extract::{ApiPath, ApiQuery};
use crate::app::documents;
use crate::problem::Problem;
use crate::state::{today, AppState};

/// Largest upload through the editor (the evidence store's own limit).
const MAX_FILE: usize = smm_store::MAX_EVIDENCE_BYTES;

/// One evidence entry as shown.
pub struct EvidenceRow {
    file: String,
    sha256: String,
    url: String,
    description: String,
}

/// One practice as shown.
pub struct PracticeRow {
    id: String,
    name: String,
    purpose: String,
    target: String,
    comprehensiveness: Vec<(String, String, bool)>,
    scope: Vec<(String, String, bool)>,
    notes: String,
    evidence: Vec<EvidenceRow>,
    meanings: Vec<(String, String)>,
}

/// A finding as shown (the last row is an empty one to add).
pub struct FindingRow {
    id: String,
    kind: String,
    severity: String,
    practice: String,
    title: String,
    description: String,
    status: String,
    reason: String,
}

/// A recommendation as shown.
pub struct RecommendationRow {
    id: String,
    practice: String,
    text: String,
}

#[derive(Template)]
#[template(path = "editor.html")]
struct EditorPage {
    nav: Option<Nav>,
    csrf: String,
    action: String,
    version: i64,
    system_id: i64,
    system_name: String,
    target_id: i64,
    target_name: String,
    error: Option<String>,
    errors: Vec<String>,
    product: String,
    product_version: String,
    line: String,
    assessors: String,
    date: String,
    practices: Vec<PracticeRow>,
    findings: Vec<FindingRow>,
    recommendations: Vec<RecommendationRow>,
    practice_ids: Vec<(String, String)>,
}

/// Which target a new assessment measures against.
#[derive(serde::Deserialize)]
pub struct NewQuery {
    target: Option<i64>,
}

fn word(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

/// The editor's view of an assessment held as JSON (the form's values or a stored document).
fn view(
    catalog: &Catalog,
    target: &documents::Target,
    doc: &Value,
) -> (Vec<PracticeRow>, Vec<FindingRow>, Vec<RecommendationRow>) {
    let practices = catalog
        .practices()
        .map(|p| {
            let id = p.practice.id.as_str().to_string();
            let entry = doc
                .get("practices")
                .and_then(|ps| ps.get(&id))
                .cloned()
                .unwrap_or(Value::Null);
            let c = entry
                .get("comprehensiveness")
                .and_then(Value::as_u64)
                .unwrap_or(0);
            let s = entry
                .get("scope")
                .and_then(Value::as_str)
                .unwrap_or("general")
                .to_string();
            let target_level = target.resolved.practice(&id).map(|t| t.level());
            PracticeRow {
                name: p.practice.name.clone(),
                purpose: p.practice.purpose.trim().to_string(),
                target: target_level
                    .map(|l| format!("{} / {}", l.comprehensiveness.value(), l.scope.token()))
                    .unwrap_or_default(),
                comprehensiveness: Comprehensiveness::ALL
                    .into_iter()
                    .map(|level| {
                        let name = catalog
                            .comprehensiveness_meaning(level)
                            .map(|m| m.name.clone())
                            .unwrap_or_default();
                        (
                            level.value().to_string(),
                            format!("{} {name}", level.value()),
                            u64::from(level.value()) == c,
                        )
                    })
                    .collect(),
                scope: Scope::ALL
                    .into_iter()
                    .map(|sc| {
                        let name = catalog
                            .scope_meaning(sc)
                            .map(|m| m.name.clone())
                            .unwrap_or_default();
                        (sc.token().to_string(), name, sc.token() == s)
                    })
                    .collect(),
                notes: word(&entry, "notes"),
                evidence: entry
                    .get("evidence")
                    .and_then(Value::as_array)
                    .map(|list| {
                        list.iter()
                            .map(|e| EvidenceRow {
                                file: word(e, "file"),
                                sha256: word(e, "sha256"),
                                url: word(e, "url"),
                                description: word(e, "description"),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                meanings: p
                    .practice
                    .levels
                    .iter()
                    .map(|l| {
                        let name = catalog
                            .comprehensiveness_meaning(l.level.value)
                            .map(|m| m.name.clone())
                            .unwrap_or_default();
                        (
                            format!("{} {name}", l.level.value.value()),
                            l.description.trim().to_string(),
                        )
                    })
                    .collect(),
                id,
            }
        })
        .collect();
    let mut findings: Vec<FindingRow> = doc
        .get("findings")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|f| FindingRow {
                    id: word(f, "id"),
                    kind: word(f, "kind"),
                    severity: word(f, "severity"),
                    practice: word(f, "practice"),
                    title: word(f, "title"),
                    description: word(f, "description"),
                    status: Some(word(f, "status"))
                        .filter(|s| !s.is_empty())
                        .unwrap_or_else(|| "open".to_string()),
                    reason: word(f, "reason"),
                })
                .collect()
        })
        .unwrap_or_default();
    findings.push(FindingRow {
        id: String::new(),
        kind: "nonconformity".to_string(),
        severity: "medium".to_string(),
        practice: String::new(),
        title: String::new(),
        description: String::new(),
        status: "open".to_string(),
        reason: String::new(),
    });
    let mut recommendations: Vec<RecommendationRow> = doc
        .get("recommendations")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|r| RecommendationRow {
                    id: word(r, "id"),
                    practice: word(r, "practice"),
                    text: word(r, "text"),
                })
                .collect()
        })
        .unwrap_or_default();
    recommendations.push(RecommendationRow {
        id: String::new(),
        practice: String::new(),
        text: String::new(),
    });
    (practices, findings, recommendations)
}

#[allow(clippy::too_many_arguments)]
async fn editor(
    state: &AppState,
    user: &PageUser,
    info: &SystemInfo,
    target: &documents::Target,
    doc: &Value,
    action: String,
    version: i64,
    error: Option<String>,
    errors: Vec<String>,
) -> Response {
    let (practices, findings, recommendations) = view(&state.catalog, target, doc);
    let product = doc.get("product").cloned().unwrap_or(Value::Null);
    let page = EditorPage {
        nav: Some(user.nav(state, info.organization.0).await),
        csrf: user.csrf.clone(),
        action,
        version,
        system_id: info.id.0,
        system_name: info.name.clone(),
        target_id: target.stored.id.0,
        target_name: target.resolved.name.clone(),
        error,
        errors,
        product: word(&product, "name"),
        product_version: word(&product, "version"),
        line: word(&product, "line"),
        assessors: doc
            .get("assessors")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default(),
        date: word(doc, "date"),
        practice_ids: state
            .catalog
            .practices()
            .map(|p| (p.practice.id.as_str().to_string(), p.practice.name.clone()))
            .collect(),
        practices,
        findings,
        recommendations,
    };
    render(&page)
}

/// A new assessment of a system against one of its targets.
pub async fn new(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<NewQuery>,
) -> Response {
    let (info, _) = match access::system(&state, &user.caller, id, Action::WriteAssessment).await {
        Ok(found) => found,
        Err(p) => return page_error(p),
    };
    let target_id = match query.target {
        Some(t) => Some(DocumentId(t)),
        None => state
            .store
            .latest_document(info.id, DocumentKind::TargetProfile)
            .await
            .ok()
            .flatten(),
    };
    let Some(target_id) = target_id else {
        return page_error(Problem::new(
            StatusCode::CONFLICT,
            "set a target profile first: an assessment measures against one",
        ));
    };
    let target = match target_in(&state, &info, target_id).await {
        Ok(t) => t,
        Err(p) => return page_error(p),
    };
    let doc = json!({
        "assessors": [user.caller.actor()],
        "date": today(),
        "product": {"name": info.name, "version": ""},
    });
    editor(
        &state,
        &user,
        &info,
        &target,
        &doc,
        format!("/systems/{id}/assessments/new?target={}", target_id.0),
        0,
        None,
        Vec::new(),
    )
    .await
}

async fn target_in(
    state: &AppState,
    info: &SystemInfo,
    id: DocumentId,
) -> Result<documents::Target, Problem> {
    let target = documents::target(state, info.organization, id, None).await?;
    if target.stored.system != info.id {
        return Err(Problem::bad_field(
            "target",
            "the target profile belongs to another system",
        ));
    }
    Ok(target)
}

/// The editor for an existing assessment.
pub async fn edit(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(id): ApiPath<i64>,
) -> Response {
    let (org, info, kind) =
        match access::document(&state, &user.caller, id, Action::WriteAssessment).await {
            Ok(found) => found,
            Err(p) => return page_error(p),
        };
    if kind != DocumentKind::Assessment {
        return page_error(Problem::bad_field(
            "id",
            "this document is a target profile: set targets with the wizard",
        ));
    }
    let current = match documents::assessment(&state, org, DocumentId(id)).await {
        Ok(c) => c,
        Err(p) => return page_error(p),
    };
    let target = match documents::target_of(&state, org, &current, None).await {
        Ok(t) => t,
        Err(p) => return page_error(p),
    };
    let doc = serde_json::to_value(&current.document).unwrap_or(Value::Null);
    editor(
        &state,
        &user,
        &info,
        &target,
        &doc,
        format!("/documents/{id}/edit"),
        current.stored.version,
        None,
        Vec::new(),
    )
    .await
}

/// The form's text fields and uploaded files.
struct Submitted {
    fields: HashMap<String, String>,
    files: HashMap<String, (String, String, Vec<u8>)>,
}

async fn read_form(mut multipart: Multipart) -> Result<Submitted, Problem> {
    let mut out = Submitted {
        fields: HashMap::new(),
        files: HashMap::new(),
    };
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| Problem::bad_field("body", format!("the form could not be read: {e}")))?
    {
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(str::to_string);
        let content_type = field
            .content_type()
            .unwrap_or("application/octet-stream")
            .to_string();
        let bytes = field
            .bytes()
            .await
            .map_err(|e| Problem::bad_field(&name, format!("the form could not be read: {e}")))?;
        match file_name {
            Some(file) if !file.is_empty() => {
                if bytes.len() > MAX_FILE {
                    return Err(Problem::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        format!("{file} is larger than 25 MiB"),
                    )
                    .with_field(&name));
                }
                if !bytes.is_empty() {
                    out.files.insert(name, (file, content_type, bytes.to_vec()));
                }
            }
            _ => {
                let text = String::from_utf8(bytes.to_vec())
                    .map_err(|_| Problem::bad_field(&name, "not UTF-8 text"))?;
                out.fields.insert(name, text);
            }
        }
    }
    Ok(out)
}

impl Submitted {
    fn get(&self, name: &str) -> String {
        self.fields
            .get(name)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    }
}

/// The assessment the form describes, as JSON (files uploaded on the way).
async fn assessment_from(
    state: &AppState,
    user: &PageUser,
    info: &SystemInfo,
    target: &documents::Target,
    form: &Submitted,
) -> Result<Value, Problem> {
    let mut practices = serde_json::Map::new();
    for p in state.catalog.practices() {
        let id = p.practice.id.as_str();
        let mut evidence = Vec::new();
        let mut i = 0;
        while form
            .fields
            .contains_key(&format!("p.{id}.e.{i}.description"))
        {
            if form.get(&format!("p.{id}.e.{i}.remove")).is_empty() {
                let mut e = serde_json::Map::new();
                for key in ["file", "sha256", "url"] {
                    let v = form.get(&format!("p.{id}.e.{i}.{key}"));
                    if !v.is_empty() {
                        e.insert(key.to_string(), json!(v));
                    }
                }
                e.insert(
                    "description".to_string(),
                    json!(form.get(&format!("p.{id}.e.{i}.description"))),
                );
                evidence.push(Value::Object(e));
            }
            i += 1;
        }
        let description = form.get(&format!("p.{id}.new.description"));
        let url = form.get(&format!("p.{id}.new.url"));
        if let Some((file, content_type, bytes)) = form.files.get(&format!("p.{id}.new.file")) {
            let sha256 = state
                .store
                .put_evidence(
                    &user.caller.actor(),
                    info.organization,
                    info.id,
                    content_type,
                    bytes,
                )
                .await
                .map_err(|e| match e {
                    StoreError::Invalid(m) => {
                        Problem::new(StatusCode::UNPROCESSABLE_ENTITY, format!("{file}: {m}"))
                            .with_field(&format!("p.{id}.new.file"))
                    }
                    other => other.into(),
                })?;
            evidence.push(json!({
                "file": file,
                "sha256": sha256,
                "description": if description.is_empty() { file.clone() } else { description.clone() },
            }));
        } else if !url.is_empty() {
            evidence.push(json!({"url": url, "description": if description.is_empty() { url.clone() } else { description.clone() }}));
        }
        let mut entry = serde_json::Map::new();
        entry.insert(
            "comprehensiveness".into(),
            json!(form.get(&format!("p.{id}.c")).parse::<u64>().unwrap_or(0)),
        );
        entry.insert(
            "scope".into(),
            json!(Some(form.get(&format!("p.{id}.s")))
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "general".to_string())),
        );
        if !evidence.is_empty() {
            entry.insert("evidence".into(), Value::Array(evidence));
        }
        let notes = form.get(&format!("p.{id}.notes"));
        if !notes.is_empty() {
            entry.insert("notes".into(), json!(notes));
        }
        practices.insert(id.to_string(), Value::Object(entry));
    }
    let mut findings = Vec::new();
    let mut i = 0;
    while form.fields.contains_key(&format!("f.{i}.id")) {
        let title = form.get(&format!("f.{i}.title"));
        let id = form.get(&format!("f.{i}.id"));
        if !(id.is_empty() && title.is_empty()) {
            let mut f = serde_json::Map::new();
            f.insert("id".into(), json!(id));
            f.insert("kind".into(), json!(form.get(&format!("f.{i}.kind"))));
            f.insert(
                "severity".into(),
                json!(form.get(&format!("f.{i}.severity"))),
            );
            f.insert("title".into(), json!(title));
            for key in ["practice", "description", "reason"] {
                let v = form.get(&format!("f.{i}.{key}"));
                if !v.is_empty() {
                    f.insert(key.into(), json!(v));
                }
            }
            let status = form.get(&format!("f.{i}.status"));
            if !status.is_empty() && status != "open" {
                f.insert("status".into(), json!(status));
            }
            findings.push(Value::Object(f));
        }
        i += 1;
    }
    let mut recommendations = Vec::new();
    let mut i = 0;
    while form.fields.contains_key(&format!("r.{i}.id")) {
        let id = form.get(&format!("r.{i}.id"));
        let text = form.get(&format!("r.{i}.text"));
        if !(id.is_empty() && text.is_empty()) {
            let mut r = serde_json::Map::new();
            r.insert("id".into(), json!(id));
            r.insert("text".into(), json!(text));
            let practice = form.get(&format!("r.{i}.practice"));
            if !practice.is_empty() {
                r.insert("practice".into(), json!(practice));
            }
            recommendations.push(Value::Object(r));
        }
        i += 1;
    }
    let mut product = serde_json::Map::new();
    product.insert("name".into(), json!(form.get("product")));
    product.insert("version".into(), json!(form.get("product_version")));
    let line = form.get("line");
    if !line.is_empty() {
        product.insert("line".into(), json!(line));
    }
    let mut doc = serde_json::Map::new();
    doc.insert("smm".into(), json!(1));
    doc.insert("kind".into(), json!("Assessment"));
    doc.insert(
        "target".into(),
        json!({"path": format!("target-{}.yaml", target.stored.id.0), "sha256": content_digest(&target.document)}),
    );
    doc.insert("product".into(), Value::Object(product));
    doc.insert(
        "assessors".into(),
        json!(form
            .get("assessors")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()),
    );
    doc.insert("date".into(), json!(form.get("date")));
    doc.insert("practices".into(), Value::Object(practices));
    if !findings.is_empty() {
        doc.insert("findings".into(), Value::Array(findings));
    }
    if !recommendations.is_empty() {
        doc.insert("recommendations".into(), Value::Array(recommendations));
    }
    Ok(Value::Object(doc))
}

/// Checks the assessment the form describes: its text, or every problem found.
fn check(state: &AppState, doc: &Value) -> Result<(String, Assessment), Vec<String>> {
    let product = doc.get("product").cloned().unwrap_or(Value::Null);
    let mut missing = Vec::new();
    if word(&product, "name").is_empty() {
        missing.push("Product name: say which product was assessed.".to_string());
    }
    if word(&product, "version").is_empty() {
        missing.push("Version assessed: an assessment is of one product version.".to_string());
    }
    if !missing.is_empty() {
        return Err(missing);
    }
    let text = serde_saphyr::to_string(doc).map_err(|e| vec![e.to_string()])?;
    let parsed = parse_assessment(&text)
        .map_err(|d| d.0.iter().map(|p| p.to_string()).collect::<Vec<_>>())?;
    smm_core::current_profile(&state.catalog, &parsed)
        .map_err(|d| d.0.iter().map(|p| p.to_string()).collect::<Vec<_>>())?;
    Ok((text, parsed))
}

/// Saves a new assessment.
pub async fn create(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<NewQuery>,
    multipart: Multipart,
) -> Response {
    let form = match read_form(multipart).await {
        Ok(f) => f,
        Err(p) => return page_error(p),
    };
    if let Err(p) = user.check_csrf(&form.get("csrf")) {
        return page_error(p);
    }
    let (info, _) = match access::system(&state, &user.caller, id, Action::WriteAssessment).await {
        Ok(found) => found,
        Err(p) => return page_error(p),
    };
    let Some(target_id) = query.target else {
        return page_error(Problem::bad_field(
            "target",
            "which target does this assessment measure against?",
        ));
    };
    let target = match target_in(&state, &info, DocumentId(target_id)).await {
        Ok(t) => t,
        Err(p) => return page_error(p),
    };
    let action = format!("/systems/{id}/assessments/new?target={target_id}");
    let doc = match assessment_from(&state, &user, &info, &target, &form).await {
        Ok(d) => d,
        Err(p) => return page_error(p),
    };
    match check(&state, &doc) {
        Err(errors) => {
            let mut r = editor(
                &state,
                &user,
                &info,
                &target,
                &doc,
                action,
                0,
                Some("The assessment is not complete yet; nothing was saved:".to_string()),
                errors,
            )
            .await;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            r
        }
        Ok((text, _)) => match documents::create(
            &state,
            &user.caller.actor(),
            info.organization,
            info.id,
            DocumentKind::Assessment,
            text,
        )
        .await
        {
            Ok(stored) => Redirect::to(&format!("/documents/{}/gap", stored.id.0)).into_response(),
            Err(e) => page_error(e),
        },
    }
}

/// Saves a new version of an assessment (refused, keeping the form, if someone saved one since).
pub async fn update(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(id): ApiPath<i64>,
    multipart: Multipart,
) -> Response {
    let form = match read_form(multipart).await {
        Ok(f) => f,
        Err(p) => return page_error(p),
    };
    if let Err(p) = user.check_csrf(&form.get("csrf")) {
        return page_error(p);
    }
    let (org, info, kind) =
        match access::document(&state, &user.caller, id, Action::WriteAssessment).await {
            Ok(found) => found,
            Err(p) => return page_error(p),
        };
    if kind != DocumentKind::Assessment {
        return page_error(Problem::bad_field(
            "id",
            "this document is a target profile",
        ));
    }
    let current = match documents::assessment(&state, org, DocumentId(id)).await {
        Ok(c) => c,
        Err(p) => return page_error(p),
    };
    let target = match documents::target_of(&state, org, &current, None).await {
        Ok(t) => t,
        Err(p) => return page_error(p),
    };
    let version: i64 = form.get("version").parse().unwrap_or(0);
    let action = format!("/documents/{id}/edit");
    let doc = match assessment_from(&state, &user, &info, &target, &form).await {
        Ok(d) => d,
        Err(p) => return page_error(p),
    };
    let (text, _) = match check(&state, &doc) {
        Ok(done) => done,
        Err(errors) => {
            let mut r = editor(
                &state,
                &user,
                &info,
                &target,
                &doc,
                action,
                version,
                Some("The assessment is not complete yet; nothing was saved:".to_string()),
                errors,
            )
            .await;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            return r;
        }
    };
    match documents::update(
        &state,
        &user.caller.actor(),
        org,
        DocumentId(id),
        DocumentKind::Assessment,
        version,
        text,
    )
    .await
    {
        Ok(_) => Redirect::to(&format!("/documents/{id}/gap")).into_response(),
        Err(documents::UpdateError::Conflict { current, .. }) => {
            let message = format!(
                "Someone saved version {current} of this assessment while you were editing; nothing was overwritten. \
                 Your changes are still in the form below: open version {current} in another tab, merge, and save again."
            );
            let mut r = editor(
                &state,
                &user,
                &info,
                &target,
                &doc,
                action,
                current,
                Some(message),
                Vec::new(),
            )
            .await;
            *r.status_mut() = StatusCode::CONFLICT;
            r
        }
        Err(e) => page_error(e.into()),
    }
}
