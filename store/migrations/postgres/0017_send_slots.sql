-- The shared send budget (SPEC "Sending budget"): every instance reserves
-- each message's slot here, so a bot token's or a WeCom app's limits hold
-- however many instances send. Rows older than two windows are dropped as
-- new ones are taken.
CREATE TABLE send_slots (
    id    BIGSERIAL PRIMARY KEY,
    scope TEXT NOT NULL,
    at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX send_slots_scope ON send_slots (scope, at);
