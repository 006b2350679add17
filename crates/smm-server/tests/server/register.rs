//! The public register, as a customer and as an attacker use it: without signing in, anyone
//! finds the attestations of a vendor, product, line or issuer, sees what kind each is and how
//! it stands (the same status as on its public page, superseded included), and follows a
//! search as an Atom feed that reports issuances and revocations. Bad queries are refused with
//! the field named; `%` and `_` are no wildcards; nothing private or unpublished shows.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};
use smm_store::Role;

use crate::common::{example, App, Backend};

async fn public(app: &App, path: &str) -> crate::common::Answer {
    app.send(Method::GET, path, None, None, &[]).await
}

/// Signs a declaration of the vendor's system: (certificate id, serial).
async fn declare(app: &App, owner: &str, system: i64, assessment: i64) -> (i64, String) {
    let declared = app
        .post_json(
            &format!("/api/systems/{system}/certificates"),
            owner,
            json!({"kind": "declaration", "assessments": [assessment]}),
        )
        .await;
    assert_eq!(declared.status, StatusCode::CREATED, "{}", declared.text());
    let body = declared.json();
    let id = body["certificate"]["id"]
        .as_i64()
        .or_else(|| body["id"].as_i64())
        .expect("id");
    let serial = body["certificate"]["serial"]
        .as_str()
        .or_else(|| body["serial"].as_str())
        .expect("serial")
        .to_string();
    (id, serial)
}

fn serials(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["serial"].as_str().expect("serial").to_string())
        .collect()
}

/// The Atom entries of a feed: (title, id, link).
fn atom_entries(xml: &str) -> Vec<(String, String, String)> {
    let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("not XML ({e}): {xml}"));
    let atom = "http://www.w3.org/2005/Atom";
    let feed = doc.root_element();
    assert!(feed.has_tag_name((atom, "feed")), "{xml}");
    for required in ["id", "title", "updated"] {
        assert!(
            feed.children().any(|c| c.has_tag_name((atom, required))),
            "the feed has its {required}: {xml}"
        );
    }
    feed.children()
        .filter(|c| c.has_tag_name((atom, "entry")))
        .map(|entry| {
            let text = |name: &str| {
                entry
                    .children()
                    .find(|c| c.has_tag_name((atom, name)))
                    .and_then(|c| c.text())
                    .unwrap_or_else(|| panic!("entry without {name}: {xml}"))
                    .to_string()
            };
            let updated = text("updated");
            assert!(updated.contains('T') && updated.ends_with('Z'), "{updated}");
            text("summary");
            let link = entry
                .children()
                .find(|c| c.has_tag_name((atom, "link")))
                .and_then(|c| c.attribute("href"))
                .expect("link")
                .to_string();
            (text("title"), text("id"), link)
        })
        .collect()
}

#[tokio::test]
async fn anyone_finds_an_attestation_and_follows_its_issuance_and_revocation() {
    let app = App::start(Backend::Sqlite).await.expect("server");
    let (owner, system, assessment) = app.vendor().await;
    let feed_path = "/register/feed.atom?vendor=VEND";
    let empty = public(&app, feed_path).await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.text());
    assert!(atom_entries(&empty.text()).is_empty());

    let (id, serial) = declare(&app, &owner, system, assessment).await;

    // The API, without credentials: found by the vendor's name, any case, by its start.
    let found = public(&app, "/api/register?vendor=VEND&product=gw-7").await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.text());
    assert_eq!(
        found.header("cache-control").as_deref(),
        Some("public, max-age=60")
    );
    let page = found.json();
    assert_eq!(serials(&page), [serial.as_str()]);
    let item = &page["items"][0];
    assert_eq!(item["kind"], "declaration");
    assert_eq!(item["kind_label"], "Supplier's declaration (self-assessed)");
    assert_eq!(item["status"], "valid");
    assert_eq!(item["vendor"], "vendor");
    assert_eq!(item["issuer"], "vendor");
    assert_eq!(item["href"], format!("/attestations/{serial}"));
    assert!(item["products"][0]["name"]
        .as_str()
        .is_some_and(|n| n.starts_with("GW-7")));
    assert!(page.get("next_after").is_none());
    // Not a substring search, and a kind filter that excludes it.
    assert!(serials(&public(&app, "/api/register?vendor=endor").await.json()).is_empty());
    assert!(serials(
        &public(&app, "/api/register?vendor=vendor&kind=certificate")
            .await
            .json()
    )
    .is_empty());

    // The page: a form, and a table row leading to the public page.
    let html = public(&app, "/register?vendor=vend").await;
    assert_eq!(html.status, StatusCode::OK);
    assert_eq!(
        html.header("cache-control").as_deref(),
        Some("public, max-age=60")
    );
    let text = html.text();
    assert!(
        text.contains(&format!("href=\"/attestations/{serial}\"")),
        "{text}"
    );
    assert!(text.contains("<caption>"), "{text}");
    assert!(text.contains("<label for=\"vendor\">"), "{text}");
    assert!(
        text.contains("Supplier&#39;s declaration") || text.contains("Supplier&#x27;s declaration"),
        "{text}"
    );

    // The feed reports the issuance.
    let feed = public(&app, feed_path).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert_eq!(
        feed.header("content-type").as_deref(),
        Some("application/atom+xml; charset=utf-8")
    );
    assert!(feed
        .header("cache-control")
        .is_some_and(|c| c.starts_with("public")));
    let entries = atom_entries(&feed.text());
    assert_eq!(entries.len(), 1, "{}", feed.text());
    assert!(entries[0].0.contains("issued"), "{entries:?}");
    assert_eq!(entries[0].2, format!("/attestations/{serial}"));
    // A feed of another vendor does not.
    assert!(atom_entries(
        &public(&app, "/register/feed.atom?vendor=other")
            .await
            .text()
    )
    .is_empty());

    // Revoked: the register, the page and the feed all say so.
    let revoked = app
        .post_json(
            &format!("/api/certificates/{id}/revoke"),
            &owner,
            json!({"reason": "replaced by a corrected declaration"}),
        )
        .await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.text());
    let page = public(&app, "/api/register?vendor=vendor").await.json();
    assert_eq!(page["items"][0]["status"], "revoked");
    assert!(page["items"][0]["revoked_at"].is_string());
    let status_only = public(&app, "/api/register?status=revoked").await.json();
    assert_eq!(serials(&status_only), [serial.as_str()]);
    assert!(serials(&public(&app, "/api/register?status=valid").await.json()).is_empty());
    let entries = atom_entries(&public(&app, feed_path).await.text());
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert!(
        entries[0].0.contains("revoked"),
        "newest first: {entries:?}"
    );
    assert!(entries[1].0.contains("issued"), "{entries:?}");
    assert_ne!(entries[0].1, entries[1].1, "each event has its own id");
    let shown = public(&app, &format!("/attestations/{serial}"))
        .await
        .text();
    assert!(shown.contains("Revoked"), "{shown}");
}

#[tokio::test]
async fn a_newer_attestation_supersedes_the_older_on_the_register_and_on_its_page() {
    let app = App::start(Backend::Sqlite).await.expect("server");
    let (owner, system, assessment) = app.vendor().await;
    let (_, older) = declare(&app, &owner, system, assessment).await;
    let (newer_id, newer) = declare(&app, &owner, system, assessment).await;

    let page = public(&app, "/api/register").await.json();
    assert_eq!(serials(&page), [newer.clone(), older.clone()]);
    assert_eq!(page["items"][0]["status"], "valid");
    assert_eq!(page["items"][1]["status"], "superseded");
    assert_eq!(page["items"][1]["superseded_by"], newer.as_str());
    let superseded = public(&app, "/api/register?status=superseded").await.json();
    assert_eq!(serials(&superseded), [older.as_str()]);

    // The public page shows the same status, and leads to the newer one.
    let shown = public(&app, &format!("/attestations/{older}")).await.text();
    let status = shown.split("id=\"standing-heading\">").nth(1).unwrap_or("");
    assert!(status.starts_with("Superseded"), "{shown}");
    assert!(
        shown.contains(&format!("href=\"/attestations/{newer}\"")),
        "{shown}"
    );
    let current = public(&app, &format!("/attestations/{newer}")).await.text();
    let status = current
        .split("id=\"standing-heading\">")
        .nth(1)
        .unwrap_or("");
    assert!(status.starts_with("Valid"), "{current}");

    // Once the newer one is revoked, nothing stands in the older one's way.
    let revoked = app
        .post_json(
            &format!("/api/certificates/{newer_id}/revoke"),
            &owner,
            json!({"reason": "signed in error"}),
        )
        .await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.text());
    let page = public(&app, "/api/register").await.json();
    assert_eq!(page["items"][1]["status"], "valid");
    let shown = public(&app, &format!("/attestations/{older}")).await.text();
    let status = shown.split("id=\"standing-heading\">").nth(1).unwrap_or("");
    assert!(status.starts_with("Valid"), "{shown}");
}

#[tokio::test]
async fn pages_follow_each_other_without_overlap_newest_first() {
    let app = App::start(Backend::Sqlite).await.expect("server");
    let (owner, system, assessment) = app.vendor().await;
    let mut issued = Vec::new();
    for _ in 0..5 {
        issued.push(declare(&app, &owner, system, assessment).await.1);
    }
    issued.reverse();
    let mut seen = Vec::new();
    let mut path = "/api/register?limit=2".to_string();
    loop {
        let page = public(&app, &path).await.json();
        seen.extend(serials(&page));
        match page["next_after"].as_str() {
            Some(after) => path = format!("/api/register?limit=2&after={after}"),
            None => break,
        }
    }
    assert_eq!(seen, issued);
    // The page's own "next" link carries the search on.
    let html = public(&app, "/register?vendor=vendor&limit=2")
        .await
        .text()
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    let next = format!("/register?vendor=vendor&limit=2&after={}", issued[1]);
    assert!(html.contains(&next), "{html}");
    let second = public(&app, &next).await.text();
    assert!(
        second.contains(&issued[2]) && !second.contains(&issued[1]),
        "{second}"
    );
}

#[tokio::test]
async fn bad_queries_are_refused_naming_the_field_and_wildcards_match_nothing() {
    let app = App::start(Backend::Sqlite).await.expect("server");
    let (owner, system, assessment) = app.vendor().await;
    declare(&app, &owner, system, assessment).await;
    let long = "v".repeat(101);
    let unknown_serial = "0".repeat(32);
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=-1", "limit"),
        ("limit=ten", "limit"),
        ("after=1", "after"),
        ("after=%27%20OR%201%3D1", "after"),
        (&format!("after={unknown_serial}") as &str, "after"),
        (&format!("vendor={long}"), "vendor"),
        ("product=a%00b", "product"),
        ("kind=certificates", "kind"),
        ("status=active", "status"),
        ("owner=vendor", "owner"),
    ] {
        let answer = public(&app, &format!("/api/register?{query}")).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{query}: {}",
            answer.text()
        );
        assert_eq!(answer.json()["field"], field, "{query}: {}", answer.text());
        // The page says the same, as a page.
        let page = public(&app, &format!("/register?{query}")).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{query}");
    }
    // An empty limit is not an integer, as the API documents it; the page's form sends one for
    // a field left blank, which means the default there.
    let empty = public(&app, "/api/register?limit=").await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST, "{}", empty.text());
    assert_eq!(empty.json()["field"], "limit");
    let page = public(&app, "/register?limit=").await;
    assert_eq!(page.status, StatusCode::OK);
    // `%` and `_` are characters: they do not match every name.
    for filter in [
        "vendor=%25",
        "vendor=_",
        "product=%25",
        "issuer=%25%25",
        "line=_",
    ] {
        let page = public(&app, &format!("/api/register?{filter}")).await;
        assert_eq!(page.status, StatusCode::OK, "{filter}");
        assert!(
            serials(&page.json()).is_empty(),
            "{filter}: {}",
            page.text()
        );
    }
    assert_eq!(
        serials(&public(&app, "/api/register").await.json()).len(),
        1
    );
}

#[tokio::test]
async fn the_register_shows_nothing_its_public_pages_do_not() {
    let app = App::start(Backend::Sqlite).await.expect("server");
    let (owner, system, assessment) = app.vendor().await;
    // Another organization with documents and a draft-like history, but nothing attested.
    let secret = app.token("Quiet Systems", Role::Owner).await;
    let quiet = app.organization("Quiet Systems").await.0;
    let quiet_system = app.system(&secret, quiet, "Hidden Gadget").await;
    app.document(
        &secret,
        quiet_system,
        "targets",
        &example("ota-gateway/target.yaml"),
    )
    .await;
    let (_, serial) = declare(&app, &owner, system, assessment).await;

    let everything = public(&app, "/api/register?limit=100").await;
    let text = everything.text();
    assert!(!text.contains("Quiet"), "{text}");
    assert!(!text.contains("Hidden Gadget"), "{text}");
    assert!(serials(&public(&app, "/api/register?vendor=quiet").await.json()).is_empty());
    let html = public(&app, "/register").await.text();
    assert!(
        !html.contains("Quiet") && !html.contains("Hidden Gadget"),
        "{html}"
    );

    // Every fact the register gives is on the attestation's public page too.
    let item = &everything.json()["items"][0];
    let allowed = [
        "serial",
        "kind",
        "kind_label",
        "status",
        "vendor",
        "issuer",
        "product_line",
        "products",
        "issued",
        "valid_until",
        "revoked_at",
        "superseded_by",
        "href",
    ];
    for key in item.as_object().expect("object").keys() {
        assert!(allowed.contains(&key.as_str()), "unexpected field {key}");
    }
    let shown = public(&app, &format!("/attestations/{serial}"))
        .await
        .text();
    for key in ["serial", "vendor", "issuer", "issued", "valid_until"] {
        let value = item[key].as_str().expect("text");
        assert!(
            shown.contains(value),
            "{key} {value} is not on the public page"
        );
    }
    for product in item["products"].as_array().expect("products") {
        assert!(shown.contains(product["name"].as_str().expect("name")));
        assert!(shown.contains(product["version"].as_str().expect("version")));
    }
    // No evidence, finding or note of the assessment reaches the register.
    let assessment_text = example("ota-gateway/certification/assessment-final.yaml");
    for line in assessment_text
        .lines()
        .filter(|l| l.trim_start().starts_with("note:"))
    {
        let note = line
            .trim_start()
            .trim_start_matches("note:")
            .trim()
            .trim_matches('"');
        if note.len() > 12 {
            assert!(!text.contains(note), "a note leaked: {note}");
        }
    }
}

#[tokio::test]
async fn attestations_stored_before_the_register_existed_join_it_when_the_store_opens() {
    let app = App::start(Backend::Sqlite).await.expect("server");
    let (owner, system, assessment) = app.vendor().await;
    let (id, serial) = declare(&app, &owner, system, assessment).await;
    let revoked = app
        .post_json(
            &format!("/api/certificates/{id}/revoke"),
            &owner,
            json!({"reason": "test"}),
        )
        .await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.text());
    // As a database migrated from before the register holds it: the rows, without their
    // register entries, and the register's filling not yet done (`store_upkeep`).
    let url = app.config.database_url.clone();
    {
        use sqlx::Connection;
        let mut raw = sqlx::SqliteConnection::connect(&url).await.expect("sqlite");
        sqlx::query("DELETE FROM register_products")
            .execute(&mut raw)
            .await
            .expect("delete");
        sqlx::query("DELETE FROM register_entries")
            .execute(&mut raw)
            .await
            .expect("delete");
        sqlx::query("DELETE FROM store_upkeep")
            .execute(&mut raw)
            .await
            .expect("delete");
    }
    assert!(app
        .store()
        .register_entry(&serial, "2026-01-01")
        .await
        .expect("entry")
        .is_none());
    let reopened = smm_store::Store::open(&url).await.expect("reopen");
    let entry = reopened
        .register_entry(&serial, &smm_server::state::today())
        .await
        .expect("entry")
        .expect("added back from its envelope");
    assert_eq!(entry.vendor, "vendor");
    assert_eq!(entry.kind, "declaration");
    assert_eq!(entry.status, smm_store::RegisterStatus::Revoked);
    assert!(entry.products[0].0.starts_with("GW-7"), "{entry:?}");
    // Opening again finds nothing more to add, and no longer looks: the filling is done once.
    assert_eq!(reopened.fill_register().await.expect("fill"), (0, 0));
    let done: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM store_upkeep WHERE task = 'register'")
        .fetch_one(reopened.pool())
        .await
        .expect("upkeep");
    assert_eq!(done, 1);
}
