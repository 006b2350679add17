//! What browsers and proxies may keep: nothing private (sessions with their CSRF token, tokens,
//! documents, reports, audit, evidence), while public, unchanging files stay cacheable; and
//! HTTPS is made sticky only when the server knows it is reached over it.

use axum::http::{Method, StatusCode};
use serde_json::json;
use smm_store::Role;

use crate::common::{example, App, Backend};

#[tokio::test]
async fn nothing_private_is_kept_by_a_cache() {
    let app = App::start(Backend::Sqlite).await.expect("server");
    let owner = app.token("acme", Role::Owner).await;
    let org = app.organization("acme").await.0;
    let system = app.system(&owner, org, "Line").await;
    let target = app
        .document(
            &owner,
            system,
            "targets",
            &example("bottling-line/target.yaml"),
        )
        .await;
    let evidence = app
        .send(
            Method::POST,
            &format!("/api/systems/{system}/evidence"),
            Some(&owner),
            Some(("application/pdf", b"%PDF-1.7\n% a policy\n".to_vec())),
            &[],
        )
        .await;
    assert_eq!(evidence.status, StatusCode::CREATED, "{}", evidence.text());
    let href = evidence.json()["href"].as_str().expect("href").to_string();
    app.user("ada", "acme", Role::Owner).await;
    let cookie = app.session_of("ada").await;

    let private = [
        app.send(
            Method::GET,
            "/api/session",
            None,
            None,
            &[("cookie", &cookie)],
        )
        .await,
        app.send(
            Method::GET,
            &format!("/api/organizations/{org}/tokens"),
            None,
            None,
            &[("cookie", &cookie)],
        )
        .await,
        app.get(&format!("/api/documents/{target}"), &owner).await,
        app.get(&format!("/api/documents/{target}/report"), &owner)
            .await,
        app.get(&format!("/api/organizations/{org}/audit"), &owner)
            .await,
        app.get(&href, &owner).await,
        app.get("/api/no-such-endpoint", &owner).await,
        app.page(&cookie, &format!("/systems/{system}")).await,
    ];
    for (i, answer) in private.iter().enumerate() {
        assert!(
            answer.status.is_success() || i == 6,
            "{i}: {}",
            answer.status
        );
        assert_eq!(
            answer.header("cache-control").as_deref(),
            Some("no-store"),
            "answer {i} may be kept"
        );
    }
    // A token's secret is in the answer that creates it.
    let csrf = private[0].json()["csrf_token"]
        .as_str()
        .expect("the session's CSRF token")
        .to_string();
    let minted = app
        .send(
            Method::POST,
            &format!("/api/organizations/{org}/tokens"),
            None,
            Some((
                "application/json",
                json!({"name": "ci", "role": "viewer", "expires_in_days": 30})
                    .to_string()
                    .into_bytes(),
            )),
            &[("cookie", &cookie), ("x-csrf-token", &csrf)],
        )
        .await;
    assert!(minted.status.is_success(), "{}", minted.text());
    assert_eq!(minted.header("cache-control").as_deref(), Some("no-store"));

    // The stylesheet is public and may be kept; the issuers document is public and revalidated.
    let css = app
        .send(Method::GET, "/static/app.css", None, None, &[])
        .await;
    assert!(css
        .header("cache-control")
        .unwrap_or_default()
        .starts_with("public"));
    let issuers = app.send(Method::GET, "/api/issuers", None, None, &[]).await;
    assert_eq!(issuers.header("cache-control").as_deref(), Some("no-cache"));
}

#[tokio::test]
async fn https_is_made_sticky_only_over_https() {
    let app = App::start(Backend::Sqlite).await.expect("server");
    let plain = app.send(Method::GET, "/api/health", None, None, &[]).await;
    assert_eq!(plain.header("strict-transport-security"), None);
    let proxied = app
        .send(
            Method::GET,
            "/api/health",
            None,
            None,
            &[("x-forwarded-proto", "https")],
        )
        .await;
    assert_eq!(
        proxied.header("strict-transport-security").as_deref(),
        Some("max-age=31536000")
    );
    let secure = app
        .beside(|c| c.secure_cookies = true)
        .await
        .expect("server");
    let always = secure.send(Method::GET, "/login", None, None, &[]).await;
    assert_eq!(
        always.header("strict-transport-security").as_deref(),
        Some("max-age=31536000")
    );
}
