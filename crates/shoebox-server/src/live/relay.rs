//! Turns workers' notices into socket.io events. Every server receives every notice and sends
//! the events to the sockets connected to it, so no event goes out twice.

use std::time::Duration;

use futures::StreamExt;
use shoebox_core::domain::Visibility;
use shoebox_core::live::WorkerNotice;
use uuid::Uuid;

use super::Room;
use super::event::ClientEvent;
use super::payload::{SyncAssetExif, SyncAssetV1, SyncAssetV2, UploadReady};
use crate::api::dto::{self, AssetResponse};
use crate::context::ApiContext;

/// Listens for notices until the process ends; resubscribes when Redis goes away.
pub fn start(ctx: ApiContext) {
    tokio::spawn(async move {
        loop {
            match ctx.queues.notices().await {
                Ok(notices) => {
                    let mut notices = std::pin::pin!(notices);
                    while let Some(notice) = notices.next().await {
                        if let Err(err) = relay(&ctx, notice).await {
                            tracing::warn!(?notice, error = %err, "could not relay a worker's notice");
                        }
                    }
                    tracing::warn!("live events: Redis subscription ended; reconnecting");
                }
                Err(err) => tracing::warn!(error = %err, "live events: cannot subscribe; retrying"),
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
    });
}

async fn relay(ctx: &ApiContext, notice: WorkerNotice) -> anyhow::Result<()> {
    match notice {
        WorkerNotice::ThumbnailsReady { owner_id, asset_id } => {
            for event in upload_ready(ctx, owner_id, asset_id).await? {
                ctx.live.send_here(Room::User(owner_id), event).await;
            }
        }
        WorkerNotice::PersonThumbnailReady { owner_id, person_id } => {
            ctx.live.send_here(Room::User(owner_id), ClientEvent::PersonThumbnail(person_id)).await;
        }
    }
    Ok(())
}

/// What Immich sends once an upload's thumbnails exist: `on_upload_success` for the web and
/// `AssetUploadReadyV1`/`V2` for the app, only for assets the timeline or archive shows.
async fn upload_ready(ctx: &ApiContext, owner: Uuid, id: Uuid) -> anyhow::Result<Vec<ClientEvent>> {
    let Some(asset) = shoebox_db::assets::get(&ctx.db, owner, false, id).await? else {
        return Ok(Vec::new()); // deleted meanwhile
    };
    if !matches!(asset.visibility(), Visibility::Timeline | Visibility::Archive) {
        return Ok(Vec::new());
    }
    let exif = shoebox_db::exif::get(&ctx.db, owner, id).await?;
    let mut response = AssetResponse::from(&asset);
    response.exif_info = exif.as_ref().map(dto::exif_info);
    let mut events = vec![ClientEvent::UploadSuccess(Box::new(response))];
    if let Some(exif) = exif {
        let exif = SyncAssetExif::new(id, &exif);
        events.push(ClientEvent::AssetUploadReadyV1(Box::new(UploadReady {
            asset: SyncAssetV1::v1(&asset),
            exif: exif.clone(),
        })));
        events.push(ClientEvent::AssetUploadReadyV2(Box::new(UploadReady { asset: SyncAssetV2::v2(&asset), exif })));
    }
    Ok(events)
}
