-- Ownership of the library: background runs (backup, scrub, export, import) with their progress,
-- what the scrub found, who must hear of a failure, and the checksums a user deleted for good.

-- One row per run of a long task. Postgres, not Redis, holds its progress: any worker may take a
-- queued run, and a run whose worker stopped beating is taken again.
CREATE TABLE maintenance_runs (
    id            uuid PRIMARY KEY DEFAULT shoebox_uuid_v7(),
    kind          text NOT NULL CHECK (kind IN ('backup', 'scrub', 'export', 'takeout_import')),
    status        text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed')),
    requested_by  uuid REFERENCES users (id) ON DELETE SET NULL,
    params        jsonb NOT NULL DEFAULT '{}',
    requested_at  timestamptz NOT NULL DEFAULT now(),
    started_at    timestamptz,
    heartbeat_at  timestamptz,
    finished_at   timestamptz,
    done          bigint NOT NULL DEFAULT 0,
    total         bigint,
    result        jsonb,
    error         text
);
CREATE INDEX maintenance_runs_recent ON maintenance_runs (kind, requested_at DESC);
-- At most one backup and one scrub at a time, however many workers race to start one.
CREATE UNIQUE INDEX maintenance_runs_one_active ON maintenance_runs (kind)
    WHERE status IN ('queued', 'running') AND kind IN ('backup', 'scrub');

-- The scrub's last reading of each original: NULL problem means its bytes matched its SHA-1.
CREATE TABLE asset_integrity (
    asset_id    uuid PRIMARY KEY REFERENCES assets (id) ON DELETE CASCADE,
    checked_at  timestamptz NOT NULL DEFAULT now(),
    problem     text CHECK (problem IN ('mismatch', 'missing')),
    found_sha1  bytea
);
CREATE INDEX asset_integrity_problems ON asset_integrity (checked_at) WHERE problem IS NOT NULL;

-- Immich's notifications (the bell): a failed backup tells every admin.
CREATE TABLE notifications (
    id           uuid PRIMARY KEY DEFAULT shoebox_uuid_v7(),
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    level        text NOT NULL CHECK (level IN ('success', 'error', 'warning', 'info')),
    type         text NOT NULL,
    title        text NOT NULL,
    description  text,
    data         jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    read_at      timestamptz
);
CREATE INDEX notifications_user ON notifications (user_id, created_at DESC);

-- What a user deleted for good stays deleted: an upload of the same bytes by the same user is
-- refused as a duplicate (the phone re-uploading what was deleted, Immich #29627).
CREATE TABLE deleted_checksums (
    owner_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    checksum    bytea NOT NULL,
    asset_id    uuid NOT NULL,                   -- the id the asset had, for the duplicate answer
    deleted_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (owner_id, checksum)
);
