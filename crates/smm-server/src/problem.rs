//! Every error the API returns has one shape: RFC 9457 problem details
//! (`application/problem+json`), naming the field at fault where there is one.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use smm_core::Diagnostics;
use smm_store::StoreError;

/// What a 500 says: nothing about the server's insides.
pub const INTERNAL_DETAIL: &str =
    "the server failed to answer this request; the failure was logged";

/// A problem, as RFC 9457 describes it (boxed: handlers return it often, and small `Result`s
/// keep the happy path cheap).
#[derive(Clone, Debug)]
pub struct Problem(Box<ProblemDetails>);

impl std::ops::Deref for Problem {
    type Target = ProblemDetails;
    fn deref(&self) -> &ProblemDetails {
        &self.0
    }
}

impl std::ops::DerefMut for Problem {
    fn deref_mut(&mut self) -> &mut ProblemDetails {
        &mut self.0
    }
}

impl utoipa::PartialSchema for Problem {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        ProblemDetails::schema()
    }
}

impl ToSchema for Problem {
    fn name() -> std::borrow::Cow<'static, str> {
        "Problem".into()
    }

    // The schema refers to `FieldError`: without it in the document's components the reference
    // dangles, and clients (and the fuzz run) cannot check the `errors` of a 422.
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        schemas.push((
            FieldError::name().into(),
            <FieldError as utoipa::PartialSchema>::schema(),
        ));
        <ProblemDetails as ToSchema>::schemas(schemas);
    }
}

/// The fields of a problem.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ProblemDetails {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong this time, for a person.
    pub detail: String,
    /// The field (or header, or parameter) at fault, if one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Every problem found in a submitted document, each with its place.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Seconds to wait before trying again (rate limiting).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

/// One problem in a submitted document.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FieldError {
    /// Where: `line:column field` or a parameter name.
    pub pointer: String,
    /// What was expected.
    pub detail: String,
}

impl Problem {
    /// A problem with a status and detail; the type and title follow from the status.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Problem {
        let title = status.canonical_reason().unwrap_or("Error").to_string();
        let slug = title.to_lowercase().replace(' ', "-");
        Problem(Box::new(ProblemDetails {
            kind: format!("https://smm.invalid/problems/{slug}"),
            title,
            status: status.as_u16(),
            detail: detail.into(),
            field: None,
            errors: Vec::new(),
            retry_after: None,
        }))
    }

    /// 400, naming the field.
    pub fn bad_field(field: &str, detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::BAD_REQUEST, detail).with_field(field)
    }

    /// 404: absent, or not the caller's to see (the two are not told apart).
    pub fn not_found(what: impl Into<String>) -> Problem {
        Problem::new(StatusCode::NOT_FOUND, format!("{} not found", what.into()))
    }

    /// 403: visible to the caller, but not theirs to do.
    pub fn forbidden(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::FORBIDDEN, detail)
    }

    /// 401.
    pub fn unauthorized() -> Problem {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "sign in (POST /api/session) or send an API token as `Authorization: Bearer smm_…`",
        )
    }

    /// 500: the server failed. What failed goes to the log with `context`; the caller learns
    /// only that it was the server's fault, never the internal words.
    pub fn internal(context: &str, error: &dyn std::fmt::Display) -> Problem {
        tracing::error!(%context, error = %error, "internal error");
        Problem::new(StatusCode::INTERNAL_SERVER_ERROR, INTERNAL_DETAIL)
    }

    /// Names the field at fault.
    pub fn with_field(mut self, field: &str) -> Problem {
        self.field = Some(field.to_string());
        self
    }

    /// The HTTP status.
    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let mut details = *self.0;
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            // Whatever a handler wrote, a 500 tells the caller nothing about the server's
            // insides: the words go to the log.
            if details.detail != INTERNAL_DETAIL {
                tracing::error!(detail = %details.detail, "server error");
                details.detail = INTERNAL_DETAIL.to_string();
            }
            details.errors.clear();
            details.field = None;
        } else if status.is_server_error() {
            tracing::error!(detail = %details.detail, "server error");
        }
        let retry = details.retry_after;
        let body = serde_json::to_vec(&details).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(secs) = retry {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

impl From<StoreError> for Problem {
    fn from(e: StoreError) -> Problem {
        match e {
            StoreError::NotFound(what) => Problem::not_found(what),
            StoreError::Conflict { current, expected } => Problem::new(
                StatusCode::PRECONDITION_FAILED,
                format!(
                    "the document is at version {current}; your change was based on version \
                     {expected}: fetch version {current}, merge, and send it with If-Match: \"{current}\""
                ),
            )
            .with_field("If-Match"),
            StoreError::Invalid(detail) => Problem::new(StatusCode::UNPROCESSABLE_ENTITY, detail),
            StoreError::Exists(what) => {
                Problem::new(StatusCode::CONFLICT, format!("{what} already exists"))
            }
            StoreError::LastOwner => Problem::new(
                StatusCode::CONFLICT,
                "the change would leave the organization without an owner: make someone else owner first",
            ),
            StoreError::Unavailable(e) => {
                tracing::error!(error = %e, "database unavailable");
                let mut p = Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the database did not answer; try again",
                );
                p.retry_after = Some(1);
                p
            }
            StoreError::Database(e) => Problem::internal("database", &e),
            StoreError::Migration(e) => Problem::internal("database schema", &e),
            StoreError::Corrupt(what) => Problem::internal("stored data", &what),
            StoreError::File { source, .. } => Problem::internal("database file", &source),
        }
    }
}

impl From<Diagnostics> for Problem {
    fn from(diagnostics: Diagnostics) -> Problem {
        document_problem(&diagnostics)
    }
}

impl From<smm_core::gap::CatalogMismatch> for Problem {
    fn from(e: smm_core::gap::CatalogMismatch) -> Problem {
        Problem::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string())
    }
}

impl From<smm_core::compare::CatalogMismatch> for Problem {
    fn from(e: smm_core::compare::CatalogMismatch) -> Problem {
        Problem::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string())
    }
}

impl From<smm_core::trend::TrendError> for Problem {
    fn from(e: smm_core::trend::TrendError) -> Problem {
        Problem::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string())
    }
}

impl From<smm_core::roadmap::PlanError> for Problem {
    fn from(e: smm_core::roadmap::PlanError) -> Problem {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("cannot plan: {e}"),
        )
    }
}

impl From<smm_cert::CertError> for Problem {
    fn from(e: smm_cert::CertError) -> Problem {
        match e {
            smm_cert::CertError::Refused(reasons) => {
                let mut problem = Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!("not issued: {}", reasons.join("; ")),
                );
                problem.field = Some("assessments".to_string());
                problem.errors = reasons
                    .into_iter()
                    .map(|r| FieldError {
                        pointer: "assessments".to_string(),
                        detail: r,
                    })
                    .collect();
                problem
            }
            smm_cert::CertError::Invalid(m) => Problem::new(StatusCode::UNPROCESSABLE_ENTITY, m),
            // A key problem on the server is the server's, not the caller's.
            key @ smm_cert::CertError::Key(_) => Problem::internal("signing key", &key),
        }
    }
}

/// The most problems of one document an answer lists.
pub const MAX_LISTED_PROBLEMS: usize = 50;

/// A 422 for a document the core refused, with its located problems (the first
/// [`MAX_LISTED_PROBLEMS`], and how many more there are).
pub fn document_problem(diagnostics: &Diagnostics) -> Problem {
    // A hostile document can hold tens of thousands of mistakes: the first ones, in source order,
    // are what a person fixes first, and the answer stays small.
    let listed = Diagnostics(
        diagnostics
            .0
            .iter()
            .take(MAX_LISTED_PROBLEMS)
            .cloned()
            .collect(),
    );
    let more = diagnostics.0.len().saturating_sub(MAX_LISTED_PROBLEMS);
    let detail = if more == 0 {
        listed.to_string()
    } else {
        format!("{listed}\n… and {more} more problems: fix these first and send it again")
    };
    let mut problem = Problem::new(StatusCode::UNPROCESSABLE_ENTITY, detail);
    problem.errors = listed
        .0
        .iter()
        .map(|d| FieldError {
            pointer: if d.at.is_known() {
                format!("{}:{} {}", d.at.line, d.at.column, d.field)
                    .trim_end()
                    .to_string()
            } else {
                d.field.clone()
            },
            detail: match &d.help {
                Some(help) => format!("{} ({help})", d.message),
                None => d.message.clone(),
            },
        })
        .collect();
    // The field's name when the core knows it, otherwise its place in the text.
    problem.field = diagnostics.0.first().and_then(|d| {
        if !d.field.is_empty() {
            Some(d.field.clone())
        } else if d.at.is_known() {
            Some(format!("{}:{}", d.at.line, d.at.column))
        } else {
            None
        }
    });
    problem
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::to_bytes;

    async fn body_of(problem: Problem) -> (StatusCode, String) {
        let response = problem.into_response();
        let status = response.status();
        let bytes = to_bytes(response.into_body(), 1 << 20).await.expect("body");
        (status, String::from_utf8(bytes.to_vec()).expect("UTF-8"))
    }

    #[tokio::test]
    async fn a_server_error_tells_the_caller_nothing_of_the_servers_insides() {
        let mut problem = Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "error returned from database: disk I/O error at /var/lib/smm/smm.db",
        )
        .with_field("secret_column");
        problem.errors.push(FieldError {
            pointer: "internal".to_string(),
            detail: "stack".to_string(),
        });
        let (status, body) = body_of(problem).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(body.contains(INTERNAL_DETAIL), "{body}");
        for leak in ["/var/lib", "disk I/O", "secret_column", "stack"] {
            assert!(!body.contains(leak), "{leak} leaked: {body}");
        }
    }

    #[tokio::test]
    async fn a_database_that_cannot_answer_is_worth_a_retry_and_a_broken_rule_is_not() {
        let (status, _) = body_of(StoreError::Unavailable(sqlx::Error::PoolTimedOut).into()).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        let (status, body) = body_of(StoreError::Database(sqlx::Error::RowNotFound).into()).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!body.contains("no rows"), "{body}");
        let (status, _) = body_of(StoreError::Exists("system `a`".into()).into()).await;
        assert_eq!(status, StatusCode::CONFLICT);
    }

    #[tokio::test]
    async fn a_refused_certificate_lists_every_reason() {
        let (status, body) =
            body_of(smm_cert::CertError::Refused(vec!["one".into(), "two".into()]).into()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let json: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(json["errors"].as_array().map(Vec::len), Some(2));
        assert_eq!(json["field"], "assessments");
    }
}
