-- The SEN team's casework: a case for each child with a request or an assessment, the review
-- of each submission, and invitations for people the SEN team links who have no account yet.

-- A child's case. `stage` and `next_deadline` are worked out from assessment_stages whenever a
-- stage is recorded, so the dashboard can filter and sort 10,000 cases without recomputing.
-- `version` counts changes: every change names the version it was based on, and a change based
-- on an older one is refused (another caseworker changed the case since).
CREATE TABLE cases (
    child_id           BIGINT NOT NULL PRIMARY KEY REFERENCES children(id) ON DELETE CASCADE,
    reference          TEXT   NOT NULL UNIQUE,
    caseworker_id      BIGINT REFERENCES users(id) ON DELETE SET NULL,
    stage              TEXT   NOT NULL,          -- the stage next to do, or 'not_started'
    requested_on       TEXT,                     -- week 0 (ISO 8601), once the assessment starts
    next_deadline      TEXT,                     -- of the stage next to do (ISO 8601)
    urgency            TEXT   NOT NULL,          -- next_deadline, or '9999-12-31' when none: sorts
    advice_requested_on TEXT,                    -- advice-givers have 6 weeks from this day
    outcome            TEXT,                     -- 'not_assessing' or 'no_plan' when it ended so
    outcome_reason     TEXT,
    closed_at          BIGINT,
    version            BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    updated_by         BIGINT REFERENCES users(id) ON DELETE SET NULL
);
-- The dashboard: open cases, most urgent first, read in index order a page at a time.
CREATE INDEX cases_open_urgency ON cases (urgency, child_id) WHERE closed_at IS NULL;
CREATE INDEX cases_caseworker ON cases (caseworker_id, urgency);

-- The SEN team's review of a submission (submissions themselves never change). A submission
-- without a row here is awaiting review. A rejected one names the draft re-opened from it.
CREATE TABLE submission_reviews (
    submission_id   BIGINT NOT NULL PRIMARY KEY REFERENCES submissions(id) ON DELETE CASCADE,
    outcome         TEXT   NOT NULL CHECK (outcome IN ('accepted', 'rejected')),
    reason          TEXT   NOT NULL,
    reviewed_by     BIGINT REFERENCES users(id) ON DELETE SET NULL,
    reviewed_at     BIGINT NOT NULL,
    new_draft_id    TEXT
);

-- Someone the SEN team linked to a child by an email address with no account: when an account
-- with that address is confirmed, the link is made.
CREATE TABLE invitations (
    id              BIGSERIAL PRIMARY KEY,
    email           TEXT   NOT NULL,             -- lower case
    child_id        BIGINT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    relationship    TEXT   NOT NULL,
    invited_by      BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at      BIGINT NOT NULL,
    accepted_at     BIGINT
);
CREATE INDEX invitations_email ON invitations (email);

-- Outstanding form requests are found per child.
CREATE INDEX messages_child_form ON messages (child_id, form_id);
