//! Who belongs to an organization, and only with their consent: an owner invites a user name
//! with a role and the person accepts (or declines); members are removed or leave; an owner ends
//! a member's sessions in the organization; an administrator disables an account.
//!
//! Every change that could take an owner away checks, inside its own write transaction, that
//! the organization keeps one: writes are serialized (see `Store::begin_write`), so two owners
//! demoting each other at once cannot both succeed.

use serde::Serialize;
use sqlx::Row;

use crate::exec::Param;
use crate::session::Session;
use crate::store::{append_audit, non_empty, now, require_row};
use crate::{OrganizationId, Role, Store, StoreError, UserId};

/// How long an invitation waits to be accepted: seven days, in seconds.
pub const INVITATION_SECONDS: i64 = 7 * 24 * 3600;

/// An invitation to join an organization with a role, waiting for the person named to accept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Invitation {
    /// Its id.
    pub id: i64,
    /// The organization.
    pub organization: OrganizationId,
    /// The organization's name.
    pub organization_name: String,
    /// The user name invited (whether or not such a user exists).
    pub user_name: String,
    /// The role the person gets on accepting.
    pub role: Role,
    /// Who invited.
    pub invited_by: String,
    /// When it stops being acceptable, in Unix seconds.
    pub expires_at: i64,
}

type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

/// How many owners the organization has, as this transaction sees it.
async fn owners(tx: &mut Tx<'_>, org: OrganizationId) -> Result<i64, StoreError> {
    let row = sqlx::query(
        "SELECT COUNT(*) FROM memberships WHERE organization_id = $1 AND role = 'owner'",
    )
    .bind(org.0)
    .fetch_one(&mut **tx)
    .await?;
    Ok(row.try_get::<i64, _>(0)?)
}

/// Fails if the change just made took the organization's last owner away (`before` is the
/// count from the start of the same transaction). An organization an administrator made
/// without an owner may still get members.
async fn keeps_an_owner(
    tx: &mut Tx<'_>,
    org: OrganizationId,
    before: i64,
) -> Result<(), StoreError> {
    if before > 0 && owners(tx, org).await? == 0 {
        return Err(StoreError::LastOwner);
    }
    Ok(())
}

/// Gives a user a role in an organization, keeping the moment their sessions there were last
/// ended; the organization must keep an owner.
async fn put_membership(
    tx: &mut Tx<'_>,
    user: UserId,
    org: OrganizationId,
    role: Role,
) -> Result<(), StoreError> {
    let before = owners(tx, org).await?;
    let changed =
        sqlx::query("UPDATE memberships SET role = $1 WHERE user_id = $2 AND organization_id = $3")
            .bind(role.as_str())
            .bind(user.0)
            .bind(org.0)
            .execute(&mut **tx)
            .await?;
    if changed.rows_affected() == 0 {
        sqlx::query("INSERT INTO memberships (user_id, organization_id, role) VALUES ($1, $2, $3)")
            .bind(user.0)
            .bind(org.0)
            .bind(role.as_str())
            .execute(&mut **tx)
            .await?;
    }
    keeps_an_owner(tx, org, before).await
}

/// The member of an organization with this user name.
async fn member_named(
    tx: &mut Tx<'_>,
    org: OrganizationId,
    name: &str,
) -> Result<UserId, StoreError> {
    let row = sqlx::query(
        "SELECT u.id FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.organization_id = $1 AND u.name = $2",
    )
    .bind(org.0)
    .bind(name.trim())
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("member `{}`", name.trim())))?;
    Ok(UserId(row.try_get(0)?))
}

fn invitation_from(r: &sqlx::any::AnyRow) -> Result<Invitation, StoreError> {
    Ok(Invitation {
        id: r.try_get(0)?,
        organization: OrganizationId(r.try_get(1)?),
        organization_name: r.try_get(2)?,
        user_name: r.try_get(3)?,
        role: r.try_get::<String, _>(4)?.parse()?,
        invited_by: r.try_get(5)?,
        expires_at: r.try_get(6)?,
    })
}

const INVITATION_COLUMNS: &str =
    "i.id, i.organization_id, o.name, i.user_name, i.role, i.invited_by, i.expires_at";

impl Store {
    /// Gives a user a role in an organization (replacing any role it had there). Used where the
    /// person's consent is given otherwise: creating an organization, a new account, `smm admin`.
    pub async fn set_membership(
        &self,
        actor: &str,
        user: UserId,
        org: OrganizationId,
        role: Role,
    ) -> Result<(), StoreError> {
        let _guard = self.writes.lock().await;
        let mut tx = self.begin_write().await?;
        require_row(&mut tx, "users", user.0, "user").await?;
        require_row(&mut tx, "organizations", org.0, "organization").await?;
        put_membership(&mut tx, user, org, role).await?;
        append_audit(
            &mut tx,
            actor,
            Some(org),
            &format!("membership.set.{}", role.as_str()),
            &format!("organization/{}/user/{}", org.0, user.0),
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes the role of someone who is already a member (by user name).
    pub async fn change_role(
        &self,
        actor: &str,
        org: OrganizationId,
        name: &str,
        role: Role,
    ) -> Result<(), StoreError> {
        let _guard = self.writes.lock().await;
        let mut tx = self.begin_write().await?;
        let user = member_named(&mut tx, org, name).await?;
        put_membership(&mut tx, user, org, role).await?;
        append_audit(
            &mut tx,
            actor,
            Some(org),
            &format!("membership.set.{}", role.as_str()),
            &format!("organization/{}/user/{}", org.0, user.0),
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes a member (by user name): their sessions and the tokens they made stop acting in
    /// the organization at once, since both are checked against the membership on every use.
    pub async fn remove_member(
        &self,
        actor: &str,
        org: OrganizationId,
        name: &str,
    ) -> Result<(), StoreError> {
        let _guard = self.writes.lock().await;
        let mut tx = self.begin_write().await?;
        let user = member_named(&mut tx, org, name).await?;
        let before = owners(&mut tx, org).await?;
        sqlx::query("DELETE FROM memberships WHERE user_id = $1 AND organization_id = $2")
            .bind(user.0)
            .bind(org.0)
            .execute(&mut *tx)
            .await?;
        keeps_an_owner(&mut tx, org, before).await?;
        append_audit(
            &mut tx,
            actor,
            Some(org),
            "membership.remove",
            &format!("organization/{}/user/{}", org.0, user.0),
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends a member's sessions in the organization: every session they opened until now stops
    /// acting there (their other organizations are not this owner's to end).
    pub async fn end_member_sessions(
        &self,
        actor: &str,
        org: OrganizationId,
        name: &str,
    ) -> Result<(), StoreError> {
        let _guard = self.writes.lock().await;
        let mut tx = self.begin_write().await?;
        let user = member_named(&mut tx, org, name).await?;
        sqlx::query(
            "UPDATE memberships SET sessions_after = $1 WHERE user_id = $2 AND organization_id = $3",
        )
        .bind(now())
        .bind(user.0)
        .bind(org.0)
        .execute(&mut *tx)
        .await?;
        append_audit(
            &mut tx,
            actor,
            Some(org),
            "membership.end-sessions",
            &format!("organization/{}/user/{}", org.0, user.0),
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The organizations a session acts in, with the role in each: the user's memberships but
    /// those whose sessions an owner ended after this one was opened.
    pub async fn session_memberships(
        &self,
        session: &Session,
    ) -> Result<Vec<(OrganizationId, Role)>, StoreError> {
        self.read_all(
            "SELECT organization_id, role FROM memberships \
             WHERE user_id = $1 AND sessions_after < $2 ORDER BY organization_id",
            &[Param::Int(session.user.0), Param::Text(&session.created_at)],
            crate::auth::membership_from,
        )
        .await
    }

    /// Invites a user name into an organization with a role, until `now + INVITATION_SECONDS`
    /// (replacing an earlier invitation of the same name). The name is not looked up: inviting
    /// does the same work whether or not such a user exists, so it tells nobody which do.
    pub async fn invite(
        &self,
        actor: &str,
        org: OrganizationId,
        name: &str,
        role: Role,
        now_unix: i64,
    ) -> Result<Invitation, StoreError> {
        let name = non_empty(name, "user name")?;
        let expires_at = now_unix + INVITATION_SECONDS;
        let _guard = self.writes.lock().await;
        let mut tx = self.begin_write().await?;
        let org_name: String = sqlx::query("SELECT name FROM organizations WHERE id = $1")
            .bind(org.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("organization {}", org.0)))?
            .try_get(0)?;
        sqlx::query("DELETE FROM invitations WHERE organization_id = $1 AND user_name = $2")
            .bind(org.0)
            .bind(name)
            .execute(&mut *tx)
            .await?;
        let row = sqlx::query(
            "INSERT INTO invitations (organization_id, user_name, role, invited_by, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(org.0)
        .bind(name)
        .bind(role.as_str())
        .bind(actor)
        .bind(now())
        .bind(expires_at)
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.try_get(0)?;
        append_audit(
            &mut tx,
            actor,
            Some(org),
            &format!("invitation.create.{}", role.as_str()),
            &format!("organization/{}/invitation/{id}", org.0),
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(Invitation {
            id,
            organization: org,
            organization_name: org_name,
            user_name: name.to_string(),
            role,
            invited_by: actor.to_string(),
            expires_at,
        })
    }

    /// An organization's invitations that can still be accepted at `now_unix`.
    pub async fn invitations_of(
        &self,
        org: OrganizationId,
        now_unix: i64,
    ) -> Result<Vec<Invitation>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {INVITATION_COLUMNS} FROM invitations i JOIN organizations o ON o.id = i.organization_id \
             WHERE i.organization_id = $1 AND i.expires_at > $2 ORDER BY i.id"
        ))
        .bind(org.0)
        .bind(now_unix)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(invitation_from).collect()
    }

    /// The invitations waiting for a user name at `now_unix`.
    pub async fn invitations_for(
        &self,
        name: &str,
        now_unix: i64,
    ) -> Result<Vec<Invitation>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {INVITATION_COLUMNS} FROM invitations i JOIN organizations o ON o.id = i.organization_id \
             WHERE i.user_name = $1 AND i.expires_at > $2 ORDER BY i.id"
        ))
        .bind(name)
        .bind(now_unix)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(invitation_from).collect()
    }

    /// Withdraws an organization's invitation.
    pub async fn withdraw_invitation(
        &self,
        actor: &str,
        org: OrganizationId,
        id: i64,
    ) -> Result<(), StoreError> {
        let _guard = self.writes.lock().await;
        let mut tx = self.begin_write().await?;
        let gone = sqlx::query("DELETE FROM invitations WHERE id = $1 AND organization_id = $2")
            .bind(id)
            .bind(org.0)
            .execute(&mut *tx)
            .await?;
        if gone.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("invitation {id}")));
        }
        append_audit(
            &mut tx,
            actor,
            Some(org),
            "invitation.withdraw",
            &format!("organization/{}/invitation/{id}", org.0),
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Answers an invitation addressed to this user (by their name) that has not expired at
    /// `now_unix`: accepting makes them a member with its role, declining only forgets it. Any
    /// other invitation is "not found". Returns the organization and role.
    pub async fn answer_invitation(
        &self,
        user: UserId,
        id: i64,
        accept: bool,
        now_unix: i64,
    ) -> Result<(OrganizationId, Role), StoreError> {
        let _guard = self.writes.lock().await;
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "SELECT i.organization_id, i.role, u.name FROM invitations i \
             JOIN users u ON u.name = i.user_name \
             WHERE i.id = $1 AND u.id = $2 AND i.expires_at > $3 AND u.disabled_at IS NULL",
        )
        .bind(id)
        .bind(user.0)
        .bind(now_unix)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("invitation {id}")))?;
        let org = OrganizationId(row.try_get(0)?);
        let role: Role = row.try_get::<String, _>(1)?.parse()?;
        let name: String = row.try_get(2)?;
        sqlx::query("DELETE FROM invitations WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if accept {
            put_membership(&mut tx, user, org, role).await?;
        }
        append_audit(
            &mut tx,
            &name,
            Some(org),
            if accept {
                "invitation.accept"
            } else {
                "invitation.decline"
            },
            &format!("organization/{}/invitation/{id}", org.0),
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok((org, role))
    }

    /// Disables an account (or enables it again): a disabled account cannot sign in, its
    /// sessions end, and the tokens it made stop working.
    pub async fn set_user_disabled(
        &self,
        actor: &str,
        user: UserId,
        disabled: bool,
    ) -> Result<(), StoreError> {
        let _guard = self.writes.lock().await;
        let mut tx = self.begin_write().await?;
        require_row(&mut tx, "users", user.0, "user").await?;
        sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2")
            .bind(disabled.then(now))
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user.0)
                .execute(&mut *tx)
                .await?;
        }
        append_audit(
            &mut tx,
            actor,
            None,
            if disabled {
                "user.disable"
            } else {
                "user.enable"
            },
            &format!("user/{}", user.0),
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
