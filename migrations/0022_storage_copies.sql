-- `shoebox-worker storage migrate`: which files have been copied to a destination and checked
-- there (SHA-1 for originals, length for derived files). A killed migration resumes from these;
-- rows for a destination are kept until a later migration to it starts over.
CREATE TABLE storage_copies (
    destination  text NOT NULL,                  -- the location, as `s3://bucket/prefix` or `file:///path`
    key          text NOT NULL,
    verified_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (destination, key)
);

-- The orphan sweep finds files no row names by key; these make those lookups index scans.
CREATE INDEX asset_files_path ON asset_files (path);
CREATE INDEX assets_original_path ON assets (original_path);
CREATE INDEX people_thumbnail_path ON people (thumbnail_path) WHERE thumbnail_path IS NOT NULL;
