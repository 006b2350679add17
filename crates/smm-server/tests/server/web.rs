//! The web pages in-process: signing in with the form, the portfolio, a system, the gap with
//! its charts, the public verification page; escaping, CSRF and the Content-Security-Policy.

use axum::http::{Method, StatusCode};
use serde_json::json;
use smm_store::{Role, SystemKind};

use crate::common::{example, form_body, hidden, Answer, App, Backend};

fn form(fields: &[(&str, &str)]) -> Vec<u8> {
    let owned: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    form_body(&owned)
}

/// A page as a signed-in browser asks for it: with the session cookie.
async fn get_page(app: &App, cookie: &str, path: String) -> Answer {
    app.page(cookie, &path).await
}

/// A form as a signed-in browser posts it: the session cookie, and the page's CSRF token first.
async fn post_form(
    app: &App,
    cookie: &str,
    csrf: &str,
    path: String,
    fields: Vec<(&'static str, String)>,
) -> Answer {
    let mut all: Vec<(&str, &str)> = vec![("csrf", csrf)];
    all.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
    app.send(
        Method::POST,
        &path,
        None,
        Some(("application/x-www-form-urlencoded", form(&all))),
        &[("cookie", cookie)],
    )
    .await
}

/// Signs in through the form: the session cookie.
async fn sign_in(app: &App, name: &str, password: &str, next: &str) -> (String, Answer) {
    app.sign_in(name, password, next).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_signs_in_and_follows_the_pipeline_in_pages() {
    let app = App::start(Backend::Sqlite).await.expect("app");
    let password = app.user("claire", "acme", Role::Owner).await;
    let owner = app.token("acme", Role::Owner).await;
    let org = app.organization("acme").await.0;
    let system = app
        .post_json(
            &format!("/api/organizations/{org}/systems"),
            &owner,
            json!({"name": "Line <script>alert(1)</script>"}),
        )
        .await
        .json()["id"]
        .as_i64()
        .expect("system");
    app.post_yaml(
        &format!("/api/systems/{system}/targets"),
        &owner,
        &example("bottling-line/target.yaml"),
    )
    .await;
    let assessment = app
        .post_yaml(
            &format!("/api/systems/{system}/assessments"),
            &owner,
            &example("bottling-line/assessment.yaml"),
        )
        .await
        .json()["id"]
        .as_i64()
        .expect("assessment");

    // Anonymous: to the sign-in page, and back afterwards.
    let anonymous = app
        .send(Method::GET, &format!("/orgs/{org}"), None, None, &[])
        .await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert_eq!(
        anonymous.header("location").as_deref(),
        Some(format!("/login?next=/orgs/{org}").as_str())
    );
    // A wrong password: the form again, the name kept, the reason shown.
    let (_, wrong) = sign_in(&app, "claire", "not the password", "/").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.text().contains("wrong user name or password"));
    assert!(wrong.text().contains("value=\"claire\""));
    // A login form without its cookie is refused (login CSRF).
    let forged = app
        .send(
            Method::POST,
            "/login",
            None,
            Some((
                "application/x-www-form-urlencoded",
                form(&[("csrf", "x"), ("name", "claire"), ("password", &password)]),
            )),
            &[],
        )
        .await;
    assert!(forged.text().contains("expired"));
    assert!(forged
        .headers
        .get_all("set-cookie")
        .iter()
        .all(|c| !c.to_str().unwrap_or("").starts_with("smm_session=")));
    let (cookie, signed_in) = sign_in(&app, "claire", &password, &format!("/orgs/{org}")).await;
    assert_eq!(
        signed_in.header("location").as_deref(),
        Some(format!("/orgs/{org}").as_str())
    );
    let get = |path: String| get_page(&app, &cookie, path);

    let portfolio = get(format!("/orgs/{org}")).await;
    assert_eq!(portfolio.status, StatusCode::OK);
    // The icon the pages name is served, as an image the policy allows (same origin).
    assert!(portfolio.text().contains("href=\"/static/favicon.svg\""));
    let icon = get("/static/favicon.svg".to_string()).await;
    assert_eq!(icon.status, StatusCode::OK);
    assert_eq!(
        icon.header("content-type").as_deref(),
        Some("image/svg+xml")
    );
    assert!(icon.text().starts_with("<svg"));
    let csp = portfolio.header("content-security-policy").expect("CSP");
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("unsafe"),
        "{csp}"
    );
    let html = portfolio.text();
    assert!(html.contains("Portfolio of acme"));
    assert!(!html.contains("<script>alert(1)"), "names are escaped");
    assert!(
        html.contains("Line &#60;script&#62;") || html.contains("Line &lt;script&gt;"),
        "{html}"
    );
    // No inline script: only this server's own files, which the pages do not need to work.
    assert!(
        html.split("<script")
            .skip(1)
            .all(|tag| tag.starts_with(" src=\"/static/")
                && tag
                    .split_once('>')
                    .is_some_and(|(_, rest)| rest.starts_with("</script>"))),
        "only scripts of our own, none inline"
    );
    assert!(html.contains("under target"));
    let filtered = get(format!("/orgs/{org}?status=met")).await.text();
    assert!(filtered.contains("No system matches"));

    let page = get(format!("/systems/{system}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page
        .text()
        .contains(&format!("/documents/{assessment}/gap")));

    let gap = get(format!("/documents/{assessment}/gap")).await;
    assert_eq!(gap.status, StatusCode::OK);
    let gap = gap.text();
    assert!(gap.contains("chart.svg?kind=bar"));
    assert_eq!(gap.matches("<tr>").count(), 19, "a header and 18 practices");
    let chart = get(format!(
        "/documents/{assessment}/chart.svg?kind=bar&level=subdomain"
    ))
    .await;
    assert_eq!(
        chart.header("content-type").as_deref(),
        Some("image/svg+xml")
    );
    roxmltree_check(&chart.text());
    // Subdomain and domain charts on the page draw each row as its status reads (the same
    // smm-report code as the CLI and the reports).
    for level in ["subdomain", "domain"] {
        for kind in ["bar", "radar", "heatmap"] {
            let chart = get(format!(
                "/documents/{assessment}/chart.svg?kind={kind}&level={level}"
            ))
            .await
            .text();
            let (rows, wrong) = rows_against_status(&chart);
            assert_eq!(
                rows,
                if level == "domain" { 3 } else { 9 },
                "{kind} {level}"
            );
            assert!(wrong.is_empty(), "{kind} {level}:\n{}", wrong.join("\n"));
        }
    }

    // Another organization's system is not found, in pages as in the API.
    let other = app.token("rival", Role::Owner).await;
    let rival_org = app.organization("rival").await.0;
    let theirs = app
        .post_json(
            &format!("/api/organizations/{rival_org}/systems"),
            &other,
            json!({"name": "Secret"}),
        )
        .await
        .json()["id"]
        .as_i64()
        .expect("system");
    assert_eq!(
        get(format!("/systems/{theirs}")).await.status,
        StatusCode::NOT_FOUND
    );
    let hidden_org = get(format!("/orgs/{rival_org}")).await;
    assert_eq!(hidden_org.status, StatusCode::NOT_FOUND);
    // The error page still shows who is signed in, and the way back.
    let error_page = hidden_org.text();
    assert!(error_page.contains("Sign out"), "{error_page}");
    assert!(error_page.contains(&format!("href=\"/orgs/{org}\"")));
    assert!(error_page.contains("claire"));

    // Signing out needs the form's token.
    let portfolio_html = get(format!("/orgs/{org}")).await.text();
    let csrf = hidden(&portfolio_html, "csrf");
    let refused = app
        .send(
            Method::POST,
            "/logout",
            None,
            Some((
                "application/x-www-form-urlencoded",
                form(&[("csrf", "nope")]),
            )),
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let out = app
        .send(
            Method::POST,
            "/logout",
            None,
            Some((
                "application/x-www-form-urlencoded",
                form(&[("csrf", &csrf)]),
            )),
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(
        get(format!("/orgs/{org}")).await.status,
        StatusCode::SEE_OTHER
    );
}

/// The text drawn inside `node`, tooltips left out.
fn drawn_text(node: roxmltree::Node) -> String {
    node.descendants()
        .filter(|n| n.is_text() && !n.ancestors().any(|a| a.has_tag_name("title")))
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `2/I` as drawn.
fn drawn_level(text: &str) -> Option<smm_core::Level> {
    let (c, s) = text.trim().split_once('/')?;
    Some(smm_core::Level::new(
        smm_core::Comprehensiveness::parse(c)?,
        smm_core::Scope::parse(s)?,
    ))
}

/// Rows of a chart (bar: the value labels after the two bars; radar and heat map: the
/// `target → current` text) whose drawn pair does not compare as the status beside it says.
/// Returns the rows read and the ones that disagree.
fn rows_against_status(svg: &str) -> (usize, Vec<String>) {
    let doc = roxmltree::Document::parse(svg).expect("XML");
    let (mut rows, mut wrong) = (0, Vec::new());
    for g in doc.descendants().filter(|n| {
        n.has_tag_name("g") && matches!(n.attribute("class"), Some("item" | "spoke-label"))
    }) {
        let labels: Vec<String> = g
            .children()
            .filter(|n| n.attribute("class").is_some_and(|c| c.starts_with("bar ")))
            .filter_map(|bar| bar.next_sibling_element().map(drawn_text))
            .collect();
        let text = drawn_text(g);
        let pair = match labels.as_slice() {
            [t, c] => drawn_level(t).zip(drawn_level(c)),
            _ => text.split_once('\u{2192}').and_then(|(a, b)| {
                drawn_level(a.split_whitespace().last()?)
                    .zip(drawn_level(b.split_whitespace().next()?))
            }),
        };
        let status = ["under", "met", "over"]
            .into_iter()
            .find(|w| text.split(|c: char| !c.is_alphanumeric()).any(|x| x == *w));
        if let (Some((target, current)), Some(status)) = (pair, status) {
            rows += 1;
            let drawn = smm_core::Status::of(target, current).as_str();
            if drawn != status {
                wrong.push(format!("{target} against {current} beside {status}"));
            }
        }
    }
    (rows, wrong)
}

fn roxmltree_check(svg: &str) {
    assert!(
        svg.starts_with("<svg") || svg.starts_with("<?xml"),
        "{}",
        &svg[..svg.len().min(80)]
    );
    assert!(svg.contains("</svg>"));
}

fn multipart(fields: &[(&str, &str)]) -> (String, Vec<u8>) {
    let boundary = "smmboundary7d93";
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    (
        format!("multipart/form-data; boundary={boundary}"),
        body.into_bytes(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anyone_verifies_a_certificate_on_the_public_page() {
    let app = App::start(Backend::Sqlite).await.expect("app");
    let owner = app.token("vendor", Role::Owner).await;
    let org = app.organization("vendor").await.0;
    let system = app
        .post_json(
            &format!("/api/organizations/{org}/systems"),
            &owner,
            json!({"name": "GW-7"}),
        )
        .await
        .json()["id"]
        .as_i64()
        .expect("system");
    app.post_yaml(
        &format!("/api/systems/{system}/targets"),
        &owner,
        &example("ota-gateway/target.yaml"),
    )
    .await;
    let last = app
        .post_yaml(
            &format!("/api/systems/{system}/assessments"),
            &owner,
            &example("ota-gateway/certification/assessment-final.yaml"),
        )
        .await
        .json()["id"]
        .as_i64()
        .expect("assessment");
    let issued = app
        .post_json(
            &format!("/api/systems/{system}/certificates"),
            &owner,
            json!({"kind": "declaration", "assessments": [last]}),
        )
        .await;
    assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.text());
    let envelope = issued.json()["envelope"].to_string();

    let form_page = app.send(Method::GET, "/verify", None, None, &[]).await;
    assert_eq!(form_page.status, StatusCode::OK);
    assert!(form_page.text().contains("<label for=\"certificate\">"));
    let post = |fields: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let borrowed: Vec<(&str, &str)> =
                fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let (content_type, body) = multipart(&borrowed);
            app.send(
                Method::POST,
                "/verify",
                None,
                Some((&content_type, body)),
                &[],
            )
            .await
        }
    };
    let ok = post(vec![
        ("certificate", envelope.clone()),
        ("target", example("ota-gateway/target.yaml")),
    ])
    .await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(
        ok.text().contains("Valid: every check holds"),
        "{}",
        ok.text()
    );
    // Uploaded as a file, tampered: not valid, with the reason.
    let tampered = envelope.replacen("\"payload\":\"", "\"payload\":\"A", 1);
    let bad = post(vec![
        ("certificate", String::new()),
        ("certificate_file", tampered),
    ])
    .await;
    assert!(bad.text().contains("Not valid"), "{}", bad.text());
    // Nonsense is explained, and what was typed is kept.
    let nonsense = post(vec![("certificate", "hello".to_string())]).await;
    assert!(nonsense.text().contains("This is not a certificate"));
    assert!(nonsense.text().contains(">hello</textarea>"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wizard_sets_a_target_in_five_steps_and_keeps_every_answer() {
    let app = App::start(Backend::Sqlite).await.expect("app");
    let password = app.user("claire", "acme", Role::Owner).await;
    let owner = app.token("acme", Role::Owner).await;
    let org = app.organization("acme").await.0;
    let system = app.system(&owner, org, "Bottling line").await;
    let (cookie, _) = sign_in(&app, "claire", &password, "/").await;
    let page = app
        .page(&cookie, &format!("/systems/{system}"))
        .await
        .text();
    assert!(page.contains("Set a new target"));
    let csrf = hidden(&page, "csrf");
    let post = |path: String, fields: Vec<(&'static str, String)>| {
        post_form(&app, &cookie, &csrf, path, fields)
    };
    let started = post(
        format!("/systems/{system}/drafts"),
        vec![("template", "smart-manufacturing".into())],
    )
    .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.text());
    let step1 = started.header("location").expect("location");
    let draft: String = step1
        .trim_start_matches("/drafts/")
        .split('/')
        .next()
        .expect("id")
        .to_string();
    let show = |step: &'static str| {
        let (app, cookie, draft) = (&app, cookie.clone(), draft.clone());
        async move {
            app.send(
                Method::GET,
                &format!("/drafts/{draft}/{step}"),
                None,
                None,
                &[("cookie", &cookie)],
            )
            .await
        }
    };
    let background = show("background").await;
    assert_eq!(background.status, StatusCode::OK);
    assert!(
        background.text().contains("value=\"Bottling line\"")
            || background.text().contains(">Bottling line</textarea>")
    );
    // Step 1, with a bad date: kept, explained, not lost.
    let bad = post(
        format!("/drafts/{draft}/background"),
        vec![
            ("template", "smart-manufacturing".into()),
            ("name", "Bottling line target".into()),
            ("system", "The line and its remote access".into()),
            ("role", "integrator".into()),
            ("date", "2026-02-30".into()),
            ("go", "next".into()),
        ],
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains("is not a date"));
    assert!(bad.text().contains("value=\"Bottling line target\""));
    let ok = post(
        format!("/drafts/{draft}/background"),
        vec![
            ("template", "smart-manufacturing".into()),
            ("name", "Bottling line target".into()),
            ("system", "The line and its remote access".into()),
            ("role", "integrator".into()),
            ("date", "2026-03-02".into()),
            ("background", "Two new internet connections.".into()),
            ("go", "next".into()),
        ],
    )
    .await;
    assert_eq!(
        ok.header("location").as_deref(),
        Some(format!("/drafts/{draft}/factors").as_str())
    );
    let factors = show("factors").await.text();
    assert!(factors.contains("name=\"factor.exposure.description\""));
    let ok = post(
        format!("/drafts/{draft}/factors"),
        vec![
            ("factor.exposure.impact", "high".into()),
            (
                "factor.exposure.description",
                "Cloud analytics and remote maintenance reach the line.".into(),
            ),
            ("go", "next".into()),
        ],
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let goals = show("goals").await.text();
    assert!(goals.contains("type=\"radio\""));
    assert!(
        goals.contains("As it stands"),
        "the consequences are shown beside the form"
    );
    let ok = post(
        format!("/drafts/{draft}/goals"),
        vec![("go", "next".into())],
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    // Step 4: an override without a reason is refused, and what was chosen stays chosen.
    let refused = post(
        format!("/drafts/{draft}/subdomains"),
        vec![
            ("item.threats.take", "override".into()),
            ("item.threats.comprehensiveness", "3".into()),
            ("item.threats.scope", "industry".into()),
            ("go", "next".into()),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = refused.text();
    assert!(text.contains("A change needs a reason"));
    assert!(text.contains(
        "id=\"take-threats-override\" name=\"item.threats.take\" value=\"override\" checked"
    ));
    let ok = post(
        format!("/drafts/{draft}/subdomains"),
        vec![
            ("item.threats.take", "override".into()),
            ("item.threats.comprehensiveness", "3".into()),
            ("item.threats.scope", "industry".into()),
            (
                "item.threats.rationale",
                "Process risks need established threat modeling.".into(),
            ),
            ("go", "next".into()),
        ],
    )
    .await;
    assert_eq!(
        ok.header("location").as_deref(),
        Some(format!("/drafts/{draft}/practices").as_str())
    );
    let practices = show("practices").await.text();
    assert!(practices.contains("What each level means for this practice"));
    let ok = post(
        format!("/drafts/{draft}/practices"),
        vec![("go", "next".into())],
    )
    .await;
    assert_eq!(
        ok.header("location").as_deref(),
        Some(format!("/drafts/{draft}/review").as_str())
    );
    let review = show("review").await.text();
    assert!(review.contains("Process risks need established threat modeling."));
    let finished = post(format!("/drafts/{draft}/finish"), vec![]).await;
    assert_eq!(
        finished.status,
        StatusCode::SEE_OTHER,
        "{}",
        finished.text()
    );
    // The target is an ordinary document: it resolves, and says why threats are at 3.
    let targets = app
        .get(&format!("/api/systems/{system}/targets"), &owner)
        .await
        .json();
    let id = targets["items"][0]["id"].as_i64().expect("a target");
    let body = app
        .get(&format!("/api/documents/{id}"), &owner)
        .await
        .json()["body"]
        .as_str()
        .expect("body")
        .to_string();
    let target = smm_core::parse_target(&body).expect("parses");
    let resolved = smm_core::resolve(&smm_core::Catalog::builtin(), &target).expect("resolves");
    let threats = resolved.subdomain("threats").expect("threats");
    assert_eq!(threats.level.comprehensiveness.value(), 3);
    assert!(threats
        .rationale
        .as_deref()
        .unwrap_or("")
        .contains("threat modeling"));
    // The draft is gone once it became a target.
    assert_eq!(show("review").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_runs_an_organization_from_the_pages() {
    let app = App::start(Backend::Sqlite).await.expect("app");
    let password = app.user("claire", "acme", Role::Owner).await;
    let org = app.organization("acme").await.0;
    let (cookie, _) = sign_in(&app, "claire", &password, "/").await;
    let get = |path: String| get_page(&app, &cookie, path);
    let portfolio = get(format!("/orgs/{org}")).await.text();
    let csrf = hidden(&portfolio, "csrf");
    let post = |path: String, fields: Vec<(&'static str, String)>| {
        post_form(&app, &cookie, &csrf, path, fields)
    };
    // A product, from the portfolio.
    let made = post(
        format!("/orgs/{org}/systems"),
        vec![
            ("name", "GW-7".into()),
            ("kind", "product".into()),
            ("line", "GW platform".into()),
        ],
    )
    .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text());
    let location = made.header("location").expect("location");
    let (path, query) = location.split_once('?').expect("a confirmation");
    assert_eq!(query, "done=system-created");
    let system: i64 = path.trim_start_matches("/systems/").parse().expect("id");
    // Its target and two assessments (the API is quicker for the documents themselves).
    let token = app.token("acme", Role::Owner).await;
    app.post_yaml(
        &format!("/api/systems/{system}/targets"),
        &token,
        &example("ota-gateway/target.yaml"),
    )
    .await;
    let mut assessments = Vec::new();
    for file in ["assessment-initial.yaml", "assessment-final.yaml"] {
        let a = app
            .post_yaml(
                &format!("/api/systems/{system}/assessments"),
                &token,
                &example(&format!("ota-gateway/certification/{file}")),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text());
        assessments.push(a.json()["id"].as_i64().expect("id"));
    }
    let page = get(format!("/systems/{system}")).await.text();
    assert!(page.contains(&format!("/systems/{system}/trend.svg")));
    // Moments read as people write them, marked up for the reader's own time zone.
    let moment = page
        .split("<time datetime=\"")
        .nth(1)
        .expect("a <time> element");
    let (stored, rest) = moment.split_once("\">").expect("datetime");
    let shown = rest.split("</time>").next().expect("text");
    assert_eq!(shown, smm_server::web::when(stored));
    assert!(shown.ends_with(" UTC") && shown != stored, "{shown}");
    assert!(page.contains("/static/time.js"));
    // Documents are named as people name them, not by number.
    let target_title = smm_core::parse_target(&example("ota-gateway/target.yaml"))
        .expect("target")
        .title();
    assert!(page.contains(&target_title), "{target_title}");
    assert!(!page.contains("Target #") && !page.contains("Assessment #"));
    let trend = get(format!("/systems/{system}/trend.svg")).await;
    assert_eq!(
        trend.header("content-type").as_deref(),
        Some("image/svg+xml"),
        "{}",
        trend.text()
    );
    // Roadmap: with a budget, a schedule and a timeline; a bad budget comes back explained.
    let roadmap = get(format!(
        "/documents/{}/roadmap?budget=40000&unit=money&period=quarter&start=2027-01&deadline=",
        assessments[0]
    ))
    .await;
    assert_eq!(roadmap.status, StatusCode::OK, "{}", roadmap.text());
    let html = roadmap.text();
    assert!(html.contains("timeline.svg"));
    let bad = get(format!("/documents/{}/roadmap?budget=lots", assessments[0])).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains("value=\"lots\""));
    let src = html
        .split("src=\"")
        .find(|s| s.starts_with("/documents/"))
        .and_then(|s| s.split('"').next())
        .expect("timeline src");
    let timeline = get(src.replace("&amp;", "&")).await;
    assert_eq!(
        timeline.header("content-type").as_deref(),
        Some("image/svg+xml"),
        "{}",
        timeline.text()
    );
    // Compare the target with the final assessment.
    let targets = app
        .get(&format!("/api/systems/{system}/targets"), &token)
        .await
        .json();
    let target = targets["items"][0]["id"].as_i64().expect("target");
    let compared = get(format!(
        "/orgs/{org}/compare?left={target}&right={}",
        assessments[1]
    ))
    .await
    .text();
    assert!(compared.contains("covers"), "{compared}");
    assert!(
        compared.contains("class=\"ok\""),
        "a verdict that covers is shown as good"
    );
    // The profiles to choose from are named by system and title, not by number.
    let title = smm_core::parse_target(&example("ota-gateway/target.yaml"))
        .expect("target")
        .title();
    assert!(compared.contains(&format!("GW-7 — {title}")), "{compared}");
    assert!(!compared.contains("— target #"), "{compared}");
    // The first assessment falls short of the target: the verdict says so, in the warning colour.
    let short = get(format!(
        "/orgs/{org}/compare?left={target}&right={}",
        assessments[0]
    ))
    .await
    .text();
    assert!(
        short.contains("class=\"short\"") && short.contains("Falls short"),
        "{short}"
    );
    // The owner's own attestation is a supplier's declaration: refused while findings are
    // open, signed on the final assessment, revoked after a confirmation.
    let refused = post(
        format!("/systems/{system}/certificates"),
        vec![
            ("kind", "declaration".into()),
            ("assessment", assessments[0].to_string()),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.text().contains("no declaration issued"),
        "{}",
        refused.text()
    );
    let issued = post(
        format!("/systems/{system}/certificates"),
        vec![
            ("kind", "declaration".into()),
            ("assessment", assessments[1].to_string()),
        ],
    )
    .await;
    assert_eq!(issued.status, StatusCode::SEE_OTHER, "{}", issued.text());
    let page = get(format!("/systems/{system}")).await.text();
    let cert_link = page
        .split("href=\"/certificates/")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .find(|link| link.ends_with("/cert.json"))
        .expect("certificate link");
    let cert_id: i64 = cert_link
        .split('/')
        .next()
        .expect("id")
        .parse()
        .expect("id");
    let download = get(format!("/certificates/{cert_link}")).await;
    assert!(download
        .header("content-disposition")
        .unwrap_or_default()
        .starts_with("attachment"));
    assert!(download.text().contains("payloadType"));
    let revoked = post(
        format!("/certificates/{cert_id}/revoke"),
        vec![("reason", "recalled".into()), ("confirm", "yes".into())],
    )
    .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    assert!(get(format!("/systems/{system}"))
        .await
        .text()
        .contains("recalled"));
    // Members: a new assessor with a first password; a token whose secret is shown once.
    let added = post(
        format!("/orgs/{org}/members"),
        vec![
            ("name", "nadia".into()),
            ("role", "assessor".into()),
            ("password", "a long enough password".into()),
        ],
    )
    .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text());
    let members = get(format!("/orgs/{org}/members")).await.text();
    assert!(members.contains("nadia") && members.contains("assessor"));
    let token_page = post(
        format!("/orgs/{org}/tokens"),
        vec![
            ("name", "ci".into()),
            ("role", "editor".into()),
            ("days", "90".into()),
        ],
    )
    .await
    .text();
    let secret = token_page
        .split("value=\"smm_")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the secret, once");
    assert_eq!(
        app.get("/api/session", &format!("smm_{secret}"))
            .await
            .json()["user"],
        "token:ci"
    );
    assert!(!get(format!("/orgs/{org}/members"))
        .await
        .text()
        .contains(secret));
    // The audit log records all of it, and its chain holds.
    let audit = get(format!("/orgs/{org}/audit")).await.text();
    assert!(audit.contains("certificate.revoke") && audit.contains("token.create"));
    assert!(audit.contains("hash chain holds"));
    // A viewer sees pages but no forms that change anything, and a forged post is refused.
    let viewer = app.user("victor", "acme", Role::Viewer).await;
    let (viewer_cookie, _) = sign_in(&app, "victor", &viewer, "/").await;
    let seen = app
        .send(
            Method::GET,
            &format!("/systems/{system}"),
            None,
            None,
            &[("cookie", &viewer_cookie)],
        )
        .await
        .text();
    assert!(!seen.contains("Issue a certificate") && !seen.contains("Set a new target"));
    let viewer_csrf = hidden(&seen, "csrf");
    let forged = app
        .send(
            Method::POST,
            &format!("/orgs/{org}/systems"),
            None,
            Some((
                "application/x-www-form-urlencoded",
                form(&[("csrf", &viewer_csrf), ("name", "sneaky")]),
            )),
            &[("cookie", &viewer_cookie)],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // A target's limitation is shown on the compare page beside the practice it limits, with
    // its side.
    let limited = app
        .post_yaml(
            &format!("/api/systems/{system}/targets"),
            &token,
            &(example("ota-gateway/target.yaml")
                + "limitations:\n  monitoring:\n    limited: no agent on the ECU\n    because: the real-time bus has no spare cycles\n    compensating: [gateway-side logging]\n"),
        )
        .await;
    assert_eq!(limited.status, StatusCode::CREATED, "{}", limited.text());
    let limited = limited.json()["id"].as_i64().expect("id");
    let page = get(format!(
        "/orgs/{org}/compare?left={limited}&right={}",
        assessments[1]
    ))
    .await
    .text();
    assert!(
        page.contains("A: limited: no agent on the ECU; because: the real-time bus has no spare cycles; compensated by: gateway-side logging"),
        "{page}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_page_flags_an_entry_changed_behind_the_servers_back() {
    let app = App::start(Backend::Sqlite).await.expect("app");
    let password = app.user("claire", "acme", Role::Owner).await;
    let org = app.organization("acme").await;
    for name in ["GW-7", "GW-8"] {
        app.store()
            .create_system_of_kind("claire", org, name, SystemKind::Product, None)
            .await
            .expect("system");
    }
    let (cookie, _) = sign_in(&app, "claire", &password, "/").await;
    let audit = || async {
        app.send(
            Method::GET,
            &format!("/orgs/{}/audit", org.0),
            None,
            None,
            &[("cookie", &cookie)],
        )
        .await
        .text()
    };
    let page = audit().await;
    assert!(page.contains("hash chain holds"), "{page}");
    assert!(!page.contains("changed after it was written"));

    // Someone with the database file drops the append-only guard and rewrites who created the
    // second product.
    sqlx::query("DROP TRIGGER audit_log_no_update")
        .execute(app.store().pool())
        .await
        .expect("drop the guard");
    let seq: i64 =
        sqlx::query_scalar("SELECT MAX(seq) FROM audit_log WHERE action = 'product.create'")
            .fetch_one(app.store().pool())
            .await
            .expect("entry");
    sqlx::query("UPDATE audit_log SET actor = 'mallory' WHERE seq = $1")
        .bind(seq)
        .execute(app.store().pool())
        .await
        .expect("tamper");

    // The page sees it at once, although the whole chain was checked moments ago.
    let page = audit().await;
    assert!(page.contains("changed after it was written"), "{page}");
    assert!(page.contains("hash chain is broken"), "{page}");
    assert_eq!(page.matches("changed after it was written").count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_background_save_never_replaces_a_submitted_step() {
    let app = App::start(Backend::Sqlite).await.expect("app");
    let password = app.user("claire", "acme", Role::Owner).await;
    let org = app.organization("acme").await;
    let system = app
        .store()
        .create_system_of_kind("claire", org, "GW-7", SystemKind::Product, None)
        .await
        .expect("system")
        .0;
    let (cookie, _) = sign_in(&app, "claire", &password, "/").await;
    let get = |path: String| get_page(&app, &cookie, path);
    let csrf = hidden(&get(format!("/systems/{system}")).await.text(), "csrf");
    let post = |path: String, fields: Vec<(&'static str, String)>| {
        post_form(&app, &cookie, &csrf, path, fields)
    };
    let started = post(format!("/systems/{system}/drafts"), vec![]).await;
    let step = started.header("location").expect("location");
    let named = |name: &str, revision: &str, autosave: bool, go: &str| {
        let mut fields = vec![
            ("name", name.to_string()),
            ("revision", revision.to_string()),
            ("go", go.to_string()),
        ];
        if autosave {
            fields.push(("autosave", "1".to_string()));
        }
        post(step.clone(), fields)
    };
    let shown = get(step.clone()).await.text();
    assert_eq!(hidden(&shown, "revision"), "0");

    // The page's script saves what is typed; the page it gets back carries the next revision.
    let saved = named("First try", "0", true, "save").await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let shown = get(step.clone()).await.text();
    assert_eq!(hidden(&shown, "revision"), "1");
    assert!(shown.contains("value=\"First try\""));

    // The person submits the step; a background save sent just before reaches the server late.
    let submitted = named("Final name", "1", false, "next").await;
    assert_eq!(submitted.status, StatusCode::SEE_OTHER);
    assert!(submitted
        .header("location")
        .expect("next")
        .ends_with("/factors"));
    let late = named("Final nam", "1", true, "save").await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.text());
    assert!(late.text().contains("saved elsewhere"));
    let shown = get(step.clone()).await.text();
    assert!(shown.contains("value=\"Final name\""), "{shown}");
    assert_eq!(hidden(&shown, "revision"), "2");

    // A submit from a page loaded long ago is still the person's latest word: it lands.
    let again = named("Named from an old tab", "0", false, "save").await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.text());
    let shown = get(step.clone()).await.text();
    assert!(shown.contains("value=\"Named from an old tab\""));
    assert_eq!(hidden(&shown, "revision"), "3");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_page_answers_garbage_with_a_server_error() {
    let app = App::start(Backend::Sqlite).await.expect("app");
    let password = app.user("claire", "acme", Role::Owner).await;
    let owner = app.token("acme", Role::Owner).await;
    let org = app.organization("acme").await.0;
    let system = app
        .post_json(
            &format!("/api/organizations/{org}/systems"),
            &owner,
            json!({"name": "Line"}),
        )
        .await
        .json()["id"]
        .as_i64()
        .expect("system");
    app.post_yaml(
        &format!("/api/systems/{system}/targets"),
        &owner,
        &example("bottling-line/target.yaml"),
    )
    .await;
    app.post_yaml(
        &format!("/api/systems/{system}/assessments"),
        &owner,
        &example("bottling-line/assessment.yaml"),
    )
    .await;
    let (cookie, _) = sign_in(&app, "claire", &password, "/").await;
    let csrf = hidden(
        &app.send(
            Method::GET,
            &format!("/orgs/{org}"),
            None,
            None,
            &[("cookie", &cookie)],
        )
        .await
        .text(),
        "csrf",
    );
    let paths = [
        "/".to_string(),
        "/login".into(),
        "/logout".into(),
        "/switch?org=abc".into(),
        format!("/orgs/{org}"),
        "/orgs/x".into(),
        format!("/orgs/{org}?status=%FF"),
        format!("/systems/{system}"),
        "/systems/-1".into(),
        "/documents/1/gap".into(),
        "/documents/2/gap".into(),
        "/documents/2/chart.svg?kind=pie&level=x".into(),
        "/documents/2/roadmap?budget=-5&start=13-2027".into(),
        "/documents/1/roadmap".into(),
        "/documents/2/timeline.svg".into(),
        format!("/orgs/{org}/compare?left=1&right=999"),
        format!("/orgs/{org}/compare.svg?left=1"),
        format!("/systems/{system}/trend.svg"),
        "/verify".into(),
        format!("/systems/{system}/drafts"),
        "/drafts/999/background".into(),
        "/drafts/1/nowhere".into(),
        "/drafts/1/finish".into(),
        format!("/systems/{system}/assessments/new?target=2"),
        "/documents/1/edit".into(),
        "/documents/2/edit".into(),
        format!("/orgs/{org}/members"),
        format!("/orgs/{org}/tokens"),
        format!("/orgs/{org}/tokens/99/revoke"),
        format!("/orgs/{org}/audit?after=x"),
        format!("/systems/{system}/certificates"),
        "/certificates/1/cert.json".into(),
        "/certificates/1/cert.proof.json".into(),
        "/certificates/1/cert.pdf".into(),
        "/certificates/1/cert.html".into(),
        "/certificates/1/revoke".into(),
        "/orgs".into(),
        format!("/orgs/{org}/systems"),
    ];
    let bodies: Vec<(&str, Vec<u8>)> = vec![
        ("application/x-www-form-urlencoded", b"".to_vec()),
        (
            "application/x-www-form-urlencoded",
            format!(
                "csrf={csrf}&name=%00%FF&role=emperor&assessment=x&go=sideways&kind=&budget=1e9"
            )
            .into_bytes(),
        ),
        (
            "application/x-www-form-urlencoded",
            vec![0xff, 0xfe, b'=', 0x00],
        ),
        (
            "multipart/form-data; boundary=x",
            b"--x\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nnope\r\n--x--\r\n"
                .to_vec(),
        ),
        ("multipart/form-data; boundary=x", b"garbage".to_vec()),
        ("application/json", b"{\"csrf\": 1}".to_vec()),
    ];
    let mut sent = 0;
    for path in &paths {
        let answer = app
            .send(Method::GET, path, None, None, &[("cookie", &cookie)])
            .await;
        assert!(
            answer.status.as_u16() < 500,
            "GET {path} -> {}: {}",
            answer.status,
            answer.text()
        );
        sent += 1;
        for (content_type, body) in &bodies {
            let answer = app
                .send(
                    Method::POST,
                    path,
                    None,
                    Some((content_type, body.clone())),
                    &[("cookie", &cookie)],
                )
                .await;
            assert!(
                answer.status.as_u16() < 500,
                "POST {path} ({content_type}) -> {}: {}",
                answer.status,
                answer.text()
            );
            sent += 1;
        }
    }
    assert!(sent > 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_gives_and_takes_access_in_pages_and_only_an_owner_can() {
    let app = App::start(Backend::Sqlite).await.expect("app");
    let password = app.user("olga", "vendor", Role::Owner).await;
    let editor_password = app.user("ed", "vendor", Role::Editor).await;
    let lab_password = app.user("lena", "lab", Role::Owner).await;
    let lab = app.organization("lab").await.0;
    let owner = app.token("vendor", Role::Owner).await;
    let org = app.organization("vendor").await.0;
    let system = app
        .post_json(
            &format!("/api/organizations/{org}/systems"),
            &owner,
            json!({"name": "Gateway"}),
        )
        .await
        .json()["id"]
        .as_i64()
        .expect("system");
    let (cookie, _) = sign_in(&app, "olga", &password, "/").await;
    // The portfolio shows the confirmation a creation redirects with, and only ours.
    let confirmed = get_page(
        &app,
        &cookie,
        format!("/orgs/{org}?done=organization-created"),
    )
    .await
    .text();
    assert!(confirmed.contains("Organization created"), "{confirmed}");
    let crafted = get_page(&app, &cookie, format!("/orgs/{org}?done=%3Cb%3Ehi"))
        .await
        .text();
    assert!(!crafted.contains("id=\"confirmation\""), "{crafted}");
    let page = get_page(&app, &cookie, format!("/systems/{system}"))
        .await
        .text();
    assert!(page.contains("No other organization has access."), "{page}");
    let csrf = hidden(&page, "csrf");
    let given = post_form(
        &app,
        &cookie,
        &csrf,
        format!("/systems/{system}/grants"),
        vec![("organization", "lab".into()), ("role", "assessor".into())],
    )
    .await;
    assert_eq!(given.status, StatusCode::SEE_OTHER, "{}", given.text());
    let landing = given.header("location").expect("redirect");
    let confirmed = get_page(&app, &cookie, landing).await.text();
    assert!(confirmed.contains("Access offered"), "{confirmed}");
    let grants = app
        .get(&format!("/api/systems/{system}/grants"), &owner)
        .await
        .json();
    assert_eq!(grants[0]["organization"], "lab");
    assert_eq!(grants[0]["role"], "assessor");
    assert_eq!(grants[0]["status"], "pending");
    let page = get_page(&app, &cookie, format!("/systems/{system}"))
        .await
        .text();
    assert!(page.contains("Withdraw the offer"), "{page}");
    // The lab's owner accepts it on the lab's members page.
    let (lena, _) = sign_in(&app, "lena", &lab_password, "/").await;
    let members = get_page(&app, &lena, format!("/orgs/{lab}/members"))
        .await
        .text();
    assert!(members.contains("Accept Gateway"), "{members}");
    let offer = members
        .split(&format!("action=\"/orgs/{lab}/offers/"))
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the offer's form")
        .to_string();
    let accepted = post_form(
        &app,
        &lena,
        &hidden(&members, "csrf"),
        format!("/orgs/{lab}/offers/{offer}"),
        vec![("answer", "accept".into())],
    )
    .await;
    assert_eq!(
        accepted.status,
        StatusCode::SEE_OTHER,
        "{}",
        accepted.text()
    );
    let page = get_page(&app, &cookie, format!("/systems/{system}"))
        .await
        .text();
    assert!(page.contains("Take access away"), "{page}");
    // An unknown organization gets the same answer as a known one: nothing tells them apart.
    let unknown = post_form(
        &app,
        &cookie,
        &csrf,
        format!("/systems/{system}/grants"),
        vec![("organization", "nobody".into()), ("role", "viewer".into())],
    )
    .await;
    assert_eq!(unknown.status, StatusCode::SEE_OTHER);
    let withdrawn = post_form(
        &app,
        &cookie,
        &csrf,
        format!("/systems/{system}/grants/revoke"),
        vec![("organization", "nobody".into())],
    )
    .await;
    assert_eq!(withdrawn.status, StatusCode::SEE_OTHER);
    // An editor sees who has access but cannot change it, through the page or by posting.
    let (editor, _) = sign_in(&app, "ed", &editor_password, "/").await;
    let seen = get_page(&app, &editor, format!("/systems/{system}"))
        .await
        .text();
    assert!(
        seen.contains("lab") && !seen.contains("Take access away"),
        "{seen}"
    );
    let editor_csrf = hidden(&seen, "csrf");
    let refused = post_form(
        &app,
        &editor,
        &editor_csrf,
        format!("/systems/{system}/grants/revoke"),
        vec![("organization", "lab".into())],
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // The owner takes it away.
    let taken = post_form(
        &app,
        &cookie,
        &csrf,
        format!("/systems/{system}/grants/revoke"),
        vec![("organization", "lab".into())],
    )
    .await;
    assert_eq!(taken.status, StatusCode::SEE_OTHER, "{}", taken.text());
    let grants = app
        .get(&format!("/api/systems/{system}/grants"), &owner)
        .await
        .json();
    assert_eq!(grants.as_array().map(Vec::len), Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_to_hand_over_downloads_for_a_reader_and_not_for_a_stranger() {
    let app = App::start(Backend::Sqlite).await.expect("app");
    let owner = app.token("vendor", Role::Owner).await;
    let org = app.organization("vendor").await.0;
    let system = app.system(&owner, org, "GW-7").await;
    app.document(
        &owner,
        system,
        "targets",
        &example("ota-gateway/target.yaml"),
    )
    .await;
    let last = app
        .document(
            &owner,
            system,
            "assessments",
            &example("ota-gateway/certification/assessment-final.yaml"),
        )
        .await;
    let issued = app
        .post_json(
            &format!("/api/systems/{system}/certificates"),
            &owner,
            json!({"kind": "declaration", "assessments": [last]}),
        )
        .await;
    assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.text());
    let id = issued.json()["id"].as_i64().expect("id");
    let password = app.user("rita", "vendor", Role::Viewer).await;
    let (reader, _) = sign_in(&app, "rita", &password, "/").await;
    let fetch = |cookie: String, path: String, headers: Vec<(&'static str, &'static str)>| {
        let app = &app;
        async move {
            let mut all = vec![("cookie", cookie.as_str())];
            all.extend(headers);
            app.send(Method::GET, &path, None, None, &all).await
        }
    };
    // The system page links both documents beside the signed file.
    let page = get_page(&app, &reader, format!("/systems/{system}"))
        .await
        .text();
    assert!(page.contains(&format!("href=\"/certificates/{id}/cert.pdf\"")));
    assert!(page.contains(&format!("href=\"/certificates/{id}/cert.html\"")));
    // The PDF: one page, the kind first.
    let pdf = fetch(
        reader.clone(),
        format!("/certificates/{id}/cert.pdf"),
        vec![("host", "smm.example.org")],
    )
    .await;
    assert_eq!(pdf.status, StatusCode::OK, "{}", pdf.text());
    assert_eq!(
        pdf.header("content-type").as_deref(),
        Some("application/pdf")
    );
    assert!(pdf
        .header("content-disposition")
        .unwrap_or_default()
        .starts_with("attachment; filename=\"cert-"));
    let pages = pdf_extract::extract_text_from_mem_by_pages(&pdf.body).expect("a PDF");
    assert_eq!(pages.len(), 1);
    let text = pages[0].split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.starts_with("Supplier's declaration"), "{text}");
    assert!(
        text.contains("http://smm.example.org/verify?serial="),
        "{text}"
    );
    // The HTML: behind a TLS proxy the link is https; the policy allows its inline styles only.
    let html = fetch(
        reader.clone(),
        format!("/certificates/{id}/cert.html"),
        vec![
            ("host", "smm.example.org:8443"),
            ("x-forwarded-proto", "https"),
        ],
    )
    .await;
    assert_eq!(html.status, StatusCode::OK, "{}", html.text());
    assert!(html
        .header("content-type")
        .unwrap_or_default()
        .starts_with("text/html"));
    assert!(html
        .header("content-security-policy")
        .unwrap_or_default()
        .starts_with("default-src 'none'; style-src 'unsafe-inline'"));
    assert!(html
        .text()
        .contains("href=\"https://smm.example.org:8443/verify?serial="));
    // A Host that is not a plain host name is refused, not written into the document.
    let forged = fetch(
        reader.clone(),
        format!("/certificates/{id}/cert.html"),
        vec![("host", "evil.example\"><script>")],
    )
    .await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
    assert!(!forged.text().contains("<script>"));
    // A stranger does not learn that the certificate exists.
    let password = app.user("sam", "elsewhere", Role::Owner).await;
    let (stranger, _) = sign_in(&app, "sam", &password, "/").await;
    for ext in ["pdf", "html"] {
        let hidden = fetch(
            stranger.clone(),
            format!("/certificates/{id}/cert.{ext}"),
            vec![("host", "smm.example.org")],
        )
        .await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{ext}");
    }
    // Revoked: no document to hand over, and no link to one.
    let revoked = app
        .post_json(
            &format!("/api/certificates/{id}/revoke"),
            &owner,
            json!({"reason": "withdrawn"}),
        )
        .await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.text());
    let gone = fetch(
        reader.clone(),
        format!("/certificates/{id}/cert.pdf"),
        vec![("host", "smm.example.org")],
    )
    .await;
    assert_eq!(gone.status, StatusCode::CONFLICT);
    let page = get_page(&app, &reader, format!("/systems/{system}"))
        .await
        .text();
    assert!(!page.contains(&format!("/certificates/{id}/cert.pdf")));
}
