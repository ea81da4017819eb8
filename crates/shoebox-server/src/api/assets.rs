//! `/api/assets`: upload, duplicate check, read, update and delete.

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use shoebox_core::checksum;
use shoebox_core::domain::Visibility;
use shoebox_db::assets::{self, AssetUpdate, Purge};
use shoebox_db::exif::{EditedDate, EditedLocation, MetadataEdit};
use shoebox_db::stats::{self, AssetCountFilter};
use uuid::Uuid;

use crate::api::bulk_body_limit;
use crate::api::dto::{self, AssetResponse, present};
use crate::auth::Auth;
use crate::auth::viewer::Viewer;
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Multipart, Path, Query};
use crate::ingest::{self, Stored, UploadFields};
use crate::live::{self, ClientEvent, Room};

/// Most items one duplicate check may ask about (the Immich CLI sends at most 5000).
const MAX_CHECK_ITEMS: usize = 10_000;

/// Routes whose bodies are uploads; they get the upload size limit and no request timeout.
pub fn upload_router(max_upload_bytes: u64) -> Router<ApiContext> {
    // Room for the form's text fields and a sidecar beside the file itself.
    let body_limit = max_upload_bytes.saturating_add(32 * 1024 * 1024);
    Router::new()
        .route("/assets", post(upload))
        .layer(DefaultBodyLimit::max(usize::try_from(body_limit).unwrap_or(usize::MAX)))
}

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/assets", axum::routing::put(update_many).delete(delete_many).layer(bulk_body_limit()))
        .route("/assets/bulk-upload-check", post(bulk_upload_check).layer(bulk_body_limit()))
        .route("/assets/statistics", get(statistics))
        .route("/assets/{id}", get(read).put(update_one))
}

async fn upload(
    State(ctx): State<ApiContext>,
    auth: Auth,
    headers: HeaderMap,
    Multipart(multipart): Multipart,
) -> ApiResult<impl IntoResponse> {
    // A client that sends the checksum up front learns about a duplicate before the body moves.
    if let Some(sum) = headers.get("x-immich-checksum").and_then(|v| v.to_str().ok()) {
        let sum =
            checksum::parse(sum).ok_or_else(|| ApiError::bad_request("x-immich-checksum is not a SHA-1 checksum"))?;
        if let Some(found) = assets::find_by_checksums(&ctx.db, auth.user.id, &[sum]).await?.first() {
            let stored = if found.is_deleted { Stored::Deleted(found.id) } else { Stored::Duplicate(found.id) };
            return Ok(media_response(stored));
        }
    }
    let to = ingest::Destination { storage: &ctx.storage, owner: auth.user.id, max_bytes: ctx.config.max_upload_bytes };
    let received = ingest::receive(multipart, to).await?;
    let fields = UploadFields::parse(&received.fields)?;
    let stored = ingest::store(&ctx, &auth.user, received, fields).await?;
    Ok(media_response(stored))
}

fn media_response(stored: Stored) -> (StatusCode, Json<Value>) {
    match stored {
        Stored::Created(id) => (StatusCode::CREATED, Json(json!({ "id": id, "status": "created" }))),
        Stored::Duplicate(id) => (StatusCode::OK, Json(json!({ "id": id, "status": "duplicate" }))),
        // Refused like a duplicate, so the phone counts it as backed up and stops offering it.
        Stored::Deleted(id) => (StatusCode::OK, Json(json!({ "id": id, "status": "duplicate", "reason": "deleted" }))),
    }
}

#[derive(Debug, Deserialize)]
struct BulkCheck {
    assets: Vec<BulkCheckItem>,
}

#[derive(Debug, Deserialize)]
struct BulkCheckItem {
    /// Opaque to the server: the CLI sends file paths.
    id: String,
    checksum: String,
}

/// Answers, per file the client holds, whether the server wants it. What the user deleted for
/// good is refused as a duplicate too (unless they turned `deletedStaysDeleted` off).
async fn bulk_upload_check(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Json(body): Json<BulkCheck>,
) -> ApiResult<Json<Value>> {
    if body.assets.len() > MAX_CHECK_ITEMS {
        return Err(ApiError::bad_request(format!("At most {MAX_CHECK_ITEMS} assets can be checked at once")));
    }
    let sums = body
        .assets
        .iter()
        .map(|item| {
            checksum::parse(&item.checksum)
                .ok_or_else(|| ApiError::bad_request(format!("checksum of {:?} is not a SHA-1 checksum", item.id)))
        })
        .collect::<ApiResult<Vec<_>>>()?;
    let found = assets::find_by_checksums(&ctx.db, auth.user.id, &sums).await?;
    let results: Vec<Value> = body
        .assets
        .iter()
        .zip(&sums)
        .map(|(item, sum)| match found.iter().find(|m| &m.checksum == sum) {
            Some(m) => json!({
                "id": item.id, "action": "reject", "reason": "duplicate",
                "assetId": m.id, "isTrashed": m.is_trashed,
            }),
            None => json!({ "id": item.id, "action": "accept" }),
        })
        .collect();
    Ok(Json(json!({ "results": results })))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StatisticsQuery {
    is_favorite: Option<bool>,
    is_trashed: Option<bool>,
    visibility: Option<Visibility>,
}

/// Counts of the caller's images and videos (the CLI's `server-info`).
async fn statistics(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Query(query): Query<StatisticsQuery>,
) -> ApiResult<Json<Value>> {
    if query.visibility == Some(Visibility::Locked) {
        auth.require_unlocked()?;
    }
    let filter = AssetCountFilter {
        is_favorite: query.is_favorite,
        is_trashed: query.is_trashed,
        visibility: query.visibility.map(|v| v.as_str().to_owned()),
    };
    let counts = stats::asset_counts(&ctx.db, auth.user.id, &filter).await?;
    Ok(Json(json!({ "images": counts.images, "videos": counts.videos, "total": counts.images + counts.videos })))
}

async fn read(State(ctx): State<ApiContext>, viewer: Viewer, Path(id): Path<Uuid>) -> ApiResult<Json<AssetResponse>> {
    viewer.require_asset(&ctx, id).await?;
    let unlocked = viewer.unlocked();
    asset_response(&ctx, &viewer, id, unlocked).await.map(Json)
}

/// `AssetResponseDto` of one asset with its stack, EXIF and people; `unlocked` lets the owner's
/// locked-folder asset through.
async fn asset_response(ctx: &ApiContext, viewer: &Viewer, id: Uuid, unlocked: bool) -> ApiResult<AssetResponse> {
    let asset =
        assets::get(&ctx.db, viewer.user_id(), unlocked, id).await?.ok_or_else(|| ApiError::not_found("Asset"))?;
    let mut response = AssetResponse::from(&asset);
    if asset.stack_id.is_some()
        && let Some(stack) = shoebox_db::stacks::summary_of_asset(&ctx.db, id).await?
    {
        response.stack =
            Some(json!({ "id": stack.id, "primaryAssetId": stack.primary_asset_id, "assetCount": stack.asset_count }));
    }
    if viewer.shows_metadata() {
        // A photo shared in an album has its owner's metadata.
        response.exif_info = shoebox_db::exif::get(&ctx.db, asset.owner_id, id).await?.as_ref().map(dto::exif_info);
        let people = shoebox_db::people::of_asset(&ctx.db, viewer.user_id(), id).await?;
        response.people = Some(people.iter().map(crate::api::people::person_json).collect());
    }
    // Tags are private: only the owner, signed in, sees theirs.
    if let Viewer::User(auth) = viewer
        && auth.user.id == asset.owner_id
    {
        let tagged = shoebox_db::tags::of_assets(&ctx.db, auth.user.id, &[id]).await?;
        response.tags = Some(tagged.iter().map(|(_, tag)| crate::api::tags::tag_json(tag)).collect());
    }
    Ok(response)
}

/// The fields of Immich's `UpdateAssetDto` that Shoebox applies; others are ignored.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateFields {
    is_favorite: Option<bool>,
    visibility: Option<Visibility>,
    description: Option<String>,
    /// `null` clears the rating.
    #[serde(default, deserialize_with = "present")]
    rating: Option<Option<i32>>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    /// RFC 3339 with an offset (`2024-05-01T10:00:00+02:00`), or a wall-clock time without one.
    date_time_original: Option<String>,
    /// Pairs the still with its motion video; `null` unpairs it.
    #[serde(default, deserialize_with = "present")]
    live_photo_video_id: Option<Option<Uuid>>,
}

impl UpdateFields {
    fn flags(&self) -> AssetUpdate {
        AssetUpdate { is_favorite: self.is_favorite, visibility: self.visibility }
    }

    /// The metadata corrections, checked; the place of a new position is looked up.
    async fn metadata_edit(&self, ctx: &ApiContext) -> ApiResult<MetadataEdit> {
        if let Some(Some(rating)) = self.rating
            && !(-1..=5).contains(&rating)
        {
            return Err(ApiError::bad_request(format!("rating must be from -1 to 5, not {rating}")));
        }
        if self.description.as_ref().is_some_and(|d| d.chars().count() > 10_000) {
            return Err(ApiError::bad_request("description is longer than 10000 characters"));
        }
        let location = match (self.latitude, self.longitude) {
            (None, None) => None,
            (Some(latitude), Some(longitude)) => {
                if !(-90.0..=90.0).contains(&latitude) || !(-180.0..=180.0).contains(&longitude) {
                    return Err(ApiError::bad_request(format!(
                        "latitude must be within ±90 and longitude within ±180, not {latitude}, {longitude}"
                    )));
                }
                let names = shoebox_db::places::names_at(&ctx.db, latitude, longitude).await?;
                Some(EditedLocation {
                    latitude,
                    longitude,
                    city: names.as_ref().map(|n| n.city.clone()),
                    state: names.as_ref().and_then(|n| n.state.clone()),
                    country: names.map(|n| n.country),
                })
            }
            _ => return Err(ApiError::bad_request("latitude and longitude must be given together")),
        };
        let taken = self.date_time_original.as_deref().map(parse_taken).transpose()?;
        Ok(MetadataEdit { description: self.description.clone(), rating: self.rating, location, taken })
    }
}

/// A date the user typed: with an offset it is an instant in that zone; without, a wall-clock
/// time that stands for both, as for photos whose EXIF has no offset.
fn parse_taken(text: &str) -> ApiResult<EditedDate> {
    if let Ok(with_offset) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(EditedDate {
            instant: with_offset.with_timezone(&chrono::Utc),
            local: with_offset.naive_local().and_utc(),
            time_zone: Some(format!("UTC{}", with_offset.offset())),
        });
    }
    let local = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"]
        .iter()
        .find_map(|format| chrono::NaiveDateTime::parse_from_str(text, format).ok())
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "dateTimeOriginal must be a date and time like 2024-05-01T10:00:00+02:00, not {text:?}"
            ))
        })?;
    Ok(EditedDate { instant: local.and_utc(), local: local.and_utc(), time_zone: None })
}

/// Applies flags and metadata corrections to the caller's assets; returns how many matched.
async fn apply(ctx: &ApiContext, auth: &Auth, ids: &[Uuid], fields: &UpdateFields) -> ApiResult<u64> {
    let edit = fields.metadata_edit(ctx).await?;
    let flagged = assets::update(&ctx.db, auth.user.id, ids, &fields.flags()).await?;
    let edited = shoebox_db::exif::edit(&ctx.db, auth.user.id, ids, &edit).await?;
    if edited > 0 {
        // A new date moves photos in the timeline: open galleries show them where they now are.
        for &id in ids {
            match live::asset_update(ctx, auth.user.id, id).await {
                Ok(Some(event)) => ctx.live.send(Room::User(auth.user.id), event).await,
                Ok(None) => {}
                Err(err) => tracing::warn!(error = %err, "could not read an updated asset for its live event"),
            }
        }
    }
    Ok(flagged.max(edited))
}

async fn update_one(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Path(id): Path<Uuid>,
    Json(body): Json<UpdateFields>,
) -> ApiResult<Json<AssetResponse>> {
    if !auth.unlocked() && !assets::locked_among(&ctx.db, auth.user.id, &[id]).await?.is_empty() {
        return Err(ApiError::not_found("Asset"));
    }
    if let Some(video) = body.live_photo_video_id {
        // The other upload order: the still came first, then its video, then this link.
        if let Some(video) = video {
            crate::ingest::require_live_photo_video(&ctx, auth.user.id, video).await?;
        }
        if !assets::set_live_photo_video(&ctx.db, auth.user.id, id, video).await? {
            return Err(ApiError::not_found("Asset"));
        }
        apply(&ctx, &auth, &[id], &body).await?;
    } else if apply(&ctx, &auth, &[id], &body).await? == 0 {
        return Err(ApiError::not_found("Asset"));
    }
    // The owner sees what they changed, also when they just moved it to the locked folder.
    let just_locked = body.visibility == Some(Visibility::Locked);
    let unlocked = auth.unlocked() || just_locked;
    asset_response(&ctx, &Viewer::User(auth), id, unlocked).await.map(Json)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateMany {
    ids: Vec<Uuid>,
    #[serde(flatten)]
    fields: UpdateFields,
}

/// Refuses a bulk change naming assets the caller does not own, before anything changes:
/// an album member's or partner's photo can be seen, not changed.
async fn require_owned(ctx: &ApiContext, auth: &Auth, ids: &[Uuid]) -> ApiResult<()> {
    let foreign = assets::not_owned(&ctx.db, auth.user.id, ids).await?;
    if foreign.is_empty() {
        // The locked folder's assets change only while the PIN code has it open.
        if !auth.unlocked() && !assets::locked_among(&ctx.db, auth.user.id, ids).await?.is_empty() {
            return Err(ApiError::bad_request("Nothing was changed: some of the assets are in the locked folder"));
        }
        return Ok(());
    }
    let listed: Vec<String> = foreign.iter().take(5).map(Uuid::to_string).collect();
    Err(ApiError::bad_request(format!(
        "Nothing was changed: {} of the assets are not yours or do not exist ({}{})",
        foreign.len(),
        listed.join(", "),
        if foreign.len() > listed.len() { ", …" } else { "" }
    )))
}

async fn update_many(State(ctx): State<ApiContext>, auth: Auth, Json(body): Json<UpdateMany>) -> ApiResult<StatusCode> {
    require_owned(&ctx, &auth, &body.ids).await?;
    apply(&ctx, &auth, &body.ids, &body.fields).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
struct DeleteMany {
    ids: Vec<Uuid>,
    #[serde(default)]
    force: bool,
}

/// Moves assets to the trash, or with `force` deletes them and their files for good.
async fn delete_many(State(ctx): State<ApiContext>, auth: Auth, Json(body): Json<DeleteMany>) -> ApiResult<StatusCode> {
    require_owned(&ctx, &auth, &body.ids).await?;
    if body.force {
        let (deleted, keys) = assets::purge(&ctx.db, auth.user.id, Purge::Ids(&body.ids)).await?;
        remove_files(&ctx, &keys).await;
        send_deleted(&ctx, auth.user.id, deleted).await;
    } else {
        let trashed = assets::trash(&ctx.db, auth.user.id, &body.ids).await?;
        if !trashed.is_empty() {
            ctx.live.send(Room::User(auth.user.id), ClientEvent::AssetTrash(trashed)).await;
        }
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Tells the owner's clients that assets are gone for good, one event per asset as Immich does.
pub async fn send_deleted(ctx: &ApiContext, owner: Uuid, ids: Vec<Uuid>) {
    for id in ids {
        ctx.live.send(Room::User(owner), ClientEvent::AssetDelete(id)).await;
    }
}

/// Removes files whose rows are already gone; a failure leaves an orphan file, never a
/// row without its file, so it is logged rather than reported.
pub async fn remove_files(ctx: &ApiContext, keys: &[String]) {
    for key in keys {
        if let Err(err) = ctx.storage.delete_named(key).await {
            tracing::error!(%key, error = %err, "could not remove a deleted asset's file");
        }
    }
}
