//! Signing in against a determined attacker: guesses sent all at once get no more password
//! checks than the limits (timing is in `sign_in_timing.rs`), changing a
//! password is throttled like a login, weak passwords are refused at every door, the `next` of
//! the sign-in page stays on the site, and cookie requests from another site are refused.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::json;
use smm_server::app::session::{MAX_FAILURES_PER_ADDRESS, MAX_FAILURES_PER_NAME};
use smm_store::Role;
use tower::ServiceExt;

use crate::common::{hidden, Answer, App};

/// Sends every login at once (each on its own task) and counts the answers: how many were
/// checked and found wrong (401), and how many were refused unchecked (429).
async fn logins_at_once(app: &App, logins: Vec<(String, String)>) -> (usize, usize) {
    let mut tasks = tokio::task::JoinSet::new();
    for (name, password) in logins {
        let router = app.router.clone();
        let body = json!({"name": name, "password": password}).to_string();
        tasks.spawn(async move {
            let request = Request::builder()
                .method(Method::POST)
                .uri("/api/session")
                .header("content-type", "application/json")
                .body(Body::from(body))
                .expect("request");
            router.oneshot(request).await.expect("infallible").status()
        });
    }
    let (mut wrong, mut throttled) = (0, 0);
    while let Some(status) = tasks.join_next().await {
        match status.expect("task") {
            StatusCode::UNAUTHORIZED => wrong += 1,
            StatusCode::TOO_MANY_REQUESTS => throttled += 1,
            other => panic!("a wrong password was answered {other}"),
        }
    }
    (wrong, throttled)
}

async fn guesses_at_once_for_one_name_get_no_more_checks_than_its_limit(app: App) {
    app.user("yusuf", "acme", Role::Viewer).await;
    let guesses = (0..40)
        .map(|i| ("yusuf".to_string(), format!("guess number {i}")))
        .collect();
    let (wrong, throttled) = logins_at_once(&app, guesses).await;
    assert_eq!(wrong + throttled, 40);
    assert!(
        wrong <= usize::try_from(MAX_FAILURES_PER_NAME).expect("limit"),
        "{wrong} passwords were checked for one name, the limit is {MAX_FAILURES_PER_NAME}"
    );
}

async fn guesses_at_once_from_one_address_get_no_more_checks_than_its_limit(app: App) {
    let guesses = (0..50)
        .map(|i| (format!("name-{i}"), "a guessed password".to_string()))
        .collect();
    let (wrong, throttled) = logins_at_once(&app, guesses).await;
    assert_eq!(wrong + throttled, 50);
    assert!(
        wrong <= usize::try_from(MAX_FAILURES_PER_ADDRESS).expect("limit"),
        "{wrong} passwords were checked from one address, the limit is {MAX_FAILURES_PER_ADDRESS}"
    );
}

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

/// The cookie pair and CSRF token of a login through the API.
fn session_of(answer: &Answer) -> (String, String) {
    let cookie = crate::common::cookie_pair(answer, "smm_session");
    let csrf = answer.json()["csrf_token"]
        .as_str()
        .expect("csrf")
        .to_string();
    (cookie, csrf)
}

async fn change_password(
    app: &App,
    (cookie, csrf): &(String, String),
    current: &str,
    new: &str,
) -> Answer {
    app.send(
        Method::PUT,
        "/api/session/password",
        None,
        Some((
            "application/json",
            json!({"current": current, "new": new})
                .to_string()
                .into_bytes(),
        )),
        &[("cookie", cookie), ("x-csrf-token", csrf)],
    )
    .await
}

async fn changing_a_password_is_throttled_like_a_login(app: App) {
    let password = app.user("claire", "acme", Role::Owner).await;
    let signed_in = login(&app, "claire", &password).await;
    assert_eq!(signed_in.status, StatusCode::OK);
    let session = session_of(&signed_in);
    // A stolen session guessing the current password gets as many tries as a login would.
    for i in 0..MAX_FAILURES_PER_NAME {
        let wrong = change_password(
            &app,
            &session,
            &format!("guess {i}"),
            "granite orbit willow",
        )
        .await;
        assert_eq!(wrong.status, StatusCode::FORBIDDEN, "{}", wrong.text());
    }
    let throttled = change_password(&app, &session, &password, "granite orbit willow").await;
    assert_eq!(
        throttled.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        throttled.text()
    );
    assert!(throttled.header("retry-after").is_some());
    // The same counter as signing in: the name is throttled there too.
    assert_eq!(
        login(&app, "claire", &password).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

async fn weak_passwords_are_refused_with_a_reason_at_every_door(app: App) {
    let password = app.user("claire", "acme", Role::Owner).await;
    let org = app.organization("acme").await.0;
    let session = session_of(&login(&app, "claire", &password).await);
    // The API's new member (owners add people from a session).
    let weak_member = app
        .send(
            Method::PUT,
            &format!("/api/organizations/{org}/members/nadia"),
            None,
            Some((
                "application/json",
                json!({"role": "viewer", "password": "aaaaaaaaaaaa"})
                    .to_string()
                    .into_bytes(),
            )),
            &[("cookie", &session.0), ("x-csrf-token", &session.1)],
        )
        .await;
    assert_eq!(
        weak_member.status,
        StatusCode::BAD_REQUEST,
        "{}",
        weak_member.text()
    );
    assert_eq!(weak_member.json()["field"], "password");
    let detail = weak_member.json()["detail"]
        .as_str()
        .expect("detail")
        .to_string();
    assert!(detail.contains("too easy to guess"), "{detail}");
    assert_eq!(
        app.store().user_by_name("nadia").await.expect("lookup"),
        None
    );
    // The API's password change.
    let weak_change = change_password(&app, &session, &password, "password1234").await;
    assert_eq!(
        weak_change.status,
        StatusCode::BAD_REQUEST,
        "{}",
        weak_change.text()
    );
    assert_eq!(weak_change.json()["field"], "new");
    assert!(weak_change.text().contains("too easy to guess"));
    assert_eq!(
        login(&app, "claire", &password).await.status,
        StatusCode::OK
    );
    // The members page.
    let (cookie, _) = app.sign_in("claire", &password, "/").await;
    let page = app.page(&cookie, &format!("/orgs/{org}/members")).await;
    let fields: Vec<(String, String)> = [
        ("csrf", hidden(&page.text(), "csrf")),
        ("name", "nadia".to_string()),
        ("role", "viewer".to_string()),
        ("password", "qwertyuiop123".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let refused = app
        .post_form(&cookie, &format!("/orgs/{org}/members"), &fields)
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused.text().contains("too easy to guess"),
        "{}",
        refused.text()
    );
    assert_eq!(
        app.store().user_by_name("nadia").await.expect("lookup"),
        None
    );
}

/// A `next` that would leave the site, or that cannot go in a header: each as the browser's
/// query or form decodes it.
const BAD_NEXTS: [&str; 11] = [
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "/\r\nSet-Cookie: a=b",
    "//evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "https://evil.example/",
    "evil.example",
    "/ /evil.example",
    "",
];

async fn a_next_that_leaves_the_site_falls_back_to_the_home_page(app: App) {
    let password = app.user("claire", "acme", Role::Owner).await;
    // As the issue found them, written into the link.
    for query in [
        "/%09/evil.example",
        "/%0a/evil.example",
        "/%0d/evil.example",
        "%2F%2Fevil.example",
    ] {
        let page = app
            .send(
                Method::GET,
                &format!("/login?next={query}"),
                None,
                None,
                &[],
            )
            .await;
        assert_eq!(page.status, StatusCode::OK, "{query}");
        assert_eq!(hidden(&page.text(), "next"), "/", "{query}");
    }
    for next in BAD_NEXTS {
        // The form keeps only a safe `next` (each one percent-encoded in the link).
        let encoded = smm_server::web::urlencode(next).replace('/', "%2F");
        let page = app
            .send(
                Method::GET,
                &format!("/login?next={encoded}"),
                None,
                None,
                &[],
            )
            .await;
        assert_eq!(page.status, StatusCode::OK, "{next:?}");
        assert_eq!(hidden(&page.text(), "next"), "/", "{next:?}");
        // Signing in with it posted goes home, never elsewhere and never to a server error.
        let login_page = app.send(Method::GET, "/login", None, None, &[]).await;
        let fields: Vec<(String, String)> = [
            ("csrf", hidden(&login_page.text(), "csrf")),
            ("next", next.to_string()),
            ("name", "claire".to_string()),
            ("password", password.clone()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let signed_in = app
            .send(
                Method::POST,
                "/login",
                None,
                Some((
                    "application/x-www-form-urlencoded",
                    crate::common::form_body(&fields),
                )),
                &[(
                    "cookie",
                    &crate::common::cookie_pair(&login_page, "smm_login"),
                )],
            )
            .await;
        assert_eq!(
            signed_in.status,
            StatusCode::SEE_OTHER,
            "{next:?}: {}",
            signed_in.text()
        );
        assert_eq!(
            signed_in.header("location").as_deref(),
            Some("/"),
            "{next:?}"
        );
    }
    // A path of the site is followed, query and all.
    let (_, answer) = app
        .sign_in("claire", &password, "/orgs/1?tab=members")
        .await;
    assert_eq!(
        answer.header("location").as_deref(),
        Some("/orgs/1?tab=members")
    );
    // A page asked for while signed out sends to sign in with only a safe `next`.
    let away = app
        .send(Method::GET, "//evil.example/", None, None, &[])
        .await;
    assert_ne!(away.status, StatusCode::INTERNAL_SERVER_ERROR);
    if let Some(location) = away.header("location") {
        assert!(!location.contains("evil"), "{location}");
    }
}

fn login_body(name: &str, password: &str) -> Vec<u8> {
    json!({"name": name, "password": password})
        .to_string()
        .into_bytes()
}

async fn signing_in_through_the_api_needs_json_from_this_site(app: App) {
    let password = app.user("claire", "acme", Role::Owner).await;
    // A form or `text/plain` post is what another site's page can send: refused.
    for content_type in ["text/plain", "application/x-www-form-urlencoded"] {
        let plain = app
            .send(
                Method::POST,
                "/api/session",
                None,
                Some((content_type, login_body("claire", &password))),
                &[],
            )
            .await;
        assert_eq!(
            plain.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type}"
        );
        assert_eq!(plain.json()["field"], "Content-Type");
        assert!(plain.header("set-cookie").is_none());
    }
    let json_type = Some(("application/json", login_body("claire", &password)));
    let foreign = app
        .send(
            Method::POST,
            "/api/session",
            None,
            json_type.clone(),
            &[("host", "smm.test"), ("origin", "https://evil.example")],
        )
        .await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    assert_eq!(
        foreign.header("content-type").as_deref(),
        Some("application/problem+json")
    );
    assert!(foreign.json()["detail"]
        .as_str()
        .is_some_and(|d| d.contains("another site")));
    assert!(foreign.header("set-cookie").is_none());
    let cross = app
        .send(
            Method::POST,
            "/api/session",
            None,
            json_type.clone(),
            &[("sec-fetch-site", "cross-site")],
        )
        .await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);
    let same = app
        .send(
            Method::POST,
            "/api/session",
            None,
            json_type,
            &[
                ("host", "smm.test:8080"),
                ("origin", "http://smm.test:8080"),
            ],
        )
        .await;
    assert_eq!(same.status, StatusCode::OK, "{}", same.text());
}

async fn a_page_form_posted_from_another_site_is_refused(app: App) {
    let password = app.user("claire", "acme", Role::Owner).await;
    let (cookie, _) = app.sign_in("claire", &password, "/").await;
    let org = app.organization("acme").await.0;
    let page = app.page(&cookie, &format!("/orgs/{org}")).await;
    let fields: Vec<(String, String)> = vec![
        ("csrf".to_string(), hidden(&page.text(), "csrf")),
        ("name".to_string(), "Forged Org".to_string()),
    ];
    let post_from = |origin: &'static str, fetch_site: &'static str| {
        let (app, cookie, body) = (&app, cookie.clone(), crate::common::form_body(&fields));
        async move {
            app.send(
                Method::POST,
                "/orgs",
                None,
                Some(("application/x-www-form-urlencoded", body)),
                &[
                    ("cookie", &cookie),
                    ("host", "smm.test"),
                    ("origin", origin),
                    ("sec-fetch-site", fetch_site),
                ],
            )
            .await
        }
    };
    let post = |origin: &'static str| post_from(origin, "same-origin");
    // The right CSRF token is not enough from another site (one leaked would be).
    let foreign = post("https://evil.example").await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN, "{}", foreign.text());
    assert_eq!(foreign.json()["field"], "Origin");
    // A sandboxed or data: page sends `Origin: null`; where it comes from is then in
    // Sec-Fetch-Site.
    let sandboxed = post_from("null", "cross-site").await;
    assert_eq!(
        sandboxed.status,
        StatusCode::FORBIDDEN,
        "{}",
        sandboxed.text()
    );
    assert_eq!(
        app.store()
            .organization_by_name("Forged Org")
            .await
            .expect("lookup"),
        None
    );
    // The sign-in form too.
    let login_page = app.send(Method::GET, "/login", None, None, &[]).await;
    let forged_login = app
        .send(
            Method::POST,
            "/login",
            None,
            Some((
                "application/x-www-form-urlencoded",
                crate::common::form_body(&[
                    ("csrf".into(), hidden(&login_page.text(), "csrf")),
                    ("name".into(), "claire".into()),
                    ("password".into(), password.clone()),
                ]),
            )),
            &[
                (
                    "cookie",
                    &crate::common::cookie_pair(&login_page, "smm_login"),
                ),
                ("origin", "https://evil.example"),
                ("host", "smm.test"),
            ],
        )
        .await;
    assert_eq!(forged_login.status, StatusCode::FORBIDDEN);
    // From the site's own page it works, also when its no-referrer policy makes the browser
    // send `Origin: null`.
    let same = post("http://smm.test").await;
    assert_eq!(same.status, StatusCode::SEE_OTHER, "{}", same.text());
    assert!(app
        .store()
        .organization_by_name("Forged Org")
        .await
        .expect("lookup")
        .is_some());
    let own_null = post_from("null", "same-origin").await;
    assert_ne!(
        own_null.status,
        StatusCode::FORBIDDEN,
        "{}",
        own_null.text()
    );
    // An API token is no browser session: where the request says it comes from does not matter.
    let owner = app.token("acme", Role::Owner).await;
    let with_token = app
        .send(
            Method::POST,
            &format!("/api/organizations/{org}/systems"),
            Some(&owner),
            Some((
                "application/json",
                json!({"name": "GW-9"}).to_string().into_bytes(),
            )),
            &[
                ("origin", "https://elsewhere.example"),
                ("host", "smm.test"),
            ],
        )
        .await;
    assert_eq!(
        with_token.status,
        StatusCode::CREATED,
        "{}",
        with_token.text()
    );
}

on_both! {
    guesses_for_one_name => guesses_at_once_for_one_name_get_no_more_checks_than_its_limit;
    guesses_from_one_address => guesses_at_once_from_one_address_get_no_more_checks_than_its_limit;
    password_change_throttled => changing_a_password_is_throttled_like_a_login;
    weak_passwords => weak_passwords_are_refused_with_a_reason_at_every_door;
    next_stays_on_the_site => a_next_that_leaves_the_site_falls_back_to_the_home_page;
    api_sign_in_needs_json_from_this_site => signing_in_through_the_api_needs_json_from_this_site;
    cross_site_form_refused => a_page_form_posted_from_another_site_is_refused;
}
