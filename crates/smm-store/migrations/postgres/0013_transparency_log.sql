-- The transparency log (docs/transparency.md): every attestation issued and every revocation, in
-- the order the log sequenced them (`idx`, from 0, gapless), with the hashes of the Merkle tree's
-- complete subtrees (RFC 9162) and the checkpoints the log signed. Entries are appended in the
-- same transaction as the attestation or revocation they record, under the store's write lock
-- (an advisory lock shared by every server on this database), so each is sequenced exactly
-- once. Like the audit log, nothing here is ever changed or removed.

CREATE TABLE tlog_entries (
    idx        BIGINT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('attestation', 'revocation')),
    serial     TEXT NOT NULL,
    data       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX tlog_entries_by_serial ON tlog_entries (serial, idx);

-- The hash of the 2^level leaves from idx * 2^level, in hex.
CREATE TABLE tlog_hashes (
    level BIGINT NOT NULL,
    idx   BIGINT NOT NULL,
    hash  TEXT NOT NULL,
    PRIMARY KEY (level, idx)
);

CREATE TABLE tlog_checkpoints (
    size       BIGINT PRIMARY KEY,
    note       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- The log's signing key, sealed like the organizations' keys; one per origin.
CREATE TABLE tlog_keys (
    origin     TEXT PRIMARY KEY,
    public_key TEXT NOT NULL,
    sealed     BYTEA NOT NULL,
    created_at TEXT NOT NULL
);

CREATE FUNCTION tlog_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'the transparency log is append-only'; END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER tlog_entries_no_change BEFORE UPDATE OR DELETE ON tlog_entries
FOR EACH ROW EXECUTE FUNCTION tlog_append_only();
CREATE TRIGGER tlog_hashes_no_change BEFORE UPDATE OR DELETE ON tlog_hashes
FOR EACH ROW EXECUTE FUNCTION tlog_append_only();
CREATE TRIGGER tlog_checkpoints_no_change BEFORE UPDATE OR DELETE ON tlog_checkpoints
FOR EACH ROW EXECUTE FUNCTION tlog_append_only();
