-- The words in photos (OCR), as Immich 2.2+ keeps them: one row per line of text with its four
-- corners (normalized 0–1 to the preview, clockwise from top-left), the detector's and the
-- recognizer's scores, and the text.
CREATE TABLE asset_ocr (
    id          uuid PRIMARY KEY,
    asset_id    uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    x1 real NOT NULL, y1 real NOT NULL,
    x2 real NOT NULL, y2 real NOT NULL,
    x3 real NOT NULL, y3 real NOT NULL,
    x4 real NOT NULL, y4 real NOT NULL,
    box_score   real NOT NULL,
    text_score  real NOT NULL,
    text        text NOT NULL,
    is_visible  boolean NOT NULL DEFAULT true,
    update_id   uuid NOT NULL DEFAULT shoebox_uuid_v7()
);
CREATE INDEX asset_ocr_asset ON asset_ocr (asset_id);
CREATE INDEX asset_ocr_sync ON asset_ocr (update_id);
CREATE TRIGGER asset_ocr_update_id BEFORE INSERT OR UPDATE ON asset_ocr
    FOR EACH ROW EXECUTE FUNCTION shoebox_touch_update_id();

-- Lines the phone must drop (`AssetOcrDeleteV1`).
CREATE TABLE asset_ocr_audit (
    id uuid PRIMARY KEY DEFAULT shoebox_uuid_v7(), asset_ocr_id uuid NOT NULL, asset_id uuid NOT NULL,
    owner_id uuid NOT NULL, deleted_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX asset_ocr_audit_sync ON asset_ocr_audit (owner_id, id);
CREATE FUNCTION shoebox_audit_asset_ocr_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO asset_ocr_audit (asset_ocr_id, asset_id, owner_id)
        SELECT o.id, o.asset_id, a.owner_id FROM old_rows o JOIN assets a ON a.id = o.asset_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER asset_ocr_audit AFTER DELETE ON asset_ocr REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION shoebox_audit_asset_ocr_delete();

-- All of an asset's text as one document for search, folded by the worker (lower case, accents
-- removed) so the query, folded the same way, matches "Café" with "cafe". Full-text search with
-- prefixes through the GIN index; a substring match besides it for scripts written without spaces.
CREATE TABLE ocr_search (
    asset_id  uuid PRIMARY KEY REFERENCES assets (id) ON DELETE CASCADE,
    text      text NOT NULL,
    document  tsvector GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED
);
CREATE INDEX ocr_search_document ON ocr_search USING gin (document);

ALTER TABLE asset_job_status ADD COLUMN ocr_at timestamptz;
