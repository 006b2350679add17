-- Drafts of target profiles being set in the web wizard: the answers so far, saved at every step
-- so nothing typed is lost. A draft becomes a target document when finished, and is then removed.

CREATE TABLE drafts (
    id              INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations(id),
    system_id       INTEGER NOT NULL REFERENCES systems(id),
    author          TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX drafts_by_system ON drafts (system_id, id);
