-- When the send of a push began (Worker: StartSend, right before the
-- request). A push taken over after its lease with this set was in flight
-- when its process stopped: it may have arrived, and is not sent again
-- (crm.ErrUncertain). A definite failure (MarkRetry) clears it.
ALTER TABLE outbox ADD COLUMN send_started_at TIMESTAMPTZ;
