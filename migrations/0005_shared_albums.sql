-- Albums shared with other users of the server, as in Immich: an editor may add and remove
-- their own photos, a viewer only looks. The owner is not listed here.
CREATE TABLE album_users (
    album_id    uuid NOT NULL REFERENCES albums (id) ON DELETE CASCADE,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role        text NOT NULL DEFAULT 'editor' CHECK (role IN ('editor', 'viewer')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (album_id, user_id)
);
CREATE INDEX album_users_user ON album_users (user_id);
