//! Browser sessions and login throttling, kept in the database so any number of stateless
//! servers share them.
//!
//! A session id is 32 random bytes, given to the browser once (in a cookie) and stored only as
//! its SHA-256; each session has its own CSRF token. Login attempts are reserved per user name
//! and per remote address before the password is checked, over a window, so guessing is slow
//! for one account and for one source even when the guesses come all at once.

use rand_core::{OsRng, RngCore};
use serde::Serialize;
use sqlx::Row;

use crate::exec::Param;
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

/// Login attempts counted in the current window, the one being reserved included.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LoginAttempts {
    /// For the user name.
    pub by_name: i64,
    /// From the address.
    pub by_address: i64,
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
        let hash = id_hash(secret);
        self.read_one(
            "SELECT s.user_id, u.name, s.csrf_token, s.expires_at, s.created_at FROM sessions s \
             JOIN users u ON u.id = s.user_id \
             WHERE s.id_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL",
            &[Param::Text(&hash), Param::Int(now)],
            |r| {
                Ok(Session {
                    user: UserId(r.int(0)?),
                    name: r.text(1)?,
                    csrf_token: r.text(2)?,
                    expires_at: r.int(3)?,
                    created_at: r.text(4)?,
                })
            },
        )
        .await
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

    /// Reserves a login attempt for a user name from an address at `now` (Unix seconds), before
    /// the password is checked: adds it to the name's and the address's counters (a counter
    /// whose window began `window` seconds ago or earlier starts again at one) and returns both
    /// counts, this attempt included. Each counter is one atomic statement, so concurrent
    /// attempts each see a different count and no more of them than the limit go on to a check.
    pub async fn reserve_login_attempt(
        &self,
        user_name: &str,
        remote: &str,
        now: i64,
        window: i64,
    ) -> Result<LoginAttempts, StoreError> {
        Ok(LoginAttempts {
            by_name: self
                .count_attempt("name", user_name.trim(), now, window)
                .await?,
            by_address: self.count_attempt("address", remote, now, window).await?,
        })
    }

    /// Adds one to a counter in a single `INSERT … ON CONFLICT DO UPDATE … RETURNING`. One row
    /// per statement: a statement that held one row while waiting for another could deadlock
    /// with another login on PostgreSQL.
    async fn count_attempt(
        &self,
        scope: &str,
        subject: &str,
        now: i64,
        window: i64,
    ) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "INSERT INTO login_attempts (scope, subject, window_start, attempts) \
             VALUES ($1, $2, $3, 1) \
             ON CONFLICT (scope, subject) DO UPDATE SET \
               attempts = CASE WHEN login_attempts.window_start <= $4 THEN 1 \
                               ELSE login_attempts.attempts + 1 END, \
               window_start = CASE WHEN login_attempts.window_start <= $4 \
                                   THEN excluded.window_start \
                                   ELSE login_attempts.window_start END \
             RETURNING attempts",
        )
        .bind(scope)
        .bind(subject)
        .bind(now)
        .bind(now - window)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get(0)?)
    }

    /// Takes one off a counter (not below zero).
    async fn uncount_attempt(&self, scope: &str, subject: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE login_attempts SET attempts = attempts - 1 \
             WHERE scope = $1 AND subject = $2 AND attempts > 0",
        )
        .bind(scope)
        .bind(subject)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Gives back a reservation that led to no check (a limit was already reached), so refused
    /// attempts do not count against the name or address a second time.
    pub async fn release_login_attempt(
        &self,
        user_name: &str,
        remote: &str,
    ) -> Result<(), StoreError> {
        self.uncount_attempt("name", user_name.trim()).await?;
        self.uncount_attempt("address", remote).await
    }

    /// After a right password: the name's count starts again, the address's reservation is
    /// given back (a success is no guess), and counters whose window began at or before
    /// `before` are dropped.
    pub async fn login_succeeded(
        &self,
        user_name: &str,
        remote: &str,
        before: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM login_attempts WHERE scope = 'name' AND subject = $1")
            .bind(user_name.trim())
            .execute(&self.pool)
            .await?;
        self.uncount_attempt("address", remote).await?;
        sqlx::query("DELETE FROM login_attempts WHERE window_start <= $1")
            .bind(before)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
