//! Attestations the server signed (certificates and supplier's declarations), kept as the signed
//! envelopes it handed out with who signed them, and their revocations (a revocation is a row of
//! its own: the attestation row never changes).

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
    /// `certificate` or `declaration`.
    pub kind: String,
    /// The organization whose key signed it (none for those signed with the server's former
    /// single key).
    pub issuer: Option<OrganizationId>,
    /// The signing key's id.
    pub keyid: Option<String>,
}

/// An attestation to keep.
pub struct NewAttestation<'a> {
    /// The organization that owns the attested system.
    pub organization: OrganizationId,
    /// The attested system.
    pub system: SystemId,
    /// `certificate` or `declaration`.
    pub kind: &'a str,
    /// The organization whose key signed it.
    pub issuer: OrganizationId,
    /// The key's id.
    pub keyid: &'a str,
    /// The statement's serial.
    pub serial: &'a str,
    /// The signed envelope, as handed out.
    pub envelope: &'a str,
    /// The attested profile as the public may see it (JSON).
    pub profile: &'a str,
    /// Its entry in the transparency log (see [`crate::tlog`]), appended with it.
    pub log_entry: &'a str,
    /// What the public register shows of it (see [`crate::register`]), taken from the signed
    /// statement and kept with it.
    pub register: &'a crate::RegisterFields,
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
        kind: r.try_get(9)?,
        issuer: r.try_get::<Option<i64>, _>(10)?.map(OrganizationId),
        keyid: r.try_get(11)?,
    })
}

/// The columns [`record_from`] reads, in order; the envelope and profile follow when asked.
const COLUMNS: &str = "c.id, c.organization_id, c.system_id, c.sha256, c.issued_by, c.created_at, \
                       r.reason, r.created_at, c.serial, c.kind, c.issuer_organization_id, c.keyid";

impl Store {
    /// Keeps a signed attestation.
    pub async fn store_certificate(
        &self,
        actor: &str,
        new: &NewAttestation<'_>,
    ) -> Result<CertificateRecord, StoreError> {
        let sha256 = smm_core::digest::sha256_hex(new.envelope.as_bytes());
        let created = now();
        let _guard = self.writes.lock().await;
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "INSERT INTO certificates (organization_id, system_id, sha256, envelope, issued_by, \
             created_at, serial, kind, issuer_organization_id, keyid, profile) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(new.organization.0)
        .bind(new.system.0)
        .bind(&sha256)
        .bind(new.envelope)
        .bind(actor)
        .bind(&created)
        .bind(new.serial)
        .bind(new.kind)
        .bind(new.issuer.0)
        .bind(new.keyid)
        .bind(new.profile)
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.try_get(0)?;
        crate::register::insert(
            &mut tx,
            &crate::register::Registered {
                id,
                serial: new.serial,
                kind: new.kind,
                vendor: new.organization,
                issuer: new.issuer,
                created_at: &created,
                revoked_at: None,
                fields: new.register,
            },
        )
        .await?;
        crate::tlog::append(
            &mut tx,
            &crate::NewLogEntry {
                kind: "attestation",
                serial: new.serial,
                data: new.log_entry,
            },
        )
        .await?;
        let action = if new.kind == "declaration" {
            "declaration.sign"
        } else {
            "certificate.issue"
        };
        // Both organizations see it in their logs: the owner's product was attested, the
        // issuer put its name to it.
        for org in [new.organization, new.issuer] {
            append_audit(
                &mut tx,
                actor,
                Some(org),
                action,
                &format!("certificate/{id}"),
                None,
                Some(&sha256),
            )
            .await?;
            if new.issuer == new.organization {
                break;
            }
        }
        tx.commit().await?;
        Ok(CertificateRecord {
            id,
            organization: new.organization,
            system: new.system,
            serial: new.serial.to_string(),
            sha256,
            issued_by: actor.to_string(),
            created_at: created,
            revoked: None,
            kind: new.kind.to_string(),
            issuer: Some(new.issuer),
            keyid: Some(new.keyid.to_string()),
        })
    }

    /// An attestation by its serial, with its envelope and public profile: what the public
    /// pages and verification read.
    pub async fn attestation_by_serial(
        &self,
        serial: &str,
    ) -> Result<Option<(CertificateRecord, String, Option<String>)>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS}, c.envelope, c.profile FROM certificates c \
             LEFT JOIN revocations r ON r.certificate_id = c.id WHERE c.serial = $1"
        ))
        .bind(serial)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| Ok((record_from(&row)?, row.try_get(12)?, row.try_get(13)?)))
            .transpose()
    }

    /// The revocations of one issuer's attestations, oldest first: (serial, reason, when).
    pub async fn revocations_by(
        &self,
        issuer: OrganizationId,
    ) -> Result<Vec<(String, String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT c.serial, r.reason, r.created_at FROM revocations r \
             JOIN certificates c ON c.id = r.certificate_id \
             WHERE c.issuer_organization_id = $1 ORDER BY r.created_at, c.id",
        )
        .bind(issuer.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect()
    }

    /// How many of an issuer's attestations are revoked: revocations are never undone, so a
    /// list built at this count is current while the count stays.
    pub async fn revocation_count(&self, issuer: OrganizationId) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) FROM revocations r JOIN certificates c ON c.id = r.certificate_id \
             WHERE c.issuer_organization_id = $1",
        )
        .bind(issuer.0)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get(0)?)
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
        Ok((record_from(&row)?, row.try_get(12)?))
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

    /// Revokes a certificate (once), appending `log_entry` (the revocation's entry in the
    /// transparency log) in the same transaction.
    pub async fn revoke_certificate(
        &self,
        actor: &str,
        id: i64,
        reason: &str,
        log_entry: &str,
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
        let revoked_at = now();
        sqlx::query(
            "INSERT INTO revocations (certificate_id, reason, revoked_by, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(reason)
        .bind(actor)
        .bind(&revoked_at)
        .execute(&mut *tx)
        .await?;
        crate::register::revoke(&mut tx, id, &revoked_at).await?;
        crate::tlog::append(
            &mut tx,
            &crate::NewLogEntry {
                kind: "revocation",
                serial: &record.serial,
                data: log_entry,
            },
        )
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
