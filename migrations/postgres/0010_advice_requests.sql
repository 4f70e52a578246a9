-- Advice the SEN team asks for during an assessment (SEND Regulations 2014, reg. 6-8):
-- educational, medical, psychological, social care. A request goes to an organisation, and to
-- a named member of it or to anyone in it; the organisation's name is what a family is shown.
CREATE TABLE advice_requests (
    id              BIGSERIAL PRIMARY KEY,
    child_id        BIGINT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    kind            TEXT   NOT NULL CHECK (kind IN
                        ('educational', 'medical', 'psychological', 'social_care', 'other')),
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    person_id       BIGINT REFERENCES users(id) ON DELETE SET NULL,  -- NULL: anyone in it
    note            TEXT   NOT NULL,
    asked_on        TEXT   NOT NULL,             -- ISO 8601
    due_on          TEXT   NOT NULL,             -- ISO 8601; 6 weeks after asked_on by default
    received_on     TEXT,                        -- when the advice arrived
    asked_by        BIGINT REFERENCES users(id) ON DELETE SET NULL,
    asked_at        BIGINT NOT NULL
);
-- A case's requests, and an organisation's (its members' caseload), soonest due first.
CREATE INDEX advice_requests_child ON advice_requests (child_id, due_on);
CREATE INDEX advice_requests_organisation ON advice_requests (organisation_id, due_on);
