-- Signed checkpoints of the audit log (docs/transparency.md, "The audit log"): the log's size
-- and the Merkle root of its entries' hashes at that size, signed by the server as a C2SP
-- checkpoint. A copy kept anywhere else lets `smm audit verify` find entries that were edited,
-- rehashed or removed after it was signed. Kept like the transparency log's: never changed.

CREATE TABLE audit_checkpoints (
    size       INTEGER PRIMARY KEY,
    note       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
