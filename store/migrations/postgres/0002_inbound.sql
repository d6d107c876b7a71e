-- Inbound updates already taken in, so a redelivered webhook or callback
-- is processed once. Old rows are purged by the scheduler.
CREATE TABLE inbound (
    channel     TEXT NOT NULL,
    key         TEXT NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (channel, key)
);
CREATE INDEX inbound_received ON inbound (received_at);
