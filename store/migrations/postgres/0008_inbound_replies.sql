-- The replies of an accepted update, kept from the moment it was handled
-- until they are delivered: a process that stops (or dies) while a reply
-- waits for the platform leaves the replies, not the update, to the next
-- process, so the update is not handled twice (HandledInbound).
ALTER TABLE inbound ADD COLUMN replies TEXT;

-- How many times an unanswered update has been taken over (ClaimStaleInbound):
-- one that keeps failing is given up after a few.
ALTER TABLE inbound ADD COLUMN takeovers INTEGER NOT NULL DEFAULT 0;
