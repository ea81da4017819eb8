//! `/api/tags`: a user's tree of tags (`Trips/2024/Rome`), and tagging their own photos with
//! them, in Immich's paths and shapes. Nobody sees or uses another user's tags.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, put};
use serde::Deserialize;
use serde_json::{Value, json};
use shoebox_db::tags::{self, CreateTagError, Tag, TagOutcome};
use uuid::Uuid;

use crate::api::dto::{iso, present};
use crate::auth::Auth;
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};

/// Most assets one request tags or untags, as for albums.
const MAX_ASSET_IDS: usize = 10_000;
/// Most tags one bulk request puts on its assets.
const MAX_TAG_IDS: usize = 100;
/// Longest tag path accepted.
const MAX_VALUE_CHARS: usize = 1000;

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/tags", get(list).post(create).put(upsert))
        .route("/tags/assets", put(bulk_tag))
        .route("/tags/{id}", get(read).put(update).delete(delete))
        .route("/tags/{id}/assets", put(tag_assets).delete(untag_assets))
}

/// `TagResponseDto`: optional fields are left out, not `null`, as Immich writes them.
pub fn tag_json(tag: &Tag) -> Value {
    let mut body = json!({
        "id": tag.id,
        "name": tag.name(),
        "value": tag.value,
        "createdAt": iso(tag.created_at),
        "updatedAt": iso(tag.updated_at),
    });
    if let Some(parent) = tag.parent_id {
        body["parentId"] = json!(parent);
    }
    if let Some(color) = &tag.color {
        body["color"] = json!(color);
    }
    body
}

async fn list(State(ctx): State<ApiContext>, auth: Auth) -> ApiResult<Json<Vec<Value>>> {
    Ok(Json(tags::list(&ctx.db, auth.user.id).await?.iter().map(tag_json).collect()))
}

async fn read(State(ctx): State<ApiContext>, auth: Auth, Path(id): Path<Uuid>) -> ApiResult<Json<Value>> {
    let tag = tags::get(&ctx.db, auth.user.id, id).await?.ok_or_else(|| ApiError::not_found("Tag"))?;
    Ok(Json(tag_json(&tag)))
}

/// `#RGB`, `#RGBA`, `#RRGGBB` or `#RRGGBBAA`, the `#` optional; stored with it, as Immich does.
fn checked_color(color: &str) -> ApiResult<String> {
    let digits = color.strip_prefix('#').unwrap_or(color);
    if matches!(digits.len(), 3 | 4 | 6 | 8) && digits.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(format!("#{digits}"))
    } else {
        Err(ApiError::bad_request(format!("color must be a hex colour like #1e88e5, not {color:?}")))
    }
}

fn check_value_length(value: &str) -> ApiResult<()> {
    if value.chars().count() > MAX_VALUE_CHARS {
        return Err(ApiError::bad_request(format!("A tag is at most {MAX_VALUE_CHARS} characters long")));
    }
    Ok(())
}

/// `TagCreateDto`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateTag {
    name: String,
    parent_id: Option<Uuid>,
    color: Option<String>,
}

async fn create(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Json(body): Json<CreateTag>,
) -> ApiResult<impl IntoResponse> {
    check_value_length(&body.name)?;
    let color = body.color.as_deref().map(checked_color).transpose()?;
    match tags::create(&ctx.db, auth.user.id, body.parent_id, &body.name, color.as_deref()).await? {
        Ok(tag) => Ok((StatusCode::CREATED, Json(tag_json(&tag)))),
        Err(CreateTagError::ParentNotFound) => Err(ApiError::bad_request("Parent tag not found")),
        Err(CreateTagError::Exists(value)) => {
            Err(ApiError::bad_request(format!("A tag with that name already exists: {value}")))
        }
        Err(CreateTagError::EmptyName) => Err(ApiError::bad_request("name should not be empty")),
    }
}

/// `TagUpsertDto`.
#[derive(Debug, Deserialize)]
struct UpsertTags {
    tags: Vec<String>,
}

async fn upsert(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Json(body): Json<UpsertTags>,
) -> ApiResult<Json<Vec<Value>>> {
    if body.tags.len() > MAX_TAG_IDS {
        return Err(ApiError::bad_request(format!("At most {MAX_TAG_IDS} tags can be upserted at once")));
    }
    for value in &body.tags {
        check_value_length(value)?;
    }
    let upserted = tags::upsert(&ctx.db, auth.user.id, &body.tags).await?;
    Ok(Json(upserted.iter().map(tag_json).collect()))
}

/// `TagUpdateDto`: only the colour changes; `null` clears it.
#[derive(Debug, Deserialize)]
struct UpdateTag {
    #[serde(default, deserialize_with = "present")]
    color: Option<Option<String>>,
}

async fn update(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Path(id): Path<Uuid>,
    Json(body): Json<UpdateTag>,
) -> ApiResult<Json<Value>> {
    let tag = match body.color {
        // Nothing to change: answer with the tag as it is.
        None => tags::get(&ctx.db, auth.user.id, id).await?,
        Some(color) => {
            let color = color.as_deref().map(checked_color).transpose()?;
            tags::set_color(&ctx.db, auth.user.id, id, color.as_deref()).await?
        }
    };
    Ok(Json(tag_json(&tag.ok_or_else(|| ApiError::not_found("Tag"))?)))
}

async fn delete(State(ctx): State<ApiContext>, auth: Auth, Path(id): Path<Uuid>) -> ApiResult<StatusCode> {
    if !tags::delete(&ctx.db, auth.user.id, id).await? {
        return Err(ApiError::not_found("Tag"));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `TagBulkAssetsDto`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct BulkTag {
    tag_ids: Vec<Uuid>,
    asset_ids: Vec<Uuid>,
}

async fn bulk_tag(State(ctx): State<ApiContext>, auth: Auth, Json(body): Json<BulkTag>) -> ApiResult<Json<Value>> {
    if body.tag_ids.len() > MAX_TAG_IDS {
        return Err(ApiError::bad_request(format!("At most {MAX_TAG_IDS} tags can be given at once")));
    }
    check_asset_ids(&body.asset_ids)?;
    let count = tags::tag_assets_bulk(&ctx.db, auth.user.id, &body.tag_ids, &body.asset_ids).await?;
    Ok(Json(json!({ "count": count })))
}

/// `BulkIdsDto`.
#[derive(Debug, Deserialize)]
struct BulkIds {
    ids: Vec<Uuid>,
}

async fn tag_assets(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Path(id): Path<Uuid>,
    Json(body): Json<BulkIds>,
) -> ApiResult<Json<Vec<Value>>> {
    check_asset_ids(&body.ids)?;
    let outcomes =
        tags::tag_assets(&ctx.db, auth.user.id, id, &body.ids).await?.ok_or_else(|| ApiError::not_found("Tag"))?;
    Ok(Json(bulk_response(&body.ids, &outcomes)))
}

async fn untag_assets(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Path(id): Path<Uuid>,
    Json(body): Json<BulkIds>,
) -> ApiResult<Json<Vec<Value>>> {
    check_asset_ids(&body.ids)?;
    let outcomes =
        tags::untag_assets(&ctx.db, auth.user.id, id, &body.ids).await?.ok_or_else(|| ApiError::not_found("Tag"))?;
    Ok(Json(bulk_response(&body.ids, &outcomes)))
}

fn check_asset_ids(ids: &[Uuid]) -> ApiResult<()> {
    if ids.len() > MAX_ASSET_IDS {
        return Err(ApiError::bad_request(format!("At most {MAX_ASSET_IDS} assets can be changed at once")));
    }
    Ok(())
}

/// `BulkIdResponseDto[]`, in request order.
fn bulk_response(ids: &[Uuid], outcomes: &[TagOutcome]) -> Vec<Value> {
    ids.iter()
        .zip(outcomes)
        .map(|(id, outcome)| match outcome {
            TagOutcome::Done => json!({ "id": id, "success": true }),
            TagOutcome::Duplicate => json!({ "id": id, "success": false, "error": "duplicate" }),
            TagOutcome::NotFound => json!({ "id": id, "success": false, "error": "not_found" }),
            TagOutcome::NoPermission => json!({ "id": id, "success": false, "error": "no_permission" }),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_hex_and_stored_with_a_hash() {
        assert_eq!(checked_color("1e88e5").unwrap(), "#1e88e5");
        assert_eq!(checked_color("#ABC").unwrap(), "#ABC");
        assert!(checked_color("blue").is_err());
        assert!(checked_color("#12345").is_err());
    }
}
