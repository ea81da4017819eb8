-- External libraries: folders an admin adds for a user, indexed where they are (never copied,
-- never written to) and watched by a worker. Their assets name their files by `external/<path>`
-- storage keys. An asset whose file went away is offline: in the trash, as Immich shows it, until
-- the file comes back.

CREATE TABLE libraries (
    id                  uuid PRIMARY KEY,
    owner_id            uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name                text NOT NULL,
    import_paths        text[] NOT NULL DEFAULT '{}',
    exclusion_patterns  text[] NOT NULL DEFAULT '{}',
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    refreshed_at        timestamptz,            -- when a worker last finished walking its folders
    scan_requested_at   timestamptz             -- POST /libraries/{id}/scan: due while newer than refreshed_at
);
CREATE INDEX libraries_owner ON libraries (owner_id);

ALTER TABLE assets ADD COLUMN is_offline boolean NOT NULL DEFAULT false;

-- A library's rows go with it (the files stay: they are the user's). Nothing set library_id
-- before this table existed.
ALTER TABLE assets
    ADD CONSTRAINT assets_library_fk FOREIGN KEY (library_id) REFERENCES libraries (id) ON DELETE CASCADE;
-- One row per file of a library; a scan looks its files up by key.
CREATE UNIQUE INDEX assets_library_path_unique ON assets (library_id, original_path) WHERE library_id IS NOT NULL;
