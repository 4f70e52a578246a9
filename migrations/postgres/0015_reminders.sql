-- Reminders: 3 days before a form or advice is due, and the day after it becomes overdue, the
-- person it is asked of is emailed, at most once per request. This row, written in the same
-- transaction as the email, is what makes it once, whichever server runs the job.
CREATE TABLE reminders_sent (
    kind            TEXT   NOT NULL CHECK (kind IN ('form', 'advice')),
    item_id         BIGINT NOT NULL,              -- messages.id (a form) or advice_requests.id
    which           TEXT   NOT NULL CHECK (which IN ('before', 'overdue')),
    sent_at         BIGINT NOT NULL,
    PRIMARY KEY (kind, item_id, which)
);

INSERT INTO job_leases (name) VALUES ('reminders');
