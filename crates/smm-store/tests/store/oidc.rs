//! Sign-in through an OpenID Connect provider, as the store keeps it: a sign-in under way is
//! taken once, and not after it expired; an identity is one user, made with a name nobody has.

use std::sync::Arc;

use smm_store::oidc::{PendingLogin, MAX_PENDING_PER_ADDRESS};
use smm_store::{Store, StoreError};

use crate::support::{postgres, sqlite};

fn login(n: usize) -> PendingLogin {
    PendingLogin {
        nonce: format!("nonce-{n}"),
        verifier: format!("verifier-{n}"),
        next_path: "/systems".to_string(),
    }
}

async fn a_pending_login_is_taken_once_even_by_racing_callbacks(store: &Arc<Store>) {
    let now = 1_000_000;
    store
        .put_pending_login("state-1", &login(1), "10.0.0.1", now, now + 600)
        .await
        .expect("kept");
    // Two servers get the same callback at once: exactly one finishes the sign-in.
    let a = {
        let store = Arc::clone(store);
        tokio::spawn(async move { store.take_pending_login("state-1", now + 1).await })
    };
    let b = {
        let store = Arc::clone(store);
        tokio::spawn(async move { store.take_pending_login("state-1", now + 1).await })
    };
    let taken: Vec<Option<PendingLogin>> = [a.await, b.await]
        .into_iter()
        .map(|r| r.expect("task").expect("take"))
        .collect();
    assert_eq!(taken.iter().filter(|t| t.is_some()).count(), 1, "{taken:?}");
    assert_eq!(taken.into_iter().flatten().next(), Some(login(1)));
    // Replayed later: nothing.
    assert_eq!(
        store
            .take_pending_login("state-1", now + 2)
            .await
            .expect("take"),
        None
    );
    // Another state finds nothing either.
    assert_eq!(
        store
            .take_pending_login("state-2", now)
            .await
            .expect("take"),
        None
    );
}
on_both!(
    a_pending_login_is_taken_once_even_by_racing_callbacks_on_both,
    a_pending_login_is_taken_once_even_by_racing_callbacks
);

async fn an_expired_pending_login_is_refused_and_gone(store: &Arc<Store>) {
    let now = 2_000_000;
    store
        .put_pending_login("late", &login(1), "10.0.0.2", now, now + 600)
        .await
        .expect("kept");
    assert_eq!(
        store
            .take_pending_login("late", now + 600)
            .await
            .expect("take"),
        None
    );
    // Taken, even though refused: it cannot be tried again with a clock set back.
    assert_eq!(
        store.take_pending_login("late", now).await.expect("take"),
        None
    );
}
on_both!(
    an_expired_pending_login_is_refused_and_gone_on_both,
    an_expired_pending_login_is_refused_and_gone
);

async fn one_address_cannot_fill_the_table(store: &Arc<Store>) {
    let now = 3_000_000;
    for n in 0..MAX_PENDING_PER_ADDRESS as usize {
        store
            .put_pending_login(&format!("s{n}"), &login(n), "10.0.0.3", now, now + 600)
            .await
            .expect("within the limit");
    }
    let refused = store
        .put_pending_login("one-more", &login(99), "10.0.0.3", now, now + 600)
        .await;
    assert!(
        matches!(refused, Err(StoreError::Invalid(_))),
        "{refused:?}"
    );
    // Another address is not held up.
    store
        .put_pending_login("elsewhere", &login(1), "10.0.0.4", now, now + 600)
        .await
        .expect("another address");
    // Once they expire, the address may start again (the expired ones are dropped).
    store
        .put_pending_login("later", &login(1), "10.0.0.3", now + 601, now + 1200)
        .await
        .expect("after expiry");
    assert_eq!(
        store
            .take_pending_login("s0", now + 601)
            .await
            .expect("take"),
        None
    );
}
on_both!(
    one_address_cannot_fill_the_table_on_both,
    one_address_cannot_fill_the_table
);

async fn an_identity_is_one_user_made_under_a_free_name(store: &Arc<Store>) {
    let issuer = "https://idp.example";
    assert_eq!(
        store.identity_user(issuer, "sub-1").await.expect("look up"),
        None
    );
    let user = store
        .create_identity_user("oidc:https://idp.example", "alice", issuer, "sub-1")
        .await
        .expect("made");
    assert_eq!(
        store.identity_user(issuer, "sub-1").await.expect("look up"),
        Some(user)
    );
    // The same subject at another issuer is someone else.
    assert_eq!(
        store
            .identity_user("https://other.example", "sub-1")
            .await
            .expect("look up"),
        None
    );
    // Nobody can sign in to it with a password, not even an empty one.
    for guess in ["", "alice", "sub-1"] {
        assert_eq!(
            store.check_password("alice", guess).await.expect("check"),
            None
        );
    }
    // A name that is taken is never linked by its name.
    store
        .create_user("admin", "bob", "a long enough password")
        .await
        .expect("a local user");
    let taken = store
        .create_identity_user("oidc:https://idp.example", "bob", issuer, "sub-2")
        .await;
    assert!(matches!(taken, Err(StoreError::Exists(_))), "{taken:?}");
    assert_eq!(
        store.identity_user(issuer, "sub-2").await.expect("look up"),
        None
    );
    // One identity, one user.
    let again = store
        .create_identity_user("oidc:https://idp.example", "alice2", issuer, "sub-1")
        .await;
    assert!(matches!(again, Err(StoreError::Exists(_))), "{again:?}");
    // The audit log records the user made.
    let audit = store.verify_audit().await.expect("verify");
    assert!(audit.problems.is_empty(), "{:?}", audit.problems);
}
on_both!(
    an_identity_is_one_user_made_under_a_free_name_on_both,
    an_identity_is_one_user_made_under_a_free_name
);

async fn an_administrator_links_an_existing_account_once(store: &Arc<Store>) {
    let issuer = "https://idp.example";
    store
        .create_user("admin", "carol", "a long enough password")
        .await
        .expect("a local user");
    let user = store
        .link_identity("admin", "carol", issuer, "sub-c")
        .await
        .expect("linked");
    assert_eq!(
        store.identity_user(issuer, "sub-c").await.expect("look up"),
        Some(user)
    );
    // Her password still works: linking adds a way in, it takes none away.
    assert_eq!(
        store
            .check_password("carol", "a long enough password")
            .await
            .expect("check"),
        Some(user)
    );
    for (name, subject) in [("carol", "sub-other"), ("dave", "sub-c")] {
        if name == "dave" {
            store
                .create_user("admin", "dave", "another long password")
                .await
                .expect("a local user");
        }
        let again = store.link_identity("admin", name, issuer, subject).await;
        assert!(
            matches!(again, Err(StoreError::Exists(_))),
            "{name}: {again:?}"
        );
    }
    let nobody = store
        .link_identity("admin", "nobody", issuer, "sub-n")
        .await;
    assert!(matches!(nobody, Err(StoreError::NotFound(_))), "{nobody:?}");
    assert!(store
        .verify_audit()
        .await
        .expect("verify")
        .problems
        .is_empty());
}
on_both!(
    an_administrator_links_an_existing_account_once_on_both,
    an_administrator_links_an_existing_account_once
);
