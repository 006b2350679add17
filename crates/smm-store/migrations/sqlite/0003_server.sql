-- What the server adds: products and product lines, grants of a system to an assessor
-- organization, sessions, failed logins (for rate limiting), certificates and their revocations,
-- a per-document summary for fast portfolio roll-ups, and the organization of each audit entry.

ALTER TABLE systems ADD COLUMN kind TEXT NOT NULL DEFAULT 'system' CHECK (kind IN ('system', 'product'));
ALTER TABLE systems ADD COLUMN line TEXT;

-- The latest version's levels, one digit and scope letter per practice in catalog order
-- (derived data, rewritten with each version; the versions themselves never change).
ALTER TABLE documents ADD COLUMN summary TEXT;
CREATE INDEX documents_latest ON documents (system_id, kind, id);
CREATE INDEX documents_by_org ON documents (organization_id, kind, id);

ALTER TABLE audit_log ADD COLUMN organization_id INTEGER;
CREATE INDEX audit_by_org ON audit_log (organization_id, seq);

CREATE TABLE grants (
    system_id       INTEGER NOT NULL REFERENCES systems(id),
    organization_id INTEGER NOT NULL REFERENCES organizations(id),
    role            TEXT NOT NULL CHECK (role IN ('assessor', 'viewer')),
    granted_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (system_id, organization_id)
);
CREATE INDEX grants_by_org ON grants (organization_id);

CREATE TABLE sessions (
    id_hash     TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    csrf_token  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  INTEGER NOT NULL
);

CREATE TABLE login_failures (
    id          INTEGER PRIMARY KEY,
    user_name   TEXT NOT NULL,
    remote      TEXT NOT NULL,
    at          INTEGER NOT NULL
);
CREATE INDEX login_failures_by_name ON login_failures (user_name, at);
CREATE INDEX login_failures_by_remote ON login_failures (remote, at);

CREATE TABLE certificates (
    id              INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations(id),
    system_id       INTEGER NOT NULL REFERENCES systems(id),
    serial          TEXT NOT NULL,
    sha256          TEXT NOT NULL,
    envelope        TEXT NOT NULL,
    issued_by       TEXT NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX certificates_by_system ON certificates (system_id, id);

CREATE TABLE revocations (
    certificate_id  INTEGER PRIMARY KEY REFERENCES certificates(id),
    reason          TEXT NOT NULL,
    revoked_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL
);
