//! People and machines: users with argon2id password hashes, their role in each organization, and
//! API tokens for CI scoped to one organization and role. Secrets are never stored: passwords as
//! argon2id hashes, tokens as SHA-256 (they are long random strings, so a fast hash is enough).

use std::str::FromStr;
use std::sync::LazyLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand_core::{OsRng, RngCore};
use serde::Serialize;
use sqlx::Row;
use tokio::sync::Semaphore;

use crate::exec::{Cols, Param};
use crate::store::{append_audit, name_free, non_empty, now, require_row};
use crate::{OrganizationId, Store, StoreError};

/// What a member of an organization may do (the matrix is in docs/permissions.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
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

/// The lowest zxcvbn score accepted (3: more than 10^10 guesses, per zxcvbn's own advice).
const MIN_PASSWORD_SCORE: zxcvbn::Score = zxcvbn::Score::Three;

/// Why a new password for `user_name` is refused, or `None` when it is acceptable: at least
/// [`MIN_PASSWORD_CHARS`] characters and hard to guess as zxcvbn estimates it (common
/// passwords, words, repeats, sequences, keyboard walks, dates and the user's own name all
/// count as easy). Every door that sets a password goes through [`Store::create_user`] or
/// [`Store::set_password`], which ask this, so the rule is the same everywhere.
pub fn password_weakness(user_name: &str, password: &str) -> Option<String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Some(format!(
            "the password must have at least {MIN_PASSWORD_CHARS} characters"
        ));
    }
    let estimate = zxcvbn::zxcvbn(password, &[user_name.trim()]);
    if estimate.score() >= MIN_PASSWORD_SCORE {
        return None;
    }
    let advice = estimate
        .feedback()
        .map(|f| f.to_string().trim().to_string())
        .filter(|f| !f.is_empty())
        .unwrap_or_else(|| "Add another word or two.".to_string());
    Some(format!("the password is too easy to guess: {advice}"))
}

/// At most one password hash at a time per core. Each argon2id hash or check takes 19 MiB and
/// tens of milliseconds of CPU: unbounded, a flood of logins takes the server's memory (50 at
/// once took it past 1 GB) and starves every other request; bounded, they wait their turn.
static HASHING: LazyLock<Semaphore> = LazyLock::new(|| {
    Semaphore::new(std::thread::available_parallelism().map_or(2, std::num::NonZero::get))
});

/// Runs argon2 work on the blocking pool, within [`HASHING`]'s bound.
async fn on_hashing_pool<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, StoreError> {
    let _permit = HASHING
        .acquire()
        .await
        .map_err(|e| StoreError::Invalid(format!("password hashing is closed: {e}")))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| StoreError::Invalid(format!("password hashing failed: {e}")))
}

/// A hash to verify against when the user does not exist, so a login for an unknown name does
/// the same work as one with a wrong password (one argon2id check with the same parameters) and
/// takes as long: names cannot be told apart by timing. Made once, on first use.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password("not a real password, only for timing").unwrap_or_default());

fn hash_password(password: &str) -> Result<String, StoreError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Invalid(format!("cannot hash the password: {e}")))
}

/// Makes the user `name` (which must be free) with this password hash, and audits it: the one
/// way users are made, with a password or for an identity at a provider.
pub(crate) async fn insert_user(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    actor: &str,
    name: &str,
    hash: &str,
) -> Result<UserId, StoreError> {
    name_free(tx, "users", name, None, "user").await?;
    let id: i64 = sqlx::query(
        "INSERT INTO users (name, password_hash, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(name)
    .bind(hash)
    .bind(now())
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)?;
    append_audit(
        tx,
        actor,
        None,
        "user.create",
        &format!("user/{id}"),
        None,
        None,
    )
    .await?;
    Ok(UserId(id))
}

/// The hash of 32 random bytes nobody is told: a user whose sign-in is an OpenID Connect
/// provider's has no password, yet a password attempt on their name costs what any wrong one
/// costs and answers the same.
pub(crate) async fn unusable_password_hash() -> Result<String, StoreError> {
    let secret = crate::session::random_hex();
    on_hashing_pool(move || hash_password(&secret)).await?
}

/// Refuses a weak password, then hashes it on the bounded pool.
async fn checked_hash(user_name: &str, password: &str) -> Result<String, StoreError> {
    if let Some(reason) = password_weakness(user_name, password) {
        return Err(StoreError::Invalid(reason));
    }
    let password = password.to_string();
    on_hashing_pool(move || hash_password(&password)).await?
}

fn token_from(r: &dyn Cols) -> Result<TokenGrant, StoreError> {
    Ok(TokenGrant {
        id: r.int(0)?,
        name: r.text(1)?,
        organization: OrganizationId(r.int(2)?),
        role: r.text(3)?.parse()?,
        expires_at: r.int(4)?,
    })
}

/// An organization and a role, from `organization_id, role`.
pub(crate) fn membership_from(r: &dyn Cols) -> Result<(OrganizationId, Role), StoreError> {
    Ok((OrganizationId(r.int(0)?), r.text(1)?.parse()?))
}

fn token_hash(secret: &str) -> String {
    smm_core::digest::sha256_hex(secret.as_bytes())
}

impl Store {
    /// Creates a user with a password that [`password_weakness`] accepts.
    pub async fn create_user(
        &self,
        actor: &str,
        name: &str,
        password: &str,
    ) -> Result<UserId, StoreError> {
        let name = non_empty(name, "user name")?;
        let hash = checked_hash(name, password).await?;
        let _guard = self.writes.lock().await;
        let mut tx = self.begin_write().await?;
        let id = insert_user(&mut tx, actor, name, &hash).await?;
        tx.commit().await?;
        Ok(id)
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
            Some(r) => (
                Some(r.try_get::<i64, _>(0)?),
                Some(r.try_get::<String, _>(1)?),
            ),
            None => (None, None),
        };
        // argon2 takes tens of milliseconds of CPU: keep it off the async workers.
        let password = password.to_string();
        let ok = on_hashing_pool(move || {
            let stored = stored.as_deref().unwrap_or(DUMMY_HASH.as_str());
            PasswordHash::new(stored)
                .map(|parsed| {
                    Argon2::default()
                        .verify_password(password.as_bytes(), &parsed)
                        .is_ok()
                })
                .map_err(|e| {
                    StoreError::Invalid(format!("stored password hash is unreadable: {e}"))
                })
        })
        .await??;
        Ok(id.filter(|_| ok).map(UserId))
    }

    /// The organizations a user belongs to, with the role in each.
    pub async fn memberships(
        &self,
        user: UserId,
    ) -> Result<Vec<(OrganizationId, Role)>, StoreError> {
        self.read_all(
            "SELECT organization_id, role FROM memberships WHERE user_id = $1 ORDER BY organization_id",
            &[Param::Int(user.0)],
            membership_from,
        )
        .await
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
        let hash = token_hash(secret.trim());
        self.read_one(
            "SELECT t.id, t.name, t.organization_id, t.role, t.expires_at FROM api_tokens t \
             WHERE t.token_hash = $1 AND t.expires_at > $2 \
               AND (t.creator_id IS NULL OR EXISTS (SELECT 1 FROM memberships m \
                    JOIN users u ON u.id = m.user_id \
                    WHERE m.user_id = t.creator_id AND m.organization_id = t.organization_id \
                      AND m.role = 'owner' AND u.disabled_at IS NULL))",
            &[Param::Text(&hash), Param::Int(now)],
            token_from,
        )
        .await
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
        self.read_all(
            "SELECT id, name, organization_id, role, expires_at FROM api_tokens WHERE organization_id = $1 ORDER BY id",
            &[Param::Int(org.0)],
            token_from,
        )
        .await
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
        let name = self.user_name(user).await?;
        let hash = checked_hash(&name, password).await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_simple_or_personal_passwords_are_refused_with_a_reason() {
        for weak in [
            "aaaaaaaaaaaa",
            "password1234",
            "qwertyuiop123",
            "123456789012",
            "abcdefghijkl",
            "Password2024!",
            "claire-claire-claire",
        ] {
            let reason = password_weakness("claire", weak)
                .unwrap_or_else(|| panic!("`{weak}` was accepted"));
            assert!(
                reason.starts_with("the password is too easy to guess: "),
                "{reason}"
            );
            assert!(reason.len() > "the password is too easy to guess: ".len());
        }
        let short = password_weakness("claire", "x7#Qp").expect("too short");
        assert!(short.contains("at least 12 characters"), "{short}");
    }

    /// A flood of logins must queue for the hashing pool, not run all at once: each argon2 job
    /// takes 19 MiB, and 50 at once took the server past 1 GB.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn password_hashing_runs_at_most_one_job_per_core() {
        use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
        use std::sync::Arc;
        let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let mut jobs = Vec::new();
        for _ in 0..16 {
            let (running, most) = (running.clone(), most.clone());
            jobs.push(tokio::spawn(on_hashing_pool(move || {
                most.fetch_max(running.fetch_add(1, SeqCst) + 1, SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(20));
                running.fetch_sub(1, SeqCst);
            })));
        }
        for job in jobs {
            job.await.expect("task").expect("job");
        }
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        let most = most.load(SeqCst);
        assert!(
            (1..=cores).contains(&most),
            "{most} jobs ran at once on {cores} cores"
        );
    }

    #[test]
    fn long_unusual_passwords_are_accepted() {
        for strong in [
            "velvet compass under harbor lights",
            "tG7#vQ2!mZ9@xL4p",
            "orchid-lantern-basalt-meridian",
        ] {
            assert_eq!(password_weakness("claire", strong), None, "{strong}");
        }
    }
}
