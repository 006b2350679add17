//! Certificates the server issued, kept as the signed envelopes it handed out, and their
//! revocations (a revocation is a row of its own: the certificate row never changes).

use serde::Serialize;
use sqlx::Row;

use crate::access::Page;
use crate::store::{append_audit, now};
use crate::{OrganizationId, Store, StoreError, SystemId};

/// A stored certificate, without its envelope.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CertificateRecord {
    /// Its id.
    pub id: i64,
    /// The organization that owns the certified system.
    pub organization: OrganizationId,
    /// The certified system or product.
    pub system: SystemId,
    /// The certificate's serial (what revocation lists name).
    pub serial: String,
    /// SHA-256 of the envelope as issued.
    pub sha256: String,
    /// Who issued it.
    pub issued_by: String,
    /// When.
    pub created_at: String,
    /// Why and when it was revoked, if it was.
    pub revoked: Option<(String, String)>,
}

fn record_from(r: &sqlx::any::AnyRow) -> Result<CertificateRecord, StoreError> {
    let reason: Option<String> = r.try_get(6)?;
    let at: Option<String> = r.try_get(7)?;
    Ok(CertificateRecord {
        id: r.try_get(0)?,
        organization: OrganizationId(r.try_get(1)?),
        system: SystemId(r.try_get(2)?),
        sha256: r.try_get(3)?,
        issued_by: r.try_get(4)?,
        created_at: r.try_get(5)?,
        serial: r.try_get(8)?,
        revoked: reason.zip(at),
    })
}

const COLUMNS: &str = "c.id, c.organization_id, c.system_id, c.sha256, c.issued_by, c.created_at, \
                       r.reason, r.created_at, c.serial";

impl Store {
    /// Keeps an issued certificate.
    pub async fn store_certificate(
        &self,
        actor: &str,
        org: OrganizationId,
        system: SystemId,
        serial: &str,
        envelope: &str,
    ) -> Result<CertificateRecord, StoreError> {
        let sha256 = smm_core::digest::sha256_hex(envelope.as_bytes());
        let created = now();
        let _guard = self.writes.lock().await;
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "INSERT INTO certificates (organization_id, system_id, sha256, envelope, issued_by, created_at, serial) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(org.0)
        .bind(system.0)
        .bind(&sha256)
        .bind(envelope)
        .bind(actor)
        .bind(&created)
        .bind(serial)
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.try_get(0)?;
        append_audit(
            &mut tx,
            actor,
            Some(org),
            "certificate.issue",
            &format!("certificate/{id}"),
            None,
            Some(&sha256),
        )
        .await?;
        tx.commit().await?;
        Ok(CertificateRecord {
            id,
            organization: org,
            system,
            serial: serial.to_string(),
            sha256,
            issued_by: actor.to_string(),
            created_at: created,
            revoked: None,
        })
    }

    /// A certificate and its envelope, whoever owns it (the caller checks access).
    pub async fn certificate(&self, id: i64) -> Result<(CertificateRecord, String), StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS}, c.envelope FROM certificates c \
             LEFT JOIN revocations r ON r.certificate_id = c.id WHERE c.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("certificate {id}")))?;
        Ok((record_from(&row)?, row.try_get(9)?))
    }

    /// A system's certificates, a page at a time.
    pub async fn certificates(
        &self,
        system: SystemId,
        page: Page,
    ) -> Result<Vec<CertificateRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM certificates c \
             LEFT JOIN revocations r ON r.certificate_id = c.id \
             WHERE c.system_id = $1 AND c.id > $2 ORDER BY c.id LIMIT $3"
        ))
        .bind(system.0)
        .bind(page.after)
        .bind(page.limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(record_from).collect()
    }

    /// Every revoked certificate the server issued: (serial, reason, when).
    pub async fn revocations(&self) -> Result<Vec<(String, String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT c.serial, r.reason, r.created_at FROM revocations r \
             JOIN certificates c ON c.id = r.certificate_id ORDER BY r.certificate_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect()
    }

    /// Revokes a certificate (once).
    pub async fn revoke_certificate(
        &self,
        actor: &str,
        id: i64,
        reason: &str,
    ) -> Result<CertificateRecord, StoreError> {
        let reason = crate::store::non_empty(reason, "reason")?;
        let (record, _) = self.certificate(id).await?;
        if record.revoked.is_some() {
            return Err(StoreError::Exists(format!(
                "revocation of certificate {id}"
            )));
        }
        let _guard = self.writes.lock().await;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO revocations (certificate_id, reason, revoked_by, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(reason)
        .bind(actor)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        append_audit(
            &mut tx,
            actor,
            Some(record.organization),
            "certificate.revoke",
            &format!("certificate/{id}"),
            Some(&record.sha256),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(self.certificate(id).await?.0)
    }
}
