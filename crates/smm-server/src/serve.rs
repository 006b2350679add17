//! Putting the server together: routes, limits, request ids and logs, and a graceful stop.

use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnFailure, DefaultOnResponse, TraceLayer};

use smm_core::actions::ActionCatalog;
use smm_core::Catalog;
use smm_store::{Store, StoreError};

use crate::app::schemes::Schemes;
use crate::cache::GapCache;
use crate::connections::ConnectionLimits;
use crate::database_lock::DatabaseLock;
use crate::keyring::{Keyring, KeyringError};
use crate::problem::Problem;
use crate::state::{AppState, OnFirstUse};

/// The largest request body, except evidence uploads.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// How the server runs.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where to listen.
    pub listen: SocketAddr,
    /// `sqlite://…` or `postgres://…`.
    pub database_url: String,
    /// The secret organizations' private signing keys are sealed under (32 bytes; created with
    /// mode 0600 if missing). Servers sharing a database must share it.
    pub keys_secret: PathBuf,
    /// Mark cookies `Secure` (the server is reached over HTTPS).
    pub secure_cookies: bool,
    /// Reverse proxies whose `X-Forwarded-For` names the client (for the login throttle).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Certification schemes to issue under besides the built-in one; the first is the default.
    pub schemes: Vec<smm_core::scheme::Scheme>,
    /// The catalog documents are checked against. The `smm` command passes the one it prepared
    /// at build time, the same it checked `mappings` against, so a start parses no catalog YAML.
    pub catalog: Catalog,
    /// Mappings of standards besides (or replacing) the built-in ones.
    pub mappings: Vec<smm_core::mapping::Mapping>,
    /// How many connections at once, and how long each may take.
    pub connections: ConnectionLimits,
    /// The transparency log's name (its origin, by convention a URL without its scheme, e.g.
    /// `smm.example.com/log`); when not given, the log already kept in the database, or a new
    /// one with a generated name.
    pub log_origin: Option<String>,
    /// How often the audit log is checked and, when it grew, a checkpoint of it signed
    /// ([`crate::audit_watch`]); `None`: only when someone asks.
    pub audit_checkpoint_every: Option<Duration>,
    /// An OpenID Connect provider people may sign in through.
    pub oidc: Option<crate::oidc::OidcConfig>,
}

/// Why the server could not start, or stopped other than when asked.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Serving failed after it started (the listener broke, or the server task panicked).
    #[error("the server stopped: {0}")]
    Failed(String),
    /// The database.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// The sign-in provider's configuration cannot be used.
    #[error("the OpenID Connect provider: {0}")]
    Oidc(String),
    /// The keys secret cannot be read or made.
    #[error("{0}")]
    Keyring(#[from] crate::keyring::KeyringError),
    /// The keys secret does not open the signing keys kept in the database.
    #[error(
        "{path}: this keys secret does not open signing key {keyid} kept in the database. \
         Servers sharing a database must share one keys secret: give the file the other servers \
         use (--keys-secret, SMM_KEYS_SECRET_FILE)"
    )]
    WrongKeysSecret {
        /// The secret file given.
        path: PathBuf,
        /// The first key it does not open.
        keyid: String,
    },
    /// There is no keys secret, but the database holds keys sealed under one.
    #[error(
        "{path}: no keys secret here, but the database holds {keys} signing key(s) sealed under \
         one. Servers sharing a database must share one keys secret: give the file the other \
         servers use (--keys-secret, SMM_KEYS_SECRET_FILE)"
    )]
    MissingKeysSecret {
        /// The secret file expected.
        path: PathBuf,
        /// How many keys are sealed.
        keys: usize,
    },
    /// Two schemes share an id.
    #[error("{0}")]
    Schemes(#[from] crate::app::schemes::DuplicateScheme),
    /// Two mappings share a standard id.
    #[error("{0}")]
    Standards(#[from] crate::app::standards::DuplicateStandard),
    /// Another server already serves this SQLite database.
    #[error(
        "another smm server{} is already serving the SQLite database {} (it holds the lock \
         on {}). Stop it first, or give this server its own --data-dir or --database-url: \
         servers can share a PostgreSQL database, never an SQLite file",
        pid.map(|pid| format!(" (process {pid})")).unwrap_or_default(),
        database.display(),
        lock.display()
    )]
    AlreadyServed {
        /// The database file.
        database: PathBuf,
        /// The lock file beside it.
        lock: PathBuf,
        /// The other server's process id, if it wrote it in time.
        pid: Option<u32>,
    },
    /// The lock file cannot be made or locked.
    #[error("{}: cannot take the server lock of the database: {source}", path.display())]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The address.
    #[error("cannot listen on {address}: {source}")]
    Listen {
        /// The address.
        address: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// Request ids: a per-process random prefix and a counter, cheap and unique enough to find one
/// request in the logs of several servers.
#[derive(Clone)]
struct RequestIds {
    prefix: Arc<str>,
    next: Arc<AtomicU64>,
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&format!("{}-{n}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

fn panic_problem(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    Problem::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "the server failed on this request; it is logged with its request id",
    )
    .into_response()
}

async fn not_found() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "no such endpoint: the API is described at /api/openapi.json",
    )
}

async fn method_not_allowed() -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "this endpoint does not take that method (see /api/openapi.json)",
    )
}

async fn openapi_json() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        crate::openapi::document(),
    )
        .into_response()
}

/// The API's routes with every layer, over a state.
pub fn router(state: AppState) -> Router {
    let prefix: String = smm_store::session::random_hex()[..8].to_string();
    let ids = RequestIds {
        prefix: prefix.into(),
        next: Arc::new(AtomicU64::new(1)),
    };
    let (api, _) = crate::openapi::api();
    Router::new()
        .route("/api/openapi.json", get(openapi_json))
        .merge(api)
        .merge(crate::web::routes(state.clone()))
        .merge(crate::tiles::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(crate::origin::same_origin))
        .with_state(state.clone())
        .layer(CatchPanicLayer::custom(panic_problem))
        // Nothing is kept by a browser or a proxy unless its route says it may be (the public
        // catalog, styles, the issuers document): answers hold documents, tokens, CSRF tokens.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            strict_transport,
        ))
        .layer(axum::middleware::map_request_with_state(
            state,
            crate::client::drop_untrusted_forwarded_proto,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(
            TraceLayer::new_for_http()
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO))
                .on_failure(DefaultOnFailure::new().level(tracing::Level::WARN))
                .make_span_with(|request: &Request| {
                    let id = request
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!(
                        "request",
                        request_id = %id,
                        method = %request.method(),
                        path = %request.uri().path(),
                    )
                }),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID, ids))
        .layer(axum::middleware::map_request(drop_odd_request_id))
}

/// Tells browsers to come back only over HTTPS, when the server knows it is reached over it
/// (`--secure-cookies`, or a proxy's `X-Forwarded-Proto: https`). Over plain HTTP browsers
/// ignore the header, so it is not sent.
async fn strict_transport(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: Request,
    next: axum::middleware::Next,
) -> Response {
    let tls = crate::client::is_tls(request.headers(), &state);
    let mut response = next.run(request).await;
    if tls {
        response.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

/// Keeps a request id a proxy in front gave only when it is short and plain (letters, digits,
/// `.`, `_`, `:`, `-`); any other is dropped, so the server gives its own instead of writing a
/// client's text into every log line of the request.
async fn drop_odd_request_id(mut request: Request) -> Request {
    let plain = |v: &HeaderValue| {
        let b = v.as_bytes();
        (1..=64).contains(&b.len())
            && b.iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b':' | b'-'))
    };
    let headers = request.headers_mut();
    let all_plain = headers.get_all(REQUEST_ID).iter().count() == 1
        && headers.get(REQUEST_ID).is_some_and(plain);
    if !all_plain {
        headers.remove(REQUEST_ID);
    }
    request
}

/// The state for a configuration: opens the store (running migrations) and loads the key.
pub async fn state(config: &Config) -> Result<AppState, ServeError> {
    let store = Store::open(&config.database_url).await?;
    let keyring = open_keyring(&store, &config.keys_secret).await?;
    // One copy of the catalog, shared by the state and the tables read from it on first use.
    let catalog = Arc::new(config.catalog.clone());
    let filled = crate::app::documents::fill_in_levels(&store, &catalog).await?;
    if filled > 0 {
        tracing::info!(
            versions = filled,
            "kept the levels of versions stored before they were"
        );
    }
    let actions = {
        let catalog = Arc::clone(&catalog);
        OnFirstUse::new(move || ActionCatalog::builtin(&catalog))
    };
    let log =
        crate::app::transparency::open(&store, &keyring, config.log_origin.as_deref()).await?;
    let standards =
        crate::app::standards::Standards::new(Arc::clone(&catalog), config.mappings.clone())?;
    let simulations = crate::app::risk::Simulations::for_this_machine(Arc::clone(&catalog));
    Ok(AppState {
        store: Arc::new(store),
        catalog,
        actions: Arc::new(actions),
        schemes: Arc::new(Schemes::new(config.schemes.clone())?),
        standards: Arc::new(standards),
        revocations: Arc::default(),
        secure_cookies: config.secure_cookies,
        trusted_proxies: config.trusted_proxies.clone().into(),
        gaps: Arc::new(GapCache::default()),
        simulations: Arc::new(simulations),
        audit: Arc::default(),
        keyring: Arc::new(keyring),
        issuers: Arc::default(),
        log: Arc::new(log),
        oidc: oidc(config)?,
    })
}

/// The configured sign-in provider. Its discovery is left to the first sign-in, so a provider
/// that is down does not keep the server (and API tokens) from working.
fn oidc(config: &Config) -> Result<Option<Arc<crate::oidc::Oidc>>, ServeError> {
    let Some(oidc) = &config.oidc else {
        return Ok(None);
    };
    for org in oidc.managed_organizations() {
        tracing::info!(organization = %org, "memberships here follow the sign-in provider's groups");
    }
    Ok(Some(Arc::new(
        crate::oidc::Oidc::new(oidc.clone()).map_err(ServeError::Oidc)?,
    )))
}

/// Reads (or creates) the keys secret and checks that it opens every signing key the store
/// holds: a server given another server's secret refuses to start instead of failing at its
/// first signature.
pub async fn open_keyring(store: &Store, path: &Path) -> Result<Keyring, ServeError> {
    let sealed = store.sealed_signing_keys().await?;
    let log_keys = store.sealed_log_keys().await?;
    // A new secret would open none of them: say so, and leave no useless secret behind.
    let any_sealed = !sealed.is_empty() || !log_keys.is_empty();
    if any_sealed && !path.exists() {
        return Err(ServeError::MissingKeysSecret {
            path: path.to_path_buf(),
            keys: sealed.len() + log_keys.len(),
        });
    }
    let keyring = Keyring::load_or_create(path)?;
    let wrong = |keyid: String| ServeError::WrongKeysSecret {
        path: path.to_path_buf(),
        keyid,
    };
    match keyring.check(&sealed) {
        Ok(()) => {}
        Err(KeyringError::Sealed { keyid }) => return Err(wrong(keyid)),
        Err(other) => return Err(other.into()),
    }
    // The transparency log's key is sealed the same way (see `app::transparency`).
    for (keyid, sealed) in &log_keys {
        if keyring.open(sealed, keyid).is_err() {
            return Err(wrong(keyid.clone()));
        }
    }
    Ok(keyring)
}

/// Runs the server until `shutdown` completes, then finishes the requests in flight (up to 30
/// seconds) and closes the database. `ready` is told the address once listening.
///
/// On an SQLite database the server first takes the file's server lock ([`DatabaseLock`]), held
/// until it returns: a second server on the same file refuses to start.
pub async fn run(
    config: Config,
    ready: impl FnOnce(SocketAddr),
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let _lock = match smm_store::sqlite_file(&config.database_url) {
        Some(database) => Some(DatabaseLock::acquire(&database)?),
        None => None,
    };
    let state = state(&config).await?;
    let store = state.store.clone();
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| ServeError::Listen {
            address: config.listen,
            source,
        })?;
    let address = listener.local_addr().map_err(|source| ServeError::Listen {
        address: config.listen,
        source,
    })?;
    ready(address);
    // The built-in mappings, actions and risk effects, left out of the start, are read now off
    // the request threads, so the first request that needs them does not wait.
    let (standards, actions, simulations) = (
        state.standards.clone(),
        state.actions.clone(),
        state.simulations.clone(),
    );
    tokio::task::spawn_blocking(move || {
        standards.all();
        actions.get();
        simulations.effects().get();
    });
    tracing::info!(%address, database = %redact(&config.database_url), "listening");
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let signer = config.audit_checkpoint_every.map(|every| {
        let (watch, store, log) = (state.audit.clone(), state.store.clone(), state.log.clone());
        tokio::spawn(async move { watch.keep_signing(&store, &log, every).await })
    });
    let mut server = tokio::spawn(crate::connections::serve(
        listener,
        router(state),
        config.connections,
        stopped,
    ));
    let outcome = tokio::select! {
        ended = &mut server => Err(ServeError::Failed(match ended {
            Ok(()) => "the server stopped accepting connections".to_string(),
            Err(e) => format!("the server task failed: {e}"),
        })),
        () = shutdown => {
            tracing::info!("stopping: finishing requests in flight");
            let _ = stop.send(true);
            // Requests in flight get 30 seconds once the stop is asked for.
            match tokio::time::timeout(Duration::from_secs(30), &mut server).await {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) => Err(ServeError::Failed(format!("the server task failed: {e}"))),
                Err(_) => {
                    tracing::warn!("requests still running after 30 s: stopping anyway");
                    server.abort();
                    Ok(())
                }
            }
        }
    };
    if let Some(signer) = signer {
        signer.abort();
    }
    store.close().await;
    match &outcome {
        Ok(()) => tracing::info!("stopped"),
        Err(e) => tracing::error!(error = %e, "stopped on a failure"),
    }
    outcome
}

/// A database URL without its password, for logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}
