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
mod page;

use std::collections::HashMap;

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use smm_core::catalog::Catalog;
use smm_core::document::{AssessmentDraft, Incomplete, Product, TargetReference};
use smm_core::located::Located;
use smm_core::{content_digest, CheckError, CheckedDocument};
use smm_store::{DocumentId, DocumentKind, SystemInfo};

use self::form::FieldProblem;
use self::page::{editor, Shown};
use super::{Done, PageError, PageResult, PageUser};
use crate::access;
use crate::app::documents;
use crate::authz::Action;
use crate::extract::{ApiPath, ApiQuery};
use crate::problem::Problem;
use crate::state::{today, AppState};

/// Which target a new assessment measures against.
#[derive(serde::Deserialize)]
pub struct NewQuery {
    target: Option<i64>,
}

/// A new assessment of a system against one of its targets: every practice not assessed.
pub async fn new(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(query): ApiQuery<NewQuery>,
) -> PageResult {
    let (info, _) = access::system(&state, &user.caller, id, Action::WriteAssessment).await?;
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
        return Err(PageError::from(Problem::new(
            StatusCode::CONFLICT,
            "set a target profile first: an assessment measures against one",
        )));
    };
    let target = target_in(&state, &info, target_id).await?;
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
    Ok(editor(
        &state,
        &user,
        &info,
        &target,
        &draft,
        Shown::fresh(action, 0),
    )
    .await)
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
) -> PageResult {
    let (org, info, kind) =
        access::document(&state, &user.caller, id, Action::WriteAssessment).await?;
    if kind != DocumentKind::Assessment {
        return Err(PageError::from(Problem::bad_field(
            "id",
            format!(
                "this document is {}: only assessments are edited here (targets with the wizard)",
                documents::described(kind)
            ),
        )));
    }
    let current = documents::assessment(&state, org, DocumentId(id)).await?;
    let target = documents::target_of(&state, org, &current, None).await?;
    let draft = AssessmentDraft::from_assessment(&state.catalog, &current.document);
    let shown = Shown::fresh(format!("/documents/{id}/edit"), current.stored.version);
    Ok(editor(&state, &user, &info, &target, &draft, shown).await)
}

/// What stops a draft from being saved: each problem, and why each practice that has one.
struct Refusal {
    problems: Vec<FieldProblem>,
    practices: HashMap<String, String>,
}

/// The draft as the YAML to store, or why it cannot be saved yet.
fn check(catalog: &Catalog, draft: &AssessmentDraft) -> Result<CheckedDocument, Refusal> {
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
    // Checked as typed values and written out once: the store gets the text with its digest
    // and levels, and nothing parses it again.
    CheckedDocument::assessment(catalog, &assessment).map_err(|e| {
        let diagnostics = match e {
            CheckError::Invalid(d) => d.0,
            other => vec![smm_core::Diagnostic::new(
                Default::default(),
                "",
                other.to_string(),
            )],
        };
        refusal.problems.extend(
            diagnostics
                .iter()
                .map(|d| FieldProblem::new("", d.to_string())),
        );
        refusal
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

/// The draft, checked, when it may be saved: no problem while decoding, and complete.
fn ready(
    catalog: &Catalog,
    draft: &AssessmentDraft,
    problems: &[FieldProblem],
) -> Result<CheckedDocument, Refusal> {
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
) -> PageResult {
    let form = form::read(multipart).await?;
    user.check_csrf(&form.get("csrf"))?;
    let (info, _) = access::system(&state, &user.caller, id, Action::WriteAssessment).await?;
    let Some(target_id) = query.target else {
        return Err(PageError::from(Problem::bad_field(
            "target",
            "which target does this assessment measure against?",
        )));
    };
    let target = target_in(&state, &info, DocumentId(target_id)).await?;
    let action = format!("/systems/{id}/assessments/new?target={target_id}");
    let reference = target_reference(&target);
    let (draft, problems) = decode(&state, &user, &info, &form, reference, None).await?;
    let checked = match ready(&state.catalog, &draft, &problems) {
        Ok(checked) => checked,
        Err(refusal) => {
            return Ok(refuse(
                &state, &user, &info, &target, &draft, action, 0, problems, refusal,
            )
            .await);
        }
    };
    let stored = documents::create_checked(
        &state,
        &user.caller.actor(),
        info.organization,
        info.id,
        &checked,
    )
    .await?;
    let done = Done::AssessmentSaved {
        version: stored.version,
    };
    Ok(Redirect::to(&done.on(&format!("/documents/{}/gap", stored.id.0))).into_response())
}

/// Saves a new version of an assessment (refused, keeping the form, if someone saved one since).
pub async fn update(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(id): ApiPath<i64>,
    multipart: Multipart,
) -> PageResult {
    let form = form::read(multipart).await?;
    user.check_csrf(&form.get("csrf"))?;
    let (org, info, kind) =
        access::document(&state, &user.caller, id, Action::WriteAssessment).await?;
    if kind != DocumentKind::Assessment {
        return Err(PageError::from(Problem::bad_field(
            "id",
            format!(
                "this document is {}, not an assessment",
                documents::described(kind)
            ),
        )));
    }
    let current = documents::assessment(&state, org, DocumentId(id)).await?;
    let target = documents::target_of(&state, org, &current, None).await?;
    let version: i64 = form.get("version").parse().unwrap_or(0);
    let action = format!("/documents/{id}/edit");
    // A new version measures against the same target and follows the same assessment: the
    // form does not choose those.
    let (reference, follows) = (
        current.document.target.clone(),
        current.document.follows.clone(),
    );
    let (draft, problems) = decode(&state, &user, &info, &form, reference, follows).await?;
    let checked = match ready(&state.catalog, &draft, &problems) {
        Ok(checked) => checked,
        Err(refusal) => {
            return Ok(refuse(
                &state, &user, &info, &target, &draft, action, version, problems, refusal,
            )
            .await);
        }
    };
    let saved = documents::update_checked(
        &state,
        &user.caller.actor(),
        org,
        DocumentId(id),
        version,
        &checked,
    )
    .await;
    match saved {
        Ok(stored) => {
            let done = Done::AssessmentSaved {
                version: stored.version,
            };
            Ok(Redirect::to(&done.on(&format!("/documents/{id}/gap"))).into_response())
        }
        Err(documents::UpdateError::Conflict { current, .. }) => {
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
            Ok(r)
        }
        Err(e) => Err(PageError(e.into(), None)),
    }
}
