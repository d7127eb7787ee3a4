-- Photos uploaded or moved out since the up migration have their bytes only in the photo store;
-- this does not bring them back.
DROP TRIGGER photos_queue_object_deletion ON photos;
DROP FUNCTION queue_photo_object_deletion();
DROP TABLE photo_object_deletions;
DROP INDEX photos_bytes_in_db_idx;
DROP INDEX photos_sha256_idx;
ALTER TABLE photos
    DROP COLUMN thumbnail_size,
    DROP COLUMN thumbnail_type,
    DROP COLUMN bytes_in_db;
