-- Stacks and stored memories, as Immich keeps them: the mobile app syncs both (StacksV1,
-- MemoriesV1, MemoryToAssetsV1), so they must be rows with update ids, not computed on the fly.
-- Sync bookkeeping for deletes (audit tables) lives with the sync migrations.

-- A stack groups burst shots or RAW+JPEG pairs; the timeline shows its primary asset.
CREATE TABLE stacks (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id          uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    primary_asset_id  uuid NOT NULL UNIQUE REFERENCES assets (id) ON DELETE CASCADE,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    update_id         uuid NOT NULL DEFAULT shoebox_uuid_v7()
);
CREATE INDEX stacks_sync ON stacks (owner_id, update_id);
CREATE TRIGGER stacks_update_id BEFORE INSERT OR UPDATE ON stacks
    FOR EACH ROW EXECUTE FUNCTION shoebox_touch_update_id();

ALTER TABLE assets ADD COLUMN stack_id uuid REFERENCES stacks (id) ON DELETE SET NULL;
CREATE INDEX assets_stack ON assets (stack_id) WHERE stack_id IS NOT NULL;

-- A memory ("on this day" and later kinds); `data` holds the kind's fields, e.g. {"year": 2019}.
CREATE TABLE memories (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type        text NOT NULL CHECK (type IN ('on_this_day')),
    data        jsonb NOT NULL,
    is_saved    boolean NOT NULL DEFAULT false,
    memory_at   timestamptz NOT NULL,
    seen_at     timestamptz,
    show_at     timestamptz,
    hide_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    deleted_at  timestamptz,
    update_id   uuid NOT NULL DEFAULT shoebox_uuid_v7()
);
CREATE INDEX memories_owner ON memories (owner_id, memory_at);
CREATE INDEX memories_sync ON memories (owner_id, update_id);
CREATE TRIGGER memories_update_id BEFORE INSERT OR UPDATE ON memories
    FOR EACH ROW EXECUTE FUNCTION shoebox_touch_update_id();

CREATE TABLE memory_assets (
    memory_id   uuid NOT NULL REFERENCES memories (id) ON DELETE CASCADE,
    asset_id    uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    update_id   uuid NOT NULL DEFAULT shoebox_uuid_v7(),
    PRIMARY KEY (memory_id, asset_id)
);
CREATE INDEX memory_assets_sync ON memory_assets (update_id);
CREATE TRIGGER memory_assets_update_id BEFORE INSERT OR UPDATE ON memory_assets
    FOR EACH ROW EXECUTE FUNCTION shoebox_touch_update_id();
