//! The stream handlers for what is the caller's own: their user, everyone's user rows, their
//! assets and EXIF, stacks, memories, people, faces and preferences.

use shoebox_db::sync;

use super::entities::{self, gone};
use super::stream::{Producer, Step};

impl Producer {
    pub(super) async fn auth_users(&self) -> Step {
        let (db, user) = (&self.db, self.user);
        self.entity("AuthUserV1", |w| sync::users(db, Some(user), w), |r| r.update_id, entities::auth_user).await
    }

    pub(super) async fn users(&self) -> Step {
        let db = &self.db;
        self.entity("UserDeleteV1", |w| sync::user_deletes(db, w), |r| r.id, gone::user).await?;
        self.entity("UserV1", |w| sync::users(db, None, w), |r| r.update_id, entities::user).await
    }

    /// `AssetV1` for 2.x apps, `AssetV2` for 3.x.
    pub(super) async fn assets(&self, entity: &str) -> Step {
        let (db, user) = (&self.db, self.user);
        self.entity("AssetDeleteV1", |w| sync::asset_deletes(db, user, w), |r| r.id, gone::asset).await?;
        let data = if entity == "AssetV1" { entities::asset_v1 } else { entities::asset_v2 };
        self.entity(entity, |w| sync::assets(db, user, w), |r| r.update_id, data).await
    }

    pub(super) async fn exifs(&self) -> Step {
        let (db, user) = (&self.db, self.user);
        self.entity("AssetExifV1", |w| sync::exifs(db, user, w), |r| r.update_id, entities::exif).await
    }

    /// The words read in the caller's photos; after their assets, which the app's rows point to.
    pub(super) async fn ocr(&self) -> Step {
        let (db, user) = (&self.db, self.user);
        self.entity("AssetOcrDeleteV1", |w| sync::ocr_line_deletes(db, user, w), |r| r.id, gone::ocr_line).await?;
        self.entity("AssetOcrV1", |w| sync::ocr_lines(db, user, w), |r| r.update_id, entities::ocr_line).await
    }

    pub(super) async fn stacks(&self) -> Step {
        let (db, user) = (&self.db, self.user);
        self.entity("StackDeleteV1", |w| sync::stack_deletes(db, user, w), |r| r.id, gone::stack).await?;
        self.entity("StackV1", |w| sync::stacks(db, user, w), |r| r.update_id, entities::stack).await
    }

    pub(super) async fn memories(&self) -> Step {
        let (db, user) = (&self.db, self.user);
        self.entity("MemoryDeleteV1", |w| sync::memory_deletes(db, user, w), |r| r.id, gone::memory).await?;
        self.entity("MemoryV1", |w| sync::memories(db, user, w), |r| r.update_id, entities::memory).await
    }

    pub(super) async fn memory_assets(&self) -> Step {
        let (db, user) = (&self.db, self.user);
        self.entity("MemoryToAssetDeleteV1", |w| sync::memory_asset_deletes(db, user, w), |r| r.id, gone::memory_asset)
            .await?;
        self.entity("MemoryToAssetV1", |w| sync::memory_assets(db, user, w), |r| r.update_id, entities::memory_asset)
            .await
    }

    pub(super) async fn people(&self) -> Step {
        let (db, user) = (&self.db, self.user);
        self.entity("PersonDeleteV1", |w| sync::person_deletes(db, user, w), |r| r.id, gone::person).await?;
        self.entity("PersonV1", |w| sync::people(db, user, w), |r| r.update_id, entities::person).await
    }

    /// `AssetFaceV1` for 2.x apps, `AssetFaceV2` for 3.x.
    pub(super) async fn faces(&self, entity: &str) -> Step {
        let (db, user) = (&self.db, self.user);
        self.entity("AssetFaceDeleteV1", |w| sync::face_deletes(db, user, w), |r| r.id, gone::face).await?;
        let data = if entity == "AssetFaceV1" { entities::face_v1 } else { entities::face_v2 };
        self.entity(entity, |w| sync::faces(db, user, w), |r| r.update_id, data).await
    }

    pub(super) async fn user_metadata(&self) -> Step {
        let (db, user) = (&self.db, self.user);
        self.entity(
            "UserMetadataDeleteV1",
            |w| sync::user_metadata_deletes(db, user, w),
            |r| r.id,
            gone::user_metadata,
        )
        .await?;
        self.entity("UserMetadataV1", |w| sync::user_metadata(db, user, w), |r| r.update_id, entities::user_metadata)
            .await
    }
}
