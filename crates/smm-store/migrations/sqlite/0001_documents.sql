-- Organizations, systems, versioned documents, content-addressed evidence and the audit log.
-- Nothing is ever updated in place or deleted: every change of a document is a new version.

CREATE TABLE organizations (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL
);

CREATE TABLE systems (
    id              INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations(id),
    name            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    UNIQUE (organization_id, name)
);

CREATE TABLE documents (
    id              INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations(id),
    system_id       INTEGER NOT NULL REFERENCES systems(id),
    kind            TEXT NOT NULL CHECK (kind IN ('TargetProfile', 'Assessment')),
    created_at      TEXT NOT NULL
);
CREATE INDEX documents_by_system ON documents (system_id, kind);

CREATE TABLE document_versions (
    document_id INTEGER NOT NULL REFERENCES documents(id),
    version     INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    body        TEXT NOT NULL,
    author      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (document_id, version)
);

CREATE TABLE evidence (
    organization_id INTEGER NOT NULL REFERENCES organizations(id),
    sha256          TEXT NOT NULL,
    media_type      TEXT NOT NULL,
    size            INTEGER NOT NULL,
    content         BLOB NOT NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (organization_id, sha256)
);

CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
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
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
