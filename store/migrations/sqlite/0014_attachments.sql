-- Attachments (SPEC "Field inputs"): photos and PDFs kept with a customer,
-- the bytes in the database so a backup holds them. customer_id is NULL
-- while a file waits for the rep to say which customer it goes to.
CREATE TABLE attachments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id BIGINT REFERENCES customers (id),
    user_id     BIGINT NOT NULL REFERENCES users (id),
    name        TEXT NOT NULL,
    mime        TEXT NOT NULL,
    size        BIGINT NOT NULL,
    data        BLOB NOT NULL,
    at          DATETIME NOT NULL
);
CREATE INDEX attachments_customer ON attachments (customer_id, at);
CREATE INDEX attachments_unfiled ON attachments (user_id, at) WHERE customer_id IS NULL;
