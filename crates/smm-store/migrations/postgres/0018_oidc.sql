-- Sign-in through an OpenID Connect provider.
--
-- A person the provider vouches for is known by the provider's issuer and their subject there,
-- never by a name or an e-mail address the provider lets them choose; one smm user per identity.
CREATE TABLE oidc_identities (
    issuer     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    user_id    BIGINT NOT NULL UNIQUE REFERENCES users(id),
    created_at TEXT NOT NULL,
    last_login TEXT NOT NULL,
    PRIMARY KEY (issuer, subject)
);

-- Sign-ins under way: what the callback needs to check the provider's answer (the nonce and the
-- PKCE verifier) and where to go after, keyed by the SHA-256 of the `state` sent to the
-- provider. Kept in the database so the server that gets the callback need not be the one that
-- sent the person away; each is taken once and lives minutes.
CREATE TABLE oidc_pending_logins (
    state_hash TEXT PRIMARY KEY,
    nonce      TEXT NOT NULL,
    verifier   TEXT NOT NULL,
    next_path  TEXT NOT NULL,
    address    TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX oidc_pending_logins_by_address ON oidc_pending_logins (address, expires_at);
CREATE INDEX oidc_pending_logins_by_expiry ON oidc_pending_logins (expires_at);
