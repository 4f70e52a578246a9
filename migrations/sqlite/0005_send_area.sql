-- The parents' SEND area: portal messages, what the SEN team and professionals share with a
-- family, and the recorded stages of a child's EHC needs assessment.

-- A message to one person. An action message asks for a form for a child by a date.
CREATE TABLE messages (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id       TEXT   NOT NULL UNIQUE,
    recipient_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    sender_id       BIGINT REFERENCES users(id) ON DELETE SET NULL,
    child_id        BIGINT REFERENCES children(id) ON DELETE CASCADE,
    subject         TEXT   NOT NULL,
    body            TEXT   NOT NULL,
    form_id         TEXT,                        -- the form asked for (action messages)
    due_on          TEXT,                        -- ISO 8601 date it is wanted by
    sent_at         BIGINT NOT NULL,
    read_at         BIGINT
);
CREATE INDEX messages_recipient ON messages (recipient_id, sent_at);

-- A letter, report or plan shared on a child's record, with the people chosen to read it.
CREATE TABLE shared_documents (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id       TEXT   NOT NULL UNIQUE,
    child_id        BIGINT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    shared_by       BIGINT REFERENCES users(id) ON DELETE SET NULL,
    kind            TEXT   NOT NULL CHECK (kind IN ('letter', 'report', 'draft_plan', 'final_plan')),
    title           TEXT   NOT NULL,
    body            TEXT   NOT NULL,             -- plain text; blank lines separate paragraphs
    shared_at       BIGINT NOT NULL
);
CREATE INDEX shared_documents_child ON shared_documents (child_id, shared_at);

-- Who may read a shared document: people linked to the child, chosen when it is shared. A
-- reader whose link to the child ends no longer sees it.
CREATE TABLE shared_document_readers (
    document_id     BIGINT NOT NULL REFERENCES shared_documents(id) ON DELETE CASCADE,
    user_id         BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (document_id, user_id)
);
CREATE INDEX shared_document_readers_user ON shared_document_readers (user_id);

-- A shared document's files live with the other attachments.
ALTER TABLE attachments ADD COLUMN shared_document_id BIGINT REFERENCES shared_documents(id) ON DELETE CASCADE;
CREATE INDEX attachments_shared_document ON attachments (shared_document_id);

-- The stages of a child's EHC needs assessment the SEN team has recorded as done, with the day
-- each happened (the request's day is week 0 of the statutory clock).
CREATE TABLE assessment_stages (
    child_id        BIGINT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    stage           TEXT   NOT NULL,
    happened_on     TEXT   NOT NULL,             -- ISO 8601 date
    recorded_by     BIGINT REFERENCES users(id) ON DELETE SET NULL,
    recorded_at     BIGINT NOT NULL,
    PRIMARY KEY (child_id, stage)
);

-- Which child's record an audit entry concerns (reads and changes of a child's record).
ALTER TABLE audit_log ADD COLUMN child_id BIGINT;
CREATE INDEX audit_log_child_id ON audit_log (child_id, at);
