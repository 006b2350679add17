//! `smm serve`: the server, with its data directory, logs and signals.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use smm_server::{run as run_server, Config};

use crate::failure::{Failure, Problem};

/// The command's arguments.
pub struct Args<'a> {
    /// Where to listen.
    pub listen: SocketAddr,
    /// Data directory.
    pub data_dir: &'a Path,
    /// Database URL, instead of the data directory's SQLite file.
    pub database_url: Option<&'a str>,
    /// The secret organizations' signing keys are sealed under.
    pub keys_secret: Option<&'a Path>,
    /// Secure cookies.
    pub secure_cookies: bool,
    /// Reverse proxies believed about the client's address.
    pub trusted_proxies: &'a [smm_server::IpNet],
    /// Scheme files, the default first.
    pub schemes: &'a [PathBuf],
    /// Mapping files of standards.
    pub mappings: &'a [PathBuf],
    /// The transparency log's origin.
    pub log_origin: Option<&'a str>,
    /// Seconds between checks and checkpoints of the audit log (0: never unasked).
    pub audit_checkpoint_every: u64,
    /// An OpenID Connect provider's configuration (`kind: OidcProvider`).
    pub oidc: Option<&'a Path>,
    /// JSON logs.
    pub log_json: bool,
    /// How many connections at once, and how long each may take.
    pub connections: smm_server::ConnectionLimits,
}

/// How long an idle thread of the blocking pool (argon2's password checks, file writes) waits
/// for more work before it ends: two seconds instead of tokio's ten.
///
/// A password check takes argon2's 19 MiB on such a thread. The allocator (mimalloc) gives what
/// a thread freed back to the system once its purge delay (one second) has passed and the
/// thread allocates again or ends; an idle server's threads do neither until they end. With
/// ten seconds every sign-in kept 20 MiB for ten seconds; now for two (docs/performance.md,
/// "Start and memory after session 20"). The wait must stay above the purge delay: a thread
/// that ends earlier leaves its memory to be given back at the next allocation.
const BLOCKING_THREAD_KEEP_ALIVE: std::time::Duration = std::time::Duration::from_secs(2);

/// Runs the server until SIGTERM or Ctrl-C.
pub fn run(args: &Args<'_>) -> Result<(), Failure> {
    let filter = tracing_subscriber::EnvFilter::try_from_env("SMM_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none());
    // A second init (tests in one process) is harmless: keep the first.
    let _ = if args.log_json {
        logs.json().try_init()
    } else {
        logs.fmt_fields(smm_server::logs::fields()).try_init()
    };
    // Read before anything is created: a scheme that does not validate stops the start.
    let schemes = args
        .schemes
        .iter()
        .map(|path| super::cert::load_scheme(Some(path)))
        .collect::<Result<Vec<_>, _>>()?;
    let catalog = crate::input::builtin_catalog();
    let mappings = args
        .mappings
        .iter()
        .map(|path| super::map::load_mapping_file(&catalog, path))
        .collect::<Result<Vec<_>, _>>()?;
    let database_url = match args.database_url {
        Some(url) => url.to_string(),
        None => {
            smm_store::create_private_dir(args.data_dir).map_err(|e| {
                Problem::file(
                    args.data_dir,
                    format!("cannot create the data directory: {e}"),
                )
            })?;
            format!("sqlite://{}", args.data_dir.join("smm.db").display())
        }
    };
    let keys_secret: PathBuf = match args.keys_secret {
        Some(k) => k.to_path_buf(),
        None => args.data_dir.join("keys.secret"),
    };
    let config = Config {
        listen: args.listen,
        database_url,
        keys_secret,
        secure_cookies: args.secure_cookies,
        trusted_proxies: args.trusted_proxies.to_vec(),
        schemes,
        catalog,
        mappings,
        connections: args.connections,
        log_origin: args.log_origin.map(str::to_string),
        audit_checkpoint_every: (args.audit_checkpoint_every > 0)
            .then(|| std::time::Duration::from_secs(args.audit_checkpoint_every)),
        oidc: args
            .oidc
            .map(|path| {
                smm_server::oidc::OidcConfig::load(path)
                    .map_err(|reason| Failure::from(Problem::file(path, reason)))
            })
            .transpose()?,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_keep_alive(BLOCKING_THREAD_KEEP_ALIVE)
        .build()
        .map_err(|e| Problem::file(args.data_dir, format!("cannot start: {e}")))?;
    runtime
        .block_on(async {
            // Listening for the signals before the server says it listens: a SIGTERM sent as
            // soon as it does still stops it gracefully, instead of killing it.
            let stop = stop_signal();
            run_server(
                config.clone(),
                |address| {
                    // Tests and scripts read this line to find the port.
                    println!("smm serve: listening on http://{address}");
                },
                stop,
            )
            .await
        })
        .map_err(|e| {
            let place = config
                .database_url
                .strip_prefix("sqlite://")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("--database-url"));
            Failure::from(Problem::file(&place, e.to_string()))
        })
}

/// Completes on SIGTERM or Ctrl-C. The handlers are installed when this is called, not when the
/// future is first polled; called within the runtime.
#[cfg(unix)]
fn stop_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    use tokio::signal::unix::{signal, Signal, SignalKind};
    async fn received(signal: Option<Signal>) {
        match signal {
            Some(mut signal) => {
                signal.recv().await;
            }
            None => std::future::pending::<()>().await,
        }
    }
    let term = signal(SignalKind::terminate()).ok();
    let interrupt = signal(SignalKind::interrupt()).ok();
    async move {
        tokio::select! {
            () = received(term) => {},
            () = received(interrupt) => {},
        }
    }
}

/// Completes on Ctrl-C.
#[cfg(not(unix))]
fn stop_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}
