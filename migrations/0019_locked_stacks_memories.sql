-- The locked folder, as Immich keeps it: a user's PIN code (an argon2 hash, like passwords) and,
-- per session, until when the PIN unlocked it. Locked assets show only to an unlocked session.
ALTER TABLE users ADD COLUMN pin_code_hash text;
ALTER TABLE sessions ADD COLUMN pin_expires_at timestamptz;

-- The timeline with stacks shows only each stack's primary asset: with `stack_id` in the covering
-- index its months-with-counts query stays an index-only scan for photos outside stacks.
CREATE INDEX assets_timeline_covering_stacked ON assets (owner_id, local_date_time DESC)
    INCLUDE (visibility, deleted_at, is_favorite, stack_id);
DROP INDEX assets_timeline_covering;
ALTER INDEX assets_timeline_covering_stacked RENAME TO assets_timeline_covering;

-- "On this day" memories are made on demand, once per owner, day and earlier year: a memory the
-- user deleted is not made again, and a year whose photos arrive later still gets its memory.
CREATE TABLE memory_generations (
    owner_id  uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day       date NOT NULL,
    year      integer NOT NULL,
    PRIMARY KEY (owner_id, day, year)
);
