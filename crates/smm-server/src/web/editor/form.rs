//! The editor's form, decoded: the multipart body read once, its evidence files stored first,
//! then every other field turned into an [`AssessmentDraft`].
//!
//! Files are stored before anything else is looked at, so a form refused for any other reason
//! (a practice not assessed, a wrong date) comes back with the files attached by their digest
//! and a corrected resubmission cites them without uploading them again.

use std::collections::HashMap;

use axum::extract::Multipart;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use smm_core::catalog::Catalog;
use smm_core::document::{
    AssessmentDraft, AssessmentReference, Date, Evidence, Finding, FindingStatus, Method, Product,
    Recommendation, TargetReference,
};
use smm_core::located::Located;
use smm_core::{Comprehensiveness, Scope};
use smm_store::SystemInfo;

use crate::app::evidence;
use crate::problem::Problem;
use crate::state::AppState;
use crate::web::PageUser;

/// Largest upload through the editor (the evidence store's own limit).
const MAX_FILE: usize = smm_store::MAX_EVIDENCE_BYTES;

/// A file sent with the form.
struct Upload {
    file: String,
    content_type: String,
    bytes: Vec<u8>,
}

/// The form's text fields and uploaded files, by field name.
pub struct Submitted {
    fields: HashMap<String, String>,
    files: HashMap<String, Upload>,
}

/// A problem with one field of the form, shown above it with a link to the place to fix it.
pub struct FieldProblem {
    /// The element to jump to (`practice-patch-management`), or "" for none.
    pub anchor: String,
    /// What is wrong and what is expected.
    pub text: String,
}

impl FieldProblem {
    pub fn new(anchor: impl Into<String>, text: impl Into<String>) -> Self {
        FieldProblem {
            anchor: anchor.into(),
            text: text.into(),
        }
    }
}

/// Reads the whole multipart body (a file over the size limit refuses the form).
pub async fn read(mut multipart: Multipart) -> Result<Submitted, Problem> {
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
                    let upload = Upload {
                        file: base_name(&file),
                        content_type,
                        bytes: bytes.to_vec(),
                    };
                    out.files.insert(name, upload);
                }
            }
            _ => {
                let text = String::from_utf8(bytes.to_vec())
                    .map_err(|_| Problem::bad_field(&name, "expected UTF-8 text"))?;
                out.fields.insert(name, text);
            }
        }
    }
    Ok(out)
}

/// The file's own name: some browsers send the whole path it was picked from.
fn base_name(file: &str) -> String {
    file.rsplit(['/', '\\']).next().unwrap_or(file).to_string()
}

impl Submitted {
    /// A text field, trimmed, with the browser's CRLF line ends as LF; "" when absent.
    pub fn get(&self, name: &str) -> String {
        self.fields
            .get(name)
            .map(|v| v.replace("\r\n", "\n").trim().to_string())
            .unwrap_or_default()
    }

    fn optional(&self, name: &str) -> Option<String> {
        Some(self.get(name)).filter(|v| !v.is_empty())
    }

    fn has(&self, name: &str) -> bool {
        self.fields.contains_key(name)
    }
}

/// Stores every evidence file of the form in the evidence store (content-addressed, linked to
/// the system) and returns the evidence entries per practice id, and a problem per file the store
/// refused.
pub async fn store_files(
    state: &AppState,
    user: &PageUser,
    info: &SystemInfo,
    form: &Submitted,
) -> Result<(HashMap<String, Evidence>, Vec<FieldProblem>), Problem> {
    let mut stored = HashMap::new();
    let mut problems = Vec::new();
    for id in state.catalog.practice_ids() {
        let Some(upload) = form.files.get(&format!("p.{id}.new.file")) else {
            continue;
        };
        let put = evidence::upload(
            state,
            &user.caller,
            info.id.0,
            &upload.content_type,
            &upload.bytes,
        )
        .await;
        match put {
            Ok(evidence::Stored { sha256, .. }) => {
                let description = form
                    .optional(&format!("p.{id}.new.description"))
                    .unwrap_or_else(|| upload.file.clone());
                let evidence = Evidence {
                    file: Some(Located::new(upload.file.clone())),
                    sha256: Some(Located::new(sha256)),
                    url: None,
                    description,
                };
                stored.insert(id.to_string(), evidence);
            }
            // A file the evidence rules refuse is named on the form; the rest is kept.
            Err(refused) if refused.status == 422 => problems.push(FieldProblem::new(
                format!("f-{id}"),
                format!(
                    "{}: {}; the file was not attached",
                    upload.file, refused.detail
                ),
            )),
            Err(other) => return Err(other),
        }
    }
    Ok((stored, problems))
}

/// What the form says, as a draft, with a problem for every value that is not one the form
/// offers (the value is left out). `target` and `follows` come from the caller: a form does
/// not choose what it measures against.
pub fn decode(
    catalog: &Catalog,
    form: &Submitted,
    target: TargetReference,
    follows: Option<AssessmentReference>,
    mut files: HashMap<String, Evidence>,
) -> (AssessmentDraft, Vec<FieldProblem>) {
    let mut problems = Vec::new();
    let product = Product {
        name: form.get("product"),
        version: form.get("product_version"),
        line: form.optional("line"),
    };
    let assessors = form
        .get("assessors")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    let mut draft = AssessmentDraft::new(catalog, target, product, assessors, form.get("date"));
    draft.follows = follows;
    draft.methods = Method::ALL
        .into_iter()
        .filter(|m| form.get(&format!("method.{}", m.as_str())) == "yes")
        .collect();
    for practice in &mut draft.practices {
        let id = practice.id.clone();
        let anchor = format!("practice-{id}");
        let c = form.get(&format!("p.{id}.c"));
        practice.comprehensiveness = match c.as_str() {
            "" => None,
            text => Comprehensiveness::parse(text).or_else(|| {
                problems.push(FieldProblem::new(
                    &anchor,
                    format!("p.{id}.c: `{text}` is not a comprehensiveness: expected 0 to 4"),
                ));
                None
            }),
        };
        let s = form.get(&format!("p.{id}.s"));
        practice.scope = match s.as_str() {
            "" => None,
            text => Scope::parse(text).or_else(|| {
                problems.push(FieldProblem::new(
                    &anchor,
                    format!(
                        "p.{id}.s: `{text}` is not a scope: expected general, industry or system"
                    ),
                ));
                None
            }),
        };
        practice.notes = form.optional(&format!("p.{id}.notes"));
        practice.evidence = kept_evidence(form, &id);
        let url = form.optional(&format!("p.{id}.new.url"));
        if let Some(url) = url {
            let description = form
                .optional(&format!("p.{id}.new.description"))
                .unwrap_or_else(|| url.clone());
            practice.evidence.push(Evidence {
                file: None,
                sha256: None,
                url: Some(Located::new(url)),
                description,
            });
        }
        // The same file uploaded again (after a refusal, say) is cited once.
        if let Some(file) = files.remove(&id) {
            if !practice.evidence.iter().any(|e| e.sha256 == file.sha256) {
                practice.evidence.push(file);
            }
        }
    }
    draft.findings = findings(form, &mut problems);
    draft.recommendations = recommendations(form);
    (draft, problems)
}

/// The evidence already attached to a practice, less what the person ticked to remove.
fn kept_evidence(form: &Submitted, id: &str) -> Vec<Evidence> {
    let mut kept = Vec::new();
    let mut i = 0;
    while form.has(&format!("p.{id}.e.{i}.description")) {
        let key = |part: &str| format!("p.{id}.e.{i}.{part}");
        if form.get(&key("remove")).is_empty() {
            kept.push(Evidence {
                file: form.optional(&key("file")).map(Located::new),
                sha256: form.optional(&key("sha256")).map(Located::new),
                url: form.optional(&key("url")).map(Located::new),
                description: form.get(&key("description")),
            });
        }
        i += 1;
    }
    kept
}

/// One of a document's words (`vulnerability`, `high`) as its type, by the document format's
/// own spelling.
fn document_word<T: DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(text.to_string())).ok()
}

/// A select's value as the document word it stands for, or a problem naming the field.
fn word<T: DeserializeOwned>(
    form: &Submitted,
    field: &str,
    expected: &str,
    anchor: &str,
    problems: &mut Vec<FieldProblem>,
) -> Option<T> {
    let text = form.get(field);
    let value = document_word(&text);
    if value.is_none() {
        problems.push(FieldProblem::new(
            anchor,
            format!("{field}: `{text}` is not one of the choices: expected {expected}"),
        ));
    }
    value
}

fn findings(form: &Submitted, problems: &mut Vec<FieldProblem>) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut i = 0;
    while form.has(&format!("f.{i}.id")) {
        let n = i;
        i += 1;
        let key = |part: &str| format!("f.{n}.{part}");
        let id = form.get(&key("id"));
        let title = form.get(&key("title"));
        if id.is_empty() && title.is_empty() {
            continue;
        }
        let anchor = format!("fid-{n}");
        let kind = word(
            form,
            &key("kind"),
            "nonconformity or vulnerability",
            &anchor,
            problems,
        );
        let severity = word(
            form,
            &key("severity"),
            "info, low, medium, high or critical",
            &anchor,
            problems,
        );
        let status = match form.get(&key("status")).as_str() {
            "" => Some(FindingStatus::Open),
            _ => word(
                form,
                &key("status"),
                "open, resolved or accepted",
                &anchor,
                problems,
            ),
        };
        let (Some(kind), Some(severity), Some(status)) = (kind, severity, status) else {
            continue;
        };
        out.push(Finding {
            id: Located::new(id.clone()),
            kind,
            practice: form.optional(&key("practice")).map(Located::new),
            severity,
            cve: form.optional(&key("cve")).map(Located::new),
            title,
            description: form.optional(&key("description")),
            recommendations: form
                .get(&key("recommendations"))
                .split([',', ' ', '\n'])
                .filter(|r| !r.is_empty())
                .map(|r| Located::new(r.to_string()))
                .collect(),
            status,
            reason: form.optional(&key("reason")).map(Located::new),
            closed: match form.optional(&key("closed")) {
                None => None,
                Some(text) => match Date::parse(text.trim()) {
                    Some(date) => Some(Located::new(date)),
                    None => {
                        problems.push(FieldProblem::new(
                            anchor.clone(),
                            format!("finding {id}: `{text}` is not a date: expected YYYY-MM-DD"),
                        ));
                        None
                    }
                },
            },
        });
    }
    out
}

fn recommendations(form: &Submitted) -> Vec<Recommendation> {
    let mut out = Vec::new();
    let mut i = 0;
    while form.has(&format!("r.{i}.id")) {
        let id = form.get(&format!("r.{i}.id"));
        let text = form.get(&format!("r.{i}.text"));
        if !(id.is_empty() && text.is_empty()) {
            out.push(Recommendation {
                id: Located::new(id),
                practice: form.optional(&format!("r.{i}.practice")).map(Located::new),
                text,
            });
        }
        i += 1;
    }
    out
}
