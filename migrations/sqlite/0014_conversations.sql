-- Conversations: every message can be answered. A message opens a thread between its
-- recipient (a parent, carer, young person or professional) and the SEN team; what either side
-- writes after it is a reply. The recipient's side reads `read_at` (a reply from the team
-- clears it); the team's side reads `team_read_at` (a reply from the recipient clears it).

-- The child whose case the thread belongs to: the message's child, or the child an advice
-- request was about (those messages name no child to a professional not yet linked).
ALTER TABLE messages ADD COLUMN case_child_id BIGINT REFERENCES children(id) ON DELETE CASCADE;
ALTER TABLE messages ADD COLUMN team_read_at BIGINT;
ALTER TABLE messages ADD COLUMN last_at BIGINT;
UPDATE messages SET case_child_id = child_id, team_read_at = sent_at, last_at = sent_at;
CREATE INDEX messages_case ON messages (case_child_id, last_at);
CREATE INDEX messages_team_unread ON messages (last_at) WHERE team_read_at IS NULL;

CREATE TABLE message_replies (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    public_id       TEXT   NOT NULL UNIQUE,
    message_id      BIGINT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    author_id       BIGINT REFERENCES users(id) ON DELETE SET NULL,
    from_team       BIGINT NOT NULL CHECK (from_team IN (0, 1)),
    body            TEXT   NOT NULL,
    sent_at         BIGINT NOT NULL
);
CREATE INDEX message_replies_message ON message_replies (message_id, id);

-- A message's files (the opening message's, or a reply's) live with the other attachments.
ALTER TABLE attachments ADD COLUMN message_id BIGINT REFERENCES messages(id) ON DELETE CASCADE;
ALTER TABLE attachments ADD COLUMN reply_id BIGINT REFERENCES message_replies(id) ON DELETE CASCADE;
CREATE INDEX attachments_message ON attachments (message_id);
