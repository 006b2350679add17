-- Organizations, systems, versioned documents, content-addressed evidence and the audit log.
-- Nothing is ever updated in place or deleted: every change of a document is a new version.

CREATE TABLE organizations (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL
);

CREATE TABLE systems (
    id              BIGSERIAL PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    name            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    UNIQUE (organization_id, name)
);

CREATE TABLE documents (
    id              BIGSERIAL PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    system_id       BIGINT NOT NULL REFERENCES systems(id),
    kind            TEXT NOT NULL CHECK (kind IN ('TargetProfile', 'Assessment')),
    created_at      TEXT NOT NULL
);
CREATE INDEX documents_by_system ON documents (system_id, kind);

CREATE TABLE document_versions (
    document_id BIGINT NOT NULL REFERENCES documents(id),
    version     BIGINT NOT NULL,
    sha256      TEXT NOT NULL,
    body        TEXT NOT NULL,
    author      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (document_id, version)
);

CREATE TABLE evidence (
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    sha256          TEXT NOT NULL,
    media_type      TEXT NOT NULL,
    size            BIGINT NOT NULL,
    content         BYTEA NOT NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (organization_id, sha256)
);

CREATE TABLE audit_log (
    seq         BIGINT PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    object      TEXT NOT NULL,
    before_hash TEXT,
    after_hash  TEXT,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL UNIQUE
);

-- The log is append-only: the database refuses to change or remove an entry.
CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'the audit log is append-only'; END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
