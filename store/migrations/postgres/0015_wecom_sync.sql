-- WeCom organisation sync (SPEC "WeCom organisation sync"): which local
-- department mirrors which directory department, which user is which
-- directory member, where a user's role came from, and when the directory
-- was last synced completely. source is the directory ('wecom').
ALTER TABLE users ADD COLUMN role_source TEXT NOT NULL DEFAULT 'local';

CREATE TABLE directory_departments (
    source      TEXT NOT NULL,
    external_id BIGINT NOT NULL,
    dept_id     BIGINT NOT NULL REFERENCES departments (id),
    parent_external BIGINT NOT NULL DEFAULT 0,
    name        TEXT NOT NULL,
    synced_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, external_id)
);
CREATE UNIQUE INDEX directory_departments_dept ON directory_departments (source, dept_id);

CREATE TABLE directory_members (
    source        TEXT NOT NULL,
    external_id   TEXT NOT NULL,
    user_id       BIGINT NOT NULL REFERENCES users (id),
    dept_external BIGINT NOT NULL DEFAULT 0,
    synced_role   TEXT NOT NULL DEFAULT '',
    left_at       TIMESTAMPTZ,
    synced_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, external_id)
);
CREATE UNIQUE INDEX directory_members_user ON directory_members (source, user_id);

CREATE TABLE directory_syncs (
    source    TEXT PRIMARY KEY,
    synced_at TIMESTAMPTZ NOT NULL
);
