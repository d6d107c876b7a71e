-- salesbot schema, version 1 (PostgreSQL). Times are UTC; calendar dates are
-- 'YYYY-MM-DD' text so that one set of DML serves both engines.
CREATE TABLE departments (
    id        BIGSERIAL PRIMARY KEY,
    name      TEXT NOT NULL UNIQUE,
    parent_id BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE users (
    id         BIGSERIAL PRIMARY KEY,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('rep', 'manager', 'admin')),
    dept_id    BIGINT NOT NULL DEFAULT 0,
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    locale     TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX users_dept ON users (dept_id);

CREATE TABLE identities (
    channel     TEXT NOT NULL,
    external_id TEXT NOT NULL,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    chat_id     TEXT NOT NULL,
    reachable   BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (channel, external_id)
);
CREATE INDEX identities_user ON identities (user_id);

CREATE TABLE invites (
    code       TEXT PRIMARY KEY,
    role       TEXT NOT NULL,
    dept_id    BIGINT NOT NULL DEFAULT 0,
    name       TEXT NOT NULL DEFAULT '',
    created_by BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_by    BIGINT NOT NULL DEFAULT 0,
    used_at    TIMESTAMPTZ
);

CREATE TABLE customers (
    id               BIGSERIAL PRIMARY KEY,
    name             TEXT NOT NULL,
    name_key         TEXT NOT NULL,
    trade_key        TEXT NOT NULL,
    industry         TEXT NOT NULL DEFAULT '',
    size             TEXT NOT NULL DEFAULT '',
    region           TEXT NOT NULL DEFAULT '',
    source           TEXT NOT NULL DEFAULT '',
    owner_id         BIGINT NOT NULL REFERENCES users (id),
    note             TEXT NOT NULL DEFAULT '',
    search_text      TEXT NOT NULL DEFAULT '',
    archived         BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    last_activity_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX customers_name_key ON customers (name_key);
CREATE INDEX customers_trade_key ON customers (trade_key);
CREATE INDEX customers_owner_activity ON customers (owner_id, last_activity_at);

-- Search grams of each customer's normalised name: the similar-name lookup
-- finds candidates through this index instead of scanning customers.
CREATE TABLE customer_grams (
    gram        TEXT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    PRIMARY KEY (gram, customer_id)
);

CREATE TABLE contacts (
    id          BIGSERIAL PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    name        TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    title       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX contacts_customer ON contacts (customer_id);

CREATE TABLE activities (
    id          BIGSERIAL PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    user_id     BIGINT NOT NULL REFERENCES users (id),
    kind        TEXT NOT NULL,
    content     TEXT NOT NULL,
    next_action TEXT NOT NULL DEFAULT '',
    next_date   TEXT NOT NULL DEFAULT '',
    at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX activities_customer ON activities (customer_id, at);
CREATE INDEX activities_user ON activities (user_id, at);

CREATE TABLE deals (
    id          BIGSERIAL PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    owner_id    BIGINT NOT NULL REFERENCES users (id),
    title       TEXT NOT NULL DEFAULT '',
    stage       TEXT NOT NULL,
    win_pct     INTEGER NOT NULL DEFAULT 0,
    amount      BIGINT NOT NULL DEFAULT 0,
    close_date  TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX deals_customer ON deals (customer_id);
CREATE INDEX deals_owner_stage ON deals (owner_id, stage);

CREATE TABLE stage_changes (
    id         BIGSERIAL PRIMARY KEY,
    deal_id    BIGINT NOT NULL REFERENCES deals (id),
    from_stage TEXT NOT NULL DEFAULT '',
    to_stage   TEXT NOT NULL,
    win_pct    INTEGER NOT NULL DEFAULT 0,
    amount     BIGINT NOT NULL DEFAULT 0,
    user_id    BIGINT NOT NULL,
    at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX stage_changes_deal ON stage_changes (deal_id, at);
CREATE INDEX stage_changes_at ON stage_changes (at);

CREATE TABLE payment_plans (
    id          BIGSERIAL PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    deal_id     BIGINT NOT NULL DEFAULT 0,
    amount      BIGINT NOT NULL,
    due_date    TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    paid        BIGINT NOT NULL DEFAULT 0,
    created_by  BIGINT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX payment_plans_customer ON payment_plans (customer_id);
CREATE INDEX payment_plans_due ON payment_plans (due_date);

CREATE TABLE payments (
    id          BIGSERIAL PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    plan_id     BIGINT NOT NULL DEFAULT 0,
    amount      BIGINT NOT NULL,
    received_on TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    user_id     BIGINT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX payments_customer ON payments (customer_id);
CREATE INDEX payments_received ON payments (received_on);

CREATE TABLE appointments (
    id          BIGSERIAL PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    user_id     BIGINT NOT NULL REFERENCES users (id),
    at          TIMESTAMPTZ NOT NULL,
    place       TEXT NOT NULL DEFAULT '',
    purpose     TEXT NOT NULL DEFAULT '',
    reminded    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX appointments_user_at ON appointments (user_id, at);
CREATE INDEX appointments_at ON appointments (at);

CREATE TABLE complaints (
    id          BIGSERIAL PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    user_id     BIGINT NOT NULL,
    content     TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'open',
    resolution  TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    closed_at   TIMESTAMPTZ
);
CREATE INDEX complaints_customer ON complaints (customer_id, status);

CREATE TABLE targets (
    id           BIGSERIAL PRIMARY KEY,
    metric       TEXT NOT NULL,
    period       TEXT NOT NULL,
    period_start TEXT NOT NULL,
    unit         TEXT NOT NULL,
    unit_id      BIGINT NOT NULL DEFAULT 0,
    value        BIGINT NOT NULL,
    set_by       BIGINT NOT NULL DEFAULT 0,
    updated_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (metric, period, period_start, unit, unit_id)
);

CREATE TABLE reports (
    id           BIGSERIAL PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id),
    kind         TEXT NOT NULL,
    period_start TEXT NOT NULL,
    objective    TEXT NOT NULL DEFAULT '',
    text         TEXT NOT NULL DEFAULT '',
    comment      TEXT NOT NULL DEFAULT '',
    comment_by   BIGINT NOT NULL DEFAULT 0,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (user_id, kind, period_start)
);

CREATE TABLE duplicate_claims (
    id          BIGSERIAL PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    claimant_id BIGINT NOT NULL,
    owner_id    BIGINT NOT NULL,
    raw_name    TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX duplicate_claims_at ON duplicate_claims (at);

CREATE TABLE chat_groups (
    channel    TEXT NOT NULL,
    chat_id    TEXT NOT NULL,
    dept_id    BIGINT NOT NULL DEFAULT 0,
    title      TEXT NOT NULL DEFAULT '',
    created_by BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (channel, chat_id)
);

CREATE TABLE audit_log (
    id        BIGSERIAL PRIMARY KEY,
    user_id   BIGINT NOT NULL DEFAULT 0,
    entity    TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    action    TEXT NOT NULL,
    before    TEXT NOT NULL DEFAULT '',
    after     TEXT NOT NULL DEFAULT '',
    at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, at);

-- Conversation state: a user's place in a form, keyed by (channel, chat, user).
CREATE TABLE conversation_state (
    channel    TEXT NOT NULL,
    chat_id    TEXT NOT NULL,
    user_key   TEXT NOT NULL,
    flow       TEXT NOT NULL,
    step       TEXT NOT NULL,
    data       TEXT NOT NULL DEFAULT '{}',
    expires_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (channel, chat_id, user_key)
);
CREATE INDEX conversation_state_expires ON conversation_state (expires_at);

-- Outbox: every push is a row written in the transaction of its cause.
CREATE TABLE outbox (
    id              BIGSERIAL PRIMARY KEY,
    key             TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    user_id         BIGINT NOT NULL DEFAULT 0,
    channel         TEXT NOT NULL DEFAULT '',
    chat_id         TEXT NOT NULL DEFAULT '',
    payload         TEXT NOT NULL DEFAULT '{}',
    status          TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    claimed_until   TIMESTAMPTZ,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    sent_at         TIMESTAMPTZ
);
CREATE INDEX outbox_pending ON outbox (status, next_attempt_at);

-- One row per scheduled run claimed by an instance.
CREATE TABLE job_runs (
    job        TEXT NOT NULL,
    slot       TEXT NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (job, slot)
);
