//! Consent and an end to access, attacked: invitations answered only by the person named,
//! inviting and offering that tell nobody which names exist, pending grants that give nothing,
//! tokens that cannot manage who acts and die with their maker's right, removed members and
//! ended sessions that stop at once, and the last owner kept under concurrent demotions.
//! Every test runs on SQLite and on PostgreSQL.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};
use smm_store::Role;

use crate::common::{Answer, App};

/// A signed-in person: the cookie and the session's CSRF token.
struct Person {
    cookie: String,
    csrf: String,
}

async fn sign_in(app: &App, name: &str) -> Person {
    let password = format!("{name}-password-long");
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
    Person { cookie, csrf }
}

impl Person {
    async fn call(
        &self,
        app: &App,
        method: Method,
        path: impl AsRef<str>,
        body: Option<Value>,
    ) -> Answer {
        app.send(
            method,
            path.as_ref(),
            None,
            body.map(|b| ("application/json", b.to_string().into_bytes())),
            &[("cookie", &self.cookie), ("x-csrf-token", &self.csrf)],
        )
        .await
    }
}

/// A user who exists but belongs to no organization yet.
async fn lone_user(app: &App, name: &str) {
    app.store()
        .create_user("test", name, &format!("{name}-password-long"))
        .await
        .expect("user");
}

async fn an_invitation_is_accepted_only_by_the_person_it_names(app: App) {
    app.user("claire", "acme", Role::Owner).await;
    let org = app.organization("acme").await.0;
    lone_user(&app, "bob").await;
    lone_user(&app, "eve").await;
    let claire = sign_in(&app, "claire").await;
    let sent = claire
        .call(
            &app,
            Method::POST,
            format!("/api/organizations/{org}/invitations"),
            Some(json!({"name": "bob", "role": "owner"})),
        )
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text());
    let id = sent.json()["id"].as_i64().expect("id");
    // Not a member before accepting.
    assert!(app
        .store()
        .memberships(
            app.store()
                .user_by_name("bob")
                .await
                .expect("store")
                .expect("store")
        )
        .await
        .expect("store")
        .is_empty());

    let eve = sign_in(&app, "eve").await;
    assert_eq!(
        eve.call(&app, Method::GET, "/api/invitations", None)
            .await
            .json(),
        json!([])
    );
    for verb in ["accept", "decline"] {
        let stolen = eve
            .call(
                &app,
                Method::POST,
                format!("/api/invitations/{id}/{verb}"),
                None,
            )
            .await;
        assert_eq!(stolen.status, StatusCode::NOT_FOUND, "{}", stolen.text());
    }
    // The inviting owner cannot accept it for bob either, nor can a token.
    let owner_answers = claire
        .call(
            &app,
            Method::POST,
            format!("/api/invitations/{id}/accept"),
            None,
        )
        .await;
    assert_eq!(owner_answers.status, StatusCode::NOT_FOUND);
    let token = app.token("acme", Role::Owner).await;
    let by_token = app
        .send(
            Method::POST,
            &format!("/api/invitations/{id}/accept"),
            Some(&token),
            None,
            &[],
        )
        .await;
    assert_eq!(by_token.status, StatusCode::FORBIDDEN);

    let bob = sign_in(&app, "bob").await;
    let waiting = bob.call(&app, Method::GET, "/api/invitations", None).await;
    assert_eq!(waiting.json()[0]["organization_name"], "acme");
    let accepted = bob
        .call(
            &app,
            Method::POST,
            format!("/api/invitations/{id}/accept"),
            None,
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text());
    assert_eq!(
        accepted.json(),
        json!({"organization": org, "role": "owner"})
    );
    let again = bob
        .call(
            &app,
            Method::POST,
            format!("/api/invitations/{id}/accept"),
            None,
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "used once only");
}

async fn a_withdrawn_or_expired_invitation_cannot_be_accepted(app: App) {
    app.user("claire", "acme", Role::Owner).await;
    let org = app.organization("acme").await;
    lone_user(&app, "bob").await;
    let claire = sign_in(&app, "claire").await;
    let id = claire
        .call(
            &app,
            Method::POST,
            format!("/api/organizations/{}/invitations", org.0),
            Some(json!({"name": "bob", "role": "viewer"})),
        )
        .await
        .json()["id"]
        .as_i64()
        .expect("id");
    let withdrawn = claire
        .call(
            &app,
            Method::DELETE,
            format!("/api/organizations/{}/invitations/{id}", org.0),
            None,
        )
        .await;
    assert_eq!(withdrawn.status, StatusCode::NO_CONTENT);
    let bob = sign_in(&app, "bob").await;
    let late = bob
        .call(
            &app,
            Method::POST,
            format!("/api/invitations/{id}/accept"),
            None,
        )
        .await;
    assert_eq!(late.status, StatusCode::NOT_FOUND);
    // Sent eight days ago: lapsed after seven.
    let old = app
        .store()
        .invite("claire", org, "bob", Role::Viewer, 0)
        .await
        .expect("invitation");
    let lapsed = bob
        .call(
            &app,
            Method::POST,
            format!("/api/invitations/{}/accept", old.id),
            None,
        )
        .await;
    assert_eq!(lapsed.status, StatusCode::NOT_FOUND);
}

/// The answer with the name asked about taken out, to compare two answers' shapes and values.
fn without_name(answer: &Answer, key: &str) -> (StatusCode, Value) {
    let mut body = answer.json();
    for drop in [key, "id", "expires_at"] {
        body.as_object_mut().expect("object").remove(drop);
    }
    (answer.status, body)
}

async fn inviting_and_offering_answer_the_same_for_existing_and_unknown_names(app: App) {
    app.user("claire", "acme", Role::Owner).await;
    let org = app.organization("acme").await.0;
    lone_user(&app, "bob").await;
    app.organization("lab").await;
    let claire = sign_in(&app, "claire").await;
    let invite = |name: &'static str| {
        claire.call(
            &app,
            Method::POST,
            format!("/api/organizations/{org}/invitations"),
            Some(json!({"name": name, "role": "editor"})),
        )
    };
    let known = invite("bob").await;
    let unknown = invite("nobody-by-this-name").await;
    assert_eq!(known.status, StatusCode::CREATED);
    assert_eq!(without_name(&known, "name"), without_name(&unknown, "name"));

    let token = app.token("acme", Role::Editor).await;
    let system = app.system(&token, org, "line").await;
    let offer = |name: &'static str| {
        claire.call(
            &app,
            Method::PUT,
            format!("/api/systems/{system}/grants/{name}"),
            Some(json!({"role": "assessor"})),
        )
    };
    let known = offer("lab").await;
    let unknown = offer("no-such-lab").await;
    assert_eq!(known.status, StatusCode::ACCEPTED, "{}", known.text());
    assert_eq!(
        without_name(&known, "organization"),
        without_name(&unknown, "organization")
    );
    // Changing the role of someone who is not a member says the same for both kinds of name.
    let change = |name: &'static str| {
        claire.call(
            &app,
            Method::PUT,
            format!("/api/organizations/{org}/members/{name}"),
            Some(json!({"role": "owner"})),
        )
    };
    let (a, b) = (change("bob").await, change("nobody-by-this-name").await);
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_eq!(a.status, b.status);
    assert_eq!(
        a.text().replace("bob", "X"),
        b.text().replace("nobody-by-this-name", "X")
    );
}

async fn a_pending_grant_gives_no_access_until_the_receiving_owner_accepts(app: App) {
    app.user("claire", "acme", Role::Owner).await;
    app.user("lena", "lab", Role::Owner).await;
    let acme = app.organization("acme").await.0;
    let lab = app.organization("lab").await.0;
    let claire = sign_in(&app, "claire").await;
    let lena = sign_in(&app, "lena").await;
    let editor = app.token("acme", Role::Editor).await;
    let system = app.system(&editor, acme, "line").await;
    let offered = claire
        .call(
            &app,
            Method::PUT,
            format!("/api/systems/{system}/grants/lab"),
            Some(json!({"role": "assessor"})),
        )
        .await;
    assert_eq!(offered.status, StatusCode::ACCEPTED);
    assert_eq!(offered.json()["status"], "pending");
    let reader = app.token("lab", Role::Assessor).await;
    let seen = app.get(&format!("/api/systems/{system}"), &reader).await;
    assert_eq!(seen.status, StatusCode::NOT_FOUND, "pending gives nothing");
    let listed = app
        .get(&format!("/api/organizations/{lab}/systems"), &reader)
        .await;
    assert_eq!(listed.json()["items"], json!([]), "{}", listed.text());
    let portfolio = app
        .get(&format!("/api/organizations/{lab}/portfolio"), &reader)
        .await;
    assert!(
        !portfolio.text().contains("\"line\""),
        "{}",
        portfolio.text()
    );

    // Only the receiving organization's owner answers: not the offering side, not a token.
    let offers = lena
        .call(
            &app,
            Method::GET,
            format!("/api/organizations/{lab}/offers"),
            None,
        )
        .await;
    let id = offers.json()[0]["id"].as_i64().expect("an offer");
    let from_acme = claire
        .call(
            &app,
            Method::POST,
            format!("/api/organizations/{acme}/offers/{id}/accept"),
            None,
        )
        .await;
    assert_eq!(from_acme.status, StatusCode::NOT_FOUND);
    let owner_token = app.token("lab", Role::Owner).await;
    let by_token = app
        .send(
            Method::POST,
            &format!("/api/organizations/{lab}/offers/{id}/accept"),
            Some(&owner_token),
            None,
            &[],
        )
        .await;
    assert_eq!(by_token.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.get(&format!("/api/systems/{system}"), &reader)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let accepted = lena
        .call(
            &app,
            Method::POST,
            format!("/api/organizations/{lab}/offers/{id}/accept"),
            None,
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text());
    assert_eq!(
        app.get(&format!("/api/systems/{system}"), &reader)
            .await
            .status,
        StatusCode::OK
    );
    // Withdrawn by the granting side: gone again.
    let withdrawn = claire
        .call(
            &app,
            Method::DELETE,
            format!("/api/systems/{system}/grants/lab"),
            None,
        )
        .await;
    assert_eq!(withdrawn.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(&format!("/api/systems/{system}"), &reader)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

async fn an_owner_token_cannot_invite_mint_tokens_grant_or_demote(app: App) {
    app.user("claire", "acme", Role::Owner).await;
    app.organization("lab").await;
    let org = app.organization("acme").await.0;
    let token = app.token("acme", Role::Owner).await;
    let system = app.system(&token, org, "line").await;
    for (method, path, body) in [
        (
            Method::POST,
            format!("/api/organizations/{org}/invitations"),
            json!({"name": "mallory", "role": "owner"}),
        ),
        (
            Method::POST,
            format!("/api/organizations/{org}/tokens"),
            json!({"name": "more", "role": "owner", "expires_in_days": 30}),
        ),
        (
            Method::PUT,
            format!("/api/systems/{system}/grants/lab"),
            json!({"role": "assessor"}),
        ),
        (
            Method::PUT,
            format!("/api/organizations/{org}/members/claire"),
            json!({"role": "viewer"}),
        ),
        (
            Method::PUT,
            format!("/api/organizations/{org}/members/mallory"),
            json!({"role": "owner", "password": "mallory-password-long"}),
        ),
    ] {
        let refused = app
            .send(
                method,
                &path,
                Some(&token),
                Some(("application/json", body.to_string().into_bytes())),
                &[],
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{path}: {}",
            refused.text()
        );
    }
    for path in [
        format!("/api/organizations/{org}/members/claire"),
        format!("/api/organizations/{org}/members/claire/sessions"),
    ] {
        let refused = app
            .send(Method::DELETE, &path, Some(&token), None, &[])
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{path}");
    }
    let members = app
        .get(&format!("/api/organizations/{org}/members"), &token)
        .await;
    assert_eq!(members.json(), json!([{"name": "claire", "role": "owner"}]));
    assert!(app
        .store()
        .user_by_name("mallory")
        .await
        .expect("store")
        .is_none());
}

async fn a_token_stops_when_its_maker_loses_the_right_to_make_it(app: App) {
    app.user("claire", "acme", Role::Owner).await;
    app.user("olga", "acme", Role::Owner).await;
    let org = app.organization("acme").await.0;
    let claire = sign_in(&app, "claire").await;
    let olga = sign_in(&app, "olga").await;
    let mint = |days: i64| {
        claire.call(
            &app,
            Method::POST,
            format!("/api/organizations/{org}/tokens"),
            Some(json!({"name": "ci", "role": "editor", "expires_in_days": days})),
        )
    };
    for days in [0, 366, -1] {
        assert_eq!(
            mint(days).await.status,
            StatusCode::BAD_REQUEST,
            "{days} days"
        );
    }
    let made = mint(90).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    let expires = made.json()["expires_at"].as_i64().expect("expiry");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("store")
        .as_secs() as i64;
    assert!((expires - now - 90 * 86_400).abs() < 60, "{expires}");
    let secret = made.json()["secret"].as_str().expect("secret").to_string();
    let probe = format!("/api/organizations/{org}/systems");
    assert_eq!(app.get(&probe, &secret).await.status, StatusCode::OK);

    // Demoted below owner: the token stops at once.
    let demoted = olga
        .call(
            &app,
            Method::PUT,
            format!("/api/organizations/{org}/members/claire"),
            Some(json!({"role": "editor"})),
        )
        .await;
    assert_eq!(demoted.status, StatusCode::OK, "{}", demoted.text());
    assert_eq!(
        app.get(&probe, &secret).await.status,
        StatusCode::UNAUTHORIZED
    );
    // Owner again: it works again (it was never revoked, only its maker's right was checked).
    app.store()
        .set_membership(
            "test",
            app.store()
                .user_by_name("claire")
                .await
                .expect("store")
                .expect("store"),
            smm_store::OrganizationId(org),
            Role::Owner,
        )
        .await
        .expect("store");
    assert_eq!(app.get(&probe, &secret).await.status, StatusCode::OK);
    // Account disabled: stops.
    let claire_id = app
        .store()
        .user_by_name("claire")
        .await
        .expect("store")
        .expect("store");
    app.store()
        .set_user_disabled("admin", claire_id, true)
        .await
        .expect("store");
    assert_eq!(
        app.get(&probe, &secret).await.status,
        StatusCode::UNAUTHORIZED
    );
    app.store()
        .set_user_disabled("admin", claire_id, false)
        .await
        .expect("store");
    // Removed from the organization: stops.
    let removed = olga
        .call(
            &app,
            Method::DELETE,
            format!("/api/organizations/{org}/members/claire"),
            None,
        )
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "{}", removed.text());
    assert_eq!(
        app.get(&probe, &secret).await.status,
        StatusCode::UNAUTHORIZED
    );
    // An expired token, whoever made it, opens nothing.
    let (_, expired) = app
        .store()
        .create_api_token(
            "test",
            smm_store::OrganizationId(org),
            Role::Viewer,
            "old",
            now - 1,
            None,
        )
        .await
        .expect("store");
    assert_eq!(
        app.get(&probe, &expired).await.status,
        StatusCode::UNAUTHORIZED
    );
}

async fn a_removed_member_or_ended_sessions_stop_acting_at_once(app: App) {
    app.user("claire", "acme", Role::Owner).await;
    app.user("bob", "acme", Role::Editor).await;
    app.user("bob", "globex", Role::Viewer).await;
    let acme = app.organization("acme").await.0;
    let globex = app.organization("globex").await.0;
    let claire = sign_in(&app, "claire").await;
    let bob = sign_in(&app, "bob").await;
    let in_acme = format!("/api/organizations/{acme}");
    let in_globex = format!("/api/organizations/{globex}");
    assert_eq!(
        bob.call(&app, Method::GET, &in_acme, None).await.status,
        StatusCode::OK
    );
    let ended = claire
        .call(
            &app,
            Method::DELETE,
            format!("/api/organizations/{acme}/members/bob/sessions"),
            None,
        )
        .await;
    assert_eq!(ended.status, StatusCode::NO_CONTENT);
    assert_eq!(
        bob.call(&app, Method::GET, &in_acme, None).await.status,
        StatusCode::NOT_FOUND,
        "the session no longer acts in acme"
    );
    assert_eq!(
        bob.call(&app, Method::GET, &in_globex, None).await.status,
        StatusCode::OK,
        "acme's owner does not end bob's globex work"
    );
    let fresh = sign_in(&app, "bob").await;
    assert_eq!(
        fresh.call(&app, Method::GET, &in_acme, None).await.status,
        StatusCode::OK
    );
    let removed = claire
        .call(
            &app,
            Method::DELETE,
            format!("/api/organizations/{acme}/members/bob"),
            None,
        )
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    assert_eq!(
        fresh.call(&app, Method::GET, &in_acme, None).await.status,
        StatusCode::NOT_FOUND
    );
    // The pages too: the members page of acme is closed to bob's session.
    let page = app
        .send(
            Method::GET,
            &format!("/orgs/{acme}/members"),
            None,
            None,
            &[("cookie", &fresh.cookie)],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    // A member leaves by themselves; the last owner cannot.
    let leaves = fresh
        .call(
            &app,
            Method::DELETE,
            format!("/api/organizations/{globex}/members/bob"),
            None,
        )
        .await;
    assert_eq!(leaves.status, StatusCode::NO_CONTENT);
    let last = claire
        .call(
            &app,
            Method::DELETE,
            format!("/api/organizations/{acme}/members/claire"),
            None,
        )
        .await;
    assert_eq!(last.status, StatusCode::CONFLICT, "{}", last.text());
}

async fn two_owners_demoting_each_other_at_once_leave_one_owner(app: App) {
    app.user("ann", "acme", Role::Owner).await;
    app.user("ben", "acme", Role::Owner).await;
    let org = app.organization("acme").await.0;
    let ann = sign_in(&app, "ann").await;
    let ben = sign_in(&app, "ben").await;
    for round in 0..5 {
        let (a, b) = tokio::join!(
            ann.call(
                &app,
                Method::PUT,
                format!("/api/organizations/{org}/members/ben"),
                Some(json!({"role": "viewer"})),
            ),
            ben.call(
                &app,
                Method::PUT,
                format!("/api/organizations/{org}/members/ann"),
                Some(json!({"role": "viewer"})),
            ),
        );
        let owners = app
            .store()
            .members(smm_store::OrganizationId(org))
            .await
            .expect("store")
            .into_iter()
            .filter(|(_, _, r)| *r == Role::Owner)
            .count();
        assert_eq!(owners, 1, "round {round}: {} and {}", a.status, b.status);
        let mut statuses = [a.status, b.status];
        statuses.sort();
        // One demotion went through; the other is refused: 409 as the last owner, or 403 when
        // its sender had already been demoted and no longer manages members.
        assert_eq!(statuses[0], StatusCode::OK, "round {round}");
        assert!(
            matches!(statuses[1], StatusCode::CONFLICT | StatusCode::FORBIDDEN),
            "round {round}: {}",
            statuses[1]
        );
        // Both owners again for the next round.
        for name in ["ann", "ben"] {
            let user = app
                .store()
                .user_by_name(name)
                .await
                .expect("store")
                .expect("store");
            app.store()
                .set_membership("test", user, smm_store::OrganizationId(org), Role::Owner)
                .await
                .expect("store");
        }
    }
    // And in sequence, the second is refused as the last owner.
    let first = ann
        .call(
            &app,
            Method::PUT,
            format!("/api/organizations/{org}/members/ben"),
            Some(json!({"role": "viewer"})),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK);
    let own = ann
        .call(
            &app,
            Method::PUT,
            format!("/api/organizations/{org}/members/ann"),
            Some(json!({"role": "viewer"})),
        )
        .await;
    assert_eq!(own.status, StatusCode::CONFLICT);
}

on_both! {
    invitation_for_another => an_invitation_is_accepted_only_by_the_person_it_names;
    invitation_withdrawn_or_expired => a_withdrawn_or_expired_invitation_cannot_be_accepted;
    same_answer_for_any_name => inviting_and_offering_answer_the_same_for_existing_and_unknown_names;
    pending_grant => a_pending_grant_gives_no_access_until_the_receiving_owner_accepts;
    token_cannot_manage => an_owner_token_cannot_invite_mint_tokens_grant_or_demote;
    token_follows_its_maker => a_token_stops_when_its_maker_loses_the_right_to_make_it;
    removed_and_ended => a_removed_member_or_ended_sessions_stop_acting_at_once;
    last_owner_concurrent => two_owners_demoting_each_other_at_once_leave_one_owner;
}
