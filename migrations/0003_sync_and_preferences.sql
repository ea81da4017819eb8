-- What the Immich mobile app's sync stream needs: an update id on every synced row that sorts
-- by time (UUIDv7), a record of deleted assets, and per-session acknowledgements. Also user
-- preferences, and album bookkeeping the CLI's `--album` relies on.

-- A UUIDv7: 48 bits of Unix milliseconds, then random bits. Postgres 16 has no uuidv7(), so
-- overwrite the first six bytes of a random (v4) UUID with the time and turn version 4 into 7
-- (setting bits 52 and 53 of the version nibble 0100 gives 0111).
CREATE FUNCTION shoebox_uuid_v7(at timestamptz DEFAULT clock_timestamp()) RETURNS uuid
LANGUAGE sql VOLATILE AS $$
    SELECT encode(
        set_bit(set_bit(
            overlay(uuid_send(gen_random_uuid())
                    PLACING substring(int8send(floor(extract(epoch FROM at) * 1000)::bigint) FROM 3)
                    FROM 1 FOR 6),
            52, 1), 53, 1),
        'hex')::uuid
$$;

-- The smallest UUIDv7 of a millisecond: everything written before `at` sorts below it.
CREATE FUNCTION shoebox_uuid_v7_floor(at timestamptz) RETURNS uuid
LANGUAGE sql IMMUTABLE AS $$
    SELECT encode(
        overlay('\x00000000000070008000000000000000'::bytea
                PLACING substring(int8send(floor(extract(epoch FROM at) * 1000)::bigint) FROM 3)
                FROM 1 FOR 6),
        'hex')::uuid
$$;

-- Stamps a row with a fresh update id whenever it is written. The transaction takes its xid
-- first, so from the moment the stamp exists pg_stat_activity shows a writer in flight; the sync
-- stream relies on that to never skip a row that commits late.
CREATE FUNCTION shoebox_touch_update_id() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_current_xact_id();
    NEW.update_id := shoebox_uuid_v7();
    RETURN NEW;
END
$$;

ALTER TABLE users ADD COLUMN update_id uuid NOT NULL DEFAULT shoebox_uuid_v7();
ALTER TABLE assets ADD COLUMN update_id uuid NOT NULL DEFAULT shoebox_uuid_v7();
ALTER TABLE exif ADD COLUMN update_id uuid NOT NULL DEFAULT shoebox_uuid_v7();
CREATE TRIGGER users_update_id BEFORE INSERT OR UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION shoebox_touch_update_id();
CREATE TRIGGER assets_update_id BEFORE INSERT OR UPDATE ON assets
    FOR EACH ROW EXECUTE FUNCTION shoebox_touch_update_id();
CREATE TRIGGER exif_update_id BEFORE INSERT OR UPDATE ON exif
    FOR EACH ROW EXECUTE FUNCTION shoebox_touch_update_id();
CREATE INDEX users_sync ON users (update_id);
CREATE INDEX assets_sync ON assets (owner_id, update_id);
CREATE INDEX exif_sync ON exif (update_id);

-- Assets removed for good (trash emptied, force delete), so clients can drop them too.
CREATE TABLE asset_audit (
    id         uuid PRIMARY KEY DEFAULT shoebox_uuid_v7(),
    asset_id   uuid NOT NULL,
    owner_id   uuid NOT NULL,
    deleted_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX asset_audit_sync ON asset_audit (owner_id, id);

CREATE FUNCTION shoebox_audit_asset_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO asset_audit (asset_id, owner_id) SELECT id, owner_id FROM old_rows;
    RETURN NULL;
END
$$;
CREATE TRIGGER assets_audit AFTER DELETE ON assets
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION shoebox_audit_asset_delete();

-- The last update id each session has acknowledged, per sync entity type.
CREATE TABLE session_sync_checkpoints (
    session_id  uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    type        text NOT NULL,
    ack         text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, type)
);

-- Only the settings a user changed; the server fills in Immich's defaults for the rest.
CREATE TABLE user_preferences (
    user_id     uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    preferences jsonb NOT NULL DEFAULT '{}',
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Album names are looked up by the CLI for `--album`; adding an asset touches the album.
CREATE INDEX albums_owner_name ON albums (owner_id, album_name);
