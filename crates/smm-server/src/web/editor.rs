//! The assessment editor: every practice's achieved level and scope with what each level means
//! beside it, evidence (links, or files uploaded to the evidence store and cited by digest),
//! findings and recommendations. Saving makes a new assessment, or a new version of one; a
//! version saved by someone else in the meantime is reported, never overwritten, and the form
//! keeps what was typed.
//!
//! The form is an [`AssessmentDraft`]: a new assessment starts with every practice *not
//! assessed*, and it is saved only once each has both measures; until then the form comes back
//! naming each practice still open. Evidence files are stored before anything else is decoded
//! (see [`form`]), so a refused form keeps them attached.

mod form;

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use smm_core::catalog::Catalog;
use smm_core::document::{AssessmentDraft, Incomplete, Product, TargetReference};
use smm_core::located::Located;
use smm_core::{content_digest, Comprehensiveness, Scope};
use smm_store::{DocumentId, DocumentKind, StoreError, SystemInfo};

use self::form::FieldProblem;
use super::{page_error, render, Done, Nav, PageUser};
use crate::access;
use crate::app::documents;
use crate::authz::Action;
use crate::extract::{ApiPath, ApiQuery};
use crate::problem::Problem;
use crate::state::{today, AppState};

/// One evidence entry as shown.
pub struct EvidenceRow {
    file: String,
    sha256: String,
    url: String,
    description: String,
}

/// One choice of a select: value, label, whether chosen.
type Choice = (String, String, bool);

/// One practice as shown.
pub struct PracticeRow {
    id: String,
    name: String,
    purpose: String,
    target: String,
    comprehensiveness: Vec<Choice>,
    scope: Vec<Choice>,
    notes: String,
    evidence: Vec<EvidenceRow>,
    meanings: Vec<(String, String)>,
    /// Why the practice stopped the save ("" when it did not).
    problem: String,
}

/// A finding as shown (the last row is an empty one to add).
pub struct FindingRow {
    id: String,
    kind: String,
    severity: String,
    practice: String,
    cve: String,
    title: String,
    description: String,
    recommendations: String,
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
    errors: Vec<FieldProblem>,
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

/// The form as it goes out: where it posts, the version it edits, and why it came back.
struct Shown {
    action: String,
    version: i64,
    error: Option<String>,
    problems: Vec<FieldProblem>,
    /// Why each practice that stopped the save did, by practice id.
    practices: HashMap<String, String>,
}

impl Shown {
    fn fresh(action: String, version: i64) -> Self {
        Shown {
            action,
            version,
            error: None,
            problems: Vec::new(),
            practices: HashMap::new(),
        }
    }
}

/// The token a document writes for one of its words (`nonconformity`, `high`).
fn token<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn practice_rows(
    catalog: &Catalog,
    target: &documents::Target,
    draft: &AssessmentDraft,
    problems: &HashMap<String, String>,
) -> Vec<PracticeRow> {
    let level_name = |level: Comprehensiveness| {
        let name = catalog
            .comprehensiveness_meaning(level)
            .map(|m| m.name.clone())
            .unwrap_or_default();
        format!("{} {name}", level.value())
    };
    draft
        .practices
        .iter()
        .filter_map(|p| {
            let item = catalog.practice(&p.id)?;
            let not_assessed = |chosen: bool| (String::new(), "not assessed".to_string(), chosen);
            let mut comprehensiveness = vec![not_assessed(p.comprehensiveness.is_none())];
            comprehensiveness.extend(Comprehensiveness::ALL.into_iter().map(|level| {
                (
                    level.value().to_string(),
                    level_name(level),
                    p.comprehensiveness == Some(level),
                )
            }));
            let mut scope = vec![not_assessed(p.scope.is_none())];
            scope.extend(Scope::ALL.into_iter().map(|sc| {
                let name = catalog
                    .scope_meaning(sc)
                    .map(|m| m.name.clone())
                    .unwrap_or_default();
                (sc.token().to_string(), name, p.scope == Some(sc))
            }));
            let text = |v: &Option<Located<String>>| {
                v.as_ref().map(|l| l.value.clone()).unwrap_or_default()
            };
            Some(PracticeRow {
                id: p.id.clone(),
                name: item.practice.name.clone(),
                purpose: item.practice.purpose.trim().to_string(),
                target: target
                    .resolved
                    .practice(&p.id)
                    .map(|t| t.level())
                    .map(|l| format!("{} / {}", l.comprehensiveness.value(), l.scope.token()))
                    .unwrap_or_default(),
                comprehensiveness,
                scope,
                notes: p.notes.clone().unwrap_or_default(),
                evidence: p
                    .evidence
                    .iter()
                    .map(|e| EvidenceRow {
                        file: text(&e.file),
                        sha256: text(&e.sha256),
                        url: text(&e.url),
                        description: e.description.clone(),
                    })
                    .collect(),
                meanings: item
                    .practice
                    .levels
                    .iter()
                    .map(|l| (level_name(l.level.value), l.description.trim().to_string()))
                    .collect(),
                problem: problems.get(&p.id).cloned().unwrap_or_default(),
            })
        })
        .collect()
}

fn finding_rows(draft: &AssessmentDraft) -> Vec<FindingRow> {
    let text =
        |v: &Option<Located<String>>| v.as_ref().map(|l| l.value.clone()).unwrap_or_default();
    let mut rows: Vec<FindingRow> = draft
        .findings
        .iter()
        .map(|f| FindingRow {
            id: f.id.value.clone(),
            kind: token(&f.kind),
            severity: token(&f.severity),
            practice: text(&f.practice),
            cve: text(&f.cve),
            title: f.title.clone(),
            description: f.description.clone().unwrap_or_default(),
            recommendations: f
                .recommendations
                .iter()
                .map(|r| r.value.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            status: f.status.as_str().to_string(),
            reason: text(&f.reason),
        })
        .collect();
    rows.push(FindingRow {
        id: String::new(),
        kind: "nonconformity".to_string(),
        severity: "medium".to_string(),
        practice: String::new(),
        cve: String::new(),
        title: String::new(),
        description: String::new(),
        recommendations: String::new(),
        status: "open".to_string(),
        reason: String::new(),
    });
    rows
}

fn recommendation_rows(draft: &AssessmentDraft) -> Vec<RecommendationRow> {
    let mut rows: Vec<RecommendationRow> = draft
        .recommendations
        .iter()
        .map(|r| RecommendationRow {
            id: r.id.value.clone(),
            practice: r
                .practice
                .as_ref()
                .map(|p| p.value.clone())
                .unwrap_or_default(),
            text: r.text.clone(),
        })
        .collect();
    rows.push(RecommendationRow {
        id: String::new(),
        practice: String::new(),
        text: String::new(),
    });
    rows
}

/// The editor page for a draft.
async fn editor(
    state: &AppState,
    user: &PageUser,
    info: &SystemInfo,
    target: &documents::Target,
    draft: &AssessmentDraft,
    shown: Shown,
) -> Response {
    let page = EditorPage {
        nav: Some(user.nav(state, info.organization.0).await),
        csrf: user.csrf.clone(),
        action: shown.action,
        version: shown.version,
        system_id: info.id.0,
        system_name: info.name.clone(),
        target_id: target.stored.id.0,
        target_name: target.resolved.name.clone(),
        error: shown.error,
        errors: shown.problems,
        product: draft.product.name.clone(),
        product_version: draft.product.version.clone(),
        line: draft.product.line.clone().unwrap_or_default(),
        assessors: draft.assessors.join("\n"),
        date: draft.date.clone(),
        practice_ids: state
            .catalog
            .practices()
            .map(|p| (p.practice.id.as_str().to_string(), p.practice.name.clone()))
            .collect(),
        practices: practice_rows(&state.catalog, target, draft, &shown.practices),
        findings: finding_rows(draft),
        recommendations: recommendation_rows(draft),
    };
    render(&page)
}

/// A new assessment of a system against one of its targets: every practice not assessed.
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
    let product = Product {
        name: info.name.clone(),
        version: String::new(),
        line: None,
    };
    let draft = AssessmentDraft::new(
        &state.catalog,
        target_reference(&target),
        product,
        vec![user.caller.actor()],
        today(),
    );
    let action = format!("/systems/{id}/assessments/new?target={}", target_id.0);
    editor(
        &state,
        &user,
        &info,
        &target,
        &draft,
        Shown::fresh(action, 0),
    )
    .await
}

/// How a new assessment names its target: by the stored document and its content digest.
fn target_reference(target: &documents::Target) -> TargetReference {
    TargetReference {
        path: format!("target-{}.yaml", target.stored.id.0),
        sha256: Located::new(content_digest(&target.document)),
    }
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

/// The editor for an existing assessment, showing its stored levels.
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
    let draft = AssessmentDraft::from_assessment(&state.catalog, &current.document);
    let shown = Shown::fresh(format!("/documents/{id}/edit"), current.stored.version);
    editor(&state, &user, &info, &target, &draft, shown).await
}

/// What stops a draft from being saved: each problem, and why each practice that has one.
struct Refusal {
    problems: Vec<FieldProblem>,
    practices: HashMap<String, String>,
}

/// The draft as the YAML to store, or why it cannot be saved yet.
fn check(catalog: &Catalog, draft: &AssessmentDraft) -> Result<String, Refusal> {
    let mut refusal = Refusal {
        problems: Vec::new(),
        practices: HashMap::new(),
    };
    let assessment = match draft.build() {
        Ok(a) => a,
        Err(missing) => {
            for m in missing {
                let (anchor, label) = match &m {
                    Incomplete::ProductName => ("product".to_string(), "Product name".to_string()),
                    Incomplete::ProductVersion => (
                        "product_version".to_string(),
                        "Version assessed".to_string(),
                    ),
                    Incomplete::Date(_) => ("date".to_string(), "Date".to_string()),
                    Incomplete::NotAssessed { practice, .. } => {
                        refusal.practices.insert(practice.clone(), m.to_string());
                        let name = catalog
                            .practice(practice)
                            .map(|p| p.practice.name.clone())
                            .unwrap_or_else(|| practice.clone());
                        (format!("practice-{practice}"), name)
                    }
                };
                refusal
                    .problems
                    .push(FieldProblem::new(anchor, format!("{label}: {m}")));
            }
            return Err(refusal);
        }
    };
    let diagnostics = smm_core::current_profile(catalog, &assessment)
        .err()
        .map(|d| d.0)
        .unwrap_or_default();
    refusal.problems.extend(
        diagnostics
            .iter()
            .map(|d| FieldProblem::new("", d.to_string())),
    );
    if !refusal.problems.is_empty() {
        return Err(refusal);
    }
    assessment.to_yaml().map_err(|d| Refusal {
        problems: vec![FieldProblem::new("", d.to_string())],
        practices: HashMap::new(),
    })
}

/// The headline over a refused form.
fn refused_headline(practices: usize, total: usize) -> String {
    match practices {
        0 => "The assessment is not complete yet; nothing was saved:".to_string(),
        n => format!(
            "{n} of {total} practices are not assessed yet; nothing was saved. \
             Choose a comprehensiveness and a scope for each (0 None is an answer too):"
        ),
    }
}

/// The draft, or the problems already found, with the form's files stored first.
async fn decode(
    state: &AppState,
    user: &PageUser,
    info: &SystemInfo,
    form: &form::Submitted,
    target: TargetReference,
    follows: Option<smm_core::document::AssessmentReference>,
) -> Result<(AssessmentDraft, Vec<FieldProblem>), Problem> {
    let (files, mut problems) = form::store_files(state, user, info, form).await?;
    let (draft, decoded) = form::decode(&state.catalog, form, target, follows, files);
    problems.extend(decoded);
    Ok((draft, problems))
}

/// The form again, 422, with everything typed and each problem.
#[allow(clippy::too_many_arguments)]
async fn refuse(
    state: &AppState,
    user: &PageUser,
    info: &SystemInfo,
    target: &documents::Target,
    draft: &AssessmentDraft,
    action: String,
    version: i64,
    mut problems: Vec<FieldProblem>,
    refusal: Refusal,
) -> Response {
    problems.extend(refusal.problems);
    let shown = Shown {
        action,
        version,
        error: Some(refused_headline(
            refusal.practices.len(),
            draft.practices.len(),
        )),
        problems,
        practices: refusal.practices,
    };
    let mut r = editor(state, user, info, target, draft, shown).await;
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    r
}

/// The draft's text when it may be saved: no problem while decoding, and complete.
fn ready(
    catalog: &Catalog,
    draft: &AssessmentDraft,
    problems: &[FieldProblem],
) -> Result<String, Refusal> {
    let checked = check(catalog, draft);
    match checked {
        Ok(text) if problems.is_empty() => Ok(text),
        Ok(_) => Err(Refusal {
            problems: Vec::new(),
            practices: HashMap::new(),
        }),
        Err(refusal) => Err(refusal),
    }
}

/// Saves a new assessment.
pub async fn create(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<NewQuery>,
    multipart: Multipart,
) -> Response {
    let form = match form::read(multipart).await {
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
    let reference = target_reference(&target);
    let (draft, problems) = match decode(&state, &user, &info, &form, reference, None).await {
        Ok(d) => d,
        Err(p) => return page_error(p),
    };
    let text = match ready(&state.catalog, &draft, &problems) {
        Ok(text) => text,
        Err(refusal) => {
            return refuse(
                &state, &user, &info, &target, &draft, action, 0, problems, refusal,
            )
            .await
        }
    };
    match state
        .store
        .create_document(&user.caller.actor(), info.organization, info.id, &text)
        .await
    {
        Ok(stored) => {
            let done = Done::AssessmentSaved {
                version: stored.version,
            };
            Redirect::to(&done.on(&format!("/documents/{}/gap", stored.id.0))).into_response()
        }
        Err(e) => page_error(e.into()),
    }
}

/// Saves a new version of an assessment (refused, keeping the form, if someone saved one since).
pub async fn update(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(id): ApiPath<i64>,
    multipart: Multipart,
) -> Response {
    let form = match form::read(multipart).await {
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
    // A new version measures against the same target and follows the same assessment: the
    // form does not choose those.
    let (reference, follows) = (
        current.document.target.clone(),
        current.document.follows.clone(),
    );
    let (draft, problems) = match decode(&state, &user, &info, &form, reference, follows).await {
        Ok(d) => d,
        Err(p) => return page_error(p),
    };
    let text = match ready(&state.catalog, &draft, &problems) {
        Ok(text) => text,
        Err(refusal) => {
            return refuse(
                &state, &user, &info, &target, &draft, action, version, problems, refusal,
            )
            .await
        }
    };
    match state
        .store
        .update_document(&user.caller.actor(), org, DocumentId(id), version, &text)
        .await
    {
        Ok(stored) => {
            let done = Done::AssessmentSaved {
                version: stored.version,
            };
            Redirect::to(&done.on(&format!("/documents/{id}/gap"))).into_response()
        }
        Err(StoreError::Conflict { current, .. }) => {
            let message = format!(
                "Someone saved version {current} of this assessment while you were editing; nothing was overwritten. \
                 Your changes are still in the form below: open version {current} in another tab, merge, and save again."
            );
            let shown = Shown {
                error: Some(message),
                ..Shown::fresh(action, current)
            };
            let mut r = editor(&state, &user, &info, &target, &draft, shown).await;
            *r.status_mut() = StatusCode::CONFLICT;
            r
        }
        Err(e) => page_error(e.into()),
    }
}
