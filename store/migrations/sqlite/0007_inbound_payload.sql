-- An accepted update is kept until it has been answered, so an update
-- acknowledged to the platform (200) but not yet processed when the process
-- stopped or died is processed by the next instance that starts or is
-- running (ClaimStaleInbound). payload is NULL once the update is done.
ALTER TABLE inbound ADD COLUMN payload TEXT;
ALTER TABLE inbound ADD COLUMN claimed_at DATETIME;
CREATE INDEX inbound_pending ON inbound (channel, claimed_at) WHERE payload IS NOT NULL;
