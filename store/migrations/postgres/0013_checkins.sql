-- Check-ins (签到, SPEC "Field inputs"): where and when a rep was at a
-- customer, joined to the visit it belongs to once there is one. A
-- customer's location is set by its first check-in.
CREATE TABLE checkins (
    id          BIGSERIAL PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    user_id     BIGINT NOT NULL REFERENCES users (id),
    activity_id BIGINT REFERENCES activities (id),
    at          TIMESTAMPTZ NOT NULL,
    lat         DOUBLE PRECISION NOT NULL,
    lon         DOUBLE PRECISION NOT NULL,
    place       TEXT NOT NULL DEFAULT '',
    distance_m  BIGINT
);
CREATE INDEX checkins_customer ON checkins (customer_id, at);
CREATE INDEX checkins_user ON checkins (user_id, at);
CREATE INDEX checkins_activity ON checkins (activity_id);

CREATE TABLE customer_locations (
    customer_id BIGINT PRIMARY KEY REFERENCES customers (id),
    lat         DOUBLE PRECISION NOT NULL,
    lon         DOUBLE PRECISION NOT NULL,
    set_by      BIGINT NOT NULL,
    set_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX customer_locations_lat ON customer_locations (lat, lon);
