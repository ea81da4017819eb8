-- Metadata a user corrected by hand (description, date, place, rating) is kept when the metadata
-- step runs again: Immich's name for the list of such properties.
ALTER TABLE exif ADD COLUMN locked_properties text[] NOT NULL DEFAULT '{}';
