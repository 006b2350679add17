//! Browser sessions and login throttling, kept in the database so any number of stateless
//! servers share them.
//!
//! A session id is 32 random bytes, given to the browser once (in a cookie) and stored only as
//! its SHA-256; each session has its own CSRF token. Failed logins are counted per user name and
//! per remote address over a window, so guessing is slow for one account and for one source.

use rand_core::{OsRng, RngCore};
use serde::Serialize;
use sqlx::Row;

use crate::store::now;
use crate::{Store, StoreError, UserId};

/// A live session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Session {
    /// Whose.
    pub user: UserId,
    /// The user's name.
    pub name: String,
    /// The token every state-changing request of this session must carry.
    pub csrf_token: String,
    /// When it ends, in seconds since the Unix epoch.
    pub expires_at: i64,
    /// When it was opened (as the store writes moments): an owner who ends a member's
    /// sessions in an organization ends those opened until then.
    pub created_at: String,
}

/// 32 random bytes as 64 hex digits.
pub fn random_hex() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// How a session secret is stored.
pub(crate) fn id_hash(secret: &str) -> String {
    smm_core::digest::sha256_hex(secret.as_bytes())
}

impl Store {
    /// Opens a session for a user until `expires_at` (Unix seconds); returns the secret for the
    /// cookie (shown once) and the session.
    pub async fn create_session(
        &self,
        user: UserId,
        expires_at: i64,
    ) -> Result<(String, Session), StoreError> {
        let secret = random_hex();
        let csrf = random_hex();
        let created_at = now();
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id_hash(&secret))
        .bind(user.0)
        .bind(&csrf)
        .bind(&created_at)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        let name = self.user_name(user).await?;
        Ok((
            secret,
            Session {
                user,
                name,
                csrf_token: csrf,
                expires_at,
                created_at,
            },
        ))
    }

    /// The session for a cookie's secret, if it exists, has not expired at `now` (Unix
    /// seconds) and its account is not disabled.
    pub async fn session(&self, secret: &str, now: i64) -> Result<Option<Session>, StoreError> {
        let row = sqlx::query(
            "SELECT s.user_id, u.name, s.csrf_token, s.expires_at, s.created_at FROM sessions s \
             JOIN users u ON u.id = s.user_id \
             WHERE s.id_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL",
        )
        .bind(id_hash(secret))
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(Session {
                user: UserId(r.try_get(0)?),
                name: r.try_get(1)?,
                csrf_token: r.try_get(2)?,
                expires_at: r.try_get(3)?,
                created_at: r.try_get(4)?,
            })
        })
        .transpose()
    }

    /// Ends a session (signing out), and drops every expired one.
    pub async fn end_session(&self, secret: &str, now: i64) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1 OR expires_at <= $2")
            .bind(id_hash(secret))
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// A user's name.
    pub async fn user_name(&self, user: UserId) -> Result<String, StoreError> {
        let row = sqlx::query("SELECT name FROM users WHERE id = $1")
            .bind(user.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("user {}", user.0)))?;
        Ok(row.try_get(0)?)
    }

    /// A user by name.
    pub async fn user_by_name(&self, name: &str) -> Result<Option<UserId>, StoreError> {
        let row = sqlx::query("SELECT id FROM users WHERE name = $1")
            .bind(name.trim())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok(UserId(r.try_get(0)?))).transpose()
    }

    /// Records a failed login at `now` (Unix seconds).
    pub async fn record_login_failure(
        &self,
        user_name: &str,
        remote: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO login_failures (user_name, remote, at) VALUES ($1, $2, $3)")
            .bind(user_name.trim())
            .bind(remote)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Failed logins since `since` (Unix seconds): for this user name, and from this address.
    pub async fn login_failures(
        &self,
        user_name: &str,
        remote: &str,
        since: i64,
    ) -> Result<(i64, i64), StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM login_failures WHERE user_name = $1 AND at > $2), \
                    (SELECT COUNT(*) FROM login_failures WHERE remote = $3 AND at > $4)",
        )
        .bind(user_name.trim())
        .bind(since)
        .bind(remote)
        .bind(since)
        .fetch_one(&self.pool)
        .await?;
        Ok((row.try_get(0)?, row.try_get(1)?))
    }

    /// Forgets a user name's failed logins (after a successful one) and every failure older
    /// than `before`.
    pub async fn clear_login_failures(
        &self,
        user_name: &str,
        before: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM login_failures WHERE user_name = $1 OR at <= $2")
            .bind(user_name.trim())
            .bind(before)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
