//! A real HAProxy in front of `smm serve` processes: its own process, with a generated
//! configuration in a temporary folder, on free loopback ports; dropping it kills it.
//!
//! The configuration is the one docs/deploy.md shows for production, less TLS, with shorter
//! health-check intervals (so a test sees a server marked down within a second), a header that
//! names the server that answered (so the test sees the balancing), and a statistics listener
//! the test reads the servers' states from.

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The address HAProxy connects to the servers from, and the one they trust as a proxy. Not
/// the test's own (127.0.0.1): a client on the proxy's address would be believed about the
/// `X-Forwarded-For` it sends, and the test could not tell a spoofed address from a real one.
pub const SOURCE: &str = "127.0.0.2";

/// The response header naming the server that answered (`s1`, `s2`, …).
pub const BACKEND_HEADER: &str = "x-smm-backend";

/// The HAProxy binary: `HAPROXY`, else `haproxy` on the path or in the sbin folders (Debian
/// puts it in /usr/sbin, often not on a user's path). `None` outside CI when there is none
/// (the test is skipped with a note); under `CI=true` a missing HAProxy is a failure:
/// scripts/test installs it.
pub fn binary() -> Option<PathBuf> {
    let named = std::env::var_os("HAPROXY").map(PathBuf::from);
    let found = named.or_else(|| {
        let path = std::env::var_os("PATH").unwrap_or_default();
        std::env::split_paths(&path)
            .chain(["/usr/sbin".into(), "/usr/local/sbin".into()])
            .map(|dir| dir.join("haproxy"))
            .find(|candidate| candidate.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but HAProxy is missing: scripts/test installs it (Debian package haproxy)"
        );
        eprintln!("note: HAProxy not found (set HAPROXY or install it); skipping");
    }
    found
}

/// A port nobody listens on now, for a listener started next.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// A running HAProxy.
pub struct Haproxy {
    child: Child,
    /// `http://ADDRESS` of the frontend clients use.
    pub base: String,
    /// `http://ADDRESS/stats;csv`: the servers' states.
    stats: String,
    dir: tempfile::TempDir,
}

impl Haproxy {
    /// Starts HAProxy in front of these servers (named `s1`, `s2`, … in order), and waits until
    /// its frontend answers and every server is up.
    pub async fn start(binary: &std::path::Path, servers: &[SocketAddr]) -> Haproxy {
        let dir = crate::support::workspace();
        let (port, stats_port) = (free_port(), free_port());
        let config = dir.path().join("haproxy.cfg");
        std::fs::write(&config, configuration(port, stats_port, servers)).expect("write config");
        let check = Command::new(binary)
            .args(["-c", "-q", "-f"])
            .arg(&config)
            .output()
            .expect("run haproxy -c");
        assert!(
            check.status.success(),
            "HAProxy refuses the configuration: {}",
            String::from_utf8_lossy(&check.stderr)
        );
        let log = std::fs::File::create(dir.path().join("haproxy.log")).expect("log file");
        // -db: in the foreground, no daemon, so the child is HAProxy itself and dies with it.
        let child = Command::new(binary)
            .arg("-db")
            .arg("-f")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file"))
            .stderr(log)
            .spawn()
            .expect("spawn haproxy");
        let mut proxy = Haproxy {
            child,
            base: format!("http://127.0.0.1:{port}"),
            stats: format!("http://127.0.0.1:{stats_port}/stats;csv"),
            dir,
        };
        for n in 1..=servers.len() {
            proxy
                .await_state(&format!("s{n}"), "UP", Duration::from_secs(10))
                .await;
        }
        proxy
    }

    /// The full URL of an API path, through the proxy.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// What HAProxy logged (one line per request, and every server state change).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("haproxy.log")).unwrap_or_default()
    }

    /// The state HAProxy gives a server (`UP`, `DOWN`, `UP 1/2` while going down, …), or why
    /// it could not be read (HAProxy still starting).
    pub async fn state(&self, server: &str) -> Result<String, String> {
        let csv = reqwest::get(&self.stats)
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| format!("statistics: {e}"))?
            .text()
            .await
            .map_err(|e| format!("statistics: {e}"))?;
        let mut lines = csv.lines();
        let header: Vec<&str> = lines
            .next()
            .unwrap_or_default()
            .trim_start_matches("# ")
            .split(',')
            .collect();
        let column = |name: &str| header.iter().position(|h| *h == name);
        let (Some(proxy), Some(name), Some(status)) =
            (column("pxname"), column("svname"), column("status"))
        else {
            return Err(format!("statistics without their columns:\n{csv}"));
        };
        lines
            .map(|l| l.split(',').collect::<Vec<_>>())
            .find(|f| f.get(proxy) == Some(&"smm") && f.get(name) == Some(&server))
            .and_then(|f| f.get(status).map(|s| s.to_string()))
            .ok_or_else(|| format!("no server {server} in HAProxy's statistics:\n{csv}"))
    }

    /// Waits until HAProxy gives the server this state, at most `within`; returns how long.
    pub async fn await_state(&mut self, server: &str, wanted: &str, within: Duration) -> Duration {
        let start = Instant::now();
        loop {
            let state = self.state(server).await;
            if state.as_deref() == Ok(wanted) {
                return start.elapsed();
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("HAProxy exited with {status}; its log:\n{}", self.log());
            }
            assert!(
                start.elapsed() < within,
                "HAProxy has {server} {state:?}, not {wanted}, after {within:?}; its log:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl crate::server::Endpoint for Haproxy {
    fn url(&self, path: &str) -> String {
        Haproxy::url(self, path)
    }
}

impl Drop for Haproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The configuration: docs/deploy.md's, without TLS (see the module's description).
fn configuration(port: u16, stats_port: u16, servers: &[SocketAddr]) -> String {
    let servers: String = servers
        .iter()
        .enumerate()
        .map(|(n, address)| format!("    server s{} {address}\n", n + 1))
        .collect();
    format!(
        r#"global
    log stdout format raw local0
    maxconn 2000

defaults
    mode http
    log global
    option httplog
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout http-request 10s
    timeout http-keep-alive 10s
    timeout queue 10s
    timeout check 2s
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response response-timeout

frontend smm
    bind 127.0.0.1:{port}
    option forwardfor
    http-request set-header X-Forwarded-Proto http
    unique-id-format %[uuid()]
    http-request set-header X-Request-Id %[unique-id]
    http-request disable-l7-retry unless METH_GET
    default_backend smm

backend smm
    balance roundrobin
    option httpchk GET /api/ready
    http-check expect status 200
    source {SOURCE}
    default-server check inter 500ms fastinter 200ms downinter 500ms fall 2 rise 2 maxconn 100
    http-response set-header X-Smm-Backend %s
{servers}
frontend stats
    bind 127.0.0.1:{stats_port}
    stats enable
    stats uri /stats
"#
    )
}
