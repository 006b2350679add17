-- People, their roles in organizations, and API tokens for CI. Secrets are stored only as hashes.

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE memberships (
    user_id         BIGINT NOT NULL REFERENCES users(id),
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    role            TEXT NOT NULL CHECK (role IN ('owner', 'assessor', 'editor', 'viewer', 'auditor')),
    PRIMARY KEY (user_id, organization_id)
);

CREATE TABLE api_tokens (
    id              BIGSERIAL PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    role            TEXT NOT NULL CHECK (role IN ('owner', 'assessor', 'editor', 'viewer', 'auditor')),
    name            TEXT NOT NULL,
    token_hash      TEXT NOT NULL UNIQUE,
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL
);
