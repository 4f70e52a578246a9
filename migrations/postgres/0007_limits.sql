-- Every email a form sends on an anonymous request (registering, the confirmation link again,
-- a forgotten password, a new sign-in code), so that each kind is limited per target address
-- and per client address. Only rows inside the window (15 minutes) are ever read.
CREATE TABLE email_throttle (
    id      BIGSERIAL PRIMARY KEY,
    kind    TEXT   NOT NULL,   -- register, confirm_again, reset, code_again
    target  TEXT   NOT NULL,   -- the email address written to, lower-cased
    ip      TEXT   NOT NULL,
    at      BIGINT NOT NULL
);
CREATE INDEX email_throttle_target_at ON email_throttle (target, at);
CREATE INDEX email_throttle_ip_at ON email_throttle (ip, at);

-- Scheduled jobs take a lease before running, so that with several app servers on one
-- database each run happens on one of them only.
CREATE TABLE job_leases (
    name        TEXT   PRIMARY KEY,
    holder      TEXT,
    until       BIGINT NOT NULL DEFAULT 0,
    last_run_at BIGINT
);
INSERT INTO job_leases (name) VALUES ('clean_up');

-- Moves on whenever every session of the account is ended (password changed or reset, "sign
-- out of other sessions", deactivation, two-step reset); a session stamped with an older
-- epoch is signed out, even if a request under way at that moment saved it again.
ALTER TABLE users ADD COLUMN session_epoch BIGINT NOT NULL DEFAULT 0;
