-- Shoebox's first schema: accounts, assets and their files, EXIF, per-asset job progress, albums.
-- Timestamps are timestamptz. `assets.local_date_time` follows Immich: the wall-clock time where
-- the photo was taken, stored as if it were UTC, so that grouping by day needs no time zone.

CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE users (
    id                      uuid PRIMARY KEY,
    email                   text NOT NULL,
    name                    text NOT NULL,
    password_hash           text NOT NULL,
    is_admin                boolean NOT NULL DEFAULT false,
    should_change_password  boolean NOT NULL DEFAULT false,
    avatar_color            text,
    storage_label           text,
    quota_size_bytes        bigint,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    profile_changed_at      timestamptz NOT NULL DEFAULT now(),
    deleted_at              timestamptz
);
CREATE UNIQUE INDEX users_email_unique ON users (lower(email));

CREATE TABLE sessions (
    id           uuid PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash   bytea NOT NULL UNIQUE,          -- SHA-256 of the bearer token
    device_type  text NOT NULL DEFAULT '',
    device_os    text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_keys (
    id           uuid PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text NOT NULL,
    key_hash     bytea NOT NULL UNIQUE,          -- SHA-256 of the secret
    permissions  text[] NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_keys_user ON api_keys (user_id);

CREATE TABLE assets (
    id                   uuid PRIMARY KEY,
    owner_id             uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    library_id           uuid,                   -- external libraries (later); NULL for uploads
    checksum             bytea NOT NULL,         -- SHA-1 of the original's bytes
    type                 text NOT NULL CHECK (type IN ('IMAGE', 'VIDEO')),
    original_path        text NOT NULL,          -- storage key of the original
    original_file_name   text NOT NULL,
    original_mime_type   text NOT NULL,
    file_size_bytes      bigint NOT NULL,
    file_created_at      timestamptz NOT NULL,
    file_modified_at     timestamptz NOT NULL,
    local_date_time      timestamptz NOT NULL,
    visibility           text NOT NULL DEFAULT 'timeline'
                         CHECK (visibility IN ('archive', 'timeline', 'hidden', 'locked')),
    is_favorite          boolean NOT NULL DEFAULT false,
    width                integer,
    height               integer,
    duration_ms          bigint,
    thumbhash            bytea,
    device_asset_id      text,
    device_id            text,
    live_photo_video_id  uuid,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    deleted_at           timestamptz,            -- set while the asset is in the trash
    CHECK (width IS NULL OR width > 0),
    CHECK (height IS NULL OR height > 0)
);
-- Dedupe: one uploaded copy of the same bytes per owner, however many uploads race.
CREATE UNIQUE INDEX assets_owner_checksum_unique ON assets (owner_id, checksum) WHERE library_id IS NULL;
CREATE INDEX assets_timeline ON assets (owner_id, local_date_time DESC);
CREATE INDEX assets_trash ON assets (owner_id, deleted_at) WHERE deleted_at IS NOT NULL;

-- Files kept beside an original: derivatives made by the worker, and sidecars.
CREATE TABLE asset_files (
    asset_id    uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('thumbnail', 'preview', 'encoded_video', 'sidecar')),
    path        text NOT NULL,                   -- storage key
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (asset_id, kind)
);

CREATE TABLE exif (
    asset_id             uuid PRIMARY KEY REFERENCES assets (id) ON DELETE CASCADE,
    make                 text,
    model                text,
    lens_model           text,
    exposure_time        text,
    f_number             double precision,
    iso                  integer,
    focal_length         double precision,
    date_time_original   timestamptz,
    modify_date          timestamptz,
    time_zone            text,
    latitude             double precision,
    longitude            double precision,
    city                 text,
    state                text,
    country              text,
    orientation          text,
    exif_image_width     integer,
    exif_image_height    integer,
    file_size_in_byte    bigint,
    description          text,
    projection_type      text,
    rating               integer,
    fps                  double precision,
    codec                text,
    updated_at           timestamptz NOT NULL DEFAULT now()
);

-- Which pipeline steps each asset has passed. Postgres, not Redis, is the source of truth:
-- "queue missing" rebuilds any queue from this table.
CREATE TABLE asset_job_status (
    asset_id                 uuid PRIMARY KEY REFERENCES assets (id) ON DELETE CASCADE,
    metadata_extracted_at    timestamptz,
    thumbnails_generated_at  timestamptz,
    video_encoded_at         timestamptz
);

CREATE TABLE albums (
    id                        uuid PRIMARY KEY,
    owner_id                  uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    album_name                text NOT NULL,
    description               text NOT NULL DEFAULT '',
    album_thumbnail_asset_id  uuid REFERENCES assets (id) ON DELETE SET NULL,
    is_activity_enabled       boolean NOT NULL DEFAULT true,
    asset_order               text NOT NULL DEFAULT 'desc' CHECK (asset_order IN ('asc', 'desc')),
    created_at                timestamptz NOT NULL DEFAULT now(),
    updated_at                timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX albums_owner ON albums (owner_id);

CREATE TABLE album_assets (
    album_id    uuid NOT NULL REFERENCES albums (id) ON DELETE CASCADE,
    asset_id    uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (album_id, asset_id)
);
CREATE INDEX album_assets_asset ON album_assets (asset_id);
