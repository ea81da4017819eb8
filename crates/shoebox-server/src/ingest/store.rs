//! Places a received upload: dedupe by (owner, checksum), finish the original's write (and store
//! any sidecar) and write its row in one transaction, then queue metadata extraction. A duplicate
//! abandons the write, so nothing of it is kept. A crash between placing the file and committing
//! the row leaves a file no row names, which the orphan sweep removes. The quota is checked in
//! that same transaction, so concurrent uploads cannot pass it together.

use shoebox_core::domain::AssetFileKind;
use shoebox_core::jobs::{AssetJob, Queue};
use shoebox_db::assets::{self, InsertOutcome, LiveVideoCheck, NewAsset};
use shoebox_db::users::User;
use shoebox_storage::{Key, WriteMode};
use uuid::Uuid;

use super::{Received, UploadFields};
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    Created(Uuid),
    /// The owner already had these bytes, as this asset.
    Duplicate(Uuid),
    /// The owner deleted these bytes for good, as this asset, and they stay deleted.
    Deleted(Uuid),
}

pub async fn store(ctx: &ApiContext, owner: &User, received: Received, fields: UploadFields) -> ApiResult<Stored> {
    if let Some(video) = fields.live_photo_video_id {
        require_live_photo_video(ctx, owner.id, video).await?;
    }
    let asset_id = received.asset_id;
    let key = received.key.clone();
    let new = NewAsset {
        id: asset_id,
        owner_id: owner.id,
        checksum: received.sha1.clone(),
        asset_type: received.format.asset_type,
        original_path: key.as_str().to_owned(),
        original_file_name: original_file_name(&fields, &received),
        original_mime_type: received.format.mime.to_owned(),
        file_size_bytes: received.size as i64,
        file_created_at: fields.file_created_at,
        file_modified_at: fields.file_modified_at,
        visibility: fields.visibility,
        is_favorite: fields.is_favorite,
        duration_ms: fields.duration_ms,
        device_asset_id: fields.device_asset_id.clone(),
        device_id: fields.device_id.clone(),
        live_photo_video_id: fields.live_photo_video_id,
    };

    let mut tx = ctx.db.begin().await?;
    // Checked inside the transaction that adds the asset, holding the owner's row: concurrent
    // uploads wait for each other here rather than all passing the same check at once.
    if owner.quota_size_bytes.is_some() {
        let (quota, usage) = shoebox_db::users::lock_quota(&mut tx, owner.id).await?;
        if quota.is_some_and(|quota| usage.saturating_add(received.size as i64) > quota) {
            return Err(ApiError::bad_request("Quota has been exceeded!"));
        }
    }
    let outcome = assets::insert(&mut tx, &new).await?;
    if let InsertOutcome::Duplicate { id } = outcome {
        // Dropping the transaction and `received` discards the row attempt and the written bytes.
        return Ok(Stored::Duplicate(id));
    }
    if let InsertOutcome::Deleted { id } = outcome {
        return Ok(Stored::Deleted(id));
    }
    let mut placed: Vec<Key> = Vec::new();
    let outcome = async {
        received.original.finish().await?;
        placed.push(key.clone());
        if let Some(sidecar) = received.sidecar {
            let sidecar_key = Key::sidecar_of(&key);
            ctx.storage.put(&sidecar_key, sidecar, WriteMode::Create).await?;
            placed.push(sidecar_key.clone());
            assets::upsert_file(&mut *tx, asset_id, AssetFileKind::Sidecar, sidecar_key.as_str()).await?;
        }
        tx.commit().await?;
        Ok::<_, ApiError>(())
    }
    .await;
    if let Err(err) = outcome {
        for key in &placed {
            if let Err(cleanup) = ctx.storage.delete(key).await {
                tracing::error!(%key, error = %cleanup, "could not remove the file of a failed upload");
            }
        }
        return Err(err);
    }

    // Postgres records that metadata has not run yet, so a job lost here (Redis down) is found
    // again by the worker's reconcile; the upload itself has succeeded either way.
    if let Err(err) = ctx.queues.push_asset(Queue::Metadata, AssetJob { asset_id }).await {
        tracing::warn!(%asset_id, error = %err, "could not queue metadata extraction");
    }
    Ok(Stored::Created(asset_id))
}

/// Refuses a `livePhotoVideoId` that is not one of the owner's videos; hides the video, which
/// the still now stands for in the timeline (the app uploads it hidden already).
pub async fn require_live_photo_video(ctx: &ApiContext, owner: Uuid, video: Uuid) -> ApiResult<()> {
    match assets::prepare_live_photo_video(&ctx.db, owner, video).await? {
        LiveVideoCheck::Linkable => Ok(()),
        LiveVideoCheck::NotFound => Err(ApiError::bad_request("Live photo video not found")),
        LiveVideoCheck::NotAVideo => Err(ApiError::bad_request("Live photo video must be a video")),
    }
}

/// The name the user knows the file by: the form's `filename`, else the file part's name,
/// without any folders.
fn original_file_name(fields: &UploadFields, received: &Received) -> String {
    let raw = fields.file_name.as_deref().or(received.part_file_name.as_deref()).unwrap_or("");
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("").trim();
    if base.is_empty() { format!("upload.{}", received.format.extension) } else { base.to_owned() }
}
