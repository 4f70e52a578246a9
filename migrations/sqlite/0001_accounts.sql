-- Accounts of every role. Times are Unix seconds (BIGINT) so SQLite and PostgreSQL read alike.
CREATE TABLE users (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    email               TEXT    NOT NULL UNIQUE,          -- lower-cased before storing
    full_name           TEXT    NOT NULL,
    role                TEXT    NOT NULL CHECK (role IN ('citizen', 'professional', 'sen_officer', 'admin')),
    password_hash       TEXT    NOT NULL,                 -- argon2id, PHC string
    secret_question     TEXT,
    secret_answer_hash  TEXT,                             -- argon2id of the normalised answer
    email_confirmed_at  BIGINT,
    two_step_method     TEXT CHECK (two_step_method IN ('email')),
    deactivated_at      BIGINT,
    created_at          BIGINT  NOT NULL,
    updated_at          BIGINT  NOT NULL
);

-- One-off facts about this database, such as when the demo accounts were seeded.
CREATE TABLE portal_meta (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);
