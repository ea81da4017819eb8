//! `/api/stacks`: group the owner's burst shots or RAW+JPEG pairs behind one primary asset, as
//! Immich's stack API does; the timeline then shows only the primary (with `withStacked`).

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get};
use serde::Deserialize;
use serde_json::{Value, json};
use shoebox_db::assets;
use shoebox_db::stacks::{self, PrimaryOutcome, RemoveOutcome, StackWithAssets};
use uuid::Uuid;

use crate::api::dto::AssetResponse;
use crate::auth::Auth;
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/stacks", get(search).post(create).delete(delete_many))
        .route("/stacks/{id}", get(read).put(update).delete(delete_one))
        .route("/stacks/{id}/assets/{asset_id}", delete(remove_asset))
}

/// `StackResponseDto`: the primary asset first.
fn stack_json(stack: &StackWithAssets) -> Value {
    let assets: Vec<AssetResponse> = stack.assets.iter().map(AssetResponse::from).collect();
    json!({ "id": stack.stack.id, "primaryAssetId": stack.stack.primary_asset_id, "assets": assets })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SearchQuery {
    primary_asset_id: Option<Uuid>,
}

async fn search(State(ctx): State<ApiContext>, auth: Auth, Query(query): Query<SearchQuery>) -> ApiResult<Json<Value>> {
    let found = stacks::search(&ctx.db, auth.user.id, query.primary_asset_id).await?;
    Ok(Json(Value::Array(found.iter().map(stack_json).collect())))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateBody {
    asset_ids: Vec<Uuid>,
}

/// Stacks the assets behind the first one; 400 unless they are all the caller's.
async fn create(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Json(body): Json<CreateBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let mut ids = body.asset_ids;
    let mut seen = std::collections::HashSet::new();
    ids.retain(|id| seen.insert(*id));
    if ids.len() < 2 {
        return Err(ApiError::bad_request("assetIds must name at least 2 different assets"));
    }
    let foreign = assets::not_owned(&ctx.db, auth.user.id, &ids).await?;
    let locked = if auth.unlocked() { Vec::new() } else { assets::locked_among(&ctx.db, auth.user.id, &ids).await? };
    if !foreign.is_empty() || !locked.is_empty() {
        return Err(ApiError::bad_request("Not found or no asset.update access"));
    }
    let id = stacks::create(&ctx.db, auth.user.id, &ids).await?;
    let stack = stacks::get(&ctx.db, auth.user.id, id).await?.ok_or_else(|| ApiError::not_found("Stack"))?;
    Ok((StatusCode::CREATED, Json(stack_json(&stack))))
}

async fn read(State(ctx): State<ApiContext>, auth: Auth, Path(id): Path<Uuid>) -> ApiResult<Json<Value>> {
    let stack = stacks::get(&ctx.db, auth.user.id, id).await?.ok_or_else(|| ApiError::not_found("Stack"))?;
    Ok(Json(stack_json(&stack)))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateBody {
    primary_asset_id: Option<Uuid>,
}

async fn update(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Path(id): Path<Uuid>,
    Json(body): Json<UpdateBody>,
) -> ApiResult<Json<Value>> {
    if let Some(primary) = body.primary_asset_id {
        match stacks::set_primary(&ctx.db, auth.user.id, id, primary).await? {
            PrimaryOutcome::Changed => {}
            PrimaryOutcome::NoSuchStack => return Err(ApiError::not_found("Stack")),
            PrimaryOutcome::NotInStack => return Err(ApiError::bad_request("Primary asset must be in the stack")),
        }
    }
    read(State(ctx), auth, Path(id)).await
}

async fn delete_one(State(ctx): State<ApiContext>, auth: Auth, Path(id): Path<Uuid>) -> ApiResult<StatusCode> {
    if stacks::delete(&ctx.db, auth.user.id, &[id]).await? == 0 {
        return Err(ApiError::not_found("Stack"));
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
struct BulkIds {
    ids: Vec<Uuid>,
}

/// Deletes several stacks; nothing changes if any of them is not the caller's.
async fn delete_many(State(ctx): State<ApiContext>, auth: Auth, Json(body): Json<BulkIds>) -> ApiResult<StatusCode> {
    let foreign = stacks::not_owned(&ctx.db, auth.user.id, &body.ids).await?;
    if !foreign.is_empty() {
        let listed: Vec<String> = foreign.iter().take(5).map(Uuid::to_string).collect();
        return Err(ApiError::bad_request(format!(
            "Nothing was deleted: {} of the stacks are not yours or do not exist ({})",
            foreign.len(),
            listed.join(", ")
        )));
    }
    stacks::delete(&ctx.db, auth.user.id, &body.ids).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn remove_asset(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Path((id, asset)): Path<(Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    match stacks::remove_asset(&ctx.db, auth.user.id, id, asset).await? {
        RemoveOutcome::Removed => Ok(StatusCode::NO_CONTENT),
        RemoveOutcome::NoSuchStack => Err(ApiError::not_found("Stack")),
        RemoveOutcome::NotInStack => Err(ApiError::bad_request("Asset not in stack")),
        RemoveOutcome::IsPrimary => Err(ApiError::bad_request("Cannot remove stack's primary asset")),
    }
}
