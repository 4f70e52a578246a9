-- What a family's consent (E2, "Who can we ask for advice and share information with?") lets
-- professionals read: the kinds of organisation whose members, once linked to the child, read
-- the forms the family sent. Replaced by each consent form the family sends.
CREATE TABLE child_sharing (
    child_id          BIGINT NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    organisation_kind TEXT   NOT NULL,
    recorded_at       BIGINT NOT NULL,
    PRIMARY KEY (child_id, organisation_kind)
);
