-- The EHC plan written in the portal, in its statutory sections (SEND Code of Practice 9.62):
-- A views, interests and aspirations; B special educational needs; C health needs; D social
-- care needs; E outcomes; F special educational provision; G health provision; H social care
-- provision; I placement (empty in a draft, which never names a school); J personal budget;
-- K advice and information. The SEN team writes a draft and issues it; the family has 15 days
-- to comment on any section, name the school or setting they want and ask for a meeting; the
-- SEN team answers each comment. Issuing the final plan closes the draft; both stay.
CREATE TABLE plans (
    id              BIGSERIAL PRIMARY KEY,
    public_id       TEXT   NOT NULL UNIQUE,
    child_id        BIGINT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    kind            TEXT   NOT NULL CHECK (kind IN ('draft', 'final')),
    issued_on       TEXT,                         -- ISO 8601; NULL while it is being written
    comments_due    TEXT,                         -- ISO 8601; a draft's last day for comments
    issued_by       BIGINT REFERENCES users(id) ON DELETE SET NULL,
    closed_at       BIGINT,                       -- a draft, once the final plan is issued
    comment_count   BIGINT NOT NULL DEFAULT 0,    -- claimed before each comment: a hard limit
    updated_by      BIGINT REFERENCES users(id) ON DELETE SET NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX plans_child ON plans (child_id, id);

CREATE TABLE plan_sections (
    plan_id         BIGINT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    letter          TEXT   NOT NULL,
    body            TEXT   NOT NULL,
    PRIMARY KEY (plan_id, letter)
);

CREATE TABLE plan_comments (
    id              BIGSERIAL PRIMARY KEY,
    public_id       TEXT   NOT NULL UNIQUE,
    plan_id         BIGINT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    letter          TEXT   NOT NULL,
    author_id       BIGINT REFERENCES users(id) ON DELETE SET NULL,
    body            TEXT   NOT NULL,
    written_at      BIGINT NOT NULL,
    answer          TEXT   CHECK (answer IN ('changed', 'not_changed')),
    reason          TEXT,
    answered_by     BIGINT REFERENCES users(id) ON DELETE SET NULL,
    answered_at     BIGINT
);
CREATE INDEX plan_comments_plan ON plan_comments (plan_id, id);

-- What each member of the family asked for on a draft: the school or setting they want named
-- (a kind the Children and Families Act 2014 s38 lists, and its name), and a meeting.
CREATE TABLE plan_requests (
    plan_id         BIGINT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    user_id         BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    setting_kind    TEXT,
    setting_name    TEXT,
    setting_at      BIGINT,
    meeting_note    TEXT,
    meeting_at      BIGINT,
    PRIMARY KEY (plan_id, user_id)
);
