-- Each photo's width and height in pixels, read by the upload check. Photos stored before it stay
-- NULL: their dimensions would need a decode, which SQL cannot do.
ALTER TABLE photos
    ADD COLUMN width INTEGER CHECK (width > 0),
    ADD COLUMN height INTEGER CHECK (height > 0);
