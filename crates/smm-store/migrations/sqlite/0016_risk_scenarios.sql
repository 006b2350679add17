-- A third kind of document: a system's loss scenarios (`kind: RiskScenarios`), versioned like
-- targets and assessments. SQLite cannot change a CHECK constraint, so the table is made again
-- under the same name, with the same rows, ids and indexes.
--
-- Document versions refer to their document. The constraint is deferred for this transaction
-- (it is checked at commit, and `defer_foreign_keys` ends with it): dropping the old table leaves
-- the versions without a parent for a moment, and each row copied back gives them one again.
PRAGMA defer_foreign_keys = ON;

CREATE TABLE documents_before_0016 AS
    SELECT id, organization_id, system_id, kind, created_at, summary FROM documents;
DROP TABLE documents;

CREATE TABLE documents (
    id              INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations(id),
    system_id       INTEGER NOT NULL REFERENCES systems(id),
    kind            TEXT NOT NULL CHECK (kind IN ('TargetProfile', 'Assessment', 'RiskScenarios')),
    created_at      TEXT NOT NULL,
    summary         TEXT
);
INSERT INTO documents (id, organization_id, system_id, kind, created_at, summary)
    SELECT id, organization_id, system_id, kind, created_at, summary FROM documents_before_0016;
DROP TABLE documents_before_0016;

CREATE INDEX documents_by_system ON documents (system_id, kind);
CREATE INDEX documents_latest ON documents (system_id, kind, id);
CREATE INDEX documents_by_org ON documents (organization_id, kind, id);
