//! Certificates people can trust, tried as a new user and as an attacker would: a vendor that
//! assesses its own product cannot get a certificate (through the API or the pages), only a
//! supplier's declaration, which verifies as one and never as a certificate; a certification
//! body's certificate is signed with its own key; the public page of an attestation says what
//! it is first and shows nothing private, and who approved the profile attested; revoking asks
//! for a reason and a confirmation.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};
use smm_store::Role;

use crate::common::{example, hidden, App, Backend};

async fn verify(app: &App, envelope: &Value) -> Value {
    let body = json!({ "certificate": envelope });
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

#[tokio::test]
async fn a_vendor_cannot_certify_itself_and_its_declaration_never_passes_for_a_certificate() {
    let app = App::start(Backend::Sqlite).await.expect("server");
    let (owner, system, assessment) = app.vendor().await;
    let path = format!("/api/systems/{system}/certificates");

    // Asked for a certificate of its own product: refused, with the reason and the way out.
    let refused = app
        .post_json(&path, &owner, json!({"assessments": [assessment]}))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text());
    let text = refused.text();
    assert!(text.contains("which owns this system"), "{text}");
    assert!(text.contains("kind: declaration"), "{text}");
    // Designating itself is not possible either: no field, no endpoint.
    let org = app.organization("vendor").await.0;
    let patched = app
        .send(
            Method::PUT,
            &format!("/api/organizations/{org}"),
            Some(&owner),
            Some((
                "application/json",
                br#"{"certification_body": true}"#.to_vec(),
            )),
            &[],
        )
        .await;
    assert!(patched.status.is_client_error(), "{}", patched.text());
    // Even designated by the administrator, an organization certifies nobody's product through
    // membership: a certificate goes only through a grant, never to one's own system.
    app.store()
        .set_certification_body("admin", smm_store::OrganizationId(org), true)
        .await
        .expect("designate");
    let still = app
        .post_json(&path, &owner, json!({"assessments": [assessment]}))
        .await;
    assert_eq!(still.status, StatusCode::FORBIDDEN, "{}", still.text());
    app.store()
        .set_certification_body("admin", smm_store::OrganizationId(org), false)
        .await
        .expect("undesignate");

    // A supplier's declaration is what it may sign: it verifies, as a declaration.
    let declared = app
        .post_json(
            &path,
            &owner,
            json!({"kind": "declaration", "assessments": [assessment]}),
        )
        .await;
    assert_eq!(declared.status, StatusCode::CREATED, "{}", declared.text());
    let envelope = declared.json()["envelope"].clone();
    let checked = verify(&app, &envelope).await;
    assert_eq!(checked["passed"], true, "{checked}");
    assert_eq!(checked["certificate"]["kind"], "declaration");
    assert_eq!(checked["certificate"]["issuer"]["name"], "vendor");
    let first = checked["checks"][1]["what"].as_str().unwrap_or("");
    assert!(
        first.starts_with("kind: Supplier's declaration"),
        "{checked}"
    );

    // Its key is the vendor's, published as not a certification body: relabelling the
    // statement a certificate breaks the signature.
    let mut forged = envelope.clone();
    let payload = forged["payload"].as_str().expect("payload").to_string();
    let bytes = base64_decode(&payload);
    let text = String::from_utf8(bytes)
        .expect("utf-8")
        .replace("urn:smm:declaration:v2", "urn:smm:certificate:v2")
        .replace("\"kind\":\"declaration\"", "\"kind\":\"certificate\"");
    forged["payload"] = json!(base64_encode(text.as_bytes()));
    let bad = verify(&app, &forged).await;
    assert_eq!(bad["passed"], false, "{bad}");

    // The public page says what it is before anything else, and shows nothing private.
    let serial = checked["certificate"]["serial"].as_str().expect("serial");
    // It went into the transparency log with its signing, as the envelope its holder has.
    let logged = app.store().log_entries_for(serial).await.expect("log");
    let held: smm_cert::Envelope = serde_json::from_value(envelope.clone()).expect("envelope");
    assert_eq!(logged.len(), 1);
    assert_eq!(
        logged[0].data,
        smm_cert::tlog::LogEntry::Attestation { envelope: held }.to_text()
    );
    let page = app
        .send(
            Method::GET,
            &format!("/attestations/{serial}"),
            None,
            None,
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = unescaped(&page.text());
    let main = html.split("<main").nth(1).unwrap_or(&html);
    let kind_at = main.find("Supplier's declaration (self-assessed)");
    let product_at = main.find("GW-7 central gateway");
    assert!(
        kind_at.is_some() && kind_at < product_at,
        "the kind comes first: {main}"
    );
    assert!(main.contains("not a third-party certificate"), "{main}");
    assert!(main.contains("Valid"), "{main}");
    assert!(
        main.contains("Threat Modeling") || main.contains("Threat modeling"),
        "every practice's level"
    );
    // No finding, evidence or note of the assessment is shown.
    let assessment_text = example("ota-gateway/certification/assessment-final.yaml");
    for private in ["V-1", "NC-1", "evidence/"] {
        assert!(assessment_text.contains(private));
        assert!(!main.contains(private), "{private} is private: {main}");
    }
    // The verification link printed on a certificate leads there; nothing else is looked up.
    let link = app
        .send(
            Method::GET,
            &format!("/verify?serial={serial}"),
            None,
            None,
            &[],
        )
        .await;
    assert_eq!(link.status, StatusCode::SEE_OTHER);
    assert_eq!(
        link.header("location").as_deref(),
        Some(format!("/attestations/{serial}").as_str())
    );
    for probe in [
        "/attestations/1",
        "/attestations/..%2f..%2fetc",
        "/attestations/00000000000000000000000000000000",
    ] {
        let answer = app.send(Method::GET, probe, None, None, &[]).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{probe}");
    }
}

#[tokio::test]
async fn the_public_page_says_who_approved_the_profile_attested() {
    let app = App::start(Backend::Sqlite).await.expect("server");
    let owner = app.token("vendor", Role::Owner).await;
    let org = app.organization("vendor").await.0;
    let system = app.system(&owner, org, "GW-7").await;
    // The gateway's target, approved; the assessment names it by its new digest.
    let published = example("ota-gateway/target.yaml");
    let approved = format!(
        "{published}approval: {{by: 'Jonas Weber, head of product security', date: 2026-01-28, \
         statement: Agreed with the OEMs as the gateway's profile}}\n"
    );
    let digest =
        |text: &str| smm_core::content_digest(&smm_core::parse_target(text).expect("target"));
    let assessment = example("ota-gateway/certification/assessment-final.yaml")
        .replace(&digest(&published), &digest(&approved));
    app.document(&owner, system, "targets", &approved).await;
    let assessment = app
        .document(&owner, system, "assessments", &assessment)
        .await;
    let declared = app
        .post_json(
            &format!("/api/systems/{system}/certificates"),
            &owner,
            json!({"kind": "declaration", "assessments": [assessment]}),
        )
        .await;
    assert_eq!(declared.status, StatusCode::CREATED, "{}", declared.text());
    let checked = verify(&app, &declared.json()["envelope"]).await;
    assert_eq!(checked["passed"], true, "{checked}");
    assert_eq!(
        checked["certificate"]["target"]["approval"]["by"], "Jonas Weber, head of product security",
        "{checked}"
    );
    let serial = checked["certificate"]["serial"].as_str().expect("serial");
    let page = app
        .send(
            Method::GET,
            &format!("/attestations/{serial}"),
            None,
            None,
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = unescaped(&page.text());
    assert!(
        html.contains(
            "Profile approval</dt><dd>approved by Jonas Weber, head of product security on \
             2026-01-28: Agreed with the OEMs as the gateway's profile"
        ),
        "{html}"
    );
}

#[tokio::test]
async fn through_the_pages_the_owner_is_offered_the_declaration_and_refused_the_certificate() {
    let app = App::start(Backend::Sqlite).await.expect("server");
    let password = app.user("vera", "vendor", Role::Owner).await;
    let (_, system, assessment) = app.vendor().await;
    let (cookie, _) = app.sign_in("vera", &password, "/").await;
    let page = app.page(&cookie, &format!("/systems/{system}")).await;
    let html = unescaped(&page.text());
    assert!(
        html.contains("Sign a supplier&#x27;s declaration")
            || html.contains("Sign a supplier's declaration"),
        "{html}"
    );
    assert!(!html.contains("Issue a certificate as"), "{html}");
    assert!(
        html.contains("Why no certificate can be issued here"),
        "{html}"
    );
    let csrf = hidden(&html, "csrf");
    // A hand-made form asking for a certificate anyway: refused with every reason, and the
    // way back leads to the system.
    let fields = |kind: &str| -> Vec<(String, String)> {
        vec![
            ("csrf".into(), csrf.clone()),
            ("kind".into(), kind.into()),
            ("assessment".into(), assessment.to_string()),
        ]
    };
    let refused = app
        .post_form(
            &cookie,
            &format!("/systems/{system}/certificates"),
            &fields("certificate"),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let text = refused.text();
    assert!(text.contains("Every reason"), "{text}");
    assert!(text.contains("which owns this system"), "{text}");
    assert!(
        text.contains(&format!("href=\"/systems/{system}\"")),
        "{text}"
    );
    // The declaration is signed, and listed as one, by the vendor.
    let signed = app
        .post_form(
            &cookie,
            &format!("/systems/{system}/certificates"),
            &fields("declaration"),
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.text());
    let page = app
        .page(&cookie, &format!("/systems/{system}"))
        .await
        .text();
    assert!(
        page.contains("Supplier&#x27;s declaration") || page.contains("Supplier's declaration")
    );
    let record = app
        .store()
        .certificates(smm_store::SystemId(system), smm_store::Page::new(0, 10))
        .await
        .expect("list");
    assert_eq!(record[0].kind, "declaration");
    // Revoking asks first: the confirmation page, then a reason and the box ticked.
    let id = record[0].id;
    let confirm = app
        .page(&cookie, &format!("/certificates/{id}/revoke"))
        .await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.text().contains("cannot be undone"));
    let mut unticked = vec![
        ("csrf".to_string(), csrf.clone()),
        ("reason".to_string(), "withdrawn".to_string()),
    ];
    let answer = app
        .post_form(&cookie, &format!("/certificates/{id}/revoke"), &unticked)
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.text());
    unticked.push(("confirm".to_string(), "yes".to_string()));
    let answer = app
        .post_form(&cookie, &format!("/certificates/{id}/revoke"), &unticked)
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text());
    let serial = &record[0].serial;
    let public = app
        .send(
            Method::GET,
            &format!("/attestations/{serial}"),
            None,
            None,
            &[],
        )
        .await
        .text();
    assert!(
        public.contains("Revoked") && public.contains("withdrawn"),
        "{public}"
    );
    // The revocation is in the transparency log after the attestation, with its reason.
    let logged = app.store().log_entries_for(serial).await.expect("log");
    assert_eq!(
        logged.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(),
        ["attestation", "revocation"]
    );
    let revocation: Value = serde_json::from_str(&logged[1].data).expect("json");
    assert_eq!(revocation["type"], "revocation");
    assert_eq!(revocation["reason"], "withdrawn");
    assert_eq!(revocation["serial"], serial.as_str());
}

/// Page text with the apostrophe as written (templates escape it).
fn unescaped(html: &str) -> String {
    html.replace("&#39;", "'").replace("&#x27;", "'")
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .expect("base64")
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
