-- Choice fields hold codes of crm/choice's lists (industry 'it', size
-- 's2', region 'shanghai', source 'referral'); "other" keeps what the
-- person wrote in the field's detail. The values written before (labels,
-- free text) are converted by the Go step of this migration (store
-- convertChoices): a label or synonym becomes its code, anything else
-- other with the old text as detail.
ALTER TABLE customers ADD COLUMN industry_detail TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN size_detail TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN region_detail TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN source_detail TEXT NOT NULL DEFAULT '';
