-- Deactivation revokes what the user could still use (issue #20).

-- An invite revoked before it was used: its creator was deactivated or lost
-- the role it grants.
ALTER TABLE invites ADD COLUMN revoked_at DATETIME;

-- The chat accounts of a deactivated user. They are unbound at once, and
-- stay here so that no invite can bind them to a new user until an admin
-- reactivates the user (which binds them back) or releases them.
CREATE TABLE retired_identities (
    channel     TEXT NOT NULL,
    external_id TEXT NOT NULL,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    chat_id     TEXT NOT NULL,
    retired_at  DATETIME NOT NULL,
    PRIMARY KEY (channel, external_id)
);
CREATE INDEX retired_identities_user ON retired_identities (user_id);

-- Failed invite redemptions, counted per chat account and overall so that
-- codes cannot be guessed (crm.InviteAttempts).
CREATE TABLE invite_failures (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    channel     TEXT NOT NULL,
    external_id TEXT NOT NULL,
    at          DATETIME NOT NULL
);
CREATE INDEX invite_failures_at ON invite_failures (at);
CREATE INDEX invite_failures_who ON invite_failures (channel, external_id, at);
