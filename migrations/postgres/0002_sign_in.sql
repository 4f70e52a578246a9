-- Sessions (shared by every app server), emailed sign-in codes, failed attempts for
-- throttling, and the audit log.
CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    user_id     BIGINT REFERENCES users(id) ON DELETE CASCADE,  -- set once signed in
    data        TEXT NOT NULL,                                 -- JSON
    expires_at  BIGINT NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

CREATE TABLE sign_in_codes (
    id           BIGSERIAL PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    attempt      TEXT   NOT NULL,   -- SHA-256 of the random sign-in attempt id kept in the session
    code_hash    TEXT   NOT NULL,   -- HMAC-SHA-256 of attempt and code under the server's secret key
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    wrong_tries  BIGINT NOT NULL DEFAULT 0,
    used_at      BIGINT,
    replaced_at  BIGINT
);
CREATE INDEX sign_in_codes_attempt ON sign_in_codes (attempt);

CREATE TABLE auth_failures (
    id       BIGSERIAL PRIMARY KEY,
    account  TEXT   NOT NULL,   -- the email address tried, lower-cased
    ip       TEXT   NOT NULL,
    at       BIGINT NOT NULL
);
CREATE INDEX auth_failures_account_at ON auth_failures (account, at);
CREATE INDEX auth_failures_ip_at ON auth_failures (ip, at);

CREATE TABLE audit_log (
    id        BIGSERIAL PRIMARY KEY,
    at        BIGINT NOT NULL,
    user_id   BIGINT,            -- whose account or record it concerns
    actor_id  BIGINT,            -- who did it, when not the user themself
    action    TEXT   NOT NULL,
    ip        TEXT,
    detail    TEXT
);
CREATE INDEX audit_log_user_id ON audit_log (user_id, at);
