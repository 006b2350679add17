//! Sign-in through a real OpenID Connect provider (the npm `oidc-provider`, run by
//! tests/browser/lib/oidc-provider.mjs) against the real `smm serve`: a person the provider
//! vouches for is signed in with the role their groups give, and every answer that should not
//! be believed is refused: a replayed or foreign state, another issuer, another audience, an
//! expired token, a tampered or missing signature, a MAC keyed with the client secret, another
//! sign-in's nonce. Password sign-in can be turned off.
//!
//! Node and the provider's package come from scripts/test (`npm ci` in tests/browser); without
//! them the test is skipped, loudly, except under `CI=true`, where it fails.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{json, Value};

use crate::server::{bootstrap, serve_args, sqlite_data, strs, Server, ORGANIZATION, PASSWORD};

/// The provider, stopped when dropped.
struct Provider {
    child: Child,
    issuer: String,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn browser_dir() -> std::path::PathBuf {
    crate::support::root().join("tests/browser")
}

/// Whether node and the provider's package are here; under `CI=true` they must be.
fn provider_available() -> bool {
    let ok = Command::new("node").arg("--version").output().is_ok()
        && browser_dir().join("node_modules/oidc-provider").is_dir();
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but node or tests/browser/node_modules/oidc-provider is missing: scripts/test installs them"
        );
        eprintln!("skipped: the OpenID provider needs node and `npm ci --prefix tests/browser`");
    }
    ok
}

impl Provider {
    fn start(redirect: &str, accounts: Value) -> Provider {
        let mut child = Command::new("node")
            .arg(browser_dir().join("lib/oidc-provider.mjs"))
            .env("OIDC_ISSUER", "http://localhost:0")
            .env("OIDC_CLIENT_ID", "smm")
            .env("OIDC_CLIENT_SECRET", "the-client-secret")
            .env("OIDC_REDIRECT_URI", redirect)
            .env("OIDC_ACCOUNTS", accounts.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the provider");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(issuer) = line.strip_prefix("listening ") {
                    let _ = tx.send(issuer.trim().to_string());
                }
            }
        });
        let issuer = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the provider says where it listens");
        Provider { child, issuer }
    }

    async fn post(&self, path: &str, body: Value) {
        let response = reqwest::Client::new()
            .post(format!("{}{path}", self.issuer))
            .json(&body)
            .send()
            .await
            .expect("the provider's test hook");
        assert_eq!(response.status(), 204, "{path} {body}");
    }
}

/// Signs `login` in at the provider's own pages (its dev login takes any password), following
/// its redirects over HTTP: the URL it sends the browser back to.
fn at_the_provider(authorize_url: &str, login: &str) -> String {
    let walk = browser_dir().join("lib/oidc-walk.mjs");
    let script = format!(
        "import {{ signInOverHttp }} from {walk:?};\n\
         console.log(await signInOverHttp({{ authorizeUrl: process.argv[1], login: process.argv[2] }}));",
        walk = walk.display().to_string()
    );
    let out = Command::new("node")
        .args(["--input-type=module", "-e", &script, authorize_url, login])
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "the walk through the provider: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A client that follows no redirect, so each step is seen.
fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .expect("HTTP client")
}

/// The value of cookie `name` set by a response, if it sets one with a value.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, v)| *k == name && !v.is_empty())
        .map(|(_, v)| v.to_string())
}

/// A sign-in started at smm and carried through the provider: the callback URL and the state
/// cookie smm gave the browser.
async fn started(server: &Server, login: &str) -> (String, String) {
    let response = http()
        .get(server.url("/auth/oidc/start?next=/invitations"))
        .send()
        .await
        .expect("start");
    assert_eq!(response.status(), 303);
    let state = set_cookie(&response, "smm_oidc").expect("the state cookie");
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("to the provider")
        .to_string();
    (at_the_provider(&location, login), state)
}

/// The callback with (or without) the state cookie: the status and the session cookie set.
async fn callback(
    server: &Server,
    url: &str,
    state: Option<&str>,
) -> (u16, Option<String>, String) {
    let path = url
        .split_once("/auth/oidc/callback")
        .map(|(_, rest)| format!("/auth/oidc/callback{rest}"))
        .expect("smm's callback");
    let mut request = http().get(server.url(&path));
    if let Some(state) = state {
        request = request.header("cookie", format!("smm_oidc={state}"));
    }
    let response = request.send().await.expect("callback");
    let status = response.status().as_u16();
    let session = set_cookie(&response, "smm_session");
    (status, session, response.text().await.unwrap_or_default())
}

/// Who a session is, and their role in the organization.
async fn whoami(server: &Server, session: &str) -> (String, Option<String>) {
    let me: Value = http()
        .get(server.url("/api/session"))
        .header("cookie", format!("smm_session={session}"))
        .send()
        .await
        .expect("GET /api/session")
        .json()
        .await
        .expect("JSON");
    let role = me["organizations"]
        .as_array()
        .and_then(|orgs| orgs.iter().find(|o| o["name"] == ORGANIZATION))
        .and_then(|o| o["role"].as_str())
        .map(str::to_string);
    (me["user"].as_str().unwrap_or_default().to_string(), role)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_signs_in_through_the_provider_and_every_false_answer_is_refused() {
    if !provider_available() {
        return;
    }
    let (dir, data, url) = sqlite_data();
    bootstrap(&url);
    let port = crate::support::free_port_below_ephemeral();
    let redirect = format!("http://127.0.0.1:{port}/auth/oidc/callback");
    let provider = Provider::start(
        &redirect,
        json!({ "alice": { "groups": ["lab-owners"] }, "vic": { "groups": ["lab-viewers"] } }),
    );
    let secret = dir.path().join("oidc.secret");
    std::fs::write(&secret, "the-client-secret\n").expect("secret");
    let config = dir.path().join("oidc.yaml");
    std::fs::write(
        &config,
        format!(
            "smm: 1\nkind: OidcProvider\nname: Test SSO\nissuer: {issuer}\nclient_id: smm\n\
             client_secret_file: {secret}\nredirect_url: {redirect}\nscopes: [email, profile, groups]\n\
             mappings:\n  - {{group: lab-owners, organization: {ORGANIZATION}, role: owner}}\n  \
             - {{group: lab-viewers, organization: {ORGANIZATION}, role: viewer}}\n",
            issuer = provider.issuer,
            secret = secret.display(),
        ),
    )
    .expect("config");
    let mut args = serve_args(&data, &url);
    args.extend(["--oidc".to_string(), config.display().to_string()]);
    let server = Server::start_on(&format!("127.0.0.1:{port}"), &strs(&args), &[]);

    // The sign-in page offers the provider.
    let login = http()
        .get(server.url("/login"))
        .send()
        .await
        .expect("login");
    assert!(login
        .text()
        .await
        .unwrap_or_default()
        .contains("Sign in with Test SSO"));

    // Alice's group makes her an owner.
    let (back, state) = started(&server, "alice").await;
    assert!(back.contains("code=") && back.contains("iss="), "{back}");
    let (status, session, page) = callback(&server, &back, Some(&state)).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("url=/invitations"),
        "on to where she was going: {page}"
    );
    let session = session.expect("a session");
    assert_eq!(
        whoami(&server, &session).await,
        ("alice".to_string(), Some("owner".to_string()))
    );

    // The same answer again: the sign-in was used.
    let (status, session, _) = callback(&server, &back, Some(&state)).await;
    assert_eq!((status, session), (400, None), "a replayed state");

    // An answer this browser did not ask for (login CSRF): no cookie, or another's.
    let (back, _) = started(&server, "alice").await;
    assert_eq!(callback(&server, &back, None).await.0, 400);
    let (other_back, other_state) = started(&server, "alice").await;
    assert_eq!(callback(&server, &back, Some(&other_state)).await.0, 400);
    // The other one is still good with its own cookie.
    assert_eq!(
        callback(&server, &other_back, Some(&other_state)).await.0,
        200
    );

    // An answer claiming to come from another provider (mix-up).
    let (back, state) = started(&server, "alice").await;
    let mixed = back.replace(
        &format!("iss={}", urlencode(&provider.issuer)),
        "iss=https%3A%2F%2Fevil.example",
    );
    assert_ne!(mixed, back, "the answer names its issuer");
    assert_eq!(callback(&server, &mixed, Some(&state)).await.0, 401);

    // ID tokens the provider's answer should never be believed with.
    // Each is refused for its own reason, named on the page.
    for (mode, reason) in [
        ("iss", "Invalid issuer"),
        ("aud", "Invalid audiences"),
        ("exp", "Expired"),
        ("signature", "Signature verification failed"),
        ("claims", "Signature verification failed"),
        ("none", "Signature verification failed"),
        ("hs256", "Signature verification failed"),
        ("nonce", "nonce mismatch"),
        ("previous", "nonce mismatch"),
    ] {
        let (back, state) = started(&server, "alice").await;
        provider.post("/test/forge", json!({ "mode": mode })).await;
        let (status, session, page) = callback(&server, &back, Some(&state)).await;
        assert_eq!((status, session.is_some()), (401, false), "{mode}: {page}");
        assert!(
            page.contains(reason),
            "{mode} refused for another reason: {page}"
        );
    }
    provider.post("/test/forge", json!({ "mode": null })).await;

    // Too many groups left out of the token: refused, memberships kept as they were.
    let (back, state) = started(&server, "alice").await;
    provider
        .post("/test/forge", json!({ "mode": "overage" }))
        .await;
    assert_eq!(callback(&server, &back, Some(&state)).await.0, 401);

    // A person no group maps gets no account.
    let (back, state) = started(&server, "mallory").await;
    let (status, session, _) = callback(&server, &back, Some(&state)).await;
    assert_eq!((status, session), (403, None));

    // Groups change at the provider: the role follows at the next sign-in.
    provider
        .post(
            "/test/accounts",
            json!({ "alice": { "groups": ["lab-viewers"] }, "vic": { "groups": ["lab-viewers"] } }),
        )
        .await;
    let (back, state) = started(&server, "alice").await;
    let (status, session, _) = callback(&server, &back, Some(&state)).await;
    assert_eq!(status, 200);
    assert_eq!(
        whoami(&server, &session.expect("a session")).await.1,
        Some("viewer".to_string())
    );

    // A disabled account is refused, though the provider vouches for it.
    let disabled = crate::server::smm()
        .args([
            "admin",
            "disable-user",
            "--name",
            "alice",
            "--database-url",
            &url,
        ])
        .output()
        .expect("disable");
    assert!(disabled.status.success(), "{disabled:?}");
    let (back, state) = started(&server, "alice").await;
    let (status, session, page) = callback(&server, &back, Some(&state)).await;
    assert_eq!((status, session), (403, None), "{page}");

    // An existing password account, linked by an administrator, signs in through the provider
    // as itself (an account is never linked by a name the provider sends).
    provider
        .post(
            "/test/accounts",
            json!({
                "alice": { "groups": ["lab-viewers"] },
                "vic": { "groups": ["lab-viewers"] },
                "olivia": { "groups": ["lab-owners"] },
            }),
        )
        .await;
    let linked = crate::server::smm()
        .args([
            "admin",
            "link-identity",
            "--name",
            crate::server::OWNER,
            "--issuer",
        ])
        .arg(&provider.issuer)
        .args(["--subject", "olivia", "--database-url", &url])
        .output()
        .expect("link");
    assert!(linked.status.success(), "{linked:?}");
    let (back, state) = started(&server, "olivia").await;
    let (status, session, page) = callback(&server, &back, Some(&state)).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(
        whoami(&server, &session.expect("a session")).await,
        (crate::server::OWNER.to_string(), Some("owner".to_string()))
    );

    // Passwords still work here (local_passwords is true by default).
    let signed_in = http()
        .post(server.url("/api/session"))
        .json(&json!({ "name": crate::server::OWNER, "password": PASSWORD }))
        .send()
        .await
        .expect("password sign-in");
    assert_eq!(signed_in.status(), 200);
    drop(server);

    // Turned off, password sign-in is refused with the way in; the provider still signs in.
    let text = std::fs::read_to_string(&config).expect("config");
    std::fs::write(&config, format!("{text}local_passwords: false\n")).expect("config");
    let server = Server::start_on(&format!("127.0.0.1:{port}"), &strs(&args), &[]);
    let refused = http()
        .post(server.url("/api/session"))
        .json(&json!({ "name": crate::server::OWNER, "password": PASSWORD }))
        .send()
        .await
        .expect("password sign-in");
    assert_eq!(refused.status(), 403);
    assert!(refused
        .text()
        .await
        .unwrap_or_default()
        .contains("Test SSO"));
    let page = http()
        .get(server.url("/login"))
        .send()
        .await
        .expect("login");
    let page = page.text().await.unwrap_or_default();
    assert!(page.contains("Sign in with Test SSO") && !page.contains("type=\"password\""));
    let (back, state) = started(&server, "vic").await;
    let (status, session, _) = callback(&server, &back, Some(&state)).await;
    assert_eq!(status, 200);
    assert_eq!(
        whoami(&server, &session.expect("a session")).await,
        ("vic".to_string(), Some("viewer".to_string()))
    );
    drop(server);

    // A provider whose discovery names another issuer than the one configured (the same server
    // reached as 127.0.0.1 while it calls itself localhost) is not believed: no sign-in starts,
    // and the rest of the server works on.
    let text = std::fs::read_to_string(&config).expect("config");
    let other = provider.issuer.replace("localhost", "127.0.0.1");
    assert_ne!(other, provider.issuer);
    std::fs::write(&config, text.replace(&provider.issuer, &other)).expect("config");
    let server = Server::start_on(&format!("127.0.0.1:{port}"), &strs(&args), &[]);
    let start = http()
        .get(server.url("/auth/oidc/start"))
        .send()
        .await
        .expect("start");
    assert_eq!(start.status(), 503);
    assert!(set_cookie(&start, "smm_oidc").is_none());
    // The log says why; the server's stderr is read by another thread, so the line may reach
    // the test a moment after the answer.
    server
        .log_lines(
            1,
            |l| l.contains("unexpected issuer"),
            Duration::from_secs(5),
        )
        .await;
    let health = http()
        .get(server.url("/api/health"))
        .send()
        .await
        .expect("health");
    assert_eq!(health.status(), 200);
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
