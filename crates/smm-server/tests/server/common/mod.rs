//! The server in-process for tests: a fresh database (SQLite in a temporary directory, or a
//! fresh schema-less database on the PostgreSQL that scripts/test starts), the real router, and
//! requests sent through it without a socket.
#![allow(dead_code)]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use tower::ServiceExt;

use smm_server::{AppState, Config};
use smm_store::{OrganizationId, Role, Store};

/// The repository root.
pub fn repo() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// An example file's text.
pub fn example(path: &str) -> String {
    std::fs::read_to_string(repo().join("examples").join(path)).expect("example file")
}

/// Which database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// A temporary SQLite file.
    Sqlite,
    /// A fresh database on the test PostgreSQL.
    Postgres,
}

/// A server under test.
pub struct App {
    pub state: AppState,
    pub router: Router,
    pub dir: tempfile::TempDir,
    /// How the server was started (a second server on the same database starts from it).
    pub config: Config,
}

/// An answer.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {} {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).to_string()
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }
}

/// The PostgreSQL URL for tests, or `None` (a failure under CI=true: scripts/test provides one).
pub fn postgres_base() -> Option<String> {
    match std::env::var("SMM_TEST_POSTGRES_URL") {
        Ok(url) => Some(url),
        Err(_) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true but SMM_TEST_POSTGRES_URL is not set: scripts/test provisions PostgreSQL"
            );
            eprintln!(
                "note: SMM_TEST_POSTGRES_URL not set; run scripts/test for the PostgreSQL half"
            );
            None
        }
    }
}

/// A fresh, empty database on the test PostgreSQL: its URL.
pub async fn fresh_postgres_database() -> Option<String> {
    let base = postgres_base()?;
    sqlx::any::install_default_drivers();
    let name = format!("smm_srv_{}", &smm_store::session::random_hex()[..12]);
    let admin = sqlx::AnyPool::connect(&base)
        .await
        .expect("connect to test PostgreSQL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .expect("create test database");
    admin.close().await;
    let (prefix, _) = base.rsplit_once('/').expect("URL with a database");
    Some(format!("{prefix}/{name}"))
}

/// A configuration for a server on a new SQLite database in `dir`, listening on a free loopback
/// port.
pub fn sqlite_config(dir: &std::path::Path) -> Config {
    Config {
        listen: "127.0.0.1:0".parse().expect("address"),
        database_url: format!("sqlite://{}", dir.join("smm.db").display()),
        keys_secret: dir.join("keys.secret"),
        secure_cookies: false,
        trusted_proxies: Vec::new(),
        schemes: Vec::new(),
        catalog: smm_core::Catalog::builtin(),
        mappings: Vec::new(),
        connections: smm_server::ConnectionLimits::default(),
        log_origin: None,
        audit_checkpoint_every: None,
        oidc: None,
    }
}

/// The real server, run by `smm_server::run` in this process and listening on loopback, for
/// what only exists with sockets: connections, their limits and timeouts, the server lock.
pub struct Listening {
    /// Where it listens.
    pub address: std::net::SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<Result<(), smm_server::ServeError>>,
}

impl Listening {
    /// Runs a server with `config` and waits until it listens; its error if it does not start.
    pub async fn run(config: Config) -> Result<Listening, smm_server::ServeError> {
        let (listening, address) = tokio::sync::oneshot::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let mut task = tokio::spawn(smm_server::run(
            config,
            move |address| {
                let _ = listening.send(address);
            },
            async move {
                let _ = stopped.await;
            },
        ));
        match address.await {
            Ok(address) => Ok(Listening {
                address,
                stop: Some(stop),
                task,
            }),
            // It ended without listening: its error says why.
            Err(_) => match (&mut task).await.expect("the server task") {
                Err(e) => Err(e),
                Ok(()) => panic!("the server stopped before it listened"),
            },
        }
    }

    /// Asks the server to stop, as SIGTERM does, and waits for it to finish.
    pub async fn stop(mut self) -> Result<(), smm_server::ServeError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.task).await.expect("the server task")
    }
}

impl Drop for Listening {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl App {
    /// A server on a fresh database; `None` when PostgreSQL is asked for but not available
    /// outside CI.
    pub async fn start(backend: Backend) -> Option<App> {
        App::start_behind(backend, Vec::new()).await
    }

    /// A server started with `--trusted-proxy` for each of `proxies`.
    pub async fn start_behind(backend: Backend, proxies: Vec<smm_server::IpNet>) -> Option<App> {
        App::start_with(backend, |config| config.trusted_proxies = proxies).await
    }

    /// A server on a fresh database, started with the default configuration changed by `change`.
    pub async fn start_with(backend: Backend, change: impl FnOnce(&mut Config)) -> Option<App> {
        let dir = tempfile::tempdir().expect("temp dir");
        let database_url = match backend {
            Backend::Sqlite => format!("sqlite://{}", dir.path().join("smm.db").display()),
            Backend::Postgres => fresh_postgres_database().await?,
        };
        let config = Config {
            listen: "127.0.0.1:0".parse().expect("address"),
            database_url,
            keys_secret: dir.path().join("keys.secret"),
            secure_cookies: false,
            trusted_proxies: Vec::new(),
            schemes: Vec::new(),
            catalog: smm_core::Catalog::builtin(),
            mappings: Vec::new(),
            connections: smm_server::ConnectionLimits::default(),
            log_origin: None,
            audit_checkpoint_every: None,
            oidc: None,
        };
        let mut config = config;
        change(&mut config);
        let state = smm_server::serve::state(&config)
            .await
            .expect("server state");
        let router = smm_server::router(state.clone());
        Some(App {
            state,
            router,
            dir,
            config,
        })
    }

    /// Another server on the same database, started with `config` changed by `change`.
    pub async fn beside(
        &self,
        change: impl FnOnce(&mut Config),
    ) -> Result<App, smm_server::ServeError> {
        let mut config = self.config.clone();
        change(&mut config);
        let state = smm_server::serve::state(&config).await?;
        let router = smm_server::router(state.clone());
        Ok(App {
            state,
            router,
            dir: tempfile::tempdir().expect("temp dir"),
            config,
        })
    }

    /// A vendor with the OTA gateway's target and final assessment: (owner token, system, assessment).
    pub async fn vendor(&self) -> (String, i64, i64) {
        let owner = self.token("vendor", Role::Owner).await;
        let org = self.organization("vendor").await.0;
        let system = self.system(&owner, org, "GW-7").await;
        self.document(
            &owner,
            system,
            "targets",
            &example("ota-gateway/target.yaml"),
        )
        .await;
        let assessment = self
            .document(
                &owner,
                system,
                "assessments",
                &example("ota-gateway/certification/assessment-final.yaml"),
            )
            .await;
        (owner, system, assessment)
    }

    pub fn store(&self) -> &Arc<Store> {
        &self.state.store
    }

    /// Sends a request; `auth` is an API token.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        auth: Option<&str>,
        body: Option<(&str, Vec<u8>)>,
        extra: &[(&str, &str)],
    ) -> Answer {
        self.send_from(None, method, path, auth, body, extra).await
    }

    /// Sends a request as if over a connection from `peer` (as `smm serve` sees it), or with no
    /// connection information at all.
    pub async fn send_from(
        &self,
        peer: Option<std::net::SocketAddr>,
        method: Method,
        path: &str,
        auth: Option<&str>,
        body: Option<(&str, Vec<u8>)>,
        extra: &[(&str, &str)],
    ) -> Answer {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = auth {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        for (k, v) in extra {
            request = request.header(*k, *v);
        }
        let request = match body {
            Some((content_type, bytes)) => request
                .header("content-type", content_type)
                .body(Body::from(bytes)),
            None => request.body(Body::empty()),
        }
        .expect("request");
        let mut request = request;
        if let Some(peer) = peer {
            request
                .extensions_mut()
                .insert(axum::extract::ConnectInfo(peer));
        }
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec();
        Answer {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Answer {
        self.send(Method::GET, path, Some(token), None, &[]).await
    }

    pub async fn post_json(&self, path: &str, token: &str, json: serde_json::Value) -> Answer {
        self.send(
            Method::POST,
            path,
            Some(token),
            Some(("application/json", json.to_string().into_bytes())),
            &[],
        )
        .await
    }

    pub async fn post_yaml(&self, path: &str, token: &str, yaml: &str) -> Answer {
        self.send(
            Method::POST,
            path,
            Some(token),
            Some(("application/yaml", yaml.as_bytes().to_vec())),
            &[],
        )
        .await
    }

    /// An organization by name (created if missing).
    pub async fn organization(&self, name: &str) -> OrganizationId {
        match self
            .store()
            .organization_by_name(name)
            .await
            .expect("lookup")
        {
            Some(org) => org,
            None => self
                .store()
                .create_organization("test", name)
                .await
                .expect("create organization"),
        }
    }

    /// An API token for an organization and role, as an administrator makes it on the store
    /// (no maker to answer to, no expiry worth the name).
    pub async fn token(&self, org: &str, role: Role) -> String {
        let org = self.organization(org).await;
        let (_, secret) = self
            .store()
            .create_api_token(
                "test",
                org,
                role,
                &format!("{}-token", role.as_str()),
                i64::MAX,
                None,
            )
            .await
            .expect("token");
        secret
    }

    /// A user with a password and a role in an organization.
    pub async fn user(&self, name: &str, org: &str, role: Role) -> String {
        let password = format!("{name}-password-long");
        let org = self.organization(org).await;
        let user = match self.store().user_by_name(name).await.expect("lookup") {
            Some(u) => u,
            None => self
                .store()
                .create_user("test", name, &password)
                .await
                .expect("user"),
        };
        self.store()
            .set_membership("test", user, org, role)
            .await
            .expect("membership");
        password
    }
}

impl App {
    /// A system created through the API by `token` in organization `org`: its id.
    pub async fn system(&self, token: &str, org: i64, name: &str) -> i64 {
        let made = self
            .post_json(
                &format!("/api/organizations/{org}/systems"),
                token,
                serde_json::json!({ "name": name }),
            )
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        made.json()["id"].as_i64().expect("system id")
    }

    /// A document stored through the API (`kind` is `targets` or `assessments`): its id.
    pub async fn document(&self, token: &str, system: i64, kind: &str, body: &str) -> i64 {
        let stored = self
            .post_yaml(&format!("/api/systems/{system}/{kind}"), token, body)
            .await;
        assert_eq!(stored.status, StatusCode::CREATED, "{}", stored.text());
        stored.json()["id"].as_i64().expect("document id")
    }

    /// A browser session, opened directly in the store, for a person who already exists:
    /// the `Cookie` header value. (Signing in through the form is `sign_in`.)
    pub async fn session_of(&self, name: &str) -> String {
        let user = self
            .store()
            .user_by_name(name)
            .await
            .expect("lookup")
            .expect("user");
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs();
        let in_an_hour = i64::try_from(now).expect("time") + 3_600;
        let (secret, _) = self
            .store()
            .create_session(user, in_an_hour)
            .await
            .expect("session");
        format!("smm_session={secret}")
    }

    /// Signs in through the form, as a browser does: the session cookie (empty when refused)
    /// and the form's answer.
    pub async fn sign_in(&self, name: &str, password: &str, next: &str) -> (String, Answer) {
        let page = self
            .send(Method::GET, &format!("/login?next={next}"), None, None, &[])
            .await;
        assert_eq!(page.status, StatusCode::OK);
        let login_cookie = cookie_pair(&page, "smm_login");
        let fields: Vec<(String, String)> = [
            ("csrf", hidden(&page.text(), "csrf").as_str()),
            ("next", next),
            ("name", name),
            ("password", password),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let answer = self
            .send(
                Method::POST,
                "/login",
                None,
                Some(("application/x-www-form-urlencoded", form_body(&fields))),
                &[("cookie", &login_cookie)],
            )
            .await;
        let cookie = if answer.status == StatusCode::SEE_OTHER {
            cookie_pair(&answer, "smm_session")
        } else {
            String::new()
        };
        (cookie, answer)
    }

    /// A page as a signed-in browser asks for it: with the session cookie.
    pub async fn page(&self, cookie: &str, path: &str) -> Answer {
        self.send(Method::GET, path, None, None, &[("cookie", cookie)])
            .await
    }

    /// A form as a signed-in browser posts it: the session cookie, fields URL-encoded.
    pub async fn post_form(&self, cookie: &str, path: &str, fields: &[(String, String)]) -> Answer {
        self.send(
            Method::POST,
            path,
            None,
            Some(("application/x-www-form-urlencoded", form_body(fields))),
            &[("cookie", cookie)],
        )
        .await
    }
}

// What a browser does with a page: cookies, hidden fields, forms.

/// The `name=value` pair of a cookie the answer sets.
pub fn cookie_pair(answer: &Answer, name: &str) -> String {
    answer
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")))
        .and_then(|c| c.split(';').next())
        .unwrap_or_else(|| panic!("no {name} cookie"))
        .to_string()
}

/// The value of a hidden input in a page.
pub fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} field"))
        + marker.len();
    page[start..].split('"').next().expect("value").to_string()
}

/// Form fields as a browser encodes them (`application/x-www-form-urlencoded`).
pub fn form_body(fields: &[(String, String)]) -> Vec<u8> {
    fields
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                smm_server::web::urlencode(k).replace('/', "%2F"),
                smm_server::web::urlencode(v).replace('/', "%2F")
            )
        })
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

/// Runs a test body on SQLite and, when available, on PostgreSQL.
#[macro_export]
macro_rules! on_both {
    ($($name:ident => $body:ident;)*) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let app = $crate::common::App::start($crate::common::Backend::Sqlite)
                        .await
                        .expect("sqlite");
                    super::$body(app).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(app) =
                        $crate::common::App::start($crate::common::Backend::Postgres).await
                    {
                        super::$body(app).await;
                    }
                }
            )*
        }
    };
}
