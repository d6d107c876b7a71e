-- Attachments (SPEC "Field inputs"): photos and PDFs kept with a customer,
-- the bytes in the database so a backup holds them. customer_id is NULL
-- while a file waits for the rep to say which customer it goes to.
CREATE TABLE attachments (
    id          BIGSERIAL PRIMARY KEY,
    customer_id BIGINT REFERENCES customers (id),
    user_id     BIGINT NOT NULL REFERENCES users (id),
    name        TEXT NOT NULL,
    mime        TEXT NOT NULL,
    size        BIGINT NOT NULL,
    data        BYTEA NOT NULL,
    at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX attachments_customer ON attachments (customer_id, at);
CREATE INDEX attachments_unfiled ON attachments (user_id, at) WHERE customer_id IS NULL;
