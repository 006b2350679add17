//! What every request handler shares: the store, the catalog, the server's signing key and the
//! secret organizations' keys are sealed under. Nothing else lives in memory but caches that
//! check the store before they answer, so any number of servers can run against one PostgreSQL.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use smm_core::actions::ActionCatalog;
use smm_core::Catalog;
use smm_store::Store;

/// Shared by all handlers.
#[derive(Clone)]
pub struct AppState {
    /// The store.
    pub store: Arc<Store>,
    /// The catalog documents are checked against.
    pub catalog: Arc<Catalog>,
    /// The improvement actions roadmaps are planned from.
    pub actions: Arc<ActionCatalog>,
    /// Each issuer's signed revocation list, as last built.
    pub revocations: Arc<crate::app::certificates::RevocationCache>,
    /// The certification schemes attestations are issued under.
    pub schemes: Arc<crate::app::schemes::Schemes>,
    /// The standards profiles can be read in.
    pub standards: Arc<crate::app::standards::Standards>,
    /// Whether session cookies carry `Secure` (the server is reached over TLS).
    pub secure_cookies: bool,
    /// Reverse proxies believed about the client address they forward (`X-Forwarded-For`).
    pub trusted_proxies: Arc<[ipnet::IpNet]>,
    /// Gaps already computed, by assessment content digest.
    pub gaps: Arc<crate::cache::GapCache>,
    /// Risk simulations: how many may run at once, and the figures of those that ran.
    pub simulations: Arc<crate::app::risk::Simulations>,
    /// The last full check of the audit log's chain, for the audit page.
    pub audit: Arc<crate::audit_watch::AuditWatch>,
    /// The secret organizations' private signing keys are sealed under.
    pub keyring: Arc<crate::keyring::Keyring>,
    /// The published issuers document, kept until the store says the issuers changed.
    pub issuers: Arc<crate::app::keys::IssuersCache>,
    /// The transparency log: its key, origin and latest checkpoint.
    pub log: Arc<crate::app::transparency::TransparencyLog>,
    /// The OpenID Connect provider people may sign in through, when one is configured.
    pub oidc: Option<Arc<crate::oidc::Oidc>>,
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Today (UTC).
pub fn today_date() -> smm_core::document::Date {
    let days = unix_now().div_euclid(86_400);
    smm_core::document::Date::parse(&smm_core::calendar::date_of_day(days))
        .unwrap_or_else(|| unreachable!("the clock is within years 0-9999"))
}

/// Now, as an RFC 3339 timestamp to the second (UTC).
pub fn now_rfc3339() -> String {
    let secs = unix_now();
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = smm_core::calendar::civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Today, as `YYYY-MM-DD` (UTC).
pub fn today() -> String {
    let (y, m, d) = smm_core::calendar::civil_from_days(unix_now().div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}
