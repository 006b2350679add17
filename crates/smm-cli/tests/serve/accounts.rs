//! An administrator disables an account on a running server: its session and the tokens it made
//! stop at once, it cannot sign in, and enabling it lets it sign in again.

use serde_json::json;

use crate::server::{
    bootstrap, client, serve_args, sign_in, smm, sqlite_data, strs, token, Server,
};
use crate::server::{OWNER, PASSWORD};

fn admin(action: &str, database_url: &str) -> std::process::Output {
    smm()
        .args([
            "admin",
            action,
            "--name",
            OWNER,
            "--database-url",
            database_url,
        ])
        .output()
        .expect("run smm admin")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disabled_account_stops_at_once_and_an_enabled_one_signs_in_again() {
    let (_dir, data, url) = sqlite_data();
    bootstrap(&url);
    let mut server = Server::start(&strs(&serve_args(&data, &url)), &[]);
    let http = client();
    let session = sign_in(&http, &server).await;
    let secret = token(&http, &server, &session, "viewer").await;
    let organization = session.organization;
    let systems = server.url(&format!("/api/organizations/{organization}/systems"));
    let status = |auth: (&'static str, String)| {
        let http = http.clone();
        let systems = systems.clone();
        async move {
            http.get(&systems)
                .header(auth.0, auth.1)
                .send()
                .await
                .expect("GET")
                .status()
                .as_u16()
        }
    };
    assert_eq!(status(("cookie", session.cookie.clone())).await, 200);
    assert_eq!(
        status(("authorization", format!("Bearer {secret}"))).await,
        200
    );

    // Beside the running server: the lock keeps out a second server, not the administrator.
    let out = admin("disable-user", &url);
    assert!(out.status.success(), "disable-user: {out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("disabled"));
    assert_eq!(status(("cookie", session.cookie.clone())).await, 401);
    assert_eq!(
        status(("authorization", format!("Bearer {secret}"))).await,
        401
    );
    let refused = http
        .post(server.url("/api/session"))
        .json(&json!({ "name": OWNER, "password": PASSWORD }))
        .send()
        .await
        .expect("POST /api/session");
    assert_eq!(refused.status(), 401);

    let out = admin("enable-user", &url);
    assert!(out.status.success(), "enable-user: {out:?}");
    let again = sign_in(&http, &server).await;
    assert_eq!(status(("cookie", again.cookie.clone())).await, 200);
    // The session it had before stays ended.
    assert_eq!(status(("cookie", session.cookie.clone())).await, 401);

    let unknown = smm()
        .args([
            "admin",
            "disable-user",
            "--name",
            "nobody-here",
            "--database-url",
            &url,
        ])
        .output()
        .expect("run smm admin");
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("nobody-here"));
    server.stop().await;
}
