//! What sign-in through an OpenID Connect provider keeps: the sign-ins under way, and which smm
//! user each identity at a provider is.
//!
//! A sign-in under way is stored under the SHA-256 of its `state` (the state itself travels only
//! in the provider's redirect and in the browser's cookie), so any server behind a load balancer
//! can finish it, and it is taken at most once: two callbacks with one state cannot both succeed.
//! Identities are (issuer, subject) pairs, never names or e-mail addresses, which a provider may
//! let people choose.

use sqlx::Row;

use crate::auth::{insert_user, unusable_password_hash};
use crate::session::id_hash;
use crate::store::{append_audit, non_empty, now};
use crate::{Store, StoreError, UserId};

/// Sign-ins under way allowed per address at once: enough for a person with a few tabs, few
/// enough that an anonymous flood of `/auth/oidc/start` cannot fill the table.
pub const MAX_PENDING_PER_ADDRESS: i64 = 20;

/// What the callback of a sign-in needs from its start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingLogin {
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// The PKCE code verifier that goes with the authorization code.
    pub verifier: String,
    /// Where to go once signed in: a path on this site, already checked.
    pub next_path: String,
}

impl Store {
    /// Keeps a sign-in under way for `state` until `expires_at` (Unix seconds), for a person at
    /// `address`. Expired ones are dropped first; past [`MAX_PENDING_PER_ADDRESS`] open ones from
    /// the address, the new one is refused.
    pub async fn put_pending_login(
        &self,
        state: &str,
        login: &PendingLogin,
        address: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM oidc_pending_logins WHERE expires_at <= $1")
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let open: i64 = sqlx::query(
            "SELECT COUNT(*) FROM oidc_pending_logins WHERE address = $1 AND expires_at > $2",
        )
        .bind(address)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        if open >= MAX_PENDING_PER_ADDRESS {
            return Err(StoreError::Invalid(format!(
                "too many sign-ins under way from {address}: finish one, or wait a few minutes"
            )));
        }
        sqlx::query(
            "INSERT INTO oidc_pending_logins (state_hash, nonce, verifier, next_path, address, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id_hash(state))
        .bind(&login.nonce)
        .bind(&login.verifier)
        .bind(&login.next_path)
        .bind(address)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes the sign-in under way for `state`, if there is one that has not expired at `now`:
    /// it is gone afterwards, whether or not it had expired, so a state works once.
    pub async fn take_pending_login(
        &self,
        state: &str,
        now: i64,
    ) -> Result<Option<PendingLogin>, StoreError> {
        let row = sqlx::query(
            "DELETE FROM oidc_pending_logins WHERE state_hash = $1 \
             RETURNING nonce, verifier, next_path, expires_at",
        )
        .bind(id_hash(state))
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let expires_at: i64 = row.try_get(3)?;
        if expires_at <= now {
            return Ok(None);
        }
        Ok(Some(PendingLogin {
            nonce: row.try_get(0)?,
            verifier: row.try_get(1)?,
            next_path: row.try_get(2)?,
        }))
    }

    /// The smm user of the identity `subject` at `issuer`, if it has one; signing in records
    /// the time.
    pub async fn identity_user(
        &self,
        issuer: &str,
        subject: &str,
    ) -> Result<Option<UserId>, StoreError> {
        let row = sqlx::query(
            "UPDATE oidc_identities SET last_login = $1 WHERE issuer = $2 AND subject = $3 \
             RETURNING user_id",
        )
        .bind(now())
        .bind(issuer)
        .bind(subject)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok(UserId(r.try_get(0)?))).transpose()
    }

    /// Makes the smm user `name` for the identity `subject` at `issuer`, in one step. The user
    /// has no password anyone knows: its hash is of random bytes, so a password attempt on the
    /// name fails as any wrong one does, at the same cost. A name already taken is refused:
    /// an existing account is never linked to an identity by its name.
    pub async fn create_identity_user(
        &self,
        actor: &str,
        name: &str,
        issuer: &str,
        subject: &str,
    ) -> Result<UserId, StoreError> {
        let name = non_empty(name, "user name")?;
        let (issuer, subject) = checked_identity(issuer, subject)?;
        let hash = unusable_password_hash().await?;
        let _guard = self.writes.lock().await;
        let mut tx = self.begin_write().await?;
        let user = insert_user(&mut tx, actor, name, &hash).await?;
        insert_link(&mut tx, user, issuer, subject).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Links the existing user `name` to the identity `subject` at `issuer`, so that signing in
    /// through the provider opens their account: the way an account that signed in with a
    /// password moves to the provider. Done by an administrator, never from a claim, and
    /// audited; an identity already linked, or a user who already has one, is refused.
    pub async fn link_identity(
        &self,
        actor: &str,
        name: &str,
        issuer: &str,
        subject: &str,
    ) -> Result<UserId, StoreError> {
        let (issuer, subject) = checked_identity(issuer, subject)?;
        let _guard = self.writes.lock().await;
        let mut tx = self.begin_write().await?;
        let user: i64 = sqlx::query("SELECT id FROM users WHERE name = $1")
            .bind(name.trim())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("user `{}`", name.trim())))?
            .try_get(0)?;
        let user = UserId(user);
        insert_link(&mut tx, user, issuer, subject).await?;
        append_audit(
            &mut tx,
            actor,
            None,
            "user.link-identity",
            &format!("user/{}", user.0),
            None,
            Some(&smm_core::digest::sha256_hex(
                format!("{issuer} {subject}").as_bytes(),
            )),
        )
        .await?;
        tx.commit().await?;
        Ok(user)
    }
}

/// An identity's issuer and subject, refused when empty or absurdly long.
fn checked_identity<'a>(
    issuer: &'a str,
    subject: &'a str,
) -> Result<(&'a str, &'a str), StoreError> {
    let issuer = non_empty(issuer, "issuer")?;
    if subject.is_empty() || subject.len() > 255 {
        return Err(StoreError::Invalid(
            "an identity's subject must be 1 to 255 characters".to_string(),
        ));
    }
    Ok((issuer, subject))
}

/// Links `user` to the identity, refusing an identity already linked or a user who has one.
async fn insert_link(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user: UserId,
    issuer: &str,
    subject: &str,
) -> Result<(), StoreError> {
    let linked = sqlx::query(
        "SELECT issuer, subject FROM oidc_identities WHERE user_id = $1 \
         OR (issuer = $2 AND subject = $3)",
    )
    .bind(user.0)
    .bind(issuer)
    .bind(subject)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(row) = linked {
        let (i, s): (String, String) = (row.try_get(0)?, row.try_get(1)?);
        return Err(StoreError::Exists(format!("a link of identity {s} at {i}")));
    }
    sqlx::query(
        "INSERT INTO oidc_identities (issuer, subject, user_id, created_at, last_login) \
         VALUES ($1, $2, $3, $4, $4)",
    )
    .bind(issuer)
    .bind(subject)
    .bind(user.0)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
