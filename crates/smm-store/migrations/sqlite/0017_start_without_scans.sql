-- What the store checks each time it opens, found through indexes instead of by reading every
-- row: a store of a million documents opens as fast as an empty one.
--
-- Versions whose level summary is not kept yet (stored before migration 0008): a partial index
-- holds only them, so `versions_to_fill` finds none without reading the table (on SQLite a
-- version's body, stored before its summary column, would be read in passing).
CREATE INDEX document_versions_without_levels ON document_versions (document_id, version)
    WHERE summary IS NULL AND target_sha256 IS NULL;

-- One-time upkeep the store has finished, by name: `register` once every attestation stored
-- before the register existed (migration 0015) has its entry. Since 0015 each attestation gets
-- its entry in the transaction that stores it, and a server older than this migration refuses
-- to open the database, so once done the check is never made again (it compared every
-- certificate with the register).
CREATE TABLE store_upkeep (
    task    TEXT PRIMARY KEY,
    done_at TEXT NOT NULL
);
