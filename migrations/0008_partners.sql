-- Partner sharing, as in Immich: a user shares their whole timeline with another user, who
-- may also show it in their own timeline.
CREATE TABLE partners (
    shared_by_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    shared_with_id  uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    in_timeline     boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (shared_by_id, shared_with_id),
    CHECK (shared_by_id <> shared_with_id)
);
CREATE INDEX partners_shared_with ON partners (shared_with_id);
