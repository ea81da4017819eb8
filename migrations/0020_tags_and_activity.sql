-- Tags and album activity (likes and comments), as Immich keeps them.

-- A tag belongs to one user; its value is the full path (`Trips/2024/Rome`), its name the last
-- part. Every part of a path is a tag of its own, linked to the one above by parent_id.
CREATE TABLE tags (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    value       text NOT NULL CHECK (value <> ''),
    color       text,
    parent_id   uuid REFERENCES tags (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (owner_id, value)
);
CREATE INDEX tags_parent ON tags (parent_id) WHERE parent_id IS NOT NULL;

-- Every (ancestor, descendant) pair, each tag its own ancestor too: a parent tag's photos are
-- its own and all its descendants', found with one join instead of a recursive query.
CREATE TABLE tag_closure (
    ancestor_id    uuid NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    descendant_id  uuid NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (ancestor_id, descendant_id)
);
CREATE INDEX tag_closure_descendant ON tag_closure (descendant_id);

CREATE TABLE tag_assets (
    tag_id      uuid NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    asset_id    uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tag_id, asset_id)
);
CREATE INDEX tag_assets_asset ON tag_assets (asset_id);

-- A like or a comment on an album, or on one of its assets. An asset's activity goes when the
-- asset leaves the album (the foreign key to album_assets is not checked for album-level rows,
-- whose asset_id is NULL).
CREATE TABLE activities (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    album_id    uuid NOT NULL REFERENCES albums (id) ON DELETE CASCADE,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    asset_id    uuid REFERENCES assets (id) ON DELETE CASCADE,
    comment     text,
    is_liked    boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((comment IS NULL AND is_liked) OR (comment IS NOT NULL AND NOT is_liked)),
    FOREIGN KEY (album_id, asset_id) REFERENCES album_assets (album_id, asset_id) ON DELETE CASCADE
);
CREATE INDEX activities_album ON activities (album_id, created_at);
CREATE INDEX activities_user ON activities (user_id);
CREATE INDEX activities_asset ON activities (asset_id) WHERE asset_id IS NOT NULL;
-- One like per user on the album, and one per asset in it.
CREATE UNIQUE INDEX activities_one_like ON activities (album_id, user_id, asset_id) NULLS NOT DISTINCT
    WHERE is_liked;
