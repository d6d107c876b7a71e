-- A scheduled run is finished when finished_at is set; an unfinished claim
-- older than its lease may be taken over by another instance.
ALTER TABLE job_runs ADD COLUMN finished_at DATETIME;
CREATE INDEX outbox_claimed ON outbox (claimed_until);
