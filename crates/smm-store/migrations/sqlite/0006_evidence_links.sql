-- Which systems an evidence file was uploaded to. The file is stored once per organization (by
-- content), but it is served only through a system it was uploaded to: an assessor organization
-- granted one system of a client must not fetch the files of the client's other systems by hash.
--
-- Files stored before this table existed were reachable through every system of their
-- organization; they stay so (linked to each of them), so no citation in a stored assessment
-- stops working. New uploads are linked to their own system only.

CREATE TABLE evidence_links (
    organization_id INTEGER NOT NULL,
    system_id       INTEGER NOT NULL REFERENCES systems(id),
    sha256          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (system_id, sha256),
    FOREIGN KEY (organization_id, sha256) REFERENCES evidence(organization_id, sha256)
);

INSERT INTO evidence_links (organization_id, system_id, sha256, created_at)
SELECT e.organization_id, s.id, e.sha256, e.created_at
FROM evidence e JOIN systems s ON s.organization_id = e.organization_id;
