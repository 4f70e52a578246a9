-- Single-use links sent by email: confirming a new account (24 hours), resetting a password
-- (1 hour). Only a SHA-256 of each token is kept.
CREATE TABLE email_tokens (
    id          BIGSERIAL PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose     TEXT   NOT NULL CHECK (purpose IN ('confirm_email', 'reset_password')),
    token_hash  TEXT   NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX email_tokens_user ON email_tokens (user_id, purpose);
