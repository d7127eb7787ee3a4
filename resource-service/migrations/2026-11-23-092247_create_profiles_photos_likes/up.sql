-- Photos: metadata apart from the bytes, so listings never touch image data.
CREATE TABLE photos (
    id UUID PRIMARY KEY,
    owner_id UUID NOT NULL,
    owner_username TEXT NOT NULL,
    caption TEXT,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL CHECK (size_bytes > 0),
    sha256 TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- Lets profiles reference (photo, owner) pairs: an avatar is always one of its owner's photos.
    CONSTRAINT photos_id_owner_key UNIQUE (id, owner_id)
);

-- Keyset pagination, newest first: the global feed and one owner's photos.
CREATE INDEX photos_created_at_id_idx ON photos (created_at DESC, id DESC);
CREATE INDEX photos_owner_created_at_id_idx ON photos (owner_id, created_at DESC, id DESC);

CREATE TABLE photo_contents (
    photo_id UUID PRIMARY KEY REFERENCES photos (id) ON DELETE CASCADE,
    bytes BYTEA NOT NULL
);

-- One like per (photo, user), guaranteed by the primary key.
CREATE TABLE photo_likes (
    photo_id UUID NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
    user_id UUID NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (photo_id, user_id)
);

CREATE INDEX photo_likes_user_id_idx ON photo_likes (user_id);

CREATE TABLE profiles (
    user_id UUID PRIMARY KEY,
    bio TEXT,
    avatar_photo_id UUID,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- The avatar must be the user's own photo; deleting that photo clears the avatar only.
    CONSTRAINT profiles_avatar_fk FOREIGN KEY (avatar_photo_id, user_id)
        REFERENCES photos (id, owner_id) ON DELETE SET NULL (avatar_photo_id)
);

CREATE INDEX profiles_avatar_photo_id_idx ON profiles (avatar_photo_id);
