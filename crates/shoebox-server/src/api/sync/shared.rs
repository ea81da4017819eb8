//! The stream handlers for what others share with the caller: partners and their assets,
//! EXIF and stacks; albums the caller is a member of, their members, assets and links. Each
//! backfills what became visible through a grant the phone has not seen.

use serde_json::json;
use shoebox_db::sync::{self, Window};

use super::acks;
use super::entities::{self, gone};
use super::stream::{Producer, Step};

impl Producer {
    pub(super) async fn partners(&self) -> Step {
        let (db, user) = (&self.db, self.user);
        self.entity("PartnerDeleteV1", |w| sync::partner_deletes(db, user, w), |r| r.id, gone::partner).await?;
        self.entity("PartnerV1", |w| sync::partners(db, user, w), |r| r.update_id, entities::partner).await
    }

    async fn partner_grants(&self, backfill_entity: &str) -> sqlx::Result<Vec<sync::Grant>> {
        sync::partner_grants(&self.db, self.user, self.backfill_after(backfill_entity), self.bound).await
    }

    async fn album_grants(&self, backfill_entity: &str) -> sqlx::Result<Vec<sync::Grant>> {
        sync::album_grants(&self.db, self.user, self.backfill_after(backfill_entity), self.bound).await
    }

    /// `PartnerAssetV1`/`…BackfillV1` for 2.x apps, `…V2` for 3.x.
    pub(super) async fn partner_assets(&self, version: u8) -> Step {
        let (db, user) = (&self.db, self.user);
        let (upsert, backfill) = match version {
            1 => ("PartnerAssetV1", "PartnerAssetBackfillV1"),
            _ => ("PartnerAssetV2", "PartnerAssetBackfillV2"),
        };
        let data = if version == 1 { entities::asset_v1 } else { entities::asset_v2 };
        self.entity("PartnerAssetDeleteV1", |w| sync::partner_asset_deletes(db, user, w), |r| r.id, gone::asset)
            .await?;
        let grants = self.partner_grants(backfill).await?;
        self.backfill(
            backfill,
            upsert,
            grants,
            |sharer, w| sync::partner_assets_backfill(db, sharer, w),
            |r| r.update_id,
            data,
        )
        .await?;
        self.entity(upsert, |w| sync::partner_assets(db, user, w), |r| r.update_id, data).await
    }

    pub(super) async fn partner_exifs(&self) -> Step {
        let (db, user) = (&self.db, self.user);
        let (upsert, backfill) = ("PartnerAssetExifV1", "PartnerAssetExifBackfillV1");
        let grants = self.partner_grants(backfill).await?;
        self.backfill(
            backfill,
            upsert,
            grants,
            |sharer, w| sync::partner_exifs_backfill(db, sharer, w),
            |r| r.update_id,
            entities::exif,
        )
        .await?;
        self.entity(upsert, |w| sync::partner_exifs(db, user, w), |r| r.update_id, entities::exif).await
    }

    pub(super) async fn partner_stacks(&self) -> Step {
        let (db, user) = (&self.db, self.user);
        let (upsert, backfill) = ("PartnerStackV1", "PartnerStackBackfillV1");
        self.entity("PartnerStackDeleteV1", |w| sync::partner_stack_deletes(db, user, w), |r| r.id, gone::stack)
            .await?;
        let grants = self.partner_grants(backfill).await?;
        self.backfill(
            backfill,
            upsert,
            grants,
            |sharer, w| sync::partner_stacks_backfill(db, sharer, w),
            |r| r.update_id,
            entities::stack,
        )
        .await?;
        self.entity(upsert, |w| sync::partner_stacks(db, user, w), |r| r.update_id, entities::stack).await
    }

    /// `AlbumV1` (owner as a field) for 2.x apps, `AlbumV2` for 3.x.
    pub(super) async fn albums(&self, entity: &str) -> Step {
        let (db, user) = (&self.db, self.user);
        self.entity("AlbumDeleteV1", |w| sync::album_deletes(db, user, w), |r| r.id, gone::album).await?;
        let data = if entity == "AlbumV1" { entities::album_v1 } else { entities::album_v2 };
        self.entity(entity, |w| sync::albums(db, user, w), |r| r.update_id, data).await
    }

    pub(super) async fn album_users(&self) -> Step {
        let (db, user) = (&self.db, self.user);
        let (upsert, backfill) = ("AlbumUserV1", "AlbumUserBackfillV1");
        self.entity("AlbumUserDeleteV1", |w| sync::album_member_deletes(db, user, w), |r| r.id, gone::album_user)
            .await?;
        let grants = self.album_grants(backfill).await?;
        self.backfill(
            backfill,
            upsert,
            grants,
            |album, w| sync::album_members_backfill(db, album, w),
            |r| r.update_id,
            entities::album_user,
        )
        .await?;
        self.entity(upsert, |w| sync::album_members(db, user, w), |r| r.update_id, entities::album_user).await
    }

    /// Album assets come as creates (acked by the link), updates (acked by the asset, only for
    /// links the phone has) and backfills (albums joined since the phone's last creates).
    pub(super) async fn album_assets(&self, version: u8) -> Step {
        let (db, user) = (&self.db, self.user);
        let (create, update, backfill) = match version {
            1 => ("AlbumAssetCreateV1", "AlbumAssetUpdateV1", "AlbumAssetBackfillV1"),
            _ => ("AlbumAssetCreateV2", "AlbumAssetUpdateV2", "AlbumAssetBackfillV2"),
        };
        let data = if version == 1 { entities::asset_v1 } else { entities::asset_v2 };
        let grants = self.album_grants(backfill).await?;
        self.backfill(
            backfill,
            create,
            grants,
            |album, w| sync::album_asset_backfill(db, user, album, w),
            |r| r.update_id,
            data,
        )
        .await?;
        if let Some(known) = self.checkpoints.get(create).map(|ack| ack.id) {
            self.entity(update, |w| sync::album_asset_updates(db, user, w, known), |r| r.update_id, data).await?;
        }
        self.creates(create, update, |w| sync::album_asset_creates(db, user, w), |r| r.update_id, data).await
    }

    pub(super) async fn album_exifs(&self) -> Step {
        let (db, user) = (&self.db, self.user);
        let (create, update, backfill) =
            ("AlbumAssetExifCreateV1", "AlbumAssetExifUpdateV1", "AlbumAssetExifBackfillV1");
        let grants = self.album_grants(backfill).await?;
        self.backfill(
            backfill,
            create,
            grants,
            |album, w| sync::album_exif_backfill(db, album, w),
            |r| r.update_id,
            entities::exif,
        )
        .await?;
        if let Some(known) = self.checkpoints.get(create).map(|ack| ack.id) {
            self.entity(update, |w| sync::album_exif_updates(db, user, w, known), |r| r.update_id, entities::exif)
                .await?;
        }
        self.creates(create, update, |w| sync::album_exif_creates(db, user, w), |r| r.update_id, entities::exif).await
    }

    pub(super) async fn album_links(&self) -> Step {
        let (db, user) = (&self.db, self.user);
        let (upsert, backfill) = ("AlbumToAssetV1", "AlbumToAssetBackfillV1");
        self.entity("AlbumToAssetDeleteV1", |w| sync::album_link_deletes(db, user, w), |r| r.id, gone::album_link)
            .await?;
        let grants = self.album_grants(backfill).await?;
        self.backfill(
            backfill,
            upsert,
            grants,
            |album, w| sync::album_links_backfill(db, album, w),
            |r| r.update_id,
            entities::album_link,
        )
        .await?;
        self.entity(upsert, |w| sync::album_links(db, user, w), |r| r.update_id, entities::album_link).await
    }

    /// Creates carry the current state of each asset, so before the first one the update
    /// checkpoint moves to the bound (a `SyncAckV1` for the update type, as Immich sends it).
    async fn creates<T, F>(
        &self,
        create: &str,
        update: &str,
        fetch: impl Fn(Window) -> F,
        update_id: fn(&T) -> uuid::Uuid,
        data: fn(&T) -> serde_json::Value,
    ) -> Step
    where
        F: Future<Output = sqlx::Result<Vec<T>>>,
    {
        let mut window = self.window(create);
        let first = fetch(window).await?;
        if first.is_empty() {
            return Ok(());
        }
        self.send("SyncAckV1", json!({}), acks::format(update, self.bound, None)).await?;
        // The first page again through the pager keeps one code path for paging.
        window.until = None;
        self.rows(create, window, fetch, update_id, data, |id| acks::format(create, id, None)).await?;
        Ok(())
    }
}
