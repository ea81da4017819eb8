-- What the metadata step learns that later steps need, typed, so that no step parses text back
-- from `exif` and no video is probed twice: how to turn the pixels upright, and the streams and
-- container the transcode decision looks at. Filled by the metadata step; a re-run replaces it.
CREATE TABLE asset_media_facts (
    asset_id uuid PRIMARY KEY REFERENCES assets (id) ON DELETE CASCADE,
    -- EXIF orientation 1..8 (1 = upright); NULL when the file does not say.
    orientation smallint CHECK (orientation BETWEEN 1 AND 8),
    -- Clockwise degrees a video's frames must be turned to be seen upright.
    rotation smallint,
    -- FFmpeg's names: "mov,mp4,m4a,3gp,3g2,mj2", "h264", "aac"; NULL for images.
    container text,
    video_codec text,
    audio_codec text
);

-- Assets processed before this table existed keep their orientation; their videos' streams are
-- unknown, so the video step probes those once more.
INSERT INTO asset_media_facts (asset_id, orientation)
SELECT asset_id, orientation::smallint FROM exif WHERE orientation ~ '^[1-8]$';
