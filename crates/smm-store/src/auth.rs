//! People and machines: users with argon2id password hashes, their role in each organization, and
//! API tokens for CI scoped to one organization and role. Secrets are never stored: passwords as
//! argon2id hashes, tokens as SHA-256 (they are long random strings, so a fast hash is enough).

use std::str::FromStr;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand_core::{OsRng, RngCore};
use serde::Serialize;
use sqlx::Row;

use crate::store::{append_audit, name_free, non_empty, now, require_row};
use crate::{OrganizationId, Store, StoreError};

/// What a member of an organization may do (the matrix is in docs/permissions.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Everything, including members, tokens and grants.
    Owner,
    /// Assesses: writes assessments and evidence, issues certificates.
    Assessor,
    /// Writes targets and assessments.
    Editor,
    /// Reads.
    Viewer,
    /// Reads, including the audit log.
    Auditor,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 5] = [
        Role::Owner,
        Role::Assessor,
        Role::Editor,
        Role::Viewer,
        Role::Auditor,
    ];

    /// The word stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Assessor => "assessor",
            Role::Editor => "editor",
            Role::Viewer => "viewer",
            Role::Auditor => "auditor",
        }
    }
}

impl FromStr for Role {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Role, StoreError> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                StoreError::Invalid(format!(
                    "unknown role `{s}`: expected owner, assessor, editor, viewer or auditor"
                ))
            })
    }
}

/// A user's id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct UserId(pub i64);

/// What an API token grants.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TokenGrant {
    /// The token's id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// The one organization it acts for.
    pub organization: OrganizationId,
    /// With this role.
    pub role: Role,
    /// When it stops working, in Unix seconds.
    pub expires_at: i64,
}

/// The longest an API token may live, in days: a token is a password that never changes, so
/// it must not outlive the reason it was made for long.
pub const MAX_TOKEN_DAYS: i64 = 365;

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// A hash to verify against when the user does not exist, so a login for an unknown name takes as
/// long as one with a wrong password (no user enumeration by timing).
fn dummy_hash() -> String {
    hash_password("not a real password, only for timing").unwrap_or_default()
}

fn hash_password(password: &str) -> Result<String, StoreError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Invalid(format!("cannot hash the password: {e}")))
}

fn token_from(r: &sqlx::any::AnyRow) -> Result<TokenGrant, StoreError> {
    Ok(TokenGrant {
        id: r.try_get(0)?,
        name: r.try_get(1)?,
        organization: OrganizationId(r.try_get(2)?),
        role: r.try_get::<String, _>(3)?.parse()?,
        expires_at: r.try_get(4)?,
    })
}

fn token_hash(secret: &str) -> String {
    smm_core::digest::sha256_hex(secret.as_bytes())
}

impl Store {
    /// Creates a user with a password (at least [`MIN_PASSWORD_CHARS`] characters).
    pub async fn create_user(
        &self,
        actor: &str,
        name: &str,
        password: &str,
    ) -> Result<UserId, StoreError> {
        let name = non_empty(name, "user name")?;
        if password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(StoreError::Invalid(format!(
                "the password must have at least {MIN_PASSWORD_CHARS} characters"
            )));
        }
        let password = password.to_string();
        let hash = tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|e| StoreError::Invalid(format!("cannot hash the password: {e}")))??;
        let _guard = self.writes.lock().await;
        let mut tx = self.begin_write().await?;
        name_free(&mut tx, "users", name, None, "user").await?;
        let row = sqlx::query(
            "INSERT INTO users (name, password_hash, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(name)
        .bind(&hash)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.try_get(0)?;
        append_audit(
            &mut tx,
            actor,
            None,
            "user.create",
            &format!("user/{id}"),
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(UserId(id))
    }

    /// The user, if the name and password match; the same work is done for an unknown name.
    pub async fn check_password(
        &self,
        name: &str,
        password: &str,
    ) -> Result<Option<UserId>, StoreError> {
        // A disabled account is checked like an unknown name: same work, no answer.
        let row = sqlx::query(
            "SELECT id, password_hash FROM users WHERE name = $1 AND disabled_at IS NULL",
        )
        .bind(name.trim())
        .fetch_optional(&self.pool)
        .await?;
        let (id, stored) = match row {
            Some(r) => (Some(r.try_get::<i64, _>(0)?), r.try_get::<String, _>(1)?),
            None => (None, dummy_hash()),
        };
        // argon2 takes tens of milliseconds of CPU: keep it off the async workers.
        let password = password.to_string();
        let ok = tokio::task::spawn_blocking(move || {
            PasswordHash::new(&stored)
                .map(|parsed| {
                    Argon2::default()
                        .verify_password(password.as_bytes(), &parsed)
                        .is_ok()
                })
                .map_err(|e| {
                    StoreError::Invalid(format!("stored password hash is unreadable: {e}"))
                })
        })
        .await
        .map_err(|e| StoreError::Invalid(format!("password check failed: {e}")))??;
        Ok(id.filter(|_| ok).map(UserId))
    }

    /// The organizations a user belongs to, with the role in each.
    pub async fn memberships(
        &self,
        user: UserId,
    ) -> Result<Vec<(OrganizationId, Role)>, StoreError> {
        let rows = sqlx::query("SELECT organization_id, role FROM memberships WHERE user_id = $1 ORDER BY organization_id")
            .bind(user.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    OrganizationId(r.try_get(0)?),
                    r.try_get::<String, _>(1)?.parse()?,
                ))
            })
            .collect()
    }

    /// Creates an API token for one organization and role, working until `expires_at` (Unix
    /// seconds); returns it once (only its hash is kept). `creator` is the person who made it:
    /// the token works only while they are an owner of the organization with an account in
    /// use. A token an administrator made directly on the store has none.
    pub async fn create_api_token(
        &self,
        actor: &str,
        org: OrganizationId,
        role: Role,
        name: &str,
        expires_at: i64,
        creator: Option<UserId>,
    ) -> Result<(TokenGrant, String), StoreError> {
        let name = non_empty(name, "token name")?;
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        let secret = format!(
            "smm_{}",
            bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
        );
        let _guard = self.writes.lock().await;
        let mut tx = self.begin_write().await?;
        require_row(&mut tx, "organizations", org.0, "organization").await?;
        let row = sqlx::query(
            "INSERT INTO api_tokens (organization_id, role, name, token_hash, created_by, created_at, expires_at, creator_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(org.0)
        .bind(role.as_str())
        .bind(name)
        .bind(token_hash(&secret))
        .bind(actor)
        .bind(now())
        .bind(expires_at)
        .bind(creator.map(|u| u.0))
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.try_get(0)?;
        append_audit(
            &mut tx,
            actor,
            Some(org),
            "token.create",
            &format!("organization/{}/token/{id}", org.0),
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok((
            TokenGrant {
                id,
                name: name.to_string(),
                organization: org,
                role,
                expires_at,
            },
            secret,
        ))
    }

    /// An organization by name.
    pub async fn organization_by_name(
        &self,
        name: &str,
    ) -> Result<Option<OrganizationId>, StoreError> {
        let row = sqlx::query("SELECT id FROM organizations WHERE name = $1")
            .bind(name.trim())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok(OrganizationId(r.try_get(0)?))).transpose()
    }

    /// What a presented API token grants at `now` (Unix seconds), if it is one of ours, has
    /// not expired, and its maker may still make it: still an owner of the organization, with
    /// an account that is not disabled. Checked at every use, so a demotion, a removal or a
    /// disabled account ends the token at once, on every server.
    pub async fn check_api_token(
        &self,
        secret: &str,
        now: i64,
    ) -> Result<Option<TokenGrant>, StoreError> {
        let row = sqlx::query(
            "SELECT t.id, t.name, t.organization_id, t.role, t.expires_at FROM api_tokens t \
             WHERE t.token_hash = $1 AND t.expires_at > $2 \
               AND (t.creator_id IS NULL OR EXISTS (SELECT 1 FROM memberships m \
                    JOIN users u ON u.id = m.user_id \
                    WHERE m.user_id = t.creator_id AND m.organization_id = t.organization_id \
                      AND m.role = 'owner' AND u.disabled_at IS NULL))",
        )
        .bind(token_hash(secret.trim()))
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| token_from(&r)).transpose()
    }

    /// The members of an organization: id, name and role, by name.
    pub async fn members(
        &self,
        org: OrganizationId,
    ) -> Result<Vec<(UserId, String, Role)>, StoreError> {
        let rows = sqlx::query(
            "SELECT u.id, u.name, m.role FROM memberships m JOIN users u ON u.id = m.user_id \
             WHERE m.organization_id = $1 ORDER BY u.name",
        )
        .bind(org.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    UserId(r.try_get(0)?),
                    r.try_get(1)?,
                    r.try_get::<String, _>(2)?.parse()?,
                ))
            })
            .collect()
    }

    /// The API tokens of an organization (never their secrets).
    pub async fn api_tokens(&self, org: OrganizationId) -> Result<Vec<TokenGrant>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, organization_id, role, expires_at FROM api_tokens WHERE organization_id = $1 ORDER BY id",
        )
        .bind(org.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(token_from).collect()
    }

    /// Revokes an API token of an organization: it stops working at once.
    pub async fn revoke_api_token(
        &self,
        actor: &str,
        org: OrganizationId,
        id: i64,
    ) -> Result<(), StoreError> {
        let _guard = self.writes.lock().await;
        let mut tx = self.begin_write().await?;
        let gone = sqlx::query("DELETE FROM api_tokens WHERE id = $1 AND organization_id = $2")
            .bind(id)
            .bind(org.0)
            .execute(&mut *tx)
            .await?;
        if gone.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("token {id}")));
        }
        append_audit(
            &mut tx,
            actor,
            Some(org),
            "token.revoke",
            &format!("organization/{}/token/{id}", org.0),
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes a user's password (the caller has checked the current one) and ends every
    /// session of theirs but `keep` (the session secret the change was made from), so a stolen
    /// session does not outlive the change.
    pub async fn set_password(
        &self,
        actor: &str,
        user: UserId,
        password: &str,
        keep: Option<&str>,
    ) -> Result<(), StoreError> {
        if password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(StoreError::Invalid(format!(
                "the password must have at least {MIN_PASSWORD_CHARS} characters"
            )));
        }
        let password = password.to_string();
        let hash = tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|e| StoreError::Invalid(format!("cannot hash the password: {e}")))??;
        let _guard = self.writes.lock().await;
        let mut tx = self.begin_write().await?;
        require_row(&mut tx, "users", user.0, "user").await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(&hash)
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        let kept = keep.map(crate::session::id_hash).unwrap_or_default();
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
            .bind(user.0)
            .bind(kept)
            .execute(&mut *tx)
            .await?;
        append_audit(
            &mut tx,
            actor,
            None,
            "user.password",
            &format!("user/{}", user.0),
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
