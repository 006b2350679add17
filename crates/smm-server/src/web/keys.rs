//! The organization's signing keys in pages: the "Signing keys" section of the organization's
//! page lists them; its forms create, import, retire and revoke (a revocation asks for the
//! first day not to trust, a reason, and a ticked confirmation). The rules are `app::keys`'s.

use axum::extract::{Form, State};
use axum::response::{IntoResponse, Redirect};

use smm_store::SigningKeyRecord;

use super::manage::members_again;
use super::{field, Done, PageResult, PageUser};
use crate::app::keys::{self, NewKey};
use crate::extract::ApiPath;
use crate::problem::Problem;
use crate::state::AppState;

/// A key as the page lists it.
pub struct KeyRow {
    /// The full key id.
    pub keyid: String,
    /// Its first 16 characters, for the table.
    pub short: String,
    /// The public key PEM.
    pub public_key: String,
    /// active, retired or revoked.
    pub status: &'static str,
    /// created or imported.
    pub origin: &'static str,
    /// First day.
    pub valid_from: String,
    /// Last day, once retired.
    pub valid_until: Option<String>,
    /// Revoked from, and why.
    pub revoked: Option<(String, String)>,
    /// Whether it may still be retired (active).
    pub can_retire: bool,
    /// Whether it may still be revoked (not revoked yet).
    pub can_revoke: bool,
}

impl From<SigningKeyRecord> for KeyRow {
    fn from(k: SigningKeyRecord) -> KeyRow {
        let life = k.life();
        KeyRow {
            short: k.keyid.chars().take(16).collect(),
            status: life.as_str(),
            origin: k.origin.as_str(),
            can_retire: life == smm_store::KeyLife::Active,
            can_revoke: life != smm_store::KeyLife::Revoked,
            revoked: k.revoked_from.zip(k.revocation_reason),
            keyid: k.keyid,
            public_key: k.public_key,
            valid_from: k.valid_from,
            valid_until: k.valid_until,
        }
    }
}

fn back(org: i64, done: Done) -> PageResult {
    Ok(Redirect::to(&done.on(&format!("/orgs/{org}/members"))).into_response())
}

/// Creates a key on the server.
pub async fn create(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(org): ApiPath<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_csrf(&field(&fields, "csrf"))?;
    match keys::create(&state, &user.caller, org, NewKey::Generate).await {
        Ok(_) => back(org, Done::KeyCreated),
        Err(problem) => members_again(&state, &user, org, problem).await,
    }
}

/// Imports a key pasted as PKCS#8 PEM.
pub async fn import(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath(org): ApiPath<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_csrf(&field(&fields, "csrf"))?;
    let pem = field(&fields, "private_key");
    match keys::create(&state, &user.caller, org, NewKey::Import(&pem)).await {
        Ok(_) => back(org, Done::KeyImported),
        Err(problem) => members_again(&state, &user, org, problem).await,
    }
}

/// Retires an active key.
pub async fn retire(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath((org, keyid)): ApiPath<(i64, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_csrf(&field(&fields, "csrf"))?;
    match keys::retire(&state, &user.caller, org, &keyid).await {
        Ok(_) => back(org, Done::KeyRetired),
        Err(problem) => members_again(&state, &user, org, problem).await,
    }
}

/// Revokes a key from a day, for a reason, once the box confirming it is ticked.
pub async fn revoke(
    State(state): State<AppState>,
    user: PageUser,
    ApiPath((org, keyid)): ApiPath<(i64, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    user.check_csrf(&field(&fields, "csrf"))?;
    if field(&fields, "confirm") != "yes" {
        // The role first: someone who may not revoke learns nothing more from a missing tick.
        crate::access::in_organization(&user.caller, org, crate::authz::Action::ManageKeys)?;
        let problem = Problem::bad_field(
            "confirm",
            "Nothing was revoked: tick the box to confirm that nothing this key signed from that \
             day on is to be trusted.",
        );
        return members_again(&state, &user, org, problem).await;
    }
    match keys::revoke(
        &state,
        &user.caller,
        org,
        &keyid,
        &field(&fields, "from"),
        &field(&fields, "reason"),
    )
    .await
    {
        Ok(_) => back(org, Done::KeyRevoked),
        Err(problem) => members_again(&state, &user, org, problem).await,
    }
}
