-- Organisations professionals work in (a school or early-years setting, the educational
-- psychology service, a health team, social care) and who belongs to each. Work can be asked of
-- an organisation as well as of a person, so it does not stall when someone leaves.
CREATE TABLE organisations (
    id              BIGSERIAL PRIMARY KEY,
    name            TEXT   NOT NULL,
    name_key        TEXT   NOT NULL UNIQUE,      -- the name in lower case, spaces collapsed
    kind            TEXT   NOT NULL CHECK (kind IN
                        ('school', 'early_years', 'educational_psychology', 'health', 'social_care')),
    created_by      BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at      BIGINT NOT NULL
);

CREATE TABLE organisation_members (
    organisation_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    user_id         BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    added_by        BIGINT REFERENCES users(id) ON DELETE SET NULL,
    added_at        BIGINT NOT NULL,
    PRIMARY KEY (organisation_id, user_id)
);
-- A professional's organisations.
CREATE INDEX organisation_members_user ON organisation_members (user_id);
