-- Consultation with a school or setting (Children and Families Act 2014, s39): when a family
-- asks for one, the SEN team sends it the draft plan, and it has 15 days to say whether it can
-- meet the child's needs, with its reasons. Its members read that draft plan while consulted.
CREATE TABLE consultations (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id       TEXT   NOT NULL UNIQUE,
    child_id        BIGINT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    document_id     BIGINT NOT NULL REFERENCES shared_documents(id) ON DELETE CASCADE,
    note            TEXT   NOT NULL,
    asked_on        TEXT   NOT NULL,             -- ISO 8601
    due_on          TEXT   NOT NULL,             -- ISO 8601; 15 days after asked_on by default
    asked_by        BIGINT REFERENCES users(id) ON DELETE SET NULL,
    asked_at        BIGINT NOT NULL,
    answer          TEXT   CHECK (answer IN ('can_meet', 'cannot_meet')),
    reasons         TEXT,
    answered_by     BIGINT REFERENCES users(id) ON DELETE SET NULL,
    answered_at     BIGINT
);
CREATE INDEX consultations_child ON consultations (child_id, due_on);
CREATE INDEX consultations_organisation ON consultations (organisation_id, due_on);
CREATE INDEX consultations_document ON consultations (document_id);
