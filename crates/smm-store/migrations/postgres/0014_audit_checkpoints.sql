-- Signed checkpoints of the audit log (docs/transparency.md, "The audit log"): the log's size
-- and the Merkle root of its entries' hashes at that size, signed by the server as a C2SP
-- checkpoint. A copy kept anywhere else lets `smm audit verify` find entries that were edited,
-- rehashed or removed after it was signed. Kept like the transparency log's: never changed.

CREATE TABLE audit_checkpoints (
    size       BIGINT PRIMARY KEY,
    note       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE FUNCTION audit_checkpoints_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit checkpoints are append-only'; END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_checkpoints_no_change BEFORE UPDATE OR DELETE ON audit_checkpoints
FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_append_only();
