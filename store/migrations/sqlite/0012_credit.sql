-- Credit follows the person (SPEC "Data that means what it says"): a
-- customer keeps who created it, whoever owns it later; an imported
-- customer whose row had no creation date is undated and never counts as
-- new. Existing customers: created by their owner before the first
-- handover recorded in the audit log, else by their owner (a transfer's
-- previous owner is not recoverable from the log and is not used).
ALTER TABLE customers ADD COLUMN created_by BIGINT NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN undated BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE customers SET created_by = COALESCE(
    (SELECT CAST(REPLACE(REPLACE(a.before, '{"owner_id":', ''), '}', '') AS BIGINT) FROM audit_log a
      WHERE a.entity = 'customer' AND a.entity_id = customers.id AND a.action = 'handover'
      ORDER BY a.at, a.id LIMIT 1),
    owner_id);
CREATE INDEX customers_created_by ON customers (created_by, created_at);
CREATE INDEX payments_user ON payments (user_id, received_on);
CREATE INDEX stage_changes_user ON stage_changes (user_id, at);
