-- Professionals give the advice asked of them through the portal. A member of the organisation
-- picks a request up: the advice form for its kind becomes their draft (linked to the request),
-- and what they send is a submission linked to it, which the SEN team accepts or returns. The
-- request is received when the SEN team accepts its advice.

-- Requests are addressed by a random id (professionals open them); rows made before get one.
ALTER TABLE advice_requests ADD COLUMN public_id TEXT;
UPDATE advice_requests SET public_id = lower(hex(randomblob(12))) WHERE public_id IS NULL;
CREATE UNIQUE INDEX advice_requests_public ON advice_requests (public_id);

-- Who picked it up and when (the first to, when several in the team try at once).
ALTER TABLE advice_requests ADD COLUMN picked_up_by BIGINT REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE advice_requests ADD COLUMN picked_up_at BIGINT;
-- The day the advice was last sent (the statutory clock's answer); received_on is when the SEN
-- team accepted it.
ALTER TABLE advice_requests ADD COLUMN sent_on TEXT;

ALTER TABLE drafts ADD COLUMN advice_request_id BIGINT REFERENCES advice_requests(id) ON DELETE CASCADE;
ALTER TABLE submissions ADD COLUMN advice_request_id BIGINT REFERENCES advice_requests(id) ON DELETE SET NULL;
CREATE INDEX drafts_advice_request ON drafts (advice_request_id);
CREATE INDEX submissions_advice_request ON submissions (advice_request_id);
