//! Signing in through the OpenID Connect provider: starting a sign-in (the provider's page,
//! with PKCE, a state and a nonce), and finishing it (the provider's answer checked, the person
//! found or made, their memberships set from their groups, a session opened).
//!
//! A sign-in is bound to the browser that started it: the state goes to the provider in the URL
//! and to the browser in a cookie, and the callback needs both to match and the stored sign-in
//! to exist; it is taken once, so a replayed callback fails.

use axum::http::StatusCode;
use openidconnect::core::CoreAuthenticationFlow;
use openidconnect::{
    AuthorizationCode, CsrfToken, Nonce, PkceCodeChallenge, PkceCodeVerifier, Scope, TokenResponse,
};
use smm_store::oidc::PendingLogin;
use smm_store::{StoreError, UserId};

use crate::app::session::SESSION_SECONDS;
use crate::auth::constant_time_eq;
use crate::oidc::{claim_strings, Oidc, ALLOWED_ALGORITHMS};
use crate::problem::Problem;
use crate::state::{unix_now, AppState};

/// How long a person has at the provider before the sign-in must start again.
pub const PENDING_SECONDS: i64 = 600;

/// How far from now an ID token's issue time may be: tokens are used as soon as they are made.
const ISSUED_WITHIN_SECONDS: i64 = 300;

/// What the provider sent back to the callback.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Callback {
    /// The authorization code.
    pub code: Option<String>,
    /// The state smm sent.
    pub state: Option<String>,
    /// The provider's issuer (RFC 9207), when it says.
    pub iss: Option<String>,
    /// Why the provider did not sign the person in.
    pub error: Option<String>,
    /// In words.
    pub error_description: Option<String>,
}

/// The configured provider, or a 404: without one, these pages do not exist.
pub fn provider(state: &AppState) -> Result<&Oidc, Problem> {
    state
        .oidc
        .as_deref()
        .ok_or_else(|| Problem::new(StatusCode::NOT_FOUND, "no sign-in provider is configured"))
}

/// Starts a sign-in for a person at `address` who wants to end up at `next` (a path on this
/// site): the provider's URL to send them to, and the state for their cookie.
pub async fn start(
    state: &AppState,
    next: &str,
    address: &str,
) -> Result<(String, String), Problem> {
    let oidc = provider(state)?;
    let client = oidc.client().await.map_err(unavailable)?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client.authorize_url(
        CoreAuthenticationFlow::AuthorizationCode,
        CsrfToken::new_random,
        Nonce::new_random,
    );
    for scope in &oidc.config.scopes {
        request = request.add_scope(Scope::new(scope.clone()));
    }
    let (url, csrf, nonce) = request.set_pkce_challenge(challenge).url();
    let now = unix_now();
    state
        .store
        .put_pending_login(
            csrf.secret(),
            &PendingLogin {
                nonce: nonce.secret().clone(),
                verifier: verifier.secret().clone(),
                next_path: next.to_string(),
            },
            address,
            now,
            now + PENDING_SECONDS,
        )
        .await
        .map_err(|e| match e {
            StoreError::Invalid(reason) => Problem::new(StatusCode::TOO_MANY_REQUESTS, reason),
            other => other.into(),
        })?;
    Ok((url.to_string(), csrf.secret().clone()))
}

/// Finishes a sign-in: the session's secret and where to go, or why not.
pub async fn finish(
    state: &AppState,
    callback: Callback,
    cookie_state: Option<&str>,
) -> Result<(String, String), Problem> {
    let oidc = provider(state)?;
    if let Some(error) = &callback.error {
        return Err(refused(format!(
            "the provider did not sign you in ({error}{})",
            callback
                .error_description
                .as_deref()
                .map(|d| format!(": {d}"))
                .unwrap_or_default()
        )));
    }
    let (Some(code), Some(returned_state)) = (callback.code, callback.state) else {
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "the provider's answer has no code or no state",
        ));
    };
    // Login CSRF: a callback this browser did not start.
    if !cookie_state.is_some_and(|c| constant_time_eq(c, &returned_state)) {
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "this sign-in was not started in this browser: start again",
        ));
    }
    // Mix-up: an answer from another provider than the one asked.
    if callback
        .iss
        .as_deref()
        .is_some_and(|iss| iss != oidc.config.issuer)
    {
        return Err(refused("the answer came from another provider".to_string()));
    }
    let pending = state
        .store
        .take_pending_login(&returned_state, unix_now())
        .await?
        .ok_or_else(|| {
            Problem::new(
                StatusCode::BAD_REQUEST,
                "this sign-in has expired or was already used: start again",
            )
        })?;
    let client = oidc.client().await.map_err(unavailable)?;
    let token = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| unavailable(e.to_string()))?
        .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier))
        .request_async(oidc.http())
        .await
        .map_err(|e| refused(format!("the provider refused the code: {e}")))?;
    let id_token = token
        .id_token()
        .ok_or_else(|| refused("the provider sent no ID token".to_string()))?;
    let nonce = Nonce::new(pending.nonce);
    let now = unix_now();
    let verify = |client: &crate::oidc::OidcClient| {
        let verifier = client
            .id_token_verifier()
            .set_allowed_algs(ALLOWED_ALGORITHMS)
            .set_issue_time_verifier_fn(move |iat| {
                let iat = iat.timestamp();
                if (iat - now).abs() <= ISSUED_WITHIN_SECONDS {
                    Ok(())
                } else {
                    Err(format!("issued at {iat}, not within five minutes of now"))
                }
            });
        id_token.claims(&verifier, &nonce).cloned()
    };
    let claims = match verify(&client) {
        Ok(claims) => claims,
        Err(openidconnect::ClaimsVerificationError::SignatureVerification(
            openidconnect::SignatureVerificationError::NoMatchingKey,
        )) => {
            // The provider may have rotated its keys since discovery.
            let fresh = oidc.rediscover().await.map_err(unavailable)?;
            verify(&fresh).map_err(|e| refused(format!("the ID token is not valid: {e}")))?
        }
        Err(e) => return Err(refused(format!("the ID token is not valid: {e}"))),
    };
    let issuer = claims.issuer().as_str().to_string();
    let subject = claims.subject().as_str().to_string();
    let extra = claims.additional_claims();
    // Entra ID leaves out the groups of a person in too many and says where to fetch them: no
    // groups is then not the truth, so the sign-in is refused rather than memberships removed.
    if extra
        .0
        .get("_claim_names")
        .is_some_and(|names| names.get(&oidc.config.groups_claim).is_some())
    {
        return Err(refused(
            "the provider left your groups out of the token (too many groups): ask an \
             administrator to map app roles or fewer groups"
                .to_string(),
        ));
    }
    let groups = claim_strings(extra, &oidc.config.groups_claim).map_err(refused)?;
    let roles = oidc.config.roles_for(&groups);
    let user = match state.store.identity_user(&issuer, &subject).await? {
        Some(user) => user,
        None => {
            if roles.is_empty() {
                return Err(Problem::new(
                    StatusCode::FORBIDDEN,
                    "none of your groups gives you a role in an organization of this server",
                ));
            }
            let name = username(&claims, &oidc.config.username_claim, &subject);
            state
                .store
                .create_identity_user(&actor(&issuer), &name, &issuer, &subject)
                .await
                .map_err(|e| match e {
                    StoreError::Exists(_) => Problem::new(
                        StatusCode::CONFLICT,
                        format!("the name {name} belongs to another account: ask an administrator"),
                    ),
                    other => other.into(),
                })?
        }
    };
    sync_memberships(state, oidc, user, &roles, &issuer).await?;
    let (secret, _) = state
        .store
        .create_session(user, unix_now() + SESSION_SECONDS)
        .await?;
    // A disabled account's sessions open nothing: say so rather than seem to sign them in.
    if state.store.session(&secret, unix_now()).await?.is_none() {
        state.store.end_session(&secret, unix_now()).await?;
        return Err(Problem::forbidden("this account is disabled"));
    }
    tracing::info!(%issuer, %subject, user = user.0, "signed in through the provider");
    Ok((secret, pending.next_path))
}

/// Sets the person's memberships in the organizations the provider manages to what their groups
/// give: added, changed, or removed. Other organizations are not the provider's to touch. A
/// change that would leave an organization without an owner is skipped, and logged.
async fn sync_memberships(
    state: &AppState,
    oidc: &Oidc,
    user: UserId,
    roles: &[(String, smm_store::Role)],
    issuer: &str,
) -> Result<(), Problem> {
    let actor = actor(issuer);
    let current = state.store.memberships(user).await?;
    let name = state.store.user_name(user).await?;
    for org_name in oidc.config.managed_organizations() {
        let Some(org) = state.store.organization_by_name(org_name).await? else {
            tracing::warn!(organization = %org_name, "the provider's mapping names an organization that does not exist");
            continue;
        };
        let wanted = roles.iter().find(|(o, _)| o == org_name).map(|(_, r)| *r);
        let has = current.iter().find(|(o, _)| *o == org).map(|(_, r)| *r);
        let outcome = match (wanted, has) {
            (Some(role), Some(now)) if role == now => Ok(()),
            (Some(role), _) => state.store.set_membership(&actor, user, org, role).await,
            (None, Some(_)) => state.store.remove_member(&actor, org, &name).await,
            (None, None) => Ok(()),
        };
        match outcome {
            Ok(()) => {}
            Err(StoreError::LastOwner) => {
                tracing::warn!(organization = %org_name, user = %name, "kept the last owner although the provider's groups no longer make them one");
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// Who the audit log names for what the provider decided.
fn actor(issuer: &str) -> String {
    format!("oidc:{issuer}")
}

/// A new user's name: the configured claim, else the e-mail address, else one made from the
/// subject.
fn username(
    claims: &openidconnect::IdTokenClaims<
        crate::oidc::OtherClaims,
        openidconnect::core::CoreGenderClaim,
    >,
    claim: &str,
    subject: &str,
) -> String {
    let from_claim = match claim {
        "preferred_username" => claims.preferred_username().map(|u| u.as_str().to_string()),
        "email" => claims.email().map(|e| e.as_str().to_string()),
        other => claims
            .additional_claims()
            .0
            .get(other)
            .and_then(|v| v.as_str())
            .map(str::to_string),
    };
    from_claim
        .or_else(|| claims.email().map(|e| e.as_str().to_string()))
        .filter(|n| !n.trim().is_empty() && n.len() <= 200)
        .unwrap_or_else(|| {
            format!(
                "oidc-{}",
                &smm_core::digest::sha256_hex(subject.as_bytes())[..12]
            )
        })
}

/// A sign-in refused on the provider's answer.
fn refused(reason: String) -> Problem {
    tracing::warn!(%reason, "sign-in through the provider refused");
    Problem::new(StatusCode::UNAUTHORIZED, reason)
}

/// The provider cannot be reached or understood.
fn unavailable(reason: String) -> Problem {
    tracing::warn!(%reason, "the sign-in provider is unavailable");
    Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "the sign-in provider cannot be reached: try again later, or sign in with a password",
    )
}
