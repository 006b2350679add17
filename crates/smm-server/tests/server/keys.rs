//! Issuers with their own keys, tried as their owners and as an attacker would: certification
//! bodies only by the administrator's designation, keys made, imported, rotated, retired and
//! revoked, private keys never answered and sealed at rest, the wrong keys secret refused at
//! start, and the published issuers document current on every server of one database.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use smm_cert::issuers::{IssuersDocument, KeyStatus};
use smm_cert::keys;
use smm_store::{OrganizationId, Role};

use crate::common::{hidden, Answer, App};

fn keys_path(org: OrganizationId) -> String {
    format!("/api/organizations/{}/keys", org.0)
}

async fn create_key(app: &App, token: &str, org: OrganizationId, body: Value) -> Answer {
    app.post_json(&keys_path(org), token, body).await
}

fn created(answer: &Answer) -> Value {
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text());
    answer.json()
}

async fn issuers(app: &App) -> (IssuersDocument, Answer) {
    let answer = app.send(Method::GET, "/api/issuers", None, None, &[]).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let document = IssuersDocument::from_json(&answer.text()).expect("a valid issuers document");
    (document, answer)
}

/// The base64 lines of a PEM: what would show if a private key leaked in any encoding we use.
fn pem_body(pem: &str) -> Vec<String> {
    pem.lines()
        .filter(|l| !l.starts_with("-----") && !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// Fails if any of `texts` holds the private key, as PEM, as its body, or as hex of its bytes.
fn assert_never_shown(texts: &[(String, String)], key: &smm_cert::SigningKey) {
    let pem = keys::private_pem(key, None).expect("pem");
    let hex: String = key.to_bytes().iter().map(|b| format!("{b:02x}")).collect();
    let mut secrets = pem_body(&pem);
    secrets.push(hex);
    for (what, text) in texts {
        assert!(
            !text.contains("BEGIN PRIVATE KEY-----\n"),
            "{what} holds a private key: {text}"
        );
        for secret in &secrets {
            assert!(
                !text.contains(secret.as_str()),
                "{what} leaks the private key"
            );
        }
    }
}

async fn designation_is_the_administrators_alone(app: App) {
    let owner = app.token("Lab", Role::Owner).await;
    let lab = app.organization("Lab").await;
    // Nothing in the API makes an organization a certification body: not when it is created,
    // not on its own answer, not in the keys' requests.
    let password = app.user("lea", "Lab", Role::Owner).await;
    let (cookie, csrf) = sign_in_api(&app, "lea", &password).await;
    let session = [("cookie", cookie.as_str()), ("x-csrf-token", csrf.as_str())];
    let made = app
        .send(
            Method::POST,
            "/api/organizations",
            None,
            Some((
                "application/json",
                json!({"name": "Self-made Lab", "certification_body": true})
                    .to_string()
                    .into_bytes(),
            )),
            &session,
        )
        .await;
    assert_eq!(made.status, StatusCode::BAD_REQUEST, "{}", made.text());
    assert_eq!(made.json()["field"], "certification_body");
    for method in [Method::PUT, Method::PATCH, Method::POST, Method::DELETE] {
        let answer = app
            .send(
                method.clone(),
                &format!("/api/organizations/{}", lab.0),
                Some(&owner),
                Some((
                    "application/json",
                    json!({"certification_body": true}).to_string().into_bytes(),
                )),
                &[],
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} on the organization: {}",
            answer.text()
        );
    }
    let sneaky = create_key(&app, &owner, lab, json!({"certification_body": true})).await;
    assert_eq!(sneaky.status, StatusCode::BAD_REQUEST, "{}", sneaky.text());
    // The pages have no form for it either.
    let page = app.page(&cookie, &format!("/orgs/{}/members", lab.0)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("Not a certification body"));
    assert!(
        !page.text().contains("certification_body"),
        "no field for it"
    );
    // A form sent with such a field anyway changes nothing.
    let forged = app
        .post_form(
            &cookie,
            &format!("/orgs/{}/members", lab.0),
            &[
                ("csrf".to_string(), csrf.clone()),
                ("name".to_string(), "lea".to_string()),
                ("role".to_string(), "owner".to_string()),
                ("certification_body".to_string(), "true".to_string()),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::SEE_OTHER, "{}", forged.text());
    let own = app
        .get(&format!("/api/organizations/{}", lab.0), &owner)
        .await;
    assert_eq!(own.json()["certification_body"], false);
    assert!(
        !app.store()
            .organization(lab)
            .await
            .expect("org")
            .certification_body
    );

    // The administrator designates (what `smm admin designate-body` does), and every answer
    // says so at once.
    created(&create_key(&app, &owner, lab, json!({})).await);
    let (before, _) = issuers(&app).await;
    assert!(!before.issuers[0].certification_body);
    app.store()
        .set_certification_body("admin-cli", lab, true)
        .await
        .expect("designated");
    let own = app
        .get(&format!("/api/organizations/{}", lab.0), &owner)
        .await;
    assert_eq!(own.status, StatusCode::OK);
    assert_eq!(
        own.json(),
        json!({"id": lab.0, "name": "Lab", "certification_body": true})
    );
    let list = app.get("/api/organizations", &owner).await;
    assert_eq!(list.json()[0]["certification_body"], true);
    let (after, _) = issuers(&app).await;
    assert!(after.issuers[0].certification_body);
    for path in [
        format!("/orgs/{}", lab.0),
        format!("/orgs/{}/members", lab.0),
    ] {
        let page = app.page(&cookie, &path).await;
        assert!(
            page.text()
                .contains("Certification body, designated by the server"),
            "{path}"
        );
    }
    let entries = app.store().audit_entries().await.expect("log");
    assert!(entries
        .iter()
        .any(|e| e.action == "organization.designate-body" && e.actor == "admin-cli"));
}

/// Signs a person in through the API: the cookie and the CSRF token.
async fn sign_in_api(app: &App, name: &str, password: &str) -> (String, String) {
    let login = app
        .send(
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
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.text());
    let cookie = login
        .header("set-cookie")
        .and_then(|c| c.split(';').next().map(str::to_string))
        .expect("cookie");
    let csrf = login.json()["csrf_token"]
        .as_str()
        .expect("csrf")
        .to_string();
    (cookie, csrf)
}

async fn keys_are_made_imported_rotated_retired_and_revoked(app: App) {
    let owner = app.token("Maker", Role::Owner).await;
    let maker = app.organization("Maker").await;
    let today = smm_server::state::today();
    let mut answers: Vec<(String, String)> = Vec::new();

    // Made on the server: active from today.
    let first = created(&create_key(&app, &owner, maker, json!({})).await);
    answers.push(("created".into(), first.to_string()));
    assert_eq!(first["status"], "active");
    assert_eq!(first["origin"], "created");
    assert_eq!(first["valid_from"], today.as_str());
    let first_id = first["keyid"].as_str().expect("keyid").to_string();
    let public = keys::read_public(first["public_key"].as_str().expect("pem")).expect("public");
    assert_eq!(keys::key_id(&public).expect("id"), first_id);
    // An empty body makes one too.
    let empty = app
        .send(Method::POST, &keys_path(maker), Some(&owner), None, &[])
        .await;
    let empty = created(&empty);
    let empty_id = empty["keyid"].as_str().expect("keyid").to_string();

    // Imported: the owner's own key, as `smm key new` writes it; a second active key beside the
    // first (the overlap of a rotation), and the newest active key signs.
    let own = keys::generate();
    let pem = keys::private_pem(&own, None).expect("pem");
    let imported = created(&create_key(&app, &owner, maker, json!({"private_key": *pem})).await);
    answers.push(("imported".into(), imported.to_string()));
    assert_eq!(imported["origin"], "imported");
    let imported_id = keys::key_id(&own.verifying_key()).expect("id");
    assert_eq!(imported["keyid"], imported_id.as_str());
    let (signing, signing_id) = smm_server::app::keys::signing_key(&app.state, maker, "test")
        .await
        .expect("signing key");
    assert_eq!(signing_id, imported_id);
    assert_eq!(signing.to_bytes(), own.to_bytes(), "the imported key signs");

    let listed = app.get(&keys_path(maker), &owner).await;
    assert_eq!(listed.status, StatusCode::OK);
    answers.push(("listed".into(), listed.text()));
    let listed = listed.json();
    let ids: Vec<&str> = listed
        .as_array()
        .expect("list")
        .iter()
        .map(|k| k["keyid"].as_str().expect("id"))
        .collect();
    assert_eq!(
        ids,
        [imported_id.as_str(), empty_id.as_str(), first_id.as_str()]
    );

    // Retiring the newest leaves the next one signing.
    let retire = |keyid: &str| format!("{}/{keyid}/retire", keys_path(maker));
    let retired = app
        .post_json(&retire(&imported_id), &owner, json!({}))
        .await;
    assert_eq!(retired.status, StatusCode::OK, "{}", retired.text());
    assert_eq!(retired.json()["status"], "retired");
    assert_eq!(retired.json()["valid_until"], today.as_str());
    let (_, signing_id) = smm_server::app::keys::signing_key(&app.state, maker, "test")
        .await
        .expect("signing key");
    assert_eq!(signing_id, empty_id);
    let again = app
        .post_json(&retire(&imported_id), &owner, json!({}))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.text());

    // Revoking: a date in the future, not a date, before the key existed, or without a reason
    // are refused, naming the field; a day in the past is taken (a compromise found late).
    let revoke = |keyid: &str| format!("{}/{keyid}/revoke", keys_path(maker));
    let cases = [
        (json!({"from": "2999-01-01", "reason": "r"}), "from"),
        (json!({"from": "yesterday", "reason": "r"}), "from"),
        (json!({"from": "2000-01-01", "reason": "r"}), "from"),
        (json!({"from": today, "reason": " "}), "reason"),
        (json!({"reason": "r"}), "from"),
    ];
    for (body, field) in cases {
        let refused = app
            .post_json(&revoke(&first_id), &owner, body.clone())
            .await;
        assert_eq!(
            refused.status,
            StatusCode::BAD_REQUEST,
            "{body}: {}",
            refused.text()
        );
        assert_eq!(refused.json()["field"], field, "{body}");
    }
    let revoked = app
        .post_json(
            &revoke(&first_id),
            &owner,
            json!({"from": today, "reason": "token left in a CI log"}),
        )
        .await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.text());
    assert_eq!(revoked.json()["status"], "revoked");
    assert_eq!(revoked.json()["revoked_from"], today.as_str());
    let twice = app
        .post_json(
            &revoke(&first_id),
            &owner,
            json!({"from": today, "reason": "x"}),
        )
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT, "{}", twice.text());
    let retire_revoked = app.post_json(&retire(&first_id), &owner, json!({})).await;
    assert_eq!(retire_revoked.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A retired key found compromised later is revoked too.
    let late = app
        .post_json(
            &revoke(&imported_id),
            &owner,
            json!({"from": today, "reason": "found on a stolen laptop"}),
        )
        .await;
    assert_eq!(late.status, StatusCode::OK, "{}", late.text());
    assert_eq!(late.json()["valid_until"], today.as_str());
    let unknown = app
        .post_json(&retire(&"0".repeat(64)), &owner, json!({}))
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);

    // The issuers document says all of it, newest key first, and verifies as a document.
    let (document, answer) = issuers(&app).await;
    answers.push(("issuers".into(), answer.text()));
    assert_eq!(document.issuers.len(), 1);
    let entry = &document.issuers[0];
    assert_eq!(entry.id, format!("org-{}", maker.0));
    assert_eq!(entry.name, "Maker");
    assert!(!entry.certification_body);
    let life: Vec<(&str, KeyStatus)> = entry
        .keys
        .iter()
        .map(|k| (k.keyid.as_str(), k.status))
        .collect();
    assert_eq!(
        life,
        [
            (imported_id.as_str(), KeyStatus::Revoked),
            (empty_id.as_str(), KeyStatus::Active),
            (first_id.as_str(), KeyStatus::Revoked)
        ]
    );
    let revoked_key = document.key(&first_id).expect("published");
    assert_eq!(
        revoked_key.key.revocation_reason.as_deref(),
        Some("token left in a CI log")
    );
    assert!(revoked_key.key.could_sign_on(&today).is_err());
    assert!(document
        .key(&empty_id)
        .expect("published")
        .key
        .could_sign_on(&today)
        .is_ok());

    // Every answer and the audit log: never a private key. At rest, sealed: the key's bytes
    // are nowhere in the database row.
    let audit = app
        .get(&format!("/api/organizations/{}/audit", maker.0), &owner)
        .await;
    answers.push(("audit".into(), audit.text()));
    assert_never_shown(&answers, &own);
    assert_never_shown(&answers, &signing);
    let sealed = app.store().sealed_signing_keys().await.expect("sealed");
    for stored in &sealed {
        for secret in [own.to_bytes(), signing.to_bytes()] {
            assert!(!stored.sealed_private.windows(32).any(|w| w == secret));
        }
    }
    let actions: Vec<String> = app
        .store()
        .audit_entries()
        .await
        .expect("log")
        .into_iter()
        .map(|e| e.action)
        .filter(|a| a.starts_with("key."))
        .collect();
    assert_eq!(
        actions,
        [
            "key.create",
            "key.create",
            "key.import",
            "key.retire",
            "key.revoke",
            "key.revoke"
        ]
    );
}

async fn an_attacker_gets_nowhere_with_keys(app: App) {
    let victim_owner = app.token("Victim", Role::Owner).await;
    let victim = app.organization("Victim").await;
    let attacker = app.token("Attacker", Role::Owner).await;
    let attacker_org = app.organization("Attacker").await;
    // The victim imports its key; the attacker got hold of the same key file and tries to
    // publish it as its own: refused, and the key stays the victim's.
    let key = keys::generate();
    let pem = keys::private_pem(&key, None).expect("pem");
    let keyid = keys::key_id(&key.verifying_key()).expect("id");
    created(&create_key(&app, &victim_owner, victim, json!({"private_key": *pem})).await);
    let stolen = create_key(&app, &attacker, attacker_org, json!({"private_key": *pem})).await;
    assert_eq!(stolen.status, StatusCode::CONFLICT, "{}", stolen.text());
    assert_eq!(stolen.json()["field"], "private_key");
    // The victim importing it twice is refused the same way.
    let twice = create_key(&app, &victim_owner, victim, json!({"private_key": *pem})).await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    let (document, _) = issuers(&app).await;
    assert_eq!(
        document.key(&keyid).expect("published").issuer.name,
        "Victim"
    );
    assert!(app
        .get(&keys_path(attacker_org), &attacker)
        .await
        .json()
        .as_array()
        .expect("list")
        .is_empty());

    // A public key, an encrypted key, garbage, another algorithm's key and a huge body are
    // not private keys to import.
    let public = keys::public_pem(&key.verifying_key()).expect("public");
    let encrypted = keys::private_pem(&keys::generate(), Some("passphrase")).expect("pem");
    let rsa_like = "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n-----END PRIVATE KEY-----\n";
    let huge = "A".repeat(100_000);
    for bad in [public.as_str(), &encrypted, "hello", rsa_like, &huge, ""] {
        let refused = create_key(&app, &attacker, attacker_org, json!({"private_key": bad})).await;
        assert_eq!(
            refused.status,
            StatusCode::BAD_REQUEST,
            "{}",
            refused.text()
        );
        assert_eq!(refused.json()["field"], "private_key");
    }
    // A body that is not an object (serde would read `[null]` as the fields in order) makes no
    // key, here as for every JSON body of the API.
    for bad in [json!([null]), json!([]), json!("key"), json!(7)] {
        let refused = create_key(&app, &attacker, attacker_org, bad.clone()).await;
        assert_eq!(
            refused.status,
            StatusCode::BAD_REQUEST,
            "{bad}: {}",
            refused.text()
        );
        assert_eq!(refused.json()["field"], "body");
    }
    let organizations = app
        .post_json("/api/organizations", &attacker, json!(["Array Inc"]))
        .await;
    assert_eq!(organizations.status, StatusCode::BAD_REQUEST);

    // The victim's key through the attacker's own organization, or the victim's organization:
    // not found, and nothing changed.
    for org in [attacker_org, victim] {
        for action in ["retire", "revoke"] {
            let answer = app
                .post_json(
                    &format!("{}/{keyid}/{action}", keys_path(org)),
                    &attacker,
                    json!({"from": smm_server::state::today(), "reason": "mine"}),
                )
                .await;
            assert_eq!(
                answer.status,
                StatusCode::NOT_FOUND,
                "{action} via org {}",
                org.0
            );
        }
    }
    let listed = app.get(&keys_path(victim), &attacker).await;
    assert_eq!(listed.status, StatusCode::NOT_FOUND);
    let (after, _) = issuers(&app).await;
    assert_eq!(after, document);

    // Members who are not owners read the keys and change nothing; a grant reaches no key.
    for role in [Role::Assessor, Role::Editor, Role::Viewer, Role::Auditor] {
        let token = app.token("Victim", role).await;
        assert_eq!(
            app.get(&keys_path(victim), &token).await.status,
            StatusCode::OK
        );
        let refused = create_key(&app, &token, victim, json!({})).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{role:?}");
        let refused = app
            .post_json(
                &format!("{}/{keyid}/retire", keys_path(victim)),
                &token,
                json!({}),
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{role:?}");
    }
    assert_eq!(
        app.store().signing_keys(victim).await.expect("keys").len(),
        1
    );
}

async fn racing_creations_each_make_a_key_and_first_signatures_share_one(app: App) {
    let app = std::sync::Arc::new(app);
    let owner = app.token("Racers", Role::Owner).await;
    let racers = app.organization("Racers").await;
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (app, owner) = (app.clone(), owner.clone());
            tokio::spawn(async move {
                let answer = create_key(&app, &owner, racers, json!({})).await;
                (answer.status, answer.json()["keyid"].clone())
            })
        })
        .collect();
    let mut ids = std::collections::BTreeSet::new();
    for task in tasks {
        let (status, keyid) = task.await.expect("task");
        assert_eq!(status, StatusCode::CREATED);
        ids.insert(keyid.as_str().expect("keyid").to_string());
    }
    assert_eq!(ids.len(), 8, "eight distinct keys");
    // An organization without a key, asked to sign by several requests at once: one key made.
    let fresh = app.organization("First signers").await;
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move {
                smm_server::app::keys::signing_key(&app.state, fresh, "issuer")
                    .await
                    .expect("a key")
                    .1
            })
        })
        .collect();
    let mut signers = std::collections::BTreeSet::new();
    for task in tasks {
        signers.insert(task.await.expect("task"));
    }
    assert_eq!(signers.len(), 1, "{signers:?}");
    assert_eq!(
        app.store().signing_keys(fresh).await.expect("keys").len(),
        1
    );
    let report = app.store().verify_audit().await.expect("verify");
    assert!(report.intact(), "{:?}", report.problems);
}

async fn the_issuers_document_is_current_on_every_server_and_cheap(app: App) {
    let owner = app.token("Lab", Role::Owner).await;
    let lab = app.organization("Lab").await;
    let (empty, first) = issuers(&app).await;
    assert!(empty.issuers.is_empty());
    let etag = first.header("etag").expect("an ETag");
    assert_eq!(first.header("cache-control").as_deref(), Some("no-cache"));
    let same = app
        .send(
            Method::GET,
            "/api/issuers",
            None,
            None,
            &[("if-none-match", &etag)],
        )
        .await;
    assert_eq!(same.status, StatusCode::NOT_MODIFIED);
    assert!(same.body.is_empty());
    // A second server on the same database, with the same secret, has served the document too.
    let other = app.beside(|_| {}).await.expect("a second server");
    let (seen, _) = issuers(&other).await;
    assert!(seen.issuers.is_empty());
    // A key made through the first server is published by the second at once, and the old
    // ETag no longer matches.
    let key = created(&create_key(&app, &owner, lab, json!({})).await);
    let (seen, answer) = issuers(&other).await;
    assert_eq!(seen.issuers.len(), 1);
    assert_eq!(
        seen.issuers[0].keys[0].keyid,
        key["keyid"].as_str().expect("id")
    );
    let changed = other
        .send(
            Method::GET,
            "/api/issuers",
            None,
            None,
            &[("if-none-match", &etag)],
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK);
    // Both servers publish the same bytes under the same tag.
    let (_, here) = issuers(&app).await;
    assert_eq!(here.body, answer.body);
    assert_eq!(here.header("etag"), answer.header("etag"));
    // A designation by the administrator, outside any server, is published at once as well.
    app.store()
        .set_certification_body("admin-cli", lab, true)
        .await
        .expect("designate");
    let (seen, _) = issuers(&other).await;
    assert!(seen.issuers[0].certification_body);
    // Unchanged issuers are not built again: the same document is served.
    let kept = smm_server::app::keys::published(&app.state)
        .await
        .expect("doc");
    let again = smm_server::app::keys::published(&app.state)
        .await
        .expect("doc");
    assert!(std::sync::Arc::ptr_eq(&kept, &again));
    assert_eq!(
        smm_server::app::keys::issuers_document(&app.state)
            .await
            .expect("document"),
        kept.document
    );
}

async fn a_server_with_another_keys_secret_refuses_to_start(app: App) {
    // The transparency log's key is kept from the first start: another secret is refused at
    // once, before any organization has a key, naming the log's key.
    let elsewhere = app.dir.path().join("elsewhere.secret");
    std::fs::write(&elsewhere, [9u8; 32]).expect("another secret");
    let Err(refused) = app.beside(|c| c.keys_secret = elsewhere.clone()).await else {
        panic!("a server with another secret started beside the log's key");
    };
    assert!(
        refused.to_string().contains("must share one keys secret"),
        "{refused}"
    );
    let owner = app.token("Lab", Role::Owner).await;
    let lab = app.organization("Lab").await;
    let key = created(&create_key(&app, &owner, lab, json!({})).await);
    let keyid = key["keyid"].as_str().expect("id");
    // A server without the secret file is refused, and makes none.
    let missing = app.dir.path().join("missing.secret");
    let Err(refused) = app.beside(|c| c.keys_secret = missing.clone()).await else {
        panic!("a server without the secret started");
    };
    assert!(
        refused.to_string().contains("no keys secret here"),
        "{refused}"
    );
    assert!(!missing.exists());
    // Another server's secret: refused, naming the file and the key.
    let other = app.dir.path().join("other.secret");
    std::fs::write(&other, [7u8; 32]).expect("another secret");
    let Err(refused) = app.beside(|c| c.keys_secret = other.clone()).await else {
        panic!("a server with another secret started");
    };
    let message = refused.to_string();
    assert!(message.contains("other.secret"), "{message}");
    assert!(message.contains(keyid), "{message}");
    assert!(message.contains("must share one keys secret"), "{message}");
    // A secret that is not 32 bytes is refused with its reason.
    let short = app.dir.path().join("short.secret");
    std::fs::write(&short, b"0123456789").expect("write");
    let Err(refused) = app.beside(|c| c.keys_secret = short.clone()).await else {
        panic!("a server with a short secret started");
    };
    assert!(refused.to_string().contains("32 bytes"), "{refused}");
    // The same secret: a second server starts and signs with the key the first one made.
    let same = app.beside(|_| {}).await.expect("same secret");
    let (_, signing) = smm_server::app::keys::signing_key(&same.state, lab, "test")
        .await
        .expect("opens");
    assert_eq!(signing, keyid);
    // The secret was made on first start, 32 bytes, readable by its owner only.
    let secret = &app.config.keys_secret;
    assert_eq!(std::fs::read(secret).expect("secret").len(), 32);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(secret)
            .expect("meta")
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600);
    }
}

async fn key_of(app: &App, org: OrganizationId, keyid: &str) -> smm_store::SigningKeyRecord {
    app.store()
        .signing_keys(org)
        .await
        .expect("keys")
        .into_iter()
        .find(|k| k.keyid == keyid)
        .expect("the key")
}

async fn owners_manage_keys_in_the_pages(app: App) {
    let password = app.user("olga", "Maker", Role::Owner).await;
    app.user("vic", "Maker", Role::Viewer).await;
    let maker = app.organization("Maker").await;
    let members = format!("/orgs/{}/members", maker.0);
    let (cookie, _) = app.sign_in("olga", &password, &members).await;
    let page = app.page(&cookie, &members).await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(text.contains("Signing keys"));
    assert!(text.contains("No key yet"));
    let csrf = hidden(&text, "csrf");
    let fields = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    // Without the form's token, nothing.
    let forged = app
        .post_form(
            &cookie,
            &format!("/orgs/{}/keys", maker.0),
            &fields(&[("csrf", "0")]),
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(app
        .store()
        .signing_keys(maker)
        .await
        .expect("keys")
        .is_empty());
    let made = app
        .post_form(
            &cookie,
            &format!("/orgs/{}/keys", maker.0),
            &fields(&[("csrf", &csrf)]),
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text());
    let landed = app
        .page(
            &cookie,
            made.header("location").as_deref().expect("location"),
        )
        .await;
    assert!(
        landed.text().contains("Signing key created"),
        "{}",
        landed.text()
    );
    // Import through the form.
    let own = keys::generate();
    let pem = keys::private_pem(&own, None).expect("pem");
    let imported = app
        .post_form(
            &cookie,
            &format!("/orgs/{}/keys/import", maker.0),
            &fields(&[("csrf", &csrf), ("private_key", &pem)]),
        )
        .await;
    assert_eq!(
        imported.status,
        StatusCode::SEE_OTHER,
        "{}",
        imported.text()
    );
    let bad = app
        .post_form(
            &cookie,
            &format!("/orgs/{}/keys/import", maker.0),
            &fields(&[("csrf", &csrf), ("private_key", "not a key")]),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        bad.text().contains("not an Ed25519 private key"),
        "{}",
        bad.text()
    );
    let keyid = keys::key_id(&own.verifying_key()).expect("id");
    let short: String = keyid.chars().take(16).collect();
    let page = app.page(&cookie, &members).await.text();
    assert!(page.contains(&format!("Retire key {short}")), "{page}");
    assert!(page.contains(&format!("Revoke key {short}")));
    assert_never_shown(&[("the page".to_string(), page.clone())], &own);
    // Revoking asks for confirmation: without the tick, nothing is revoked.
    let revoke = format!("/orgs/{}/keys/{keyid}/revoke", maker.0);
    let today = smm_server::state::today();
    let unconfirmed = app
        .post_form(
            &cookie,
            &revoke,
            &fields(&[("csrf", &csrf), ("from", &today), ("reason", "lost")]),
        )
        .await;
    assert_eq!(unconfirmed.status, StatusCode::BAD_REQUEST);
    assert!(unconfirmed.text().contains("Nothing was revoked"));
    assert_eq!(
        key_of(&app, maker, &keyid).await.life(),
        smm_store::KeyLife::Active
    );
    let confirmed = app
        .post_form(
            &cookie,
            &revoke,
            &fields(&[
                ("csrf", &csrf),
                ("from", &today),
                ("reason", "lost"),
                ("confirm", "yes"),
            ]),
        )
        .await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.text()
    );
    let revoked = key_of(&app, maker, &keyid).await;
    assert_eq!(revoked.life(), smm_store::KeyLife::Revoked);
    assert_eq!(revoked.revocation_reason.as_deref(), Some("lost"));
    // Retiring the one made on the server.
    let made_id = app.store().signing_keys(maker).await.expect("keys")[1]
        .keyid
        .clone();
    let retired = app
        .post_form(
            &cookie,
            &format!("/orgs/{}/keys/{made_id}/retire", maker.0),
            &fields(&[("csrf", &csrf)]),
        )
        .await;
    assert_eq!(retired.status, StatusCode::SEE_OTHER, "{}", retired.text());
    let page = app.page(&cookie, &members).await.text();
    assert!(page.contains("retired") && page.contains("revoked") && page.contains("lost"));

    // A viewer sees the keys and no button; a forged post is refused.
    let viewer = app.session_of("vic").await;
    let page = app.page(&viewer, &members).await.text();
    assert!(page.contains(&short));
    assert!(!page.contains("Create a signing key"));
    assert!(!page.contains("Retire key"));
    let viewer_csrf = hidden(&page, "csrf");
    let refused = app
        .post_form(
            &viewer,
            &format!("/orgs/{}/keys", maker.0),
            &fields(&[("csrf", &viewer_csrf)]),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

on_both! {
    designation => designation_is_the_administrators_alone;
    key_life => keys_are_made_imported_rotated_retired_and_revoked;
    attacker => an_attacker_gets_nowhere_with_keys;
    races => racing_creations_each_make_a_key_and_first_signatures_share_one;
    issuers_document => the_issuers_document_is_current_on_every_server_and_cheap;
    keys_secret => a_server_with_another_keys_secret_refuses_to_start;
    pages => owners_manage_keys_in_the_pages;
}
