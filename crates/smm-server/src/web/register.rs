//! The public register's page and its Atom feed: no sign-in, nothing but what each
//! attestation's public page already shows. The page works as a plain form (GET), so a search
//! is a link anyone can keep, share or follow as a feed.

use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use smm_store::{RegisterEntry, RegisterStatus};

use super::{render, urlencode, Nav, PageResult};
use crate::app::register::{self as app, kind_label, status_label, urn, Asked, Event};
use crate::extract::ApiQuery;
use crate::problem::Problem;
use crate::state::AppState;

/// How long a browser or proxy may keep the page and the feed: a new attestation or a
/// revocation shows within a minute on the page; feed readers poll far less often anyway.
const PAGE_CACHE: &str = "public, max-age=60";
const FEED_CACHE: &str = "public, max-age=300";

/// A result row.
struct Row {
    certificate: bool,
    kind: &'static str,
    href: String,
    line: Option<String>,
    products: String,
    vendor: String,
    issuer: String,
    status: &'static str,
    status_detail: Option<String>,
    issued: String,
    valid_until: String,
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    nav: Option<Nav>,
    error: Option<String>,
    vendor: String,
    product: String,
    line: String,
    issuer: String,
    kind: String,
    status: String,
    kinds: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
    rows: Vec<Row>,
    next: Option<String>,
    feed: String,
}

/// The products of an attestation in words: `Gateway G1 1.0, 1.1; Meter 2`.
fn products(entry: &RegisterEntry) -> String {
    let mut grouped: Vec<(&str, Vec<&str>)> = Vec::new();
    for (name, version) in &entry.products {
        match grouped.iter_mut().find(|(n, _)| n == name) {
            Some((_, versions)) => versions.push(version),
            None => grouped.push((name, vec![version])),
        }
    }
    grouped
        .iter()
        .map(|(name, versions)| format!("{name} {}", versions.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}

/// What the status line adds: the day it changed, or what supersedes it.
fn status_detail(entry: &RegisterEntry) -> Option<String> {
    match entry.status {
        RegisterStatus::Revoked => entry
            .revoked_at
            .as_deref()
            .map(|at| format!("on {}", at.get(..10).unwrap_or(at))),
        RegisterStatus::Superseded => entry
            .superseded_by
            .as_deref()
            .map(|s| format!("by {}", s.get(..8).unwrap_or(s))),
        RegisterStatus::Expired => Some(format!("after {}", entry.valid_until)),
        _ => None,
    }
}

/// The query string of a search's filters (with its kind, status and page size when
/// `with_choices`, and `after` when given), for links.
fn query_string(asked: &Asked, after: Option<&str>, with_choices: bool) -> String {
    let mut pairs = Vec::new();
    let named = [
        ("vendor", &asked.vendor),
        ("product", &asked.product),
        ("line", &asked.line),
        ("issuer", &asked.issuer),
    ];
    let choices = [
        ("kind", &asked.kind),
        ("status", &asked.status),
        ("limit", &asked.limit),
    ];
    let chosen = if with_choices { &choices[..] } else { &[] };
    for (name, value) in named.iter().chain(chosen) {
        if let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            pairs.push(format!("{name}={}", urlencode(v)));
        }
    }
    if let Some(after) = after {
        pairs.push(format!("after={}", urlencode(after)));
    }
    if pairs.is_empty() {
        String::new()
    } else {
        format!("?{}", pairs.join("&"))
    }
}

/// The query string of the feed that follows a search: its name filters and kind (a feed
/// reports every status, so it takes neither status nor page).
fn feed_query(asked: &Asked) -> String {
    let filters = query_string(asked, None, false);
    match asked
        .kind
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
    {
        Some(k) if filters.is_empty() => format!("?kind={}", urlencode(k)),
        Some(k) => format!("{filters}&kind={}", urlencode(k)),
        None => filters,
    }
}

fn row(entry: RegisterEntry) -> Row {
    Row {
        certificate: entry.kind == "certificate",
        kind: kind_label(&entry.kind),
        href: app::attestation_href(&entry.serial),
        products: products(&entry),
        status: status_label(entry.status),
        status_detail: status_detail(&entry),
        line: entry.product_line,
        vendor: entry.vendor,
        issuer: entry.issuer,
        issued: entry.issued,
        valid_until: entry.valid_until,
    }
}

/// `GET /register`: the search form and a page of results.
pub async fn page(State(state): State<AppState>, ApiQuery(asked): ApiQuery<Asked>) -> PageResult {
    let text = |v: &Option<String>| v.as_deref().unwrap_or_default().trim().to_string();
    let (rows, next, error, status) = match app::search(&state, &asked).await {
        Ok(found) => (
            found.entries.into_iter().map(row).collect(),
            found
                .next_after
                .map(|after| format!("/register{}", query_string(&asked, Some(&after), true))),
            None,
            StatusCode::OK,
        ),
        Err(problem) if problem.status_code() == StatusCode::BAD_REQUEST => (
            Vec::new(),
            None,
            Some(problem.detail.clone()),
            StatusCode::BAD_REQUEST,
        ),
        Err(problem) => return Err(problem.into()),
    };
    let mut statuses = vec![("", "Any")];
    statuses.extend(
        RegisterStatus::ALL
            .iter()
            .map(|s| (s.as_str(), status_label(*s))),
    );
    let mut response = render(&RegisterPage {
        nav: None,
        error,
        vendor: text(&asked.vendor),
        product: text(&asked.product),
        line: text(&asked.line),
        issuer: text(&asked.issuer),
        kind: text(&asked.kind),
        status: text(&asked.status),
        kinds: vec![
            ("", "Any"),
            ("certificate", kind_label("certificate")),
            ("declaration", kind_label("declaration")),
        ],
        statuses,
        rows,
        next,
        feed: format!("/register/feed.atom{}", feed_query(&asked)),
    });
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(PAGE_CACHE));
    Ok(response)
}

/// A feed entry.
struct FeedEntry {
    id: String,
    title: String,
    updated: String,
    href: String,
    summary: String,
}

#[derive(Template)]
#[template(path = "register_feed.xml", escape = "html")]
struct Feed {
    id: String,
    title: String,
    updated: String,
    self_href: String,
    page_href: String,
    entries: Vec<FeedEntry>,
}

/// Text as XML 1.0 may carry it: characters it cannot hold at all (most control characters)
/// are left out; the template escapes the rest.
fn xml_text(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .collect()
}

fn feed_entry(event: Event, at: String, entry: &RegisterEntry) -> FeedEntry {
    let kind = kind_label(&entry.kind);
    let products = products(entry);
    let (what, id) = match event {
        Event::Issued => ("issued", format!("smm attestation {}", entry.serial)),
        Event::Revoked => ("revoked", format!("smm revocation {}", entry.serial)),
    };
    let line = entry
        .product_line
        .as_deref()
        .map(|l| format!(" (product line {l})"))
        .unwrap_or_default();
    FeedEntry {
        id: urn(&id),
        title: xml_text(&format!("{kind} {what}: {products}")),
        updated: at,
        href: app::attestation_href(&entry.serial),
        summary: xml_text(&match event {
            Event::Issued => format!(
                "{kind} for {products}{line} of {}, by {}, valid {} to {}. Serial {}.",
                entry.vendor, entry.issuer, entry.issued, entry.valid_until, entry.serial
            ),
            Event::Revoked => format!(
                "{kind} for {products}{line} of {}, by {}, was revoked by its issuer. Serial {}.",
                entry.vendor, entry.issuer, entry.serial
            ),
        }),
    }
}

/// `GET /register/feed.atom`: an Atom 1.0 feed (RFC 4287) of the newest attestations and
/// revocations matching the filters (vendor, product, line, issuer, kind), newest first.
pub async fn feed(
    State(state): State<AppState>,
    ApiQuery(asked): ApiQuery<Asked>,
) -> Result<Response, Problem> {
    let events = app::events(&state, &asked).await?;
    let kind = asked
        .kind
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty());
    let mut described: Vec<String> = [
        ("vendor", &asked.vendor),
        ("product", &asked.product),
        ("product line", &asked.line),
        ("issuer", &asked.issuer),
    ]
    .iter()
    .filter_map(|(name, value)| {
        let value = value.as_deref()?.trim();
        (!value.is_empty()).then(|| format!("{name} {value}…"))
    })
    .collect();
    if let Some(kind) = kind {
        described.push(format!("{}s only", kind_label(kind).to_lowercase()));
    }
    let title = if described.is_empty() {
        "Public register: every attestation and revocation".to_string()
    } else {
        format!("Public register: {}", described.join(", "))
    };
    let with_kind = feed_query(&asked);
    let entries: Vec<FeedEntry> = events
        .into_iter()
        .map(|(event, at, entry)| feed_entry(event, at, &entry))
        .collect();
    let updated = entries
        .first()
        .map(|e| e.updated.clone())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string());
    let body = Feed {
        id: urn(&format!("smm register feed {with_kind}")),
        title: xml_text(&title),
        updated,
        self_href: format!("/register/feed.atom{with_kind}"),
        page_href: format!("/register{with_kind}"),
        entries,
    }
    .render()
    .map_err(|e| Problem::internal("the feed", &e))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/atom+xml; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static(FEED_CACHE)),
        ],
        body,
    )
        .into_response())
}
