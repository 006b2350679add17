-- Attestations say what they are and who signed them: the kind (a certification body's
-- certificate or the owner's own declaration), the issuing organization and its key, and the
-- attested profile as a customer may see it (levels and limitations, nothing private), so the
-- public page and the revocation lists need no parsing. Older rows were signed with the
-- server's single key: they stay as they were, with no issuing organization.
ALTER TABLE certificates ADD COLUMN kind TEXT NOT NULL DEFAULT 'certificate'
    CHECK (kind IN ('certificate', 'declaration'));
ALTER TABLE certificates ADD COLUMN issuer_organization_id INTEGER REFERENCES organizations(id);
ALTER TABLE certificates ADD COLUMN keyid TEXT;
ALTER TABLE certificates ADD COLUMN profile TEXT;
CREATE UNIQUE INDEX certificates_by_serial ON certificates (serial);
CREATE INDEX certificates_by_issuer ON certificates (issuer_organization_id, id);
