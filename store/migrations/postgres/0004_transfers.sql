-- Collaborators see a customer and log activities on it without owning it.
CREATE TABLE collaborators (
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    user_id     BIGINT NOT NULL REFERENCES users (id),
    added_by    BIGINT NOT NULL DEFAULT 0,
    added_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (customer_id, user_id)
);
CREATE INDEX collaborators_user ON collaborators (user_id);

-- A rep refused at /new asks for the customer (transfer) or to work on it
-- with the owner (collaborate); the owner's manager decides.
CREATE TABLE transfer_requests (
    id           BIGSERIAL PRIMARY KEY,
    customer_id  BIGINT NOT NULL REFERENCES customers (id),
    requester_id BIGINT NOT NULL REFERENCES users (id),
    owner_id     BIGINT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('transfer', 'collaborate')),
    status       TEXT NOT NULL DEFAULT 'pending',
    decided_by   BIGINT NOT NULL DEFAULT 0,
    created_at   TIMESTAMPTZ NOT NULL,
    decided_at   TIMESTAMPTZ
);
CREATE INDEX transfer_requests_customer ON transfer_requests (customer_id, status);
