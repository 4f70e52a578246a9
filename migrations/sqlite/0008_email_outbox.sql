-- Every email, written in the same transaction as the change it tells of, and delivered by
-- the sender after commit (platform/outbox.rs): sent if and only if the change happened, and
-- kept through an SMTP outage. A row is claimed before it is sent (claimed_by/claimed_until),
-- so with several app servers each row is sent by one of them.
CREATE TABLE email_outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The recipient, subject and text, sealed with a key from PORTAL_SECRET_KEY (emails hold
    -- sign-in codes and password links); emptied once the email is sent or given up.
    sealed          TEXT   NOT NULL,
    created_at      BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    claimed_by      TEXT,
    claimed_until   BIGINT NOT NULL DEFAULT 0,
    sent_at         BIGINT,
    given_up_at     BIGINT,
    last_error      TEXT
);
-- The sender's question: what is due and not yet sent or given up.
CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at)
    WHERE sent_at IS NULL AND given_up_at IS NULL;
