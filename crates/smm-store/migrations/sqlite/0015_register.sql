-- The public register (docs/server.md, "The public register"): what anyone may search of each
-- attestation, copied out of its signed statement once, when it is stored, so that a search
-- never opens an envelope. The `*_key` columns are the names folded to lower case by the store
-- (Unicode-aware, in Rust), searched by prefix with range conditions, so `%` and `_` in a query
-- are plain characters. Attestations stored before this migration are added when the store
-- opens (`Store::open` reads their envelopes once).
--
-- `subject_key` names what a newer attestation supersedes: the same kind, by the same issuing
-- organization, for the same product line, or for the same product when no line is named.
-- `revoked_at` repeats the revocation's time, written in the revocation's transaction.
CREATE TABLE register_entries (
    certificate_id INTEGER PRIMARY KEY REFERENCES certificates(id),
    serial         TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('certificate', 'declaration')),
    vendor         TEXT NOT NULL,
    vendor_key     TEXT NOT NULL,
    issuer         TEXT NOT NULL,
    issuer_key     TEXT NOT NULL,
    product_line   TEXT,
    line_key       TEXT,
    products       TEXT NOT NULL,
    subject_key    TEXT NOT NULL,
    issued         TEXT NOT NULL,
    valid_until    TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    revoked_at     TEXT
);
CREATE UNIQUE INDEX register_by_serial ON register_entries (serial);
CREATE INDEX register_by_vendor ON register_entries (vendor_key, certificate_id);
CREATE INDEX register_by_issuer ON register_entries (issuer_key, certificate_id);
CREATE INDEX register_by_line ON register_entries (line_key, certificate_id);
CREATE INDEX register_by_subject ON register_entries (subject_key, certificate_id);
CREATE INDEX register_by_revocation ON register_entries (revoked_at, certificate_id);

-- Each product an attestation covers (one row per product and version).
CREATE TABLE register_products (
    certificate_id INTEGER NOT NULL REFERENCES certificates(id),
    position       INTEGER NOT NULL,
    name_key       TEXT NOT NULL,
    PRIMARY KEY (certificate_id, position)
);
CREATE INDEX register_products_by_name ON register_products (name_key, certificate_id);
