-- The username most recently seen for each user id, from the newest access token (by `iat`) the
-- service has been shown. Photos show their owner by this name, not by the name at upload time,
-- which goes stale after a rename. Uploads lock the owner's row here, so the per-user photo quota
-- is counted one upload at a time.
CREATE TABLE known_users (
    user_id UUID PRIMARY KEY,
    username TEXT NOT NULL,
    seen_at TIMESTAMPTZ NOT NULL
);

-- Every owner of an existing photo, by the name of their latest upload.
INSERT INTO known_users (user_id, username, seen_at)
SELECT DISTINCT ON (owner_id) owner_id, owner_username, created_at
FROM photos
ORDER BY owner_id, created_at DESC;
