-- The rest of the mobile app's sync (Immich 3.1): an update id on every synced table, a create
-- id where a user can gain access to older rows (partners, album members: the stream backfills
-- from them), and an audit row for everything whose rows can disappear from a user's view.

-- Update ids, stamped on every write by the trigger from 0003.
ALTER TABLE albums ADD COLUMN update_id uuid NOT NULL DEFAULT shoebox_uuid_v7();
ALTER TABLE album_assets ADD COLUMN update_id uuid NOT NULL DEFAULT shoebox_uuid_v7();
ALTER TABLE partners ADD COLUMN create_id uuid NOT NULL DEFAULT shoebox_uuid_v7();
ALTER TABLE partners ADD COLUMN update_id uuid NOT NULL DEFAULT shoebox_uuid_v7();
ALTER TABLE people ADD COLUMN update_id uuid NOT NULL DEFAULT shoebox_uuid_v7();
ALTER TABLE asset_faces ADD COLUMN update_id uuid NOT NULL DEFAULT shoebox_uuid_v7();
ALTER TABLE user_preferences ADD COLUMN update_id uuid NOT NULL DEFAULT shoebox_uuid_v7();
CREATE TRIGGER albums_update_id BEFORE INSERT OR UPDATE ON albums
    FOR EACH ROW EXECUTE FUNCTION shoebox_touch_update_id();
CREATE TRIGGER album_assets_update_id BEFORE INSERT OR UPDATE ON album_assets
    FOR EACH ROW EXECUTE FUNCTION shoebox_touch_update_id();
CREATE TRIGGER partners_update_id BEFORE INSERT OR UPDATE ON partners
    FOR EACH ROW EXECUTE FUNCTION shoebox_touch_update_id();
CREATE TRIGGER people_update_id BEFORE INSERT OR UPDATE ON people
    FOR EACH ROW EXECUTE FUNCTION shoebox_touch_update_id();
CREATE TRIGGER asset_faces_update_id BEFORE INSERT OR UPDATE ON asset_faces
    FOR EACH ROW EXECUTE FUNCTION shoebox_touch_update_id();
CREATE TRIGGER user_preferences_update_id BEFORE INSERT OR UPDATE ON user_preferences
    FOR EACH ROW EXECUTE FUNCTION shoebox_touch_update_id();
CREATE INDEX album_assets_sync ON album_assets (album_id, update_id);
CREATE INDEX partners_sync ON partners (update_id);
CREATE INDEX people_sync ON people (owner_id, update_id);
CREATE INDEX asset_faces_sync ON asset_faces (update_id);

-- Everyone who sees an album, owner included, as the app keeps them (`role` owner, editor or
-- viewer). Kept by triggers from `albums` and `album_users`, so no other code has to know.
CREATE TABLE album_members (
    album_id   uuid NOT NULL REFERENCES albums (id) ON DELETE CASCADE,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       text NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
    create_id  uuid NOT NULL DEFAULT shoebox_uuid_v7(),
    update_id  uuid NOT NULL DEFAULT shoebox_uuid_v7(),
    PRIMARY KEY (album_id, user_id)
);
CREATE INDEX album_members_user ON album_members (user_id, create_id);
CREATE INDEX album_members_sync ON album_members (update_id);
CREATE TRIGGER album_members_update_id BEFORE INSERT OR UPDATE ON album_members
    FOR EACH ROW EXECUTE FUNCTION shoebox_touch_update_id();
INSERT INTO album_members (album_id, user_id, role) SELECT id, owner_id, 'owner' FROM albums;
INSERT INTO album_members (album_id, user_id, role)
    SELECT album_id, user_id, role FROM album_users ON CONFLICT DO NOTHING;

CREATE FUNCTION shoebox_album_owner_member() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM album_members WHERE album_id = OLD.id AND user_id = OLD.owner_id AND role = 'owner';
    END IF;
    INSERT INTO album_members (album_id, user_id, role) VALUES (NEW.id, NEW.owner_id, 'owner')
        ON CONFLICT (album_id, user_id) DO UPDATE SET role = 'owner';
    RETURN NULL;
END
$$;
CREATE TRIGGER albums_owner_member AFTER INSERT ON albums
    FOR EACH ROW EXECUTE FUNCTION shoebox_album_owner_member();
CREATE TRIGGER albums_owner_change AFTER UPDATE OF owner_id ON albums
    FOR EACH ROW WHEN (OLD.owner_id IS DISTINCT FROM NEW.owner_id) EXECUTE FUNCTION shoebox_album_owner_member();

CREATE FUNCTION shoebox_album_user_member() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM album_members WHERE album_id = OLD.album_id AND user_id = OLD.user_id AND role <> 'owner';
    ELSE
        INSERT INTO album_members (album_id, user_id, role) VALUES (NEW.album_id, NEW.user_id, NEW.role)
            ON CONFLICT (album_id, user_id) DO UPDATE SET role = EXCLUDED.role
            WHERE album_members.role <> 'owner' AND album_members.role <> EXCLUDED.role;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER album_users_member AFTER INSERT OR UPDATE OR DELETE ON album_users
    FOR EACH ROW EXECUTE FUNCTION shoebox_album_user_member();

-- A new member makes the album new to them: touch it so its row streams again (as Immich does).
CREATE FUNCTION shoebox_album_member_added() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE albums SET updated_at = clock_timestamp()
    WHERE id IN (SELECT album_id FROM new_rows WHERE role <> 'owner');
    RETURN NULL;
END
$$;
CREATE TRIGGER album_members_added AFTER INSERT ON album_members
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION shoebox_album_member_added();

-- Audit tables: one row per thing gone, its id a UUIDv7 that orders it among the updates.
CREATE TABLE user_audit (
    id uuid PRIMARY KEY DEFAULT shoebox_uuid_v7(), user_id uuid NOT NULL,
    deleted_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE TABLE partner_audit (
    id uuid PRIMARY KEY DEFAULT shoebox_uuid_v7(), shared_by_id uuid NOT NULL, shared_with_id uuid NOT NULL,
    deleted_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
-- An album gone from one user's view: deleted, or the user removed from it.
CREATE TABLE album_audit (
    id uuid PRIMARY KEY DEFAULT shoebox_uuid_v7(), album_id uuid NOT NULL, user_id uuid NOT NULL,
    deleted_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX album_audit_sync ON album_audit (user_id, id);
-- A member removed from an album that still exists, for the other members.
CREATE TABLE album_user_audit (
    id uuid PRIMARY KEY DEFAULT shoebox_uuid_v7(), album_id uuid NOT NULL, user_id uuid NOT NULL,
    deleted_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX album_user_audit_sync ON album_user_audit (album_id, id);
CREATE TABLE album_asset_audit (
    id uuid PRIMARY KEY DEFAULT shoebox_uuid_v7(), album_id uuid NOT NULL, asset_id uuid NOT NULL,
    deleted_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX album_asset_audit_sync ON album_asset_audit (album_id, id);
CREATE TABLE stack_audit (
    id uuid PRIMARY KEY DEFAULT shoebox_uuid_v7(), stack_id uuid NOT NULL, user_id uuid NOT NULL,
    deleted_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX stack_audit_sync ON stack_audit (user_id, id);
CREATE TABLE memory_audit (
    id uuid PRIMARY KEY DEFAULT shoebox_uuid_v7(), memory_id uuid NOT NULL, user_id uuid NOT NULL,
    deleted_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX memory_audit_sync ON memory_audit (user_id, id);
CREATE TABLE memory_asset_audit (
    id uuid PRIMARY KEY DEFAULT shoebox_uuid_v7(), memory_id uuid NOT NULL, asset_id uuid NOT NULL,
    deleted_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX memory_asset_audit_sync ON memory_asset_audit (memory_id, id);
CREATE TABLE person_audit (
    id uuid PRIMARY KEY DEFAULT shoebox_uuid_v7(), person_id uuid NOT NULL, owner_id uuid NOT NULL,
    deleted_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX person_audit_sync ON person_audit (owner_id, id);
CREATE TABLE asset_face_audit (
    id uuid PRIMARY KEY DEFAULT shoebox_uuid_v7(), asset_face_id uuid NOT NULL, asset_id uuid NOT NULL,
    owner_id uuid NOT NULL, deleted_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX asset_face_audit_sync ON asset_face_audit (owner_id, id);
CREATE TABLE user_metadata_audit (
    id uuid PRIMARY KEY DEFAULT shoebox_uuid_v7(), user_id uuid NOT NULL, key text NOT NULL,
    deleted_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
-- Another user's assets and stacks a user can no longer see (a partner stopped sharing, an
-- album left or emptied), so the phone drops them; Immich's app would keep them as stale rows.
CREATE TABLE sync_revocations (
    id         uuid PRIMARY KEY DEFAULT shoebox_uuid_v7(),
    user_id    uuid NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('asset', 'stack')),
    entity_id  uuid NOT NULL,
    deleted_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX sync_revocations_sync ON sync_revocations (user_id, kind, id);

CREATE FUNCTION shoebox_audit_user_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO user_audit (user_id) SELECT id FROM old_rows;
    RETURN NULL;
END
$$;
CREATE TRIGGER users_audit AFTER DELETE ON users REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION shoebox_audit_user_delete();

-- A partner removed: audit it, and revoke the sharer's assets (unless the viewer still sees
-- them in an album) and stacks from the viewer.
CREATE FUNCTION shoebox_audit_partner_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO partner_audit (shared_by_id, shared_with_id) SELECT shared_by_id, shared_with_id FROM old_rows;
    INSERT INTO sync_revocations (user_id, kind, entity_id)
        SELECT o.shared_with_id, 'asset', a.id FROM old_rows o JOIN assets a ON a.owner_id = o.shared_by_id
        WHERE NOT shoebox_sees_asset(o.shared_with_id, a.id);
    INSERT INTO sync_revocations (user_id, kind, entity_id)
        SELECT o.shared_with_id, 'stack', s.id FROM old_rows o JOIN stacks s ON s.owner_id = o.shared_by_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER partners_audit AFTER DELETE ON partners REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION shoebox_audit_partner_delete();

-- Whether `viewer` still sees `asset`: their own, a partner's, or in one of their albums
-- (other than `except_album`, the one being deleted).
CREATE FUNCTION shoebox_sees_asset(viewer uuid, asset uuid, except_album uuid DEFAULT NULL) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM assets a WHERE a.id = asset AND (a.owner_id = viewer OR a.owner_id IN (
               SELECT shared_by_id FROM partners WHERE shared_with_id = viewer)))
        OR EXISTS (SELECT 1 FROM album_assets aa JOIN album_members m ON m.album_id = aa.album_id
                   WHERE aa.asset_id = asset AND m.user_id = viewer AND aa.album_id IS DISTINCT FROM except_album)
$$;

-- An album deleted: its members lose the assets they see nowhere else. Decided before the
-- delete, because the cascades' own triggers run only once the album's rows are all gone.
CREATE FUNCTION shoebox_revoke_album_assets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sync_revocations (user_id, kind, entity_id)
        SELECT m.user_id, 'asset', aa.asset_id FROM album_members m JOIN album_assets aa ON aa.album_id = OLD.id
        WHERE m.album_id = OLD.id AND NOT shoebox_sees_asset(m.user_id, aa.asset_id, OLD.id);
    RETURN OLD;
END
$$;
CREATE TRIGGER albums_revoke_assets BEFORE DELETE ON albums
    FOR EACH ROW EXECUTE FUNCTION shoebox_revoke_album_assets();

-- A member removed from an album: the album leaves their view, the other members hear of it,
-- and the album's assets they see nowhere else are revoked.
CREATE FUNCTION shoebox_audit_album_member_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO album_audit (album_id, user_id) SELECT album_id, user_id FROM old_rows;
    INSERT INTO album_user_audit (album_id, user_id)
        SELECT album_id, user_id FROM old_rows o WHERE EXISTS (SELECT 1 FROM albums WHERE id = o.album_id);
    INSERT INTO sync_revocations (user_id, kind, entity_id)
        SELECT o.user_id, 'asset', aa.asset_id FROM old_rows o JOIN album_assets aa ON aa.album_id = o.album_id
        WHERE NOT shoebox_sees_asset(o.user_id, aa.asset_id);
    RETURN NULL;
END
$$;
CREATE TRIGGER album_members_audit AFTER DELETE ON album_members REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION shoebox_audit_album_member_delete();

-- An asset taken out of an album: the link goes, and members who see the asset nowhere else
-- lose it (an asset deleted outright is gone from `assets` already and needs no revocation).
CREATE FUNCTION shoebox_audit_album_asset_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO album_asset_audit (album_id, asset_id)
        SELECT album_id, asset_id FROM old_rows o WHERE EXISTS (SELECT 1 FROM albums WHERE id = o.album_id);
    INSERT INTO sync_revocations (user_id, kind, entity_id)
        SELECT DISTINCT m.user_id, 'asset', o.asset_id FROM old_rows o
        JOIN album_members m ON m.album_id = o.album_id
        JOIN assets a ON a.id = o.asset_id
        WHERE NOT shoebox_sees_asset(m.user_id, o.asset_id);
    RETURN NULL;
END
$$;
CREATE TRIGGER album_assets_audit AFTER DELETE ON album_assets REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION shoebox_audit_album_asset_delete();

CREATE FUNCTION shoebox_audit_stack_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stack_audit (stack_id, user_id) SELECT id, owner_id FROM old_rows;
    RETURN NULL;
END
$$;
CREATE TRIGGER stacks_audit AFTER DELETE ON stacks REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION shoebox_audit_stack_delete();

CREATE FUNCTION shoebox_audit_memory_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO memory_audit (memory_id, user_id) SELECT id, owner_id FROM old_rows;
    RETURN NULL;
END
$$;
CREATE TRIGGER memories_audit AFTER DELETE ON memories REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION shoebox_audit_memory_delete();

CREATE FUNCTION shoebox_audit_memory_asset_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO memory_asset_audit (memory_id, asset_id)
        SELECT memory_id, asset_id FROM old_rows o WHERE EXISTS (SELECT 1 FROM memories WHERE id = o.memory_id);
    RETURN NULL;
END
$$;
CREATE TRIGGER memory_assets_audit AFTER DELETE ON memory_assets REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION shoebox_audit_memory_asset_delete();

CREATE FUNCTION shoebox_audit_person_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO person_audit (person_id, owner_id) SELECT id, owner_id FROM old_rows;
    RETURN NULL;
END
$$;
CREATE TRIGGER people_audit AFTER DELETE ON people REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION shoebox_audit_person_delete();

-- Faces go with their asset too; the owner is looked up while the asset may still be there,
-- and a face whose asset is already gone needs no delete of its own (the phone cascades).
CREATE FUNCTION shoebox_audit_asset_face_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO asset_face_audit (asset_face_id, asset_id, owner_id)
        SELECT o.id, o.asset_id, a.owner_id FROM old_rows o JOIN assets a ON a.id = o.asset_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER asset_faces_audit AFTER DELETE ON asset_faces REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION shoebox_audit_asset_face_delete();

CREATE FUNCTION shoebox_audit_user_preferences_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO user_metadata_audit (user_id, key) SELECT user_id, 'preferences' FROM old_rows;
    RETURN NULL;
END
$$;
CREATE TRIGGER user_preferences_audit AFTER DELETE ON user_preferences REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION shoebox_audit_user_preferences_delete();
