-- The transparency log (docs/transparency.md): every attestation issued and every revocation, in
-- the order the log sequenced them (`idx`, from 0, gapless), with the hashes of the Merkle tree's
-- complete subtrees (RFC 9162) and the checkpoints the log signed. Entries are appended in the
-- same transaction as the attestation or revocation they record, under the store's write lock,
-- so each is sequenced exactly once. Like the audit log, nothing here is ever changed or removed.

CREATE TABLE tlog_entries (
    idx        INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('attestation', 'revocation')),
    serial     TEXT NOT NULL,
    data       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX tlog_entries_by_serial ON tlog_entries (serial, idx);

-- The hash of the 2^level leaves from idx * 2^level, in hex.
CREATE TABLE tlog_hashes (
    level INTEGER NOT NULL,
    idx   INTEGER NOT NULL,
    hash  TEXT NOT NULL,
    PRIMARY KEY (level, idx)
);

CREATE TABLE tlog_checkpoints (
    size       INTEGER PRIMARY KEY,
    note       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- The log's signing key, sealed like the organizations' keys; one per origin.
CREATE TABLE tlog_keys (
    origin     TEXT PRIMARY KEY,
    public_key TEXT NOT NULL,
    sealed     BLOB NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TRIGGER tlog_entries_no_update BEFORE UPDATE ON tlog_entries
BEGIN SELECT RAISE(ABORT, 'the transparency log is append-only'); END;
CREATE TRIGGER tlog_entries_no_delete BEFORE DELETE ON tlog_entries
BEGIN SELECT RAISE(ABORT, 'the transparency log is append-only'); END;
CREATE TRIGGER tlog_hashes_no_update BEFORE UPDATE ON tlog_hashes
BEGIN SELECT RAISE(ABORT, 'the transparency log is append-only'); END;
CREATE TRIGGER tlog_hashes_no_delete BEFORE DELETE ON tlog_hashes
BEGIN SELECT RAISE(ABORT, 'the transparency log is append-only'); END;
CREATE TRIGGER tlog_checkpoints_no_update BEFORE UPDATE ON tlog_checkpoints
BEGIN SELECT RAISE(ABORT, 'the transparency log is append-only'); END;
CREATE TRIGGER tlog_checkpoints_no_delete BEFORE DELETE ON tlog_checkpoints
BEGIN SELECT RAISE(ABORT, 'the transparency log is append-only'); END;
