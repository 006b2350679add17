//! The real `smm serve` as a child process, and the few API calls every test needs.
//!
//! The tests drive the binary, not the router in-process, because what they check only exists
//! at the process level: a SIGKILL, a SIGTERM, two processes on one database, the log on stderr.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The bootstrap user's name and password.
pub const OWNER: &str = "owner";
pub const PASSWORD: &str = "a-long-enough-password";
/// The organization the bootstrap user owns.
pub const ORGANIZATION: &str = "Plant Lyon";

/// The example assessment: each write changes its product version so every stored document has
/// its own digest, and a lost write cannot hide behind an identical one.
pub const ASSESSMENT: &str = crate::support::BOTTLING_ASSESSMENT_TEXT;
/// The target profile that assessment names by digest.
pub const TARGET: &str = crate::support::BOTTLING_TARGET_TEXT;

/// The example assessment with another product version.
pub fn assessment(version: &str) -> String {
    let varied = ASSESSMENT.replacen("version: \"2026.1\"", &format!("version: \"{version}\""), 1);
    assert_ne!(varied, ASSESSMENT, "the example's product version moved");
    varied
}

/// The smm binary with a clean environment for the variables it reads, and no colour in its
/// log.
pub fn smm() -> Command {
    let mut cmd = crate::support::process();
    cmd.env("NO_COLOR", "1");
    cmd
}

/// A data directory in a fresh temporary folder (kept while the returned folder lives), and
/// the URL of the SQLite database in it.
pub fn sqlite_data() -> (tempfile::TempDir, PathBuf, String) {
    let dir = crate::support::workspace();
    let data = dir.path().join("data");
    let url = format!("sqlite://{}", data.join("smm.db").display());
    (dir, data, url)
}

/// Creates the owner of [`ORGANIZATION`] in the database, as an operator would before the first
/// start.
pub fn bootstrap(database_url: &str) {
    let out = smm()
        .args(["admin", "create-user", "--name", OWNER, "--organization"])
        .arg(ORGANIZATION)
        .args(["--role", "owner", "--database-url", database_url])
        .env("SMM_PASSWORD", PASSWORD)
        .output()
        .expect("run smm admin create-user");
    assert!(out.status.success(), "create-user: {out:?}");
}

/// `smm audit verify` on the database: whether the hash chain is intact, and what it printed.
pub fn audit_verify(database_url: &str) -> (bool, String) {
    let out = smm()
        .args(["audit", "verify", "--database-url", database_url])
        .output()
        .expect("run smm audit verify");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// A running `smm serve`. Dropping it kills the process, so a failing test leaves none behind.
pub struct Server {
    child: Child,
    /// Where it listens.
    pub address: SocketAddr,
    /// `http://ADDRESS`.
    pub base: String,
    log: Arc<Mutex<String>>,
}

impl Server {
    /// Starts `smm serve --listen 127.0.0.1:0` with these further arguments and environment,
    /// and waits for the line that says where it listens.
    pub fn start(args: &[&str], env: &[(&str, &str)]) -> Server {
        Server::start_on("127.0.0.1:0", args, env)
    }

    /// Starts `smm serve --listen LISTEN` (a server brought back on the address a load
    /// balancer already names), and waits for the line that says where it listens.
    pub fn start_on(listen: &str, args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut child = smm()
            .args(["serve", "--listen", listen])
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn smm serve");
        // Both pipes are drained for the whole run: a full pipe would block the server's writes.
        let log = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().expect("stderr");
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut log = sink.lock().expect("log");
                log.push_str(&line);
                log.push('\n');
            }
        });
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(address) = line.strip_prefix("smm serve: listening on http://") {
                    let _ = tx.send(address.trim().to_string());
                }
            }
        });
        let address = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(a) => a,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "smm serve did not say where it listens; its log:\n{}",
                    log.lock().expect("log")
                );
            }
        };
        let address: SocketAddr = address.parse().expect("listening address");
        Server {
            child,
            address,
            base: format!("http://{address}"),
            log,
        }
    }

    /// The full URL of an API path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Everything the server logged so far.
    pub fn log(&self) -> String {
        self.log.lock().expect("log").clone()
    }

    /// Waits until `count` log lines satisfy `wanted`, and returns them.
    pub async fn log_lines(
        &self,
        count: usize,
        wanted: impl Fn(&str) -> bool,
        within: Duration,
    ) -> Vec<String> {
        let deadline = Instant::now() + within;
        loop {
            let lines: Vec<String> = self
                .log()
                .lines()
                .filter(|l| wanted(l))
                .map(str::to_string)
                .collect();
            if lines.len() >= count {
                return lines;
            }
            assert!(
                Instant::now() < deadline,
                "expected {count} matching log lines within {within:?}; the log:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process is still running.
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// SIGKILL, as the kernel's OOM killer or a power cut would stop it: no cleanup runs.
    pub fn kill(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reap");
    }

    /// SIGTERM, as an orchestrator asks a server to stop.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM failed");
    }

    /// Waits for the process to exit, at most `within`.
    pub async fn exit(&mut self, within: Duration) -> ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "smm serve still running {within:?} after being asked to stop; its log:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// SIGTERM, then an exit with status 0 within a few seconds.
    pub async fn stop(&mut self) {
        self.terminate();
        let status = self.exit(Duration::from_secs(10)).await;
        assert!(status.success(), "smm serve exited with {status}");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.running() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Where requests go: one server, or a load balancer in front of several.
pub trait Endpoint {
    /// The full URL of an API path.
    fn url(&self, path: &str) -> String;
}

impl Endpoint for Server {
    fn url(&self, path: &str) -> String {
        Server::url(self, path)
    }
}

/// The arguments that point `smm serve` at a data directory and a database.
pub fn serve_args(data_dir: &Path, database_url: &str) -> Vec<String> {
    vec![
        "--data-dir".to_string(),
        data_dir.display().to_string(),
        "--database-url".to_string(),
        database_url.to_string(),
    ]
}

/// Borrowed `&str`s of owned arguments.
pub fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

/// The answer's content type, or "" without one.
pub fn content_type(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// An HTTP client that gives up rather than hang a test.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("HTTP client")
}

/// A signed-in browser session of the owner.
#[derive(Clone, Debug)]
pub struct Session {
    /// The `Cookie` header value.
    pub cookie: String,
    /// The session's CSRF token.
    pub csrf: String,
    /// The owner's organization id.
    pub organization: i64,
}

/// Signs the owner in.
pub async fn sign_in(http: &reqwest::Client, server: &impl Endpoint) -> Session {
    let response = http
        .post(server.url("/api/session"))
        .json(&json!({ "name": OWNER, "password": PASSWORD }))
        .send()
        .await
        .expect("POST /api/session");
    assert_eq!(response.status(), 200, "sign in");
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("session cookie")
        .to_string();
    let body: Value = response.json().await.expect("session JSON");
    Session {
        cookie,
        csrf: body["csrf_token"].as_str().expect("csrf_token").to_string(),
        organization: body["organizations"][0]["id"]
            .as_i64()
            .expect("organization id"),
    }
}

/// An API token of the organization with this role, made through a session (cookie and CSRF
/// token), on whichever server is given.
pub async fn token(
    http: &reqwest::Client,
    server: &impl Endpoint,
    session: &Session,
    role: &str,
) -> String {
    let response = http
        .post(server.url(&format!(
            "/api/organizations/{}/tokens",
            session.organization
        )))
        .header("cookie", &session.cookie)
        .header("x-csrf-token", &session.csrf)
        .json(&json!({ "name": format!("{role}-writer"), "role": role, "expires_in_days": 1 }))
        .send()
        .await
        .expect("POST tokens");
    assert_eq!(response.status(), 201, "create token");
    let body: Value = response.json().await.expect("token JSON");
    body["secret"].as_str().expect("secret").to_string()
}

/// A new system of the organization: its id.
pub async fn system(
    http: &reqwest::Client,
    server: &impl Endpoint,
    token: &str,
    organization: i64,
    name: &str,
) -> i64 {
    let response = http
        .post(server.url(&format!("/api/organizations/{organization}/systems")))
        .bearer_auth(token)
        .json(&json!({ "name": name }))
        .send()
        .await
        .expect("POST systems");
    assert_eq!(response.status(), 201, "create system");
    let body: Value = response.json().await.expect("system JSON");
    body["id"].as_i64().expect("system id")
}

/// Stores a document (`targets` or `assessments`) in a system.
pub async fn post_document(
    http: &reqwest::Client,
    server: &impl Endpoint,
    token: &str,
    system: i64,
    collection: &str,
    yaml: String,
) -> reqwest::Result<reqwest::Response> {
    http.post(server.url(&format!("/api/systems/{system}/{collection}")))
        .bearer_auth(token)
        .header("content-type", "application/yaml")
        .body(yaml)
        .send()
        .await
}

/// A write the server acknowledged: 201 with the document's id and digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Acknowledged {
    pub id: i64,
    pub sha256: String,
}

/// Reads an acknowledged write back, and fails unless it is there with the same digest.
pub async fn assert_stored(
    http: &reqwest::Client,
    server: &impl Endpoint,
    token: &str,
    write: &Acknowledged,
) {
    let response = http
        .get(server.url(&format!("/api/documents/{}", write.id)))
        .bearer_auth(token)
        .send()
        .await
        .expect("GET document");
    assert_eq!(
        response.status(),
        200,
        "acknowledged document {} is missing",
        write.id
    );
    let body: Value = response.json().await.expect("document JSON");
    assert_eq!(
        body["sha256"].as_str(),
        Some(write.sha256.as_str()),
        "document {} changed",
        write.id
    );
}

/// One number from the database, read directly (not through the server).
pub async fn count(database_url: &str, sql: &str) -> i64 {
    use sqlx::Row;
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(database_url)
        .await
        .expect("connect to the database");
    let n: i64 = sqlx::query(sql)
        .fetch_one(&pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .try_get(0)
        .expect("a number");
    pool.close().await;
    n
}
