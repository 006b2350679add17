-- Consent and an end to access: a person joins an organization only by accepting an invitation,
-- an organization receives a system only by accepting the grant offered to it, an owner can end
-- a member's sessions in the organization, and API tokens expire and answer to their creator.

-- Invitations name the person invited by user name, not by id, so inviting does the same work
-- whether or not the name exists. One pending invitation per name and organization.
CREATE TABLE invitations (
    id              BIGSERIAL PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations(id),
    user_name       TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('owner', 'assessor', 'editor', 'viewer', 'auditor')),
    invited_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    expires_at      BIGINT NOT NULL,
    UNIQUE (organization_id, user_name)
);
CREATE INDEX invitations_by_name ON invitations (user_name, expires_at);

-- A grant offered to an organization (by name, for the same reason) and not yet accepted: it
-- gives nothing until an owner of that organization accepts it and it moves into `grants`.
CREATE TABLE grant_offers (
    id                BIGSERIAL PRIMARY KEY,
    system_id         BIGINT NOT NULL REFERENCES systems(id),
    organization_name TEXT NOT NULL,
    role              TEXT NOT NULL CHECK (role IN ('assessor', 'viewer')),
    offered_by        TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    UNIQUE (system_id, organization_name)
);
CREATE INDEX grant_offers_by_name ON grant_offers (organization_name);

-- Sessions opened at or before this moment (a stored `created_at`) do not act in the
-- organization: how an owner ends a member's sessions there without touching their others.
ALTER TABLE memberships ADD COLUMN sessions_after TEXT NOT NULL DEFAULT '';

-- A disabled account cannot sign in, and what it made (sessions, tokens) stops working.
ALTER TABLE users ADD COLUMN disabled_at TEXT;

-- Tokens expire (Unix seconds) and remember the person who made them, so that a token stops
-- working when its maker may no longer make it. Tokens made before this migration get 90 days
-- from now, and the maker whose name they recorded; those an administrator made have none.
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE api_tokens ADD COLUMN creator_id BIGINT REFERENCES users(id);
UPDATE api_tokens SET expires_at = CAST(EXTRACT(EPOCH FROM now()) AS BIGINT) + 7776000,
    creator_id = (SELECT u.id FROM users u WHERE u.name = api_tokens.created_by);
