-- Children (and young people) and who is linked to them; drafts of forms and the immutable
-- submissions made from them; files attached to either.

CREATE TABLE children (
    id              BIGSERIAL PRIMARY KEY,
    public_id       TEXT   NOT NULL UNIQUE,      -- random, used in addresses
    first_name      TEXT   NOT NULL,
    last_name       TEXT   NOT NULL,
    date_of_birth   TEXT   NOT NULL,             -- ISO 8601
    created_by      BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at      BIGINT NOT NULL
);

-- A person linked to a child: a parent or carer, the young person themself, a professional.
-- Links a parent adds are unverified until the SEN team confirms them.
CREATE TABLE child_links (
    child_id        BIGINT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    user_id         BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    relationship    TEXT   NOT NULL CHECK (relationship IN ('parent_carer', 'self', 'professional')),
    verified_at     BIGINT,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (child_id, user_id)
);
CREATE INDEX child_links_user ON child_links (user_id);

-- A form being filled in. `version` counts saves: every save names the version it was based
-- on, and a save based on an older one is refused (another tab or device saved since).
CREATE TABLE drafts (
    id              BIGSERIAL PRIMARY KEY,
    public_id       TEXT   NOT NULL UNIQUE,
    child_id        BIGINT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    owner_id        BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    form_id         TEXT   NOT NULL,
    form_version    BIGINT NOT NULL,             -- the definition version it was started on
    answers         TEXT   NOT NULL,             -- JSON
    version         BIGINT NOT NULL,
    current_step    TEXT   NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX drafts_child ON drafts (child_id, owner_id);

-- What was sent. Never updated: the SEN team's review is recorded elsewhere.
CREATE TABLE submissions (
    id              BIGSERIAL PRIMARY KEY,
    public_id       TEXT   NOT NULL UNIQUE,
    reference       TEXT   NOT NULL UNIQUE,      -- quoted by the family and the SEN team
    child_id        BIGINT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    submitted_by    BIGINT NOT NULL REFERENCES users(id),
    form_id         TEXT   NOT NULL,
    form_version    BIGINT NOT NULL,
    title           TEXT   NOT NULL,
    answers         TEXT   NOT NULL,             -- JSON
    submitted_at    BIGINT NOT NULL
);
CREATE INDEX submissions_child ON submissions (child_id, submitted_at);

-- Files attached to an answer. Stored under `storage_key` (random) by the storage layer;
-- they belong to a draft until it is submitted, then to the submission.
CREATE TABLE attachments (
    id              BIGSERIAL PRIMARY KEY,
    public_id       TEXT   NOT NULL UNIQUE,
    draft_id        BIGINT REFERENCES drafts(id) ON DELETE SET NULL,
    submission_id   BIGINT REFERENCES submissions(id) ON DELETE CASCADE,
    child_id        BIGINT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    uploaded_by     BIGINT NOT NULL REFERENCES users(id),
    answer_path     TEXT   NOT NULL,             -- section.index.field
    file_name       TEXT   NOT NULL,             -- as uploaded, shown to people
    content_type    TEXT   NOT NULL,             -- from the content, not the name
    size_bytes      BIGINT NOT NULL,
    storage_key     TEXT   NOT NULL UNIQUE,
    created_at      BIGINT NOT NULL
);
CREATE INDEX attachments_draft ON attachments (draft_id);
CREATE INDEX attachments_submission ON attachments (submission_id);
