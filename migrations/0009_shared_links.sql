-- Public links to an album for people without an account, as Immich's shared links. The key is
-- kept as given out: it is what the link's URL carries, and it is unguessable (256 bits).
CREATE TABLE shared_links (
    id              uuid PRIMARY KEY,
    owner_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key             text NOT NULL UNIQUE,
    album_id        uuid NOT NULL REFERENCES albums (id) ON DELETE CASCADE,
    description     text,
    expires_at      timestamptz,
    allow_download  boolean NOT NULL DEFAULT true,
    show_metadata   boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX shared_links_owner ON shared_links (owner_id);
CREATE INDEX shared_links_album ON shared_links (album_id);
