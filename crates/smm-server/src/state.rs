//! What every request handler shares: the store, the catalog, the server's signing key and the
//! secret organizations' keys are sealed under. Nothing else lives in memory but caches that
//! check the store before they answer, so any number of servers can run against one PostgreSQL.

use std::sync::{Arc, OnceLock};
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
    pub actions: Arc<OnFirstUse<ActionCatalog>>,
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

/// A built-in table read from its YAML on first use instead of at start: the start does not wait
/// for the milliseconds of parsing that only some requests need (the action catalog's 64 kB took
/// about 4 ms of a 40 ms start), and the server reads it off the request threads as soon as it
/// listens (`serve::run_server`), so the first request that needs it does not wait either.
pub struct OnFirstUse<T> {
    make: Box<dyn Fn() -> T + Send + Sync>,
    value: OnceLock<T>,
}

impl<T> OnFirstUse<T> {
    /// The table `make` reads, once, when first asked for.
    pub fn new(make: impl Fn() -> T + Send + Sync + 'static) -> Self {
        OnFirstUse {
            make: Box::new(make),
            value: OnceLock::new(),
        }
    }

    /// The table, read now if it was not yet.
    pub fn get(&self) -> &T {
        self.value.get_or_init(|| (self.make)())
    }
}

/// The table if it was read, without reading it.
impl<T: std::fmt::Debug> std::fmt::Debug for OnFirstUse<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.value.get() {
            Some(value) => value.fmt(f),
            None => f.write_str("(not read yet)"),
        }
    }
}

impl<T> std::ops::Deref for OnFirstUse<T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.get()
    }
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use super::OnFirstUse;

    #[test]
    fn a_table_on_first_use_is_read_when_first_asked_for_and_only_then() {
        let reads = Arc::new(AtomicUsize::new(0));
        let counted = reads.clone();
        let table = Arc::new(OnFirstUse::new(move || {
            counted.fetch_add(1, Ordering::SeqCst);
            vec![1, 2, 3]
        }));
        assert_eq!(reads.load(Ordering::SeqCst), 0, "not read at start");
        let askers: Vec<_> = (0..4)
            .map(|_| {
                let table = table.clone();
                std::thread::spawn(move || table.get().len())
            })
            .collect();
        for asker in askers {
            assert_eq!(asker.join().expect("asker"), 3);
        }
        assert_eq!(table.iter().sum::<i32>(), 6, "read through Deref");
        assert_eq!(
            reads.load(Ordering::SeqCst),
            1,
            "read once, however many ask"
        );
    }
}
