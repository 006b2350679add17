-- Login attempts are reserved before the password is checked, in one counter per user name and
-- one per address, each over a window that starts with its first attempt. Each counter is
-- bumped by one INSERT … ON CONFLICT DO UPDATE … RETURNING, atomic on both back ends, so
-- concurrent guesses cannot all read a count under the limit before any of them is recorded
-- (as the failures counted after the check allowed).
DROP TABLE login_failures;
CREATE TABLE login_attempts (
    scope        TEXT NOT NULL CHECK (scope IN ('name', 'address')),
    subject      TEXT NOT NULL,
    window_start INTEGER NOT NULL,
    attempts     INTEGER NOT NULL,
    PRIMARY KEY (scope, subject)
);
