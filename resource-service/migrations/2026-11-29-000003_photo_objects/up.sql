-- Photo bytes move out of the database into the photo store (docs/PHOTOS.md, Storage), named by
-- their SHA-256. Rows whose bytes are still in photo_contents are moved out by the service in the
-- background, and served from here until then.
ALTER TABLE photos
    ADD COLUMN bytes_in_db boolean NOT NULL DEFAULT false,
    ADD COLUMN thumbnail_type text,
    ADD COLUMN thumbnail_size bigint;
UPDATE photos SET bytes_in_db = true WHERE id IN (SELECT photo_id FROM photo_contents);

-- Whether any photo still names an object: asked before an object is removed.
CREATE INDEX photos_sha256_idx ON photos (sha256);
-- The rows left to move out, found without scanning the others.
CREATE INDEX photos_bytes_in_db_idx ON photos (id) WHERE bytes_in_db;

-- Objects whose photo row was deleted: removed by the cleanup soon after, unless another photo
-- names the same bytes by then. A trigger fills it, so every way a row goes (a delete, an
-- account's erasure) is covered.
CREATE TABLE photo_object_deletions (
    sha256 text PRIMARY KEY,
    queued_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION queue_photo_object_deletion() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT OLD.bytes_in_db THEN
        INSERT INTO photo_object_deletions (sha256) VALUES (OLD.sha256) ON CONFLICT DO NOTHING;
    END IF;
    RETURN OLD;
END
$$;

CREATE TRIGGER photos_queue_object_deletion
    AFTER DELETE ON photos
    FOR EACH ROW EXECUTE FUNCTION queue_photo_object_deletion();
