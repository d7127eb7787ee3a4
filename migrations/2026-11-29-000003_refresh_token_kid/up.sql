-- The key a refresh token was signed with, so the reuse grace can hand back the very same token
-- after the refresh secret has rotated (it re-signs the stored claims with that key). Rows from
-- before this column have NULL: the current key is tried for them.
ALTER TABLE refresh_tokens ADD COLUMN kid text;
