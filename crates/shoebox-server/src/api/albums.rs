//! `/api/albums`: create, list, rename and delete albums, and add or remove their assets.
//! Album sharing is not built yet: every album has exactly its owner as user.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, put};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use shoebox_db::albums::{self, Album, AlbumFilter, AlbumUpdate, BulkOutcome, NewAlbum};
use shoebox_db::users::User;
use uuid::Uuid;

use crate::api::dto::iso;
use crate::auth::Auth;
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};

/// Most ids one bulk album change takes.
const MAX_BULK_IDS: usize = 10_000;

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/albums", get(list).post(create))
        .route("/albums/statistics", get(statistics))
        .route("/albums/{id}", get(read).patch(update).delete(delete))
        .route("/albums/{id}/assets", put(add_assets).delete(remove_assets))
}

/// `AlbumResponseDto`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct AlbumResponse {
    id: Uuid,
    album_name: String,
    description: String,
    album_thumbnail_asset_id: Option<Uuid>,
    album_users: Vec<Value>,
    asset_count: i64,
    contributor_counts: Vec<Value>,
    created_at: String,
    updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_modified_asset_timestamp: Option<String>,
    has_shared_link: bool,
    is_activity_enabled: bool,
    order: String,
    shared: bool,
}

impl AlbumResponse {
    fn new(album: Album, owner: &User) -> Self {
        let owner_entry = json!({
            "role": "owner",
            "user": {
                "id": owner.id,
                "email": owner.email,
                "name": owner.name,
                "avatarColor": owner.avatar_color.as_deref().unwrap_or("primary"),
                "profileImagePath": "",
                "profileChangedAt": iso(owner.profile_changed_at),
            },
        });
        Self {
            id: album.id,
            album_name: album.album_name,
            description: album.description,
            album_thumbnail_asset_id: album.album_thumbnail_asset_id,
            album_users: vec![owner_entry],
            asset_count: album.asset_count,
            contributor_counts: Vec::new(),
            created_at: iso(album.created_at),
            updated_at: iso(album.updated_at),
            start_date: album.start_date.map(iso),
            end_date: album.end_date.map(iso),
            last_modified_asset_timestamp: album.last_modified_asset_timestamp.map(iso),
            has_shared_link: false,
            is_activity_enabled: album.is_activity_enabled,
            order: album.asset_order,
            shared: false,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    asset_id: Option<Uuid>,
    id: Option<Uuid>,
    /// `false` asks for albums shared with the caller: there are none yet.
    is_owned: Option<bool>,
    is_shared: Option<bool>,
    name: Option<String>,
}

async fn list(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Query(query): Query<ListQuery>,
) -> ApiResult<Json<Vec<AlbumResponse>>> {
    auth.require("album.read")?;
    if query.is_owned == Some(false) || query.is_shared == Some(true) {
        return Ok(Json(Vec::new()));
    }
    let filter = AlbumFilter { asset_id: query.asset_id, name: query.name };
    let found = albums::list(&ctx.db, auth.user.id, &filter).await?;
    let user = &auth.user;
    Ok(Json(
        found
            .into_iter()
            .filter(|album| query.id.is_none_or(|id| album.id == id))
            .map(|album| AlbumResponse::new(album, user))
            .collect(),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateAlbum {
    album_name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    asset_ids: Vec<Uuid>,
    #[serde(default)]
    album_users: Vec<Value>,
}

async fn create(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Json(body): Json<CreateAlbum>,
) -> ApiResult<impl IntoResponse> {
    auth.require("album.create")?;
    let name = checked_name(&body.album_name)?;
    if !body.album_users.is_empty() {
        return Err(ApiError::bad_request("Sharing albums with other users is not supported by Shoebox yet"));
    }
    check_bulk(&body.asset_ids)?;
    let new = NewAlbum { owner_id: auth.user.id, album_name: name, description: body.description };
    let id = albums::create(&ctx.db, &new, &body.asset_ids).await?;
    let album = albums::get(&ctx.db, auth.user.id, id).await?.ok_or_else(|| ApiError::not_found("Album"))?;
    Ok((StatusCode::CREATED, Json(AlbumResponse::new(album, &auth.user))))
}

async fn read(State(ctx): State<ApiContext>, auth: Auth, Path(id): Path<Uuid>) -> ApiResult<Json<AlbumResponse>> {
    auth.require("album.read")?;
    let album = albums::get(&ctx.db, auth.user.id, id).await?.ok_or_else(|| ApiError::not_found("Album"))?;
    Ok(Json(AlbumResponse::new(album, &auth.user)))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateAlbum {
    album_name: Option<String>,
    description: Option<String>,
    album_thumbnail_asset_id: Option<Uuid>,
    is_activity_enabled: Option<bool>,
    order: Option<String>,
}

async fn update(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Path(id): Path<Uuid>,
    Json(body): Json<UpdateAlbum>,
) -> ApiResult<Json<AlbumResponse>> {
    auth.require("album.update")?;
    if body.order.as_deref().is_some_and(|order| order != "asc" && order != "desc") {
        return Err(ApiError::bad_request("order must be asc or desc"));
    }
    if let Some(cover) = body.album_thumbnail_asset_id {
        let in_album = albums::list(&ctx.db, auth.user.id, &AlbumFilter { asset_id: Some(cover), name: None })
            .await?
            .iter()
            .any(|album| album.id == id);
        if !in_album {
            return Err(ApiError::bad_request("The album thumbnail must be an asset of the album"));
        }
    }
    let update = AlbumUpdate {
        album_name: body.album_name.as_deref().map(checked_name).transpose()?,
        description: body.description,
        album_thumbnail_asset_id: body.album_thumbnail_asset_id,
        is_activity_enabled: body.is_activity_enabled,
        asset_order: body.order,
    };
    if !albums::update(&ctx.db, auth.user.id, id, &update).await? {
        return Err(ApiError::not_found("Album"));
    }
    read(State(ctx), auth, Path(id)).await
}

async fn delete(State(ctx): State<ApiContext>, auth: Auth, Path(id): Path<Uuid>) -> ApiResult<StatusCode> {
    auth.require("album.delete")?;
    if !albums::delete(&ctx.db, auth.user.id, id).await? {
        return Err(ApiError::not_found("Album"));
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
struct BulkIds {
    ids: Vec<Uuid>,
}

async fn add_assets(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Path(id): Path<Uuid>,
    Json(body): Json<BulkIds>,
) -> ApiResult<Json<Vec<Value>>> {
    auth.require("albumAsset.create")?;
    check_bulk(&body.ids)?;
    let outcomes =
        albums::add_assets(&ctx.db, auth.user.id, id, &body.ids).await?.ok_or_else(|| ApiError::not_found("Album"))?;
    Ok(Json(bulk_response(&body.ids, &outcomes)))
}

async fn remove_assets(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Path(id): Path<Uuid>,
    Json(body): Json<BulkIds>,
) -> ApiResult<Json<Vec<Value>>> {
    auth.require("albumAsset.delete")?;
    check_bulk(&body.ids)?;
    let outcomes = albums::remove_assets(&ctx.db, auth.user.id, id, &body.ids)
        .await?
        .ok_or_else(|| ApiError::not_found("Album"))?;
    // Removing an asset the album does not hold is "not found" to Immich, not "duplicate".
    let outcomes: Vec<_> = outcomes
        .into_iter()
        .map(|outcome| if outcome == BulkOutcome::Duplicate { BulkOutcome::NotFound } else { outcome })
        .collect();
    Ok(Json(bulk_response(&body.ids, &outcomes)))
}

async fn statistics(State(ctx): State<ApiContext>, auth: Auth) -> ApiResult<Json<Value>> {
    auth.require("album.statistics")?;
    let owned = albums::count_owned(&ctx.db, auth.user.id).await?;
    Ok(Json(json!({ "owned": owned, "shared": 0, "notShared": owned })))
}

/// `BulkIdResponseDto[]`, in request order.
fn bulk_response(ids: &[Uuid], outcomes: &[BulkOutcome]) -> Vec<Value> {
    ids.iter()
        .zip(outcomes)
        .map(|(id, outcome)| match outcome {
            BulkOutcome::Done => json!({ "id": id, "success": true }),
            BulkOutcome::Duplicate => json!({ "id": id, "success": false, "error": "duplicate" }),
            BulkOutcome::NotFound => json!({ "id": id, "success": false, "error": "not_found" }),
        })
        .collect()
}

fn checked_name(name: &str) -> ApiResult<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ApiError::bad_request("albumName should not be empty"));
    }
    if name.chars().count() > 512 {
        return Err(ApiError::bad_request("albumName is longer than 512 characters"));
    }
    Ok(name.to_owned())
}

fn check_bulk(ids: &[Uuid]) -> ApiResult<()> {
    if ids.len() > MAX_BULK_IDS {
        return Err(ApiError::bad_request(format!("At most {MAX_BULK_IDS} ids can be changed at once")));
    }
    Ok(())
}
