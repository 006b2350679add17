//! Axum's extractors, with their rejections turned into problem details that name the part of
//! the request at fault (instead of axum's plain-text bodies).

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::problem::Problem;
use crate::state::AppState;

/// A path parameter (or tuple of them).
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = Problem;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|e| Problem::new(StatusCode::NOT_FOUND, e.body_text()).with_field("path"))
    }
}

/// Query parameters.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Problem;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e| {
                let text = e.body_text();
                // serde names an unknown field in backquotes; a bad value comes as `name: why`.
                let field = text
                    .split('`')
                    .nth(1)
                    .or_else(|| {
                        text.split_once("query string: ")
                            .and_then(|(_, rest)| rest.split_once(':'))
                            .map(|(name, _)| name.trim())
                    })
                    .unwrap_or("query")
                    .to_string();
                Problem::bad_field(&field, text)
            })
    }
}

/// A JSON body, sent as `application/json`.
///
/// The media type is required, not only the syntax: a page on another site can make a browser
/// post `text/plain` anywhere without asking, but sending `application/json` across origins
/// needs the server's consent (a CORS preflight, which this server never grants). So no other
/// site can sign a visitor in to an account of its choosing, or use their session.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;
    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        if !is_json(req.headers()) {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send the body as JSON, with Content-Type: application/json",
            )
            .with_field("Content-Type"));
        }
        let bytes = body(req, state).await?;
        ApiJson::parse(&bytes)
    }
}

/// Whether the request says its body is JSON (`application/json`, or a `+json` type).
fn is_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .is_some_and(|v| {
            v == "application/json" || (v.starts_with("application/") && v.ends_with("+json"))
        })
}

impl<T: DeserializeOwned> ApiJson<T> {
    /// Reads a JSON body already taken from the request.
    ///
    /// Every body the API takes is a JSON object. serde would also read a struct from an array
    /// of its fields in order (`[null]` for `{"private_key": null}`), which the API document
    /// does not allow, so anything but an object is refused here, for every body at once.
    pub fn parse(bytes: &[u8]) -> Result<ApiJson<T>, Problem> {
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(Problem::bad_field(
                "body",
                "the JSON body must be an object (`{...}`)",
            ));
        }
        serde_json::from_slice(bytes).map(ApiJson).map_err(|e| {
            let mut p = Problem::new(
                StatusCode::BAD_REQUEST,
                format!("the JSON body is not what was expected: {e}"),
            );
            p.field = Some(json_field(&e.to_string()).unwrap_or_else(|| "body".to_string()));
            p
        })
    }
}

/// serde_json names an unknown or missing field in backquotes.
fn json_field(message: &str) -> Option<String> {
    message.split('`').nth(1).map(str::to_string)
}

/// A document body: YAML or JSON text, as the CLI reads it.
pub struct DocumentText(pub String);

impl<S: Send + Sync> FromRequest<S> for DocumentText {
    type Rejection = Problem;
    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        let bytes = body(req, state).await?;
        String::from_utf8(bytes.to_vec())
            .map(DocumentText)
            .map_err(|_| Problem::bad_field("body", "the document is not UTF-8 text"))
    }
}

/// The raw body, with the size limit's rejection as a problem.
pub async fn body<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, Problem> {
    Bytes::from_request(req, state).await.map_err(|e| {
        let status = e.status();
        let detail = if status == StatusCode::PAYLOAD_TOO_LARGE {
            "the body is larger than this endpoint accepts".to_string()
        } else {
            e.body_text()
        };
        Problem::new(status, detail).with_field("body")
    })
}

/// The client's address (see [`crate::client`]), when the server was started with connection
/// info (tests that call the router directly have none).
pub struct RemoteAddr(pub Option<std::net::IpAddr>);

impl FromRequestParts<AppState> for RemoteAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(RemoteAddr(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| {
                    crate::client::client_address(c.0.ip(), &parts.headers, &state.trusted_proxies)
                }),
        ))
    }
}
