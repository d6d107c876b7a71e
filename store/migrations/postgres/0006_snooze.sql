-- "Snooze a day" on the workbench: a customer counts as quiet again only
-- once the stale window has passed since snooze_base (the snooze moment
-- plus a day, minus stale_days, as computed by the caller).
ALTER TABLE customers ADD COLUMN snooze_base TIMESTAMPTZ;
