//! Consent through the pages, as people click it: an owner invites from the members page, only
//! the invited person can accept on their invitations page, and the owner's "End sessions" and
//! "Remove" buttons take effect on the member's very next request.

use axum::http::StatusCode;
use smm_store::Role;

use crate::common::{hidden, App, Backend};

fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The id in the first `action="/invitations/N"` of a page.
fn invitation_id(page: &str) -> String {
    let start = page
        .find("action=\"/invitations/")
        .map(|i| i + "action=\"/invitations/".len())
        .unwrap_or_else(|| panic!("no invitation on the page: {page}"));
    page[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect()
}

#[tokio::test]
async fn an_invitation_sent_and_accepted_through_the_pages_and_a_member_ended_and_removed() {
    let app = App::start(Backend::Sqlite).await.expect("server");
    app.user("ada", "acme", Role::Owner).await;
    app.user("bob", "bobs-shop", Role::Owner).await;
    app.user("eve", "eves-shop", Role::Owner).await;
    let org = app.organization("acme").await.0;
    let ada = app.session_of("ada").await;
    let bob = app.session_of("bob").await;
    let eve = app.session_of("eve").await;
    let members = format!("/orgs/{org}/members");

    // Bob is no member: the organization's pages are not his.
    assert_ne!(app.page(&bob, &members).await.status, StatusCode::OK);

    let page = app.page(&ada, &members).await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = hidden(&page.text(), "csrf");
    let invited = app
        .post_form(
            &ada,
            &format!("/orgs/{org}/invitations"),
            &fields(&[("csrf", &csrf), ("name", "bob"), ("role", "assessor")]),
        )
        .await;
    assert_eq!(invited.status, StatusCode::SEE_OTHER, "{}", invited.text());
    // Still no member until he accepts.
    assert_ne!(app.page(&bob, &members).await.status, StatusCode::OK);

    let mine = app.page(&bob, "/invitations").await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(mine.text().contains("acme"), "{}", mine.text());
    let id = invitation_id(&mine.text());

    // Eve, signed in, cannot take Bob's invitation, even with her own valid CSRF token.
    let eves = app.page(&eve, "/invitations").await;
    assert!(!eves.text().contains("acme"));
    let eve_csrf = hidden(&eves.text(), "csrf");
    let stolen = app
        .post_form(
            &eve,
            &format!("/invitations/{id}"),
            &fields(&[("csrf", &eve_csrf), ("answer", "accept")]),
        )
        .await;
    assert_ne!(stolen.status, StatusCode::SEE_OTHER, "{}", stolen.text());
    assert_ne!(app.page(&eve, &members).await.status, StatusCode::OK);

    let bob_csrf = hidden(&mine.text(), "csrf");
    let accepted = app
        .post_form(
            &bob,
            &format!("/invitations/{id}"),
            &fields(&[("csrf", &bob_csrf), ("answer", "accept")]),
        )
        .await;
    assert_eq!(
        accepted.status,
        StatusCode::SEE_OTHER,
        "{}",
        accepted.text()
    );
    assert_eq!(app.page(&bob, &members).await.status, StatusCode::OK);

    // The owner ends Bob's sessions: his very next request in acme is refused.
    let page = app.page(&ada, &members).await;
    assert!(
        page.text().contains("End sessions of bob"),
        "{}",
        page.text()
    );
    let ended = app
        .post_form(
            &ada,
            &format!("/orgs/{org}/members/sessions"),
            &fields(&[("csrf", &hidden(&page.text(), "csrf")), ("name", "bob")]),
        )
        .await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER, "{}", ended.text());
    assert_ne!(app.page(&bob, &members).await.status, StatusCode::OK);

    // Signed in again he is a member; removed, he is not, at once.
    let bob = app.session_of("bob").await;
    assert_eq!(app.page(&bob, &members).await.status, StatusCode::OK);
    let page = app.page(&ada, &members).await;
    let removed = app
        .post_form(
            &ada,
            &format!("/orgs/{org}/members/remove"),
            &fields(&[("csrf", &hidden(&page.text(), "csrf")), ("name", "bob")]),
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.text());
    assert_ne!(app.page(&bob, &members).await.status, StatusCode::OK);
    assert!(!app.page(&ada, &members).await.text().contains("Remove bob"));
}
