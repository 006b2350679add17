//! The public register: anyone, signed in or not, searches the attestations this server issued
//! by vendor, product, product line and issuer, sees how each stands today, and follows a
//! search as an Atom feed of new attestations and revocations. The API, the page and the feed
//! all come through here, with the same checks of what is asked and the store's one status
//! rule (`smm_store::register`).
//!
//! It shows only what the public page of each attestation shows: the signed statement's names
//! and dates, the vendor (the organization owning the attested products, from the store, as the
//! statement does not name it), and the status. Nothing of drafts, documents or evidence is in
//! the register's tables at all.

use smm_store::{RegisterEntry, RegisterQuery, RegisterStatus};

use crate::app::certificates::is_serial;
use crate::problem::Problem;
use crate::state::{today, AppState};

/// The longest name a filter may give (longer ones match nothing the server would keep, and
/// only cost work).
pub const MAX_FILTER_CHARS: usize = 100;
/// Results per page when not asked.
pub const DEFAULT_LIMIT: i64 = 20;
/// The most results on one page.
pub const MAX_LIMIT: i64 = 100;
/// The most entries in a feed.
pub const FEED_ENTRIES: i64 = 50;

/// What was asked, as received (from the API's query, the page's form or the feed's link):
/// every field optional, empty meaning absent.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct Asked {
    /// The vendor's name starts with this (case-insensitive; at most 100 characters).
    pub vendor: Option<String>,
    /// A covered product's name starts with this.
    pub product: Option<String>,
    /// The product line's name starts with this.
    pub line: Option<String>,
    /// The issuer's name (a certification body, or the vendor for its own declaration)
    /// starts with this.
    pub issuer: Option<String>,
    /// `certificate` or `declaration`.
    pub kind: Option<String>,
    /// `valid`, `not-yet-valid`, `expired`, `revoked` or `superseded`.
    pub status: Option<String>,
    /// The serial of the last attestation of the previous page (its `next_after`).
    pub after: Option<String>,
    /// At most this many (1 to 100; 20 if not given).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
}

/// A limit that is not a number from 1 to [`MAX_LIMIT`].
pub fn bad_limit() -> Problem {
    Problem::bad_field("limit", format!("limit is a number from 1 to {MAX_LIMIT}"))
}

/// A filter's text: trimmed, absent when empty, refused when too long or holding control
/// characters (no name the server keeps has them).
fn filter(value: Option<&String>, field: &str) -> Result<Option<String>, Problem> {
    let Some(text) = value.map(|v| v.trim()).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > MAX_FILTER_CHARS {
        return Err(Problem::bad_field(
            field,
            format!("{field} is longer than {MAX_FILTER_CHARS} characters"),
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(Problem::bad_field(
            field,
            format!("{field} holds a control character"),
        ));
    }
    Ok(Some(text.to_string()))
}

fn non_empty(value: Option<&String>) -> Option<&str> {
    value.map(|v| v.trim()).filter(|v| !v.is_empty())
}

/// The store's query for what was asked, every field checked; `after` names an attestation
/// of the register by its serial.
pub async fn query(state: &AppState, asked: &Asked) -> Result<RegisterQuery, Problem> {
    let kind = match non_empty(asked.kind.as_ref()) {
        None => None,
        Some(k @ ("certificate" | "declaration")) => Some(k.to_string()),
        Some(_) => {
            return Err(Problem::bad_field(
                "kind",
                "kind is `certificate` or `declaration`",
            ))
        }
    };
    let status = match non_empty(asked.status.as_ref()) {
        None => None,
        Some(word) => Some(RegisterStatus::parse(word).ok_or_else(|| {
            let words: Vec<&str> = RegisterStatus::ALL.iter().map(|s| s.as_str()).collect();
            Problem::bad_field("status", format!("status is one of {}", words.join(", ")))
        })?),
    };
    let limit = match non_empty(asked.limit.as_ref()) {
        None => DEFAULT_LIMIT,
        Some(text) => text
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(bad_limit)?,
    };
    let before = match non_empty(asked.after.as_ref()) {
        None => None,
        Some(serial) => {
            let refused = || {
                Problem::bad_field(
                    "after",
                    "after is the serial of an attestation in the register (the previous \
                     page's next_after)",
                )
            };
            if !is_serial(serial) {
                return Err(refused());
            }
            Some(
                state
                    .store
                    .register_position(&serial.to_ascii_lowercase())
                    .await?
                    .ok_or_else(refused)?,
            )
        }
    };
    Ok(RegisterQuery {
        vendor: filter(asked.vendor.as_ref(), "vendor")?,
        product: filter(asked.product.as_ref(), "product")?,
        line: filter(asked.line.as_ref(), "line")?,
        issuer: filter(asked.issuer.as_ref(), "issuer")?,
        kind,
        status,
        before,
        limit,
    })
}

/// A page of the register.
pub struct Found {
    /// The attestations, newest first.
    pub entries: Vec<RegisterEntry>,
    /// The serial to ask `after` for the next page; none on the last.
    pub next_after: Option<String>,
}

/// Searches the register.
pub async fn search(state: &AppState, asked: &Asked) -> Result<Found, Problem> {
    let mut query = query(state, asked).await?;
    let limit = query.limit;
    // One more than asked tells whether another page follows.
    query.limit += 1;
    let mut entries = state.store.register_search(&query, &today()).await?;
    let more = i64::try_from(entries.len()).unwrap_or(i64::MAX) > limit;
    entries.truncate(usize::try_from(limit).unwrap_or(0));
    let next_after = more
        .then(|| entries.last().map(|e| e.serial.clone()))
        .flatten();
    Ok(Found {
        entries,
        next_after,
    })
}

/// What happened to an attestation, as a feed reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// It was issued (signed and stored).
    Issued,
    /// It was revoked.
    Revoked,
}

/// The newest events of attestations matching `asked` (its status, page and limit are not
/// taken: a feed follows everything its filters match), newest first, at most
/// [`FEED_ENTRIES`].
pub async fn events(
    state: &AppState,
    asked: &Asked,
) -> Result<Vec<(Event, String, RegisterEntry)>, Problem> {
    let filters = Asked {
        status: None,
        after: None,
        limit: None,
        ..asked.clone()
    };
    let query = query(state, &filters).await?.with_limit(FEED_ENTRIES);
    let today = today();
    let issued = state.store.register_search(&query, &today).await?;
    let revoked = state.store.register_revocations(&query, &today).await?;
    let mut events: Vec<(Event, String, RegisterEntry)> = issued
        .into_iter()
        .map(|e| (Event::Issued, e.stored_at.clone(), e))
        .chain(revoked.into_iter().filter_map(|e| {
            let at = e.revoked_at.clone()?;
            Some((Event::Revoked, at, e))
        }))
        .collect();
    events.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.id.cmp(&a.2.id)));
    events.truncate(usize::try_from(FEED_ENTRIES).unwrap_or(0));
    Ok(events)
}

/// The label of a kind, never confusable: a certificate is a third party's, a declaration the
/// supplier's own.
pub fn kind_label(kind: &str) -> &'static str {
    use smm_core::scheme::AttestationKind;
    if kind == "declaration" {
        AttestationKind::Declaration.label()
    } else {
        AttestationKind::Certificate.label()
    }
}

/// The public page of the attestation with this serial.
pub fn attestation_href(serial: &str) -> String {
    format!("/attestations/{serial}")
}

/// A status in words.
pub fn status_label(status: RegisterStatus) -> &'static str {
    match status {
        RegisterStatus::Valid => "Valid",
        RegisterStatus::NotYetValid => "Not valid yet",
        RegisterStatus::Expired => "Expired",
        RegisterStatus::Revoked => "Revoked",
        RegisterStatus::Superseded => "Superseded",
    }
}

/// A stable, opaque identifier (an RFC 9562 version 8 UUID as a URN) for `what`: what an
/// Atom feed needs as the permanent id of an entry or of the feed itself, without the server
/// having to know the address it is reached at.
pub fn urn(what: &str) -> String {
    let hex = smm_core::digest::sha256_hex(what.as_bytes());
    let mut chars: Vec<char> = hex.chars().take(32).collect();
    chars[12] = '8';
    chars[16] = match chars[16] {
        '0' | '4' | '8' | 'c' => '8',
        '1' | '5' | '9' | 'd' => '9',
        '2' | '6' | 'a' | 'e' => 'a',
        _ => 'b',
    };
    let s: String = chars.into_iter().collect();
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &s[..8],
        &s[8..12],
        &s[12..16],
        &s[16..20],
        &s[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_urn_is_a_version_8_uuid_and_stable() {
        let a = urn("attestation 0123");
        assert_eq!(a, urn("attestation 0123"));
        assert_ne!(a, urn("revocation 0123"));
        let uuid = a.strip_prefix("urn:uuid:").expect("a uuid urn");
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "8");
        assert!(matches!(&uuid[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn a_filter_is_trimmed_bounded_and_free_of_control_characters() {
        let long = "x".repeat(MAX_FILTER_CHARS + 1);
        assert!(filter(Some(&long), "vendor").is_err());
        assert!(filter(Some(&"é".repeat(MAX_FILTER_CHARS)), "vendor").is_ok());
        assert!(filter(Some(&"a\u{0}b".to_string()), "vendor").is_err());
        assert_eq!(filter(Some(&"  ".to_string()), "vendor").ok(), Some(None));
        assert_eq!(
            filter(Some(&" Acme ".to_string()), "vendor").ok(),
            Some(Some("Acme".to_string()))
        );
    }
}
