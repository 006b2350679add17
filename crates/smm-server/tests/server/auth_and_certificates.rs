//! Signing in and out, CSRF, login throttling, API tokens, and the certificate round trip
//! through the API (issue, refuse, verify, tamper, revoke). On SQLite and PostgreSQL.

use axum::http::{Method, StatusCode};
use serde_json::json;
use smm_store::Role;

use std::net::SocketAddr;

use crate::common::{example, Answer, App, Backend};

async fn login(app: &App, name: &str, password: &str) -> Answer {
    app.send(
        Method::POST,
        "/api/session",
        None,
        Some((
            "application/json",
            json!({"name": name, "password": password})
                .to_string()
                .into_bytes(),
        )),
        &[],
    )
    .await
}

/// The `smm_session=…` pair from a login's Set-Cookie.
fn session_cookie(answer: &Answer) -> String {
    let set = answer.header("set-cookie").expect("a session cookie");
    assert!(set.contains("HttpOnly"), "{set}");
    assert!(set.contains("SameSite=Strict"), "{set}");
    set.split(';').next().expect("pair").to_string()
}

async fn sessions_need_csrf_and_end_on_logout(app: App) {
    let password = app.user("claire", "acme", Role::Owner).await;
    let signed_in = login(&app, "claire", &password).await;
    assert_eq!(signed_in.status, StatusCode::OK, "{}", signed_in.text());
    let cookie = session_cookie(&signed_in);
    let csrf = signed_in.json()["csrf_token"]
        .as_str()
        .expect("csrf")
        .to_string();
    assert_eq!(signed_in.json()["organizations"][0]["role"], "owner");
    let org = app.organization("acme").await.0;
    let create = |headers: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let extra: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.send(
                Method::POST,
                &format!("/api/organizations/{org}/systems"),
                None,
                Some(("application/json", br#"{"name": "Line 1"}"#.to_vec())),
                &extra,
            )
            .await
        }
    };
    // Reading needs only the cookie; changing needs the CSRF token too.
    let me = app
        .send(
            Method::GET,
            "/api/session",
            None,
            None,
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json()["user"], "claire");
    let forged = create(vec![("cookie", cookie.clone())]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(forged.json()["field"], "X-CSRF-Token");
    let wrong = create(vec![
        ("cookie", cookie.clone()),
        ("x-csrf-token", "0".repeat(64)),
    ])
    .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    let made = create(vec![
        ("cookie", cookie.clone()),
        ("x-csrf-token", csrf.clone()),
    ])
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    // Sign out: the cookie is cleared and the session no longer works.
    let out = app
        .send(
            Method::DELETE,
            "/api/session",
            None,
            None,
            &[("cookie", &cookie), ("x-csrf-token", &csrf)],
        )
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert!(out
        .header("set-cookie")
        .unwrap_or_default()
        .contains("Max-Age=0"));
    let after = app
        .send(
            Method::GET,
            "/api/session",
            None,
            None,
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    // No credentials at all.
    let anonymous = app
        .send(Method::GET, "/api/organizations", None, None, &[])
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        anonymous.header("content-type").as_deref(),
        Some("application/problem+json")
    );
}

async fn failed_logins_are_throttled_without_telling_names_apart(app: App) {
    let password = app.user("yusuf", "acme", Role::Viewer).await;
    let unknown = login(&app, "nobody", "whatever-password").await;
    let wrong = login(&app, "yusuf", "not-the-password").await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.json()["detail"], wrong.json()["detail"]);
    for _ in 0..4 {
        assert_eq!(
            login(&app, "yusuf", "not-the-password").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    // Five failures for the name: even the right password waits now.
    let throttled = login(&app, "yusuf", &password).await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(throttled.header("retry-after").is_some());
    // Another user is not locked out by yusuf's failures.
    let other = app.user("ines", "acme", Role::Viewer).await;
    assert_eq!(login(&app, "ines", &other).await.status, StatusCode::OK);
}

/// Behind a reverse proxy every connection comes from the proxy: failed logins must be counted
/// per client it forwards for, or one person guessing would lock everyone out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_failed_logins_count_per_client() {
    use smm_server::app::session::MAX_FAILURES_PER_ADDRESS;
    let proxies = vec![smm_server::parse_trusted_proxy("10.0.0.0/8").expect("network")];
    let app = App::start_behind(Backend::Sqlite, proxies)
        .await
        .expect("app");
    let password = app.user("yusuf", "acme", Role::Viewer).await;
    let proxy: SocketAddr = "10.0.0.5:51000".parse().expect("address");
    let login_via = |peer: SocketAddr, forwarded: &str, name: String, password: String| {
        let (app, forwarded) = (&app, forwarded.to_string());
        async move {
            let body = json!({"name": name, "password": password}).to_string();
            app.send_from(
                Some(peer),
                Method::POST,
                "/api/session",
                None,
                Some(("application/json", body.into_bytes())),
                &[("x-forwarded-for", &forwarded)],
            )
            .await
            .status
        }
    };
    // Someone behind the proxy guesses a password for many names (no name reaches its limit).
    for i in 0..MAX_FAILURES_PER_ADDRESS {
        let status = login_via(proxy, "203.0.113.66", format!("guess-{i}"), "x".into()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // That client is throttled now, even with a right password...
    let status = login_via(proxy, "203.0.113.66", "yusuf".into(), password.clone()).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // ...but another client of the same proxy signs in.
    let status = login_via(proxy, "198.51.100.20", "yusuf".into(), password.clone()).await;
    assert_eq!(status, StatusCode::OK);
    // A client reaching the server directly cannot pose as another: its own address counts.
    let direct: SocketAddr = "203.0.113.66:40000".parse().expect("address");
    let status = login_via(direct, "198.51.100.20", "yusuf".into(), password.clone()).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

async fn api_tokens_are_shown_once_and_can_be_revoked(app: App) {
    // Tokens are made, listed and revoked by a signed-in owner: never by a token.
    let password = app.user("claire", "acme", Role::Owner).await;
    let owner_token = app.token("acme", Role::Owner).await;
    let org = app.organization("acme").await.0;
    let signed_in = login(&app, "claire", &password).await;
    let cookie = session_cookie(&signed_in);
    let csrf = signed_in.json()["csrf_token"]
        .as_str()
        .expect("csrf")
        .to_string();
    let as_claire = |method: Method, path: String, body: Option<serde_json::Value>| {
        let (app, cookie, csrf) = (&app, cookie.clone(), csrf.clone());
        async move {
            app.send(
                method,
                &path,
                None,
                body.map(|b| ("application/json", b.to_string().into_bytes())),
                &[("cookie", &cookie), ("x-csrf-token", &csrf)],
            )
            .await
        }
    };
    let tokens = format!("/api/organizations/{org}/tokens");
    let made = as_claire(
        Method::POST,
        tokens.clone(),
        Some(json!({"name": "ci", "role": "assessor", "expires_in_days": 30})),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    let made = made.json();
    let secret = made["secret"].as_str().expect("secret").to_string();
    assert!(secret.starts_with("smm_"));
    let listed = as_claire(Method::GET, tokens.clone(), None).await.text();
    assert!(!listed.contains(&secret), "a listing never shows secrets");
    assert!(listed.contains("\"ci\""));
    assert_eq!(
        app.get("/api/session", &secret).await.json()["user"],
        "token:ci"
    );
    // A token cannot create organizations, nor give itself more, nor even list tokens,
    // whatever its role.
    for token in [&secret, &owner_token] {
        let escalate = app
            .post_json(
                &tokens,
                token,
                json!({"name": "more", "role": "owner", "expires_in_days": 30}),
            )
            .await;
        assert_eq!(escalate.status, StatusCode::FORBIDDEN);
        assert_eq!(app.get(&tokens, token).await.status, StatusCode::FORBIDDEN);
    }
    let id = made["id"].as_i64().expect("id");
    let revoked = as_claire(Method::DELETE, format!("{tokens}/{id}"), None).await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/session", &secret).await.status,
        StatusCode::UNAUTHORIZED
    );
}

/// The OTA gateway's certification round: target, the initial assessment (with open findings)
/// and the final one (meets the target): (assessor token, system, initial, final).
async fn ota_gateway(app: &App) -> (String, i64, i64, i64) {
    let owner = app.token("vendor", Role::Owner).await;
    let org = app.organization("vendor").await.0;
    let system = app
        .post_json(
            &format!("/api/organizations/{org}/systems"),
            &owner,
            json!({"name": "GW-7", "kind": "product", "line": "GW-7 gateway platform"}),
        )
        .await
        .json()["id"]
        .as_i64()
        .expect("system");
    let target = app
        .post_yaml(
            &format!("/api/systems/{system}/targets"),
            &owner,
            &example("ota-gateway/target.yaml"),
        )
        .await;
    assert_eq!(target.status, StatusCode::CREATED, "{}", target.text());
    // The lab assesses and certifies through a grant.
    // (Offering and accepting grants are people's: tests/consent.rs. Here they are in place.)
    let lab = app.token("lab", Role::Assessor).await;
    let lab_org = app.organization("lab").await;
    app.store()
        .grant("test", smm_store::SystemId(system), lab_org, Role::Assessor)
        .await
        .expect("grant");
    // A second lab is granted too: the owner sees both grants, each lab only its own.
    let other = app.organization("other lab").await;
    app.store()
        .grant("test", smm_store::SystemId(system), other, Role::Viewer)
        .await
        .expect("grant");
    let names = |answer: Answer| -> Vec<String> {
        let list = answer.json();
        list.as_array()
            .expect("list")
            .iter()
            .map(|g| g["organization"].as_str().expect("name").to_string())
            .collect()
    };
    let path = format!("/api/systems/{system}/grants");
    assert_eq!(names(app.get(&path, &owner).await).len(), 2);
    assert_eq!(names(app.get(&path, &lab).await), vec!["lab".to_string()]);
    let mut ids = Vec::new();
    for file in ["assessment-initial.yaml", "assessment-final.yaml"] {
        let a = app
            .post_yaml(
                &format!("/api/systems/{system}/assessments"),
                &lab,
                &example(&format!("ota-gateway/certification/{file}")),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text());
        ids.push(a.json()["id"].as_i64().expect("id"));
    }
    (lab, system, ids[0], ids[1])
}

async fn certificates_are_issued_verified_and_revoked(app: App) {
    let (lab, system, initial, last) = ota_gateway(&app).await;
    // Until the administrator designates the lab, it cannot certify, however it was granted.
    let early = app
        .post_json(
            &format!("/api/systems/{system}/certificates"),
            &lab,
            json!({"assessments": [last]}),
        )
        .await;
    assert_eq!(early.status, StatusCode::FORBIDDEN, "{}", early.text());
    assert!(
        early.text().contains("not a designated certification body"),
        "{}",
        early.text()
    );
    let lab_org = app.organization("lab").await;
    app.store()
        .set_certification_body("admin", lab_org, true)
        .await
        .expect("designate");
    // Another organization's assessment is answered as a missing document: the answer does not
    // tell whether the id exists elsewhere.
    let stranger = app.token("elsewhere", Role::Owner).await;
    let stranger_org = app.organization("elsewhere").await.0;
    let theirs = app
        .post_json(
            &format!("/api/organizations/{stranger_org}/systems"),
            &stranger,
            json!({"name": "Not yours", "kind": "product"}),
        )
        .await
        .json()["id"]
        .as_i64()
        .expect("system");
    let foreign = app
        .post_yaml(
            &format!("/api/systems/{theirs}/assessments"),
            &stranger,
            &example("ota-gateway/certification/assessment-final.yaml"),
        )
        .await;
    assert_eq!(foreign.status, StatusCode::CREATED, "{}", foreign.text());
    let foreign = foreign.json()["id"].as_i64().expect("id");
    let missing = foreign + 1000;
    let answer = |id: i64| {
        let app = &app;
        let lab = &lab;
        async move {
            let a = app
                .post_json(
                    &format!("/api/systems/{system}/certificates"),
                    lab,
                    json!({"assessments": [id]}),
                )
                .await;
            (
                a.status,
                a.text().replace(&format!("document {id}"), "document ID"),
            )
        }
    };
    let (foreign_answer, missing_answer) = (answer(foreign).await, answer(missing).await);
    assert_eq!(
        foreign_answer.0,
        StatusCode::NOT_FOUND,
        "{}",
        foreign_answer.1
    );
    assert_eq!(foreign_answer, missing_answer);
    // Refused, with every reason, while findings are open.
    let refused = app
        .post_json(
            &format!("/api/systems/{system}/certificates"),
            &lab,
            json!({"assessments": [initial]}),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text()
    );
    assert!(refused.json()["errors"]
        .as_array()
        .is_some_and(|e| !e.is_empty()));
    let issued = app
        .post_json(
            &format!("/api/systems/{system}/certificates"),
            &lab,
            json!({"assessments": [last]}),
        )
        .await;
    assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.text());
    let issued = issued.json();
    let envelope = issued["envelope"].clone();
    let cert_id = issued["id"].as_i64().expect("id");
    // Anyone verifies, without signing in, against the documents it binds.
    let verify = |certificate: serde_json::Value| {
        let app = &app;
        async move {
            let body = json!({
                "certificate": certificate,
                "target": example("ota-gateway/target.yaml"),
                "assessments": [example("ota-gateway/certification/assessment-final.yaml")],
            });
            app.send(
                Method::POST,
                "/api/certificates/verify",
                None,
                Some(("application/json", body.to_string().into_bytes())),
                &[],
            )
            .await
            .json()
        }
    };
    let ok = verify(envelope.clone()).await;
    assert_eq!(ok["passed"], true, "{ok}");
    // One changed byte of the payload: the signature no longer holds.
    let mut tampered = envelope.clone();
    let payload = tampered["payload"].as_str().expect("payload").to_string();
    let flipped = if payload.starts_with('e') { "f" } else { "e" };
    tampered["payload"] = json!(format!("{flipped}{}", &payload[1..]));
    let bad = verify(tampered).await;
    assert_eq!(bad["passed"], false);
    // The issuers document is public, names the lab's key and says the lab is a body; the
    // statement names the lab and that key.
    let issuers = app
        .send(Method::GET, "/api/issuers", None, None, &[])
        .await
        .json();
    let statement = &ok["certificate"];
    assert_eq!(statement["kind"], "certificate");
    assert_eq!(statement["issuer"]["name"], "lab");
    let entry = issuers["issuers"]
        .as_array()
        .expect("issuers")
        .iter()
        .find(|i| i["name"] == "lab")
        .expect("the lab is published");
    assert_eq!(entry["certification_body"], true);
    assert_eq!(entry["keys"][0]["keyid"], statement["issuer"]["keyid"]);
    // Revoked: the signed list names it, and verification fails from then on.
    let revoked = app
        .post_json(
            &format!("/api/certificates/{cert_id}/revoke"),
            &lab,
            json!({"reason": "firmware 4.2.1 withdrawn"}),
        )
        .await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.text());
    assert_eq!(revoked.json()["revoked"], true);
    let again = app
        .post_json(
            &format!("/api/certificates/{cert_id}/revoke"),
            &lab,
            json!({"reason": "twice"}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let list = app
        .send(
            Method::GET,
            &format!("/api/issuers/org-{}/revocations", lab_org.0),
            None,
            None,
            &[],
        )
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(
        list.json()["payloadType"],
        "application/vnd.smm.revocations+json"
    );
    let after = verify(envelope).await;
    assert_eq!(after["passed"], false, "{after}");
    assert!(
        after["reason"].as_str().unwrap_or("").contains("revoked"),
        "{after}"
    );
    let listed = app
        .get(&format!("/api/systems/{system}/certificates"), &lab)
        .await
        .json();
    assert_eq!(listed["items"][0]["revoked"], true);
    // The audit log of the owner records issue and revocation, and its chain holds.
    let owner = app.token("vendor", Role::Auditor).await;
    let org = app.organization("vendor").await.0;
    let audit = app
        .get(&format!("/api/organizations/{org}/audit?limit=500"), &owner)
        .await
        .json();
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(actions.contains(&"certificate.issue"), "{actions:?}");
    assert!(actions.contains(&"certificate.revoke"), "{actions:?}");
    assert!(app.store().verify_audit().await.expect("audit").intact());
}

async fn owners_add_members_and_keep_an_owner(app: App) {
    let owner_password = app.user("claire", "acme", Role::Owner).await;
    let owner = app.token("acme", Role::Owner).await;
    let org = app.organization("acme").await.0;
    let signed_in = login(&app, "claire", &owner_password).await;
    let cookie = session_cookie(&signed_in);
    let csrf = signed_in.json()["csrf_token"]
        .as_str()
        .expect("csrf")
        .to_string();
    let put = |name: &'static str, body: serde_json::Value, _: String| {
        let (app, cookie, csrf) = (&app, cookie.clone(), csrf.clone());
        async move {
            app.send(
                Method::PUT,
                &format!("/api/organizations/{org}/members/{name}"),
                None,
                Some(("application/json", body.to_string().into_bytes())),
                &[("cookie", &cookie), ("x-csrf-token", &csrf)],
            )
            .await
        }
    };
    // A new user needs a password, a long one.
    let unknown = put("nadia", json!({"role": "assessor"}), owner.clone()).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let short = put(
        "nadia",
        json!({"role": "assessor", "password": "short"}),
        owner.clone(),
    )
    .await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST);
    assert_eq!(short.json()["field"], "password");
    let made = put(
        "nadia",
        json!({"role": "assessor", "password": "a long enough password"}),
        owner.clone(),
    )
    .await;
    assert_eq!(made.status, StatusCode::ACCEPTED, "{}", made.text());
    let signed_in = login(&app, "nadia", "a long enough password").await;
    assert_eq!(signed_in.status, StatusCode::OK);
    // Nobody resets someone else's password this way, and the answer does not tell that the
    // name was taken: it is the same as for a new account.
    let again = put(
        "nadia",
        json!({"role": "assessor", "password": "another long password"}),
        owner.clone(),
    )
    .await;
    assert_eq!(again.status, made.status);
    assert_eq!(again.text(), made.text());
    assert_eq!(
        login(&app, "nadia", "another long password").await.status,
        StatusCode::UNAUTHORIZED
    );
    let is_member = |members: serde_json::Value| {
        members
            .as_array()
            .expect("members")
            .iter()
            .any(|m| m["name"] == "nadia" && m["role"] == "assessor")
    };
    // Not a member before she accepts.
    let members = app
        .get(&format!("/api/organizations/{org}/members"), &owner)
        .await
        .json();
    assert!(!is_member(members));
    let nadia = session_cookie(&signed_in);
    let nadia_csrf = signed_in.json()["csrf_token"]
        .as_str()
        .expect("csrf")
        .to_string();
    let waiting = app
        .send(
            Method::GET,
            "/api/invitations",
            None,
            None,
            &[("cookie", &nadia)],
        )
        .await
        .json();
    let invitation = waiting[0]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{waiting}"));
    let accepted = app
        .send(
            Method::POST,
            &format!("/api/invitations/{invitation}/accept"),
            None,
            None,
            &[("cookie", &nadia), ("x-csrf-token", &nadia_csrf)],
        )
        .await;
    assert!(accepted.status.is_success(), "{}", accepted.text());
    let members = app
        .get(&format!("/api/organizations/{org}/members"), &owner)
        .await
        .json();
    assert!(is_member(members));
    // The last owner cannot demote themself.
    let demote = app
        .send(
            Method::PUT,
            &format!("/api/organizations/{org}/members/claire"),
            None,
            Some(("application/json", br#"{"role": "viewer"}"#.to_vec())),
            &[("cookie", &cookie), ("x-csrf-token", &csrf)],
        )
        .await;
    assert_eq!(demote.status, StatusCode::CONFLICT, "{}", demote.text());
    // Changing one's password needs the current one, and ends one's other sessions.
    let elsewhere = session_cookie(&login(&app, "claire", &owner_password).await);
    let change = |current: &str, new: &str| {
        let body = json!({"current": current, "new": new})
            .to_string()
            .into_bytes();
        let (app, cookie, csrf) = (&app, cookie.clone(), csrf.clone());
        async move {
            app.send(
                Method::PUT,
                "/api/session/password",
                None,
                Some(("application/json", body)),
                &[("cookie", &cookie), ("x-csrf-token", &csrf)],
            )
            .await
        }
    };
    let wrong = change("not my password", "a brand new password").await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert_eq!(wrong.json()["field"], "current");
    let changed = change(&owner_password, "a brand new password").await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT, "{}", changed.text());
    let this_one = app
        .send(
            Method::GET,
            "/api/session",
            None,
            None,
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(this_one.status, StatusCode::OK);
    let other_one = app
        .send(
            Method::GET,
            "/api/session",
            None,
            None,
            &[("cookie", &elsewhere)],
        )
        .await;
    assert_eq!(other_one.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        login(&app, "claire", "a brand new password").await.status,
        StatusCode::OK
    );
}

on_both! {
    members => owners_add_members_and_keep_an_owner;
    sessions => sessions_need_csrf_and_end_on_logout;
    throttling => failed_logins_are_throttled_without_telling_names_apart;
    tokens => api_tokens_are_shown_once_and_can_be_revoked;
    certificates => certificates_are_issued_verified_and_revoked;
}
