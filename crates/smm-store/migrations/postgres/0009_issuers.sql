-- Issuers: which organizations the server's administrator designated as certification bodies,
-- and every organization's Ed25519 signing keys.
--
-- A private key is kept sealed (XChaCha20-Poly1305 under the server's keys.secret, the key id as
-- associated data): the database alone never holds a usable private key. A key's life is
-- derived from its dates: active until `valid_until` is set (retired) or `revoked_from` is set
-- (revoked from that day, which may lie before the revocation). A key id is unique across the
-- whole server: a key belongs to one organization.
--
-- `issuers_version` counts the changes to either table, so servers sharing the database notice
-- with one small read that the published issuers document they keep is out of date.

CREATE TABLE certification_bodies (
    organization_id BIGINT PRIMARY KEY REFERENCES organizations(id),
    designated_by   TEXT NOT NULL,
    created_at      TEXT NOT NULL
);

CREATE TABLE signing_keys (
    id                BIGSERIAL PRIMARY KEY,
    organization_id   BIGINT NOT NULL REFERENCES organizations(id),
    keyid             TEXT NOT NULL UNIQUE,
    public_key        TEXT NOT NULL,
    sealed_private    BYTEA NOT NULL,
    origin            TEXT NOT NULL CHECK (origin IN ('created', 'imported')),
    valid_from        TEXT NOT NULL,
    valid_until       TEXT,
    revoked_from      TEXT,
    revocation_reason TEXT,
    created_by        TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    CHECK ((revoked_from IS NULL) = (revocation_reason IS NULL))
);
CREATE INDEX signing_keys_by_org ON signing_keys (organization_id, id);

CREATE TABLE issuers_version (
    id         BIGINT PRIMARY KEY CHECK (id = 1),
    version    BIGINT NOT NULL,
    changed_at TEXT NOT NULL
);
INSERT INTO issuers_version (id, version, changed_at) VALUES (1, 0, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'));
