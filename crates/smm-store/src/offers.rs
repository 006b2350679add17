//! Grants waiting for the receiving organization's consent. An owner offers another
//! organization (by name) access to a system; the offer gives nothing until an owner of that
//! organization accepts it, and only then does it become a grant (`access`). Offers are kept by
//! name, so offering does the same work whether or not the name is an organization's.

use serde::Serialize;
use sqlx::Row;

use crate::store::{append_audit, non_empty, now};
use crate::{OrganizationId, Role, Store, StoreError, SystemId};

/// A grant offered to an organization and not yet accepted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GrantOffer {
    /// Its id.
    pub id: i64,
    /// The system offered.
    pub system: SystemId,
    /// The system's name.
    pub system_name: String,
    /// The name of the organization that owns the system.
    pub owner_name: String,
    /// The name of the organization it is offered to.
    pub organization_name: String,
    /// What its members could do there: `assessor` or `viewer`.
    pub role: Role,
    /// Who offered it.
    pub offered_by: String,
}

const OFFER_COLUMNS: &str =
    "f.id, f.system_id, s.name, o.name, f.organization_name, f.role, f.offered_by";

fn offer_from(r: &sqlx::any::AnyRow) -> Result<GrantOffer, StoreError> {
    Ok(GrantOffer {
        id: r.try_get(0)?,
        system: SystemId(r.try_get(1)?),
        system_name: r.try_get(2)?,
        owner_name: r.try_get(3)?,
        organization_name: r.try_get(4)?,
        role: r.try_get::<String, _>(5)?.parse()?,
        offered_by: r.try_get(6)?,
    })
}

impl Store {
    /// Offers an organization (by name) access to a system, replacing an earlier offer to the
    /// same name. An accepted grant stays as it is until the new offer is accepted.
    pub async fn offer_grant(
        &self,
        actor: &str,
        system: SystemId,
        organization_name: &str,
        role: Role,
    ) -> Result<i64, StoreError> {
        let name = non_empty(organization_name, "organization name")?;
        if !matches!(role, Role::Assessor | Role::Viewer) {
            return Err(StoreError::Invalid(format!(
                "a grant gives `assessor` or `viewer`, not `{}`",
                role.as_str()
            )));
        }
        let owner = self.system(system).await?.organization;
        if self.organization_name(owner).await? == name {
            return Err(StoreError::Invalid(
                "an organization already has access to its own systems".to_string(),
            ));
        }
        let _guard = self.writes.lock().await;
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM grant_offers WHERE system_id = $1 AND organization_name = $2")
            .bind(system.0)
            .bind(name)
            .execute(&mut *tx)
            .await?;
        let row = sqlx::query(
            "INSERT INTO grant_offers (system_id, organization_name, role, offered_by, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(system.0)
        .bind(name)
        .bind(role.as_str())
        .bind(actor)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.try_get(0)?;
        append_audit(
            &mut tx,
            actor,
            Some(owner),
            &format!("grant.offer.{}", role.as_str()),
            &format!("system/{}/offer/{id}", system.0),
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The offers of a system still waiting for an answer.
    pub async fn offers_of_system(&self, system: SystemId) -> Result<Vec<GrantOffer>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {OFFER_COLUMNS} FROM grant_offers f JOIN systems s ON s.id = f.system_id \
             JOIN organizations o ON o.id = s.organization_id WHERE f.system_id = $1 ORDER BY f.id"
        ))
        .bind(system.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(offer_from).collect()
    }

    /// The offers waiting for an organization's answer.
    pub async fn offers_to(&self, org: OrganizationId) -> Result<Vec<GrantOffer>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {OFFER_COLUMNS} FROM grant_offers f JOIN systems s ON s.id = f.system_id \
             JOIN organizations o ON o.id = s.organization_id \
             WHERE f.organization_name = (SELECT name FROM organizations WHERE id = $1) ORDER BY f.id"
        ))
        .bind(org.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(offer_from).collect()
    }

    /// Answers an offer made to this organization: accepting turns it into a grant (replacing
    /// an earlier one), declining forgets it. An offer made to anyone else is "not found".
    pub async fn answer_offer(
        &self,
        actor: &str,
        org: OrganizationId,
        id: i64,
        accept: bool,
    ) -> Result<GrantOffer, StoreError> {
        let _guard = self.writes.lock().await;
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(&format!(
            "SELECT {OFFER_COLUMNS}, s.organization_id FROM grant_offers f \
             JOIN systems s ON s.id = f.system_id JOIN organizations o ON o.id = s.organization_id \
             WHERE f.id = $1 AND f.organization_name = (SELECT name FROM organizations WHERE id = $2)"
        ))
        .bind(id)
        .bind(org.0)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("grant offer {id}")))?;
        let offer = offer_from(&row)?;
        let owner = OrganizationId(row.try_get(7)?);
        sqlx::query("DELETE FROM grant_offers WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if accept {
            sqlx::query("DELETE FROM grants WHERE system_id = $1 AND organization_id = $2")
                .bind(offer.system.0)
                .bind(org.0)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO grants (system_id, organization_id, role, granted_by, created_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(offer.system.0)
            .bind(org.0)
            .bind(offer.role.as_str())
            .bind(&offer.offered_by)
            .bind(now())
            .execute(&mut *tx)
            .await?;
        }
        let (action, object) = (
            if accept {
                format!("grant.accept.{}", offer.role.as_str())
            } else {
                "grant.decline".to_string()
            },
            format!("system/{}/organization/{}", offer.system.0, org.0),
        );
        // Both sides' logs say it: the owner's, and the receiving organization's.
        for side in [owner, org] {
            append_audit(&mut tx, actor, Some(side), &action, &object, None, None).await?;
        }
        tx.commit().await?;
        Ok(offer)
    }

    /// Withdraws what a system's owner gave an organization (by name): the offer waiting for
    /// it, the grant it accepted, or both. The answer is the same whether or not the name is an
    /// organization's: "not found" when there was nothing of either.
    pub async fn withdraw_grant(
        &self,
        actor: &str,
        system: SystemId,
        organization_name: &str,
    ) -> Result<(), StoreError> {
        let owner = self.system(system).await?.organization;
        let name = organization_name.trim();
        let _guard = self.writes.lock().await;
        let mut tx = self.begin_write().await?;
        let offers =
            sqlx::query("DELETE FROM grant_offers WHERE system_id = $1 AND organization_name = $2")
                .bind(system.0)
                .bind(name)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        let grants = sqlx::query(
            "DELETE FROM grants WHERE system_id = $1 \
             AND organization_id = (SELECT id FROM organizations WHERE name = $2)",
        )
        .bind(system.0)
        .bind(name)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if offers + grants == 0 {
            return Err(StoreError::NotFound(format!(
                "grant or offer of system {} to `{name}`",
                system.0
            )));
        }
        append_audit(
            &mut tx,
            actor,
            Some(owner),
            "grant.revoke",
            &format!("system/{}/organization-name/{name}", system.0),
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
