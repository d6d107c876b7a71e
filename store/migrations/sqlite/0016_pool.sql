-- Shared pool (公海, SPEC "Shared pool"): a customer with no owner
-- (owner_id NULL) is in the pool. The Go step of this migration (store
-- dropOwnerNotNull) drops owner_id's NOT NULL, which SQLite cannot ALTER.
-- A pool customer keeps why (pool_reason: inactive, no_deal, hand,
-- import; pool_note: the reason typed by hand), when (released_at), by
-- whom (released_by, 0: the nightly job) and whose it was (released_from:
-- the cooldown of that rep's claim). pool_moves lists every move into or
-- out of the pool: a rep's claims of a day, the digest's counts.
ALTER TABLE customers ADD COLUMN pool_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN pool_note TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN released_at DATETIME;
ALTER TABLE customers ADD COLUMN released_by BIGINT NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN released_from BIGINT NOT NULL DEFAULT 0;
CREATE INDEX customers_pool ON customers (released_at, id) WHERE owner_id IS NULL;

CREATE TABLE pool_moves (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    kind        TEXT NOT NULL CHECK (kind IN ('release', 'claim')),
    user_id     BIGINT NOT NULL DEFAULT 0,
    owner_id    BIGINT NOT NULL DEFAULT 0,
    reason      TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    at          DATETIME NOT NULL
);
CREATE INDEX pool_moves_owner ON pool_moves (kind, owner_id, at);
CREATE INDEX pool_moves_at ON pool_moves (at);
