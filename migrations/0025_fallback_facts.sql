-- What an import knows of a photo beside its file (a Google Takeout sidecar's date taken, place
-- and caption): the metadata step uses each only where the file's own EXIF and XMP say nothing.
CREATE TABLE asset_fallback_facts (
    asset_id     uuid PRIMARY KEY REFERENCES assets (id) ON DELETE CASCADE,
    source       text NOT NULL,                  -- `google-takeout`
    taken_at     timestamptz,
    latitude     double precision,
    longitude    double precision,
    description  text
);
